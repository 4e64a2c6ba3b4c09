"""`floor operators locked|unlock` against a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from floor.cli import main
from floor.db import session_scope, transaction
from floor.logins import LockoutPolicy, LoginRefused, check_login
from floor.models import LoginAuditEntry
from tests.support import PIN, SmallWarehouse

LONG_LOCK = LockoutPolicy(max_failures=5, lockout_seconds=3600)


def _floor(wh: SmallWarehouse, *args: str) -> int:
    url = wh.engine.url.render_as_string(hide_password=False)
    return main(["--database-url", url, "operators", *args])


def _lock(wh: SmallWarehouse, badge: str) -> None:
    for _ in range(5):
        transaction(
            wh.engine, lambda s: check_login(s, badge, "0000", station="ST01", policy=LONG_LOCK)
        )


def test_locked_lists_the_locked_badges_and_unlock_lifts_one(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = warehouse
    assert _floor(wh, "locked") == 0
    assert "No badge is locked" in capsys.readouterr().out
    _lock(wh, "OPPICKER")
    _lock(wh, "OPNOBODY")
    assert _floor(wh, "locked") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["badge", "locked", "until", "failed", "logins", "operator"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert sorted(rows) == ["OPNOBODY", "OPPICKER"]
    assert rows["OPPICKER"].endswith("Picker Tester") and " 5 " in rows["OPPICKER"]
    assert rows["OPNOBODY"].endswith("(no such operator)")

    assert _floor(wh, "unlock", "OPPICKER") == 0
    assert "Badge OPPICKER unlocked (5 failed logins forgotten)" in capsys.readouterr().out
    assert _floor(wh, "locked") == 0
    assert "OPPICKER" not in capsys.readouterr().out
    with session_scope(wh.engine) as s:
        login = check_login(s, "OPPICKER", PIN, station="ST01", policy=LONG_LOCK)
        assert not isinstance(login, LoginRefused)
        unlocked = s.scalars(
            select(LoginAuditEntry).where(LoginAuditEntry.outcome == "unlocked")
        ).one()
    assert (unlocked.badge, unlocked.station, unlocked.actor_id) == ("OPPICKER", "cli", None)
    assert "@" in unlocked.actor  # the account that ran the command


def test_unlock_by_an_admin_is_recorded_and_others_are_refused(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = warehouse
    _lock(wh, "OPPICKER")
    assert _floor(wh, "unlock", "OPPICKER", "--by", "OPSUPERVISOR") == 1
    assert "needs the role admin" in capsys.readouterr().err
    assert _floor(wh, "unlock", "OPPICKER", "--by", "OPADMIN") == 0
    with session_scope(wh.engine) as s:
        unlocked = s.scalars(
            select(LoginAuditEntry).where(LoginAuditEntry.outcome == "unlocked")
        ).one()
        assert unlocked.actor_id == wh.operators["admin"]
    capsys.readouterr()
    assert _floor(wh, "unlock", "OPPICKER") == 1
    assert "Badge OPPICKER is not locked" in capsys.readouterr().err


def test_operators_without_an_action_prints_its_actions(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _floor(warehouse) == 0
    out = capsys.readouterr().out
    assert "locked" in out and "unlock" in out
