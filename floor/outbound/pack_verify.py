"""What an order still has to pack, and whether a scanned unit may go in its open carton.

The units to pack are where picking left them: in the order's totes (the containers its
pick tasks put units in) at the drop location, or loose at the pack bench after a
supervisor unpacked a carton there. A line's units to pack are its picked units less those
already in any carton of the order (open or closed). Each scan is checked here and a wrong
one raises WrongScan naming what is expected:

- an item that is not on the order (another order's item) names the order's items still to
  pack, and the order it belongs to when it is in another order's tote;
- an extra unit (all of the line's picked units are packed already) says how many there were;
- a lot-tracked item must carry a lot the totes hold (a scan without a lot is taken when the
  totes hold only one lot of it);
- a serial-tracked item is packed one unit per serial scan. Picking does not record serials
  (the picker scans the GTIN), so the pack bench is where a serial is tied to the order: it
  must be a serial received for this item (`serial_numbers`), in stock (not packed or
  shipped), and in no other carton. From then on it travels with the carton.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, inspect, or_, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from floor.errors import Conflict, NotFound, WrongScan
from floor.i18n import _, ngettext
from floor.models import (
    Balance,
    CartonStatus,
    CartonType,
    Container,
    ContainerKind,
    Item,
    OrderStatus,
    PackedCarton,
    PackedCartonLine,
    SalesOrder,
    SalesOrderLine,
    SerialNumber,
    Task,
    TaskKind,
)
from floor.stock.catalog import find_item_for_barcode

SERIAL_IN_STOCK = "in_stock"
SERIAL_PACKED = "packed"
PACKABLE = (OrderStatus.PICKING.value, OrderStatus.PICKED.value)


class SerialNeeded(WrongScan):
    """A serial-tracked item was scanned without its serial: scan the serial next."""

    code = "serial_needed"

    def __init__(self, message: str, *, sku: str, gtin: str, expected: str | None = None) -> None:
        super().__init__(message, expected=expected)
        self.sku = sku
        self.gtin = gtin


# --- the order -------------------------------------------------------------------------------


def order_totes(session: Session, order_id: int) -> list[int]:
    """The containers this order's picks went into."""
    return list(
        session.scalars(
            select(Task.to_container_id)
            .join(SalesOrderLine, SalesOrderLine.id == Task.order_line_id)
            .where(
                SalesOrderLine.order_id == order_id,
                Task.kind == TaskKind.PICK.value,
                Task.quantity_done > 0,
                Task.to_container_id.is_not(None),
            )
            .distinct()
        )
    )


def packed_by_line(session: Session, order_id: int) -> dict[int, int]:
    """Units in any carton of the order, per order line id."""
    rows = session.execute(
        select(PackedCartonLine.order_line_id, func.sum(PackedCartonLine.quantity))
        .join(PackedCarton, PackedCarton.id == PackedCartonLine.carton_id)
        .where(PackedCarton.order_id == order_id)
        .group_by(PackedCartonLine.order_line_id)
    )
    return {line_id: int(n) for line_id, n in rows}


@dataclass(frozen=True)
class Tote:
    """A container the order's picks went into."""

    id: int
    code: str
    location_id: int | None


def order_tote_rows(session: Session, order_id: int) -> list[Tote]:
    """The containers this order's picks went into, with their codes and locations, by code."""
    picked_into = (
        select(Task.to_container_id)
        .join(SalesOrderLine, SalesOrderLine.id == Task.order_line_id)
        .where(
            SalesOrderLine.order_id == order_id,
            Task.kind == TaskKind.PICK.value,
            Task.quantity_done > 0,
            Task.to_container_id.is_not(None),
        )
    )
    return [
        Tote(*row)
        for row in session.execute(
            select(Container.id, Container.code, Container.location_id)
            .where(Container.id.in_(picked_into))
            .order_by(Container.code)
        )
    ]


def order_lines(session: Session, order: SalesOrder) -> list[SalesOrderLine]:
    """`order.lines` with their items: read in one query when not loaded yet."""
    if "lines" in inspect(order).unloaded:
        lines = session.scalars(
            select(SalesOrderLine)
            .where(SalesOrderLine.order_id == order.id)
            .options(joinedload(SalesOrderLine.item))
            .order_by(SalesOrderLine.line_no)
        ).all()
        set_committed_value(order, "lines", list(lines))
    return order.lines


@dataclass(frozen=True)
class CartonState:
    """A carton of the order as read by OrderReads, with the lines packed into it."""

    id: int
    carton_no: int
    status: str
    station: str
    rows: tuple[PackedCartonLine, ...]


class OrderReads:
    """What a pack service reads of an order, once per call and passed down: its lines with
    their items, its cartons with their contents, its totes, the site's carton types. Each
    is read at its first use in one statement, after the order row is locked (every pack
    and ship service locks it first, so no other transaction changes them meanwhile). The
    cartons are as they were when read: a service reads a carton it changes afterwards
    from the carton itself (`contents_of`), never from here."""

    def __init__(self, session: Session, order: SalesOrder) -> None:
        self.session = session
        self.order = order
        self._cartons: list[CartonState] | None = None
        self._totes: list[Tote] | None = None
        self._types: list[Any] | None = None
        self.proposals: dict[tuple[tuple[int, int], ...], Any] = {}  # packing's, by units

    @property
    def lines(self) -> list[SalesOrderLine]:
        return order_lines(self.session, self.order)

    @property
    def cartons(self) -> list[CartonState]:
        if self._cartons is None:
            found: dict[int, tuple[int, str, str, list[PackedCartonLine]]] = {}
            for carton_id, carton_no, status, station, row in self.session.execute(
                select(
                    PackedCarton.id,
                    PackedCarton.carton_no,
                    PackedCarton.status,
                    PackedCarton.station,
                    PackedCartonLine,
                )
                .outerjoin(PackedCartonLine, PackedCartonLine.carton_id == PackedCarton.id)
                .where(PackedCarton.order_id == self.order.id)
                .order_by(PackedCarton.id, PackedCartonLine.id)
            ):
                entry = found.setdefault(carton_id, (carton_no, status, station, []))
                if row is not None:
                    entry[3].append(row)
            self._cartons = [
                CartonState(carton_id, no, status, station, tuple(rows))
                for carton_id, (no, status, station, rows) in found.items()
            ]
        return self._cartons

    @property
    def totes(self) -> list[Tote]:
        if self._totes is None:
            self._totes = order_tote_rows(self.session, self.order.id)
        return self._totes

    @property
    def carton_types(self) -> list[Any]:
        """Every carton type (id, code, inner size, weights, barcode), by id."""
        if self._types is None:
            self._types = list(
                self.session.execute(
                    select(
                        CartonType.id,
                        CartonType.code,
                        CartonType.length_mm,
                        CartonType.width_mm,
                        CartonType.height_mm,
                        CartonType.max_weight_g,
                        CartonType.tare_weight_g,
                        CartonType.barcode,
                    ).order_by(CartonType.id)
                )
            )
        return self._types

    def contents_of(self, carton: PackedCarton) -> list[PackedCartonLine]:
        """`carton.contents`, from the rows read here when not loaded yet."""
        if "contents" in inspect(carton).unloaded:
            state = next((c for c in self.cartons if c.id == carton.id), None)
            if state is not None:
                set_committed_value(carton, "contents", list(state.rows))
        return carton.contents

    def packed(self, exclude: int | None = None) -> dict[int, int]:
        """Units in the cartons read (but `exclude`), per order line id."""
        packed: dict[int, int] = {}
        for carton in self.cartons:
            if carton.id != exclude:
                for row in carton.rows:
                    packed[row.order_line_id] = packed.get(row.order_line_id, 0) + row.quantity
        return packed

    def units_to_pack(self) -> int:
        """As `units_to_pack`, from what was read here."""
        packed = self.packed()
        return sum(max(line.quantity_picked - packed.get(line.id, 0), 0) for line in self.lines)


def units_to_pack(session: Session, order_id: int) -> int:
    packed = packed_by_line(session, order_id)
    lines = session.execute(
        select(SalesOrderLine.id, SalesOrderLine.quantity_picked).where(
            SalesOrderLine.order_id == order_id
        )
    )
    return sum(max(picked - packed.get(line_id, 0), 0) for line_id, picked in lines)


def _units_left() -> Any:
    """EXISTS a line of the order of the enclosing query picked more than its cartons hold."""
    packed = (
        select(func.sum(PackedCartonLine.quantity))
        .join(PackedCarton, PackedCarton.id == PackedCartonLine.carton_id)
        .where(
            PackedCarton.order_id == SalesOrder.id,
            PackedCartonLine.order_line_id == SalesOrderLine.id,
        )
        .correlate(SalesOrder, SalesOrderLine)
        .scalar_subquery()
    )
    return (
        select(SalesOrderLine.id)
        .where(
            SalesOrderLine.order_id == SalesOrder.id,
            SalesOrderLine.quantity_picked > func.coalesce(packed, 0),
        )
        .correlate(SalesOrder)
        .exists()
    )


_UNITS_LEFT = _units_left()  # built once


def _orders_to_pack_in_tote(session: Session, tote_id: int) -> list[tuple[int, str]]:
    """(id, number) of the orders picked into the tote, packable, with units still to pack
    (a line picked more than is in the order's cartons). One query."""
    picked_into = (
        select(SalesOrderLine.order_id)
        .join(Task, Task.order_line_id == SalesOrderLine.id)
        .where(
            Task.to_container_id == tote_id,
            Task.kind == TaskKind.PICK.value,
            Task.quantity_done > 0,
        )
    )
    return [
        (order_id, number)
        for order_id, number in session.execute(
            select(SalesOrder.id, SalesOrder.number).where(
                SalesOrder.id.in_(picked_into), SalesOrder.status.in_(PACKABLE), _UNITS_LEFT
            )
        )
    ]


def order_for_code(session: Session, warehouse_id: int, code: str, *, is_order: bool) -> SalesOrder:
    """The order to pack from a scanned tote or order number, locked for this transaction."""
    return order_to_pack(session, warehouse_id, code, is_order=is_order)[0]


def order_to_pack(
    session: Session, warehouse_id: int, code: str, *, is_order: bool
) -> tuple[SalesOrder, OrderReads]:
    """As order_for_code, with what its checks read of the order (for the caller to use)."""
    code = code.strip()
    if is_order:
        found = session.execute(
            select(SalesOrder.id, SalesOrder.warehouse_id).where(SalesOrder.number == code)
        ).one_or_none()
        if found is None or found.warehouse_id not in (None, warehouse_id):
            raise NotFound(
                _("Unknown order {order}", order=code), expected=_("a tote or an order number")
            )
        order_id = found.id
    else:
        tote = session.execute(
            select(Container.id, Container.kind).where(Container.code == code)
        ).one_or_none()
        if tote is None or tote.kind != ContainerKind.TOTE.value:
            raise NotFound(
                _("Unknown tote {tote}", tote=code), expected=_("a tote or an order number")
            )
        candidates = _orders_to_pack_in_tote(session, tote.id)
        if not candidates:
            raise NotFound(
                _("Nothing to pack in tote {tote}", tote=code),
                expected=_("a tote with picked units"),
            )
        if len(candidates) > 1:
            raise Conflict(
                _(
                    "Tote {tote} holds units of {orders}: scan the order",
                    tote=code,
                    orders=", ".join(sorted(number for _id, number in candidates)),
                ),
                expected=_("an order number"),
            )
        order_id = candidates[0][0]
    order = session.get(SalesOrder, order_id, with_for_update=True)
    assert order is not None
    if order.status == OrderStatus.PACKED.value:
        raise Conflict(_("Order {order} is packed", order=order.number), expected=_("another tote"))
    if order.status not in PACKABLE:
        raise Conflict(
            _("Order {order} has nothing picked to pack", order=order.number),
            expected=_("a tote with picked units"),
        )
    reads = OrderReads(session, order)
    if not reads.units_to_pack():
        raise Conflict(
            _("Every picked unit of order {order} is in a carton", order=order.number),
            expected=_("another tote"),
        )
    return order, reads


# --- one unit --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verified:
    """A unit scan that may go in the carton: which line, what exactly, and from where."""

    line: SalesOrderLine
    item: Item
    units: int
    lot: str
    expiry: dt.date | None
    serial: str
    serial_number_id: int | None
    from_location_id: int
    from_container_id: int | None


def _pending_units() -> Any:
    """Units of the balance of the enclosing query scanned into open cartons but still in it
    (a correlated subquery)."""
    return (
        select(func.coalesce(func.sum(PackedCartonLine.quantity), 0))
        .where(
            PackedCartonLine.in_carton.is_(False),
            PackedCartonLine.from_location_id == Balance.location_id,
            PackedCartonLine.item_id == Balance.item_id,
            PackedCartonLine.lot == Balance.lot,
            or_(
                and_(PackedCartonLine.expiry.is_(None), Balance.expiry.is_(None)),
                PackedCartonLine.expiry == Balance.expiry,
            ),
            or_(
                and_(PackedCartonLine.from_container_id.is_(None), Balance.container_id.is_(None)),
                PackedCartonLine.from_container_id == Balance.container_id,
            ),
        )
        .correlate(Balance)
        .scalar_subquery()
    )


_PENDING = _pending_units()  # built once: the same for every balance and scan


def sources(
    session: Session,
    order_id: int,
    item_id: int,
    bench_location_id: int | None,
    *,
    totes: list[int] | None = None,
) -> list[tuple[Balance, int]]:
    """Balances of the item the order may pack from, with units free to pack: its totes
    first, then units loose at the pack bench. `totes`: the order's, when read already.
    One query (the units scanned but not moved yet come with each balance)."""
    if totes is None:
        totes = order_totes(session, order_id)
    where = [Balance.container_id.in_(totes)] if totes else []
    if bench_location_id is not None:
        where.append(and_(Balance.container_id.is_(None), Balance.location_id == bench_location_id))
    if not where:
        return []
    rows = session.execute(
        select(Balance, _PENDING)
        .where(Balance.item_id == item_id, Balance.quantity > 0, or_(*where))
        .order_by(Balance.container_id.is_(None), Balance.id)
    ).all()
    found = []
    for balance, pending in rows:
        free = balance.quantity - balance.reserved - int(pending or 0)
        if free > 0:
            found.append((balance, free))
    return found


def _other_order(session: Session, order_id: int, item_id: int) -> str | None:
    """The number of another order being packed whose totes hold this item."""
    return session.scalar(
        select(SalesOrder.number)
        .join(SalesOrderLine, SalesOrderLine.order_id == SalesOrder.id)
        .join(Task, Task.order_line_id == SalesOrderLine.id)
        .join(Balance, Balance.container_id == Task.to_container_id)
        .where(
            SalesOrder.id != order_id,
            SalesOrder.status.in_(PACKABLE),
            SalesOrderLine.item_id == item_id,
            Task.kind == TaskKind.PICK.value,
            Balance.item_id == item_id,
            Balance.quantity > 0,
        )
        .limit(1)
    )


def _still_to_pack(lines: list[tuple[SalesOrderLine, Item, int]]) -> str:
    left = [f"{item.sku} ×{n}" for _line, item, n in lines if n > 0]
    return ", ".join(left) if left else _("nothing")


def verify_unit(
    session: Session,
    order: SalesOrder,
    bench_location_id: int | None,
    barcode: str,
    *,
    lot: str | None = None,
    serial: str | None = None,
    reads: OrderReads | None = None,
) -> Verified:
    """The scanned unit, checked against the order (see the module docstring). `reads`:
    what the caller read of the order already (its cartons as they are now)."""
    reads = reads or OrderReads(session, order)
    packed = reads.packed()
    lines = [
        (line, line.item, line.quantity_picked - packed.get(line.id, 0)) for line in reads.lines
    ]
    found = find_item_for_barcode(session, barcode)
    expected = _still_to_pack(lines)
    if found is None:
        raise WrongScan(
            _(
                "Unknown item barcode {barcode}: expected {expected}",
                barcode=barcode,
                expected=expected,
            ),
            expected=expected,
        )
    item, units = found
    mine = [(line, n) for line, line_item, n in lines if line_item.id == item.id]
    if not mine:
        other = _other_order(session, order.id, item.id)
        if other:
            message = _(
                "{sku} belongs to order {other}, not {order}: expected {expected}",
                sku=item.sku,
                other=other,
                order=order.number,
                expected=expected,
            )
        else:
            message = _(
                "{sku} is not on order {order}: expected {expected}",
                sku=item.sku,
                order=order.number,
                expected=expected,
            )
        raise WrongScan(message, expected=expected)
    line, left = max(mine, key=lambda m: m[1])
    if left < units:
        picked = sum(m[0].quantity_picked for m in mine)
        raise WrongScan(
            ngettext(
                "Extra unit: the {n} {sku} picked for order {order} are packed",
                "Extra unit: the {n} {sku} picked for order {order} are packed",
                picked,
                sku=item.sku,
                order=order.number,
            )
            if left <= 0
            else _(
                "Only {left} {sku} left to pack, the barcode holds {units}",
                left=left,
                sku=item.sku,
                units=units,
            ),
            expected=expected,
        )
    serial_text = (serial or "").strip()
    serial_id: int | None = None
    if item.serial_tracked:
        if not serial_text:
            raise SerialNeeded(
                _("{sku} is serial tracked: scan its serial number", sku=item.sku),
                sku=item.sku,
                gtin=item.gtin or barcode,
                expected=_("a serial number of {sku}", sku=item.sku),
            )
        if units != 1:
            raise WrongScan(
                _("Serial-tracked {sku} is packed one unit per serial", sku=item.sku),
                expected=_("the unit's own barcode"),
            )
        serial_id = _check_serial(session, item, serial_text)
    available = sources(
        session, order.id, item.id, bench_location_id, totes=[t.id for t in reads.totes]
    )
    if item.lot_tracked:
        lots = sorted({b.lot for b, _free in available})
        if lot:
            available = [(b, free) for b, free in available if b.lot == lot]
            if not available:
                raise WrongScan(
                    _(
                        "Wrong lot {lot} of {sku}: the order's totes hold lot {lots}",
                        lot=lot,
                        sku=item.sku,
                        lots=", ".join(lots) or "—",
                    ),
                    expected=", ".join(lots) or None,
                )
        elif len(lots) > 1:
            raise WrongScan(
                _(
                    "Scan the label with the lot: the totes hold {sku} of lots {lots}",
                    sku=item.sku,
                    lots=", ".join(lots),
                ),
                expected=", ".join(lots),
            )
    source = next(((b, free) for b, free in available if free >= units), None)
    if source is None:
        raise Conflict(
            _("No {sku} left in the totes of order {order}", sku=item.sku, order=order.number),
            expected=expected,
        )
    balance = source[0]
    return Verified(
        line=line,
        item=item,
        units=units,
        lot=balance.lot,
        expiry=balance.expiry,
        serial=serial_text,
        serial_number_id=serial_id,
        from_location_id=balance.location_id,
        from_container_id=balance.container_id,
    )


def _check_serial(session: Session, item: Item, serial: str) -> int:
    row = session.scalars(
        select(SerialNumber)
        .where(SerialNumber.item_id == item.id, SerialNumber.serial == serial)
        .with_for_update()
    ).one_or_none()
    if row is None:
        raise WrongScan(
            _("Serial {serial} of {sku} was never received", serial=serial, sku=item.sku),
            expected=_("a serial number of {sku}", sku=item.sku),
        )
    carton = session.execute(
        select(SalesOrder.number, PackedCarton.carton_no)
        .join(PackedCarton, PackedCarton.order_id == SalesOrder.id)
        .join(PackedCartonLine, PackedCartonLine.carton_id == PackedCarton.id)
        .where(
            PackedCartonLine.item_id == item.id,
            PackedCartonLine.serial == serial,
            PackedCarton.status != CartonStatus.SHIPPED.value,
        )
        .limit(1)
    ).first()
    if carton is not None:
        raise WrongScan(
            _(
                "Serial {serial} is already in carton {n} of order {order}",
                serial=serial,
                n=carton.carton_no,
                order=carton.number,
            ),
            expected=_("another serial number of {sku}", sku=item.sku),
        )
    if row.status != SERIAL_IN_STOCK:
        raise WrongScan(
            _("Serial {serial} of {sku} is not in stock", serial=serial, sku=item.sku),
            expected=_("another serial number of {sku}", sku=item.sku),
        )
    return row.id


__all__ = [
    "SERIAL_IN_STOCK",
    "SERIAL_PACKED",
    "CartonState",
    "OrderReads",
    "SerialNeeded",
    "Tote",
    "Verified",
    "order_for_code",
    "order_lines",
    "order_to_pack",
    "order_tote_rows",
    "order_totes",
    "packed_by_line",
    "sources",
    "units_to_pack",
    "verify_unit",
]
