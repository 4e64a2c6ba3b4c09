"""Warehouse layout model for pick routing: aisles, cross aisles, depot and pick points.

Aisles are parallel, numbered 0..aisles-1 from left to right, their centre lines
`aisle_spacing` apart. A position is measured along the aisle from the front cross aisle
(0) to the back cross aisle (`aisle_length`). Cross aisles run across every aisle at the
positions in `cross_aisles`; a layout with `blocks` blocks has `blocks + 1` cross aisles.
Both sides of an aisle are picked from its centre line, so side and level do not matter.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Hashable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class PickPoint:
    """One line of a pick list at its place in the aisle graph."""

    key: Hashable
    aisle: int
    position: float


@dataclass(frozen=True, slots=True)
class Route:
    """A closed pick tour from the depot back to the depot.

    `keys` are the pick keys in visiting order (picks at the same point are adjacent);
    `waypoints` is the walked polyline as (x, position) pairs, x = aisle * aisle_spacing.
    """

    keys: tuple[Hashable, ...]
    length: float
    method: str
    waypoints: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Layout:
    """A rectangular warehouse with parallel aisles and full-width cross aisles.

    `cross_aisles` defaults to `blocks + 1` evenly spaced cross aisles, the first at the
    front (0.0) and the last at the back (`aisle_length`). The depot is the point
    (`depot_aisle`, `depot_position`); by default the front end of aisle 0.
    """

    aisles: int
    aisle_length: float
    aisle_spacing: float
    blocks: int = 1
    cross_aisles: tuple[float, ...] = field(default=())
    depot_aisle: int = 0
    depot_position: float = 0.0

    def __post_init__(self) -> None:
        if self.aisles < 1:
            raise ValueError(f"a layout needs at least one aisle, got {self.aisles}")
        if self.aisle_length <= 0 or self.aisle_spacing <= 0:
            raise ValueError("aisle_length and aisle_spacing must be positive")
        if not self.cross_aisles:
            if self.blocks < 1:
                raise ValueError(f"a layout needs at least one block, got {self.blocks}")
            step = self.aisle_length / self.blocks
            crossings = tuple(
                [0.0] + [k * step for k in range(1, self.blocks)] + [float(self.aisle_length)]
            )
            object.__setattr__(self, "cross_aisles", crossings)
        crossings = tuple(float(c) for c in self.cross_aisles)
        if (
            len(crossings) < 2
            or crossings[0] != 0.0
            or crossings[-1] != float(self.aisle_length)
            or any(b <= a for a, b in itertools.pairwise(crossings))
        ):
            raise ValueError(
                "cross_aisles must rise strictly from 0.0 (front) to aisle_length (back)"
            )
        object.__setattr__(self, "cross_aisles", crossings)
        object.__setattr__(self, "blocks", len(crossings) - 1)
        self.check_point(self.depot_aisle, self.depot_position, what="depot")

    @property
    def depot(self) -> tuple[int, float]:
        return (self.depot_aisle, self.depot_position)

    def check_point(self, aisle: int, position: float, what: str = "pick") -> None:
        """Raise ValueError naming the point if it lies outside the layout."""
        if not 0 <= aisle < self.aisles:
            raise ValueError(f"{what} aisle {aisle} is outside aisles 0..{self.aisles - 1}")
        if not 0.0 <= position <= self.aisle_length:
            raise ValueError(
                f"{what} position {position} is outside 0..{self.aisle_length} in aisle {aisle}"
            )

    def block_of(self, position: float) -> int:
        """The block (0 = front) holding `position`; a cross aisle belongs to the block behind."""
        return min(bisect_right(self.cross_aisles, position) - 1, self.blocks - 1)

    def x(self, aisle: int) -> float:
        return aisle * self.aisle_spacing

    def distance(self, a: tuple[int, float], b: tuple[int, float]) -> float:
        """Shortest walking distance between two (aisle, position) points.

        Within an aisle it is the straight run. Between aisles a walker must reach a cross
        aisle; by the triangle inequality one cross aisle suffices, so the distance is the
        horizontal run plus the cheapest vertical detour through one cross aisle.
        """
        (a_aisle, a_pos), (b_aisle, b_pos) = a, b
        if a_aisle == b_aisle:
            return abs(a_pos - b_pos)
        across = abs(a_aisle - b_aisle) * self.aisle_spacing
        low, high = (a_pos, b_pos) if a_pos <= b_pos else (b_pos, a_pos)
        crossings = self.cross_aisles
        above = bisect_left(crossings, low)
        if crossings[above] <= high:
            return across + high - low
        below = crossings[above - 1]
        return across + min(low + high - 2.0 * below, 2.0 * crossings[above] - low - high)

    def single_block(self) -> Layout:
        """The same layout with only the front and back cross aisles."""
        return Layout(
            aisles=self.aisles,
            aisle_length=self.aisle_length,
            aisle_spacing=self.aisle_spacing,
            depot_aisle=self.depot_aisle,
            depot_position=self.depot_position,
        )


def tour_length(layout: Layout, points: list[tuple[int, float]]) -> float:
    """Length of the closed walk depot -> points in order -> depot over shortest paths."""
    stops = [layout.depot, *points, layout.depot]
    return sum(layout.distance(a, b) for a, b in itertools.pairwise(stops))
