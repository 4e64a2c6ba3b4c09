"""PostgreSQL: two waves released at once never allocate the same stock twice."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from floor.db import session_scope, transaction
from floor.models import Balance, SalesOrderLine, Task
from floor.outbound.wave_release import ReleaseReport, release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.stock import ledger as inv
from tests.support import SmallWarehouse, add_sales_order, add_stock, run_at_once

pytestmark = pytest.mark.postgres


def test_two_waves_competing_for_scarce_stock_are_never_over_allocated(
    pg_warehouse: SmallWarehouse,
) -> None:
    wh = pg_warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 7)
    add_stock(wh, "A01-02-2", "PLAIN", 5)
    for n in range(10):
        add_sales_order(wh, f"SO{n}", [("PLAIN", 2)])
    codes = []
    for half in (range(0, 5), range(5, 10)):
        with session_scope(wh.engine) as s:
            codes.append(build_wave(s, wh.warehouse_id, WaveRules(max_orders=len(half))).code)
    reports: list[ReleaseReport] = []

    def release(n: int) -> None:
        reports.append(transaction(wh.engine, lambda s: release_wave(s, codes[n])))

    assert run_at_once(len(codes), release, timeout=30) == []
    assert len(reports) == 2
    with session_scope(wh.engine) as s:
        reserved = s.scalar(select(func.sum(Balance.reserved)))
        tasks = s.scalar(select(func.sum(Task.quantity)).where(Task.kind == "pick"))
        allocated = s.scalar(select(func.sum(SalesOrderLine.quantity_allocated)))
        assert reserved == tasks == allocated == 12  # all 12 units, none twice
        assert inv.invariant_violations(s) == []
    assert sum(r.units_allocated for r in reports) == 12
    assert sum(len(r.short) for r in reports) == 4  # 20 wanted, 12 there
