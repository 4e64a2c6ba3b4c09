"""Benchmark pick routing: tour length against the exact optimum, and time per pick list.

For each aisle count 1..20, random pick lists (5 to 50 lines, positions uniform along the
aisle, seeded) are routed by every method on the same instances. The baseline is the exact
dynamic program (Ratliff-Rosenthal for one block, its frontier generalisation for several
cross aisles), which the unit tests check against brute force. Ratios are mean tour length
of a method over mean exact tour length; "worst" is the largest single-instance ratio.

    .venv/bin/python -m bench.routing           # 100 lists per aisle count
    .venv/bin/python -m bench.routing --quick   # 10 lists per aisle count
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from floor.outbound.routing import Layout, PickPoint, plan_route

AISLE_LENGTH = 20.0
AISLE_SPACING = 3.0
SINGLE_METHODS = ("auto", "local_search", "s_shape", "largest_gap", "return")
MULTI_METHODS = ("auto", "s_shape", "largest_gap")


def pick_list(rng: random.Random, aisles: int, lines: int) -> list[PickPoint]:
    return [
        PickPoint(line, rng.randrange(aisles), rng.uniform(0.0, AISLE_LENGTH))
        for line in range(lines)
    ]


def compare(blocks: int, methods: tuple[str, ...], instances: int) -> None:
    print(f"\n{blocks} block(s), {blocks + 1} cross aisles; auto = ", end="")
    print(plan_route(Layout(1, AISLE_LENGTH, AISLE_SPACING, blocks=blocks), []).method)
    header = f"{'aisles':>6} {'exact m':>8}" + "".join(f" {m:>12}" for m in methods)
    print(header + f" {'auto worst':>10}")
    rng = random.Random(1983 + blocks)
    overall = {method: 0.0 for method in methods}
    overall_exact = 0.0
    overall_worst = 0.0
    for aisles in range(1, 21):
        layout = Layout(aisles, AISLE_LENGTH, AISLE_SPACING, blocks=blocks)
        totals = {method: 0.0 for method in methods}
        exact_total = 0.0
        worst = 0.0
        for _ in range(instances):
            picks = pick_list(rng, aisles, rng.randint(5, 50))
            exact = plan_route(layout, picks, "exact").length
            exact_total += exact
            for method in methods:
                length = plan_route(layout, picks, method).length
                totals[method] += length
                if method == "auto":
                    worst = max(worst, length / exact)
        for method in methods:
            overall[method] += totals[method]
        overall_exact += exact_total
        overall_worst = max(overall_worst, worst)
        ratios = "".join(f" {totals[m] / exact_total:>12.4f}" for m in methods)
        print(f"{aisles:>6} {exact_total / instances:>8.1f}{ratios} {worst:>10.4f}")
    ratios = "".join(f" {overall[m] / overall_exact:>12.4f}" for m in methods)
    print(f"{'all':>6} {overall_exact / (20 * instances):>8.1f}{ratios} {overall_worst:>10.4f}")


def timing(blocks: int, method: str, runs: int) -> None:
    rng = random.Random(50 + blocks)
    layout = Layout(20, AISLE_LENGTH, AISLE_SPACING, blocks=blocks)
    lists = [pick_list(rng, 20, 50) for _ in range(runs)]
    plan_route(layout, lists[0], method)  # fill the transition caches
    seconds = []
    for picks in lists:
        start = time.perf_counter()
        route = plan_route(layout, picks, method)
        seconds.append(time.perf_counter() - start)
    print(
        f"{blocks} block(s) {method:>6} -> {route.method:<12} median "
        f"{statistics.median(seconds) * 1e3:6.2f} ms  max {max(seconds) * 1e3:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 lists per aisle count")
    args = parser.parse_args()
    instances = 10 if args.quick else 100
    print(f"Pick routing, {instances} lists of 5-50 lines per aisle count; aisle length")
    print(f"{AISLE_LENGTH} m, spacing {AISLE_SPACING} m, depot at the front of aisle 0.")
    print("Columns after 'exact m' (mean exact tour, metres): mean length / mean exact.")
    print("s_shape, largest_gap and return use only the front and back cross aisles.")
    compare(1, SINGLE_METHODS, instances)
    compare(3, MULTI_METHODS, instances)
    print("\nTime to route a 50-line list over 20 aisles (30 lists):")
    timing(1, "auto", 30)
    timing(2, "auto", 30)
    timing(3, "auto", 30)
    timing(3, "exact", 30)


if __name__ == "__main__":
    main()
