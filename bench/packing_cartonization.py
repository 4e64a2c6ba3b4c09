"""Benchmark cartonization: time for a 100-line order, and quality against the optimum.

(a) Time. Random 100-line orders (seeded) against a catalogue of 20 carton types, each
cartonized 3 times (`--repeat`); p50 and p95 over the orders of the first run's
wall-clock time, and of the best of the 3 runs' wall-clock and CPU times (the machine is
shared: the best run is the code's own time, the first shows what the load adds).
Baseline, timed on the same orders in the same run: a volume-only first fit (units by
decreasing volume into the first open carton with the volume and payload left, else a
new carton of the largest type the unit fits; no geometry, so it may propose cartons no
packer could close). Printed as the ratio of the medians. Every proposal is checked:
each unit inside its carton in the orientation given, no two units overlapping, gross
weight within the limit, every packable unit placed once.

(b) Quality. Random orders of 1 to 8 units against the same catalogue: cartons and
shipped volume of `cartonize` against the optimum by exhaustive search
(`floor.outbound.cartonization_exact.optimal_bound`: every subset of units in every
carton type, the exact placement search where the heuristic fails, a dynamic program
over subsets). When an exact search gives up (200,000 nodes) the subset is taken to fit,
so that instance's "optimum" is a lower bound and its ratio can only be too high; the
number of such instances is printed.

Orders: each line's three sides are log-uniform in 20-400 mm (one line in 20 has one side
of 400-900 mm), density log-uniform in 0.05-1.0 g/cm³; quantity 1 (60 %), 2-3 (25 %) or
4-10 (15 %). In (a), one line in 50 has no dimensions, one in 33 no weight and one in
100 is 1.2 m long (larger than every carton).

    .venv/bin/python -m bench.packing_cartonization           # 200 big, 300 small orders
    .venv/bin/python -m bench.packing_cartonization --quick   # 40 big, 60 small orders
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import random
import statistics
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from floor.outbound.cartonization import CartonType, PackLine, Proposal, cartonize
from floor.outbound.cartonization_exact import optimal_bound

T = TypeVar("T")
TARGET_MS = 20.0
TARGET_RATIO = 1.05

# code, inner length, width, height (mm), gross limit (g), tare (g): a site's catalogue
CATALOGUE = [
    ("S1", 200, 150, 100, 10_000, 110),
    ("S2", 250, 200, 100, 10_000, 125),
    ("S3", 300, 200, 150, 10_000, 145),
    ("S4", 250, 250, 250, 15_000, 175),
    ("M1", 300, 250, 200, 15_000, 175),
    ("M2", 350, 250, 150, 15_000, 165),
    ("F1", 600, 400, 100, 15_000, 220),
    ("M3", 300, 300, 300, 20_000, 235),
    ("M4", 400, 300, 200, 20_000, 220),
    ("L1", 800, 200, 200, 20_000, 260),
    ("L2", 1000, 150, 150, 20_000, 215),
    ("M5", 400, 400, 200, 20_000, 260),
    ("M6", 350, 350, 350, 20_000, 315),
    ("M7", 400, 300, 300, 25_000, 280),
    ("B1", 450, 350, 250, 25_000, 295),
    ("B2", 500, 350, 300, 25_000, 365),
    ("B3", 600, 400, 300, 30_000, 460),
    ("B4", 500, 400, 400, 30_000, 500),
    ("B5", 600, 400, 400, 30_000, 580),
    ("B6", 700, 500, 400, 30_000, 800),
]


def carton_types() -> list[CartonType]:
    return [CartonType(*row) for row in CATALOGUE]


def item_line(rng: random.Random, index: int, gaps: bool) -> PackLine:
    sides = [round(math.exp(rng.uniform(math.log(20), math.log(400)))) for _ in range(3)]
    if rng.random() < 0.05:
        sides[0] = rng.randint(400, 900)
    if gaps and rng.random() < 0.01:
        sides[0] = 1200
    rng.shuffle(sides)
    density = math.exp(rng.uniform(math.log(0.05), math.log(1.0)))  # g/cm³
    weight: int | None = max(1, round(sides[0] * sides[1] * sides[2] / 1000 * density))
    roll = rng.random()
    quantity = 1 if roll < 0.6 else rng.randint(2, 3) if roll < 0.85 else rng.randint(4, 10)
    dims: list[int | None] = list(sides)
    if gaps and rng.random() < 0.02:
        dims = [None, None, None]
    if gaps and rng.random() < 0.03:
        weight = None
    return PackLine(f"SKU{index:03d}", quantity, dims[0], dims[1], dims[2], weight)


def big_order(rng: random.Random) -> list[PackLine]:
    return [item_line(rng, i, gaps=True) for i in range(100)]


def small_order(rng: random.Random) -> list[PackLine]:
    """1 to 8 units, in lines of random quantities."""
    left = rng.randint(1, 8)
    lines = []
    while left:
        line = item_line(rng, len(lines), gaps=False)
        quantity = rng.randint(1, left)
        left -= quantity
        lines.append(
            PackLine(
                line.sku,
                quantity,
                line.length_mm,
                line.width_mm,
                line.height_mm,
                line.unit_weight_g,
            )
        )
    return lines


def volume_first_fit(lines: Sequence[PackLine], types: Sequence[CartonType]) -> tuple[int, int]:
    """(cartons, shipped volume) of the baseline: volume and weight only, no geometry."""
    by_volume = sorted(types, key=lambda t: -t.volume_mm3)
    inner = [sorted(t.dimensions_mm) for t in by_volume]
    units = []
    for line in lines:
        dims = line.dimensions_mm
        if dims is None:
            continue
        a, b, c = sorted(dims)
        weight = line.unit_weight_g or 0
        for t, (x, y, z) in zip(by_volume, inner, strict=True):
            if a <= x and b <= y and c <= z and weight <= t.payload_g:
                units += [(a * b * c, weight, t)] * line.quantity
                break
    units.sort(key=lambda unit: -unit[0])
    cartons: list[list[int]] = []  # [volume left, weight left, volume of the type]
    for volume, weight, biggest in units:
        for carton in cartons:
            if carton[0] >= volume and carton[1] >= weight:
                carton[0] -= volume
                carton[1] -= weight
                break
        else:
            cartons.append(
                [
                    biggest.volume_mm3 - volume,
                    biggest.payload_g - weight,
                    biggest.volume_mm3,
                ]
            )
    return len(cartons), sum(carton[2] for carton in cartons)


def problems(proposal: Proposal, lines: Sequence[PackLine]) -> int:
    """How many feasibility rules the proposal breaks."""
    broken = 0
    placed = [0] * len(lines)
    for carton in proposal.cartons:
        kind = carton.carton_type
        boxes = []
        for unit in carton.units:
            line = lines[unit.line]
            corner = (unit.x_mm, unit.y_mm, unit.z_mm)
            extents = (unit.length_mm, unit.width_mm, unit.height_mm)
            broken += sorted(extents) != sorted(line.dimensions_mm or ())
            broken += min(corner) < 0 or any(
                c + e > d for c, e, d in zip(corner, extents, kind.dimensions_mm, strict=True)
            )
            boxes.append((corner, extents))
            placed[unit.line] += 1
        for (ca, ea), (cb, eb) in itertools.combinations(boxes, 2):
            broken += all(ca[k] < cb[k] + eb[k] and cb[k] < ca[k] + ea[k] for k in range(3))
        weight = sum(lines[unit.line].unit_weight_g or 0 for unit in carton.units)
        broken += weight + kind.tare_weight_g > kind.max_weight_g
    left_out = {unpacked.line for unpacked in proposal.unpacked}
    for index, line in enumerate(lines):
        broken += placed[index] != (0 if index in left_out else line.quantity)
    return broken


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(call: Callable[[], T], repeat: int) -> tuple[T, float, float, float]:
    """(result, first wall time, best wall time, best CPU time) over `repeat` calls."""
    walls, cpus = [], []
    result = None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = call()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return result, walls[0], min(walls), min(cpus)  # type: ignore[return-value]


def ms(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 0.5) * 1e3:6.2f} ms  p95 {percentile(values, 0.95) * 1e3:6.2f} ms"
        f"  max {max(values) * 1e3:6.2f} ms"
    )


def timing(orders: int, repeat: int) -> None:
    rng = random.Random(2026)
    types = carton_types()
    batch = [big_order(rng) for _ in range(orders)]
    cartonize(batch[0], types)  # warm up
    first, best, cpu, base_first, base_best, base_cpu = [], [], [], [], [], []
    cartons, base_cartons, bounds, units, volume_ratio = [], [], [], [], []
    broken = left_out = 0
    load = os.getloadavg()[0]
    for lines in batch:
        proposal, wall, least, least_cpu = timed(lambda: cartonize(lines, types), repeat)  # noqa: B023
        first.append(wall)
        best.append(least)
        cpu.append(least_cpu)
        (count, volume), wall, least, least_cpu = timed(
            lambda: volume_first_fit(lines, types),  # noqa: B023
            repeat,
        )
        base_first.append(wall)
        base_best.append(least)
        base_cpu.append(least_cpu)
        broken += problems(proposal, lines)
        left_out += len(proposal.unpacked)
        out = {u.line for u in proposal.unpacked}
        packed = [line for index, line in enumerate(lines) if index not in out]
        total_volume = sum(math.prod(line.dimensions_mm or (0,)) * line.quantity for line in packed)
        total_weight = sum((line.unit_weight_g or 0) * line.quantity for line in packed)
        bounds.append(
            max(
                math.ceil(total_volume / max(t.volume_mm3 for t in types)),
                math.ceil(total_weight / max(t.payload_g for t in types)),
            )
        )
        units.append(sum(line.quantity for line in packed))
        cartons.append(len(proposal.cartons))
        base_cartons.append(count)
        volume_ratio.append(proposal.shipped_volume_mm3 / volume)
    load = max(load, os.getloadavg()[0])
    print(
        f"(a) {orders} orders of 100 lines ({statistics.mean(units):.0f} units packed on average,"
    )
    print(
        f"    {left_out / orders:.1f} lines left out), 20 carton types; each order timed {repeat}x"
    )
    print(f"    cartonize       wall, first run  {ms(first)}")
    print(f"                    wall, best of {repeat}  {ms(best)}")
    print(f"                    cpu,  best of {repeat}  {ms(cpu)}")
    print(f"    volume-only FF  wall, best of {repeat}  {ms(base_best)}")
    print(f"                    cpu,  best of {repeat}  {ms(base_cpu)}")
    ratio = percentile(best, 0.5) / percentile(base_best, 0.5)
    print(f"    ratio of medians (best of {repeat}) cartonize / volume-only FF: {ratio:.0f}x")
    print(
        f"    cartons per order: cartonize {statistics.mean(cartons):.2f}, volume-only FF "
        f"{statistics.mean(base_cartons):.2f}, lower bound {statistics.mean(bounds):.2f}"
    )
    print(f"    shipped volume cartonize / volume-only FF: {statistics.mean(volume_ratio):.3f}")
    print(f"    infeasible placements or counts: {broken}")
    p95 = percentile(best, 0.95) * 1e3
    p95_cpu = percentile(cpu, 0.95) * 1e3
    print(
        f"    target p95 <= {TARGET_MS:.0f} ms: wall (best of {repeat}) {p95:.1f} ms "
        f"{'met' if p95 <= TARGET_MS else 'NOT met'}, cpu {p95_cpu:.1f} ms "
        f"{'met' if p95_cpu <= TARGET_MS else 'NOT met'} (load average up to {load:.1f} "
        f"on {os.cpu_count()} cores)"
    )


def quality(orders: int) -> None:
    rng = random.Random(1983)
    types = carton_types()
    rows: dict[int, list[tuple[float, float]]] = {}
    bound_only = same = heuristic_wins = nothing = 0
    worst: tuple[float, float, list[PackLine]] = (0.0, 0.0, [])
    proven: list[tuple[float, float]] = []
    slowest = 0.0
    for _ in range(orders):
        lines = small_order(rng)
        proposal = cartonize(lines, types)
        if not proposal.cartons:
            nothing += 1  # every unit larger than every carton
            continue
        start = time.perf_counter()
        best = optimal_bound(lines, types)
        slowest = max(slowest, time.perf_counter() - start)
        bound_only += not best.proven
        ours = (len(proposal.cartons), proposal.shipped_volume_mm3)
        heuristic_wins += ours < (best.cartons, best.volume_mm3)
        same += ours == (best.cartons, best.volume_mm3)
        ratios = (ours[0] / best.cartons, ours[1] / best.volume_mm3)
        units = sum(line.quantity for line in lines)
        rows.setdefault(units, []).append(ratios)
        if best.proven:
            proven.append(ratios)
        if ratios[::-1] > worst[1::-1]:
            worst = (ratios[0], ratios[1], lines)
    everything = [ratio for row in rows.values() for ratio in row]
    print(f"\n(b) {orders} orders of 1-8 units against the exhaustive optimum")
    print(f"{'units':>9} {'orders':>7} {'cartons':>8} {'volume':>8} {'worst vol':>10}")
    for units in sorted(rows):
        row = rows[units]
        print(
            f"{units:>9} {len(row):>7} {statistics.mean(r[0] for r in row):>8.4f} "
            f"{statistics.mean(r[1] for r in row):>8.4f} {max(r[1] for r in row):>10.4f}"
        )
    carton_mean = statistics.mean(r[0] for r in everything)
    volume_mean = statistics.mean(r[1] for r in everything)
    print(
        f"{'all':>9} {len(everything):>7} {carton_mean:>8.4f} {volume_mean:>8.4f} "
        f"{max(r[1] for r in everything):>10.4f}"
    )
    print(f"    orders with nothing to pack (every unit too large): {nothing}")
    print(
        f"    equal to the optimum: {same} of {len(everything)}; worst cartons ratio {worst[0]:.2f}"
    )
    shown = [(line.quantity, line.dimensions_mm) for line in worst[2]]
    print(f"    worst volume ratio {worst[1]:.4f} on (quantity, dimensions) {shown}")
    print(f"    optimum only bounded (an exact search gave up): {bound_only}")
    print(
        f"    on the {len(proven)} proven optima: cartons "
        f"{statistics.mean(r[0] for r in proven):.4f}, volume "
        f"{statistics.mean(r[1] for r in proven):.4f}, worst volume {max(r[1] for r in proven):.4f}"
    )
    print(f"    heuristic below the optimum (must be 0): {heuristic_wins}")
    print(f"    slowest exhaustive search {slowest:.2f} s")
    verdict = "met" if max(carton_mean, volume_mean) <= TARGET_RATIO else "NOT met"
    print(f"    target mean ratio <= {TARGET_RATIO}: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 big and 60 small orders")
    parser.add_argument("--repeat", type=int, default=3, help="times each big order is timed")
    args = parser.parse_args()
    timing(40 if args.quick else 200, args.repeat)
    quality(60 if args.quick else 300)


if __name__ == "__main__":
    main()
