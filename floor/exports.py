"""Exports of stock, movements, sales orders and shipments as CSV or JSON, text kept as
written (UTF-8).

Orders export in the shape `floor import orders` reads: CSV one row per line with the
order's fields repeated, JSON a list of orders with `ship_to` and `lines`. Shipments: JSON
one record per shipped carton with its `contents`, CSV one row per SKU, lot and expiry of a
carton with the carton's fields repeated and its serials space-separated; times in UTC.
CSV cells that a spreadsheet would run as a formula are written as text (floor.csv_cells);
JSON is exact.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from floor.csv_cells import CsvWriter
from floor.models import (
    Address,
    CartonStatus,
    CartonType,
    Container,
    Item,
    Location,
    Movement,
    Operator,
    PackedCarton,
    PackedCartonLine,
    SalesOrder,
    SalesOrderLine,
    StockTransaction,
)
from floor.stock.stock_report import stock_lines
from floor.tracking_exports import CHANNELS as TRACKING_CHANNELS
from floor.tracking_exports import write_tracking

EXPORTS = ("stock", "movements", "orders", "shipments")
FORMATS = ("csv", "json", *TRACKING_CHANNELS)

STOCK_COLUMNS = [
    "location",
    "sku",
    "description",
    "lot",
    "expiry",
    "container",
    "quantity",
    "reserved",
]
MOVEMENT_COLUMNS = [
    "movement",
    "time",
    "transaction",
    "kind",
    "reason",
    "reference",
    "operator",
    "station",
    "location",
    "sku",
    "lot",
    "expiry",
    "container",
    "quantity",
    "reserved",
]
ADDRESS_PARTS = [
    "name",
    "company",
    "line1",
    "line2",
    "city",
    "postcode",
    "province",
    "country",
    "phone",
    "email",
]
ORDER_COLUMNS = [
    "order",
    "channel",
    "external_ref",
    "status",
    "priority",
    "ship_by",
    "carrier",
    "service",
    "notes",
    *(f"ship_{part}" for part in ADDRESS_PARTS),
    "line_no",
    "sku",
    "quantity",
    "allocated",
    "picked",
    "shipped",
    "line_status",
]


SHIPMENT_COLUMNS = [
    "order",
    "sscc",
    "tracking_number",
    "carrier",
    "service",
    "manifest",
    "shipped_at",
    "weight_kg",
    "carton_type",
    "length_mm",
    "width_mm",
    "height_mm",
    "sku",
    "quantity",
    "lot",
    "expiry",
    "serials",
]


def stock_rows(session: Session, warehouse_id: int) -> Iterator[dict[str, Any]]:
    for line in stock_lines(session, warehouse_id):
        yield {
            "location": line.location,
            "sku": line.sku,
            "description": line.description,
            "lot": line.lot,
            "expiry": line.expiry,
            "container": line.container,
            "quantity": line.quantity,
            "reserved": line.reserved,
        }


def movement_rows(
    session: Session, warehouse_id: int, since: dt.datetime | None = None
) -> Iterator[dict[str, Any]]:
    stmt = (
        select(
            Movement,
            StockTransaction,
            Operator.badge,
            Location.code,
            Item.sku,
            Container.code,
        )
        .join(StockTransaction, StockTransaction.id == Movement.transaction_id)
        .outerjoin(Operator, Operator.id == StockTransaction.operator_id)
        .join(Location, Location.id == Movement.location_id)
        .join(Item, Item.id == Movement.item_id)
        .outerjoin(Container, Container.id == Movement.container_id)
        .where(Location.warehouse_id == warehouse_id)
        .order_by(Movement.id)
    )
    if since is not None:
        stmt = stmt.where(Movement.created_at >= since)
    for movement, tx, badge, location, sku, container in session.execute(stmt):
        yield {
            "movement": movement.id,
            "time": movement.created_at,
            "transaction": tx.id,
            "kind": tx.kind,
            "reason": tx.reason,
            "reference": tx.reference,
            "operator": badge or "",
            "station": tx.station,
            "location": location,
            "sku": sku,
            "lot": movement.lot,
            "expiry": movement.expiry,
            "container": container or "",
            "quantity": movement.quantity_delta,
            "reserved": movement.reserved_delta,
        }


def orders(
    session: Session, warehouse_id: int, status: str | None = None
) -> Iterator[dict[str, Any]]:
    """Each order as a nested record: order fields, `ship_to` and `lines`."""
    stmt = (
        select(SalesOrder)
        .where(SalesOrder.warehouse_id == warehouse_id)
        .options(
            selectinload(SalesOrder.ship_to),
            selectinload(SalesOrder.lines).selectinload(SalesOrderLine.item),
        )
        .order_by(SalesOrder.number)
    )
    if status is not None:
        stmt = stmt.where(SalesOrder.status == status)
    for order in session.scalars(stmt):
        yield {
            "number": order.number,
            "channel": order.channel,
            "external_ref": order.external_ref,
            "status": order.status,
            "priority": order.priority,
            "ship_by": order.ship_by,
            "carrier": order.carrier,
            "service": order.service,
            "notes": order.notes,
            "ship_to": _address(order.ship_to),
            "lines": [
                {
                    "line_no": line.line_no,
                    "sku": line.item.sku,
                    "quantity": line.quantity_ordered,
                    "allocated": line.quantity_allocated,
                    "picked": line.quantity_picked,
                    "shipped": line.quantity_shipped,
                    "status": line.status,
                }
                for line in order.lines
            ],
        }


def _address(address: Address | None) -> dict[str, str] | None:
    if address is None:
        return None
    return {part: getattr(address, part) for part in ADDRESS_PARTS}


def order_line_rows(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Orders flattened to one row per line, columns as `floor import orders` reads them."""
    for order in records:
        head = {key: order[key] for key in ORDER_COLUMNS[1:9]}
        head["order"] = order["number"]
        ship_to = order["ship_to"] or {}
        head.update({f"ship_{part}": ship_to.get(part, "") for part in ADDRESS_PARTS})
        for line in order["lines"]:
            yield {
                **head,
                "line_no": line["line_no"],
                "sku": line["sku"],
                "quantity": line["quantity"],
                "allocated": line["allocated"],
                "picked": line["picked"],
                "shipped": line["shipped"],
                "line_status": line["status"],
            }


def _utc(value: dt.datetime | None) -> str:
    """A stored time in UTC to the second (SQLite gives them back without the zone)."""
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).isoformat(timespec="seconds")


def shipments(
    session: Session, warehouse_id: int, since: dt.datetime | None = None
) -> Iterator[dict[str, Any]]:
    """Each shipped carton as a record: order, SSCC, tracking number, carrier and service,
    manifest, time, weight, carton type and inner dimensions, and its `contents` (SKU,
    quantity, lot, expiry, serials), oldest shipment first."""
    stmt = (
        select(PackedCarton, SalesOrder.number, CartonType)
        .join(SalesOrder, SalesOrder.id == PackedCarton.order_id)
        .outerjoin(CartonType, CartonType.id == PackedCarton.carton_type_id)
        .where(
            PackedCarton.warehouse_id == warehouse_id,
            PackedCarton.status == CartonStatus.SHIPPED.value,
        )
        .order_by(PackedCarton.shipped_at, PackedCarton.id)
    )
    if since is not None:
        stmt = stmt.where(PackedCarton.shipped_at >= since)
    for carton, order_number, kind in session.execute(stmt):
        contents: dict[tuple, dict[str, Any]] = {}
        for line, sku in session.execute(
            select(PackedCartonLine, Item.sku)
            .join(Item, Item.id == PackedCartonLine.item_id)
            .where(PackedCartonLine.carton_id == carton.id)
            .order_by(Item.sku, PackedCartonLine.lot, PackedCartonLine.id)
        ):
            entry = contents.setdefault(
                (sku, line.lot, line.expiry),
                {"sku": sku, "quantity": 0, "lot": line.lot, "expiry": line.expiry, "serials": []},
            )
            entry["quantity"] += line.quantity
            if line.serial:
                entry["serials"].append(line.serial)
        grams = carton.weight_measured_g
        yield {
            "order": order_number,
            "sscc": carton.sscc or "",
            "tracking_number": carton.tracking_number,
            "carrier": carton.carrier,
            "service": carton.service,
            "manifest": carton.manifest_id,
            "shipped_at": _utc(carton.shipped_at),
            "weight_kg": None if grams is None else round(grams / 1000, 3),
            "carton_type": kind.code if kind else "",
            "length_mm": kind.length_mm if kind else None,
            "width_mm": kind.width_mm if kind else None,
            "height_mm": kind.height_mm if kind else None,
            "contents": list(contents.values()),
        }


def shipment_rows(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Shipments flattened to one row per SKU, lot and expiry of a carton."""
    for record in records:
        head = {key: value for key, value in record.items() if key != "contents"}
        for content in record["contents"]:
            yield {**head, **content, "serials": " ".join(content["serials"])}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def write_csv(rows: Iterable[dict[str, Any]], columns: list[str], stream: TextIO) -> int:
    writer = CsvWriter(stream, columns)
    writer.writeheader()
    written = 0
    for row in rows:
        writer.writerow({key: _plain(value) for key, value in row.items()})
        written += 1
    return written


def write_json(rows: Iterable[dict[str, Any]], stream: TextIO) -> int:
    records = [_plain(row) for row in rows]
    json.dump(records, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
    return len(records)


def export(
    session: Session,
    what: str,
    fmt: str,
    stream: TextIO,
    warehouse_id: int,
    *,
    since: dt.datetime | None = None,
    status: str | None = None,
    channel: str | None = None,
) -> int:
    """Write export `what` to `stream` as `fmt`; the number of records written. `fmt` a
    channel's name (shipments only): its tracking upload (floor.tracking_exports), for the
    orders of `channel` (default: that name)."""
    if what == "shipments" and fmt in TRACKING_CHANNELS:
        return write_tracking(session, fmt, stream, warehouse_id, since, channel=channel)
    if what == "stock":
        rows, columns = stock_rows(session, warehouse_id), STOCK_COLUMNS
    elif what == "movements":
        rows, columns = movement_rows(session, warehouse_id, since), MOVEMENT_COLUMNS
    elif what == "shipments":
        records = shipments(session, warehouse_id, since)
        if fmt == "json":
            return write_json(records, stream)
        rows, columns = shipment_rows(records), SHIPMENT_COLUMNS
    else:
        records = orders(session, warehouse_id, status)
        if fmt == "json":
            return write_json(records, stream)
        rows, columns = order_line_rows(records), ORDER_COLUMNS
    if fmt == "json":
        return write_json(rows, stream)
    return write_csv(rows, columns, stream)


__all__ = ["EXPORTS", "FORMATS", "export"]
