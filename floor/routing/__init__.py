"""Pick routing: the order and walk for a pick list in a rectangular warehouse."""

from __future__ import annotations

from floor.routing.exact import exact_route
from floor.routing.layout import Layout, PickPoint, Route, tour_length

__all__ = ["Layout", "PickPoint", "Route", "exact_route", "tour_length"]
