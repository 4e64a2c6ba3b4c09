"""Shipping at the dock: closed cartons onto a carrier's manifest, and out of the warehouse.

The shipper chooses the carrier whose truck is at the door, scans a closed carton's SSCC (the
GS1-128 (00) on its label; `carton_to_ship` checks it without changing anything), then the
tracking number from the carrier's label, scanned or keyed. `confirm_shipment` does the
rest in one transaction, idempotent by the scan id:

- the carton goes on the carrier's open manifest (one is opened if there is none; the
  partial unique index of migration ship_0001 keeps it to one per carrier, and a second
  dock opening one at the same moment retries and finds the first). A screen that loaded
  cartons onto manifest N passes it along: once N is closed (the truck left), the next
  carton is refused until the shipper starts a new manifest.
- its contents leave the warehouse: ONE ledger posting of kind "ship", reason "shipment",
  takes every balance in the carton container to zero. The stock there must be what the
  carton's lines say was packed, else nothing ships and a supervisor looks.
- each order line's `quantity_shipped` grows by what the carton held; serial numbers in it
  become "shipped"; the carton becomes `shipped` with carrier, service, tracking number,
  manifest, time and shipper; its container is marked shipped.
- the order's status (see `shipping_status`): `shipped` when every line is done,
  `partially_shipped` while some of it is still in the warehouse; a transfer's order once
  shipped has its destination's inbound order expect what shipped
  (floor.outbound.transfer_inbound).

A line is done when all it ordered has shipped, or, closed short at picking or cancelled
(line status `short` / `cancelled`), when all that was picked for it has shipped: a short
line is not back-ordered (the wave's shortage policy closed it), so its missing units do not
keep the order open. Refusals, each naming what was expected: unknown SSCC, carton still
open, carton already shipped, carton of an order for another carrier, tracking number
already on a carton of another order (or an SSCC scanned instead of the carrier's label),
manifest closed.

The order row is locked first, then the carton, then the manifest (the pack bench takes the
order row first too), so two docks scanning the same carton take turns and the second is
refused: a carton ships once. The manifest is locked FOR SHARE (on PostgreSQL): every dock
loading the carrier's truck holds it at once, and only closing it (FOR UPDATE) waits for them.

Manifests are closed at the end of the day by floor.outbound.manifests.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from floor import outbox
from floor.errors import Conflict, InvalidInput, NotFound, WrongScan
from floor.i18n import _
from floor.models import (
    Balance,
    CartonStatus,
    Container,
    Item,
    Manifest,
    ManifestStatus,
    OrderStatus,
    PackedCarton,
    PackedCartonLine,
    Role,
    SalesOrder,
    SalesOrderLine,
    SerialNumber,
    utcnow,
)
from floor.operators import require_role
from floor.outbound import transfer_inbound
from floor.stock import ledger
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, Change

SHIP_ROLES = (Role.SHIPPER.value, Role.PACKER.value, Role.SUPERVISOR.value)
SHIP_KIND = "ship"  # the ledger posting's kind
SHIP_REASON = "shipment"
SERIAL_SHIPPED = "shipped"
CONTAINER_SHIPPED = "shipped"
FINAL_LINE_STATUSES = ("short", "cancelled")  # nothing more will be picked for these lines
# the order's cartons, counted beside one of them (made once: an alias costs a copy of the
# table's columns)
_ORDER_CARTON = aliased(PackedCarton, name="order_carton")
_TRACKING = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-]{3,39}")
_CARRIER = re.compile(r"[0-9A-Z][0-9A-Z\-_ .&]{0,39}")


class ManifestClosed(Conflict):
    """The manifest the cartons were going on was closed (its truck left)."""


class ShippingLabelPrinter(Protocol):
    """Queues a shipped carton's label (now with its tracking number) in `session`, so it
    commits with the shipment or not at all; returns the print job keys."""

    def queue_shipping_label(
        self, session: Session, carton: PackedCarton, order: SalesOrder
    ) -> list[str]: ...


@dataclass(frozen=True)
class CartonToShip:
    """A closed carton scanned at the dock, before its tracking number."""

    sscc: str
    order: str
    carton_no: int
    cartons: int  # of the order
    carrier: str  # the order's ('' when the order names none)
    service: str
    units: int
    weight_g: int | None


@dataclass(frozen=True)
class Shipped:
    sscc: str
    order: str
    carton_no: int
    carrier: str
    service: str
    tracking_number: str
    manifest_id: int
    manifest_cartons: int  # on the manifest now, this one included
    units: int
    order_status: str
    cartons_left: int  # of the order, closed or open, not yet shipped
    print_jobs: tuple[str, ...] = ()


# --- what the shipper typed or scanned --------------------------------------------------------


def normalise_carrier(carrier: str) -> str:
    """A carrier's code as manifests keep it: trimmed, upper case ('ups ' -> 'UPS')."""
    text = " ".join((carrier or "").split()).upper()
    if not text:
        raise InvalidInput(_("Which carrier? Key its name"), expected=_("a carrier, e.g. UPS"))
    if not _CARRIER.fullmatch(text):
        raise InvalidInput(
            _("{carrier} is not a carrier name", carrier=text[:40]),
            expected=_("a carrier, e.g. UPS"),
        )
    return text


def normalise_tracking(tracking_number: str) -> str:
    """The tracking number as printed on labels and sent to the carrier: letters and digits
    (dashes allowed inside), 4 to 40 characters, spaces and an AIM prefix dropped."""
    text = (tracking_number or "").strip()
    if len(text) > 3 and text[0] == "]" and text[1].isalpha():
        text = text[3:]  # an AIM symbology identifier sent by the scanner
    text = "".join(text.split())
    if not _TRACKING.fullmatch(text):
        raise InvalidInput(
            _("{tracking} is not a tracking number", tracking=text[:40] or "''"),
            expected=_("the tracking number on the carrier's label (4 to 40 letters or digits)"),
        )
    return text


# --- finding the carton ------------------------------------------------------------------


def _not_found(sscc: str) -> NotFound:
    return NotFound(
        _("Unknown carton {sscc}", sscc=sscc),
        expected=_("the SSCC on a closed carton's label"),
    )


def _cartons_of(session: Session, order_id: int) -> list[PackedCarton]:
    return list(
        session.scalars(
            select(PackedCarton)
            .where(PackedCarton.order_id == order_id)
            .order_by(PackedCarton.carton_no)
        )
    )


def _check_shippable(
    session: Session, carton: PackedCarton, order: SalesOrder, carrier: str | None
) -> None:
    sscc = carton.sscc or ""
    if carton.status == CartonStatus.SHIPPED.value:
        when = carton.shipped_at.strftime("%Y-%m-%d %H:%M") if carton.shipped_at else ""
        raise Conflict(
            _(
                "Carton {sscc} already shipped {when} with {carrier}, tracking {tracking}",
                sscc=sscc,
                when=when,
                carrier=carton.carrier,
                tracking=carton.tracking_number,
            ),
            expected=_("a carton not yet shipped"),
        )
    if carton.status != CartonStatus.CLOSED.value:
        raise Conflict(
            _(
                "Carton {sscc} of order {order} is open at pack bench {station}: close it first",
                sscc=sscc,
                order=order.number,
                station=carton.station or "?",
            ),
            expected=_("a closed carton"),
        )
    wanted = (order.carrier or "").strip().upper()
    if carrier and wanted and wanted != carrier:
        raise WrongScan(
            _(
                "Carton {sscc} (order {order}) goes with {wanted}, not {carrier}",
                sscc=sscc,
                order=order.number,
                wanted=wanted,
                carrier=carrier,
            ),
            expected=_("a carton for {carrier}", carrier=carrier),
        )


def carton_to_ship(
    session: Session, warehouse_id: int, sscc: str, carrier: str | None = None
) -> CartonToShip:
    """The closed carton with this SSCC, checked for shipping with `carrier` (changes nothing).
    One query: the carton, its order, the order's cartons and the carton's units."""
    cartons = (
        select(func.count())
        .select_from(_ORDER_CARTON)
        .where(_ORDER_CARTON.order_id == PackedCarton.order_id)
        .correlate(PackedCarton)
        .scalar_subquery()
    )
    units = (
        select(func.coalesce(func.sum(PackedCartonLine.quantity), 0))
        .where(PackedCartonLine.carton_id == PackedCarton.id)
        .correlate(PackedCarton)
        .scalar_subquery()
    )
    found = session.execute(
        select(PackedCarton, SalesOrder, cartons, units)
        .join(SalesOrder, SalesOrder.id == PackedCarton.order_id)
        .where(PackedCarton.sscc == sscc)
    ).one_or_none()
    if found is None or found[0].warehouse_id != warehouse_id:
        raise _not_found(sscc)
    carton, order, count, held = found
    _check_shippable(session, carton, order, normalise_carrier(carrier) if carrier else None)
    return CartonToShip(
        sscc=sscc,
        order=order.number,
        carton_no=carton.carton_no,
        cartons=int(count or 0),
        carrier=(order.carrier or "").strip().upper(),
        service=order.service,
        units=int(held or 0),
        weight_g=carton.weight_measured_g,
    )


def cartons_to_ship(session: Session, warehouse_id: int, order_number: str) -> list[str]:
    """The SSCCs of the order's closed, not yet shipped cartons, in carton number order."""
    order = session.scalars(
        select(SalesOrder).where(
            SalesOrder.number == order_number, SalesOrder.warehouse_id == warehouse_id
        )
    ).one_or_none()
    if order is None:
        raise NotFound(
            _("Unknown order {number}", number=order_number), expected=_("an order number")
        )
    cartons = _cartons_of(session, order.id)
    ready = [c.sscc for c in cartons if c.status == CartonStatus.CLOSED.value and c.sscc]
    if not ready:
        shipped = sum(c.status == CartonStatus.SHIPPED.value for c in cartons)
        raise Conflict(
            _(
                "Order {number} has no closed carton waiting to ship ({shipped} shipped, "
                "{open} open)",
                number=order.number,
                shipped=shipped,
                open=sum(c.status == CartonStatus.OPEN.value for c in cartons),
            ),
            expected=_("an order packed into closed cartons"),
        )
    return ready


def carriers_waiting(session: Session, warehouse_id: int) -> list[tuple[str, int]]:
    """Carriers with closed cartons waiting at the dock or an open manifest, and how many
    cartons wait for each: what the dock screen offers to choose from."""
    waiting: dict[str, int] = defaultdict(int)
    for carrier in session.scalars(
        select(SalesOrder.carrier)
        .join(PackedCarton, PackedCarton.order_id == SalesOrder.id)
        .where(
            PackedCarton.warehouse_id == warehouse_id,
            PackedCarton.status == CartonStatus.CLOSED.value,
        )
    ):
        if carrier and carrier.strip():
            waiting[carrier.strip().upper()] += 1
    for carrier in session.scalars(
        select(Manifest.carrier).where(
            Manifest.warehouse_id == warehouse_id, Manifest.status == ManifestStatus.OPEN.value
        )
    ):
        waiting.setdefault(carrier, 0)
    return sorted(waiting.items())


# --- the manifest -------------------------------------------------------------------------


def open_manifest(
    session: Session, warehouse_id: int, carrier: str, *, share: bool = False
) -> Manifest | None:
    """The carrier's open manifest, locked: FOR UPDATE to close it, FOR SHARE (`share`) to put
    a carton on it. Docks loading cartons onto one manifest share the lock and do not wait for
    each other; closing it waits for the cartons being loaded, and a carton loaded after the
    close finds it closed."""
    return session.scalars(
        select(Manifest)
        .where(
            Manifest.warehouse_id == warehouse_id,
            Manifest.carrier == carrier,
            Manifest.status == ManifestStatus.OPEN.value,
        )
        .with_for_update(read=share)
    ).first()


def _manifest_for(
    session: Session, warehouse_id: int, carrier: str, manifest_id: int | None, actor: Actor
) -> Manifest:
    if manifest_id is not None:
        manifest = session.get(  # shared: other docks load onto it at the same time
            Manifest, manifest_id, with_for_update={"read": True}, populate_existing=True
        )
        if manifest is None or manifest.warehouse_id != warehouse_id:
            raise NotFound(
                _("Unknown manifest {id}", id=manifest_id), expected=_("an open manifest")
            )
        if manifest.carrier != carrier:
            raise WrongScan(
                _(
                    "Manifest {id} is for {manifest_carrier}, not {carrier}",
                    id=manifest.id,
                    manifest_carrier=manifest.carrier,
                    carrier=carrier,
                ),
                expected=_("a carton for {carrier}", carrier=manifest.carrier),
            )
        if manifest.status != ManifestStatus.OPEN.value:
            when = manifest.closed_at.strftime("%H:%M") if manifest.closed_at else ""
            raise ManifestClosed(
                _(
                    "The {carrier} manifest {id} was closed at {when}: this carton goes on a "
                    "new manifest; scan it again to start one",
                    carrier=carrier,
                    id=manifest.id,
                    when=when,
                ),
                expected=_("the carton again, for a new manifest"),
            )
        return manifest
    manifest = open_manifest(session, warehouse_id, carrier, share=True)
    if manifest is None:
        manifest = Manifest(
            warehouse_id=warehouse_id,
            carrier=carrier,
            status=ManifestStatus.OPEN.value,
            created_at=utcnow(),
            created_by=actor.operator_id,
        )
        session.add(manifest)
        session.flush()
    return manifest


# --- confirming ---------------------------------------------------------------------------


def _check_tracking(
    session: Session, carton: PackedCarton, order: SalesOrder, carrier: str, tracking: str
) -> None:
    """One query: the tracking number is no carton's SSCC, nor on another order's carton."""
    is_sscc = select(PackedCarton.id).where(PackedCarton.sscc == tracking).scalar_subquery()
    on_other = (
        select(PackedCarton.id)
        .where(
            PackedCarton.tracking_number == tracking,
            PackedCarton.carrier == carrier,
            PackedCarton.order_id != order.id,
        )
        .order_by(PackedCarton.id)
        .limit(1)
        .scalar_subquery()
    )
    sscc_id, other_id = session.execute(select(is_sscc, on_other)).one()
    if sscc_id is not None:
        raise WrongScan(
            _("{tracking} is a carton's SSCC: scan the carrier's label", tracking=tracking),
            expected=_("the tracking number on the carrier's label"),
        )
    other = (
        session.execute(
            select(PackedCarton.sscc, SalesOrder.number)
            .join(SalesOrder, SalesOrder.id == PackedCarton.order_id)
            .where(PackedCarton.id == other_id)
        ).one()
        if other_id is not None
        else None
    )
    if other is not None:
        raise WrongScan(
            _(
                "Tracking number {tracking} is already on carton {sscc} of order {order}",
                tracking=tracking,
                sscc=other[0],
                order=other[1],
            ),
            expected=_("this carton's own carrier label"),
        )


def _ship_stock(
    session: Session,
    carton: PackedCarton,
    order: SalesOrder,
    actor: Actor,
    scan_id: str | None,
) -> int:
    """One ledger posting that takes the carton container's stock out; the units shipped."""
    sscc = carton.sscc or ""
    balances = list(
        session.scalars(
            select(Balance)
            .where(Balance.container_id == carton.container_id, Balance.quantity > 0)
            .order_by(Balance.id)
            .with_for_update()
        )
    )
    held: dict[tuple, int] = defaultdict(int)
    for balance in balances:
        held[(balance.item_id, balance.lot, balance.expiry)] += balance.quantity
    packed: dict[tuple, int] = defaultdict(int)
    for line in carton.contents:
        packed[(line.item_id, line.lot, line.expiry)] += line.quantity
    if carton.container_id is None or not balances or dict(held) != dict(packed):
        raise Conflict(
            _(
                "Carton {sscc}: the stock in it is not what was packed; ask a supervisor",
                sscc=sscc,
            ),
            expected=_("a carton whose stock matches its contents"),
        )
    ledger.post(
        session,
        SHIP_KIND,
        [Change(ledger.key_of(b), -b.quantity, -b.reserved) for b in balances],
        actor=actor,
        reason=SHIP_REASON,
        reference=f"{order.number} {sscc}"[:80],
        scan_id=scan_id,
        allow_reserved=any(b.reserved for b in balances),
    )
    return sum(packed.values())


def line_done(line: SalesOrderLine) -> bool:
    """Nothing more of this line will ship: all of it has, or it was closed short (or
    cancelled) and all that was picked for it has."""
    if line.quantity_shipped >= line.quantity_ordered:
        return True
    return line.status in FINAL_LINE_STATUSES and line.quantity_shipped >= line.quantity_picked


def shipping_status(lines: list[SalesOrderLine]) -> str | None:
    """`shipped`, `partially_shipped`, or None when nothing of the order has shipped."""
    if not any(line.quantity_shipped > 0 for line in lines):
        return None
    if all(line_done(line) for line in lines):
        return OrderStatus.SHIPPED.value
    return OrderStatus.PARTIALLY_SHIPPED.value


def _contents(session: Session, carton: PackedCarton) -> dict[int, str]:
    """Read `carton.contents` (when not loaded yet) with the SKUs of its items, in one query:
    the SKU by item id."""
    if "contents" not in inspect(carton).unloaded:
        ids = {c.item_id for c in carton.contents}
        return dict(session.execute(select(Item.id, Item.sku).where(Item.id.in_(ids))).tuples())
    rows = session.execute(
        select(PackedCartonLine, Item.sku)
        .join(Item, Item.id == PackedCartonLine.item_id)
        .where(PackedCartonLine.carton_id == carton.id)
        .order_by(PackedCartonLine.id)
    ).all()
    set_committed_value(carton, "contents", [row for row, _sku in rows])
    return {row.item_id: sku for row, sku in rows}


def _tell_shipped(
    session: Session, carton: PackedCarton, order: SalesOrder, units: int, skus: dict[int, str]
) -> None:
    """The `shipment.confirmed` event, in the shipping transaction (floor/outbox.py)."""
    outbox.emit(
        session,
        outbox.SHIPMENT_CONFIRMED,
        order.number,
        {
            "order": order.number,
            "channel": order.channel,
            "external_ref": order.external_ref,
            "order_status": order.status,
            "carton_no": carton.carton_no,
            "sscc": carton.sscc or "",
            "carrier": carton.carrier,
            "service": carton.service,
            "tracking_number": carton.tracking_number,
            "weight_g": carton.weight_measured_g,
            "units": units,
            "shipped_at": carton.shipped_at.isoformat() if carton.shipped_at else None,
            "contents": [
                {"sku": skus.get(c.item_id, ""), "lot": c.lot, "quantity": c.quantity}
                for c in carton.contents
            ],
        },
    )


def confirm_shipment(
    session: Session,
    *,
    warehouse_id: int,
    sscc: str,
    carrier: str,
    tracking_number: str,
    actor: Actor,
    service: str | None = None,
    manifest_id: int | None = None,
    scan_id: str | None = None,
    printer: ShippingLabelPrinter | None = None,
) -> Shipped:
    """Ship the closed carton `sscc` with `carrier` under `tracking_number` (see the module)."""
    require_role(session, actor.operator_id, *SHIP_ROLES)
    carrier = normalise_carrier(carrier)
    tracking = normalise_tracking(tracking_number)

    def work() -> dict:
        # the order locked first (found by the carton in the same statement), then the carton
        order_of_carton = (
            select(PackedCarton.order_id).where(PackedCarton.sscc == sscc).scalar_subquery()
        )
        order = session.scalars(
            select(SalesOrder).where(SalesOrder.id == order_of_carton).with_for_update()
        ).one_or_none()
        if order is None:
            raise _not_found(sscc)
        carton = session.scalars(
            select(PackedCarton)
            .where(PackedCarton.sscc == sscc)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one()
        if carton.warehouse_id != warehouse_id:
            raise _not_found(sscc)
        _check_shippable(session, carton, order, carrier)
        _check_tracking(session, carton, order, carrier, tracking)
        manifest = _manifest_for(session, warehouse_id, carrier, manifest_id, actor)
        skus = _contents(session, carton)
        units = _ship_stock(session, carton, order, actor, scan_id)
        now = utcnow()
        by_line: dict[int, int] = defaultdict(int)
        for content in carton.contents:
            by_line[content.order_line_id] += content.quantity
            if content.serial_number_id is not None:
                serial = session.get(SerialNumber, content.serial_number_id)
                if serial is not None:
                    serial.status = SERIAL_SHIPPED
                    serial.location_id = None
        lines = list(
            session.scalars(
                select(SalesOrderLine)
                .where(SalesOrderLine.order_id == order.id)
                .order_by(SalesOrderLine.line_no)
                .with_for_update()
            )
        )
        for line in lines:
            line.quantity_shipped += by_line.get(line.id, 0)
        if carton.container_id is not None:
            session.execute(
                update(Container)
                .where(Container.id == carton.container_id)
                .values(status=CONTAINER_SHIPPED)
            )
        carton.status = CartonStatus.SHIPPED.value
        carton.carrier = carrier
        # the order's service whole (both columns hold 255: chan_0001); a keyed one is cut to fit
        carton.service = ((service if service is not None else order.service) or "").strip()[:255]
        carton.tracking_number = tracking
        carton.manifest_id = manifest.id
        carton.shipped_at = now
        carton.shipped_by = actor.operator_id
        order.status = shipping_status(lines) or order.status
        session.flush()
        transfer_inbound.settle_shipped(session, order, lines)
        _tell_shipped(session, carton, order, units, skus)
        jobs = printer.queue_shipping_label(session, carton, order) if printer else []
        left = (
            select(func.count())
            .select_from(PackedCarton)
            .where(
                PackedCarton.order_id == order.id,
                PackedCarton.status != CartonStatus.SHIPPED.value,
            )
            .scalar_subquery()
        )
        loaded = (
            select(func.count())
            .select_from(PackedCarton)
            .where(PackedCarton.manifest_id == manifest.id)
            .scalar_subquery()
        )
        cartons_left, on_manifest = session.execute(select(left, loaded)).one()
        return {
            "sscc": carton.sscc or "",
            "order": order.number,
            "carton_no": carton.carton_no,
            "carrier": carrier,
            "service": carton.service,
            "tracking_number": tracking,
            "manifest_id": manifest.id,
            "manifest_cartons": int(on_manifest or 0),
            "units": units,
            "order_status": order.status,
            "cartons_left": int(cartons_left or 0),
            "print_jobs": list(jobs),
        }

    result, _replayed = once(session, scan_id, "ship.confirm", work)
    return Shipped(**{**result, "print_jobs": tuple(result.get("print_jobs", ()))})


__all__ = [
    "SHIP_ROLES",
    "CartonToShip",
    "ManifestClosed",
    "Shipped",
    "ShippingLabelPrinter",
    "carriers_waiting",
    "carton_to_ship",
    "cartons_to_ship",
    "confirm_shipment",
    "line_done",
    "normalise_carrier",
    "normalise_tracking",
    "open_manifest",
    "shipping_status",
]
