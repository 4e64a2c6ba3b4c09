"""Migrations: upgrade from empty, downgrade one step, upgrade again, on both backends."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from floor.cli import main
from floor.db import create_floor_engine, current_heads, downgrade, head_revisions, upgrade


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    base = os.environ.get("FLOOR_TEST_DATABASE_URL")
    if not base:
        pytest.skip("PostgreSQL tests need FLOOR_TEST_DATABASE_URL")
    name = f"floor_mig_{os.getpid()}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    request.addfinalizer(lambda: _drop(admin, name))
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def _drop(admin, name: str) -> None:  # type: ignore[no-untyped-def]
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_upgrade_from_empty_downgrade_one_step_and_upgrade_again(empty_url: str) -> None:
    engine = create_floor_engine(empty_url)
    assert current_heads(engine) == frozenset()
    upgrade(engine)
    assert current_heads(engine) == head_revisions(engine)
    assert inspect(engine).has_table("balances")
    downgrade(engine, "-1")
    assert current_heads(engine) != head_revisions(engine)
    upgrade(engine)
    assert current_heads(engine) == head_revisions(engine)
    downgrade(engine, "base")
    assert not inspect(engine).has_table("balances")
    engine.dispose()


def test_db_commands(empty_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", empty_url, "db", "current"]) == 0
    assert "schema:   empty" in capsys.readouterr().out
    assert main(["--database-url", empty_url, "db", "upgrade"]) == 0
    assert "schema at" in capsys.readouterr().out
    assert main(["--database-url", empty_url, "db", "current"]) == 0
    out = capsys.readouterr().out
    assert "run `floor db upgrade`" not in out


def test_fast_head_check_agrees_with_alembic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from floor.db import needs_upgrade, shipped_heads

    engine = create_floor_engine(f"sqlite:///{tmp_path / 'heads.db'}")
    assert shipped_heads() == head_revisions(engine)
    assert needs_upgrade(engine)
    upgrade(engine)
    assert not needs_upgrade(engine)
    engine.dispose()


def test_outbound_0001_writes_the_clusters_of_waves_released_before(empty_url: str) -> None:
    """Waves released before pick_clusters existed get one row per cluster, its status from
    its tasks: open, claimed (with the picker), done, held with its wave, cancelled."""
    import datetime as dt

    from sqlalchemy import insert, select

    from floor.models import Operator, PickCluster, Task, Warehouse, Wave

    engine = create_floor_engine(empty_url)
    upgrade(engine, "core_0002")
    now = dt.datetime(2026, 12, 1, 8, tzinfo=dt.UTC)
    with engine.begin() as conn:
        wh = conn.execute(
            insert(Warehouse.__table__).values(code="W", name="W")
        ).inserted_primary_key[0]
        picker = conn.execute(
            insert(Operator.__table__).values(badge="P1", name="P", pin_hash="x", roles="picker")
        ).inserted_primary_key[0]
        waves = {}
        for code, status in (("R", "released"), ("H", "held"), ("X", "cancelled")):
            waves[code] = conn.execute(
                insert(Wave.__table__).values(
                    code=code, warehouse_id=wh, status=status, rules={}, released_at=now
                )
            ).inserted_primary_key[0]
        tasks = [
            ("R", "R-C0001", "open", None),
            ("R", "R-C0001", "open", None),
            ("R", "R-C0002", "assigned", picker),
            ("R", "R-C0002", "done", picker),
            ("R", "R-C0003", "done", picker),
            ("R", "R-C0003", "short", picker),
            ("H", "H-C0001", "open", None),
            ("X", "X-C0001", "cancelled", None),
        ]
        conn.execute(
            insert(Task.__table__),
            [
                {
                    "warehouse_id": wh,
                    "kind": "pick",
                    "status": status,
                    "assignee_id": assignee,
                    "wave_id": waves[wave],
                    "cluster": cluster,
                    "data": {},
                }
                for wave, cluster, status, assignee in tasks
            ],
        )
    upgrade(engine)
    with engine.connect() as conn:
        rows = {
            code: (status, assignee)
            for code, status, assignee in conn.execute(
                select(PickCluster.code, PickCluster.status, PickCluster.assignee_id)
            )
        }
    assert rows == {
        "R-C0001": ("open", None),
        "R-C0002": ("claimed", picker),
        "R-C0003": ("done", None),
        "H-C0001": ("held", None),
        "X-C0001": ("cancelled", None),
    }
    engine.dispose()
