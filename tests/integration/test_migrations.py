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
