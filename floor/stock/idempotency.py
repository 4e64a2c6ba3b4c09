"""Apply a scan once: the same scan id applied again returns the first result, changing nothing.

Every scan carries an id minted where it was read. A service wraps its work in `once()`;
the id and the result are stored in `applied_scans` in the same transaction as the work, so
a retry after a lost connection either finds the stored result or redoes all of it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.models import AppliedScan

ACTIVE_KEY = "floor.applied_scan"


def stored_result(session: Session, scan_id: str) -> dict[str, Any] | None:
    row = session.execute(
        select(AppliedScan.result).where(AppliedScan.scan_id == scan_id)
    ).scalar_one_or_none()
    return row


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
    session.add(AppliedScan(scan_id=scan_id, operation=operation, result=result))
    session.flush()
    return result, False
