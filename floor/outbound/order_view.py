"""Where an order is: its status, its lines (ordered, allocated, picked, packed, shipped,
short), the totes it was picked into, its cartons with their SSCCs, carriers and tracking
numbers. Read-only; for `floor orders show` and the stock lookup screen (a scanned order
number or carton SSCC).

Order statuses, and what sets each: `open` (imported, or back from a cancelled wave;
floor.outbound.waves), `allocated` (its wave released; wave_release), `backordered` /
`held` (the release's shortage policy), `picking` (its first unit picked; picking),
`picked` (every line picked or closed short; picking), `packed` (every unit picked is in a
closed carton; pack_close), `partially_shipped` / `shipped` (cartons confirmed at the dock;
shipping), `cancelled`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.errors import NotFound
from floor.i18n import _
from floor.models import (
    CartonStatus,
    CartonType,
    Container,
    Item,
    Location,
    PackedCarton,
    PackedCartonLine,
    SalesOrder,
    SalesOrderLine,
    Task,
    Wave,
)


@dataclass(frozen=True)
class OrderLineView:
    line_no: int
    sku: str
    description: str
    ordered: int
    allocated: int
    picked: int
    packed: int  # in closed or shipped cartons
    shipped: int
    status: str

    @property
    def short(self) -> int:
        """Units picking did not find, once the line was closed short."""
        return max(self.ordered - self.picked, 0) if self.status == "short" else 0


@dataclass(frozen=True)
class OrderToteView:
    code: str
    location: str
    picked: int  # units of the order picked into it
    still_in: int  # of those, not yet moved into a closed carton


@dataclass(frozen=True)
class OrderCartonView:
    carton_no: int
    status: str
    sscc: str
    carton_type: str
    weight_g: int | None
    units: int
    carrier: str
    service: str
    tracking_number: str
    manifest_id: int | None
    shipped_at: dt.datetime | None
    station: str


@dataclass(frozen=True)
class OrderView:
    number: str
    external_ref: str
    channel: str
    status: str
    carrier: str
    service: str
    ship_by: dt.date | None
    wave: str
    ship_to: str  # one line: name, postcode and city, country
    lines: tuple[OrderLineView, ...]
    totes: tuple[OrderToteView, ...]
    cartons: tuple[OrderCartonView, ...]
    found_by: str = ""  # the carton SSCC it was looked up by, if any

    def total(self, field: str) -> int:
        return sum(getattr(line, field) for line in self.lines)


def _order(session: Session, number: str, warehouse_id: int | None) -> SalesOrder:
    query = select(SalesOrder).where(SalesOrder.number == number)
    if warehouse_id is not None:
        query = query.where(SalesOrder.warehouse_id == warehouse_id)
    order = session.scalars(query).one_or_none()
    if order is None:
        raise NotFound(_("Unknown order {number}", number=number), expected=_("an order number"))
    return order


def order_view(session: Session, number: str, warehouse_id: int | None = None) -> OrderView:
    """The order `number` (in `warehouse_id`, when given) as it stands now."""
    return _view(session, _order(session, number, warehouse_id))


def order_view_by_sscc(session: Session, sscc: str, warehouse_id: int | None = None) -> OrderView:
    """The order of the carton with this SSCC."""
    query = select(PackedCarton.order_id).where(PackedCarton.sscc == sscc)
    if warehouse_id is not None:
        query = query.where(PackedCarton.warehouse_id == warehouse_id)
    order_id = session.scalar(query)
    order = session.get(SalesOrder, order_id) if order_id is not None else None
    if order is None:
        raise NotFound(
            _("Unknown carton {sscc}", sscc=sscc), expected=_("the SSCC on a carton's label")
        )
    view = _view(session, order)
    return OrderView(**{**view.__dict__, "found_by": sscc})


def _ship_to(order: SalesOrder) -> str:
    address = order.ship_to
    if address is None:
        return ""
    place = " ".join(p for p in (address.postcode, address.city) if p)
    return ", ".join(p for p in (address.name or address.company, place, address.country) if p)


def _view(session: Session, order: SalesOrder) -> OrderView:
    lines = list(
        session.execute(
            select(SalesOrderLine, Item.sku, Item.description)
            .join(Item, Item.id == SalesOrderLine.item_id)
            .where(SalesOrderLine.order_id == order.id)
            .order_by(SalesOrderLine.line_no)
        )
    )
    line_ids = [line.id for line, _sku, _d in lines]
    cartons = list(
        session.execute(
            select(PackedCarton, CartonType.code, Container.code)
            .outerjoin(CartonType, CartonType.id == PackedCarton.carton_type_id)
            .outerjoin(Container, Container.id == PackedCarton.container_id)
            .where(PackedCarton.order_id == order.id)
            .order_by(PackedCarton.carton_no)
        )
    )
    contents = list(
        session.execute(
            select(PackedCartonLine).where(
                PackedCartonLine.carton_id.in_([c.id for c, _t, _box in cartons] or [0])
            )
        ).scalars()
    )
    status_of = {c.id: c.status for c, _t, _box in cartons}
    packed: dict[int, int] = defaultdict(int)
    units: dict[int, int] = defaultdict(int)
    moved: dict[int, int] = defaultdict(int)  # out of each tote into closed cartons
    for row in contents:
        units[row.carton_id] += row.quantity
        if status_of.get(row.carton_id) != CartonStatus.OPEN.value:
            packed[row.order_line_id] += row.quantity
        if row.in_carton and row.from_container_id is not None:
            moved[row.from_container_id] += row.quantity
    totes = []
    if line_ids:
        for container_id, code, location, picked in session.execute(
            select(
                Task.to_container_id, Container.code, Location.code, func.sum(Task.quantity_done)
            )
            .join(Container, Container.id == Task.to_container_id)
            .outerjoin(Location, Location.id == Task.to_location_id)
            .where(Task.order_line_id.in_(line_ids), Task.quantity_done > 0)
            .group_by(Task.to_container_id, Container.code, Location.code)
            .order_by(Container.code)
        ):
            picked = int(picked or 0)
            still = max(picked - moved.get(container_id, 0), 0)
            totes.append(OrderToteView(code, location or "", picked, still))
    wave = (
        session.scalar(select(Wave.code).where(Wave.id == order.wave_id)) if order.wave_id else ""
    )
    return OrderView(
        number=order.number,
        external_ref=order.external_ref,
        channel=order.channel,
        status=order.status,
        carrier=order.carrier,
        service=order.service,
        ship_by=order.ship_by,
        wave=wave or "",
        ship_to=_ship_to(order),
        lines=tuple(
            OrderLineView(
                line_no=line.line_no,
                sku=sku,
                description=description,
                ordered=line.quantity_ordered,
                allocated=line.quantity_allocated,
                picked=line.quantity_picked,
                packed=packed.get(line.id, 0),
                shipped=line.quantity_shipped,
                status=line.status,
            )
            for line, sku, description in lines
        ),
        totes=tuple(totes),
        cartons=tuple(
            OrderCartonView(
                carton_no=carton.carton_no,
                status=carton.status,
                sscc=carton.sscc or "",
                carton_type=kind or "",
                weight_g=carton.weight_measured_g,
                units=units.get(carton.id, 0),
                carrier=carton.carrier,
                service=carton.service,
                tracking_number=carton.tracking_number,
                manifest_id=carton.manifest_id,
                shipped_at=carton.shipped_at,
                station=carton.station,
            )
            for carton, kind, _box in cartons
        ),
    )


def carton_status_label(status: str) -> str:
    """A packed carton's status in operator words; the raw value otherwise."""
    labels = {
        # i18n: the status of a packed carton: still being packed at a bench
        CartonStatus.OPEN: _("being packed"),
        # i18n: the status of a packed carton: closed with its SSCC, waiting at the dock
        CartonStatus.CLOSED: _("ready to ship"),
        # i18n: the status of a packed carton: handed to the carrier
        CartonStatus.SHIPPED: _("with the carrier"),
    }
    return labels.get(status, status)


__all__ = [
    "OrderCartonView",
    "OrderLineView",
    "OrderToteView",
    "OrderView",
    "carton_status_label",
    "order_view",
    "order_view_by_sscc",
]
