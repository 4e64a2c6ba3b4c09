"""PostgreSQL: stations trying PINs for one badge at the same moment get no more tries
between them than one station would (the badge's lockout row is locked from the lock check,
through the PIN check, to the new count)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from floor.db import session_scope, transaction
from floor.logins import LockoutPolicy, check_login
from floor.models import BadgeLockout, LoginAuditEntry
from tests.support import SmallWarehouse, run_at_once

pytestmark = pytest.mark.postgres

T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
STATIONS = 2
TRIES = 8


@pytest.mark.parametrize("badge", ["OPPICKER", "OPNOBODY"])
def test_two_stations_hammering_wrong_pins_get_no_more_tries_than_allowed(
    pg_warehouse: SmallWarehouse, badge: str
) -> None:
    wh = pg_warehouse
    policy = LockoutPolicy(max_failures=5, lockout_seconds=30)

    def work(index: int) -> None:
        for n in range(TRIES):
            pin = f"{index}{n:03d}"
            transaction(
                wh.engine,
                lambda s, pin=pin: check_login(
                    s, badge, pin, station=f"ST0{index + 1}", policy=policy, now=T0
                ),
            )

    assert run_at_once(STATIONS, work) == []
    with session_scope(wh.engine) as s:
        outcomes = dict(
            s.execute(
                select(LoginAuditEntry.outcome, func.count()).group_by(LoginAuditEntry.outcome)
            ).all()
        )
        checked = STATIONS * TRIES - outcomes.get("locked", 0)
        assert checked == policy.max_failures, outcomes  # PINs actually tried
        assert sum(outcomes.values()) == STATIONS * TRIES  # every attempt is in the audit
        row = s.scalars(select(BadgeLockout).where(BadgeLockout.badge == badge)).one()
        assert row.failures == policy.max_failures
        assert row.locked_until == T0 + dt.timedelta(seconds=30)
