"""PostgreSQL: 16 pack benches closing cartons at the same moment get 16 distinct, valid SSCCs;
a close waiting for its stock does not hold up the other benches (the SSCC comes last)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from floor.db import session_scope, transaction
from floor.gs1 import is_valid_gs1_number
from floor.models import Balance, Container, PackedCarton, SsccCounter
from floor.outbound import pack_close, packing
from floor.stock import ledger
from floor.stock.ledger import Actor
from tests.pack_support import SETTINGS, picked_order, prepare_packing
from tests.support import SmallWarehouse, gtin, run_at_once

pytestmark = pytest.mark.postgres

BENCHES = 16
ROUNDS = 2


def test_concurrent_closes_never_share_an_sscc(pg_warehouse: SmallWarehouse) -> None:
    wh = pg_warehouse
    prepare_packing(wh)
    for n in range(BENCHES * ROUNDS):
        picked_order(wh, f"SO{n:02d}", [("PLAIN", 1)], f"TOTE{n + 10:02d}")
    actor = wh.operators["packer"]

    def bench_actor(bench: int) -> Actor:
        return Actor(actor, f"PACK{bench:02d}")

    def pack_one(bench: int, tote: str) -> int:
        """Start the tote's order at the bench and scan its unit; the open carton's id."""
        me = bench_actor(bench)
        view = transaction(wh.engine, lambda s: packing.start(s, wh.warehouse_id, tote, actor=me))
        carton_id = view.carton.carton_id
        transaction(wh.engine, lambda s: packing.pack_scan(s, carton_id, gtin(1), actor=me))
        return carton_id

    def close(bench: int, carton_id: int) -> str:
        me = bench_actor(bench)
        return transaction(
            wh.engine,
            lambda s: pack_close.close_carton(
                s, carton_id, 270, settings=SETTINGS, printer=None, actor=me
            ),
        ).sscc

    # each bench has a carton ready to close; all close at once, then each packs and
    # closes its second order while the others are closing
    ready = {bench: pack_one(bench, f"TOTE{bench * ROUNDS + 10:02d}") for bench in range(BENCHES)}
    ssccs: list[str] = []

    def work(bench: int) -> None:
        ssccs.append(close(bench, ready[bench]))
        ssccs.append(close(bench, pack_one(bench, f"TOTE{bench * ROUNDS + 11:02d}")))

    assert run_at_once(BENCHES, work, timeout=120) == []
    assert len(ssccs) == len(set(ssccs)) == BENCHES * ROUNDS
    assert all(len(s) == 18 and is_valid_gs1_number(s) for s in ssccs)
    references = sorted(int(s[8:17]) for s in ssccs)  # extension 3, prefix 0614141
    assert references == list(range(1, BENCHES * ROUNDS + 1))  # no gap, none twice
    with session_scope(wh.engine) as s:
        assert s.scalar(select(SsccCounter.last_serial_reference)) == BENCHES * ROUNDS
        assert s.scalar(select(func.count(func.distinct(PackedCarton.sscc)))) == BENCHES * ROUNDS
        assert ledger.invariant_violations(s) == []


def _lock_waits(wh: SmallWarehouse, *, at_least: int) -> bool:
    """Whether `at_least` backends of the test database come to wait on a lock (10 s)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    with wh.engine.connect() as conn:
        for _ in range(200):
            waiting = conn.execute(query).scalar_one()
            conn.rollback()  # pg_stat_activity is a snapshot per transaction: a new one each time
            if waiting >= at_least:
                return True
            threading.Event().wait(0.05)
    return False


def test_a_close_waiting_for_its_stock_does_not_hold_up_another_bench(
    pg_warehouse: SmallWarehouse,
) -> None:
    """The SSCC counter is taken last in a close: while bench 1's close waits for its tote's
    stock (locked by someone else), bench 2 closes at once (a wait on the counter would fail
    under lock_timeout); then bench 1 closes too, with the next SSCC, and its carton
    container has its SSCC as code."""
    wh = pg_warehouse
    prepare_packing(wh)
    picked_order(wh, "SO01", [("PLAIN", 1)], "TOTE11")
    picked_order(wh, "SO02", [("PLAIN", 1)], "TOTE12")
    me = [Actor(wh.operators["packer"], f"PACK{n:02d}") for n in (1, 2)]
    cartons = []
    for n, tote in enumerate(("TOTE11", "TOTE12")):
        view = transaction(
            wh.engine,
            lambda s, n=n, tote=tote: packing.start(s, wh.warehouse_id, tote, actor=me[n]),
        )
        transaction(
            wh.engine,
            lambda s, n=n, c=view.carton.carton_id: packing.pack_scan(s, c, gtin(1), actor=me[n]),
        )
        cartons.append(view.carton.carton_id)

    def close(s: Session, n: int) -> pack_close.ClosedCarton:
        return pack_close.close_carton(
            s, cartons[n], 270, settings=SETTINGS, printer=None, actor=me[n]
        )

    first: list[str] = []
    with session_scope(wh.engine) as holder:  # someone holds bench 1's tote stock
        tote = holder.scalar(select(Container.id).where(Container.code == "TOTE11"))
        holder.execute(
            select(Balance.id).where(Balance.container_id == tote).with_for_update()
        ).all()

        def bench_1() -> None:
            try:
                first.append(transaction(wh.engine, lambda s: close(s, 0)).sscc)
            except Exception as exc:  # shown by the assertion below
                first.append(repr(exc))

        waiting = threading.Thread(target=bench_1)
        waiting.start()
        # bench 1's close is under way, waiting for the tote
        assert _lock_waits(wh, at_least=1), first
        assert not first
        with session_scope(wh.engine) as s:
            s.execute(text("SET LOCAL lock_timeout = '500ms'"))
            second = close(s, 1).sscc
    waiting.join(30)
    assert first and first[0] != second
    assert sorted(int(x[8:17]) for x in (first[0], second)) == [1, 2]
    with session_scope(wh.engine) as s:
        codes = s.scalars(select(Container.code).where(Container.kind == "carton")).all()
        assert sorted(codes) == sorted([first[0], second])
        assert ledger.invariant_violations(s) == []
