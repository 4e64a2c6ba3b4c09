"""The audit log: who did which supervisor or admin action, at which station, when.

Every service a supervisor or an admin runs (build, release, hold or cancel a wave; approve
or reject a count; create count tasks; override a put-away destination; authorize a return;
accept an item not on the purchase order or an expired one at receiving; adjust stock) calls
`record` in its own transaction, so the entry commits with the action or not at all.
An entry names the action (`wave.release`), its subject (the wave code, the task), the
operator (none for the system: the CLI, imports), the station, the time, and details as
JSON. `floor audit list` reads it. Logins are audited apart (they are not actions on stock).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.models import AuditEntry, Operator, utcnow

WAVE_BUILD = "wave.build"
WAVE_RELEASE = "wave.release"
WAVE_HOLD = "wave.hold"
WAVE_CANCEL = "wave.cancel"
COUNT_APPROVE = "count.approve"
COUNT_REJECT = "count.reject"
COUNT_CREATE = "count.create"
PUTAWAY_OVERRIDE = "putaway.override"
RETURN_AUTHORIZE = "return.authorize"
RECEIVING_UNEXPECTED = "receiving.unexpected"
RECEIVING_EXPIRED = "receiving.expired"
STOCK_ADJUST = "stock.adjust"
KIT_ORDER_RELEASE = "kit_order.release"
KIT_ORDER_CANCEL = "kit_order.cancel"
KIT_ORDER_PARK = "kit_order.park"
TASK_REASSIGN = "task.reassign"
LABEL_REPRINT = "label.reprint"
TRANSFER_CREATE = "transfer.create"
TRANSFER_CANCEL = "transfer.cancel"
TRANSFER_CHANGE = "transfer.change"
PURCHASE_ORDER_CREATE = "purchase_order.create"  # planning: suggestions ordered
API_ORDER = "api.order"  # a sales order sent in through the HTTP API (details: the key)
API_PURCHASE_ORDER = "api.purchase_order"

ACTIONS = (
    WAVE_BUILD,
    WAVE_RELEASE,
    WAVE_HOLD,
    WAVE_CANCEL,
    COUNT_APPROVE,
    COUNT_REJECT,
    COUNT_CREATE,
    PUTAWAY_OVERRIDE,
    RETURN_AUTHORIZE,
    RECEIVING_UNEXPECTED,
    RECEIVING_EXPIRED,
    STOCK_ADJUST,
    KIT_ORDER_RELEASE,
    KIT_ORDER_CANCEL,
    KIT_ORDER_PARK,
    TASK_REASSIGN,
    LABEL_REPRINT,
    TRANSFER_CREATE,
    TRANSFER_CANCEL,
    TRANSFER_CHANGE,
    PURCHASE_ORDER_CREATE,
    API_ORDER,
    API_PURCHASE_ORDER,
)


class Doer(Protocol):
    """Who acts and where (floor.stock.ledger.Actor is one)."""

    @property
    def operator_id(self) -> int | None: ...

    @property
    def station(self) -> str: ...


def record(session: Session, action: str, subject: str, actor: Doer, **details: Any) -> None:
    """Add an entry for `action` on `subject` by `actor`, in the caller's transaction."""
    session.add(
        AuditEntry(
            action=action,
            subject=str(subject)[:80],
            operator_id=actor.operator_id,
            station=(actor.station or "")[:20],
            created_at=utcnow(),
            details=details,
        )
    )


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    action: str
    subject: str
    operator: str  # badge, or "" for the system
    station: str
    details: dict


def entries(
    session: Session,
    *,
    since: dt.datetime | None = None,
    action: str | None = None,
    limit: int = 200,
) -> list[Entry]:
    """The latest entries, newest first; `action` is one action or a prefix ("wave")."""
    query = (
        select(AuditEntry, Operator.badge)
        .outerjoin(Operator, Operator.id == AuditEntry.operator_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if action:
        if action in ACTIONS or "." in action:
            query = query.where(AuditEntry.action == action)
        else:
            query = query.where(AuditEntry.action.startswith(f"{action}."))
    return [
        Entry(
            at=row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC),
            action=row.action,
            subject=row.subject,
            operator=badge or "",
            station=row.station,
            details=dict(row.details or {}),
        )
        for row, badge in session.execute(query)
    ]


__all__ = ["ACTIONS", "Entry", "entries", "record"]
