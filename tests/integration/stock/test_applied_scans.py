"""A scan applied once: its id and result stored beside the work, on the driver, and a scan
sent again answered with the stored result (both backends)."""

from __future__ import annotations

from sqlalchemy import event

from floor.db import session_scope
from floor.models import AppliedScan
from floor.stock.idempotency import once, stored_result
from tests.support import SmallWarehouse


def test_a_scan_applied_is_stored_on_the_driver_and_replayed_with_its_result(
    warehouse: SmallWarehouse,
) -> None:
    calls: list[int] = []

    def work() -> dict:
        calls.append(1)
        return {"picked": len(calls), "text": "Šćž ünï", "items": [1, 2]}

    flushes: list[int] = []
    with session_scope(warehouse.engine) as s:
        event.listen(s, "after_flush", lambda *_args: flushes.append(1))
        assert stored_result(s, "scan-1") is None
        result, replayed = once(s, "scan-1", "test.apply", work)
        assert not replayed and result["picked"] == 1
        # stored by the driver: no ORM flush for it (every scan paid for one)
        assert flushes == []
    with session_scope(warehouse.engine) as s:
        again, replayed = once(s, "scan-1", "test.apply", work)
        assert replayed and again == result and calls == [1]
        row = s.get(AppliedScan, "scan-1")
        assert row is not None and row.operation == "test.apply" and row.result == result
        assert row.created_at is not None
