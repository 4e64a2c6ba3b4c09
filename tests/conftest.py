"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, and a small warehouse.

PostgreSQL runs when FLOOR_TEST_DATABASE_URL is set (CI sets it and then an unreachable
server fails the tests); without it those tests are skipped with the reason shown.
Each test gets its own database copied from a migrated template, so tests never see each
other's data.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from floor.db import create_floor_engine, upgrade
from tests.support import SmallWarehouse, build_small_warehouse

PG_ENV = "FLOOR_TEST_DATABASE_URL"
BACKENDS = ["sqlite", "postgresql"]
_counter = itertools.count()


def pytest_configure(config: pytest.Config) -> None:
    from floor.stock import ledger_locks

    # a transaction that locks balances out of the ledger's order fails at once, on SQLite too
    ledger_locks.CHECK_ORDER = True
    if os.environ.get("CI") == "true" and not os.environ.get(PG_ENV):
        raise pytest.UsageError(f"CI=true but {PG_ENV} is not set: the PostgreSQL tests must run")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tmpl") / "template.db"
    engine = create_floor_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[tuple[Engine, str] | None]:
    url = os.environ.get(PG_ENV)
    if not url:
        yield None
        return
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        pytest.fail(f"{PG_ENV}={url} is set but PostgreSQL is unreachable: {exc}")
    template = f"floor_tmpl_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{template}"'))
        conn.execute(text(f'CREATE DATABASE "{template}"'))
    engine = create_floor_engine(
        make_url(url).set(database=template).render_as_string(hide_password=False)
    )
    upgrade(engine)
    engine.dispose()
    yield admin, template
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
    admin.dispose()


def _fresh_engine(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "floor.db"
        shutil.copyfile(template, path)
        engine = create_floor_engine(f"sqlite:///{path}")
        yield engine
        engine.dispose()
        return
    admin_info = request.getfixturevalue("pg_admin")
    if admin_info is None:
        pytest.skip(
            f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    admin, template = admin_info
    name = f"floor_t_{os.getpid()}_{next(_counter)}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = make_url(os.environ[PG_ENV]).set(database=name).render_as_string(hide_password=False)
    engine = create_floor_engine(url, pool_size=20)
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated database: SQLite and PostgreSQL."""
    yield from _fresh_engine(request.param, request, tmp_path)


@pytest.fixture
def pg_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty, migrated PostgreSQL database (concurrency tests)."""
    yield from _fresh_engine("postgresql", request, tmp_path)


@pytest.fixture
def sqlite_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    yield from _fresh_engine("sqlite", request, tmp_path)


@pytest.fixture
def warehouse(engine: Engine) -> SmallWarehouse:
    """A small warehouse (see tests/support.py) in a fresh database, on each backend."""
    return build_small_warehouse(engine)


@pytest.fixture
def pg_warehouse(pg_engine: Engine) -> SmallWarehouse:
    return build_small_warehouse(pg_engine)
