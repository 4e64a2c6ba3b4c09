"""Pick tours for layouts with several cross aisles: shortest-path distances plus local search.

Distances between pick points are exact shortest paths in the aisle graph (closed form, see
`Layout.distance`). Tours start from nearest neighbour and from the exact single-block tour
that ignores the middle cross aisles, and are improved by 2-opt and or-opt moves until
neither finds a shorter tour. Deterministic: no randomness.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from floor.outbound.routing.exact import exact_route
from floor.outbound.routing.layout import Layout, PickPoint, Route

_EPSILON = 1e-9


def _nearest_neighbour(distances: list[list[float]]) -> list[int]:
    unvisited = set(range(1, len(distances)))
    tour = [0]
    while unvisited:
        here = distances[tour[-1]]
        nxt = min(unvisited, key=lambda spot: (here[spot], spot))
        unvisited.remove(nxt)
        tour.append(nxt)
    return tour


def _two_opt(tour: list[int], distances: list[list[float]]) -> bool:
    size = len(tour)
    improved_any = False
    improved = True
    while improved:
        improved = False
        for i in range(1, size - 1):
            a, b = tour[i - 1], tour[i]
            row_a, row_b = distances[a], distances[b]
            d_ab = row_a[b]
            for j in range(i + 1, size):
                c, d = tour[j], tour[(j + 1) % size]
                delta = row_a[c] + row_b[d] - d_ab - distances[c][d]
                if delta < -_EPSILON:
                    tour[i : j + 1] = tour[i : j + 1][::-1]
                    improved = improved_any = True
                    b = tour[i]
                    row_b = distances[b]
                    d_ab = row_a[b]
    return improved_any


def _or_opt(tour: list[int], distances: list[list[float]]) -> bool:
    """Move a run of 1 to 3 stops elsewhere, either way round; first improvement."""
    size = len(tour)
    for run in (1, 2, 3):
        for i in range(1, size - run + 1):
            j = i + run - 1
            prev, first, last, after = tour[i - 1], tour[i], tour[j], tour[(j + 1) % size]
            removed = distances[prev][first] + distances[last][after] - distances[prev][after]
            rest = tour[:i] + tour[j + 1 :]
            for k in range(len(rest)):
                p, q = rest[k], rest[(k + 1) % len(rest)]
                if k == i - 1:
                    continue
                base = distances[p][q]
                forward = distances[p][first] + distances[last][q] - base
                backward = distances[p][last] + distances[first][q] - base
                if min(forward, backward) < removed - _EPSILON:
                    segment = tour[i : j + 1]
                    if backward < forward:
                        segment.reverse()
                    tour[:] = [*rest[: k + 1], *segment, *rest[k + 1 :]]
                    return True
    return False


def _closed_length(tour: list[int], distances: list[list[float]]) -> float:
    return sum(distances[tour[i - 1]][tour[i]] for i in range(len(tour)))


def improve(tour: list[int], distances: list[list[float]]) -> list[int]:
    """Apply 2-opt and or-opt until neither shortens the closed tour; tour[0] stays put."""
    tour = list(tour)
    while True:
        _two_opt(tour, distances)
        if not _or_opt(tour, distances):
            return tour


def _path_waypoints(
    layout: Layout, a: tuple[int, float], b: tuple[int, float]
) -> list[tuple[float, float]]:
    if a[0] == b[0]:
        return [(layout.x(b[0]), b[1])]
    best = min(layout.cross_aisles, key=lambda c: abs(a[1] - c) + abs(c - b[1]))
    return [(layout.x(a[0]), best), (layout.x(b[0]), best), (layout.x(b[0]), b[1])]


def local_search_route(layout: Layout, picks: Sequence[PickPoint]) -> Route:
    """A short tour for any layout: best of the improved starting tours."""
    spots: list[tuple[int, float]] = [layout.depot]
    keys_at: dict[tuple[int, float], list[Hashable]] = {layout.depot: []}
    for pick in picks:
        layout.check_point(pick.aisle, pick.position)
        spot = (pick.aisle, pick.position)
        if spot not in keys_at:
            keys_at[spot] = []
            spots.append(spot)
        keys_at[spot].append(pick.key)
    distances = [[layout.distance(a, b) for b in spots] for a in spots]
    stops = [PickPoint(index, *spot) for index, spot in enumerate(spots) if index]
    single = exact_route(layout.single_block(), stops)
    from_single = [0, *(int(index) for index in single.keys)]  # type: ignore[call-overload]
    starts = [from_single, _nearest_neighbour(distances)]
    tours = [improve(start, distances) for start in starts]
    best = min(tours, key=lambda tour: _closed_length(tour, distances))
    keys: list[Hashable] = []
    waypoints: list[tuple[float, float]] = [(layout.x(layout.depot[0]), layout.depot[1])]
    for previous, index in zip(best, [*best[1:], 0], strict=True):
        keys += keys_at[spots[index]]
        waypoints += _path_waypoints(layout, spots[previous], spots[index])
    return Route(
        keys=tuple(keys),
        length=_closed_length(best, distances),
        method="local_search",
        waypoints=tuple(waypoints),
    )
