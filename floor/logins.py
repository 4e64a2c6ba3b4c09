"""Logins: the PIN check behind a lockout per badge, and the audit of every attempt.

A badge that fails `max_failures` logins in a row is locked for `lockout_seconds`; each
further failure (once the lock has run out) locks it twice as long as the one before, up to
`max_lockout_seconds` (`[login]` in floor.toml, `LockoutPolicy`). A successful login, or an
admin's unlock, starts the count again. A locked badge is refused without its PIN being
checked, and the refusal says when it may try again.

The count and the lock live in the database (`badge_lockouts`, one row per badge as typed),
so walking to another station gains nothing, and two stations trying PINs for one badge at
the same moment get no more tries between them than one station: the badge's row is locked
(`SELECT ... FOR UPDATE` on PostgreSQL, the write transaction's BEGIN IMMEDIATE on SQLite)
from the lock check, through the PIN check, to the new count.

Badges cannot be enumerated: an unknown badge, or a disabled operator's, is refused with the
same words as a wrong PIN, after the same scrypt work, and is counted and locked the same
way. Only the audit and the log say which it was.

Every attempt is recorded in `login_audit` (badge as typed, the operator it belongs to,
station, time, outcome) and logged; the PIN never is. `check_login` *returns* its refusal
instead of raising it: the failure it records must be committed, and an exception inside the
unit of work would roll it back. Callers raise or show it after the commit.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any, overload

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.config import ConfigError, Settings
from floor.errors import NotFound, PermissionDenied
from floor.i18n import _
from floor.models import BadgeLockout, LoginAuditEntry, LoginOutcome, Operator, Role, utcnow
from floor.operators import hash_pin, require_role, verify_pin

log = logging.getLogger(__name__)

BADGE_LENGTH = 40
"""Badges are kept (and compared for the lockout) up to this many characters, as typed."""


@dataclass(frozen=True)
class LockoutPolicy:
    """`[login]`: after `max_failures` failed logins in a row a badge is locked for
    `lockout_seconds`, doubled at each further failure, up to `max_lockout_seconds`."""

    max_failures: int = 5
    lockout_seconds: int = 30
    max_lockout_seconds: int = 3600

    def lock_seconds(self, failures: int) -> int:
        """How long `failures` failed logins in a row lock a badge; 0 is not locked."""
        if failures < self.max_failures:
            return 0
        doublings = min(failures - self.max_failures, 62)
        return min(self.max_lockout_seconds, self.lockout_seconds * 2**doublings)

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> LockoutPolicy:
        values: dict[str, int] = {}
        for key, value in section.items():
            if key not in ("max_failures", "lockout_seconds", "max_lockout_seconds"):
                raise ConfigError(
                    f"login.{key}: unknown setting; expected max_failures, lockout_seconds or "
                    "max_lockout_seconds"
                )
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"login.{key}: expected a positive whole number, got {value!r}")
            values[key] = value
        policy = cls(**values)
        if policy.max_lockout_seconds < policy.lockout_seconds:
            raise ConfigError(
                f"login.max_lockout_seconds: expected at least lockout_seconds "
                f"({policy.lockout_seconds}), got {policy.max_lockout_seconds}"
            )
        return policy

    @classmethod
    def from_settings(cls, settings: Settings) -> LockoutPolicy:
        return cls.from_section(settings.section("login"))


class LoginRefused(PermissionDenied):
    """A login refused: wrong badge or PIN, or the badge is locked (`locked_until` set)."""

    code = "login_refused"

    def __init__(
        self, message: str, *, expected: str | None, locked_until: dt.datetime | None = None
    ) -> None:
        super().__init__(message, expected=expected)
        self.locked_until = locked_until


@dataclass(frozen=True)
class LockedBadge:
    """A badge locked now, for supervisors: `operator` is its holder's name, "" if nobody's."""

    badge: str
    failures: int
    locked_until: dt.datetime
    operator: str


def check_login(
    session: Session,
    badge: str,
    pin: str,
    *,
    station: str,
    policy: LockoutPolicy | None = None,
    now: dt.datetime | None = None,
) -> Operator | LoginRefused:
    """The operator whose badge and PIN these are, or the refusal (returned, not raised, so
    that the failure, the lock it may cause and the audit row are committed)."""
    policy = policy or LockoutPolicy()
    now = _utc(now or utcnow())
    key = badge[:BADGE_LENGTH]
    lockout = _lockout_row(session, key)
    operator = session.scalars(select(Operator).where(Operator.badge == badge)).one_or_none()
    operator_id = operator.id if operator is not None else None
    locked_until = _utc(lockout.locked_until)
    if locked_until is not None and locked_until > now:
        _audit(session, key, station, operator_id, LoginOutcome.LOCKED, now, locked_until)
        log.warning(
            "login refused at station %s: badge %r is locked until %s",
            station,
            key,
            locked_until.isoformat(timespec="seconds"),
        )
        return _locked_refusal(key, locked_until, now)

    if operator is None:
        verify_pin(pin, _dummy_hash())  # the same work as a known badge: no timing hint
        outcome = LoginOutcome.UNKNOWN_BADGE
    elif not verify_pin(pin, operator.pin_hash):
        outcome = LoginOutcome.WRONG_PIN
    elif not operator.active:
        outcome = LoginOutcome.INACTIVE
    else:
        lockout.failures = 0
        lockout.locked_until = None
        _audit(session, key, station, operator_id, LoginOutcome.OK, now)
        log.info("login: badge %r (operator %s) at station %s", key, operator_id, station)
        return operator

    lockout.failures += 1
    lockout.last_failure_at = now
    seconds = policy.lock_seconds(lockout.failures)
    lockout.locked_until = _ceil_second(now + dt.timedelta(seconds=seconds)) if seconds else None
    _audit(session, key, station, operator_id, outcome, now, lockout.locked_until)
    log.warning(
        "failed login at station %s: badge %r, %s, %d in a row%s",
        station,
        key,
        outcome.value,
        lockout.failures,
        f"; locked for {seconds} s" if seconds else "",
    )
    if lockout.locked_until is not None:
        return _locked_refusal(key, lockout.locked_until, now)
    return LoginRefused(_("Wrong badge or PIN"), expected=_("your PIN"))


def lock_refusal(
    session: Session, badge: str, *, now: dt.datetime | None = None
) -> LoginRefused | None:
    """The refusal a locked `badge` gets now, None if it may try (read only, known or not):
    the login screen asks before the PIN is keyed in."""
    now = _utc(now or utcnow())
    key = badge[:BADGE_LENGTH]
    until = _utc(session.scalar(select(BadgeLockout.locked_until).where(BadgeLockout.badge == key)))
    return _locked_refusal(key, until, now) if until is not None and until > now else None


def locked_badges(
    session: Session, operator_id: int | None = None, *, now: dt.datetime | None = None
) -> list[LockedBadge]:
    """The badges locked now, the soonest free first (supervisors; None is the system)."""
    require_role(session, operator_id, Role.SUPERVISOR.value)
    now = _utc(now or utcnow())
    rows = session.execute(
        select(BadgeLockout, Operator.name)
        .outerjoin(Operator, Operator.badge == BadgeLockout.badge)
        .where(BadgeLockout.locked_until > now)
        .order_by(BadgeLockout.locked_until, BadgeLockout.badge)
    ).all()
    return [
        LockedBadge(row.badge, row.failures, _utc(row.locked_until) or now, name or "")
        for row, name in rows
    ]


def unlock_badge(
    session: Session,
    badge: str,
    operator_id: int | None = None,
    *,
    station: str = "",
    actor: str = "",
    now: dt.datetime | None = None,
) -> int:
    """Lift `badge`'s lock and forget its failed logins (admins; None is the system, e.g. the
    CLI, which names the account in `actor`). Recorded in the audit with who did it.
    Returns how many failures in a row were forgotten."""
    require_role(session, operator_id, Role.ADMIN.value)
    admin = session.get(Operator, operator_id) if operator_id is not None else None
    now = _utc(now or utcnow())
    key = badge[:BADGE_LENGTH]
    lockout = session.scalars(
        select(BadgeLockout).where(BadgeLockout.badge == key).with_for_update()
    ).one_or_none()
    if lockout is None or (lockout.failures == 0 and lockout.locked_until is None):
        raise NotFound(
            _("Badge {badge} is not locked and has no failed logins", badge=key),
            expected=_("a locked badge"),
        )
    forgotten = lockout.failures
    lockout.failures = 0
    lockout.locked_until = None
    holder = session.scalar(select(Operator.id).where(Operator.badge == badge))
    who = actor or (admin.badge if admin is not None else "")
    session.add(
        LoginAuditEntry(
            at=now,
            station=station[:20],
            badge=key,
            operator_id=holder,
            outcome=LoginOutcome.UNLOCKED.value,
            actor_id=operator_id,
            actor=who[:80],
        )
    )
    log.warning(
        "badge %r unlocked at station %s by %s (%d failed logins forgotten)",
        key,
        station,
        who or "the system",
        forgotten,
    )
    return forgotten


def clock(when: dt.datetime, now: dt.datetime | None = None) -> str:
    """`when` in the station's local time: 14:05:30, with the date if it is not today."""
    local = _utc(when).astimezone()
    today = _utc(now or utcnow()).astimezone().date()
    return local.strftime("%H:%M:%S" if local.date() == today else "%Y-%m-%d %H:%M:%S")


def _lockout_row(session: Session, badge: str) -> BadgeLockout:
    """`badge`'s lockout row, locked until the end of the transaction; made if missing."""
    query = select(BadgeLockout).where(BadgeLockout.badge == badge).with_for_update()
    row = session.scalars(query).one_or_none()
    if row is not None:
        return row
    # a concurrent first failure of the same badge inserts it too: that insert does nothing
    # and waits for the other transaction; the SELECT then locks the row it committed
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    session.execute(
        insert(BadgeLockout)
        .values(badge=badge, failures=0)
        .on_conflict_do_nothing(index_elements=[BadgeLockout.badge])
    )
    return session.scalars(query.execution_options(populate_existing=True)).one()


def _audit(
    session: Session,
    badge: str,
    station: str,
    operator_id: int | None,
    outcome: LoginOutcome,
    now: dt.datetime,
    locked_until: dt.datetime | None = None,
) -> None:
    session.add(
        LoginAuditEntry(
            at=now,
            station=station[:20],
            badge=badge,
            operator_id=operator_id,
            outcome=outcome.value,
            locked_until=locked_until,
        )
    )


def _locked_refusal(badge: str, until: dt.datetime, now: dt.datetime) -> LoginRefused:
    return LoginRefused(
        _(
            "Too many failed logins for badge {badge}: try again at {time}",
            badge=badge,
            time=clock(until, now),
        ),
        expected=_("your badge"),
        locked_until=until,
    )


@cache
def _dummy_hash() -> str:
    return hash_pin("00000000")


@overload
def _utc(value: dt.datetime) -> dt.datetime: ...
@overload
def _utc(value: None) -> None: ...
def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """An aware UTC datetime; SQLite gives back naive ones, stored as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _ceil_second(value: dt.datetime) -> dt.datetime:
    """Up to the next whole second, so the time shown is never before the lock ends."""
    if value.microsecond:
        value += dt.timedelta(microseconds=1_000_000 - value.microsecond)
    return value
