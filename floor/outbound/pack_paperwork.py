"""A closed carton's paperwork as plain data: what its shipping label and packing slip say.

Closing a carton hands a `CartonPaperwork` to a `CartonPrinter` inside the closing
transaction; the printer (floor.printing.carton_documents for the station) renders the
documents and adds them to the print queue in that same transaction, so a close that rolls
back queues nothing and a close replayed by its scan id queues nothing again. The outbound
domain imports no label or printing code: it only builds this data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from floor.models import (
    Address,
    Item,
    PackedCarton,
    PackedCartonLine,
    SalesOrder,
    SalesOrderLine,
    Warehouse,
)


@dataclass(frozen=True)
class PaperAddress:
    name: str
    line1: str
    city: str
    country: str
    line2: str = ""
    postcode: str = ""
    region: str = ""
    company: str = ""
    phone: str = ""


@dataclass(frozen=True)
class PaperLine:
    sku: str
    description: str
    quantity: int  # in this carton
    quantity_ordered: int


@dataclass(frozen=True)
class CartonPaperwork:
    """Everything printed for one closed carton; `job_key` names its print jobs uniquely."""

    job_key: str
    station: str
    sscc: str
    order_number: str
    order_date: dt.date
    ship_from: PaperAddress
    ship_to: PaperAddress
    carrier: str
    service: str
    tracking_number: str
    weight_kg: float
    carton_no: int
    carton_count: int
    lines: tuple[PaperLine, ...]
    notes: str = ""


class CartonPrinter(Protocol):
    """Renders a carton's documents and queues them in `session`; returns the job ids.
    Raises a FloorError (nothing queued) when the data cannot make a label."""

    def queue(self, session: Session, paperwork: CartonPaperwork) -> list[str]: ...


# made once: an alias costs a copy of the table's columns
_SHIP_FROM = aliased(Address, name="ship_from")
_SHIP_TO = aliased(Address, name="ship_to")


def _address(row: Address | None, fallback_name: str) -> PaperAddress:
    if row is None:
        return PaperAddress(fallback_name, "", "", "")
    return PaperAddress(
        name=row.name or row.company or fallback_name,
        line1=row.line1,
        city=row.city,
        country=row.country,
        line2=row.line2,
        postcode=row.postcode,
        region=row.province,
        company=row.company if row.name else "",
        phone=row.phone,
    )


def carton_paperwork(
    session: Session, carton: PackedCarton, order: SalesOrder, job_key: str
) -> CartonPaperwork:
    """The paperwork of `carton` as it is now (closed, its contents in it). Two queries."""
    ship_from, ship_to = _SHIP_FROM, _SHIP_TO
    cartons = (
        select(func.count())
        .select_from(PackedCarton)
        .where(PackedCarton.order_id == order.id)
        .scalar_subquery()
    )
    warehouse_name, from_row, to_row, count = session.execute(
        select(Warehouse.name, ship_from, ship_to, cartons)
        .outerjoin(ship_from, ship_from.id == Warehouse.address_id)
        .outerjoin(ship_to, ship_to.id == order.ship_to_id)
        .where(Warehouse.id == carton.warehouse_id)
    ).one()
    rows = session.execute(
        select(
            Item.sku, Item.description, SalesOrderLine.quantity_ordered, PackedCartonLine.quantity
        )
        .join(Item, Item.id == PackedCartonLine.item_id)
        .join(SalesOrderLine, SalesOrderLine.id == PackedCartonLine.order_line_id)
        .where(PackedCartonLine.carton_id == carton.id)
        .order_by(SalesOrderLine.line_no, PackedCartonLine.id)
    ).all()
    lines: dict[str, PaperLine] = {}
    for sku, description, ordered, quantity in rows:
        seen = lines.get(sku)
        total = quantity + (seen.quantity if seen else 0)
        lines[sku] = PaperLine(sku, description, total, max(ordered, total))
    return CartonPaperwork(
        job_key=job_key,
        station=carton.station,
        sscc=carton.sscc or "",
        order_number=order.number,
        order_date=order.created_at.date() if order.created_at else dt.date.today(),
        ship_from=_address(from_row, warehouse_name),
        ship_to=_address(to_row, order.number),
        carrier=order.carrier,
        service=order.service,
        tracking_number=carton.tracking_number,
        weight_kg=round((carton.weight_measured_g or 0) / 1000, 3),
        carton_no=carton.carton_no,
        carton_count=max(int(count or 0), carton.carton_no),
        lines=tuple(lines.values()),
        notes=order.notes,
    )


__all__ = ["CartonPaperwork", "CartonPrinter", "PaperAddress", "PaperLine", "carton_paperwork"]
