"""Benchmark demand forecasting: time and accuracy of floor's built-in methods against the
seasonal naive baseline, on the same synthetic items in the same run.

Items (seeded): about half intermittent (demand on 5 to 40 % of days, sizes 1 to 12), four
in ten smooth with a weekly pattern (one day off, noise), the rest new items that started
selling late in the year. Each item has `--days` days of history.

Measured, for all items:
- forecast: each item's forecast over 28 days (Croston/SBA or SES with a weekday profile),
  and the same for the seasonal naive baseline;
- backtest: the last 28 days held out, both forecast from the days before, both scored by
  MASE; the ratio is the mean MASE of floor's method over the baseline's (below 1: better);
- levels: reorder point, order-up-to level and order quantity per item from the forecast
  (what `floor purchasing suggest` computes after reading the database; the database reads
  are not in this benchmark).

    .venv/bin/python -m bench.forecast                      # 2,000 items x 365 days
    .venv/bin/python -m bench.forecast --items 10000        # the issue's 10,000 items
    .venv/bin/python -m bench.forecast --engine statsforecast   # with floor[forecast] installed
"""

from __future__ import annotations

import argparse
import random
import time

from floor.planning.engines import backtest_many, forecast_many, statsforecast_available
from floor.planning.forecast import accuracy, classify, from_first_demand, seasonal_naive
from floor.planning.levels import levels, order_quantity

HORIZON = 28
LEAD_TIME = 10
REVIEW = 7


def synthetic(items: int, days: int, seed: int = 2026) -> dict[int, list[int]]:
    rng = random.Random(seed)
    series: dict[int, list[int]] = {}
    for n in range(items):
        kind = rng.random()
        if kind < 0.5:  # intermittent
            chance, top = rng.uniform(0.05, 0.4), rng.randint(1, 12)
            series[n] = [rng.randint(1, top) if rng.random() < chance else 0 for _ in range(days)]
        elif kind < 0.9:  # smooth, one day off a week
            mean = rng.uniform(3, 60)
            off = rng.randrange(7)
            series[n] = [
                0 if d % 7 == off else max(0, round(rng.gauss(mean, mean * 0.3)))
                for d in range(days)
            ]
        else:  # new item: nothing, then steady demand
            start = rng.randint(days // 2, days - 40)
            mean = rng.uniform(1, 20)
            series[n] = [0] * start + [
                max(0, round(rng.gauss(mean, mean * 0.4))) for _ in range(days - start)
            ]
    return series


def timed(label: str, work):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = work()
    elapsed = time.perf_counter() - start
    print(f"  {label:<44} {elapsed:8.2f} s")
    return result, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--engine", choices=("builtin", "statsforecast"), default="builtin")
    args = parser.parse_args()
    if args.engine == "statsforecast" and not statsforecast_available():
        parser.error("statsforecast is not installed: pip install 'floor[forecast]'")
    print(f"{args.items} items x {args.days} days, engine {args.engine}, horizon {HORIZON} days")
    series, _ = timed("synthetic history", lambda: synthetic(args.items, args.days))
    classes: dict[str, int] = {}
    for values in series.values():
        kind = classify(from_first_demand(values))
        classes[kind] = classes.get(kind, 0) + 1
    print("  classes: " + ", ".join(f"{k} {v}" for k, v in sorted(classes.items())))

    forecasts, t_method = timed(
        f"forecast ({args.engine})",
        lambda: forecast_many(series, LEAD_TIME + REVIEW + HORIZON, engine=args.engine),
    )
    _, t_base = timed(
        "forecast (seasonal naive baseline)",
        lambda: {k: seasonal_naive(from_first_demand(v), HORIZON) for k, v in series.items()},
    )
    tests, t_backtest = timed(
        "backtest, method and baseline (MASE)",
        lambda: backtest_many(series, HORIZON, engine=args.engine),
    )

    def plan() -> int:
        ordered = 0
        for key, fc in forecasts.items():
            level = levels(fc, LEAD_TIME, 0.95, REVIEW)
            ordered += order_quantity(
                sum(series[key][-7:]), level.reorder_point, level.order_up_to, 6, 12
            )
        return ordered

    units, t_levels = timed("levels and order quantities (95 %)", plan)
    summary = accuracy(list(tests.values()))
    print()
    print(f"  forecast time / baseline time: {t_method / max(t_base, 1e-9):.1f}x")
    total = t_method + t_backtest + t_levels
    print(f"  forecast + backtest + levels: {total:.2f} s ({args.items / total:,.0f} items/s)")
    print(f"  units to order over all items: {units:,}")
    if summary.ratio is None:
        print("  MASE: no item could be scored")
        return
    print(
        f"  MASE over {summary.scored} of {summary.series} items: method {summary.mase:.3f}, "
        f"seasonal naive {summary.baseline_mase:.3f}, ratio {summary.ratio:.3f}"
    )
    for kind in ("intermittent", "smooth"):
        keys = [k for k, v in series.items() if classify(from_first_demand(v[:-HORIZON])) == kind]
        part = accuracy([tests[k] for k in keys])
        if part.ratio is not None:
            print(
                f"    {kind:<13} {part.scored:>6} items: method {part.mase:.3f}, "
                f"baseline {part.baseline_mase:.3f}, ratio {part.ratio:.3f}"
            )


if __name__ == "__main__":
    main()
