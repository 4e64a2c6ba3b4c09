"""Pick routing: layout model, heuristics, local search and the plan_route entry point."""

from __future__ import annotations

import itertools
import random

import pytest

from floor.outbound.routing import (
    Layout,
    PickPoint,
    Route,
    largest_gap_route,
    local_search_route,
    plan_route,
    return_route,
    s_shape_route,
    tour_length,
)


def random_picks(rng: random.Random, layout: Layout, count: int) -> list[PickPoint]:
    return [
        PickPoint(line, rng.randrange(layout.aisles), round(rng.uniform(0, layout.aisle_length), 2))
        for line in range(count)
    ]


def polyline_length(route: Route) -> float:
    total = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(route.waypoints):
        assert x1 == x2 or y1 == y2, "waypoints must move along an aisle or a cross aisle"
        total += abs(x1 - x2) + abs(y1 - y2)
    return total


def test_layout_spaces_cross_aisles_evenly_and_finds_blocks() -> None:
    layout = Layout(aisles=4, aisle_length=30.0, aisle_spacing=3.0, blocks=3)
    assert layout.cross_aisles == (0.0, 10.0, 20.0, 30.0)
    assert [layout.block_of(y) for y in (0.0, 9.9, 10.0, 25.0, 30.0)] == [0, 0, 1, 2, 2]
    assert Layout(4, 30.0, 3.0, cross_aisles=(0.0, 5.0, 30.0)).blocks == 2


@pytest.mark.parametrize(
    "arguments",
    [
        {"aisles": 0, "aisle_length": 10.0, "aisle_spacing": 2.0},
        {"aisles": 3, "aisle_length": 10.0, "aisle_spacing": 2.0, "cross_aisles": (0.0, 9.0)},
        {"aisles": 3, "aisle_length": 10.0, "aisle_spacing": 2.0, "depot_aisle": 3},
        {"aisles": 3, "aisle_length": 10.0, "aisle_spacing": 2.0, "depot_position": 11.0},
    ],
)
def test_layout_rejects_impossible_floors(arguments: dict) -> None:
    with pytest.raises(ValueError):
        Layout(**arguments)


def test_distance_between_aisles_takes_the_cheaper_cross_aisle() -> None:
    layout = Layout(aisles=5, aisle_length=10.0, aisle_spacing=2.0)
    assert layout.distance((1, 3.0), (1, 8.0)) == 5.0
    assert layout.distance((0, 3.0), (2, 4.0)) == 4.0 + 3.0 + 4.0  # via the front
    assert layout.distance((0, 7.0), (2, 9.0)) == 4.0 + 3.0 + 1.0  # via the back
    blocks = Layout(aisles=5, aisle_length=10.0, aisle_spacing=2.0, blocks=2)
    assert blocks.distance((0, 4.0), (3, 6.0)) == 6.0 + 2.0  # across the middle cross aisle


def test_heuristics_walk_their_textbook_routes() -> None:
    layout = Layout(aisles=3, aisle_length=10.0, aisle_spacing=2.0)
    picks = [PickPoint("a", 0, 1.0), PickPoint("b", 2, 1.0)]
    assert s_shape_route(layout, picks).length == 10 + 4 + 10 + 4
    assert return_route(layout, picks).length == 2 + 4 + 2 + 4
    assert plan_route(layout, picks).length == 12.0
    three = [*picks, PickPoint("c", 1, 9.0)]
    # largest gap: up aisle 0, across the back, into aisle 1 from the back, down aisle 2
    assert largest_gap_route(layout, three).length == 10 + 2 + 2 + 2 + 10 + 4
    assert s_shape_route(layout, three).length == 10 + 2 + 10 + 2 + 2 + 4


def test_odd_aisle_count_s_shape_ends_with_a_return() -> None:
    layout = Layout(aisles=3, aisle_length=10.0, aisle_spacing=2.0)
    picks = [PickPoint("a", 0, 5.0), PickPoint("b", 1, 5.0), PickPoint("c", 2, 3.0)]
    route = s_shape_route(layout, picks)
    assert route.keys == ("a", "b", "c")
    assert route.length == 10 + 2 + 10 + 2 + 6 + 4


@pytest.mark.parametrize("blocks", [1, 2])
def test_exact_never_loses_to_the_heuristics(blocks: int) -> None:
    rng = random.Random(40 + blocks)
    for _ in range(40):
        layout = Layout(
            aisles=rng.randint(1, 12),
            aisle_length=20.0,
            aisle_spacing=3.0,
            blocks=blocks,
            depot_aisle=0,
        )
        picks = random_picks(rng, layout, rng.randint(1, 30))
        best = plan_route(layout, picks, "exact").length
        for method in ("s_shape", "largest_gap", "return", "local_search"):
            assert best <= plan_route(layout, picks, method).length + 1e-9, method


@pytest.mark.parametrize("method", ["s_shape", "largest_gap", "return", "local_search"])
def test_every_route_picks_each_line_once_and_walks_its_length(method: str) -> None:
    rng = random.Random(3)
    for blocks in (1, 3):
        layout = Layout(aisles=8, aisle_length=20.0, aisle_spacing=3.0, blocks=blocks)
        picks = random_picks(rng, layout, 20)
        route = plan_route(layout, picks, method)
        assert sorted(route.keys) == list(range(20))
        assert polyline_length(route) == pytest.approx(route.length)
        if method == "local_search":
            where = {pick.key: (pick.aisle, pick.position) for pick in picks}
            walked = tour_length(layout, [where[key] for key in route.keys])
            assert walked == pytest.approx(route.length)


def test_exact_route_waypoints_trace_its_length() -> None:
    rng = random.Random(9)
    layout = Layout(aisles=10, aisle_length=20.0, aisle_spacing=3.0, blocks=2, depot_aisle=4)
    route = plan_route(layout, random_picks(rng, layout, 30), "exact")
    assert route.waypoints[0] == route.waypoints[-1] == (12.0, 0.0)
    assert polyline_length(route) == pytest.approx(route.length)


def test_local_search_stays_close_to_the_optimum_with_cross_aisles() -> None:
    rng = random.Random(17)
    ratios = []
    for _ in range(8):
        layout = Layout(aisles=10, aisle_length=20.0, aisle_spacing=3.0, blocks=3)
        picks = random_picks(rng, layout, 25)
        exact = plan_route(layout, picks, "exact").length
        ratios.append(local_search_route(layout, picks).length / exact)
    assert min(ratios) >= 1.0 - 1e-9
    assert max(ratios) <= 1.05


def test_auto_is_exact_for_one_block_and_local_search_for_many() -> None:
    picks = [PickPoint("a", 1, 4.0)]
    assert plan_route(Layout(3, 10.0, 2.0), picks).method == "exact"
    assert plan_route(Layout(3, 10.0, 2.0, blocks=4), picks).method == "local_search"


def test_depot_inside_an_aisle_is_left_and_reentered() -> None:
    layout = Layout(aisles=3, aisle_length=10.0, aisle_spacing=2.0, depot_position=6.0)
    route = plan_route(layout, [PickPoint("a", 0, 8.0), PickPoint("b", 0, 7.0)])
    assert route.length == 4.0
    assert route.keys in {("a", "b"), ("b", "a")}


def test_empty_list_and_picks_at_the_depot_cost_nothing() -> None:
    layout = Layout(aisles=3, aisle_length=10.0, aisle_spacing=2.0, depot_aisle=1)
    assert plan_route(layout, []) == Route(
        keys=(), length=0.0, method="exact", waypoints=((2.0, 0.0),)
    )
    assert plan_route(layout, [PickPoint("a", 1, 0.0)]).length == 0.0
    assert plan_route(layout, [PickPoint("a", 1, 0.0)]).keys == ("a",)


def test_bad_input_is_refused_with_a_message() -> None:
    layout = Layout(aisles=3, aisle_length=10.0, aisle_spacing=2.0)
    with pytest.raises(ValueError, match="aisle 5"):
        plan_route(layout, [PickPoint("a", 5, 1.0)])
    with pytest.raises(ValueError, match="position 12"):
        plan_route(layout, [PickPoint("a", 1, 12.0)], "s_shape")
    with pytest.raises(ValueError, match="unknown routing method"):
        plan_route(layout, [], "fastest")
