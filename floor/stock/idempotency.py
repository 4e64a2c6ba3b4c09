"""Apply a scan once: the same scan id applied again returns the first result, changing nothing.

Every scan carries an id minted where it was read. A service wraps its work in `once()`;
the id and the result are stored in `applied_scans` in the same transaction as the work, so
a retry after a lost connection either finds the stored result or redoes all of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from floor.driver_sql import DriverStatement
from floor.models import AppliedScan, utcnow

ACTIVE_KEY = "floor.applied_scan"

# every scan runs both: on the driver (floor.driver_sql), not through the ORM's flush
_STORED = DriverStatement(
    select(AppliedScan.result).where(AppliedScan.scan_id == bindparam("scan_id"))
)
_STORE = DriverStatement(insert(AppliedScan), ["scan_id", "operation", "result", "created_at"])


def stored_result(session: Session, scan_id: str) -> dict[str, Any] | None:
    row = _STORED.first_row(session, {"scan_id": scan_id})
    return None if row is None else row[0]


def once(
    session: Session, scan_id: str | None, operation: str, work: Callable[[], dict[str, Any]]
) -> tuple[dict[str, Any], bool]:
    """Run `work()` unless `scan_id` was applied before. Returns (result, replayed)."""
    if not scan_id:
        return work(), False
    if session.info.get(ACTIVE_KEY) == scan_id:
        return work(), False
    previous = stored_result(session, scan_id)
    if previous is not None:
        return previous, True
    session.info[ACTIVE_KEY] = scan_id
    try:
        result = work()
    finally:
        session.info.pop(ACTIVE_KEY, None)
    session.flush()  # the work's own rows first, as before: their errors are the work's
    _STORE.run(
        session,
        {"scan_id": scan_id, "operation": operation, "result": result, "created_at": utcnow()},
    )
    return result, False
