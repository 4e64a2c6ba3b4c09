"""Benchmark claiming a cart with 1,000 to 100,000 open pick tasks, SQLite and PostgreSQL.

Each size gets a fresh database (SQLite in a temporary folder; PostgreSQL in a scratch
database created next to FLOOR_BENCH_DATABASE_URL, else FLOOR_TEST_DATABASE_URL, else
postgres@127.0.0.1, and dropped afterwards) with a warehouse of 20 aisles x 50 bays, ten
released waves and N open pick tasks in carts of 8 (4 orders of 2 lines), written in bulk
with their `pick_clusters` rows. Timed, each its own transaction, commit included:

- new: `claim_cart` as it is (the first open row of pick_clusters, FOR UPDATE SKIP LOCKED,
  then the cluster's tasks by index), one picker per claim;
- old: the query it replaced (the first open task of every cluster found with a correlated
  min(sequence) subquery per open task, quadratic in the open tasks), then the same
  assignment; one run is stopped after --old-limit seconds and shown as "> limit".

Target: a claim in at most 20 ms with 100,000 open pick tasks on both backends.

    .venv/bin/python -m bench.claims                 # both backends, 1k 3k 10k 100k
    .venv/bin/python -m bench.claims --quick         # 1k and 100k, fewer claims
    .venv/bin/python -m bench.claims --backends sqlite --sizes 1000 100000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, insert, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, aliased

from floor.db import open_database, transaction
from floor.gs1 import location_check_digits
from floor.models import (
    Container,
    Item,
    Location,
    Operator,
    PickCluster,
    Task,
    TaskKind,
    TaskStatus,
    Warehouse,
    Wave,
    WaveStatus,
    Zone,
)
from floor.outbound import carts
from floor.outbound.wave_release import insert_tasks

AISLES, BAYS, WAVES, CART = 20, 50, 10, 8
TARGET_MS = 20.0


def pg_admin_url() -> str:
    url = (
        os.environ.get("FLOOR_BENCH_DATABASE_URL")
        or os.environ.get("FLOOR_TEST_DATABASE_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    return url


def seed(engine: Engine, tasks: int, pickers: int) -> tuple[int, list[int]]:
    """A warehouse, `tasks` open pick tasks in carts of CART over WAVES released waves, and
    `pickers` pickers. Returns the warehouse id and the pickers' ids."""

    def layout(session: Session) -> int:
        wh = Warehouse(code="BEN", name="Bench")
        session.add(wh)
        session.flush()
        zone = Zone(warehouse_id=wh.id, code="PCK", kind="pick")
        session.add(zone)
        session.flush()
        rows = []
        for aisle in range(1, AISLES + 1):
            for bay in range(1, BAYS + 1):
                code = f"A{aisle:02d}-{bay:02d}-1"
                rows.append(
                    {
                        "warehouse_id": wh.id,
                        "zone_id": zone.id,
                        "code": code,
                        "check_digit": location_check_digits(code),
                        "kind": "rack",
                        "aisle": aisle,
                        "bay": bay,
                        "position": bay * 1.2,
                        "side": "L",
                        "level": 1,
                        "block": 0,
                        "pickable": True,
                        "blocked": False,
                    }
                )
        session.execute(insert(Location), rows)
        session.add(Location(warehouse_id=wh.id, code="PACK-01", kind="pack_bench"))
        session.execute(
            insert(Item), [{"sku": f"SKU{n:04d}", "description": ""} for n in range(200)]
        )
        session.execute(
            insert(Operator),
            [
                {"badge": f"B{n:05d}", "name": f"Picker {n}", "pin_hash": "x", "roles": "picker"}
                for n in range(pickers)
            ],
        )
        session.add(Container(code="CART-BENCH", kind="cart"))
        return wh.id

    warehouse_id = transaction(engine, layout)

    def work(session: Session) -> None:
        locations = list(
            session.scalars(select(Location.id).where(Location.pickable).order_by(Location.id))
        )
        items = list(session.scalars(select(Item.id).order_by(Item.id)))
        now = dt.datetime.now(dt.UTC)
        per_wave = -(-tasks // WAVES)
        made = 0
        for w in range(WAVES):
            released = now - dt.timedelta(minutes=WAVES - w)
            wave = Wave(
                code=f"WB-{w:02d}",
                warehouse_id=warehouse_id,
                status=WaveStatus.RELEASED.value,
                rules={},
                created_at=released,
                released_at=released,
            )
            session.add(wave)
            session.flush()
            rows = []
            codes = []
            for n in range(min(per_wave, tasks - made)):
                cart, index = divmod(n, CART)
                if index == 0:
                    codes.append(f"{wave.code}-C{cart + 1:05d}")
                k = made + n
                rows.append(
                    {
                        "warehouse_id": warehouse_id,
                        "kind": TaskKind.PICK.value,
                        "status": TaskStatus.OPEN.value,
                        "item_id": items[k % len(items)],
                        "lot": "",
                        "expiry": None,
                        "from_location_id": locations[(k * 7919) % len(locations)],
                        "container_id": None,
                        "order_line_id": None,
                        "wave_id": wave.id,
                        "cluster": codes[-1],
                        "sequence": index,
                        "quantity": 1,
                        "quantity_done": 0,
                        "exception_code": "",
                        "reason": "",
                        "data": {"slot": index // 2 + 1},
                        "created_at": released,
                        "updated_at": released,
                    }
                )
            made += len(rows)
            insert_tasks(session, rows)
            session.execute(
                insert(PickCluster),
                [
                    {
                        "warehouse_id": warehouse_id,
                        "wave_id": wave.id,
                        "code": code,
                        "status": "open",
                        "released_at": released,
                    }
                    for code in codes
                ],
            )

    transaction(engine, work)
    with engine.connect() as conn:  # the statistics autovacuum would have by now
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
            conn.commit()

    def ids(session: Session) -> list[int]:
        return list(session.scalars(select(Operator.id).order_by(Operator.id)))

    return warehouse_id, transaction(engine, ids)


def old_claim(session: Session, operator_id: int, warehouse_id: int) -> str:
    """The claim as it was: the first open task of every cluster by a correlated subquery."""
    other = aliased(Task)
    first_open = (
        select(func.min(other.sequence))
        .where(
            other.wave_id == Task.wave_id,
            other.cluster == Task.cluster,
            other.status == TaskStatus.OPEN.value,
        )
        .scalar_subquery()
    )
    head = session.execute(
        select(Task.id, Task.wave_id, Task.cluster)
        .join(Wave, Wave.id == Task.wave_id)
        .where(
            Task.kind == TaskKind.PICK.value,
            Task.status == TaskStatus.OPEN.value,
            Task.warehouse_id == warehouse_id,
            Wave.status == WaveStatus.RELEASED.value,
            Task.sequence == first_open,
        )
        .order_by(Wave.released_at, Wave.id, Task.cluster, Task.sequence, Task.id)
        .limit(1)
        .with_for_update(of=Task, skip_locked=True)
    ).one()
    _tid, wave_id, cluster = head
    tasks = list(
        session.scalars(
            select(Task)
            .where(
                Task.wave_id == wave_id,
                Task.cluster == cluster,
                Task.status == TaskStatus.OPEN.value,
            )
            .with_for_update(skip_locked=True)
        )
    )
    for task in tasks:
        task.assignee_id = operator_id
        task.status = TaskStatus.ASSIGNED.value
        task.data = {**(task.data or {}), "cart": "CART-BENCH"}
    carts._route_cart(session, tasks)
    session.flush()
    return cluster


@contextmanager
def time_limit(session: Session, seconds: float):  # type: ignore[no-untyped-def]
    """Stop the statements of this transaction after `seconds` (PostgreSQL statement_timeout,
    SQLite's progress handler)."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SET LOCAL statement_timeout = {int(seconds * 1000)}"))
        yield
        return
    raw = conn.connection.driver_connection
    deadline = time.perf_counter() + seconds
    raw.set_progress_handler(lambda: int(time.perf_counter() > deadline), 100_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def timed(engine: Engine, work: Callable[[Session], object]) -> float:
    t0 = time.perf_counter()
    transaction(engine, work, attempts=1)
    return (time.perf_counter() - t0) * 1000


def run_size(
    engine: Engine, tasks: int, claims: int, old_claims: int, old_limit: float
) -> dict[str, object]:
    t0 = time.perf_counter()
    warehouse_id, pickers = seed(engine, tasks, claims + old_claims)
    seeded = time.perf_counter() - t0
    new_ms = []
    for picker in pickers[:claims]:
        new_ms.append(
            timed(
                engine,
                lambda s, p=picker: carts.claim_cart(s, p, warehouse_id, "CART-BENCH"),
            )
        )
    # the old query as it ran: on the schema before outbound_0001 (no index by cluster)
    with engine.connect() as conn:
        conn.execute(text("DROP INDEX ix_tasks_cluster"))
        conn.execute(text("ANALYZE"))
        conn.commit()
    old_ms: list[float] = []
    stopped = False
    for picker in pickers[claims:]:

        def old(session: Session, p: int = picker) -> None:
            with time_limit(session, old_limit):
                cluster = old_claim(session, p, warehouse_id)
            session.execute(
                update(PickCluster).where(PickCluster.code == cluster).values(status="claimed")
            )

        try:
            old_ms.append(timed(engine, old))
        except DBAPIError:
            stopped = True
            break

    def open_tasks(session: Session) -> int:
        return int(
            session.scalar(select(func.count()).select_from(Task).where(Task.status == "open")) or 0
        )

    return {
        "seed": seeded,
        "open": transaction(engine, open_tasks),
        "new": new_ms,
        "old": old_ms,
        "stopped": stopped,
    }


@contextmanager
def database(backend: str, folder: Path, tasks: int):  # type: ignore[no-untyped-def]
    if backend == "sqlite":
        engine = open_database(f"sqlite:///{folder / f'claims_{tasks}.db'}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    admin = create_engine(pg_admin_url(), isolation_level="AUTOCOMMIT")
    name = f"floor_bench_claims_{os.getpid()}_{tasks}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_admin_url()).set(database=name).render_as_string(hide_password=False)
    engine = open_database(url)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+")
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--claims", type=int, help="new claims timed per size (default 30)")
    parser.add_argument("--old-claims", type=int, help="old claims timed per size (default 3)")
    parser.add_argument(
        "--old-limit", type=float, default=60.0, help="seconds before an old claim is stopped"
    )
    parser.add_argument("--quick", action="store_true", help="1k and 100k, fewer claims")
    args = parser.parse_args()
    sizes = args.sizes or ([1000, 100_000] if args.quick else [1000, 3000, 10_000, 100_000])
    claims = args.claims or (10 if args.quick else 30)
    old_claims = args.old_claims or (1 if args.quick else 3)
    old_limit = 10.0 if args.quick and args.old_limit == 60.0 else args.old_limit
    print(
        f"{os.cpu_count()} CPUs; {WAVES} released waves, carts of {CART} tasks; {claims} new "
        f"and up to {old_claims} old claims per size; an old claim is stopped after "
        f"{old_limit:g} s"
    )
    failures = []
    for backend in args.backends:
        print(f"\n{backend}")
        print(
            f"{'open tasks':>10} {'seed s':>7} {'new median':>11} {'new max':>8} "
            f"{'old median':>11} {'old/new':>8}"
        )
        for size in sizes:
            with (
                tempfile.TemporaryDirectory() as folder,
                database(backend, Path(folder), size) as engine,
            ):
                result = run_size(engine, size, claims, old_claims, old_limit)
            new: list[float] = result["new"]  # type: ignore[assignment]
            old: list[float] = result["old"]  # type: ignore[assignment]
            new_median = statistics.median(new)
            if old:
                old_text = f"{statistics.median(old):>9.1f}ms"
                ratio = f"{statistics.median(old) / new_median:>7.0f}x"
            else:
                old_text, ratio = (
                    f"{'>' + format(old_limit, 'g') + ' s':>11}",
                    (f"{'>' + format(old_limit * 1000 / new_median, '.0f') + 'x':>8}"),
                )
            if result["stopped"] and old:
                old_text += "+"
            print(
                f"{result['open']:>10} {result['seed']:>7.1f} {new_median:>9.2f}ms "
                f"{max(new):>6.1f}ms {old_text} {ratio}",
                flush=True,
            )
            if size >= 100_000 and new_median > TARGET_MS:
                failures.append(f"{backend} {size}: median {new_median:.1f} ms")
    print(
        f"\ntarget: a claim in at most {TARGET_MS:g} ms with 100,000 open pick tasks: "
        + ("met" if not failures else "NOT met (" + "; ".join(failures) + ")")
    )


if __name__ == "__main__":
    main()
