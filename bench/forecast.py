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
    .venv/bin/python -m bench.forecast --items 10000 --database   # and `suggest` on SQLite

With `--database` (an SQLite file in a temporary folder, or `--database-url`), the same
history is written as ledger rows (one receipt per item, one ship posting per day, each
balance the sum of its movements) and `floor.planning.suggestions.suggest` runs over it:
the whole suggestion (history read in the database, forecasts, levels, positions), against
its history read alone in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

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


def write_history(url: str, series: dict[int, list[int]], today: dt.date) -> tuple[object, int]:
    """An empty floor database at `url` holding `series` as ledger rows; (engine, warehouse)."""
    from sqlalchemy import insert, select

    from floor.db import create_floor_engine, session_scope, upgrade
    from floor.models import (
        Balance,
        Item,
        Location,
        Movement,
        StockTransaction,
        Supplier,
        SupplierItem,
        Warehouse,
        Zone,
    )

    engine = create_floor_engine(url)
    upgrade(engine)
    days = len(next(iter(series.values())))
    with session_scope(engine) as s:
        warehouse = Warehouse(code="BENCH", name="Bench")
        s.add(warehouse)
        s.flush()
        zone = Zone(warehouse_id=warehouse.id, code="PCK", name="PCK", kind="pick")
        s.add(zone)
        s.flush()
        location = Location(warehouse_id=warehouse.id, zone_id=zone.id, code="A-01", kind="rack")
        supplier = Supplier(code="BENCH-SUP", name="Bench supplier", lead_time_days=LEAD_TIME)
        s.add_all([location, supplier])
        s.flush()
        s.execute(insert(Item), [{"sku": f"SKU{k:06d}", "description": ""} for k in series])
        ids = dict(s.execute(select(Item.sku, Item.id)).all())
        item_of = {k: ids[f"SKU{k:06d}"] for k in series}
        s.execute(
            insert(SupplierItem),
            [
                {
                    "supplier_id": supplier.id,
                    "item_id": item_of[k],
                    "supplier_sku": "",
                    "pack_size": 6,
                    "min_order_qty": 12,
                    "priority": 1,
                }
                for k in series
            ],
        )
        s.execute(
            insert(Balance),
            [
                {
                    "location_id": location.id,
                    "item_id": item_of[k],
                    "lot": "",
                    "quantity": 20,
                    "reserved": 0,
                }
                for k in series
            ],
        )
        balance_of = dict(s.execute(select(Balance.item_id, Balance.id)).all())
        start = dt.datetime.combine(today - dt.timedelta(days=days + 1), dt.time(8), dt.UTC)
        receipt = StockTransaction(kind="receive", reason="bench", created_at=start)
        s.add(receipt)
        s.flush()

        def movement(tx: int, key: int, delta: int, at: dt.datetime) -> dict[str, object]:
            item = item_of[key]
            return {
                "transaction_id": tx,
                "balance_id": balance_of[item],
                "location_id": location.id,
                "item_id": item,
                "lot": "",
                "quantity_delta": delta,
                "reserved_delta": 0,
                "created_at": at,
            }

        s.execute(
            insert(Movement),
            [movement(receipt.id, k, 20 + sum(v), start) for k, v in series.items()],
        )
        for day in range(days):
            at = dt.datetime.combine(today - dt.timedelta(days=days - day), dt.time(15), dt.UTC)
            ship = StockTransaction(kind="ship", reason="shipment", created_at=at)
            s.add(ship)
            s.flush()
            rows = [movement(ship.id, k, -v[day], at) for k, v in series.items() if v[day]]
            if rows:
                s.execute(insert(Movement), rows)
        return engine, warehouse.id


def bench_database(url: str, series: dict[int, list[int]], engine_name: str) -> None:
    from floor.db import read_only
    from floor.planning.history import daily_series
    from floor.planning.suggestions import suggest

    today = dt.date(2026, 6, 1)
    print()
    (engine, warehouse_id), _ = timed(
        "write the history as ledger rows", lambda: write_history(url, series, today)
    )
    days = len(next(iter(series.values())))
    with read_only(engine) as s:  # type: ignore[arg-type]
        _, t_read = timed(
            "history read alone (baseline)",
            lambda: daily_series(s, warehouse_id, today - dt.timedelta(days=1), days),
        )
    with read_only(engine) as s:  # type: ignore[arg-type]
        found, t_suggest = timed(
            "suggest (read, forecast, position, levels)",
            lambda: suggest(s, warehouse_id, today=today, history_days=days, engine=engine_name),
        )
    engine.dispose()  # type: ignore[attr-defined]
    to_order = [x for x in found if x.quantity > 0]
    print(
        f"  {len(found)} suggestions, {len(to_order)} to order; suggest / history read: "
        f"{t_suggest / max(t_read, 1e-9):.1f}x; target for 10,000 items: 60 s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--engine", choices=("builtin", "statsforecast"), default="builtin")
    parser.add_argument(
        "--database", action="store_true", help="also run suggest over the history in SQLite"
    )
    parser.add_argument("--database-url", help="an EMPTY database for --database instead")
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
    report(series, tests, summary, t_method, t_base, t_backtest, t_levels, units, args.items)
    if args.database or args.database_url:
        if args.database_url:
            bench_database(args.database_url, series, args.engine)
        else:
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{Path(folder) / 'bench.db'}"
                bench_database(url, series, args.engine)


def report(series, tests, summary, t_method, t_base, t_backtest, t_levels, units, items):  # type: ignore[no-untyped-def]
    print()
    print(f"  forecast time / baseline time: {t_method / max(t_base, 1e-9):.1f}x")
    total = t_method + t_backtest + t_levels
    print(f"  forecast + backtest + levels: {total:.2f} s ({items / total:,.0f} items/s)")
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
