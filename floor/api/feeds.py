"""Movements and shipments since a cursor: every row handed out once, none skipped.

A reader keeps the cursor of the last row it got and asks for what came after. Ids alone
cannot be that cursor on PostgreSQL: ids are taken when a row is written, but transactions
commit in any order, so a row with a lower id may become visible after a higher one was
handed out, and a reader past it would never see it.

So every feed row carries the id of the transaction that wrote it (`xact_id`, the column
default `pg_current_xact_id()`; see migration api_0001) and the feed is read in
(xact_id, id) order, handing out only rows of transactions below the snapshot's xmin
(`pg_current_snapshot()`, in the same statement, so the same snapshot):
every transaction below xmin has ended, and every transaction still running or yet to start
has an id at or above it. No row can appear later before a cursor already handed out. A
long transaction holds the feed back while it runs (rows wait; none is lost).

Transaction ids are counted for the whole server, so xmin is held back by transactions in
other databases too; the horizon used is therefore the lowest in-progress id of the
snapshot that is not a backend of another database (pg_stat_activity), which only moves
it past transactions that cannot write here (see HORIZON).

On SQLite one transaction writes at a time (BEGIN IMMEDIATE), so ids are in commit order:
`xact_id` is 0 and the order is the id's.

The cursor is opaque text `<xact_id>.<id>`; "" or "0" starts from the beginning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, literal_column, select, tuple_
from sqlalchemy.orm import Session, aliased

from floor.errors import InvalidInput
from floor.i18n import _
from floor.models import (
    ApiEvent,
    Container,
    Item,
    Location,
    Movement,
    StockTransaction,
    Warehouse,
)
from floor.outbox import SHIPMENT_CONFIRMED

MAX_LIMIT = 5000
DEFAULT_LIMIT = 500
# The lowest transaction id that may still write to this database, in the statement's own
# snapshot: the lowest in-progress id of the snapshot that is not known to be a backend of
# another database (a transaction there cannot write here; one not found is counted as
# ours), else the snapshot's xmax. pg_stat_activity's backend_xid is 32 bits: compared
# modulo 2^32 (in-progress ids are never 2^32 apart).
HORIZON = literal_column(
    """(SELECT COALESCE(
    (SELECT min(x) FROM pg_snapshot_xip(pg_current_snapshot()) AS x
      WHERE ((x::text)::bigint % 4294967296) NOT IN (
        SELECT (backend_xid::text)::bigint FROM pg_stat_activity
         WHERE backend_xid IS NOT NULL
           AND datid IS DISTINCT FROM
               (SELECT oid FROM pg_database WHERE datname = current_database()))),
    pg_snapshot_xmax(pg_current_snapshot()))::text::bigint)"""
)


@dataclass(frozen=True, order=True)
class Cursor:
    xact_id: int = 0
    id: int = 0

    def __str__(self) -> str:
        return f"{self.xact_id}.{self.id}"


def parse_cursor(text: str | None) -> Cursor:
    if not text or text == "0":
        return Cursor()
    head, dot, tail = text.partition(".")
    if dot and head.isdigit() and tail.isdigit():
        return Cursor(int(head), int(tail))
    raise InvalidInput(
        _("cursor: expected the next_cursor of an earlier page, got {got}", got=text),
        expected=_("the next_cursor of an earlier page"),
    )


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            _("limit: expected 1 to {n}, got {got}", n=MAX_LIMIT, got=limit),
            expected=_("1 to {n}", n=MAX_LIMIT),
        )
    return limit


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    next_cursor: str
    more: bool  # a full page: ask again at once


def _page(
    session: Session,
    stmt: Select[Any],
    xact: ColumnElement[int],
    row_id: ColumnElement[int],
    after: Cursor,
    limit: int,
    render: Any,
) -> Page:
    stmt = stmt.where(tuple_(xact, row_id) > tuple_(after.xact_id, after.id))
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.where(xact < HORIZON)
    stmt = stmt.order_by(xact, row_id).limit(limit)
    rows = session.execute(stmt).all()
    last = Cursor(rows[-1].xact_id, rows[-1].id) if rows else after
    return Page([render(row) for row in rows], str(last), len(rows) == limit)


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat() if value is not None else None


def movements_since(session: Session, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page:
    """The ledger's movements after `cursor`, oldest first (every warehouse)."""
    after = parse_cursor(cursor)
    box = aliased(Container)
    stmt = (
        select(
            Movement.xact_id,
            Movement.id,
            Movement.transaction_id,
            StockTransaction.kind,
            StockTransaction.reason,
            StockTransaction.reference,
            Warehouse.code.label("warehouse"),
            Location.code.label("location"),
            Item.sku,
            Movement.lot,
            Movement.expiry,
            box.code.label("container"),
            Movement.quantity_delta,
            Movement.reserved_delta,
            Movement.created_at,
        )
        .join(StockTransaction, StockTransaction.id == Movement.transaction_id)
        .join(Location, Location.id == Movement.location_id)
        .join(Warehouse, Warehouse.id == Location.warehouse_id)
        .join(Item, Item.id == Movement.item_id)
        .outerjoin(box, box.id == Movement.container_id)
    )

    def render(row: Any) -> dict[str, Any]:
        # by position: a thousand rows a page, attribute access by name costs a third of it
        (xact_id, row_id, transaction_id, kind, reason, reference, warehouse, location, sku, lot,
         expiry, container, quantity_delta, reserved_delta, created_at) = row  # fmt: skip
        return {
            "cursor": f"{xact_id}.{row_id}",
            "id": row_id,
            "transaction_id": transaction_id,
            "kind": kind,
            "reason": reason,
            "reference": reference,
            "warehouse": warehouse,
            "location": location,
            "sku": sku,
            "lot": lot,
            "expiry": _iso(expiry) if expiry is not None else None,
            "container": container or "",
            "quantity_delta": quantity_delta,
            "reserved_delta": reserved_delta,
            "at": _iso(created_at),
        }

    return _page(session, stmt, Movement.xact_id, Movement.id, after, check_limit(limit), render)


def events_since(
    session: Session, cursor: str | None, limit: int = DEFAULT_LIMIT, kind: str | None = None
) -> Page:
    """Events of the outbox after `cursor` (all kinds, or one), oldest first."""
    after = parse_cursor(cursor)
    stmt = select(
        ApiEvent.xact_id,
        ApiEvent.id,
        ApiEvent.kind,
        ApiEvent.subject,
        ApiEvent.payload,
        ApiEvent.created_at,
    )
    if kind is not None:
        stmt = stmt.where(ApiEvent.kind == kind)

    def render(row: Any) -> dict[str, Any]:
        return {
            "cursor": str(Cursor(row.xact_id, row.id)),
            "id": row.id,
            "type": row.kind,
            "subject": row.subject,
            "at": _iso(row.created_at),
            "data": row.payload,
        }

    return _page(session, stmt, ApiEvent.xact_id, ApiEvent.id, after, check_limit(limit), render)


def shipments_since(session: Session, cursor: str | None, limit: int = DEFAULT_LIMIT) -> Page:
    """Cartons shipped after `cursor`, oldest first: order, SSCC, carrier, tracking number,
    weight and contents (the `shipment.confirmed` events)."""
    page = events_since(session, cursor, limit, SHIPMENT_CONFIRMED)
    rows = [{"cursor": r["cursor"], "event_id": r["id"], **r["data"]} for r in page.rows]
    return Page(rows, page.next_cursor, page.more)
