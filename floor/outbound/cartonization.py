"""Cartonization: which carton types to pack an order in, and which units go in each.

Plain data in, a `Proposal` out; no database. The pack bench passes the order's lines
(`PackLine`: SKU, quantity, unit dimensions and weight, either may be missing) and the
site's carton types (`CartonType`: inner dimensions, gross weight limit, tare) to
`cartonize`, shows the proposal and lets the packer accept or change it.

Rules (docs/cartonization.md has the algorithm and the measured quality):

- A unit may be turned to any of its six orientations; units are boxes, millimetres are
  whole numbers, and a unit fits where its box fits inside the carton's inner box.
- `max_weight_g` is the carton's gross limit: tare plus contents must not exceed it.
- A line without all three dimensions is not packed: it is listed in `unpacked` with
  reason NO_DIMENSIONS, and the packer chooses its carton. A missing unit weight is
  counted as 0 g; the carton then says `weight_complete=False` (the scale at the bench
  is the check).
- A unit that no carton type can hold on its own, by size (TOO_LARGE) or by weight
  (TOO_HEAVY), is listed in `unpacked`, never forced in.
- Everything else is packed: as few cartons as the heuristic finds, then the smallest
  shipped volume. One carton is tried first, smallest type first; otherwise units go
  first-fit by decreasing volume into cartons of the type that can take the largest
  share of what is left, each carton is shrunk to the smallest type that still holds
  its units, and for small orders pairs of cartons are re-split while that saves a
  carton or volume.
- Every unit in a carton has a real position (`PlacedUnit`: corner and extents along the
  carton's length, width and height), from floor.outbound.carton_fit, so the proposal
  is checkably feasible: no unit sticks out, no two overlap. The positions prove a fit;
  they are not a loading instruction (support and stacking are not modelled).

A proposal is a heuristic's: the fewest cartons and the smallest types are not
guaranteed (floor.outbound.cartonization_exact computes the optimum of small orders for
the benchmark and the tests).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from floor.outbound.carton_fit import (
    MAX_MM,
    Box,
    OpenCarton,
    Placed,
    UnitKind,
    by_volume,
    fit,
    runs,
)


@dataclass(frozen=True, slots=True)
class CartonType:
    """A carton the site ships in: inner dimensions (mm), gross weight limit and tare (g)."""

    code: str
    length_mm: int
    width_mm: int
    height_mm: int
    max_weight_g: int
    tare_weight_g: int = 0

    @property
    def dimensions_mm(self) -> tuple[int, int, int]:
        return (self.length_mm, self.width_mm, self.height_mm)

    @property
    def volume_mm3(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm

    @property
    def payload_g(self) -> int:
        """What the contents may weigh: the gross limit less the tare."""
        return self.max_weight_g - self.tare_weight_g


@dataclass(frozen=True, slots=True)
class PackLine:
    """`quantity` units of one SKU, each a box of the given dimensions (mm) and weight (g)."""

    sku: str
    quantity: int
    length_mm: int | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    unit_weight_g: int | None = None

    @property
    def dimensions_mm(self) -> tuple[int, int, int] | None:
        """The three dimensions, or None when one is missing or not positive."""
        dims = (self.length_mm, self.width_mm, self.height_mm)
        if any(d is None or d <= 0 for d in dims):
            return None
        return dims  # type: ignore[return-value]


class Unpackable(StrEnum):
    """Why a line was left out of the proposal."""

    NO_DIMENSIONS = "no_dimensions"  # a dimension is missing: the packer chooses
    TOO_LARGE = "too_large"  # a unit is larger than every carton type in every orientation
    TOO_HEAVY = "too_heavy"  # a unit fits some carton by size but is over every payload


@dataclass(frozen=True, slots=True)
class UnpackedLine:
    """A line left out of the proposal; `line` is its index in the lines given."""

    line: int
    sku: str
    quantity: int
    reason: Unpackable


@dataclass(frozen=True, slots=True)
class PlacedUnit:
    """One unit in its carton: the corner nearest the carton's origin and its extents.

    x runs along the carton's length, y along its width, z up from the bottom; the
    extents are the unit's size along x, y and z in the orientation it was turned to.
    `line` is the index of its line in the lines given.
    """

    line: int
    sku: str
    x_mm: int
    y_mm: int
    z_mm: int
    length_mm: int
    width_mm: int
    height_mm: int


@dataclass(frozen=True, slots=True)
class ProposedCarton:
    """One carton of the proposal: its type and the units in it."""

    carton_type: CartonType
    units: tuple[PlacedUnit, ...]
    contents_weight_g: int
    weight_complete: bool  # False when a unit in it has no weight (counted as 0 g)

    @property
    def gross_weight_g(self) -> int:
        return self.carton_type.tare_weight_g + self.contents_weight_g

    def quantities(self) -> dict[int, int]:
        """Units per line index, in line order."""
        counts: dict[int, int] = {}
        for unit in sorted(self.units, key=lambda u: u.line):
            counts[unit.line] = counts.get(unit.line, 0) + 1
        return counts


@dataclass(frozen=True, slots=True)
class Proposal:
    """The cartons to pack, and the lines left to the packer."""

    cartons: tuple[ProposedCarton, ...]
    unpacked: tuple[UnpackedLine, ...]

    @property
    def oversize(self) -> tuple[UnpackedLine, ...]:
        """Lines whose units no carton type can hold on its own (too large or too heavy)."""
        return tuple(u for u in self.unpacked if u.reason is not Unpackable.NO_DIMENSIONS)

    @property
    def no_dimensions(self) -> tuple[UnpackedLine, ...]:
        return tuple(u for u in self.unpacked if u.reason is Unpackable.NO_DIMENSIONS)

    @property
    def shipped_volume_mm3(self) -> int:
        return sum(carton.carton_type.volume_mm3 for carton in self.cartons)


# --- the packer ----------------------------------------------------------------------------

# A carton of the proposal being built: the index of its type, its units as placed.
Filled = tuple[int, list[Placed]]

# Pairs of cartons are re-split (see _Packer.improve) for orders of at most this many
# units, at most this many pairs.
RESPLIT_UNITS = 16
RESPLITS = 6


def _key(units: Sequence[UnitKind]) -> tuple[int, ...]:
    return tuple(sorted(kind.line for kind in units))


class _Packer:
    def __init__(self, types: Sequence[CartonType]) -> None:
        self.types = sorted(types, key=lambda t: (t.volume_mm3, t.max_weight_g, t.code))
        self.sorted_dims = [tuple(sorted(t.dimensions_mm)) for t in self.types]
        self.holding: dict[tuple[tuple[int, ...], int], Filled | None] = {}

    def fits_mask(self, sorted_dims: Box, weight: int) -> tuple[int, int]:
        """(types a unit fits by size, types it fits by size and weight) as bitmasks."""
        by_size = by_both = 0
        a, b, c = sorted_dims
        for t, (ta, tb, tc) in enumerate(self.sorted_dims):
            if a <= ta and b <= tb and c <= tc:
                by_size |= 1 << t
                if weight <= self.types[t].payload_g:
                    by_both |= 1 << t
        return by_size, by_both

    def smallest_holding(
        self, units: Sequence[UnitKind], below: int | None = None
    ) -> Filled | None:
        """The smallest carton type (index below `below`) `fit` puts all `units` in."""
        key = (_key(units), len(self.types) if below is None else below)
        if key in self.holding:
            return self.holding[key]
        mask = -1
        for kind in units:
            mask &= kind.fits
        found: Filled | None = None
        for t in range(key[1]):
            if (mask >> t) & 1:
                carton = self.types[t]
                placed = fit(carton.dimensions_mm, carton.payload_g, units)
                if placed is not None:
                    found = (t, placed)
                    break
        self.holding[key] = found
        return found

    def opening_type(self, kind: UnitKind, volume_left: int, weight_left: int) -> int:
        """The type to open for `kind`: of those it fits, the one that can take the largest
        share of what is left to pack (by volume and weight); the smaller on a tie."""
        best_t, best_score = -1, -1.0
        for t, carton in enumerate(self.types):
            if not (kind.fits >> t) & 1:
                continue
            score = min(
                carton.volume_mm3 / max(volume_left, 1), carton.payload_g / max(weight_left, 1)
            )
            if score > best_score:
                best_t, best_score = t, score
        return best_t

    def first_fit(self, units: Sequence[UnitKind]) -> list[Filled]:
        """First-fit decreasing: each unit into the first open carton it fits, else a new
        one; the units of a line go in blocks where they can."""
        units = sorted(units, key=by_volume)
        todo = runs(units)
        volume_left = sum(kind.volume for kind in units)
        weight_left = sum(kind.weight for kind in units)
        lightest = [0] * len(todo)
        weight = 1 << 62
        for i in range(len(todo) - 1, -1, -1):
            weight = min(weight, todo[i][0].weight)
            lightest[i] = weight
        cartons: list[tuple[int, OpenCarton]] = []
        open_: list[OpenCarton] = []  # the cartons that can still take a unit left to pack
        for i, (kind, count, side, volume) in enumerate(todo):
            while count:
                for carton in open_:
                    placed = carton.place(kind, count, side, volume)
                    if placed:
                        break
                else:
                    t = self.opening_type(kind, volume_left, weight_left)
                    carton_type = self.types[t]
                    carton = OpenCarton(carton_type.dimensions_mm, carton_type.payload_g)
                    placed = carton.place(kind, count, side, volume)
                    assert placed, "a unit always fits an empty carton of a type it fits"
                    cartons.append((t, carton))
                    open_.append(carton)
                count -= placed
                volume_left -= placed * kind.volume
                weight_left -= placed * kind.weight
                if not carton.spaces or carton.free_weight < lightest[i]:
                    open_.remove(carton)
        return [(t, carton.placed) for t, carton in cartons]

    def shrink(self, filled: Filled) -> Filled:
        """The carton in the smallest type that still holds its units."""
        t, placed = filled
        smaller = self.smallest_holding([p[0] for p in placed], below=t)
        return smaller if smaller is not None else filled

    def resplit(self, units: list[UnitKind], volume: int) -> list[Filled] | None:
        """One or two cartons for `units` with less than `volume` mm³, if found: one
        carton if a type holds them all, else the best of: each type under `volume`
        filled as far as it goes (largest units first) and shrunk, and the rest in the
        smallest type that holds it."""
        single = self.smallest_holding(units)
        if single is not None:
            return [single]
        todo = runs(sorted(units, key=by_volume))
        mask = 0
        for kind, _, _, _ in todo:
            mask |= kind.fits
        best: list[Filled] | None = None
        best_volume = 0
        tried: set[tuple[int, ...]] = set()
        for t, carton_type in enumerate(self.types):
            if carton_type.volume_mm3 >= volume:
                break
            if not (mask >> t) & 1:
                continue
            carton = OpenCarton(carton_type.dimensions_mm, carton_type.payload_g)
            rest = []
            for kind, count, side_left, volume_left in todo:
                while count:
                    placed = carton.place(kind, count, side_left, volume_left)
                    if not placed:
                        rest += [kind] * count
                        break
                    count -= placed
            if not rest or _key(rest) in tried:
                continue
            tried.add(_key(rest))
            second = self.smallest_holding(rest)
            if second is None:
                continue
            first = self.shrink((t, carton.placed))
            shipped = self.types[first[0]].volume_mm3 + self.types[second[0]].volume_mm3
            if shipped < volume and (best is None or shipped < best_volume):
                best, best_volume = [first, second], shipped
        return best

    def improve(self, cartons: list[Filled]) -> list[Filled]:
        """Re-split pairs of cartons while that saves a carton or shipped volume: the
        emptiest pairs (by the share of their volume their units fill) first, at most
        RESPLITS pairs in all."""
        tries = 0
        while tries < RESPLITS:
            volume = [self.types[t].volume_mm3 for t, _ in cartons]
            used = [sum(p[0].volume for p in placed) for _, placed in cartons]
            pairs = sorted(
                ((used[i] + used[j]) / (volume[i] + volume[j]), i, j)
                for i in range(len(cartons))
                for j in range(i + 1, len(cartons))
            )
            for _, i, j in pairs[: RESPLITS - tries]:
                tries += 1
                units = [p[0] for p in cartons[i][1] + cartons[j][1]]
                better = self.resplit(units, volume[i] + volume[j])
                if better is not None:
                    cartons = [c for k, c in enumerate(cartons) if k not in (i, j)] + better
                    break
            else:
                break
        return cartons

    def pack(self, units: Sequence[UnitKind]) -> list[Filled]:
        single = self.smallest_holding(units)
        if single is not None:
            return [single]
        cartons = [self.shrink(filled) for filled in self.first_fit(units)]
        if len(units) <= RESPLIT_UNITS:
            cartons = self.improve(cartons)
        return cartons


def _validate(carton_types: Sequence[CartonType], lines: Sequence[PackLine]) -> None:
    if not carton_types:
        raise ValueError("cartonization needs at least one carton type")
    codes = [t.code for t in carton_types]
    if len(set(codes)) != len(codes):
        raise ValueError(f"carton type codes repeat: {sorted(codes)}")
    for t in carton_types:
        if min(t.dimensions_mm) <= 0 or max(t.dimensions_mm) > MAX_MM:
            raise ValueError(
                f"carton type {t.code}: inner dimensions must be positive and at most {MAX_MM} mm"
            )
        if t.tare_weight_g < 0 or t.payload_g <= 0:
            raise ValueError(
                f"carton type {t.code}: max weight {t.max_weight_g} g leaves nothing "
                f"over the tare {t.tare_weight_g} g"
            )
    for i, line in enumerate(lines):
        if line.quantity < 0:
            raise ValueError(f"line {i} ({line.sku}): negative quantity {line.quantity}")
        if line.unit_weight_g is not None and line.unit_weight_g < 0:
            raise ValueError(f"line {i} ({line.sku}): negative weight {line.unit_weight_g}")


def prepare(
    lines: Sequence[PackLine], carton_types: Sequence[CartonType]
) -> tuple[_Packer, list[UnitKind], list[UnpackedLine]]:
    """Check the input; the packer, the units to pack (one entry per unit, by line) and
    the lines left out. Shared with floor.outbound.cartonization_exact."""
    _validate(carton_types, lines)
    packer = _Packer(carton_types)
    unpacked: list[UnpackedLine] = []
    units: list[UnitKind] = []
    for index, line in enumerate(lines):
        if line.quantity == 0:
            continue
        dims = line.dimensions_mm
        if dims is None:
            unpacked.append(UnpackedLine(index, line.sku, line.quantity, Unpackable.NO_DIMENSIONS))
            continue
        kind = UnitKind.of(index, line.sku, dims, line.unit_weight_g)
        by_size, kind.fits = packer.fits_mask(kind.sorted_dims, kind.weight)
        if not kind.fits:
            reason = Unpackable.TOO_HEAVY if by_size else Unpackable.TOO_LARGE
            unpacked.append(UnpackedLine(index, line.sku, line.quantity, reason))
            continue
        units.extend([kind] * line.quantity)
    return packer, units, unpacked


def proposal(
    cartons: Sequence[tuple[CartonType, Sequence[Placed]]], unpacked: Sequence[UnpackedLine]
) -> Proposal:
    """The Proposal for filled cartons (type, placed units) and the lines left out."""
    proposed = []
    for carton, placed in cartons:
        units = tuple(
            PlacedUnit(kind.line, kind.sku, x, y, z, dx, dy, dz)
            for kind, x, y, z, dx, dy, dz in sorted(
                placed, key=lambda p: (p[0].line, p[3], p[2], p[1])
            )
        )
        proposed.append(
            ProposedCarton(
                carton_type=carton,
                units=units,
                contents_weight_g=sum(p[0].weight for p in placed),
                weight_complete=all(p[0].weighed for p in placed),
            )
        )
    return Proposal(cartons=tuple(proposed), unpacked=tuple(unpacked))


def cartonize(lines: Sequence[PackLine], carton_types: Sequence[CartonType]) -> Proposal:
    """Propose cartons for `lines` from `carton_types` (see the module docstring).

    Raises ValueError for no carton types, repeated codes, a carton type with a
    non-positive dimension or no payload, or a negative quantity or weight.
    """
    packer, units, unpacked = prepare(lines, carton_types)
    cartons = packer.pack(units) if units else []
    return proposal([(packer.types[t], placed) for t, placed in cartons], unpacked)
