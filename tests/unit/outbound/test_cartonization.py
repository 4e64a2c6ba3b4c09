"""Cartonization: the smallest carton wins, orders split by size and weight, oversize and
dimensionless lines are named, and every proposal is physically feasible."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from floor.outbound.carton_fit import OpenCarton, SearchLimit, UnitKind, exact_fit
from floor.outbound.cartonization import (
    CartonType,
    PackLine,
    Proposal,
    Unpackable,
    cartonize,
)
from floor.outbound.cartonization_exact import optimal_bound, optimal_proposal

SMALL = CartonType("S", 200, 150, 100, max_weight_g=5_000, tare_weight_g=100)
MEDIUM = CartonType("M", 400, 300, 200, max_weight_g=15_000, tare_weight_g=300)
LARGE = CartonType("L", 600, 400, 400, max_weight_g=30_000, tare_weight_g=800)
TYPES = [LARGE, SMALL, MEDIUM]


def problems(proposal: Proposal, lines: list[PackLine]) -> list[str]:
    """Everything wrong with a proposal, checked from scratch against the lines."""
    found = []
    placed: dict[int, int] = {}
    for number, carton in enumerate(proposal.cartons):
        kind = carton.carton_type
        boxes = []
        for unit in carton.units:
            line = lines[unit.line]
            where = f"carton {number} ({kind.code}) unit {unit}"
            extents = (unit.length_mm, unit.width_mm, unit.height_mm)
            if unit.sku != line.sku or sorted(extents) != sorted(line.dimensions_mm or ()):
                found.append(f"{where}: not an orientation of line {unit.line} {line}")
            corner = (unit.x_mm, unit.y_mm, unit.z_mm)
            if min(corner) < 0 or any(
                c + e > d for c, e, d in zip(corner, extents, kind.dimensions_mm, strict=True)
            ):
                found.append(f"{where}: sticks out of {kind.dimensions_mm}")
            boxes.append((corner, extents, unit))
            placed[unit.line] = placed.get(unit.line, 0) + 1
        for (ca, ea, ua), (cb, eb, ub) in itertools.combinations(boxes, 2):
            if all(ca[k] < cb[k] + eb[k] and cb[k] < ca[k] + ea[k] for k in range(3)):
                found.append(f"carton {number}: {ua} overlaps {ub}")
        contents = sum(lines[u.line].unit_weight_g or 0 for u in carton.units)
        if carton.contents_weight_g != contents:
            found.append(f"carton {number}: contents {carton.contents_weight_g} g != {contents}")
        if contents + kind.tare_weight_g > kind.max_weight_g:
            found.append(f"carton {number}: {contents} g + tare over {kind.max_weight_g} g")
        complete = all(lines[u.line].unit_weight_g is not None for u in carton.units)
        if carton.weight_complete != complete:
            found.append(f"carton {number}: weight_complete should be {complete}")
        if not carton.units:
            found.append(f"carton {number} is empty")
    left_out = {u.line for u in proposal.unpacked}
    for index, line in enumerate(lines):
        expected = 0 if index in left_out else line.quantity
        if placed.get(index, 0) != expected:
            found.append(f"line {index}: {placed.get(index, 0)} units placed, not {expected}")
    for unpacked in proposal.unpacked:
        line = lines[unpacked.line]
        if (unpacked.sku, unpacked.quantity) != (line.sku, line.quantity):
            found.append(f"{unpacked} does not name line {unpacked.line} {line}")
    return found


def units_of(proposal: Proposal) -> list[tuple[str, int]]:
    return [(c.carton_type.code, len(c.units)) for c in proposal.cartons]


# --- the smallest carton wins -------------------------------------------------------------


def test_one_small_unit_goes_in_the_smallest_carton() -> None:
    lines = [PackLine("MUG", 1, 120, 90, 90, 350)]
    proposal = cartonize(lines, TYPES)
    assert units_of(proposal) == [("S", 1)]
    assert proposal.unpacked == ()
    assert problems(proposal, lines) == []
    carton = proposal.cartons[0]
    assert carton.contents_weight_g == 350
    assert carton.gross_weight_g == 450
    assert carton.weight_complete
    assert carton.quantities() == {0: 1}


def test_a_unit_is_turned_to_fit_the_smallest_carton() -> None:
    # given as 90 x 190 x 140 (140 mm tall), it fits 200 x 150 x 100 only turned 190 x 140 x 90
    lines = [PackLine("POSTER-TUBE", 1, 90, 190, 140, 200)]
    proposal = cartonize(lines, TYPES)
    assert units_of(proposal) == [("S", 1)]
    (unit,) = proposal.cartons[0].units
    assert (unit.length_mm, unit.width_mm, unit.height_mm) == (190, 140, 90)


def test_the_smallest_carton_that_holds_the_whole_order_wins() -> None:
    # four 100x75x100 units fill the small carton exactly; a fifth needs the medium one
    four = [PackLine("BOX", 4, 100, 75, 100, 500)]
    assert units_of(cartonize(four, TYPES)) == [("S", 4)]
    five = [PackLine("BOX", 5, 100, 75, 100, 500)]
    proposal = cartonize(five, TYPES)
    assert units_of(proposal) == [("M", 5)]
    assert problems(proposal, five) == []


def test_units_stand_up_in_a_tall_carton() -> None:
    tall = CartonType("TALL", 100, 100, 300, max_weight_g=5_000, tare_weight_g=100)
    lines = [PackLine("BOTTLE", 3, 280, 95, 30, 300)]
    proposal = cartonize(lines, [tall, LARGE])
    assert units_of(proposal) == [("TALL", 3)]
    assert problems(proposal, lines) == []
    assert {u.height_mm for u in proposal.cartons[0].units} == {280}


def test_a_tight_fit_needs_mixed_orientations() -> None:
    # two 197x174x277 units go in a 400x300x200 carton only standing 197 mm tall side by
    # side (174 + 174 along the length); the small ones fill the 52 mm left beside them
    lines = [
        PackLine("A", 2, 197, 174, 277, 1000),
        PackLine("B", 2, 56, 41, 93, 100),
        PackLine("C", 1, 78, 233, 48, 100),
    ]
    proposal = cartonize(lines, [MEDIUM, LARGE, CartonType("LONG", 800, 200, 200, 20_000)])
    assert units_of(proposal) == [("M", 5)]
    assert problems(proposal, lines) == []


# --- splitting ----------------------------------------------------------------------------


def test_an_order_larger_than_any_carton_splits() -> None:
    # 40 units of 200x150x100 = 120 L; the large carton holds 96 L, i.e. 32 at best
    lines = [PackLine("TILE", 40, 200, 150, 100, 200)]
    proposal = cartonize(lines, TYPES)
    assert len(proposal.cartons) == 2
    assert sum(len(c.units) for c in proposal.cartons) == 40
    assert problems(proposal, lines) == []


def test_an_order_too_heavy_for_one_carton_splits_by_weight() -> None:
    # small but dense: 12 units of 9 kg fit one large carton by size, not by weight
    lines = [PackLine("WEIGHT", 12, 100, 100, 100, 9_000)]
    proposal = cartonize(lines, TYPES)
    assert problems(proposal, lines) == []
    # 29.2 kg payload holds 3 units; 15-kg mediums hold 1 (14.7 kg payload), smalls none
    assert len(proposal.cartons) == 4
    for carton in proposal.cartons:
        assert carton.gross_weight_g <= carton.carton_type.max_weight_g


def test_max_weight_is_the_gross_limit_tare_included() -> None:
    carton = CartonType("ONE", 300, 300, 300, max_weight_g=10_000, tare_weight_g=400)
    exact = [PackLine("BAG", 2, 100, 100, 100, 4_800)]  # 9,600 g + 400 g tare = 10,000 g
    assert units_of(cartonize(exact, [carton])) == [("ONE", 2)]
    over = [PackLine("BAG", 2, 100, 100, 100, 4_801)]
    proposal = cartonize(over, [carton])
    assert units_of(proposal) == [("ONE", 1), ("ONE", 1)]
    assert problems(proposal, over) == []


def test_a_split_takes_the_smaller_pair_of_cartons() -> None:
    # 6 units of 205x135x242 (5 kg) and a small one: two 400x300x300 cartons (72 L) beat
    # a 600x400x300 and a small carton (85 L)
    types = [
        CartonType("C04", 350, 250, 150, 10_000, 150),
        CartonType("C06", 400, 300, 300, 20_000, 280),
        CartonType("C10", 600, 400, 300, 30_000, 460),
    ]
    lines = [PackLine("BIG", 6, 205, 135, 242, 5_008), PackLine("SMALL", 1, 130, 44, 81, 427)]
    proposal = cartonize(lines, types)
    assert sorted(c.carton_type.code for c in proposal.cartons) == ["C06", "C06"]
    assert problems(proposal, lines) == []


# --- what is left to the packer -----------------------------------------------------------


def test_a_unit_larger_than_every_carton_is_reported_not_forced() -> None:
    lines = [
        PackLine("MUG", 2, 120, 90, 90, 350),
        PackLine("SURFBOARD", 1, 2000, 500, 80, 4_000),
        PackLine("ROLL", 1, 610, 100, 100, 1_000),  # longer than the large carton's 600
    ]
    proposal = cartonize(lines, TYPES)
    assert [(u.line, u.sku, u.quantity, u.reason) for u in proposal.oversize] == [
        (1, "SURFBOARD", 1, Unpackable.TOO_LARGE),
        (2, "ROLL", 1, Unpackable.TOO_LARGE),
    ]
    assert proposal.no_dimensions == ()
    assert units_of(proposal) == [("S", 2)]
    assert problems(proposal, lines) == []


def test_a_unit_heavier_than_every_carton_can_carry_is_reported() -> None:
    lines = [PackLine("ANVIL", 1, 200, 100, 100, 29_500), PackLine("MUG", 1, 120, 90, 90, 350)]
    proposal = cartonize(lines, TYPES)
    assert [(u.sku, u.reason) for u in proposal.oversize] == [("ANVIL", Unpackable.TOO_HEAVY)]
    assert units_of(proposal) == [("S", 1)]


def test_lines_without_dimensions_are_named_and_left_to_the_packer() -> None:
    lines = [
        PackLine("MUG", 1, 120, 90, 90, 350),
        PackLine("GIFT-CARD", 3, None, None, None, 5),
        PackLine("HALF-KNOWN", 1, 100, None, 50, 100),
        PackLine("ZERO", 2, 100, 0, 50, 100),
    ]
    proposal = cartonize(lines, TYPES)
    assert [(u.line, u.sku, u.quantity, u.reason) for u in proposal.no_dimensions] == [
        (1, "GIFT-CARD", 3, Unpackable.NO_DIMENSIONS),
        (2, "HALF-KNOWN", 1, Unpackable.NO_DIMENSIONS),
        (3, "ZERO", 2, Unpackable.NO_DIMENSIONS),
    ]
    assert proposal.oversize == ()
    assert units_of(proposal) == [("S", 1)]
    assert problems(proposal, lines) == []


def test_a_missing_weight_counts_as_nothing_and_marks_the_carton() -> None:
    lines = [PackLine("MUG", 1, 120, 90, 90, 350), PackLine("SOCKS", 1, 100, 80, 30, None)]
    proposal = cartonize(lines, TYPES)
    (carton,) = proposal.cartons
    assert carton.contents_weight_g == 350
    assert not carton.weight_complete
    assert problems(proposal, lines) == []


def test_nothing_to_pack_gives_no_cartons() -> None:
    lines = [PackLine("NONE", 0, 100, 100, 100, 10), PackLine("CARD", 1, None, None, None, 5)]
    proposal = cartonize(lines, TYPES)
    assert proposal.cartons == ()
    assert proposal.shipped_volume_mm3 == 0
    assert [u.sku for u in proposal.unpacked] == ["CARD"]
    assert cartonize([], TYPES) == Proposal((), ())


@pytest.mark.parametrize(
    ("types", "lines", "message"),
    [
        ([], [], "at least one carton type"),
        ([SMALL, SMALL], [], "codes repeat"),
        ([CartonType("X", 100, 0, 100, 1000)], [], "positive"),
        ([CartonType("X", 100, 100, 100, 500, 500)], [], "leaves nothing"),
        ([SMALL], [PackLine("A", -1, 1, 1, 1, 1)], "negative quantity"),
        ([SMALL], [PackLine("A", 1, 1, 1, 1, -5)], "negative weight"),
    ],
)
def test_bad_input_is_refused(types: list[CartonType], lines: list[PackLine], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cartonize(lines, types)


# --- the exact search ---------------------------------------------------------------------


def brute_force_fits(sizes: list[tuple[int, int, int]], container: tuple[int, int, int]) -> bool:
    """Every orientation and every integer position, box after box (tiny cases only)."""

    def go(k: int, placed: list[tuple[tuple[int, ...], tuple[int, ...]]]) -> bool:
        if k == len(sizes):
            return True
        for ext in set(itertools.permutations(sizes[k])):
            ranges = [range(d - e + 1) for d, e in zip(container, ext, strict=True)]
            for corner in itertools.product(*ranges):
                if all(
                    any(corner[a] >= c[a] + e[a] or c[a] >= corner[a] + ext[a] for a in range(3))
                    for c, e in placed
                ) and go(k + 1, [*placed, (corner, ext)]):
                    return True
        return False

    return go(0, [])


def test_exact_fit_agrees_with_brute_force_on_tiny_cases() -> None:
    # boxes filling at least two thirds of the container, until 25 fit and 25 do not
    rng = random.Random(7)
    agreed = {True: 0, False: 0}
    while min(agreed.values()) < 25:
        container = (rng.randint(2, 4), rng.randint(2, 4), rng.randint(2, 4))
        sizes = [
            (rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 3))
            for _ in range(rng.randint(2, 4))
        ]
        volume = sum(a * b * c for a, b, c in sizes)
        room = container[0] * container[1] * container[2]
        if not room * 2 <= volume * 3 <= room * 3:
            continue
        positions = exact_fit(sizes, container)
        expected = brute_force_fits(sizes, container)
        assert (positions is not None) == expected, (sizes, container)
        agreed[expected] += 1
        if positions is not None:
            assert_positions_fit(sizes, container, positions)


def assert_positions_fit(
    sizes: list[tuple[int, int, int]],
    container: tuple[int, int, int],
    positions: list[tuple[int, int, int, int, int, int]],
) -> None:
    for size, (x, y, z, dx, dy, dz) in zip(sizes, positions, strict=True):
        assert sorted(size) == sorted((dx, dy, dz))
        assert min(x, y, z) >= 0
        assert x + dx <= container[0] and y + dy <= container[1] and z + dz <= container[2]
    for a, b in itertools.combinations(positions, 2):
        assert any(a[k] >= b[k] + b[k + 3] or b[k] >= a[k] + a[k + 3] for k in range(3))


def test_exact_fit_finds_a_pinwheel_that_no_guillotine_cut_separates() -> None:
    # four 3x2 boards around a 1x1 hole fill a 5x5 tray (plus a 1x1 peg in the hole)
    sizes = [(3, 2, 1)] * 4 + [(1, 1, 1)]
    positions = exact_fit(sizes, (5, 5, 1))
    assert positions is not None
    assert_positions_fit(sizes, (5, 5, 1), positions)
    assert exact_fit([(3, 3, 1)] * 2, (5, 5, 1)) is None  # 18 of 25 cells, yet no room


def test_the_optimum_is_a_lower_bound_when_the_search_gives_up() -> None:
    # 8 units of 82x45x129 (3.8 L): the 250x200x100 carton (5 L) cannot be settled in 50
    # nodes, so the bound takes it to fit; with no limit the optimum is the larger carton
    cartons = [CartonType("A", 250, 200, 100, 20_000), CartonType("B", 300, 250, 200, 20_000)]
    lines = [PackLine("SLAB", 8, 82, 45, 129, 100)]
    bound = optimal_bound(lines, cartons, node_limit=50)
    assert (bound.cartons, bound.volume_mm3, bound.proven) == (1, 250 * 200 * 100, False)
    proposal = cartonize(lines, cartons)
    assert (len(proposal.cartons), proposal.shipped_volume_mm3) >= (1, bound.volume_mm3)


def test_exact_fit_gives_up_at_its_node_limit() -> None:
    # eight 82x45x129 units in 250x200x100: within the volume, hard to settle
    with pytest.raises(SearchLimit):
        exact_fit([(82, 45, 129)] * 8, (250, 200, 100), node_limit=50)


def test_open_carton_keeps_units_apart() -> None:
    carton = OpenCarton((10, 10, 10), payload=1_000)
    cube = UnitKind.of(0, "CUBE", (5, 5, 5), 1)
    assert [carton.place(cube) for _ in range(8)] == [1] * 8
    assert carton.place(UnitKind.of(1, "DOT", (1, 1, 1), 1)) == 0
    corners = sorted(p[1:4] for p in carton.placed)
    assert corners == sorted(itertools.product((0, 5), repeat=3))


def test_a_lines_units_go_in_as_one_block_within_room_and_payload() -> None:
    carton = OpenCarton((10, 10, 10), payload=1_000)
    brick = UnitKind.of(0, "BRICK", (5, 2, 10), 100)  # lies flat, 10 x 5 x 2
    assert carton.place(brick, count=7) == 6  # a block: 1 along x, 2 along y, 3 high
    assert carton.place(brick, count=7) == 4  # the payload takes 10 bricks in all
    assert carton.free_weight == 0
    boxes = [(p[1:4], p[4:7]) for p in carton.placed]
    assert all(sorted(size) == [2, 5, 10] for _, size in boxes)
    for (ca, ea), (cb, eb) in itertools.combinations(boxes, 2):
        assert any(ca[k] >= cb[k] + eb[k] or cb[k] >= ca[k] + ea[k] for k in range(3))
    assert all(c[k] + e[k] <= 10 for c, e in boxes for k in range(3))


# --- properties ---------------------------------------------------------------------------

dimension = st.integers(10, 700)
carton_types = st.lists(
    st.builds(
        lambda i, x, y, z, tare, payload: CartonType(f"T{i}", x, y, z, tare + payload, tare),
        st.integers(0, 10_000),
        st.integers(100, 700),
        st.integers(100, 500),
        st.integers(50, 500),
        st.integers(0, 800),
        st.integers(1_000, 30_000),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda t: t.code,
)
pack_lines = st.lists(
    st.builds(
        PackLine,
        st.sampled_from(["A", "B", "C", "D", "E"]),
        st.integers(0, 12),
        st.one_of(dimension, dimension, dimension, st.none()),
        st.one_of(dimension, dimension, dimension, st.none()),
        dimension,
        st.one_of(st.integers(0, 20_000), st.none()),
    ),
    max_size=14,
)


@settings(max_examples=200, deadline=None)
@given(types=carton_types, lines=pack_lines)
def test_every_proposal_is_feasible(types: list[CartonType], lines: list[PackLine]) -> None:
    proposal = cartonize(lines, types)
    assert problems(proposal, lines) == []
    for unpacked in proposal.unpacked:
        line = lines[unpacked.line]
        dims = line.dimensions_mm
        if unpacked.reason is Unpackable.NO_DIMENSIONS:
            assert dims is None
            continue
        assert dims is not None
        fits_by_size = [
            t for t in types if all(map(int.__le__, sorted(dims), sorted(t.dimensions_mm)))
        ]
        if unpacked.reason is Unpackable.TOO_LARGE:
            assert fits_by_size == []
        else:
            assert fits_by_size
            assert all((line.unit_weight_g or 0) > t.payload_g for t in fits_by_size)
    for index, line in enumerate(lines):
        if line.quantity and line.dimensions_mm is None:
            assert index in {u.line for u in proposal.no_dimensions}


small_lines = st.lists(
    st.builds(
        PackLine,
        st.sampled_from(["A", "B", "C"]),
        st.integers(1, 3),
        st.integers(20, 300),
        st.integers(20, 300),
        st.integers(20, 300),
        st.integers(0, 8_000),
    ),
    min_size=1,
    max_size=3,
).filter(lambda lines: sum(line.quantity for line in lines) <= 5)


@settings(max_examples=60, deadline=None)
@given(lines=small_lines)
def test_the_heuristic_never_beats_the_optimum(lines: list[PackLine]) -> None:
    types = [
        SMALL,
        MEDIUM,
        LARGE,
        CartonType("FLAT", 400, 300, 80, 10_000, 200),
        CartonType("CUBE", 250, 250, 250, 12_000, 250),
    ]
    try:
        best = optimal_proposal(lines, types, node_limit=20_000)
    except SearchLimit:
        return
    assert problems(best, lines) == []
    proposal = cartonize(lines, types)
    assert {u.line for u in best.unpacked} == {u.line for u in proposal.unpacked}
    assert (len(best.cartons), best.shipped_volume_mm3) <= (
        len(proposal.cartons),
        proposal.shipped_volume_mm3,
    )
