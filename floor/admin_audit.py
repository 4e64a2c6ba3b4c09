"""The admin audit: every change to the site's set-up, who made it, where and when.

Operators added, imported, disabled or enabled, their PIN, roles or language set (never the
PIN itself), warehouses, zones and stations added. Who: an admin operator in the station
app (`ChangedBy.operator_id`, at their station), or the system from the command line, which
names the account that ran it (`ChangedBy.account`, user@host). Login attempts and unlocks
have their own audit (floor/logins.py).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.i18n import N_, _
from floor.models import AdminAuditEntry, Operator, utcnow

log = logging.getLogger(__name__)

CLI_STATION = "cli"
"""The station the audits name for what was done from the command line."""


@dataclass(frozen=True)
class ChangedBy:
    """Who makes a change: an admin operator in the app, or the system (operator_id None)
    from the command line, named by the OS account that ran it."""

    operator_id: int | None = None
    station: str = ""
    account: str = ""


SYSTEM_CHANGE = ChangedBy(station=CLI_STATION)

ACTION_WORDS = {
    "added": N_("added"),
    "imported": N_("imported"),
    "disabled": N_("disabled"),
    "enabled": N_("enabled"),
    "pin_set": N_("PIN set by an admin"),
    "pin_changed": N_("PIN changed by the operator"),
    "roles_set": N_("roles set"),
    "language_set": N_("language set"),
}


@dataclass(frozen=True)
class AuditLine:
    """One recorded change, for people: when, what, the detail, and who did it."""

    at: dt.datetime
    action: str
    detail: str
    by: str
    station: str

    @property
    def action_words(self) -> str:
        word = ACTION_WORDS.get(self.action)
        return _(word) if word else self.action


def record_change(
    session: Session,
    by: ChangedBy,
    subject: str,
    code: str,
    action: str,
    detail: str = "",
    *,
    operator_id: int | None = None,
) -> None:
    """Add one audit row (in the caller's unit of work) and log it."""
    session.add(
        AdminAuditEntry(
            at=utcnow(),
            station=by.station[:20],
            actor_id=by.operator_id,
            actor=by.account[:80],
            subject=subject,
            code=code[:40],
            operator_id=operator_id,
            action=action,
            detail=detail[:400],
        )
    )
    log.info(
        "%s %s %s (%s) by %s at %s",
        subject,
        code,
        action,
        detail,
        by.account or (f"operator {by.operator_id}" if by.operator_id else "the system"),
        by.station or "?",
    )


def changes_of(session: Session, subject: str, code: str, limit: int = 20) -> list[AuditLine]:
    """The latest changes to one operator (by badge), warehouse, zone or station, newest first."""
    rows = session.execute(
        select(AdminAuditEntry, Operator.badge)
        .outerjoin(Operator, Operator.id == AdminAuditEntry.actor_id)
        .where(AdminAuditEntry.subject == subject, AdminAuditEntry.code == code)
        .order_by(AdminAuditEntry.at.desc(), AdminAuditEntry.id.desc())
        .limit(limit)
    ).all()
    lines = []
    for row, badge in rows:
        who = " ".join(part for part in (badge or "", row.actor) if part)
        # i18n: who made a change from the command line without naming an admin
        lines.append(AuditLine(row.at, row.action, row.detail, who or _("the system"), row.station))
    return lines
