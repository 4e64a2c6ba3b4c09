"""Benchmark the supervisor board's refresh: 200 waves, 5,000 open pick tasks, 50 active
stations, on a shift with history (100,000 journaled scans and 40,000 ledger transactions
before the board opens), SQLite and PostgreSQL.

Each backend gets a fresh database with the demo warehouse, then (bulk inserted) 200
released waves of 25 one-line orders with one open pick task each, 50 pickers holding a cart
each, 50 station heartbeats, and the shift's history. The board reader opens once (its first
read takes the shift's history) and then refreshes once a "second": before each refresh the
floor adds what 50 stations scanning every 3 s add in a second (17 journal rows, 6 pick
transactions in random waves). Timed: each refresh (median, p95) and the client process's CPU
per refresh (at one refresh a second, its share of a core). Baselines in the same run: the
waves screen's read of the same 200 waves (`list_waves`), and a naive refresh that
aggregates the whole shift's journal and ledger every time (what the incremental read
avoids); ratios are the board's time over each.

    .venv/bin/python -m bench.board                        # both backends
    .venv/bin/python -m bench.board --backends sqlite --refreshes 30
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
import uuid

from sqlalchemy import func, insert, select, text

from bench.ledger import Database
from floor.board.model import BoardReader
from floor.board.settings import BoardSettings
from floor.db import read_only, session_scope
from floor.demo import build_demo
from floor.models import (
    Balance,
    Item,
    Location,
    Movement,
    Operator,
    SalesOrder,
    SalesOrderLine,
    ScanJournalEntry,
    StationHeartbeat,
    StockTransaction,
    Task,
    Warehouse,
    Wave,
)
from floor.outbound.wave_progress import list_waves

WAVES, ORDERS_PER_WAVE, STATIONS = 200, 25, 50
HISTORY_SCANS, HISTORY_TRANSACTIONS = 100_000, 40_000
SCANS_PER_SECOND, PICKS_PER_SECOND = 17, 6


def seed(db: Database, rng: random.Random) -> tuple[int, list[str], list[int], list[int]]:
    build_demo(db.engine)
    now = dt.datetime.now(dt.UTC)
    with session_scope(db.engine) as s:
        warehouse = s.scalar(select(Warehouse.id).where(Warehouse.code == "DEMO"))
        faces = list(
            s.execute(
                select(Balance.location_id, Balance.item_id, Balance.id)
                .join(Location, Location.id == Balance.location_id)
                .join(Item, Item.id == Balance.item_id)
                .where(Location.pickable.is_(True), Item.lot_tracked.is_(False))
            )
        )
        pickers = []
        for n in range(STATIONS):
            op = Operator(
                badge=f"BENCH{n:03d}", name=f"Bench picker {n}", pin_hash="x", roles="picker"
            )
            s.add(op)
            s.flush()
            pickers.append(op.id)
        clusters: list[str] = []
        order_no = 0
        for w in range(WAVES):
            wave = Wave(
                code=f"WB{w:04d}",
                warehouse_id=warehouse,
                status="released",
                released_at=now - dt.timedelta(hours=1),
                created_at=now,
            )
            s.add(wave)
            s.flush()
            tasks = []
            for o in range(ORDERS_PER_WAVE):
                order_no += 1
                location, item, _bid = faces[order_no % len(faces)]
                order = SalesOrder(
                    number=f"BO{order_no:06d}",
                    external_ref=f"BO{order_no}",
                    warehouse_id=warehouse,
                    wave_id=wave.id,
                    status="allocated",
                )
                order.lines.append(
                    SalesOrderLine(
                        line_no=1,
                        item_id=item,
                        quantity_ordered=2,
                        quantity_allocated=2,
                        status="allocated",
                    )
                )
                s.add(order)
                s.flush()
                cluster = f"{wave.code}-C{o // 4 + 1:04d}"
                clusters.append(cluster)
                held = w < STATIONS and o < 4
                tasks.append(
                    {
                        "warehouse_id": warehouse,
                        "kind": "pick",
                        "status": "assigned" if held else "open",
                        "assignee_id": pickers[w] if held else None,
                        "item_id": item,
                        "from_location_id": location,
                        "order_line_id": order.lines[0].id,
                        "wave_id": wave.id,
                        "cluster": cluster,
                        "sequence": o,
                        "quantity": 2,
                        "quantity_done": 0,
                        "lot": "",
                        "exception_code": "",
                        "reason": "",
                        "data": {"slot": o % 4 + 1},
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            s.execute(insert(Task), tasks)
        for n in range(STATIONS):
            s.add(
                StationHeartbeat(
                    station=f"BST{n:03d}",
                    operator_id=pickers[n],
                    flow="picking",
                    scanner=True,
                    database=True,
                    app_version="bench",
                    started_at=now,
                    beat_at=now,
                )
            )
    balance_ids = [b for _l, _i, b in faces]
    history(db, pickers, clusters, balance_ids, now, rng)
    with db.engine.connect() as c:  # statistics, as autovacuum (PostgreSQL) would have them
        c.execute(text("ANALYZE"))
        c.commit()
    return warehouse, clusters, pickers, balance_ids


def history(
    db: Database,
    pickers: list[int],
    clusters: list[str],
    balances: list[int],
    now: dt.datetime,
    rng: random.Random,
) -> None:
    """The shift so far: journaled scans and pick transactions over the last two hours."""
    start = now - dt.timedelta(hours=2)
    with session_scope(db.engine) as s:
        rows = []
        for n in range(HISTORY_SCANS):
            at = start + dt.timedelta(seconds=7200 * n / HISTORY_SCANS)
            rows.append(
                {
                    "scan_id": uuid.uuid4().hex,
                    "station": f"BST{n % STATIONS:03d}",
                    "operator_id": pickers[n % STATIONS],
                    "device": "bench",
                    "raw": b"x",
                    "kind": "test",
                    "outcome": "rejected" if n % 50 == 0 else "accepted",
                    "message": "",
                    "screen": "",
                    "read_at": at,
                    "recorded_at": at,
                }
            )
            if len(rows) == 5000:
                s.execute(insert(ScanJournalEntry), rows)
                rows = []
        if rows:
            s.execute(insert(ScanJournalEntry), rows)
    add_picks(db, pickers, clusters, balances, HISTORY_TRANSACTIONS, rng, start, now)


def add_picks(
    db: Database,
    pickers: list[int],
    clusters: list[str],
    balances: list[int],
    n: int,
    rng: random.Random,
    start: dt.datetime,
    end: dt.datetime,
) -> None:
    with session_scope(db.engine) as s:
        for first in range(0, n, 5000):
            count = min(5000, n - first)
            span = (end - start).total_seconds()
            txs = [
                {
                    "kind": "pick",
                    "reason": "pick",
                    "reference": rng.choice(clusters),
                    "operator_id": rng.choice(pickers),
                    "station": "",
                    "scan_id": None,
                    "created_at": start + dt.timedelta(seconds=span * (first + k) / n),
                }
                for k in range(count)
            ]
            ids = s.execute(insert(StockTransaction).returning(StockTransaction.id), txs)
            movements = []
            for tx_id, tx in zip(ids.scalars(), txs, strict=True):
                balance = rng.choice(balances)
                for delta in (-1, 1):
                    movements.append(
                        {
                            "transaction_id": tx_id,
                            "balance_id": balance,
                            "location_id": 1,
                            "item_id": 1,
                            "lot": "",
                            "quantity_delta": delta,
                            "reserved_delta": 0,
                            "created_at": tx["created_at"],
                        }
                    )
            s.execute(insert(Movement), movements)


def one_second(
    db: Database, pickers: list[int], clusters: list[str], balances: list[int], rng: random.Random
) -> None:
    now = dt.datetime.now(dt.UTC)
    with session_scope(db.engine) as s:
        s.execute(
            insert(ScanJournalEntry),
            [
                {
                    "scan_id": uuid.uuid4().hex,
                    "station": f"BST{rng.randrange(STATIONS):03d}",
                    "operator_id": rng.choice(pickers),
                    "device": "bench",
                    "raw": b"x",
                    "kind": "test",
                    "outcome": "accepted",
                    "message": "",
                    "screen": "",
                    "read_at": now,
                    "recorded_at": now,
                }
                for _ in range(SCANS_PER_SECOND)
            ],
        )
    add_picks(db, pickers, clusters, balances, PICKS_PER_SECOND, rng, now, now)


def naive_refresh(db: Database, since: dt.datetime) -> None:
    """What a board without incremental reads would ask every second."""
    with read_only(db.engine) as s:
        s.execute(
            select(ScanJournalEntry.station, ScanJournalEntry.outcome, func.count())
            .where(ScanJournalEntry.read_at >= since)
            .group_by(ScanJournalEntry.station, ScanJournalEntry.outcome)
        ).all()
        s.execute(
            select(StockTransaction.operator_id, StockTransaction.reference, func.count())
            .where(StockTransaction.created_at >= since)
            .group_by(StockTransaction.operator_id, StockTransaction.reference)
        ).all()


def measure(backend: str, refreshes: int) -> dict[str, float]:
    rng = random.Random(7)
    db = Database(backend, "board")
    try:
        started = time.perf_counter()
        warehouse, clusters, pickers, balances = seed(db, rng)
        print(f"  seeded in {time.perf_counter() - started:.1f} s")
        settings = BoardSettings(shift_starts=(dt.time(0),), offline_after_seconds=3600)
        since = settings.shift_start(dt.datetime.now(dt.UTC))
        reader = BoardReader(warehouse, settings)
        t0 = time.perf_counter()
        with read_only(db.engine) as s:
            view = reader.refresh(s)
        first = (time.perf_counter() - t0) * 1000
        assert len([w for w in view.waves if w.status == "released"]) == WAVES
        assert len(view.people) >= STATIONS
        times, cpu, baseline, naive = [], [], [], []
        for _ in range(refreshes):
            one_second(db, pickers, clusters, balances, rng)
            c0, t0 = time.process_time(), time.perf_counter()
            with read_only(db.engine) as s:
                reader.refresh(s)
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append(time.process_time() - c0)
            t0 = time.perf_counter()
            with read_only(db.engine) as s:
                list_waves(s, warehouse, limit=WAVES)
            baseline.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            naive_refresh(db, since)
            naive.append((time.perf_counter() - t0) * 1000)
        med = statistics.median(times)
        return {
            "first_read_ms": first,
            "refresh_median_ms": med,
            "refresh_p95_ms": sorted(times)[int(0.95 * (len(times) - 1))],
            "cpu_share_at_1_per_s": statistics.fmean(cpu),
            "list_waves_median_ms": statistics.median(baseline),
            "naive_median_ms": statistics.median(naive),
        }
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--refreshes", type=int, default=60)
    args = parser.parse_args()
    print(
        f"board refresh: {WAVES} waves, {WAVES * ORDERS_PER_WAVE} open pick tasks, "
        f"{STATIONS} stations, history {HISTORY_SCANS} scans + {HISTORY_TRANSACTIONS} "
        f"transactions; {args.refreshes} refreshes"
    )
    for backend in args.backends:
        print(f"{backend}:")
        r = measure(backend, args.refreshes)
        print(f"  first read (the shift's history): {r['first_read_ms']:.0f} ms")
        print(
            f"  refresh: median {r['refresh_median_ms']:.1f} ms, p95 {r['refresh_p95_ms']:.1f} ms"
            f" (target <= 50 ms)"
        )
        print(
            f"  client CPU at one refresh a second: {r['cpu_share_at_1_per_s']:.1%} of a core"
            f" (target < 10%)"
        )
        print(
            f"  baseline list_waves({WAVES}): {r['list_waves_median_ms']:.1f} ms; ratio "
            f"board/list_waves {r['refresh_median_ms'] / r['list_waves_median_ms']:.2f}"
        )
        print(
            f"  baseline naive whole-shift aggregate: {r['naive_median_ms']:.1f} ms; ratio "
            f"board/naive {r['refresh_median_ms'] / r['naive_median_ms']:.2f}"
        )


if __name__ == "__main__":
    main()
