"""The movement feed's cursor under transactions that commit out of id order (PostgreSQL):
a row whose transaction is still open holds back every row after it, so no reader skips it
and none gets it twice."""

from __future__ import annotations

import threading

from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from floor.api import feeds
from floor.db import read_only, transaction
from floor.models import Movement
from floor.stock import ledger
from tests.support import SmallWarehouse, add_stock


def _read(engine: Engine, cursor: str) -> tuple[list[int], str]:
    with read_only(engine) as session:
        page = feeds.movements_since(session, cursor, 1000)
    return [row["id"] for row in page.rows], page.next_cursor


def test_a_lower_id_committed_later_is_not_skipped(pg_warehouse: SmallWarehouse) -> None:
    wh = pg_warehouse
    engine = wh.engine
    add_stock(wh, "A01-01-1", "PLAIN", 1)
    seen, cursor = _read(engine, "")
    assert len(seen) == 1
    early = Session(engine)  # takes the lower movement id, commits last
    late = Session(engine)
    try:
        with early.begin():
            ledger.receive(early, wh.key("A01-02-1", "PLAIN"), 2)
            early_id = early.scalar(select(Movement.id).order_by(Movement.id.desc()).limit(1))
            with late.begin():
                ledger.receive(late, wh.key("A01-03-1", "PLAIN"), 3)
            late_id = transaction(
                engine, lambda s: s.scalar(select(Movement.id).order_by(Movement.id.desc()))
            )
            assert early_id is not None and late_id is not None and early_id < late_id
            # the later id is committed and visible, but the earlier one's transaction is open
            with read_only(engine) as s:
                assert s.scalar(select(Movement.id).where(Movement.id == late_id)) == late_id
            rows, after = _read(engine, cursor)
            assert rows == [] and after == cursor  # held back, not handed out past early
        rows, cursor = _read(engine, cursor)
    finally:
        early.close()
        late.close()
    assert rows == [early_id, late_id]
    assert _read(engine, cursor)[0] == []


def test_an_early_transaction_id_with_a_later_row_id(pg_warehouse: SmallWarehouse) -> None:
    """The reverse: a transaction gets its id first, writes its row after another committed."""
    wh = pg_warehouse
    engine = wh.engine
    first = Session(engine)
    try:
        with first.begin():
            first.execute(text("SELECT pg_current_xact_id()"))  # its transaction id, now
            add_stock(wh, "A01-03-1", "PLAIN", 3)  # a later transaction, committed
            ledger.receive(first, wh.key("A01-02-1", "PLAIN"), 2)
            assert _read(engine, "")[0] == []
        rows, cursor = _read(engine, "")
    finally:
        first.close()
    with read_only(engine) as s:
        every = s.scalars(select(Movement.id)).all()
    assert sorted(rows) == sorted(every) and len(rows) == 2
    assert _read(engine, cursor)[0] == []


def test_paging_while_stations_write_hands_out_every_movement_once(
    pg_warehouse: SmallWarehouse,
) -> None:
    wh = pg_warehouse
    engine = wh.engine
    locations = ["A01-01-1", "A01-02-1", "A01-03-1", "A02-01-1"]
    done = threading.Event()
    errors: list[BaseException] = []

    def station(code: str) -> None:
        try:
            for _ in range(15):
                transaction(engine, lambda s: ledger.receive(s, wh.key(code, "PLAIN"), 1))
        except BaseException as exc:  # reported below
            errors.append(exc)

    writers = [threading.Thread(target=station, args=(code,)) for code in locations]
    for writer in writers:
        writer.start()
    seen: list[int] = []
    cursor = ""

    def drain() -> None:
        nonlocal cursor
        while True:
            with read_only(engine) as session:
                page = feeds.movements_since(session, cursor, 7)
            seen.extend(row["id"] for row in page.rows)
            cursor = page.next_cursor
            if not page.more:
                return

    while any(w.is_alive() for w in writers):
        drain()
    for writer in writers:
        writer.join()
    done.set()
    drain()
    assert errors == []
    with read_only(engine) as s:
        every = s.scalars(select(Movement.id)).all()
    assert len(every) == 60
    assert len(seen) == len(set(seen)) and sorted(seen) == sorted(every)


def test_two_stations_taking_the_last_units_at_once_tell_the_fall_once(
    pg_warehouse: SmallWarehouse,
) -> None:
    """11 on hand, reorder point 10, two transactions take one each from two locations: the
    first sees 10 (not below), the second must see 9 (its own and the first's) once the
    first commits, and tell it."""
    import time

    from floor import outbox
    from floor.models import ApiEvent
    from floor.stock.ledger import Change

    wh = pg_warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 6)
    add_stock(wh, "A01-02-1", "PLAIN", 5)
    first = Session(wh.engine)
    errors: list[BaseException] = []

    def second() -> None:
        try:
            transaction(
                wh.engine,
                lambda s: ledger.post(s, "adjust", [Change(wh.key("A01-02-1", "PLAIN"), -1)]),
            )
        except BaseException as exc:  # reported below
            errors.append(exc)

    other = threading.Thread(target=second)
    try:
        with first.begin():
            ledger.post(first, "adjust", [Change(wh.key("A01-01-1", "PLAIN"), -1)])
            other.start()
            waiting = (
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
            for _ in range(1000):  # until the second waits for the first's check
                with read_only(wh.engine) as s:
                    if s.scalar(text(waiting)):
                        break
                time.sleep(0.01)
            else:
                raise AssertionError("the second transaction never waited for the first")
        other.join(30)
    finally:
        first.close()
    assert errors == []
    with read_only(wh.engine) as s:
        events = s.scalars(select(ApiEvent).where(ApiEvent.kind == outbox.STOCK_LOW)).all()
    assert [e.payload["on_hand"] for e in events] == [9]
