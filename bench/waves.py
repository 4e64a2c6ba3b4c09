"""Benchmark wave release: 1,000, 10,000 and 100,000 orders of 1 to 5 lines, SQLite and PostgreSQL.

Each size gets a fresh database (SQLite in a temporary folder; PostgreSQL in a scratch
database on 127.0.0.1 created as user postgres and dropped afterwards), a warehouse of 20
aisles x 50 bays x 2 levels (level 1 pick faces, level 2 reserve), 2,000 items with one pick
face and one reserve balance each (received through the ledger), and N open orders of 1 to
5 lines (seeded). Timed: `build_wave` (all orders, no caps) and `release_wave` (allocate,
one ledger posting for every reservation, pick tasks in carts of 4 sequenced by the S-shape
heuristic, the release default; the exact router runs later, per cart, at claim), each in
its own transaction, commit included. Ratios compare each size with the one below it:
linear growth is 10.0.

    .venv/bin/python -m bench.waves                     # both backends, 1k 10k 100k
    .venv/bin/python -m bench.waves --sizes 1000 10000 --backends sqlite
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, insert, select, text

from floor.db import open_database, transaction
from floor.gs1 import location_check_digits
from floor.models import (
    Balance,
    Item,
    Location,
    SalesOrder,
    SalesOrderLine,
    Task,
    Warehouse,
    Zone,
)
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.stock import ledger
from floor.stock.ledger import Change, StockKey

PG_ADMIN = os.environ.get("FLOOR_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
AISLES, BAYS, ITEMS = 20, 50, 2000


def seed(engine: Engine, orders: int, rng: random.Random) -> int:
    """The warehouse, its stock (through the ledger) and `orders` open orders."""

    def layout(session) -> int:  # type: ignore[no-untyped-def]
        wh = Warehouse(code="BEN", name="Bench")
        session.add(wh)
        session.flush()
        pick = Zone(warehouse_id=wh.id, code="PCK", kind="pick")
        store = Zone(warehouse_id=wh.id, code="STO", kind="storage")
        session.add_all([pick, store])
        session.flush()
        rows = []
        for aisle in range(1, AISLES + 1):
            for bay in range(1, BAYS + 1):
                for level in (1, 2):
                    code = f"A{aisle:02d}-{bay:02d}-{level}"
                    rows.append(
                        {
                            "warehouse_id": wh.id,
                            "zone_id": pick.id if level == 1 else store.id,
                            "code": code,
                            "check_digit": location_check_digits(code),
                            "kind": "rack",
                            "aisle": aisle,
                            "bay": bay,
                            "position": bay * 1.2,
                            "side": "L",
                            "level": level,
                            "block": 0,
                            "pickable": level == 1,
                            "blocked": False,
                        }
                    )
        session.execute(insert(Location), rows)
        session.execute(
            insert(Item),
            [
                {"sku": f"SKU{n:05d}", "description": f"Item {n}", "allocation": "fifo"}
                for n in range(ITEMS)
            ],
        )
        return wh.id

    warehouse_id = transaction(engine, layout)

    def stock(session) -> None:  # type: ignore[no-untyped-def]
        locations = {
            code: lid
            for code, lid in session.execute(
                select(Location.code, Location.id).where(Location.warehouse_id == warehouse_id)
            )
        }
        items = list(session.scalars(select(Item.id).order_by(Item.id)))
        changes = []
        for n, item in enumerate(items):
            aisle, bay = n % AISLES + 1, n // AISLES % BAYS + 1
            face = locations[f"A{aisle:02d}-{bay:02d}-1"]
            reserve = locations[f"A{aisle:02d}-{bay:02d}-2"]
            changes.append(Change(StockKey(face, item), 40 * max(1, orders // 1000)))
            changes.append(Change(StockKey(reserve, item), 200 * max(1, orders // 1000)))
        ledger.post(session, "receive", changes, reason="bench")

    transaction(engine, stock)

    def order_rows(session) -> None:  # type: ignore[no-untyped-def]
        items = list(session.scalars(select(Item.id).order_by(Item.id)))
        now = dt.datetime.now(dt.UTC)
        for start in range(0, orders, 10_000):
            count = min(10_000, orders - start)
            session.execute(
                insert(SalesOrder),
                [
                    {
                        "number": f"B{n:07d}",
                        "channel": "bench",
                        "external_ref": f"B{n:07d}",
                        "warehouse_id": warehouse_id,
                        "carrier": "UPS",
                        "priority": rng.randint(1, 9),
                        "status": "open",
                        "created_at": now,
                    }
                    for n in range(start, start + count)
                ],
            )
            ids = list(
                session.scalars(
                    select(SalesOrder.id)
                    .where(SalesOrder.number >= f"B{start:07d}")
                    .where(SalesOrder.number < f"B{start + count:07d}")
                    .order_by(SalesOrder.id)
                )
            )
            lines = []
            for order_id in ids:
                for line_no, item in enumerate(rng.sample(items, rng.randint(1, 5)), start=1):
                    lines.append(
                        {
                            "order_id": order_id,
                            "line_no": line_no,
                            "item_id": item,
                            "quantity_ordered": rng.randint(1, 3),
                            "quantity_allocated": 0,
                            "quantity_picked": 0,
                            "quantity_shipped": 0,
                            "status": "open",
                        }
                    )
            session.execute(insert(SalesOrderLine), lines)

    transaction(engine, order_rows)
    return warehouse_id


def run_once(engine: Engine, orders: int) -> dict[str, float]:
    rng = random.Random(orders)
    t0 = time.perf_counter()
    warehouse_id = seed(engine, orders, rng)
    seeded = time.perf_counter() - t0
    t0 = time.perf_counter()
    code = transaction(engine, lambda s: build_wave(s, warehouse_id, WaveRules()).code)
    built = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = transaction(engine, lambda s: release_wave(s, code, cart_size=4))
    released = time.perf_counter() - t0

    def check(session) -> tuple[int, int, int, list[str]]:  # type: ignore[no-untyped-def]
        reserved = session.scalar(select(func.sum(Balance.reserved)))
        tasks = session.scalar(select(func.sum(Task.quantity)))
        lines = session.scalar(select(func.count()).select_from(SalesOrderLine))
        return (
            int(reserved or 0),
            int(tasks or 0),
            int(lines or 0),
            ledger.invariant_violations(session),
        )

    reserved, task_units, lines, problems = transaction(engine, check)
    assert reserved == task_units == report.units_allocated and not problems, problems
    return {
        "seed": seeded,
        "build": built,
        "release": released,
        "lines": lines,
        "tasks": report.tasks,
        "short": len(report.short),
    }


def sqlite_engine(folder: Path, orders: int) -> Engine:
    return open_database(f"sqlite:///{folder / f'waves_{orders}.db'}")


def with_postgres(orders: int):  # type: ignore[no-untyped-def]
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"floor_bench_waves_{os.getpid()}_{orders}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    return admin, name, open_database(url)


def drop_postgres(admin: Engine, name: str, engine: Engine) -> None:
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} CPUs; warehouse {AISLES} aisles x {BAYS} bays x 2 levels, {ITEMS} items"
    )
    for backend in args.backends:
        print(f"\n{backend}")
        print(
            f"{'orders':>8} {'lines':>8} {'tasks':>8} {'short':>6} {'seed s':>8} {'build s':>8}"
            f" {'release s':>10} {'build+rel':>10} {'ratio':>7}"
        )
        previous: tuple[int, float] | None = None
        for orders in args.sizes:
            if backend == "sqlite":
                with tempfile.TemporaryDirectory() as folder:
                    engine = sqlite_engine(Path(folder), orders)
                    result = run_once(engine, orders)
                    engine.dispose()
            else:
                admin, name, engine = with_postgres(orders)
                try:
                    result = run_once(engine, orders)
                finally:
                    drop_postgres(admin, name, engine)
            total = result["build"] + result["release"]
            ratio = ""
            if previous is not None:
                ratio = f"{total / previous[1]:.1f}x/{orders / previous[0]:.0f}"
            print(
                f"{orders:>8} {result['lines']:>8} {result['tasks']:>8} {result['short']:>6}"
                f" {result['seed']:>8.2f} {result['build']:>8.2f} {result['release']:>10.2f}"
                f" {total:>10.2f} {ratio:>7}",
                flush=True,
            )
            previous = (orders, total)


if __name__ == "__main__":
    main()
