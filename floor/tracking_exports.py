"""Tracking uploads: what left the dock, in the file each sales channel takes back.

Once a carton is shipped (floor/outbound/shipping.py) its order, carrier, tracking number
and ship date go back to the channel the order came from, so the store marks it shipped and
tells the customer. One file per channel, for that channel's orders only (the order's
channel, as the import wrote it), one row per order line and carton, oldest shipment first:

- shopify: the orders import apps' fulfilment layout (`Name`, `Line: Type` "Fulfillment
  Line", `Line: SKU`, `Line: Quantity`, `Fulfillment: Status` "success", `Fulfillment:
  Processed At`, `Fulfillment: Tracking Company`, `Fulfillment: Tracking Number`); Shopify's
  own admin has no tracking upload.
- bigcommerce: the order-shipments import layout (`Order ID`, `Tracking Number`, `Shipping
  Provider` code, `Tracking Carrier`, `Shipping Method`, `Date Shipped`, `Product SKU`,
  `Product Qty`).
- amazon: Seller Central's shipping confirmation flat file, tab-separated: order-id,
  order-item-id, quantity, ship-date, carrier-code, carrier-name, tracking-number,
  ship-method.
- walmart: Seller Center's bulk shipping update: PO#, Line#, Update Status "Ship", Update
  Qty, Carrier, Tracking Number, Tracking Url, Ship Date.

A carrier the channel lists by its own code gets that code; another is "Other" with its name
written out. Cells go through the one CSV writer (floor.csv_cells).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.csv_cells import CsvWriter
from floor.models import (
    CartonStatus,
    Item,
    PackedCarton,
    PackedCartonLine,
    SalesOrder,
    SalesOrderLine,
)

CHANNELS = ("shopify", "bigcommerce", "amazon", "walmart")

# The carrier as floor keeps it (upper case) -> the channel's code for it.
AMAZON_CARRIERS = {
    "UPS": "UPS",
    "USPS": "USPS",
    "FEDEX": "FedEx",
    "DHL": "DHL",
    "DHL EXPRESS": "DHL",
    "ONTRAC": "OnTrac",
    "ROYAL MAIL": "Royal Mail",
    "CANADA POST": "Canada Post",
    "LA POSTE": "La Poste",
    "COLISSIMO": "Colissimo",
    "CHRONOPOST": "Chronopost",
    "DPD": "DPD",
    "GLS": "GLS",
    "HERMES": "Hermes",
}
WALMART_CARRIERS = {
    "UPS": "UPS",
    "USPS": "USPS",
    "FEDEX": "FedEx",
    "DHL": "DHL",
    "ONTRAC": "OnTrac",
    "LASERSHIP": "LaserShip",
}
BIGCOMMERCE_PROVIDERS = {
    "UPS": "ups",
    "USPS": "usps",
    "FEDEX": "fedex",
    "AUSPOST": "auspost",
    "AUSTRALIA POST": "auspost",
    "CANADA POST": "canadapost",
    "ROYAL MAIL": "royalmail",
}

COLUMNS = {
    "shopify": [
        "Name",
        "Line: Type",
        "Line: SKU",
        "Line: Quantity",
        "Fulfillment: Status",
        "Fulfillment: Processed At",
        "Fulfillment: Tracking Company",
        "Fulfillment: Tracking Number",
    ],
    "bigcommerce": [
        "Order ID",
        "Tracking Number",
        "Shipping Provider",
        "Tracking Carrier",
        "Shipping Method",
        "Date Shipped",
        "Product SKU",
        "Product Qty",
    ],
    "amazon": [
        "order-id",
        "order-item-id",
        "quantity",
        "ship-date",
        "carrier-code",
        "carrier-name",
        "tracking-number",
        "ship-method",
    ],
    "walmart": [
        "PO#",
        "Line#",
        "Update Status",
        "Update Qty",
        "Carrier",
        "Tracking Number",
        "Tracking Url",
        "Ship Date",
    ],
}


@dataclass(frozen=True)
class ShippedLine:
    """What of one order line left in one carton."""

    order_ref: str  # the channel's order id (the order's external reference)
    line_ref: str  # the channel's id of the line ("" when it gave none)
    sku: str
    quantity: int
    carrier: str
    service: str
    tracking_number: str
    shipped_on: dt.date


def shipped_lines(
    session: Session, warehouse_id: int, channel: str, since: dt.datetime | None = None
) -> Iterator[ShippedLine]:
    """The shipped cartons of `channel`'s orders, a line per order line and carton."""
    stmt = (
        select(
            PackedCarton.id,
            PackedCarton.carrier,
            PackedCarton.service,
            PackedCarton.tracking_number,
            PackedCarton.shipped_at,
            SalesOrder.id,
            SalesOrder.external_ref,
            Item.id,
            Item.sku,
            func.sum(PackedCartonLine.quantity),
        )
        .join(SalesOrder, SalesOrder.id == PackedCarton.order_id)
        .join(PackedCartonLine, PackedCartonLine.carton_id == PackedCarton.id)
        .join(Item, Item.id == PackedCartonLine.item_id)
        .where(
            PackedCarton.warehouse_id == warehouse_id,
            PackedCarton.status == CartonStatus.SHIPPED.value,
            SalesOrder.channel == channel,
        )
        .group_by(
            PackedCarton.id,
            PackedCarton.carrier,
            PackedCarton.service,
            PackedCarton.tracking_number,
            PackedCarton.shipped_at,
            SalesOrder.id,
            SalesOrder.external_ref,
            Item.id,
            Item.sku,
        )
        .order_by(PackedCarton.shipped_at, PackedCarton.id, Item.sku)
    )
    if since is not None:
        stmt = stmt.where(PackedCarton.shipped_at >= since)
    refs: dict[int, dict[int, str]] = {}  # order id -> item id -> the channel's line id
    for row in session.execute(stmt):
        _carton, carrier, service, tracking, shipped_at, order_id, order_ref = row[:7]
        item_id, sku, quantity = row[7:]
        if order_id not in refs:
            refs[order_id] = {}
            for line_item, line_ref in session.execute(
                select(SalesOrderLine.item_id, SalesOrderLine.external_ref)
                .where(SalesOrderLine.order_id == order_id)
                .order_by(SalesOrderLine.line_no)
            ):
                refs[order_id].setdefault(line_item, line_ref)
        yield ShippedLine(
            order_ref,
            refs[order_id].get(item_id, ""),
            sku,
            int(quantity),
            carrier,
            service,
            tracking or "",
            _day(shipped_at),
        )


def _day(value: dt.datetime | None) -> dt.date:
    if value is None:
        return dt.datetime.now(dt.UTC).date()
    aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).date()


def _row(channel: str, line: ShippedLine) -> dict[str, object]:
    carrier = line.carrier.strip().upper()
    day = line.shipped_on.isoformat()
    if channel == "shopify":
        return {
            "Name": line.order_ref,
            "Line: Type": "Fulfillment Line",
            "Line: SKU": line.sku,
            "Line: Quantity": line.quantity,
            "Fulfillment: Status": "success",
            "Fulfillment: Processed At": day,
            "Fulfillment: Tracking Company": line.carrier,
            "Fulfillment: Tracking Number": line.tracking_number,
        }
    if channel == "bigcommerce":
        return {
            "Order ID": line.order_ref,
            "Tracking Number": line.tracking_number,
            "Shipping Provider": BIGCOMMERCE_PROVIDERS.get(carrier, ""),
            "Tracking Carrier": line.carrier,
            "Shipping Method": line.service,
            "Date Shipped": day,
            "Product SKU": line.sku,
            "Product Qty": line.quantity,
        }
    if channel == "amazon":
        code = AMAZON_CARRIERS.get(carrier, "Other")
        return {
            "order-id": line.order_ref,
            "order-item-id": line.line_ref,
            "quantity": line.quantity,
            "ship-date": day,
            "carrier-code": code,
            "carrier-name": line.carrier if code == "Other" else "",
            "tracking-number": line.tracking_number,
            "ship-method": line.service,
        }
    return {
        "PO#": line.order_ref,
        "Line#": line.line_ref,
        "Update Status": "Ship",
        "Update Qty": line.quantity,
        "Carrier": WALMART_CARRIERS.get(carrier, line.carrier),
        "Tracking Number": line.tracking_number,
        "Tracking Url": "",
        "Ship Date": day,
    }


def write_tracking(
    session: Session,
    layout: str,
    stream: TextIO,
    warehouse_id: int,
    since: dt.datetime | None = None,
    *,
    channel: str | None = None,
) -> int:
    """Write the tracking upload of `layout` (a channel's name) to `stream`, for the orders
    of `channel` (default: the same name, as imports write it); the number of rows written."""
    columns = COLUMNS[layout]
    orders_of = channel or layout
    if layout == "amazon":  # a tab-separated flat file, plain cells
        stream.write("\t".join(columns) + "\n")
        written = 0
        for line in shipped_lines(session, warehouse_id, orders_of, since):
            row = _row(layout, line)
            cells = (str(row[name]).replace("\t", " ").replace("\n", " ") for name in columns)
            stream.write("\t".join(cells) + "\n")
            written += 1
        return written
    writer = CsvWriter(stream, columns)
    writer.writeheader()
    written = 0
    for line in shipped_lines(session, warehouse_id, orders_of, since):
        writer.writerow(_row(layout, line))
        written += 1
    return written
