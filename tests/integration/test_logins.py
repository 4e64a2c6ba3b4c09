"""Login lockout and audit (floor/logins.py), on SQLite and PostgreSQL: wrong PINs lock the
badge for a growing time, on every station; unknown badges are refused and locked alike;
every attempt and every unlock is in the audit, and failures in the log, never the PIN."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlalchemy import select, update

from floor.db import session_scope, transaction
from floor.errors import NotFound, PermissionDenied
from floor.logins import (
    LockoutPolicy,
    LoginRefused,
    check_login,
    lock_refusal,
    locked_badges,
    unlock_badge,
)
from floor.models import BadgeLockout, LoginAuditEntry, Operator
from floor.station import OperatorLogin, log_in
from tests.support import PIN, SmallWarehouse

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
POLICY = LockoutPolicy(max_failures=5, lockout_seconds=30, max_lockout_seconds=3600)


def attempt(
    wh: SmallWarehouse,
    badge: str,
    pin: str,
    at: dt.datetime,
    station: str = "ST01",
    policy: LockoutPolicy = POLICY,
) -> Operator | LoginRefused:
    """One login attempt in its own unit of work, committed whatever its outcome."""
    return transaction(
        wh.engine, lambda s: check_login(s, badge, pin, station=station, policy=policy, now=at)
    )


def seconds(n: float) -> dt.timedelta:
    return dt.timedelta(seconds=n)


def audit(wh: SmallWarehouse) -> list[LoginAuditEntry]:
    with session_scope(wh.engine) as s:
        return list(s.scalars(select(LoginAuditEntry).order_by(LoginAuditEntry.id)))


def test_five_wrong_pins_lock_the_badge_even_against_the_right_pin(
    warehouse: SmallWarehouse,
) -> None:
    for n in range(4):
        refused = attempt(warehouse, "OPPICKER", "0000", T0 + seconds(n))
        assert isinstance(refused, LoginRefused) and refused.locked_until is None
        assert str(refused) == "Wrong badge or PIN"
    fifth = attempt(warehouse, "OPPICKER", "0000", T0 + seconds(4))
    assert isinstance(fifth, LoginRefused)
    assert fifth.locked_until == T0 + seconds(4 + 30)
    assert str(fifth).startswith("Too many failed logins for badge OPPICKER: try again at ")
    assert fifth.expected == "your badge"
    # locked: the right PIN is refused too, and the PIN is not even checked
    refused = attempt(warehouse, "OPPICKER", PIN, T0 + seconds(33))
    assert isinstance(refused, LoginRefused) and refused.locked_until == T0 + seconds(34)
    # once the lock has run out, the right PIN works and the count starts again
    operator = attempt(warehouse, "OPPICKER", PIN, T0 + seconds(34))
    assert isinstance(operator, Operator) and operator.badge == "OPPICKER"
    with session_scope(warehouse.engine) as s:
        row = s.scalars(select(BadgeLockout).where(BadgeLockout.badge == "OPPICKER")).one()
        assert (row.failures, row.locked_until) == (0, None)


def test_each_further_failure_locks_twice_as_long_up_to_the_cap(
    warehouse: SmallWarehouse,
) -> None:
    policy = LockoutPolicy(max_failures=3, lockout_seconds=10, max_lockout_seconds=35)
    at = T0
    for _ in range(2):
        attempt(warehouse, "OPPICKER", "0000", at, policy=policy)
    locks = []
    for _ in range(4):
        refused = attempt(warehouse, "OPPICKER", "0000", at, policy=policy)
        assert isinstance(refused, LoginRefused) and refused.locked_until is not None
        locks.append((refused.locked_until - at).total_seconds())
        at = refused.locked_until  # try again the moment it is free
    assert locks == [10, 20, 35, 35]


def test_another_station_does_not_reset_the_count_or_the_lock(warehouse: SmallWarehouse) -> None:
    for n, station in enumerate(["ST01", "ST02", "ST01", "ST03"]):
        attempt(warehouse, "OPPICKER", "0000", T0 + seconds(n), station=station)
    locked = attempt(warehouse, "OPPICKER", "0000", T0 + seconds(5), station="ST02")
    assert isinstance(locked, LoginRefused) and locked.locked_until is not None
    elsewhere = attempt(warehouse, "OPPICKER", PIN, T0 + seconds(6), station="ST09")
    assert isinstance(elsewhere, LoginRefused) and elsewhere.locked_until == locked.locked_until


def test_an_unknown_badge_is_refused_and_locked_like_a_known_one(warehouse: SmallWarehouse) -> None:
    """Badges cannot be enumerated: an unknown badge gets the same words and the same lock."""
    for badge in ("OPPICKER", "OPNOBODY"):
        answers = [attempt(warehouse, badge, "0000", T0 + seconds(n)) for n in range(6)]
        assert all(isinstance(a, LoginRefused) for a in answers)
        texts = [str(a).replace(badge, "<badge>") for a in answers]
        assert texts[:4] == ["Wrong badge or PIN"] * 4
        assert all(t.startswith("Too many failed logins for badge <badge>") for t in texts[4:])
        assert [a.locked_until for a in answers] == [None] * 4 + [T0 + seconds(34)] * 2  # type: ignore[union-attr]
    with session_scope(warehouse.engine) as s:
        assert lock_refusal(s, "OPNOBODY", now=T0 + seconds(10)) is not None
        assert lock_refusal(s, "OPNOBODY", now=T0 + seconds(34)) is None
        assert lock_refusal(s, "OPRECEIVER", now=T0) is None


def test_a_disabled_operator_is_refused_like_a_wrong_pin(warehouse: SmallWarehouse) -> None:
    with session_scope(warehouse.engine) as s:
        s.execute(update(Operator).where(Operator.badge == "OPPACKER").values(active=False))
    refused = attempt(warehouse, "OPPACKER", PIN, T0)
    assert isinstance(refused, LoginRefused) and str(refused) == "Wrong badge or PIN"
    assert audit(warehouse)[-1].outcome == "inactive"


def test_a_success_starts_the_count_again(warehouse: SmallWarehouse) -> None:
    for n in range(4):
        attempt(warehouse, "OPPICKER", "0000", T0 + seconds(n))
    assert isinstance(attempt(warehouse, "OPPICKER", PIN, T0 + seconds(5)), Operator)
    for n in range(4):
        refused = attempt(warehouse, "OPPICKER", "0000", T0 + seconds(6 + n))
        assert isinstance(refused, LoginRefused) and refused.locked_until is None


def test_every_attempt_is_audited_with_badge_station_time_and_outcome(
    warehouse: SmallWarehouse,
) -> None:
    attempt(warehouse, "OPPICKER", "0000", T0, station="ST01")
    attempt(warehouse, "OPNOBODY", "4321", T0 + seconds(1), station="ST02")
    attempt(warehouse, "OPPICKER", PIN, T0 + seconds(2), station="ST01")
    rows = audit(warehouse)
    picker = warehouse.operators["picker"]
    assert [(r.badge, r.station, r.outcome, r.operator_id) for r in rows] == [
        ("OPPICKER", "ST01", "wrong_pin", picker),
        ("OPNOBODY", "ST02", "unknown_badge", None),
        ("OPPICKER", "ST01", "ok", picker),
    ]
    assert [r.at.replace(tzinfo=dt.UTC) for r in rows] == [T0, T0 + seconds(1), T0 + seconds(2)]
    for row in rows:  # no column holds a PIN
        assert all("0000" not in str(v) and "4321" not in str(v) for v in vars(row).values())


def test_the_station_login_commits_the_failure_it_returns(warehouse: SmallWarehouse) -> None:
    """A refusal raised inside the unit of work would roll its own audit row back."""
    refused = transaction(warehouse.engine, lambda s: log_in(s, "ST01", "OPPICKER", "0000"))
    assert isinstance(refused, LoginRefused)
    assert [r.outcome for r in audit(warehouse)] == ["wrong_pin"]
    login = transaction(warehouse.engine, lambda s: log_in(s, "ST01", "OPPICKER", PIN))
    assert isinstance(login, OperatorLogin) and login.name == "Picker Tester"


def test_failed_logins_are_logged_without_the_pin(
    warehouse: SmallWarehouse, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="floor.logins")
    for n in range(5):
        attempt(warehouse, "OPPICKER", "9137", T0 + seconds(n), station="ST07")
    attempt(warehouse, "OPNOBODY", "9137", T0, station="ST07")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 6
    assert all("ST07" in w for w in warnings)
    assert "'OPPICKER'" in warnings[0] and "wrong_pin" in warnings[0]
    assert "locked for 30 s" in warnings[4]
    assert "'OPNOBODY'" in warnings[5] and "unknown_badge" in warnings[5]
    assert all("9137" not in r.getMessage() for r in caplog.records)


def test_supervisors_see_locked_badges_and_admins_unlock_them(warehouse: SmallWarehouse) -> None:
    for badge in ("OPPICKER", "OPNOBODY"):
        for n in range(5):
            attempt(warehouse, badge, "0000", T0 + seconds(n))
    ops = warehouse.operators
    with session_scope(warehouse.engine) as s:
        with pytest.raises(PermissionDenied):
            locked_badges(s, ops["picker"], now=T0 + seconds(5))
        shown = locked_badges(s, ops["supervisor"], now=T0 + seconds(5))
    assert [(b.badge, b.failures, b.locked_until, b.operator) for b in shown] == [
        ("OPNOBODY", 5, T0 + seconds(34), ""),
        ("OPPICKER", 5, T0 + seconds(34), "Picker Tester"),
    ]
    with session_scope(warehouse.engine) as s, pytest.raises(PermissionDenied):
        unlock_badge(s, "OPPICKER", ops["supervisor"], station="ST01")
    forgotten = transaction(
        warehouse.engine,
        lambda s: unlock_badge(s, "OPPICKER", ops["admin"], station="ST02", now=T0 + seconds(6)),
    )
    assert forgotten == 5
    unlocked = audit(warehouse)[-1]
    assert (unlocked.badge, unlocked.outcome, unlocked.station) == ("OPPICKER", "unlocked", "ST02")
    assert (unlocked.operator_id, unlocked.actor_id, unlocked.actor) == (
        ops["picker"],
        ops["admin"],
        "OPADMIN",
    )
    assert isinstance(attempt(warehouse, "OPPICKER", PIN, T0 + seconds(7)), Operator)
    with session_scope(warehouse.engine) as s:
        assert [b.badge for b in locked_badges(s, now=T0 + seconds(7))] == ["OPNOBODY"]
        with pytest.raises(NotFound, match="OPPICKER is not locked"):
            unlock_badge(s, "OPPICKER", now=T0 + seconds(8))
