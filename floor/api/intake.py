"""Orders and purchase orders sent in through the API, checked as the importers check a file.

A request body is one order in the shape of an import file's JSON record (number,
external_ref, ship_to, lines of sku and quantity, ...), read as a one-row source by the
importer's own parser (floor/imports/orders.py, purchase_orders.py), so the API refuses
what `floor import` refuses, naming the same field. It is written in one transaction with
an audit entry naming the API key.

Sending the same order again changes nothing: a sales order is known by its channel and
external reference (the body's `channel`, default "api"), a purchase order by its number;
the answer then says it was already there. Two requests with the same order at the same
time: the database's unique constraint refuses the second insert, and the retried
transaction finds the order there.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, and_, bindparam, insert, or_, select
from sqlalchemy.orm import Session

from floor import audit
from floor.api.keys import KeyInfo
from floor.db import transaction
from floor.driver_sql import DriverStatement, cursor_of
from floor.i18n import _
from floor.imports import orders, purchase_orders
from floor.imports.problems import ImportProblem, ImportRejected, Problems
from floor.imports.runner import check_channel
from floor.imports.source import Source, SourceRow
from floor.models import Address, AuditEntry, Item, SalesOrder, SalesOrderLine, Warehouse, utcnow
from floor.stock.stock_report import find_warehouse

REQUEST = "request"  # how problems name the body (the importers name a file)
DEFAULT_CHANNEL = "api"


class BodySource(Source):
    """A request body as a source of JSON records, for the importers' parsers: one order
    (its fields named as they are), or a batch (named `orders[i].field`, line i + 1)."""

    def __init__(self, body: dict[str, Any] | list[Any]) -> None:
        super().__init__(REQUEST, Path(REQUEST))
        if isinstance(body, dict):
            self._rows = [SourceRow(1, body, "")]
        else:
            self._rows = [
                SourceRow(i + 1, entry if isinstance(entry, dict) else {}, f"orders[{i}]")
                for i, entry in enumerate(body)
            ]

    @property
    def rows(self) -> Iterator[SourceRow]:
        yield from self._rows

    def bytes_read(self) -> int:
        return 0

    def close(self) -> None:
        pass


def _body_problem(column: str, expected: str, got: Any) -> ImportRejected:
    return ImportRejected(REQUEST, [ImportProblem(REQUEST, 1, column, expected, str(got))])


def _text_field(body: dict[str, Any], name: str, default: str) -> str:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str) or not value.strip():
        raise _body_problem(name, _("a non-empty text"), value)
    return value.strip()


@dataclass(frozen=True)
class Accepted:
    number: str
    created: bool  # False: it was there already, nothing changed


def _check_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ImportRejected(
            REQUEST, [ImportProblem(REQUEST, 1, "", _("a JSON object"), type(body).__name__)]
        )
    return body


@dataclass(frozen=True)
class OrderIn:
    """One sales order of a request, parsed and checked as far as it can be without the
    database; `add_order` or `add_orders` writes it."""

    warehouse: str
    channel: str
    record: orders.OrderRecord
    key: KeyInfo

    @property
    def groups(self) -> bool:
        """Whether it may be written in one transaction with others (`add_orders`): an
        order shipped already goes through the importer's own path, alone."""
        return not self.record.shipped


def parse_order(body: Any, key: KeyInfo, default_warehouse: str) -> OrderIn:
    """The sales order `body` as the importer reads it (ImportRejected with its problems)."""
    body = _check_body(body)
    channel = _text_field(body, "channel", DEFAULT_CHANNEL)
    check_channel(channel)
    warehouse = _text_field(body, "warehouse", default_warehouse)
    source = BodySource({k: v for k, v in body.items() if k not in ("channel", "warehouse")})
    parsed = orders.parse_json(source)
    if source.problems:
        raise ImportRejected(REQUEST, source.problems)
    return OrderIn(warehouse, channel, parsed.records[0], key)


def add_order(engine: Engine, order: OrderIn) -> Accepted:
    """Write `order` in a transaction of its own (ImportRejected, nothing written, when it
    has problems)."""

    def work(session: Session) -> Accepted:
        return _add_order(session, order.warehouse, order.channel, order.record, order.key)

    return transaction(engine, work)


def post_order(engine: Engine, body: Any, key: KeyInfo, default_warehouse: str) -> Accepted:
    """Add the sales order `body` (ImportRejected, nothing written, when it has problems)."""
    return add_order(engine, parse_order(body, key, default_warehouse))


# One order a request is the API's hot path (issue 17): the importer's `orders.apply` is
# built for files of thousands of orders through the ORM, where one order paid for two
# flushes of the unit of work. `_add_order` makes the same checks, in the same order and
# with the same problems, for one order: one read for the warehouse and any order already
# there by reference or number, one for the SKUs, then the INSERTs; all of them straight on
# the driver inside the session's transaction (floor/driver_sql.py), every column named.
_ORDERS = SalesOrder.__table__
_WAREHOUSE_AND_ORDERS = DriverStatement(
    select(Warehouse.id, SalesOrder.number, SalesOrder.channel, SalesOrder.external_ref)
    .select_from(Warehouse)
    .outerjoin(
        SalesOrder,
        or_(
            and_(
                SalesOrder.channel == bindparam("channel"),
                SalesOrder.external_ref == bindparam("external_ref"),
            ),
            SalesOrder.number == bindparam("number"),
        ),
    )
    .where(Warehouse.code == bindparam("warehouse"))
)
_ITEM = DriverStatement(select(Item.id, Item.sku).where(Item.sku == bindparam("sku")))
ITEMS_BY_SKU = select(Item.id, Item.sku).where(Item.sku.in_(bindparam("skus", expanding=True)))


def _inserting(table: Table, returning: bool) -> tuple[DriverStatement, dict[str, Any]]:
    """An INSERT of every column of `table` but its id on the driver, and the columns'
    defaults (the driver applies none: a row starts from these)."""
    names = [c.name for c in table.columns if not c.primary_key]
    statement = insert(table).returning(table.c.id) if returning else insert(table).inline()
    defaults: dict[str, Any] = {}
    for name in names:
        default = table.c[name].default
        value = getattr(default, "arg", None) if getattr(default, "is_scalar", False) else None
        defaults[name] = value.value if isinstance(value, Enum) else value
    return DriverStatement(statement, names), defaults


INSERT_ADDRESS, ADDRESS_ROW = _inserting(Address.__table__, returning=True)
INSERT_ORDER, ORDER_ROW = _inserting(_ORDERS, returning=True)
INSERT_LINE, LINE_ROW = _inserting(SalesOrderLine.__table__, returning=False)
INSERT_AUDIT, AUDIT_ROW = _inserting(AuditEntry.__table__, returning=False)


def number_taken(record: orders.OrderRecord, channel: str, ref: str) -> ImportProblem:
    """The importer's problem for an order whose number another order (of `channel`,
    reference `ref`) holds."""
    return ImportProblem(
        REQUEST,
        record.line,
        "",
        _("an order number not in use (it is {channel} order {ref})", channel=channel, ref=ref),
        record.number,
    )


def _add_order(
    session: Session, warehouse: str, channel: str, record: orders.OrderRecord, key: KeyInfo
) -> Accepted:
    """`orders.apply` for the one order `record`, then its audit entry."""
    found = Problems()
    cursor, conn = cursor_of(session)
    try:
        rows = _WAREHOUSE_AND_ORDERS.execute(
            cursor,
            conn,
            {
                "warehouse": warehouse,
                "channel": channel,
                "external_ref": record.external_ref,
                "number": record.number,
            },
        ).fetchall()
        if not rows:
            find_warehouse(session, warehouse)  # NotFound naming the warehouses there are
        warehouse_id = rows[0][0]
        # orders.resolve_skus: the same problem for a SKU that is not an item
        skus = list(dict.fromkeys(line.sku for line in record.lines))
        if len(skus) == 1:
            found_items = _ITEM.execute(cursor, conn, {"sku": skus[0]}).fetchall()
        else:
            found_items = conn.execute(ITEMS_BY_SKU, {"skus": skus}).all()
        items = {sku: item_id for item_id, sku in found_items}
        for line in record.lines:
            if line.sku not in items:
                found.append(
                    ImportProblem(
                        REQUEST, line.line, line.sku_column, _("the SKU of an item"), line.sku
                    )
                )
        there = next((r for r in rows if (r[2], r[3]) == (channel, record.external_ref)), None)
        clash = next((r for r in rows if r[1] == record.number), None)
        if there is None and clash is not None:
            found.append(number_taken(record, clash[2], clash[3]))
        if found:
            raise ImportRejected(REQUEST, found)
        if there is not None:
            return Accepted(there[1], False)
        now = utcnow()
        if record.shipped:  # not from JSON; the importer's path knows how
            orders.apply(session, REQUEST, warehouse_id, channel, [record], found)
            if found:
                raise ImportRejected(REQUEST, found)
        else:
            order = {
                **ORDER_ROW,
                **{k: v for k, v in record.values.items() if v is not None},
                "number": record.number,
                "channel": channel,
                "external_ref": record.external_ref,
                "warehouse_id": warehouse_id,
                "created_at": now,
            }
            if record.ship_to:
                address = {**ADDRESS_ROW, **record.ship_to}
                order["ship_to_id"] = INSERT_ADDRESS.execute(cursor, conn, address).fetchone()[0]
            order_id = INSERT_ORDER.execute(cursor, conn, order).fetchone()[0]
            lines = [
                {
                    **LINE_ROW,
                    "order_id": order_id,
                    "line_no": line_no,
                    "item_id": items[line.sku],
                    "quantity_ordered": line.quantity,
                    "external_ref": line.external_ref,
                }
                for line_no, line in enumerate(record.lines, start=1)
            ]
            if len(lines) == 1:
                INSERT_LINE.execute(cursor, conn, lines[0])
            else:
                INSERT_LINE.execute_many(cursor, conn, lines)
        details = {
            "key_id": key.id,
            "key_name": key.name,
            "channel": channel,
            "external_ref": record.external_ref,
            "lines": len(record.lines),
        }
        INSERT_AUDIT.execute(
            cursor,
            conn,
            {
                **AUDIT_ROW,
                "action": audit.API_ORDER,
                "subject": record.number[:80],
                "station": key.station[:20],
                "created_at": now,
                "details": details,
            },
        )
    finally:
        cursor.close()
    return Accepted(record.number, True)


MAX_BATCH = 1000


@dataclass(frozen=True)
class BatchAccepted:
    created: list[str]
    unchanged: list[str]  # already there (same channel and external reference)


def post_orders(engine: Engine, body: Any, key: KeyInfo, default_warehouse: str) -> BatchAccepted:
    """Add a batch of sales orders `{"channel", "warehouse", "orders": [...]}` in one
    transaction, all or nothing, as `floor import` adds a file; orders already there are left
    as they are."""
    body = _check_body(body)
    channel = _text_field(body, "channel", DEFAULT_CHANNEL)
    check_channel(channel)
    warehouse = _text_field(body, "warehouse", default_warehouse)
    entries = body.get("orders")
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_BATCH:
        raise _body_problem(
            "orders", _("a list of 1 to {n} orders", n=MAX_BATCH), type(entries).__name__
        )
    source = BodySource(entries)
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            source.problems.append(
                ImportProblem(REQUEST, i + 1, f"orders[{i}]", _("a JSON object"), str(entry))
            )
    parsed = orders.parse_json(source)
    seen: dict[str, int] = {}
    for record in parsed.records:
        if record.external_ref in seen:
            first = seen[record.external_ref]
            source.problems.append(
                ImportProblem(
                    REQUEST,
                    record.line,
                    f"orders[{record.line - 1}].external_ref",
                    _("an order not already in this batch (orders[{i}])", i=first),
                    record.external_ref,
                )
            )
        seen.setdefault(record.external_ref, record.line - 1)
    if source.problems:
        raise ImportRejected(REQUEST, source.problems)

    def work(session: Session) -> BatchAccepted:
        found = Problems()
        warehouse_id = find_warehouse(session, warehouse)
        applied = orders.apply(session, REQUEST, warehouse_id, channel, parsed.records, found)
        if found:
            named = [replace(p, column=p.column or f"orders[{p.line - 1}].number") for p in found]
            raise ImportRejected(REQUEST, named)
        unchanged = set(applied.unchanged)
        created = [r.number for r in parsed.records if r.number not in unchanged]
        for record in parsed.records:
            if record.number in unchanged:
                continue
            audit.record(
                session,
                audit.API_ORDER,
                record.number,
                key,
                key_id=key.id,
                key_name=key.name,
                channel=channel,
                external_ref=record.external_ref,
                lines=len(record.lines),
            )
        return BatchAccepted(created, [r.number for r in parsed.records if r.number in unchanged])

    return transaction(engine, work)


def post_purchase_order(
    engine: Engine, body: Any, key: KeyInfo, default_warehouse: str
) -> Accepted:
    """Add the purchase order (or ASN) `body`; one already there by number is left as it is."""
    body = _check_body(body)
    warehouse = _text_field(body, "warehouse", default_warehouse)
    source = BodySource({k: v for k, v in body.items() if k != "warehouse"})
    records = purchase_orders.parse_json(source)
    if source.problems:
        raise ImportRejected(REQUEST, source.problems)
    record = records[0]

    def work(session: Session) -> Accepted:
        found = Problems()
        warehouse_id = find_warehouse(session, warehouse)
        applied = purchase_orders.apply(session, REQUEST, warehouse_id, [record], found)
        if found:
            raise ImportRejected(REQUEST, found)
        if not applied.created:
            return Accepted(record.number, False)
        audit.record(
            session,
            audit.API_PURCHASE_ORDER,
            record.number,
            key,
            key_id=key.id,
            key_name=key.name,
            supplier=record.supplier,
            lines=len(record.lines),
        )
        return Accepted(record.number, True)

    return transaction(engine, work)
