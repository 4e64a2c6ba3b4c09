"""The exact pick-tour sweep against brute force over every visiting order."""

from __future__ import annotations

import heapq
import itertools
import random

import pytest

from floor.outbound.routing import Layout, PickPoint, exact_route, tour_length
from floor.outbound.routing.exact import SEGMENT_WALKS, crossing_steps, segment_step


def brute_force_length(layout: Layout, picks: list[PickPoint]) -> float:
    spots = sorted({(pick.aisle, pick.position) for pick in picks} - {layout.depot})
    return min(tour_length(layout, list(order)) for order in itertools.permutations(spots))


def random_instance(rng: random.Random, blocks: int, max_picks: int) -> tuple[Layout, list]:
    aisles = rng.randint(1, 6)
    length = 12.0
    on_cross_aisle = rng.random() < 0.7
    layout = Layout(
        aisles=aisles,
        aisle_length=length,
        aisle_spacing=rng.choice([1.0, 2.5, 5.0]),
        blocks=blocks,
        depot_aisle=rng.randrange(aisles),
        depot_position=0.0 if on_cross_aisle else round(rng.uniform(0, length), 2),
    )
    picks = [
        PickPoint(
            f"L{line}",
            rng.randrange(aisles),
            rng.choice([round(rng.uniform(0, length), 2), 0.0, length, length / 2]),
        )
        for line in range(rng.randint(0, max_picks))
    ]
    return layout, picks


def reachable_summaries(frontier: int) -> set:
    start = ((0,) * frontier, (-1,) * frontier, False)
    seen, todo = {start}, [start]
    while todo:
        state = todo.pop()
        following = [nxt for _, nxt in crossing_steps(state)]
        for segment in range(frontier - 1):
            following += [segment_step(state, segment, walk) for walk in SEGMENT_WALKS]
        for nxt in following:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_one_block_has_ratliff_rosenthals_seven_classes() -> None:
    zero, odd, even = 0, 1, 2
    expected = {
        ((zero, zero), (-1, -1), False),  # 0,0,0C
        ((zero, zero), (-1, -1), True),  # 0,0,1C
        ((even, zero), (0, -1), False),  # E,0,1C
        ((zero, even), (-1, 0), False),  # 0,E,1C
        ((even, even), (0, 0), False),  # E,E,1C
        ((even, even), (0, 1), False),  # E,E,2C
        ((odd, odd), (0, 0), False),  # U,U,1C
    }
    assert reachable_summaries(2) == expected


def test_two_blocks_have_roodbergen_de_kosters_25_classes() -> None:
    assert len(reachable_summaries(3)) == 25


@pytest.mark.parametrize("blocks", [1, 2, 3])
def test_exact_equals_brute_force_on_small_instances(blocks: int) -> None:
    rng = random.Random(1983 + blocks)
    for _ in range(120 // blocks):
        layout, picks = random_instance(rng, blocks, max_picks=6)
        route = exact_route(layout, picks)
        assert route.length == pytest.approx(brute_force_length(layout, picks), abs=1e-9)


def test_exact_equals_brute_force_with_seven_picks() -> None:
    rng = random.Random(7)
    for _ in range(6):
        layout = Layout(aisles=5, aisle_length=10.0, aisle_spacing=3.0, depot_aisle=2)
        picks = [PickPoint(n, rng.randrange(5), round(rng.uniform(0, 10), 1)) for n in range(7)]
        route = exact_route(layout, picks)
        assert route.length == pytest.approx(brute_force_length(layout, picks), abs=1e-9)


def test_visiting_order_walks_the_optimal_length() -> None:
    rng = random.Random(11)
    for blocks in (1, 2):
        for _ in range(40):
            layout, picks = random_instance(rng, blocks, max_picks=25)
            route = exact_route(layout, picks)
            where = {pick.key: (pick.aisle, pick.position) for pick in picks}
            assert sorted(route.keys) == sorted(pick.key for pick in picks)
            walked = tour_length(layout, [where[key] for key in route.keys])
            assert walked == pytest.approx(route.length, abs=1e-9)


def test_picks_at_one_point_are_adjacent() -> None:
    layout = Layout(aisles=4, aisle_length=10.0, aisle_spacing=2.0)
    picks = [
        PickPoint("a1", 3, 4.0),
        PickPoint("b", 1, 7.0),
        PickPoint("a2", 3, 4.0),
        PickPoint("c", 0, 2.0),
        PickPoint("a3", 3, 4.0),
    ]
    keys = exact_route(layout, picks).keys
    first = keys.index("a1")
    assert set(keys[first : first + 3]) == {"a1", "a2", "a3"}


def dijkstra_length(layout: Layout, a: tuple[int, float], b: tuple[int, float]) -> float:
    """Shortest path over an explicit graph of crossings and the two points."""
    nodes = {(aisle, y) for aisle in range(layout.aisles) for y in layout.cross_aisles}
    nodes |= {a, b}
    edges: dict[tuple[int, float], list[tuple[tuple[int, float], float]]] = {n: [] for n in nodes}
    for aisle in range(layout.aisles):
        column = sorted(y for (x, y) in nodes if x == aisle)
        for low, high in itertools.pairwise(column):
            edges[(aisle, low)].append(((aisle, high), high - low))
            edges[(aisle, high)].append(((aisle, low), high - low))
    for y in layout.cross_aisles:
        for aisle in range(layout.aisles - 1):
            edges[(aisle, y)].append(((aisle + 1, y), layout.aisle_spacing))
            edges[(aisle + 1, y)].append(((aisle, y), layout.aisle_spacing))
    best = {a: 0.0}
    queue = [(0.0, a)]
    while queue:
        dist, node = heapq.heappop(queue)
        if node == b:
            return dist
        if dist > best[node]:
            continue
        for nxt, step in edges[node]:
            if dist + step < best.get(nxt, float("inf")):
                best[nxt] = dist + step
                heapq.heappush(queue, (dist + step, nxt))
    raise AssertionError("unreachable")


def test_closed_form_distance_equals_dijkstra() -> None:
    rng = random.Random(5)
    for blocks in (1, 2, 4):
        layout = Layout(aisles=6, aisle_length=30.0, aisle_spacing=2.0, blocks=blocks)
        for _ in range(60):
            a = (rng.randrange(6), round(rng.uniform(0, 30), 1))
            b = (rng.randrange(6), rng.choice([round(rng.uniform(0, 30), 1), 15.0, 0.0]))
            assert layout.distance(a, b) == pytest.approx(dijkstra_length(layout, a, b))
