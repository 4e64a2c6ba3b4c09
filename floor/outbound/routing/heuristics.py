"""Classic pick-routing heuristics: S-shape (traversal), return and largest gap.

These are the single-block rules of Hall (1993) and Roodbergen & de Koster (2001). They use
only the front and back cross aisles, so on a layout with more cross aisles they give the
route a picker would walk ignoring the middle ones (still a valid walk there). The depot
is left and re-entered along its own aisle when it is not on the front cross aisle.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Sequence

from floor.outbound.routing.layout import Layout, PickPoint, Route


class _Walk:
    """A walk along aisle centre lines and the front/back cross aisles, picking as it goes."""

    def __init__(self, layout: Layout, picks: Sequence[PickPoint]) -> None:
        self.layout = layout
        self.points: list[tuple[int, float]] = [layout.depot]
        self.keys: list[Hashable] = []
        self.by_aisle: dict[int, list[PickPoint]] = {}
        for pick in picks:
            layout.check_point(pick.aisle, pick.position)
            self.by_aisle.setdefault(pick.aisle, []).append(pick)
        for aisle_picks in self.by_aisle.values():
            aisle_picks.sort(key=lambda pick: pick.position)

    def go(self, aisle: int, position: float) -> None:
        if self.points[-1] != (aisle, position):
            self.points.append((aisle, position))

    def pick(self, picks: Sequence[PickPoint]) -> None:
        for pick in picks:
            self.go(pick.aisle, pick.position)
            self.keys.append(pick.key)

    def leave_depot(self) -> None:
        self.go(self.layout.depot_aisle, 0.0)

    def route(self, method: str) -> Route:
        self.go(self.layout.depot_aisle, 0.0)
        self.go(*self.layout.depot)
        spacing = self.layout.aisle_spacing
        length = 0.0
        for (a_aisle, a_pos), (b_aisle, b_pos) in zip(self.points, self.points[1:], strict=False):
            if a_aisle == b_aisle:
                length += abs(a_pos - b_pos)
            else:
                assert a_pos == b_pos and a_pos in (0.0, self.layout.aisle_length)
                length += abs(a_aisle - b_aisle) * spacing
        waypoints = tuple((self.layout.x(aisle), position) for aisle, position in self.points)
        return Route(keys=tuple(self.keys), length=length, method=method, waypoints=waypoints)


def s_shape_route(layout: Layout, picks: Sequence[PickPoint]) -> Route:
    """Traverse every aisle holding picks, alternating up and down; an odd last one is a return."""
    walk = _Walk(layout, picks)
    back = layout.aisle_length
    walk.leave_depot()
    aisles = sorted(walk.by_aisle)
    at_front = True
    for index, aisle in enumerate(aisles):
        aisle_picks = walk.by_aisle[aisle]
        if at_front:
            walk.go(aisle, 0.0)
            walk.pick(aisle_picks)
            if index == len(aisles) - 1:
                walk.go(aisle, 0.0)
            else:
                walk.go(aisle, back)
                at_front = False
        else:
            walk.go(aisle, back)
            walk.pick(aisle_picks[::-1])
            walk.go(aisle, 0.0)
            at_front = True
    return walk.route("s_shape")


def return_route(layout: Layout, picks: Sequence[PickPoint]) -> Route:
    """Enter and leave every aisle holding picks from the front cross aisle."""
    walk = _Walk(layout, picks)
    walk.leave_depot()
    for aisle in sorted(walk.by_aisle):
        walk.go(aisle, 0.0)
        walk.pick(walk.by_aisle[aisle])
        walk.go(aisle, 0.0)
    return walk.route("return")


def _split_at_largest_gap(
    picks: list[PickPoint], back: float
) -> tuple[list[PickPoint], list[PickPoint]]:
    """Picks reached from the front and from the back, leaving out the widest gap."""
    ends = [0.0, *(pick.position for pick in picks), back]
    gaps = [b - a for a, b in itertools.pairwise(ends)]
    widest = gaps.index(max(gaps))
    return picks[:widest], picks[widest:]


def largest_gap_route(layout: Layout, picks: Sequence[PickPoint]) -> Route:
    """Traverse the outermost aisles; enter the others from both ends up to the widest gap."""
    walk = _Walk(layout, picks)
    back = layout.aisle_length
    walk.leave_depot()
    aisles = sorted(walk.by_aisle)
    if len(aisles) == 1:
        (aisle,) = aisles
        walk.go(aisle, 0.0)
        walk.pick(walk.by_aisle[aisle])
        walk.go(aisle, 0.0)
        return walk.route("largest_gap")
    first, *middle, last = aisles
    splits = {aisle: _split_at_largest_gap(walk.by_aisle[aisle], back) for aisle in middle}
    walk.go(first, 0.0)
    walk.pick(walk.by_aisle[first])
    walk.go(first, back)
    for aisle in middle:
        walk.go(aisle, back)
        walk.pick(splits[aisle][1][::-1])
        walk.go(aisle, back)
    walk.go(last, back)
    walk.pick(walk.by_aisle[last][::-1])
    walk.go(last, 0.0)
    for aisle in reversed(middle):
        walk.go(aisle, 0.0)
        walk.pick(splits[aisle][0])
        walk.go(aisle, 0.0)
    return walk.route("largest_gap")
