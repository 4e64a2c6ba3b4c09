"""Exact cartonization of small orders: the optimum the heuristic is measured against.

`optimal_proposal` finds the fewest cartons, then the smallest shipped volume, for up to
about 8 units. For every subset of the units it finds the smallest carton type that holds
the subset: a type is skipped when the subset is over its volume or payload, or when a
subset with one unit fewer does not fit it; otherwise the heuristic's attempts are tried
first and, when they fail, the exact search (`floor.outbound.carton_fit.exact_fit`, which
is complete). A dynamic program over subsets then picks the best split. It is for the
benchmark and the tests, not for the pack bench: the exact search grows very fast with
the number of units.
"""

from __future__ import annotations

from collections.abc import Sequence

from floor.outbound.carton_fit import Placed, UnitKind, exact_fit, fit
from floor.outbound.cartonization import CartonType, PackLine, Proposal, prepare, proposal


class _Subsets:
    """Which carton types hold which multisets of units, memoised."""

    def __init__(self, types: Sequence[CartonType], node_limit: int | None) -> None:
        self.types = types
        self.node_limit = node_limit
        self.fits: dict[tuple[tuple[int, ...], int], list[Placed] | None] = {}

    def holds(self, units: tuple[UnitKind, ...], t: int) -> list[Placed] | None:
        """The units placed in carton type t, or None when they cannot all go in it.

        `units` are sorted by line. Raises SearchLimit when the exact search gives up.
        """
        key = (tuple(kind.line for kind in units), t)
        if key not in self.fits:
            self.fits[key] = self._holds(units, t)
        return self.fits[key]

    def _holds(self, units: tuple[UnitKind, ...], t: int) -> list[Placed] | None:
        carton = self.types[t]
        if any(not (kind.fits >> t) & 1 for kind in units):
            return None
        if sum(k.volume for k in units) > carton.volume_mm3:
            return None
        if sum(k.weight for k in units) > carton.payload_g:
            return None
        for drop in range(len(units) if len(units) > 1 else 0):
            if drop > 0 and units[drop] is units[drop - 1]:
                continue
            if self.holds(units[:drop] + units[drop + 1 :], t) is None:
                return None  # a part does not fit, so the whole cannot
        placed = fit(carton.dimensions_mm, carton.payload_g, units, exact_units=0)
        if placed is not None:
            return placed
        positions = exact_fit([k.dims for k in units], carton.dimensions_mm, self.node_limit)
        if positions is None:
            return None
        return [(kind, *where) for kind, where in zip(units, positions, strict=True)]


def optimal_proposal(
    lines: Sequence[PackLine],
    carton_types: Sequence[CartonType],
    max_units: int = 8,
    node_limit: int | None = None,
) -> Proposal:
    """The proposal with the fewest cartons, then the smallest shipped volume.

    Lines are checked and left out as `cartonize` does. Raises ValueError above
    `max_units` units to pack, and SearchLimit when an exact search gives up after
    `node_limit` nodes (None: never).
    """
    packer, units, unpacked = prepare(lines, carton_types)
    n = len(units)
    if n > max_units:
        raise ValueError(f"optimal_proposal is for at most {max_units} units, got {n}")
    subsets = _Subsets(packer.types, node_limit)
    full = (1 << n) - 1
    # the smallest type holding each subset: (volume, type index, placed units)
    cost: list[tuple[int, int, list[Placed]] | None] = [None] * (1 << n)
    for mask in range(1, full + 1):
        members = tuple(sorted((units[i] for i in range(n) if (mask >> i) & 1), key=_line))
        for t, carton in enumerate(packer.types):
            placed = subsets.holds(members, t)
            if placed is not None:
                cost[mask] = (carton.volume_mm3, t, placed)
                break
    # best[mask]: (cartons, volume, the carton holding mask's lowest unit) for mask's units
    best: list[tuple[int, int, int] | None] = [None] * (1 << n)
    best[0] = (0, 0, 0)
    for mask in range(1, full + 1):
        low = mask & -mask
        rest = mask ^ low
        sub = rest
        while True:
            block = sub | low
            here, after = cost[block], best[mask ^ block]
            if here is not None and after is not None:
                candidate = (after[0] + 1, after[1] + here[0], block)
                found = best[mask]
                if found is None or candidate[:2] < found[:2]:
                    best[mask] = candidate
            if sub == 0:
                break
            sub = (sub - 1) & rest
    cartons = []
    mask = full
    while mask:
        step = best[mask]
        assert step is not None, "every unit fits some carton type on its own"
        block_cost = cost[step[2]]
        assert block_cost is not None
        cartons.append((packer.types[block_cost[1]], block_cost[2]))
        mask ^= step[2]
    return proposal(cartons, unpacked)


def _line(kind: UnitKind) -> int:
    return kind.line
