"""Pick routing: the visiting order and walk for a pick list in a rectangular warehouse.

`plan_route` is the entry point. Callers map each location to a `PickPoint` (aisle index
and position along the aisle from the front cross aisle; side and level do not change the
walk) and describe the floor with a `Layout`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from floor.outbound.routing.exact import exact_route
from floor.outbound.routing.heuristics import largest_gap_route, return_route, s_shape_route
from floor.outbound.routing.layout import Layout, PickPoint, Route, tour_length
from floor.outbound.routing.search import local_search_route

# Above this many blocks the exact sweep gets slow (about 60 ms for 3 blocks, 20 aisles,
# 50 picks; 0.5 s for 4), so "auto" switches to local search.
EXACT_BLOCK_LIMIT = 2

METHODS: dict[str, Callable[[Layout, Sequence[PickPoint]], Route]] = {
    "exact": exact_route,
    "local_search": local_search_route,
    "s_shape": s_shape_route,
    "largest_gap": largest_gap_route,
    "return": return_route,
}


def plan_route(layout: Layout, picks: Sequence[PickPoint], method: str = "auto") -> Route:
    """Route `picks` from the depot and back.

    "auto" is exact (Ratliff-Rosenthal) for one block and for up to EXACT_BLOCK_LIMIT
    blocks, local search beyond; any key of METHODS may be named instead.
    """
    if method == "auto":
        method = "exact" if layout.blocks <= EXACT_BLOCK_LIMIT else "local_search"
    try:
        router = METHODS[method]
    except KeyError:
        known = sorted(METHODS)
        raise ValueError(f"unknown routing method {method!r}; use auto or {known}") from None
    return router(layout, picks)


__all__ = [
    "EXACT_BLOCK_LIMIT",
    "METHODS",
    "Layout",
    "PickPoint",
    "Route",
    "exact_route",
    "largest_gap_route",
    "local_search_route",
    "plan_route",
    "return_route",
    "s_shape_route",
    "tour_length",
]
