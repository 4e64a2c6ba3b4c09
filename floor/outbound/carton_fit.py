"""Fitting units into one carton: where each one goes, or that they do not go in.

The geometry under floor.outbound.cartonization, on plain boxes: millimetres are whole
numbers, x runs along the carton's length, y along its width, z up from the bottom, and a
unit may be turned to any of its six orientations.

`OpenCarton` fills a carton with maximal free spaces (as in Parreño et al., "A
maximal-space algorithm for the container loading problem", 2008): the empty room is kept
as the list of largest empty boxes, which may overlap. A unit goes into the space whose
corner is lowest, then nearest the back and the left (z, then y, then x), turned the way
that leaves the least height (or, in "tight" mode, the way that fills the space most
closely along some axis); more units of the same line go in with it as one block. The
spaces the block cuts are replaced by the pieces left beside each of its faces, and
pieces inside other spaces are dropped. Because units only go into empty room, no two
ever overlap.

`fit` is what the cartonization asks: units in a carton, or None. It tries a few unit
orders and both orientation rules, and for a handful of units an exact search bounded by
a node count. `exact_fit` is that search, complete when unbounded: for each pair of
boxes it branches on which side of the other one lies (six choices); a set of choices is
feasible exactly when, along each axis, the longest chain of boxes each wholly before
the next fits the carton, and those longest chains are the positions. Every packing
induces such choices, so nothing is missed; a pair already apart through a chain needs
no choice of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import permutations
from typing import Any

Box = tuple[int, int, int]


@dataclass(slots=True, eq=False)
class UnitKind:
    """The units of one line: all alike. `line` is the line's index in the caller's list."""

    line: int
    sku: str
    dims: Box
    sorted_dims: Box
    volume: int
    weight: int  # 0 when the line has no weight
    weighed: bool
    orientations: tuple[Box, ...]
    fits: int = 0  # bit t set when a unit fits carton type t on its own

    @classmethod
    def of(cls, line: int, sku: str, dims: Box, weight: int | None) -> UnitKind:
        a, b, c = sorted(dims)
        return cls(
            line=line,
            sku=sku,
            dims=dims,
            sorted_dims=(a, b, c),
            volume=a * b * c,
            weight=weight or 0,
            weighed=weight is not None,
            orientations=tuple(sorted(set(permutations(dims)))),
        )


# A placed unit: its kind, its corner nearest the origin, its extents along x, y and z.
Placed = tuple[UnitKind, int, int, int, int, int, int]
# A free space: its two corners, its three extents in ascending order, its volume, and a
# number that orders spaces by their corner's (z, y, x).
Space = tuple[int, int, int, int, int, int, int, int, int, int, int]
# Coordinates must stay below 2**21 mm (2 km) for that number.
MAX_MM = (1 << 21) - 1


def _space(x0: int, y0: int, z0: int, x1: int, y1: int, z1: int) -> Space:
    ex, ey, ez = x1 - x0, y1 - y0, z1 - z0
    if ex <= ey:
        a, b, c = (ex, ey, ez) if ey <= ez else ((ex, ez, ey) if ex <= ez else (ez, ex, ey))
    else:
        a, b, c = (ey, ex, ez) if ex <= ez else ((ey, ez, ex) if ey <= ez else (ez, ey, ex))
    return (x0, y0, z0, x1, y1, z1, a, b, c, ex * ey * ez, (z0 << 42) | (y0 << 21) | x0)


class OpenCarton:
    """A carton being filled, with its maximal free spaces (boxes of empty room, which may
    overlap each other; every point of empty room lies in at least one of them)."""

    __slots__ = ("free_volume", "free_weight", "placed", "refused", "room", "spaces", "tight")

    def __init__(self, dims: Box, payload: int, tight: bool = False) -> None:
        length, width, height = dims
        self.tight = tight
        self.spaces: list[Space] = [_space(0, 0, 0, length, width, height)]
        # the largest smallest, middle and largest extent over the spaces: a unit larger
        # than that in its sorted dimensions fits no space
        self.room: Box = self.spaces[0][6:9]  # type: ignore[assignment]
        self.placed: list[Placed] = []
        self.free_volume = length * width * height
        self.free_weight = payload
        # sorted dimensions of a unit that did not fit since the last placement: a unit at
        # least as large in each sorted dimension cannot fit either
        self.refused: Box | None = None

    def place(self, kind: UnitKind, count: int = 1, min_side: int = 0, min_volume: int = 0) -> int:
        """Put up to `count` units of `kind` in, as one block; how many went in (0: none fit).

        The first unit goes into the best space, turned the best way; the block then grows
        from it along x, then y, then z, as far as the space, `count` and the payload
        allow. Spaces that cannot hold a unit with smallest side `min_side` and volume
        `min_volume` (what is left to pack, this kind included) are dropped."""
        if kind.volume > self.free_volume or kind.weight > self.free_weight:
            return 0
        a, b, c = kind.sorted_dims
        room = self.room
        if a > room[0] or b > room[1] or c > room[2]:
            return 0
        refused = self.refused
        if refused is not None and a >= refused[0] and b >= refused[1] and c >= refused[2]:
            return 0
        best: Space | None = None
        best_key = 1 << 63
        for space in self.spaces:
            if a <= space[6] and b <= space[7] and c <= space[8] and space[10] < best_key:
                best, best_key = space, space[10]
        if best is None:
            self.refused = kind.sorted_dims
            return 0
        x0, y0, z0, x1, y1, z1 = best[:6]
        ex, ey, ez = x1 - x0, y1 - y0, z1 - z0
        chosen = (0, 0, 0)
        chosen_key: tuple[int, ...] | None = None
        tight = self.tight
        for dx, dy, dz in kind.orientations:
            if dx <= ex and dy <= ey and dz <= ez:
                if tight:
                    key: tuple[int, ...] = (*sorted((ex - dx, ey - dy, ez - dz)), dz)
                else:
                    key = (dz, ex - dx, ey - dy)
                if chosen_key is None or key < chosen_key:
                    chosen, chosen_key = (dx, dy, dz), key
        dx, dy, dz = chosen
        if kind.weight:
            count = min(count, self.free_weight // kind.weight)
        nx = min(count, ex // dx)
        ny = min(count // nx, ey // dy)
        nz = min(count // (nx * ny), ez // dz)
        placed = self.placed
        for k in range(nz):
            for j in range(ny):
                for i in range(nx):
                    placed.append((kind, x0 + i * dx, y0 + j * dy, z0 + k * dz, dx, dy, dz))
        n = nx * ny * nz
        self.free_volume -= n * kind.volume
        self.free_weight -= n * kind.weight
        self.refused = None
        self._carve(x0, y0, z0, x0 + nx * dx, y0 + ny * dy, z0 + nz * dz, min_side, min_volume)
        return n

    def _carve(
        self, bx0: int, by0: int, bz0: int, bx1: int, by1: int, bz1: int, side: int, volume: int
    ) -> None:
        """Take the box out of every free space it cuts; keep the maximal pieces left.

        A space the box cuts leaves up to six pieces, one beside each face of the box. Two
        pieces beside different faces never contain one another, and a space the box does
        not cut can contain a piece only if it touches the box on that piece's face, so
        each piece is compared only with those few. A space the box does not cut is never
        inside a piece (it would be inside the cut space, and no space is inside another).
        """
        kept: list[Space] = []
        r0 = r1 = r2 = 0
        # per face of the box (x low, x high, y low, y high, z low, z high): the pieces
        # beside it
        pieces: tuple[list[tuple[int, int, int, int, int, int]], ...] = ([], [], [], [], [], [])
        for space in self.spaces:
            x0, y0, z0, x1, y1, z1, a, b, c, v, _ = space
            if x0 >= bx1 or bx0 >= x1 or y0 >= by1 or by0 >= y1 or z0 >= bz1 or bz0 >= z1:
                if a >= side and v >= volume:
                    kept.append(space)
                    if a > r0:
                        r0 = a
                    if b > r1:
                        r1 = b
                    if c > r2:
                        r2 = c
                continue
            ex, ey, ez = x1 - x0, y1 - y0, z1 - z0
            # a piece keeps two of the space's extents: it is worth keeping only if its
            # cut extent is at least `side` and it holds at least `volume`
            if ey >= side and ez >= side:
                area = ey * ez
                cut = bx0 - x0
                if cut >= side and cut * area >= volume:
                    pieces[0].append((x0, y0, z0, bx0, y1, z1))
                cut = x1 - bx1
                if cut >= side and cut * area >= volume:
                    pieces[1].append((bx1, y0, z0, x1, y1, z1))
            if ex >= side and ez >= side:
                area = ex * ez
                cut = by0 - y0
                if cut >= side and cut * area >= volume:
                    pieces[2].append((x0, y0, z0, x1, by0, z1))
                cut = y1 - by1
                if cut >= side and cut * area >= volume:
                    pieces[3].append((x0, by1, z0, x1, y1, z1))
            if ex >= side and ey >= side:
                area = ex * ey
                cut = bz0 - z0
                if cut >= side and cut * area >= volume:
                    pieces[4].append((x0, y0, z0, x1, y1, bz0))
                cut = z1 - bz1
                if cut >= side and cut * area >= volume:
                    pieces[5].append((x0, y0, bz1, x1, y1, z1))
        # per face: which coordinate of an uncut space lies on the face's plane, the plane
        planes = ((3, bx0), (0, bx1), (4, by0), (1, by1), (5, bz0), (2, bz1))
        uncut = len(kept)
        for face in range(6):
            beside = pieces[face]
            if not beside:
                continue
            at, plane = planes[face]
            near = [o for o in kept[:uncut] if o[at] == plane]
            count = len(beside)
            for i in range(count):
                piece = beside[i]
                x0, y0, z0, x1, y1, z1 = piece
                dominated = False
                for o in near:
                    if (
                        o[0] <= x0
                        and o[3] >= x1
                        and o[1] <= y0
                        and o[4] >= y1
                        and o[2] <= z0
                        and o[5] >= z1
                    ):
                        dominated = True
                        break
                if not dominated and count > 1:
                    for j in range(count):
                        o = beside[j]
                        if (
                            j != i
                            and o[0] <= x0
                            and o[3] >= x1
                            and o[1] <= y0
                            and o[4] >= y1
                            and o[2] <= z0
                            and o[5] >= z1
                            and (j < i or o != piece)  # of equal pieces keep the first
                        ):
                            dominated = True
                            break
                if dominated:
                    continue
                space = _space(x0, y0, z0, x1, y1, z1)
                kept.append(space)
                if space[6] > r0:
                    r0 = space[6]
                if space[7] > r1:
                    r1 = space[7]
                if space[8] > r2:
                    r2 = space[8]
        self.spaces = kept
        self.room = (r0, r1, r2)


Run = tuple[UnitKind, int, int, int]  # kind, count, then the smallest side and volume left


def runs(units: Sequence[UnitKind]) -> list[Run]:
    """Units in this order as runs of one kind, each with the smallest side and volume
    among its own kind and the units after it (what may still need a space)."""
    grouped: list[list[Any]] = []
    for kind in units:
        if grouped and grouped[-1][0] is kind:
            grouped[-1][1] += 1
        else:
            grouped.append([kind, 1])
    result: list[Run] = []
    side = volume = 1 << 62
    for kind, count in reversed(grouped):
        side = min(side, kind.sorted_dims[0])
        volume = min(volume, kind.volume)
        result.append((kind, count, side, volume))
    result.reverse()
    return result


def fill(dims: Box, payload: int, units: Sequence[UnitKind], tight: bool) -> OpenCarton | None:
    """Place `units` in this order in one empty carton; None at the first that does not fit."""
    carton = OpenCarton(dims, payload, tight)
    for kind, count, side, volume in runs(units):
        while count:
            placed = carton.place(kind, count, side, volume)
            if not placed:
                return None
            count -= placed
    return carton


def by_volume(kind: UnitKind) -> tuple[int, ...]:
    return (-kind.volume, -kind.sorted_dims[2], -kind.sorted_dims[1], kind.line)


def by_longest_side(kind: UnitKind) -> tuple[int, ...]:
    return (-kind.sorted_dims[2], -kind.sorted_dims[1], -kind.volume, kind.line)


def by_base(kind: UnitKind) -> tuple[int, ...]:
    return (-kind.sorted_dims[2] * kind.sorted_dims[1], -kind.volume, kind.line)


# (unit order, tight orientations), tried in turn until one fits the units in the carton.
ATTEMPTS: tuple[tuple[Callable[[UnitKind], tuple[int, ...]], bool], ...] = (
    (by_volume, False),
    (by_volume, True),
    (by_longest_side, False),
    (by_longest_side, True),
    (by_base, False),
    (by_base, True),
)
# How many of ATTEMPTS to make for up to so many units (each attempt re-packs them all).
ATTEMPTS_BY_SIZE = ((8, 6), (24, 2))
# The exact search backs the attempts up for at most this many units, this many nodes.
EXACT_UNITS = 6
EXACT_NODES = 500


def fit(
    dims: Box,
    payload: int,
    units: Sequence[UnitKind],
    exact_units: int = EXACT_UNITS,
    exact_nodes: int | None = EXACT_NODES,
) -> list[Placed] | None:
    """The units placed in a carton of inner `dims` carrying up to `payload` g, or None.

    None means not found: the units may still fit a way this search did not try, unless
    there are at most `exact_units` of them and `exact_nodes` is None (unbounded).
    """
    length, width, height = dims
    if sum(k.volume for k in units) > length * width * height:
        return None
    if sum(k.weight for k in units) > payload:
        return None
    da, db, dc = sorted(dims)
    if any(k.sorted_dims[0] > da or k.sorted_dims[1] > db or k.sorted_dims[2] > dc for k in units):
        return None
    tries = next((k for size, k in ATTEMPTS_BY_SIZE if len(units) <= size), 1)
    orders: dict[Callable[[UnitKind], tuple[int, ...]], list[UnitKind]] = {}
    for order, tight in ATTEMPTS[:tries]:
        if order not in orders:
            orders[order] = sorted(units, key=order)
        filled = fill(dims, payload, orders[order], tight)
        if filled is not None:
            return filled.placed
    if len(units) > exact_units:
        return None
    try:
        positions = exact_fit([k.dims for k in units], dims, exact_nodes)
    except SearchLimit:
        return None
    if positions is None:
        return None
    return [(kind, *where) for kind, where in zip(units, positions, strict=True)]


class SearchLimit(RuntimeError):
    """The exact search gave up after its node limit: the answer is not known."""


Position = tuple[int, int, int, int, int, int]  # x, y, z, then extents along x, y, z


def exact_fit(
    sizes: Sequence[Box], container: Box, node_limit: int | None = None
) -> list[Position] | None:
    """Positions for boxes of `sizes` (any orientation) inside `container`, in the order
    given, or None when they cannot all fit. Raises SearchLimit after `node_limit` nodes."""
    n = len(sizes)
    if n == 0:
        return []
    if sum(a * b * c for a, b, c in sizes) > container[0] * container[1] * container[2]:
        return None
    order = sorted(range(n), key=lambda i: -sizes[i][0] * sizes[i][1] * sizes[i][2])
    orientations = []
    for i in order:
        fitting = [
            o
            for o in sorted(set(permutations(sizes[i])))
            if o[0] <= container[0] and o[1] <= container[1] and o[2] <= container[2]
        ]
        if not fitting:
            return None
        orientations.append(fitting)
    # Identical boxes: relabel them so that their positions rise in (x, y, z) order; then
    # of two identical boxes the later never lies wholly before the earlier along x.
    shape = [sorted(sizes[i]) for i in order]
    ext = [[0] * n for _ in range(3)]  # extent of box i along axis a
    pos = [[0] * n for _ in range(3)]  # longest chain before box i along axis a
    succ = [[0] * n for _ in range(3)]  # bitmask of the boxes that must come after box i
    reach = [[0] * n for _ in range(3)]  # bitmask of the boxes after box i through a chain
    nodes = 0

    def add(a: int, u: int, v: int, k: int) -> bool:
        """Box u wholly before box v along axis a (boxes 0..k placed so far)."""
        reach_a, pos_a, ext_a, succ_a = reach[a], pos[a], ext[a], succ[a]
        if (reach_a[v] >> u) & 1:
            return False  # v is already before u
        succ_a[u] |= 1 << v
        after_v = (1 << v) | reach_a[v]
        for x in range(k + 1):
            if x == u or (reach_a[x] >> u) & 1:
                reach_a[x] |= after_v
        limit = container[a]
        todo = [u]
        while todo:
            w = todo.pop()
            end = pos_a[w] + ext_a[w]
            later = succ_a[w]
            s = 0
            while later:
                if later & 1 and pos_a[s] < end:
                    if end + ext_a[s] > limit:
                        return False
                    pos_a[s] = end
                    todo.append(s)
                later >>= 1
                s += 1
        return True

    def relate(k: int, i: int) -> bool:
        nonlocal nodes
        nodes += 1
        if node_limit is not None and nodes > node_limit:
            raise SearchLimit(f"exact_fit gave up after {node_limit} nodes")
        while i < k and any((reach[a][i] >> k) & 1 or (reach[a][k] >> i) & 1 for a in range(3)):
            i += 1  # already apart through a chain
        if i == k:
            return place(k + 1)
        choices = []
        for a in range(3):
            for u, v in ((i, k), (k, i)):
                if a == 0 and u == k and shape[k] == shape[i]:
                    continue  # see the note on identical boxes above
                end = pos[a][u] + ext[a][u] + ext[a][v]
                if end <= container[a]:
                    choices.append((end / container[a], a, u, v))
        choices.sort()
        for _, a, u, v in choices:
            saved = (pos[a][:], succ[a][:], reach[a][:])
            if add(a, u, v, k) and relate(k, i + 1):
                return True
            pos[a], succ[a], reach[a] = saved
        return False

    def place(k: int) -> bool:
        if k == n:
            return True
        for o in orientations[k]:
            for a in range(3):
                ext[a][k] = o[a]
                pos[a][k] = succ[a][k] = reach[a][k] = 0
            if relate(k, 0):
                return True
        return False

    if not place(0):
        return None
    positions: list[Position] = [(0, 0, 0, 0, 0, 0)] * n
    for j, i in enumerate(order):
        positions[i] = (pos[0][j], pos[1][j], pos[2][j], ext[0][j], ext[1][j], ext[2][j])
    return positions
