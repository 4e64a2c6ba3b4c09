"""A database password never shows: not in `floor run`'s messages, `floor db`, nor tracebacks.

Needs a URL with a password, so it runs on PostgreSQL (the test server trusts local
connections and ignores the password; SQLite URLs have none).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from floor.cli import main

# Characters a real password has and a URL must escape (% @ : /), so the alembic
# configuration, which reads % specially, is exercised too.
PASSWORD = "s3cr3t%pw@:/x"


@pytest.fixture
def url_with_password(pg_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    empty = tmp_path / "floor.toml"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("FLOOR_CONFIG", str(empty))
    monkeypatch.setenv("FLOOR_DATA_DIR", str(tmp_path / "data"))
    url = pg_engine.url.set(password=PASSWORD)
    return url.render_as_string(hide_password=False)


def shown(capsys: pytest.CaptureFixture[str]) -> str:
    out, err = capsys.readouterr()
    return out + err


def test_run_with_an_unknown_warehouse_names_the_database_without_its_password(
    url_with_password: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FLOOR_WAREHOUSE", "NOPE")
    assert main(["--database-url", url_with_password, "run"]) == 1
    text = shown(capsys)
    assert "warehouse NOPE is not in the database postgresql+psycopg://postgres:***@" in text
    assert "s3cr3t" not in text


def test_db_commands_show_no_password(
    url_with_password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["db", "current"], ["db", "upgrade"]):
        assert main(["--database-url", url_with_password, *command]) == 0, shown(capsys)
        text = shown(capsys)
        assert "s3cr3t" not in text
    assert main(["--database-url", url_with_password, "db", "current"]) == 0
    assert ":***@" in shown(capsys)
