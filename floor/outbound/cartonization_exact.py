"""Exact cartonization of small orders: the optimum the heuristic is measured against.

`optimal_proposal` finds the fewest cartons, then the smallest shipped volume, for up to
about 8 units. For every subset of the units it finds the smallest carton type that holds
the subset: a type is skipped when the subset is over its volume or payload, or when a
subset with one unit fewer does not fit it; otherwise the heuristic's attempts are tried
first and, when they fail, the exact search (`floor.outbound.carton_fit.exact_fit`, which
is complete). A dynamic program over subsets then picks the best split. It is for the
benchmark and the tests, not for the pack bench: the exact search grows very fast with
the number of units.

`optimal_bound` is the same with a node limit that never fails: a subset whose exact
search gives up is taken to fit, so the result is a lower bound on the optimum, and the
optimum itself when the best split uses only settled subsets (`proven`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from floor.outbound.carton_fit import Placed, SearchLimit, UnitKind, exact_fit, fit
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


@dataclass(frozen=True, slots=True)
class Optimum:
    """Fewest cartons, then least shipped volume; a lower bound unless `proven`."""

    cartons: int
    volume_mm3: int
    proven: bool


# per subset of units: (volume, type index, placed units or None when only assumed to fit)
Block = tuple[int, int, list[Placed] | None]


def _best_split(
    units: Sequence[UnitKind], types: Sequence[CartonType], node_limit: int | None, settle: bool
) -> list[Block]:
    """The blocks of the best split of `units` into cartons. With `settle` a subset whose
    exact search gives up is taken to fit (placed None); without, SearchLimit is raised."""
    n = len(units)
    subsets = _Subsets(types, node_limit)
    full = (1 << n) - 1
    cost: list[Block | None] = [None] * (1 << n)
    for mask in range(1, full + 1):
        members = tuple(sorted((units[i] for i in range(n) if (mask >> i) & 1), key=_line))
        for t, carton in enumerate(types):
            try:
                placed = subsets.holds(members, t)
            except SearchLimit:
                if not settle:
                    raise
                subsets.fits[(tuple(k.line for k in members), t)] = []  # assumed to fit
                cost[mask] = (carton.volume_mm3, t, None)
                break
            if placed is not None:
                cost[mask] = (carton.volume_mm3, t, placed or None)
                break
    # best[mask]: (cartons, volume, the block holding mask's lowest unit) for mask's units
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
    blocks = []
    mask = full
    while mask:
        step = best[mask]
        assert step is not None, "every unit fits some carton type on its own"
        block_cost = cost[step[2]]
        assert block_cost is not None
        blocks.append(block_cost)
        mask ^= step[2]
    return blocks


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
    if len(units) > max_units:
        raise ValueError(f"optimal_proposal is for at most {max_units} units, got {len(units)}")
    blocks = _best_split(units, packer.types, node_limit, settle=False)
    return proposal([(packer.types[t], placed or []) for _, t, placed in blocks], unpacked)


def optimal_bound(
    lines: Sequence[PackLine],
    carton_types: Sequence[CartonType],
    max_units: int = 8,
    node_limit: int = 200_000,
) -> Optimum:
    """The optimum's cartons and volume, or a lower bound on them when an exact search
    gave up and the best split relies on it fitting."""
    packer, units, _ = prepare(lines, carton_types)
    if len(units) > max_units:
        raise ValueError(f"optimal_bound is for at most {max_units} units, got {len(units)}")
    blocks = _best_split(units, packer.types, node_limit, settle=True)
    return Optimum(
        cartons=len(blocks),
        volume_mm3=sum(volume for volume, _, _ in blocks),
        proven=all(placed is not None for _, _, placed in blocks),
    )


def _line(kind: UnitKind) -> int:
    return kind.line
