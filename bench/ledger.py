"""Ledger benchmark: pick-confirm transactions through floor's ledger vs the same SQL raw.

A pick-confirm locks a task and a balance, decrements the balance, writes a stock
transaction and a movement, and updates the task. It runs with 1, 4 and 16 concurrent
writers on SQLite and PostgreSQL, once through floor (`floor.db.transaction()` on an ORM
Session with its retries, `floor.stock.ledger.post()`, and the task's two statements as
`floor.driver_sql.DriverStatement`s) and once as hand-written SQL on the raw driver
(sqlite3, psycopg), in the same run on the same data. Each writer count runs three rounds
of both, alternating which goes first; it prints the median transactions per second, the
ratio ORM / raw, and checks the ledger's invariants at the end.

Then, at scale (1 million balances, 5 million movements by default), it times a location
lookup and a pick-confirm and prints their medians.

    .venv/bin/python -m bench.ledger                  # everything
    .venv/bin/python -m bench.ledger --quick          # smaller run (fewer tx, 1 round, 100k scale)
    .venv/bin/python -m bench.ledger --backends sqlite --no-scale
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, bindparam, create_engine, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from floor.db import create_floor_engine, read_only, session_scope, transaction, upgrade
from floor.driver_sql import DriverStatement, cursor_of
from floor.models import Location, Task, utcnow
from floor.stock import ledger as inv

PG_ADMIN = os.environ.get("FLOOR_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WRITERS = (1, 4, 16)


# --- databases ---------------------------------------------------------------------------


def pg_url() -> str | None:
    """The PostgreSQL server of the benchmarks that run on it only when one is named."""
    return os.environ.get("FLOOR_BENCH_DATABASE_URL") or os.environ.get("FLOOR_TEST_DATABASE_URL")


class Database:
    """A fresh, migrated database of the benchmark's own: a SQLite file, or a PostgreSQL
    database made on `admin_url` (default FLOOR_BENCH_PG) and dropped by `close`."""

    def __init__(self, backend: str, tag: str, admin_url: str | None = None) -> None:
        self.backend = backend
        if backend == "sqlite":
            self.dir = tempfile.mkdtemp(prefix="floor-bench-")
            self.path = Path(self.dir) / f"{tag}.db"
            self.url = f"sqlite:///{self.path}"
        else:
            admin_url = admin_url or PG_ADMIN
            self.name = f"floor_bench_{tag}_{os.getpid()}"
            self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with self.admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
                c.execute(text(f'CREATE DATABASE "{self.name}"'))
            self.url = make_url(admin_url).set(database=self.name).render_as_string(False)
        self.engine = create_floor_engine(self.url, pool_size=20)
        upgrade(self.engine)

    def raw_connect(self):  # type: ignore[no-untyped-def]
        if self.backend == "sqlite":
            conn = sqlite3.connect(
                self.path, timeout=10, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA synchronous=NORMAL")
            return conn
        import psycopg

        u = make_url(self.url)
        return psycopg.connect(
            host=u.host, port=u.port or 5432, user=u.username, dbname=u.database, autocommit=True
        )

    def close(self) -> None:
        self.engine.dispose()
        if self.backend == "postgresql":
            with self.admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self.admin.dispose()


def seed(
    engine: Engine, locations: int, items_per_location: int, tasks_per_balance: int, quantity: int
) -> list[tuple[int, inv.StockKey]]:
    """Warehouse, locations, items, balances (through the ledger) and open pick tasks."""
    from floor.models import Item, Warehouse

    tasks: list[tuple[int, inv.StockKey]] = []
    with session_scope(engine) as s:
        wh = Warehouse(code="BENCH", name="bench")
        s.add(wh)
        s.flush()
        locs = [
            Location(warehouse_id=wh.id, code=f"B{n:05d}", check_digit="00")
            for n in range(locations + 1)
        ]
        items = [Item(sku=f"I{n:05d}") for n in range(items_per_location)]
        s.add_all(locs + items)
        s.flush()
        keys = [inv.StockKey(loc.id, item.id) for loc in locs[1:] for item in items]
        inv.post(s, "receive", [inv.Change(k, quantity) for k in keys], reason="bench")
        rows = []
        for k in keys:
            for _ in range(tasks_per_balance):
                rows.append(
                    Task(
                        warehouse_id=wh.id,
                        kind="pick",
                        item_id=k.item_id,
                        from_location_id=k.location_id,
                        to_location_id=locs[0].id,
                        quantity=1,
                    )
                )
        s.add_all(rows)
        s.flush()
        by_key = {(k.location_id, k.item_id): k for k in keys}
        tasks = [(t.id, by_key[(t.from_location_id, t.item_id)]) for t in rows]
    return tasks


# --- the two implementations ---------------------------------------------------------------


_TASKS = Task.__table__
# The task's two statements, on the driver inside the Session's transaction, as the
# ledger runs its own (floor/driver_sql.py).
_LOCK_TASK = DriverStatement(
    select(_TASKS.c.id, _TASKS.c.quantity_done)
    .where(_TASKS.c.id == bindparam("t_id"))
    .with_for_update()
)
_DONE_TASK = DriverStatement(
    update(_TASKS)
    .where(_TASKS.c.id == bindparam("t_id"))
    .values(quantity_done=_TASKS.c.quantity_done + 1, status="done", updated_at=bindparam("now"))
)


def orm_pick_confirm(engine: Engine, task_id: int, key: inv.StockKey) -> None:
    """floor's path: a retrying transaction on an ORM Session, the ledger's posting, and the
    task's lock and update as driver statements on the session's connection."""

    def work(s: Session) -> None:
        cursor, conn = cursor_of(s)
        try:
            if _LOCK_TASK.execute(cursor, conn, {"t_id": task_id}).fetchone() is None:
                raise LookupError(task_id)
            inv.post(s, "pick", [inv.Change(key, -1)], reason="pick", reference=f"task {task_id}")
            _DONE_TASK.execute(cursor, conn, {"t_id": task_id, "now": utcnow()})
        finally:
            cursor.close()

    transaction(engine, work)


RAW_SQL = {
    "task": "SELECT id, quantity_done FROM tasks WHERE id = {p} {lock}",
    "balance": "SELECT id, quantity, reserved FROM balances WHERE location_id = {p} AND "
    "item_id = {p} AND lot = '' AND expiry IS NULL AND container_id IS NULL {lock}",
    "tx": "INSERT INTO stock_transactions (kind, reason, reference, station, created_at) "
    "VALUES ('pick', 'pick', {p}, '', {p}) RETURNING id",
    "upd": "UPDATE balances SET quantity = quantity - 1 WHERE id = {p}",
    "mov": "INSERT INTO movements (transaction_id, balance_id, location_id, item_id, lot, "
    "quantity_delta, reserved_delta, created_at) VALUES ({p}, {p}, {p}, {p}, '', -1, 0, {p})",
    "task_upd": "UPDATE tasks SET quantity_done = quantity_done + 1, status = 'done', "
    "updated_at = {p} WHERE id = {p}",
}


def raw_statements(backend: str) -> dict[str, str]:
    p, lock = ("?", "") if backend == "sqlite" else ("%s", "FOR UPDATE")
    return {k: v.format(p=p, lock=lock) for k, v in RAW_SQL.items()}


def raw_pick_confirm(
    conn,
    sql: dict[str, str],
    backend: str,
    task_id: int,  # type: ignore[no-untyped-def]
    key: inv.StockKey,
) -> None:
    now = dt.datetime.now(dt.UTC)
    now_v = now.isoformat(sep=" ") if backend == "sqlite" else now
    for attempt in range(8):
        try:
            cur = conn.cursor()
            cur.execute("BEGIN IMMEDIATE" if backend == "sqlite" else "BEGIN")
            cur.execute(sql["task"], (task_id,))
            cur.fetchone()
            cur.execute(sql["balance"], (key.location_id, key.item_id))
            bid, qty, reserved = cur.fetchone()
            if qty - 1 < reserved:
                raise RuntimeError("short")
            cur.execute(sql["tx"], (f"task {task_id}", now_v))
            tx_id = cur.fetchone()[0]
            cur.execute(sql["upd"], (bid,))
            cur.execute(sql["mov"], (tx_id, bid, key.location_id, key.item_id, now_v))
            cur.execute(sql["task_upd"], (now_v, task_id))
            cur.execute("COMMIT")
            return
        except Exception as exc:  # retry on lock/serialization errors like the ORM path
            cur.execute("ROLLBACK")
            if attempt == 7 or "short" in str(exc):
                raise
            time.sleep(0.002 * 2**attempt)


# --- running ----------------------------------------------------------------------------


def run_writers(
    writers: int,
    work: list[tuple[int, inv.StockKey]],
    do: Callable[[int, list[tuple[int, inv.StockKey]]], None],
) -> float:
    chunks = [work[n::writers] for n in range(writers)]
    barrier = threading.Barrier(writers + 1)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        barrier.wait()
        try:
            do(n, chunks[n])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return len(work) / elapsed


def throughput(backend: str, tx_per_run: int, rounds: int) -> list[tuple[int, float, float]]:
    """Per writer count, `rounds` alternating ORM and raw runs of `tx_per_run` transactions
    each; the medians are reported (one run of many writers swings with lock luck)."""
    db = Database(backend, "tps")
    try:
        # two task sets per round and writer count (ORM, raw), spread over 400 balances
        per_balance = max(1, (tx_per_run * 2 * rounds * len(WRITERS)) // 400 + 1)
        tasks = seed(db.engine, 100, 4, per_balance, 10_000_000)
        random.Random(1).shuffle(tasks)
        sql = raw_statements(backend)
        results = []
        cursor = 0

        def orm(_n: int, chunk: list[tuple[int, inv.StockKey]]) -> None:
            for task_id, key in chunk:
                orm_pick_confirm(db.engine, task_id, key)

        def raw(_n: int, chunk: list[tuple[int, inv.StockKey]]) -> None:
            conn = db.raw_connect()
            try:
                for task_id, key in chunk:
                    raw_pick_confirm(conn, sql, backend, task_id, key)
            finally:
                conn.close()

        for writers in WRITERS:
            orm_runs, raw_runs = [], []
            for n in range(rounds):
                orm_work = tasks[cursor : cursor + tx_per_run]
                raw_work = tasks[cursor + tx_per_run : cursor + 2 * tx_per_run]
                cursor += 2 * tx_per_run
                if n % 2:  # alternate which goes first, so drift hits both alike
                    raw_runs.append(run_writers(writers, raw_work, raw))
                    orm_runs.append(run_writers(writers, orm_work, orm))
                else:
                    orm_runs.append(run_writers(writers, orm_work, orm))
                    raw_runs.append(run_writers(writers, raw_work, raw))
            orm_tps, raw_tps = statistics.median(orm_runs), statistics.median(raw_runs)
            results.append((writers, orm_tps, raw_tps))
            spread = [o / r for o, r in zip(orm_runs, raw_runs, strict=True)]
            print(
                f"  {backend:<10} {writers:>2} writers  ORM {orm_tps:8.0f} tx/s   raw "
                f"{raw_tps:8.0f} tx/s   ratio {orm_tps / raw_tps:5.2f}   "
                f"(medians of {rounds}; round ratios {min(spread):.2f}-{max(spread):.2f})",
                flush=True,
            )
        with session_scope(db.engine) as s:
            problems = inv.invariant_violations(s)
            done = s.scalar(select(Task.id).where(Task.status == "done").limit(1))
        print(
            f"  {backend:<10} invariant violations: {len(problems)}"
            f"{' ' + problems[0] if problems else ''}; tasks done: {done is not None}"
        )
        return results
    finally:
        db.close()


def scale(backend: str, balances: int, movements: int, samples: int) -> None:
    db = Database(backend, "scale")
    try:
        per_loc = 20
        locs = balances // per_loc
        started = time.perf_counter()
        _bulk_fill(db, locs, per_loc, movements // balances)
        print(
            f"  {backend:<10} filled {balances:,} balances and {movements:,} movements in "
            f"{time.perf_counter() - started:.0f} s",
            flush=True,
        )
        rng = random.Random(2)
        lookups, picks = [], []
        with session_scope(db.engine) as s:
            wh_id = s.scalar(text("SELECT id FROM warehouses LIMIT 1"))
            task_ids = []
            for _n in range(samples):
                loc_id = rng.randint(1, locs)
                item_id = rng.randint(1, per_loc)
                t = Task(
                    warehouse_id=wh_id,
                    kind="pick",
                    item_id=item_id,
                    from_location_id=loc_id,
                    quantity=1,
                )
                s.add(t)
                s.flush()
                task_ids.append((t.id, inv.StockKey(loc_id, item_id)))
        for _n in range(samples):
            code = f"L{rng.randint(1, locs):07d}"
            t0 = time.perf_counter()
            with read_only(db.engine) as s, s.begin():
                # as a station does: its own warehouse, then the code (the unique index)
                loc = s.execute(
                    select(Location).where(Location.warehouse_id == wh_id, Location.code == code)
                ).scalar_one()
                inv.balances_at(s, loc.id)
            lookups.append(time.perf_counter() - t0)
        for task_id, key in task_ids:
            t0 = time.perf_counter()
            orm_pick_confirm(db.engine, task_id, key)
            picks.append(time.perf_counter() - t0)
        print(
            f"  {backend:<10} location lookup median {statistics.median(lookups) * 1000:.2f} ms"
            f" (p95 {sorted(lookups)[int(0.95 * len(lookups))] * 1000:.2f} ms); pick-confirm "
            f"median {statistics.median(picks) * 1000:.2f} ms "
            f"(p95 {sorted(picks)[int(0.95 * len(picks))] * 1000:.2f} ms)",
            flush=True,
        )
        with session_scope(db.engine) as s:
            problems = inv.invariant_violations(s)
        print(f"  {backend:<10} invariant violations at scale: {len(problems)}")
    finally:
        db.close()


def _bulk_fill(db: Database, locs: int, per_loc: int, moves_per_balance: int) -> None:
    """Set-based fill: each balance of 100 x moves units has `moves` movements of +100."""
    n_bal = locs * per_loc
    series = (
        "generate_series(1, {n}) AS g(i)"
        if db.backend == "postgresql"
        else "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n}) "
        "SELECT i FROM c) AS g"
    )
    now = "CURRENT_TIMESTAMP"
    code = "lpad(i::text, 7, '0')" if db.backend == "postgresql" else "printf('%07d', i)"
    stmts = [
        "INSERT INTO warehouses (code, name) VALUES ('SCALE', 'scale')",
        f"INSERT INTO locations (warehouse_id, code, check_digit, kind, side, block, pickable, "
        f"blocked) SELECT 1, 'L' || {code}, '00', 'rack', '', 0, true, "
        f"false FROM {series.format(n=locs)}",
        f"INSERT INTO items (sku, description, uom, item_class, lot_tracked, expiry_tracked, "
        f"serial_tracked, allow_mixed_lots, allocation, is_kit) SELECT 'S' || i, '', 'EA', '', "
        f"false, false, false, true, 'fifo', false FROM {series.format(n=per_loc)}",
        f"INSERT INTO balances (location_id, item_id, lot, quantity, reserved, received_at) "
        f"SELECT (i - 1) / {per_loc} + 1, (i - 1) % {per_loc} + 1, '', "
        f"{100 * moves_per_balance}, 0, {now} FROM {series.format(n=n_bal)}",
        f"INSERT INTO stock_transactions (kind, reason, reference, station, created_at) "
        f"SELECT 'receive', 'bench', '', '', {now} FROM {series.format(n=n_bal)}",
    ]
    for _m in range(moves_per_balance):
        stmts.append(
            f"INSERT INTO movements (transaction_id, balance_id, location_id, item_id, lot, "
            f"quantity_delta, reserved_delta, created_at) SELECT i, i, (i - 1) / {per_loc} + 1, "
            f"(i - 1) % {per_loc} + 1, '', 100, 0, {now} FROM {series.format(n=n_bal)}"
        )
    with db.engine.begin() as conn:
        for stmt in stmts:
            conn.execute(text(stmt))
    if db.backend == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="fewer transactions, 100k scale")
    parser.add_argument("--tx", type=int, default=None, help="transactions per run")
    parser.add_argument(
        "--rounds", type=int, default=None, help="runs per writer count (median reported)"
    )
    parser.add_argument("--balances", type=int, default=None)
    parser.add_argument("--movements", type=int, default=None)
    parser.add_argument("--no-scale", action="store_true")
    args = parser.parse_args()
    tx = args.tx or (400 if args.quick else 2000)
    rounds = args.rounds or (1 if args.quick else 3)
    balances = args.balances or (100_000 if args.quick else 1_000_000)
    movements = args.movements or balances * 5
    backends = args.backends.split(",")
    print(
        f"pick-confirm throughput ({tx} transactions per run, {rounds} runs each, "
        f"{os.cpu_count()} cores)"
    )
    summary = {}
    for backend in backends:
        summary[backend] = throughput(backend, tx, rounds)
    print("\ntargets: ratio ORM/raw >= 0.5; PostgreSQL with 16 writers >= 300 tx/s")
    for backend, rows in summary.items():
        for writers, orm_tps, raw_tps in rows:
            ratio = orm_tps / raw_tps
            line = f"  {backend:<10} {writers:>2} writers: ratio {ratio:.2f} "
            line += "met" if ratio >= 0.5 else "NOT met"
            if backend == "postgresql" and writers == 16:
                line += f"; {orm_tps:.0f} tx/s " + ("met" if orm_tps >= 300 else "NOT met")
            print(line)
    if not args.no_scale:
        print(f"\nat scale: {balances:,} balances, {movements:,} movements (target median < 5 ms)")
        for backend in backends:
            scale(backend, balances, movements, 200)


if __name__ == "__main__":
    main()
