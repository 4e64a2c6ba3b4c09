"""Engine, schema upgrades and units of work, for SQLite and PostgreSQL alike.

SQLite: WAL, foreign keys, a busy timeout, and write transactions (`session_scope`,
`transaction`) that start with BEGIN IMMEDIATE so two stations never both read then both
write; other sessions begin DEFERRED and never block a writer. PostgreSQL: READ
COMMITTED with row locks taken by the ledger; a transaction that hits a serialization
failure or deadlock is retried a bounded number of times by `transaction()`.

A unit of work is one `Session` in one thread; never share it between threads.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TypeVar

from sqlalchemy import URL, Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    OperationalError,
)
from sqlalchemy.orm import Session

T = TypeVar("T")

SQLITE_BUSY_TIMEOUT_MS = 10_000
MAX_ATTEMPTS = 8
MIGRATIONS_DIR = Path(__file__).parent / "migrations"

_upgrade_lock = threading.Lock()


_PASSWORD_IN_URL = re.compile(r"(://[^/@:]*):[^/@]*@")


def shown_url(url: str | URL) -> str:
    """A database URL as floor shows or logs it: the password, if any, as ***.

    Every message, log line or screen that names a database goes through here.
    """
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):  # not a URL SQLAlchemy reads: hide what looks like one
        return _PASSWORD_IN_URL.sub(r"\1:***@", str(url))


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_floor_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> Engine:
    """An engine with the pragmas and transaction behaviour floor relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        pool: dict[str, int] = {}
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # a SQLite connection is a file handle: never make a thread wait for one
            # (each thread keeps one for its write transactions, see session_scope)
            pool = {"pool_size": pool_size, "max_overflow": -1}
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **pool,
        )
        _configure_sqlite(engine)
        return engine
    # last in, first out: the connections in use are the few most recently given back, whose
    # backends have warm caches and prepared statements, rather than every pooled one in turn
    engine = create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size * 2, pool_use_lifo=True
    )
    ping_when_idle(engine)
    return engine


# A pooled PostgreSQL connection is checked (a round trip) before use only when it sat in the
# pool this long: a server restart or a dropped link shows on a connection that waited, while
# a busy floor, whose connections come back within milliseconds, pays nothing. SQLAlchemy's
# pool_pre_ping pinged at every checkout, a tenth of a scan's service CPU at 200 stations.
# A connection that fails inside the window fails its first statement instead; `transaction`
# runs such work again (nothing was committed) on a fresh connection.
PING_AFTER_IDLE_SECONDS = 2.0


def ping_when_idle(engine: Engine) -> None:
    """Check a pooled connection at checkout when it was idle PING_AFTER_IDLE_SECONDS or
    more; a dead one is replaced before anyone uses it (pool checkout event: raising
    DisconnectionError makes the pool connect afresh)."""
    pool = engine.pool

    @event.listens_for(pool, "checkin")
    def _idle_since(_dbapi_conn, record) -> None:  # type: ignore[no-untyped-def]
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _ping_if_idle(dbapi_conn, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError("a pooled connection no longer answers") from exc


# The pooled connections of the write transactions open now (`session_scope`): theirs is
# the BEGIN IMMEDIATE. Every other transaction begins DEFERRED.
_immediate: set[object] = set()


def _sqlite_begin(dbapi_connection) -> None:  # type: ignore[no-untyped-def]
    dbapi_connection.driver_connection.execute(
        "BEGIN IMMEDIATE" if dbapi_connection in _immediate else "BEGIN DEFERRED"
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        # Let us issue BEGIN ourselves (pysqlite's own BEGIN is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    # The BEGIN is the dialect's, not a "begin" event listener (SQLAlchemy's recipe): any
    # Connection event switches on event dispatch for every connect, statement and commit
    # of the engine, which costs more per transaction than SQLite's whole commit.
    engine.dialect.do_begin = _sqlite_begin  # type: ignore[method-assign]


def alembic_config(engine: Engine):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Migrations run on `engine` itself (see migrations/env.py); the URL is only for show,
    # so it carries no password. % is doubled for the config file syntax alembic uses.
    cfg.set_main_option("sqlalchemy.url", shown_url(engine.url).replace("%", "%%"))
    cfg.attributes["engine"] = engine
    return cfg


def current_heads(engine: Engine) -> frozenset[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return frozenset(MigrationContext.configure(conn).get_current_heads())


def head_revisions(engine: Engine) -> frozenset[str]:
    from alembic.script import ScriptDirectory

    return frozenset(ScriptDirectory.from_config(alembic_config(engine)).get_heads())


def upgrade(engine: Engine, revision: str = "heads") -> None:
    from alembic import command

    with _upgrade_lock:
        command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with _upgrade_lock:
        command.downgrade(alembic_config(engine), revision)


_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(.+)$", re.M)


def shipped_heads() -> frozenset[str]:
    """The newest revisions among the shipped migration files, read without alembic (fast)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found:
            revisions.add(found.group(1))
        down = _DOWN.search(source)
        if down:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return frozenset(revisions - parents)


def _stored_heads(engine: Engine) -> frozenset[str]:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return frozenset()
        return frozenset(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars())


def needs_upgrade(engine: Engine) -> bool:
    return _stored_heads(engine) != shipped_heads()


def open_database(url: str, *, upgrade_schema: bool = True, **kwargs) -> Engine:  # type: ignore[no-untyped-def]
    """An engine for `url`, with an empty or old schema upgraded to the current one."""
    engine = create_floor_engine(url, **kwargs)
    if upgrade_schema and needs_upgrade(engine):
        upgrade(engine)
    return engine


def has_schema(engine: Engine) -> bool:
    return inspect(engine).has_table("balances")


def is_database_failure(exc: BaseException) -> bool:
    """True when `exc` came from the database driver (server gone, connection lost, ...):
    the screens tell the operator the database is not answering instead of a generic error."""
    return isinstance(exc, DBAPIError)


def _is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, IntegrityError):
        # A concurrent insert of the same balance key or scan id: the retry sees the row.
        orig = getattr(exc, "orig", None)
        return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint" in str(orig)
    if isinstance(exc, OperationalError | DBAPIError):
        orig = getattr(exc, "orig", None)
        sqlstate = getattr(orig, "sqlstate", None) or getattr(
            getattr(orig, "diag", None), "sqlstate", None
        )
        if sqlstate in ("40001", "40P01", "55P03"):
            return True
        text = str(orig or exc).lower()
        return "database is locked" in text or "database table is locked" in text
    return False


class _Parked:
    """A thread's Session between transactions and, on SQLite, the connection it runs on."""

    __slots__ = ("connection", "engine", "session")

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.connection: Connection | None = engine.connect() if is_sqlite(engine) else None
        self.session = Session(self.connection or engine, expire_on_commit=False, autoflush=True)

    def close(self) -> None:
        self.session.close()
        if self.connection is not None:
            self.connection.close()

    def __del__(self) -> None:
        # the thread ended or parked another: give the connection back to the pool
        with suppress(Exception):
            self.close()


class _Idle(threading.local):
    """Each thread reuses its last write Session (SQLAlchemy's scoped-session pattern) and,
    on SQLite, keeps its connection checked out: making a Session and checking a
    connection in and out cost more than a scan's whole transaction does on SQLite. A
    closed Session holds no objects, and an idle SQLite connection holds no lock.
    PostgreSQL connections go back to the pool after every transaction."""

    parked: _Parked | None = None


_idle = _Idle()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One write transaction: commit on success, roll back on any error.

    On SQLite it begins IMMEDIATE (at its first statement): it takes the write lock
    first, so two stations never both read and then both try to write."""
    parked = _idle.parked
    if parked is not None and parked.engine is engine:
        _idle.parked = None  # in use: a nested scope on this thread makes its own
    else:
        parked = _Parked(engine)
    session = parked.session
    pooled = parked.connection.connection if parked.connection is not None else None
    if pooled is not None:
        _immediate.add(pooled)
    try:
        with session.begin():
            yield session
    finally:
        session.close()
        _immediate.discard(pooled)
        session.info.clear()
        if parked.connection is not None and parked.connection.in_transaction():
            parked.close()  # not expected: never park a connection mid-transaction
        else:
            _idle.parked = parked


def transaction(engine: Engine, work: Callable[[Session], T], *, attempts: int = MAX_ATTEMPTS) -> T:
    """Run `work(session)` in one transaction, retried on serialization failure or deadlock,
    and on a connection found dead before the commit (see ping_when_idle).

    `work` must be safe to run again from the start: each attempt has a clean session.
    """
    for attempt in range(1, attempts + 1):
        committing = False
        try:
            with session_scope(engine) as session:
                result = work(session)
                committing = True
            return result
        except (OperationalError, IntegrityError, DBAPIError) as exc:
            # a connection found dead before the commit was sent: nothing was written
            stale = not committing and getattr(exc, "connection_invalidated", False)
            if attempt == attempts or not (stale or _is_retryable(exc)):
                raise
            time.sleep(min(0.2, 0.002 * 2**attempt) * (0.5 + random.random()))
    raise AssertionError("unreachable")


def read_only(engine: Engine) -> Session:
    """A session for reads; on SQLite its transaction starts DEFERRED (no write lock)."""
    return Session(bind=engine, expire_on_commit=False)
