"""Claimable clusters (`pick_clusters`) stay in step with their tasks: release, claim, give
back, hold, release again, finish, cancel; a claim takes the first open one in release order."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from floor.db import session_scope, transaction
from floor.errors import NotFound
from floor.models import PickCluster, SalesOrder, SalesOrderLine, Task
from floor.outbound import carts, picking
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave, cancel_wave, hold_wave
from tests.support import SmallWarehouse, add_cart, add_sales_order, add_stock


def _statuses(wh: SmallWarehouse) -> dict[str, str]:
    with session_scope(wh.engine) as s:
        return dict(s.execute(select(PickCluster.code, PickCluster.status)).all())


def _wave(wh: SmallWarehouse, orders: list[str], cart_size: int = 1) -> str:
    for number in orders:
        add_sales_order(wh, number, [("PLAIN", 1)])
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        release_wave(s, wave.id, cart_size=cart_size)
        return wave.code


def _claim(wh: SmallWarehouse, role: str = "picker") -> str:
    me = wh.operators[role]
    return transaction(
        wh.engine, lambda s: carts.claim_cart(s, me, wh.warehouse_id, "CART01")
    ).cluster


def test_clusters_follow_claims_give_backs_holds_and_picks(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 50)
    add_cart(wh, "CART01")
    code = _wave(wh, ["SO1", "SO2", "SO3"])
    first, second, third = f"{code}-C0001", f"{code}-C0002", f"{code}-C0003"
    assert _statuses(wh) == {first: "open", second: "open", third: "open"}
    assert _claim(wh) == first  # release order, then cluster code
    assert _statuses(wh)[first] == "claimed"
    me = wh.operators["picker"]
    assert transaction(wh.engine, lambda s: carts.release_cart(s, me)) == 1
    assert _statuses(wh)[first] == "open"  # given back: claimable again
    assert _claim(wh, "supervisor") == first
    with session_scope(wh.engine) as s:
        hold_wave(s, code)
    assert _statuses(wh) == {first: "claimed", second: "held", third: "held"}
    with pytest.raises(NotFound):
        _claim(wh)  # nothing claimable while the wave is held
    with session_scope(wh.engine) as s:
        release_wave(s, code)  # released again
    assert _statuses(wh) == {first: "claimed", second: "open", third: "open"}
    boss = wh.operators["supervisor"]
    transaction(wh.engine, lambda s: carts.assign_tote(s, boss, "TOTE01"))
    view = transaction(wh.engine, lambda s: picking.next_pick(s, boss))
    out = transaction(wh.engine, lambda s: picking.confirm_pick(s, boss, view.task_id, 1, "TOTE01"))
    assert out.cart_done
    assert _statuses(wh) == {first: "done", second: "open", third: "open"}
    assert _claim(wh) == second


def test_cancelling_a_wave_cancels_its_clusters_claimed_or_not(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 50)
    add_cart(wh, "CART01")
    code = _wave(wh, ["SO1", "SO2"])
    assert _claim(wh) == f"{code}-C0001"
    with session_scope(wh.engine) as s:
        cancel_wave(s, code)
    assert _statuses(wh) == {f"{code}-C0001": "cancelled", f"{code}-C0002": "cancelled"}
    with pytest.raises(NotFound):
        _claim(wh, "supervisor")


def test_a_claim_takes_the_wave_released_first(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 50)
    add_cart(wh, "CART01")
    older = _wave(wh, ["SO1"])
    newer = _wave(wh, ["SO2", "SO3"], cart_size=2)
    assert _claim(wh) == f"{older}-C0001"
    assert _claim(wh, "supervisor") == f"{newer}-C0001"
    with pytest.raises(NotFound):
        _claim(wh, "admin")


def test_a_cluster_out_of_step_is_mended_and_the_next_one_claimed(
    warehouse: SmallWarehouse,
) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 50)
    add_cart(wh, "CART01")
    code = _wave(wh, ["SO1", "SO2"])
    with session_scope(wh.engine) as s:  # the first cluster's task finished behind its back
        for task in s.scalars(select(Task).where(Task.cluster == f"{code}-C0001")):
            task.status = "done"
    assert _claim(wh) == f"{code}-C0002"
    assert _statuses(wh) == {f"{code}-C0001": "done", f"{code}-C0002": "claimed"}


@pytest.mark.postgres
def test_a_claim_reads_its_cluster_not_every_open_task(pg_warehouse: SmallWarehouse) -> None:
    """With 1,200 open pick tasks a claim reads a few dozen task rows (PostgreSQL counts the
    rows each table gave this transaction); the old correlated subquery read every open task
    for every open task."""
    wh = pg_warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 5000)
    add_stock(wh, "A02-02-1", "PLAIN", 5000)
    with session_scope(wh.engine) as s:
        rows = [
            SalesOrder(
                number=f"SO{n:04d}",
                external_ref=f"SO{n:04d}",
                warehouse_id=wh.warehouse_id,
                lines=[
                    SalesOrderLine(line_no=k, item_id=wh.items["PLAIN"], quantity_ordered=1)
                    for k in (1, 2, 3)
                ],
            )
            for n in range(400)
        ]
        s.add_all(rows)
    with session_scope(wh.engine) as s:
        release_wave(s, build_wave(s, wh.warehouse_id, WaveRules()).id)
    add_cart(wh, "CART01")
    me = wh.operators["picker"]
    with wh.engine.connect() as conn:  # the statistics autovacuum would have gathered by now
        conn.execute(text("ANALYZE tasks"))
        conn.execute(text("ANALYZE pick_clusters"))
        conn.commit()
    with session_scope(wh.engine) as s:
        assert s.scalar(select(func.count()).select_from(Task).where(Task.status == "open")) >= 1200
    tuples_read = text(  # this backend's counts not yet reported: take the difference
        "SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables"
        " WHERE relname = 'tasks'"
    )
    with session_scope(wh.engine) as s:
        before = s.execute(tuples_read).scalar_one()
        view = carts.claim_cart(s, me, wh.warehouse_id, "CART01")
        read = s.execute(tuples_read).scalar_one() - before
    assert view.tasks >= 4
    assert read < 200, read
