"""Exact pick tours by dynamic programming over the aisles (Ratliff & Rosenthal, 1983).

The tour is built as a multigraph swept from the left aisle to the right one. At each
aisle the "frontier" is the aisle's crossings with the cross aisles. A partial tour is
summarised by, for each frontier node, whether its degree is zero, odd or even, and which
frontier nodes are already connected; two partial tours with the same summary complete
alike, so only the shorter one is kept. With one block (two cross aisles) the reachable
summaries are exactly Ratliff and Rosenthal's seven equivalence classes; with more cross
aisles the same sweep is the generalisation of Roodbergen and de Koster (2001) and stays
exact, at a cost that grows quickly with the number of cross aisles.

Between two cross aisles an aisle segment is walked in one of six ways (RR's lemma):
not at all, once through, twice through, in and back from the front, in and back from
the back, or from both ends leaving out the largest gap between adjacent picks; a depot
inside an aisle adds a seventh, between the outermost picks only, for a tour that never
reaches a cross aisle. Between
two adjacent aisles each cross-aisle edge is used 0, 1 or 2 times. The optimal multigraph
is reconstructed and walked as an Euler circuit from the depot to give the visiting order.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from functools import cache
from itertools import pairwise, product

from floor.outbound.routing.layout import Layout, PickPoint, Route

ZERO, ODD, EVEN = 0, 1, 2

# Segment walks: (degree added at the front end, at the back end, joins the two ends).
NONE, THROUGH, TWICE, FRONT, BACK, GAP, INSIDE = range(7)
SEGMENT_WALKS: dict[int, tuple[int, int, bool]] = {
    NONE: (0, 0, False),
    THROUGH: (1, 1, True),
    TWICE: (2, 2, True),
    FRONT: (2, 0, False),
    BACK: (0, 2, False),
    GAP: (2, 2, False),
    INSIDE: (0, 0, False),
}

# degree classes per frontier node, component label per node (-1 when degree is zero),
# and whether a finished component that touches no frontier node already exists.
State = tuple[tuple[int, ...], tuple[int, ...], bool]
Node = tuple[str, int, int, float]  # ("c", aisle, cross aisle, y) or ("p", aisle, segment, y)


def _canonical(degrees: tuple[int, ...], roots: list[int | None]) -> tuple[int, ...]:
    relabel: dict[int, int] = {}
    labels = []
    for degree, root in zip(degrees, roots, strict=True):
        if degree == ZERO or root is None:
            labels.append(-1)
        else:
            labels.append(relabel.setdefault(root, len(relabel)))
    return tuple(labels)


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _add_degree(degree: int, added: int) -> int:
    if added == 0:
        return degree
    odd = (degree == ODD) != (added % 2 == 1)
    return ODD if odd else EVEN


@cache
def segment_step(state: State, segment: int, walk: int) -> State | None:
    """The summary after walking aisle segment `segment` (front end node = segment) as `walk`."""
    degrees, labels, closed = state
    if walk == INSIDE:
        # the whole tour lies inside this segment: only possible before anything else
        if closed or any(label >= 0 for label in labels):
            return None
        return (degrees, labels, True)
    add_front, add_back, joins = SEGMENT_WALKS[walk]
    if add_front == 0 and add_back == 0:
        return state
    if closed:
        return None
    size = len(degrees)
    parent = list(range(size))
    first_of: dict[int, int] = {}
    for node, label in enumerate(labels):
        if label >= 0:
            parent[node] = _find(parent, first_of.setdefault(label, node))
    new_degrees = list(degrees)
    new_degrees[segment] = _add_degree(degrees[segment], add_front)
    new_degrees[segment + 1] = _add_degree(degrees[segment + 1], add_back)
    if joins:
        parent[_find(parent, segment)] = _find(parent, segment + 1)
    roots: list[int | None] = [_find(parent, node) for node in range(size)]
    frozen = tuple(new_degrees)
    return (frozen, _canonical(frozen, roots), False)


@cache
def crossing_steps(state: State) -> list[tuple[tuple[int, ...], State]]:
    """All (cross-aisle edge copies, next summary) moving the frontier one aisle right.

    A node left behind is final: its degree must be even, and its component must reach
    the new frontier unless it is the whole, finished tour.
    """
    degrees, labels, closed = state
    size = len(degrees)
    if closed:
        return [((0,) * size, state)]
    choices = [(1,) if degree == ODD else (0, 2) for degree in degrees]
    steps = []
    for copies in product(*choices):
        parent = list(range(2 * size))
        first_of: dict[int, int] = {}
        for node, label in enumerate(labels):
            if label >= 0:
                parent[node] = _find(parent, first_of.setdefault(label, node))
        for node, count in enumerate(copies):
            if count:
                parent[_find(parent, node)] = _find(parent, size + node)
        old_roots = {
            _find(parent, node) for node in range(size) if degrees[node] != ZERO or copies[node]
        }
        new_roots: list[int | None] = [
            _find(parent, size + node) if copies[node] else None for node in range(size)
        ]
        live = {root for root in new_roots if root is not None}
        finished = len(old_roots - live)
        if finished > 1 or (finished == 1 and live):
            continue
        new_degrees = tuple(ODD if c == 1 else EVEN if c == 2 else ZERO for c in copies)
        steps.append((copies, (new_degrees, _canonical(new_degrees, new_roots), finished == 1)))
    return steps


def _is_complete(state: State) -> bool:
    degrees, labels, closed = state
    if any(degree == ODD for degree in degrees):
        return False
    components = {label for label in labels if label >= 0}
    return (closed and not components) or (not closed and len(components) == 1)


class _Segments:
    """Distinct pick positions per (aisle, segment) and the cost of each segment walk."""

    def __init__(self, layout: Layout, points: Sequence[tuple[int, float]]) -> None:
        self.layout = layout
        spots: dict[tuple[int, int], set[float]] = {}
        for aisle, position in points:
            spots.setdefault((aisle, layout.block_of(position)), set()).add(position)
        self.spots = {where: sorted(ys) for where, ys in spots.items()}

    def positions(self, aisle: int, segment: int) -> list[float]:
        return self.spots.get((aisle, segment), [])

    def walks(self, aisle: int, segment: int) -> list[tuple[int, float]]:
        front = self.layout.cross_aisles[segment]
        back = self.layout.cross_aisles[segment + 1]
        span = back - front
        ys = self.positions(aisle, segment)
        if not ys:
            return [(NONE, 0.0), (THROUGH, span), (TWICE, 2.0 * span)]
        options = [
            (THROUGH, span),
            (TWICE, 2.0 * span),
            (FRONT, 2.0 * (ys[-1] - front)),
            (BACK, 2.0 * (back - ys[0])),
            (INSIDE, 2.0 * (ys[-1] - ys[0])),
        ]
        if len(ys) > 1:
            widest = max(b - a for a, b in pairwise(ys))
            options.append((GAP, 2.0 * (span - widest)))
        return options


Choice = tuple[str, int, tuple[int, ...] | int]  # ("x", aisle, copies) or ("v", aisle, walk)


def optimal_multigraph(
    layout: Layout, points: Sequence[tuple[int, float]]
) -> tuple[float, list[Choice], _Segments]:
    """Run the sweep; return the optimal length, the chosen steps, and the segment data."""
    segments = _Segments(layout, points)
    size = layout.blocks + 1
    start: State = ((ZERO,) * size, (-1,) * size, False)
    # each stage maps a summary to (length, previous summary, choice)
    stages: list[dict[State, tuple[float, State | None, Choice | None]]] = [
        {start: (0.0, None, None)}
    ]
    for aisle in range(layout.aisles):
        if aisle > 0:
            current = stages[-1]
            following: dict[State, tuple[float, State | None, Choice | None]] = {}
            for state, (length, _, _) in current.items():
                for copies, nxt in crossing_steps(state):
                    total = length + sum(copies) * layout.aisle_spacing
                    best = following.get(nxt)
                    if best is None or total < best[0]:
                        following[nxt] = (total, state, ("x", aisle, copies))
            stages.append(following)
        for segment in range(layout.blocks):
            walks = segments.walks(aisle, segment)
            current = stages[-1]
            following = {}
            for state, (length, _, _) in current.items():
                for walk, cost in walks:
                    nxt = segment_step(state, segment, walk)
                    if nxt is None:
                        continue
                    total = length + cost
                    best = following.get(nxt)
                    if best is None or total < best[0]:
                        following[nxt] = (total, state, ("v", aisle, walk))
            stages.append(following)
    finals = [(entry[0], state) for state, entry in stages[-1].items() if _is_complete(state)]
    if not finals:
        raise RuntimeError("no closed tour found; the pick points are outside the layout?")
    best_length, state = min(finals, key=lambda item: item[0])
    choices: list[Choice] = []
    for stage in reversed(stages[1:]):
        _, previous, choice = stage[state]
        assert previous is not None and choice is not None
        choices.append(choice)
        state = previous
    choices.reverse()
    return best_length, choices, segments


def _segment_edges(
    layout: Layout, segments: _Segments, aisle: int, segment: int, walk: int
) -> list[tuple[Node, Node, float]]:
    front = layout.cross_aisles[segment]
    back = layout.cross_aisles[segment + 1]
    ys = segments.positions(aisle, segment)
    chain: list[Node] = [("c", aisle, segment, front)]
    chain += [("p", aisle, segment, y) for y in ys]
    chain.append(("c", aisle, segment + 1, back))
    runs = list(pairwise(chain))
    if walk == NONE:
        copies = [0] * len(runs)
    elif walk == THROUGH:
        copies = [1] * len(runs)
    elif walk == TWICE:
        copies = [2] * len(runs)
    elif walk == FRONT:
        copies = [2] * len(ys) + [0]
    elif walk == BACK:
        copies = [0] + [2] * len(ys)
    elif walk == INSIDE:
        copies = [0] + [2] * (len(ys) - 1) + [0]
    else:
        gaps = [b - a for a, b in pairwise(ys)]
        widest = gaps.index(max(gaps)) + 1
        copies = [0 if run == widest else 2 for run in range(len(runs))]
    edges = []
    for (a, b), count in zip(runs, copies, strict=True):
        edges += [(a, b, b[3] - a[3])] * count
    return edges


def _euler_circuit(edges: list[tuple[Node, Node, float]], start: Node) -> list[Node]:
    adjacency: dict[Node, list[tuple[Node, int]]] = {}
    for index, (a, b, _) in enumerate(edges):
        adjacency.setdefault(a, []).append((b, index))
        adjacency.setdefault(b, []).append((a, index))
    if start not in adjacency:
        return [start]
    used = [False] * len(edges)
    stack = [start]
    circuit: list[Node] = []
    while stack:
        node = stack[-1]
        neighbours = adjacency[node]
        while neighbours and used[neighbours[-1][1]]:
            neighbours.pop()
        if neighbours:
            nxt, index = neighbours.pop()
            used[index] = True
            stack.append(nxt)
        else:
            circuit.append(stack.pop())
    circuit.reverse()
    return circuit


def exact_route(layout: Layout, picks: Sequence[PickPoint]) -> Route:
    """The shortest tour from the depot through every pick and back (exact)."""
    for pick in picks:
        layout.check_point(pick.aisle, pick.position)
    depot = layout.depot
    points = [depot, *((pick.aisle, pick.position) for pick in picks)]
    length, choices, segments = optimal_multigraph(layout, points)
    edges: list[tuple[Node, Node, float]] = []
    segment = 0
    for _kind, aisle, detail in choices:
        if isinstance(detail, tuple):
            for cross, count in enumerate(detail):
                y = layout.cross_aisles[cross]
                a: Node = ("c", aisle - 1, cross, y)
                b: Node = ("c", aisle, cross, y)
                edges += [(a, b, layout.aisle_spacing)] * count
        else:
            # the sweep walks an aisle's segments front to back, one choice each
            edges += _segment_edges(layout, segments, aisle, segment, detail)
            segment = (segment + 1) % layout.blocks
    walked = sum(edge[2] for edge in edges)
    if abs(walked - length) > 1e-6 * max(1.0, length):
        raise AssertionError(f"rebuilt tour is {walked}, the program said {length}")
    depot_node: Node = ("p", depot[0], layout.block_of(depot[1]), depot[1])
    circuit = _euler_circuit(edges, depot_node)
    return _route_from_circuit(layout, picks, circuit, length, "exact")


def _route_from_circuit(
    layout: Layout,
    picks: Sequence[PickPoint],
    circuit: list[Node],
    length: float,
    method: str,
) -> Route:
    at_node: dict[Node, list[Hashable]] = {}
    for pick in picks:
        node: Node = ("p", pick.aisle, layout.block_of(pick.position), pick.position)
        at_node.setdefault(node, []).append(pick.key)
    keys: list[Hashable] = []
    for node in circuit:
        keys += at_node.pop(node, [])
    if at_node:
        raise AssertionError(f"tour misses pick points {sorted(at_node)}")
    waypoints: list[tuple[float, float]] = []
    for node in circuit:
        point = (layout.x(node[1]), node[3])
        if not waypoints or waypoints[-1] != point:
            waypoints.append(point)
    return Route(keys=tuple(keys), length=length, method=method, waypoints=tuple(waypoints))
