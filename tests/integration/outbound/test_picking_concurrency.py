"""PostgreSQL: pickers claiming carts at the same moment never receive the same task, and a
cart given back is claimed again whole."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from floor.db import session_scope, transaction
from floor.errors import NotFound
from floor.models import Operator, PickCluster, Task
from floor.outbound import carts
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from tests.support import SmallWarehouse, add_cart, add_sales_order, add_stock, run_at_once

pytestmark = pytest.mark.postgres

PICKERS = 6


def test_pickers_on_one_wave_never_get_the_same_task(pg_warehouse: SmallWarehouse) -> None:
    wh = pg_warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 100)
    add_stock(wh, "A02-02-1", "PLAIN", 100)
    for n in range(16):
        add_sales_order(wh, f"SO{n:02d}", [("PLAIN", 3)])
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        report = release_wave(s, wave.id, cart_size=2)
        pickers = []
        for n in range(PICKERS):
            op = Operator(badge=f"OPP{n}", name=f"Picker {n}", pin_hash="x", roles="picker")
            s.add(op)
            s.flush()
            pickers.append(op.id)
    assert report.clusters == 8
    for n in range(PICKERS * 2):
        add_cart(wh, f"CART{n:02d}")
    claimed: dict[int, list[str]] = {p: [] for p in pickers}

    def work(index: int) -> None:
        picker = pickers[index]
        for round_ in range(2):
            cart = f"CART{index * 2 + round_:02d}"
            try:
                view = transaction(
                    wh.engine,
                    lambda s, c=cart: carts.claim_cart(s, picker, wh.warehouse_id, c),
                )
            except NotFound:
                return
            claimed[picker].append(view.cluster)
            # hand the cart back done: mark this picker's tasks done
            transaction(wh.engine, lambda s: _finish(s, picker))

    assert run_at_once(PICKERS, work) == []
    clusters = [c for cs in claimed.values() for c in cs]
    assert len(clusters) == len(set(clusters)) == 8  # every cart once, none twice
    with session_scope(wh.engine) as s:
        per_task = s.execute(
            select(Task.cluster, func.count(func.distinct(Task.assignee_id)))
            .where(Task.kind == "pick")
            .group_by(Task.cluster)
        ).all()
        assert all(n == 1 for _c, n in per_task)


def _finish(session, picker: int) -> None:  # type: ignore[no-untyped-def]
    for task in carts._my_tasks(session, picker, lock=True):
        task.status = "done"
    session.flush()


def test_carts_given_back_and_claimed_again_at_once_are_never_split(
    pg_warehouse: SmallWarehouse,
) -> None:
    """Pickers claim at the same moment, half of them give their cart back (end of shift),
    others claim it again: each cluster is finished by one picker, whole."""
    wh = pg_warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 500)
    add_stock(wh, "A02-02-1", "PLAIN", 500)
    for n in range(48):
        add_sales_order(wh, f"SO{n:02d}", [("PLAIN", 1), ("PLAIN", 2)])
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        report = release_wave(s, wave.id, cart_size=2)
        pickers = []
        for n in range(PICKERS * 2):
            op = Operator(badge=f"OPR{n}", name=f"Picker {n}", pin_hash="x", roles="picker")
            s.add(op)
            s.flush()
            pickers.append(op.id)
    assert report.clusters == 24
    add_cart(wh, "CARTX")
    finished: dict[int, list[str]] = {p: [] for p in pickers}

    def work(index: int) -> None:
        picker = pickers[index]
        for round_ in range(40):
            try:
                view = transaction(
                    wh.engine, lambda s: carts.claim_cart(s, picker, wh.warehouse_id, "CARTX")
                )
            except NotFound:
                return
            if (index + round_) % 2:
                transaction(wh.engine, lambda s: carts.release_cart(s, picker))
                continue
            transaction(wh.engine, lambda s: _finish(s, picker))
            finished[picker].append(view.cluster)

    assert run_at_once(PICKERS * 2, work) == []
    done = [c for cs in finished.values() for c in cs]
    assert sorted(done) == sorted(set(done)) and len(done) == 24
    with session_scope(wh.engine) as s:
        per_cluster = s.execute(
            select(Task.cluster, func.count(func.distinct(Task.assignee_id)), func.count())
            .where(Task.kind == "pick", Task.status == "done")
            .group_by(Task.cluster)
        ).all()
        assert len(per_cluster) == 24 and all(n == 1 for _c, n, _t in per_cluster)
        assert sum(t for _c, _n, t in per_cluster) == 96
        statuses = s.scalars(select(PickCluster.status)).all()
        assert sorted(set(statuses)) == ["claimed"]  # finished by hand here, not by picks
