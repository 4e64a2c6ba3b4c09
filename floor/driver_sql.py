"""Hot statements run straight on the driver, inside the Session's own transaction.

On SQLite a statement costs a few microseconds, while SQLAlchemy's per-execution machinery
(cache key, compiled lookup, execution context, result wrapping) costs tens. For the few
statements every scan runs, `DriverStatement` compiles a Core statement once per dialect
and executes it on the DBAPI cursor of the Session's connection: the same SQL SQLAlchemy
would send, with the same stored values, without the machinery. Everything else keeps
using the ORM. `JsonRowsInsert` writes many rows of a table with one statement on PostgreSQL.

Values are passed by bind name and converted by the column types' own bind processors, so
they are stored exactly as SQLAlchemy stores them (on SQLite, dates and times as ISO text).
Python-side column defaults (`default=`, `onupdate=`) are not applied: a statement names
every column it writes.

A driver error is raised as the SQLAlchemy exception the same statement would raise through
the ORM (`DBAPIError.instance`: IntegrityError, OperationalError, ...), with the driver's
own error as `orig`, so `floor.db.transaction()` recognises a deadlock, a serialization
failure or a locked SQLite database on this path too and retries it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Column, Connection, String, Table
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable


class DriverStatement:
    """A Core statement compiled once per dialect, executed on the raw DBAPI cursor.

    `columns`: for an INSERT, the columns given (as SQLAlchemy compiles for the keys of
    an execution's parameters); their bind names are the column names.
    """

    __slots__ = ("_compiled", "columns", "statement")

    def __init__(self, statement: Executable, columns: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.columns = list(columns) if columns is not None else None
        self._compiled: dict[str, _Compiled] = {}

    def compiled(self, conn: Connection) -> _Compiled:
        found = self._compiled.get(conn.dialect.name)
        if found is None:
            found = self._compiled[conn.dialect.name] = _Compiled(self, conn)
        return found

    def execute(self, cursor: Any, conn: Connection, params: Mapping[str, object]) -> Any:
        """Run on `cursor` (from `cursor_of`); returns the cursor for fetchone/fetchall."""
        compiled = self.compiled(conn)
        values = compiled.values(params)
        try:
            cursor.execute(compiled.sql, values)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _as_sqlalchemy_error(conn, compiled.sql, values, exc) from exc
        return cursor

    def run(self, session: Session, params: Mapping[str, object]) -> None:
        """Run once in the Session's transaction on a cursor of its own (a write)."""
        cursor, conn = cursor_of(session)
        try:
            self.execute(cursor, conn, params)
        finally:
            cursor.close()

    def first_row(self, session: Session, params: Mapping[str, object]) -> tuple[Any, ...] | None:
        """Run once in the Session's transaction: its first row, converted (`convert_row`),
        or None."""
        cursor, conn = cursor_of(session)
        try:
            row = self.execute(cursor, conn, params).fetchone()
        finally:
            cursor.close()
        return None if row is None else self.convert_row(conn, row)

    def convert_row(self, conn: Connection, row: Sequence[Any]) -> tuple[Any, ...]:
        """A row fetched by this statement with each value as SQLAlchemy would return it
        (its column type's result processor: on SQLite, JSON text becomes a dict)."""
        processors = self.compiled(conn).results
        if not any(processors):
            return tuple(row)
        return tuple(
            value if process is None or value is None else process(value)
            for value, process in zip(row, processors, strict=False)
        )

    def execute_many(
        self, cursor: Any, conn: Connection, rows: Sequence[Mapping[str, object]]
    ) -> None:
        compiled = self.compiled(conn)
        values = [compiled.values(r) for r in rows]
        try:
            cursor.executemany(compiled.sql, values)
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _as_sqlalchemy_error(conn, compiled.sql, values, exc) from exc

    def execute_many_returning(
        self, cursor: Any, conn: Connection, rows: Sequence[Mapping[str, object]]
    ) -> list[Any]:
        """An INSERT ... RETURNING for each of `rows`, in order: the row each returned. On
        psycopg one executemany (a pipeline: one round trip); on other drivers, whose
        executemany returns nothing, one execute each."""
        if not rows:
            return []
        compiled = self.compiled(conn)
        values = [compiled.values(r) for r in rows]
        try:
            if conn.dialect.driver != "psycopg":
                return [cursor.execute(compiled.sql, v).fetchone() for v in values]
            cursor.executemany(compiled.sql, values, returning=True)
            returned = [cursor.fetchone()]
            while cursor.nextset():
                returned.append(cursor.fetchone())
            return returned
        except conn.dialect.loaded_dbapi.Error as exc:
            raise _as_sqlalchemy_error(conn, compiled.sql, values, exc) from exc


def _as_sqlalchemy_error(conn: Connection, sql: str, values: Any, exc: Exception) -> BaseException:
    """The exception SQLAlchemy raises for `exc` from the driver (as the ORM path would)."""
    return DBAPIError.instance(
        sql, values, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
    )


class _Compiled:
    """One dialect's SQL text, its binds in order with the type conversion each needs
    (SQLAlchemy's own bind processors: on SQLite, dates and times become ISO text), and the
    values of binds the statement itself carries (`status="done"`)."""

    __slots__ = ("convert", "fixed", "names", "positional", "required", "results", "sql")

    def __init__(self, owner: DriverStatement, conn: Connection) -> None:
        dialect = conn.dialect
        compiled = owner.statement.compile(dialect=dialect, column_keys=owner.columns)
        self.sql: str = compiled.string
        self.positional = bool(compiled.positional)
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ()) if self.positional else ()
        self.convert: dict[str, Callable[[Any], Any]] = {}
        self.fixed: dict[str, object] = {}
        for bind, name in compiled.bind_names.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self.convert[name] = processor
            if not bind.required and bind.effective_value is not None:
                self.fixed[name] = bind.effective_value
        self.required = frozenset(compiled.bind_names.values()) - self.fixed.keys()
        self.results: list[Callable[[Any], Any] | None] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in getattr(compiled, "_result_columns", ())
        ]

    def values(self, params: Mapping[str, object]) -> Any:
        if not self.required <= params.keys():
            missing = ", ".join(sorted(self.required - params.keys()))
            raise KeyError(f"no value for {missing} in {self.sql!r}")
        if self.fixed:
            params = {**self.fixed, **params}
        if self.convert:
            params = dict(params)
            for name, processor in self.convert.items():
                if name in params:
                    params[name] = processor(params[name])
        return [params[n] for n in self.names] if self.positional else params


class JsonRowsInsert:
    """Any number of rows of `table` inserted by one statement on PostgreSQL, the rows bound
    as one JSON array of objects and read back by `json_to_recordset` with each column's
    type: `INSERT INTO t (...) SELECT ... FROM json_to_recordset(CAST(:t AS json)) AS
    r(a type, ...)`. The text is the same for one row as for a thousand, so the server plans
    it once (psycopg prepares it) and it takes one `execute` with one parameter, not
    executemany's pipeline (nor a parameter a column, each an array psycopg dumps in Python).

    `sql` is that INSERT (for a statement of one's own, or a data-modifying CTE); `binds`
    the parameter for `rows`. Every column of the table is named, the id too when `ids`: a
    new column is written with the others, and a row lacking a value for one is refused
    (KeyError) rather than written with NULL. Dates and times go as ISO text, read by
    PostgreSQL's own input (exact to the microsecond, with the offset); a JSON column's value
    is serialized as the dialect serializes it alone and cast to json, so the stored text is
    the same; text goes as it is (not as \\u escapes, which a server not in UTF-8 refuses).
    Columns are read with their type without its length: a text too long for its column is
    refused by the INSERT, as a row inserted alone is (a cast would cut it short). A float
    NaN or infinity has no JSON form: PostgreSQL refuses the statement.
    """

    __slots__ = ("_json", "columns", "sql", "table")

    def __init__(self, table: Table, *, ids: bool = False) -> None:
        self.table = table
        self.columns: list[Column[Any]] = [c for c in table.columns if ids or not c.primary_key]
        pg = postgresql.dialect()
        quote = pg.identifier_preparer.quote
        self._json = [c.name for c in self.columns if isinstance(c.type, JSON)]
        read = ", ".join(
            f"CAST(r.{quote(c.name)} AS {c.type.compile(dialect=pg)})"
            if c.name in self._json
            else f"r.{quote(c.name)}"
            for c in self.columns
        )
        record = ", ".join(
            f"{quote(c.name)} {'text' if c.name in self._json else _read_as(c, pg)}"
            for c in self.columns
        )
        self.sql = (
            f"INSERT INTO {pg.identifier_preparer.format_table(table)} "
            f"({', '.join(quote(c.name) for c in self.columns)}) SELECT {read} "
            f"FROM json_to_recordset(CAST(:{table.name} AS json)) AS r({record})"
        )

    def binds(self, conn: Connection, rows: Sequence[Mapping[str, object]]) -> dict[str, str]:
        """The parameter of `rows` (each a value for every column)."""
        names = [c.name for c in self.columns]
        objects = [{name: row[name] for name in names} for row in rows]
        if self._json:
            serialize = getattr(conn.dialect, "_json_serializer", None) or json.dumps
            for entry in objects:
                for name in self._json:
                    entry[name] = serialize(entry[name])
        return {self.table.name: json.dumps(objects, default=_json_value, ensure_ascii=False)}


def _json_value(value: object) -> object:
    """A value JSON has no type for, as PostgreSQL reads it from text."""
    if isinstance(value, dt.date | dt.time):  # datetimes too
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} {value!r} has no JSON form here")


def _read_as(column: Column[Any], dialect: Any) -> str:
    """The PostgreSQL type `column`'s values are read as: its own, without a length."""
    kind = column.type
    if isinstance(kind, String) and kind.length is not None:
        kind = kind.adapt(type(kind), length=None)
    return kind.compile(dialect=dialect)


_CONNECTION = "floor.driver_sql.connection"


def cursor_of(session: Session) -> tuple[Any, Connection]:
    """A DBAPI cursor on the Session's connection (starting its transaction if needed),
    and that connection. Close the cursor when done."""
    transaction = session.get_transaction()
    held = session.info.get(_CONNECTION)
    if held is not None and transaction is not None and held[0] is transaction:
        conn = held[1]
    else:
        conn = session.connection()
        session.info[_CONNECTION] = (session.get_transaction(), conn)
    return conn.connection.driver_connection.cursor(), conn
