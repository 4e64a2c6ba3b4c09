"""Pick sequence: the order a cart's picks are walked in, along the aisles.

The warehouse's racks give the routing layout (aisles, their length, cross-aisle blocks);
a cart's stops are put in walking order by the router (floor.outbound.routing). Release
sequences every cart cheaply; claiming a cart sequences it again exactly
(floor.outbound.carts). Locations with no place on the layout are visited last, by code.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.models import Location
from floor.outbound.routing import Layout, PickPoint, plan_route

DEFAULT_AISLE_SPACING = 3.0


def layout_subquery(warehouse_id):  # type: ignore[no-untyped-def]
    """One row: the lowest and highest aisle, the longest position and the highest block of
    the warehouse's racks (what `layout_of` makes the routing layout of)."""
    return (
        select(
            func.min(Location.aisle).label("low_aisle"),
            func.max(Location.aisle).label("high_aisle"),
            func.max(Location.position).label("longest"),
            func.max(Location.block).label("blocks"),
        )
        .where(
            Location.warehouse_id == warehouse_id,
            Location.aisle.is_not(None),
            Location.position.is_not(None),
        )
        .subquery("layout")
    )


def layout_of(
    low: int | None, high: int | None, longest: float | None, blocks: int | None
) -> tuple[Layout, int]:
    """The routing layout and the aisle number of routing aisle 0, from `layout_subquery`."""
    if low is None:
        return Layout(1, 1.0, DEFAULT_AISLE_SPACING), 0
    length = float(longest or 0.0) + 1.0
    return Layout(
        int(high or 0) - int(low) + 1, length, DEFAULT_AISLE_SPACING, blocks=int(blocks or 0) + 1
    ), int(low)


def warehouse_layout(session: Session, warehouse_id: int) -> tuple[Layout, int]:
    """The routing layout of the warehouse's racks and the aisle number of routing aisle 0."""
    return layout_of(*session.execute(select(layout_subquery(warehouse_id))).one())


def sequence_cluster(
    layout: Layout,
    first_aisle: int,
    stops: Sequence[tuple[int, int | None, float | None, str]],
    method: str = "auto",
) -> list[int]:
    """Visiting order for a cluster's stops (key, aisle, position, location code).

    Stops with no place on the layout go last, by location code.
    """
    points = [
        PickPoint(key, aisle - first_aisle, min(max(position, 0.0), layout.aisle_length))
        for key, aisle, position, _code in stops
        if aisle is not None and position is not None and 0 <= aisle - first_aisle < layout.aisles
    ]
    placed = {p.key for p in points}
    route = plan_route(layout, points, method) if points else None
    ordered = list(route.keys) if route else []
    rest = sorted((s for s in stops if s[0] not in placed), key=lambda s: (s[3], s[0]))
    return [int(k) for k in ordered] + [s[0] for s in rest]


def location_places(
    session: Session, location_ids: set[int]
) -> dict[int, tuple[int | None, float | None]]:
    ids = sorted(location_ids)
    places: dict[int, tuple[int | None, float | None]] = {}
    for start in range(0, len(ids), 5000):
        for lid, aisle, position in session.execute(
            select(Location.id, Location.aisle, Location.position).where(
                Location.id.in_(ids[start : start + 5000])
            )
        ):
            places[lid] = (aisle, position)
    return places
