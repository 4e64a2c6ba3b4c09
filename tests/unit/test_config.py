"""Settings: floor.toml, FLOOR_* overrides, sections, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from floor.config import ConfigError, load_settings


def test_defaults_use_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    s = load_settings(env={"FLOOR_DATA_DIR": str(tmp_path)})
    assert s.source == "defaults"
    assert s.resolved_database_url == f"sqlite:///{tmp_path / 'floor.db'}"


def test_file_then_environment(tmp_path: Path) -> None:
    cfg = tmp_path / "floor.toml"
    cfg.write_text(
        'station = "PACK2"\nbell = false\nidle_logout_seconds = 60\n'
        '[scanner]\nkind = "serial"\nport = "/dev/ttyACM0"\nbaudrate = 9600\n',
        encoding="utf-8",
    )
    s = load_settings(
        cfg,
        env={
            "FLOOR_STATION": "PACK3",
            "FLOOR_SCANNER__PORT": "/dev/ttyUSB1",
            "FLOOR_DATABASE_URL": "postgresql+psycopg://x@h/db",
        },
    )
    assert s.station == "PACK3"
    assert s.bell is False and s.idle_logout_seconds == 60
    assert s.section("scanner") == {"kind": "serial", "port": "/dev/ttyUSB1", "baudrate": 9600}
    assert s.resolved_database_url == "postgresql+psycopg://x@h/db"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bell = 'maybe'\n", "bell: expected true or false"),
        ("idle_logout_seconds = 'soon'\n", "idle_logout_seconds: expected a whole number"),
        ("colour = 'red'\n", "unknown setting 'colour'"),
        ("station = \n", "not valid TOML"),
    ],
)
def test_bad_settings_name_what_was_expected(tmp_path: Path, text: str, message: str) -> None:
    cfg = tmp_path / "floor.toml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_settings(cfg, env={})


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "nope.toml", env={})


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql+psycopg://floor:s3cr3t@db.example:5432/floor",
            "postgresql+psycopg://floor:***@db.example:5432/floor",
        ),
        (
            "postgresql+psycopg://floor:s3cr3t%25pw%40@db/floor?sslmode=require",
            "postgresql+psycopg://floor:***@db/floor?sslmode=require",
        ),
        ("postgresql+psycopg://floor@db/floor", "postgresql+psycopg://floor@db/floor"),
        ("sqlite:////var/lib/floor/floor.db", "sqlite:////var/lib/floor/floor.db"),
        ("not a url://floor:s3cr3t@db/x", "not a url://floor:***@db/x"),
    ],
)
def test_a_database_url_is_shown_without_its_password(url: str, shown: str) -> None:
    from floor.db import shown_url

    assert shown_url(url) == shown


def test_settings_and_migration_config_do_not_carry_the_password() -> None:
    from floor.config import Settings
    from floor.db import alembic_config, create_floor_engine

    url = "postgresql+psycopg://floor:s3cr3t%25pw@db.example/floor"
    assert "s3cr3t" not in repr(Settings(database_url=url))
    engine = create_floor_engine(url)  # no connection is made
    try:
        shown = alembic_config(engine).get_main_option("sqlalchemy.url")
    finally:
        engine.dispose()
    assert shown == "postgresql+psycopg://floor:***@db.example/floor"
