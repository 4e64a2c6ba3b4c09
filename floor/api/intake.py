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
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, bindparam, insert, or_, select
from sqlalchemy.orm import Session

from floor import audit
from floor.api.keys import KeyInfo
from floor.db import transaction
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


def post_order(engine: Engine, body: Any, key: KeyInfo, default_warehouse: str) -> Accepted:
    """Add the sales order `body` (ImportRejected, nothing written, when it has problems)."""
    body = _check_body(body)
    channel = _text_field(body, "channel", DEFAULT_CHANNEL)
    check_channel(channel)
    warehouse = _text_field(body, "warehouse", default_warehouse)
    source = BodySource({k: v for k, v in body.items() if k not in ("channel", "warehouse")})
    parsed = orders.parse_json(source)
    if source.problems:
        raise ImportRejected(REQUEST, source.problems)
    record = parsed.records[0]

    def work(session: Session) -> Accepted:
        return _add_order(session, warehouse, channel, record, key)

    return transaction(engine, work)


# One order a request is the API's hot path (issue 17): the importer's `orders.apply` is
# built for files of thousands of orders through the ORM, where one order pays for two
# flushes of the unit of work. `_add_order` makes the same checks, in the same order and
# with the same problems, for one order, with one read for the warehouse and any order
# already there by reference or number, one for the SKUs, and plain Core INSERTs.
_ORDERS = SalesOrder.__table__
_WAREHOUSE_AND_ORDERS = (
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
_ITEMS = select(Item.id, Item.sku).where(Item.sku.in_(bindparam("skus", expanding=True)))
_INSERT_ADDRESS = insert(Address.__table__).returning(Address.__table__.c.id)
_INSERT_ORDER = insert(_ORDERS).returning(_ORDERS.c.id)
_INSERT_LINES = insert(SalesOrderLine.__table__)
_INSERT_AUDIT = insert(AuditEntry.__table__)


def _add_order(
    session: Session, warehouse: str, channel: str, record: orders.OrderRecord, key: KeyInfo
) -> Accepted:
    """`orders.apply` for the one order `record`, then its audit entry."""
    found = Problems()
    conn = session.connection()
    rows = conn.execute(
        _WAREHOUSE_AND_ORDERS,
        {
            "warehouse": warehouse,
            "channel": channel,
            "external_ref": record.external_ref,
            "number": record.number,
        },
    ).all()
    if not rows:
        find_warehouse(session, warehouse)  # NotFound naming the warehouses there are
    warehouse_id = rows[0][0]
    # orders.resolve_skus, as one cached statement
    skus = list(dict.fromkeys(line.sku for line in record.lines))
    items = {sku: item_id for item_id, sku in conn.execute(_ITEMS, {"skus": skus})}
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
        found.append(
            ImportProblem(
                REQUEST,
                record.line,
                "",
                _(
                    "an order number not in use (it is {channel} order {ref})",
                    channel=clash[2],
                    ref=clash[3],
                ),
                record.number,
            )
        )
    if found:
        raise ImportRejected(REQUEST, found)
    if there is not None:
        return Accepted(there[1], False)
    if record.shipped:  # not from JSON; the importer's path knows how
        orders.apply(session, REQUEST, warehouse_id, channel, [record], found)
        if found:
            raise ImportRejected(REQUEST, found)
    else:
        values = {k: v for k, v in record.values.items() if v is not None}
        if record.ship_to:
            values["ship_to_id"] = conn.execute(_INSERT_ADDRESS, record.ship_to).scalar_one()
        order_id = conn.execute(
            _INSERT_ORDER,
            {
                **values,
                "number": record.number,
                "channel": channel,
                "external_ref": record.external_ref,
                "warehouse_id": warehouse_id,
            },
        ).scalar_one()
        conn.execute(
            _INSERT_LINES,
            [
                {
                    "order_id": order_id,
                    "line_no": line_no,
                    "item_id": items[line.sku],
                    "quantity_ordered": line.quantity,
                    "external_ref": line.external_ref,
                }
                for line_no, line in enumerate(record.lines, start=1)
            ],
        )
    conn.execute(
        _INSERT_AUDIT,
        {
            "action": audit.API_ORDER,
            "subject": record.number[:80],
            "operator_id": None,
            "station": key.station[:20],
            "created_at": utcnow(),
            "details": {
                "key_id": key.id,
                "key_name": key.name,
                "channel": channel,
                "external_ref": record.external_ref,
                "lines": len(record.lines),
            },
        },
    )
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
