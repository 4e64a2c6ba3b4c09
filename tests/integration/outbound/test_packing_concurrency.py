"""PostgreSQL: 16 pack benches closing cartons at the same moment get 16 distinct, valid SSCCs."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from floor.db import session_scope, transaction
from floor.gs1 import is_valid_gs1_number
from floor.models import PackedCarton, SsccCounter
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
