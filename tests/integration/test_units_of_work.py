"""floor.db's units of work and floor.driver_sql's statements: locking, reuse, stored values."""

from __future__ import annotations

import datetime as dt
import gc
import sqlite3
import threading
import warnings
from contextlib import suppress

import pytest
from sqlalchemy import (
    Engine,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DataError, IntegrityError, SAWarning
from sqlalchemy.pool import NullPool

from floor.db import read_only, session_scope, transaction
from floor.driver_sql import DriverStatement, JsonRowsInsert, cursor_of
from floor.models import Address, Balance, Task
from tests.support import SmallWarehouse, run_at_once

BALANCES = Balance.__table__
TASKS = Task.__table__
_INSERT_BALANCE = DriverStatement(
    insert(BALANCES).returning(BALANCES.c.id),
    ("location_id", "item_id", "lot", "expiry", "quantity", "reserved", "received_at"),
)


def _sqlite_path(engine: Engine) -> str:
    assert engine.url.database
    return engine.url.database


def test_a_write_transaction_holds_the_write_lock_from_its_first_statement(
    sqlite_engine: Engine,
) -> None:
    with session_scope(sqlite_engine) as s:
        s.execute(text("SELECT 1"))  # a read: under BEGIN DEFERRED no lock would be taken
        other = sqlite3.connect(_sqlite_path(sqlite_engine), timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
        # a read-only session on the same thread begins DEFERRED and is not blocked
        with read_only(sqlite_engine) as r, r.begin():
            assert r.scalar(select(BALANCES.c.id).limit(1)) is None
    other = sqlite3.connect(_sqlite_path(sqlite_engine), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # released at commit
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_a_write_transaction_waits_for_another_to_commit(sqlite_engine: Engine) -> None:
    holder = sqlite3.connect(_sqlite_path(sqlite_engine), timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    done = threading.Event()

    def writer() -> None:
        with session_scope(sqlite_engine) as s:
            s.execute(text("SELECT 1"))
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert not done.wait(0.3)  # blocked on the lock, inside the busy timeout
    holder.execute("COMMIT")
    holder.close()
    thread.join(5)
    assert done.is_set()


def test_each_scope_starts_clean_and_a_nested_scope_gets_its_own_session(
    warehouse: SmallWarehouse,
) -> None:
    with session_scope(warehouse.engine) as first:
        first.get(Balance, 1)
        first.info["note"] = "left behind"
        task = first.scalar(select(Task).limit(1))
        assert task is None or task in first
        with session_scope(warehouse.engine) as nested:
            assert nested is not first
    with session_scope(warehouse.engine) as again:
        assert not again.identity_map and "note" not in again.info


def test_a_failed_transaction_leaves_nothing_and_the_next_one_works(
    warehouse: SmallWarehouse,
) -> None:
    item, location = warehouse.items["PLAIN"], warehouse.locations["A01-01-1"]
    values = {
        "location_id": location,
        "item_id": item,
        "lot": "",
        "expiry": None,
        "quantity": 3,
        "reserved": 0,
        "received_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    }

    def fails(s):  # type: ignore[no-untyped-def]
        cursor, conn = cursor_of(s)
        _INSERT_BALANCE.execute(cursor, conn, values)
        raise RuntimeError("after the insert")

    with pytest.raises(RuntimeError):
        transaction(warehouse.engine, fails)
    with read_only(warehouse.engine) as r:
        assert r.scalar(select(BALANCES.c.id).where(BALANCES.c.item_id == item)) is None
    transaction(warehouse.engine, lambda s: s.execute(text("SELECT 1")))


def test_a_thread_gives_its_connection_back_when_it_ends(sqlite_engine: Engine) -> None:
    def work(_n: int) -> None:
        for _ in range(3):
            with session_scope(sqlite_engine) as s:
                s.execute(text("SELECT 1"))

    with warnings.catch_warnings():
        warnings.simplefilter("error", SAWarning)  # a connection lost to the GC is warned of
        assert run_at_once(4, work) == []
        gc.collect()
    assert sqlite_engine.pool.checkedout() == 0  # type: ignore[attr-defined]


def test_sqlite_never_makes_a_thread_wait_for_a_connection(sqlite_engine: Engine) -> None:
    """More threads than the pool's size, each holding its connection between scopes."""
    ready = threading.Barrier(24)

    def work(_n: int) -> None:
        with session_scope(sqlite_engine) as s:
            s.execute(text("SELECT 1"))
        ready.wait(10)  # all 24 keep their parked connections at once
        with read_only(sqlite_engine) as r, r.begin():
            r.execute(text("SELECT 1"))

    assert run_at_once(24, work, timeout=30) == []


def test_driver_statements_store_what_the_orm_stores(warehouse: SmallWarehouse) -> None:
    item, location = warehouse.items["LOT"], warehouse.locations["A01-01-1"]
    received = dt.datetime(2026, 3, 4, 5, 6, 7, 8, tzinfo=dt.UTC)
    expiry = dt.date(2027, 2, 1)
    with session_scope(warehouse.engine) as s:
        orm = Balance(
            location_id=location,
            item_id=item,
            lot="L-ORM",
            expiry=expiry,
            quantity=5,
            reserved=1,
            received_at=received,
        )
        s.add(orm)
        s.flush()
        cursor, conn = cursor_of(s)
        try:
            values = {
                "location_id": location,
                "item_id": item,
                "lot": "L-DRV",
                "expiry": expiry,
                "quantity": 5,
                "reserved": 1,
                "received_at": received,
            }
            driver_id = _INSERT_BALANCE.execute(cursor, conn, values).fetchone()[0]
        finally:
            cursor.close()
        orm_id = orm.id
    with read_only(warehouse.engine) as r:
        stored = {
            row[0]: row[1:]
            for row in r.execute(
                text("SELECT id, expiry, received_at, quantity, reserved FROM balances")
            )
        }
        assert stored[driver_id] == stored[orm_id]  # the same text on SQLite
        loaded = r.get(Balance, driver_id)
        assert loaded is not None and loaded.expiry == expiry and loaded.lot == "L-DRV"
        assert loaded.received_at.replace(tzinfo=dt.UTC) == received


def test_driver_statements_carry_their_own_values_and_run_many(
    warehouse: SmallWarehouse,
) -> None:
    with session_scope(warehouse.engine) as s:
        ids = [
            s.execute(
                insert(TASKS)
                .values(warehouse_id=warehouse.warehouse_id, kind="pick", quantity=2)
                .returning(TASKS.c.id)
            ).scalar_one()
            for _ in range(3)
        ]
    finish = DriverStatement(
        update(TASKS)
        .where(TASKS.c.id == bindparam("t_id"))
        .values(quantity_done=TASKS.c.quantity_done + 2, status="done", updated_at=bindparam("at"))
    )
    at = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    with session_scope(warehouse.engine) as s:
        cursor, conn = cursor_of(s)
        try:
            finish.execute(cursor, conn, {"t_id": ids[0], "at": at})
            finish.execute_many(cursor, conn, [{"t_id": i, "at": at} for i in ids[1:]])
        finally:
            cursor.close()
    with read_only(warehouse.engine) as r:
        tasks = r.scalars(select(Task).where(Task.id.in_(ids))).all()
        assert [(t.status, t.quantity_done) for t in tasks] == [("done", 2)] * 3
        assert all(t.updated_at.replace(tzinfo=dt.UTC) == at for t in tasks)


def test_a_missing_value_is_refused_before_anything_runs(warehouse: SmallWarehouse) -> None:
    with session_scope(warehouse.engine) as s:
        cursor, conn = cursor_of(s)
        try:
            with pytest.raises(KeyError, match="received_at"):
                _INSERT_BALANCE.execute(
                    cursor, conn, {"location_id": 1, "item_id": 1, "lot": "", "expiry": None}
                )
        finally:
            cursor.close()


_ADD_ONE = DriverStatement(
    update(BALANCES)
    .where(BALANCES.c.id == bindparam("balance_id"))
    .values(quantity=BALANCES.c.quantity + 1)
)


def _two_balances(warehouse: SmallWarehouse) -> tuple[int, int]:
    item = warehouse.items["PLAIN"]
    ids = []
    for code in ("A01-01-1", "A01-02-1"):
        values = {
            "location_id": warehouse.locations[code],
            "item_id": item,
            "lot": "",
            "expiry": None,
            "quantity": 10,
            "reserved": 0,
            "received_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        }

        def insert_one(s, values=values):  # type: ignore[no-untyped-def]
            cursor, conn = cursor_of(s)
            return _INSERT_BALANCE.execute(cursor, conn, values).fetchone()[0]

        ids.append(transaction(warehouse.engine, insert_one))
    return ids[0], ids[1]


def test_driver_errors_arrive_as_sqlalchemy_errors(warehouse: SmallWarehouse) -> None:
    """A constraint refused on the driver path is the same IntegrityError the ORM raises."""
    first, _second = _two_balances(warehouse)
    refuse = DriverStatement(
        update(BALANCES).where(BALANCES.c.id == bindparam("balance_id")).values(quantity=-1)
    )

    def work(s):  # type: ignore[no-untyped-def]
        cursor, conn = cursor_of(s)
        refuse.execute(cursor, conn, {"balance_id": first})

    with pytest.raises(IntegrityError):
        transaction(warehouse.engine, work)


@pytest.mark.postgres
def test_rows_inserted_from_json_are_stored_or_refused_as_rows_alone(
    pg_warehouse: SmallWarehouse,
) -> None:
    """JsonRowsInsert on PostgreSQL: the rows given are stored, whatever their number; a text
    too long for its column is refused (a DataError, as a row inserted alone is: a cast to
    the column's own type would have cut it short); a row without a value for a column is
    refused before anything runs."""
    addresses = JsonRowsInsert(Address.__table__)
    blank = {c.name: "" for c in addresses.columns}
    insert_rows = DriverStatement(text(addresses.sql))

    def add(rows: list[dict[str, object]]) -> None:
        def work(s):  # type: ignore[no-untyped-def]
            cursor, conn = cursor_of(s)
            insert_rows.execute(cursor, conn, addresses.binds(conn, rows))

        transaction(pg_warehouse.engine, work)

    def count() -> int:
        with read_only(pg_warehouse.engine) as s:
            return int(s.scalar(select(func.count()).select_from(Address)) or 0)

    before = count()
    add([{**blank, "name": "Ana Ž 😀", "country": "RS"}, {**blank, "name": 'Bo \\ "x"'}])
    add([])
    assert count() == before + 2
    with read_only(pg_warehouse.engine) as s:
        names = s.scalars(select(Address.name).order_by(Address.id.desc()).limit(2)).all()
    assert sorted(names) == ["Ana Ž 😀", 'Bo \\ "x"']
    with pytest.raises(DataError):
        add([{**blank, "name": "Cy"}, {**blank, "country": "SRB"}])
    with pytest.raises(KeyError):
        add([{"name": "Di"}])
    assert count() == before + 2


@pytest.mark.postgres
def test_rows_inserted_from_json_store_what_driver_statements_store(
    pg_warehouse: SmallWarehouse,
) -> None:
    """A time to the microsecond in another time zone, a date, a JSON value with text JSON
    escapes, an empty value: stored by JsonRowsInsert as a DriverStatement INSERT stores it,
    the JSON text included."""
    from floor.api.intake import AUDIT_ROW, INSERT_AUDIT
    from floor.models import AuditEntry

    entries = JsonRowsInsert(AuditEntry.__table__)
    insert_rows = DriverStatement(text(entries.sql))
    when = dt.datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    details = {"name": 'Ана "A"\n\t€', "on": dt.date(2026, 2, 28).isoformat(), "n": [1, 2.5, None]}
    row = {**AUDIT_ROW, "action": "test.json", "created_at": when, "details": details}

    def work(s):  # type: ignore[no-untyped-def]
        cursor, conn = cursor_of(s)
        insert_rows.execute(cursor, conn, entries.binds(conn, [{**row, "subject": "json"}]))
        INSERT_AUDIT.execute(cursor, conn, {**row, "subject": "driver"})

    transaction(pg_warehouse.engine, work)
    with read_only(pg_warehouse.engine) as s:
        stored = s.execute(
            text(
                "SELECT subject, created_at, details::text, operator_id, station FROM audit_log "
                "WHERE action = 'test.json' ORDER BY subject"
            )
        ).all()
    assert [tuple(r[1:]) for r in stored] == [tuple(stored[0][1:])] * 2
    assert stored[0][1] == when


@pytest.mark.postgres
def test_a_deadlock_on_the_driver_path_is_retried(pg_warehouse: SmallWarehouse) -> None:
    """Two transactions lock two balances in opposite orders on the driver path: PostgreSQL
    aborts one with a deadlock, and transaction() runs it again instead of failing."""
    first, second = _two_balances(pg_warehouse)
    both_hold_one = threading.Barrier(2)
    attempts = [0, 0]

    def work(n: int) -> None:
        order = (first, second) if n == 0 else (second, first)

        def change(s):  # type: ignore[no-untyped-def]
            attempts[n] += 1
            cursor, conn = cursor_of(s)
            _ADD_ONE.execute(cursor, conn, {"balance_id": order[0]})
            if attempts[n] == 1:
                with suppress(threading.BrokenBarrierError):
                    both_hold_one.wait(5)
            _ADD_ONE.execute(cursor, conn, {"balance_id": order[1]})

        transaction(pg_warehouse.engine, change)

    assert run_at_once(2, work) == []
    assert sum(attempts) == 3  # one of the two was aborted by the deadlock and run again
    with read_only(pg_warehouse.engine) as r:
        quantities = r.scalars(
            select(BALANCES.c.quantity).where(BALANCES.c.id.in_((first, second)))
        ).all()
    assert sorted(quantities) == [12, 12]


def _kill_pooled_backends(engine: Engine) -> None:
    """The server ends the pooled connections' backends (as a restart would), from a
    connection of its own."""
    outside = create_engine(engine.url, poolclass=NullPool)
    try:
        with outside.begin() as admin:
            admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
    finally:
        outside.dispose()


def _backend_pid(engine: Engine) -> int:
    with read_only(engine) as s:
        return int(s.scalar(text("SELECT pg_backend_pid()")))


def test_a_connection_idle_long_enough_is_checked_and_replaced_before_use(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import floor.db

    first = _backend_pid(pg_engine)
    _kill_pooled_backends(pg_engine)
    monkeypatch.setattr(floor.db, "PING_AFTER_IDLE_SECONDS", 0.0)
    # a read, which nothing retries: the ping found the pooled connection dead first
    assert _backend_pid(pg_engine) != first


def test_a_connection_found_dead_at_its_first_statement_is_run_again(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import floor.db

    monkeypatch.setattr(floor.db, "PING_AFTER_IDLE_SECONDS", 3600.0)  # no ping
    first = _backend_pid(pg_engine)
    _kill_pooled_backends(pg_engine)
    calls: list[int] = []

    def work(s) -> int:  # type: ignore[no-untyped-def]
        calls.append(1)
        return int(s.scalar(text("SELECT pg_backend_pid()")))

    assert transaction(pg_engine, work) != first
    assert len(calls) == 2  # the first attempt met the dead connection; nothing committed


def test_a_busy_pool_sends_no_ping(pg_engine: Engine) -> None:
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    _backend_pid(pg_engine)
    # the ping goes to the driver's cursor, below SQLAlchemy's statement events: count it there
    pinged: list[int] = []
    dialect = pg_engine.dialect
    original = dialect.do_ping
    dialect.do_ping = lambda conn: pinged.append(1) or original(conn)  # type: ignore[method-assign]
    event.listen(pg_engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            transaction(pg_engine, lambda s: s.scalar(text("SELECT 1")))
    finally:
        event.remove(pg_engine, "before_cursor_execute", count)
        del dialect.do_ping
    assert sent == ["SELECT 1"] * 5
    assert pinged == []
