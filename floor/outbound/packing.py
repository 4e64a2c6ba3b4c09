"""The pack bench: an order's picked units into cartons, one verified scan at a time.

A packer scans a tote (or an order number): `start` finds the order and opens carton 1 at
the station, of the carton type cartonization proposes for what is left to pack
(floor.outbound.cartonization over the items' dimensions and weights and the site's
carton types). Each unit scanned is checked by floor.outbound.pack_verify and recorded on
the open carton (`pack_scan`); it stays in the tote until the carton closes. Scanning a
carton type's barcode instead changes the carton's type (the packer's override).

Closing (floor.outbound.pack_close) weighs the carton against its expected weight, gives it
its SSCC, moves its units from the totes into the carton container through the ledger,
and queues its shipping label and packing slip, all in one transaction idempotent by the
close's scan id. An order is packed when every unit picked for it is in a closed carton;
lines picked short show how many are short. A supervisor may reopen a carton that has not
shipped and unpack it (floor.outbound.pack_close).

One open carton per station at a time; an order is packed at one station at a time. Each
service locks the order row first, then the carton, so two benches never deadlock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.errors import Conflict, NotFound
from floor.i18n import _
from floor.models import (
    CartonStatus,
    CartonType,
    Item,
    PackedCarton,
    PackedCartonLine,
    Role,
    SalesOrder,
)
from floor.operators import require_role
from floor.outbound import cartonization as cz
from floor.outbound.carts import drop_location_id
from floor.outbound.pack_verify import OrderReads, order_to_pack, verify_unit
from floor.stock.catalog import barcode_forms
from floor.stock.idempotency import once
from floor.stock.ledger import Actor

PACK_ROLES = (Role.PACKER.value, Role.SUPERVISOR.value)


# --- what the bench shows --------------------------------------------------------------------


@dataclass(frozen=True)
class LineView:
    line_no: int
    sku: str
    description: str
    ordered: int
    picked: int
    packed: int  # in any carton of the order (this one included)
    in_carton: int  # in the open carton
    status: str  # the order line's: open, allocated, picked, short...
    lot_tracked: bool
    serial_tracked: bool

    @property
    def to_pack(self) -> int:
        return max(self.picked - self.packed, 0)

    @property
    def short(self) -> int:
        """Units ordered that picking did not find (once the line is closed short)."""
        return max(self.ordered - self.picked, 0) if self.status == "short" else 0


@dataclass(frozen=True)
class ContentView:
    sku: str
    quantity: int
    lot: str = ""
    serial: str = ""


@dataclass(frozen=True)
class ProposedView:
    """One carton of the proposal: its type and the units per SKU to put in it."""

    carton_type: str
    units: tuple[tuple[str, int], ...]

    @property
    def count(self) -> int:
        return sum(n for _sku, n in self.units)


@dataclass(frozen=True)
class CartonView:
    carton_id: int
    carton_no: int
    status: str
    carton_type: str  # "" when none is chosen yet
    proposed_type: str
    sscc: str
    contents: tuple[ContentView, ...]
    expected_weight_g: int
    weight_complete: bool  # False: an item in it has no weight (the expected is a minimum)

    @property
    def units(self) -> int:
        return sum(c.quantity for c in self.contents)


@dataclass(frozen=True)
class PackView:
    order_id: int
    order: str
    order_status: str
    totes: tuple[str, ...]
    lines: tuple[LineView, ...]
    carton: CartonView | None
    proposal: tuple[ProposedView, ...]  # for the units not yet in a closed carton
    too_large: tuple[str, ...]  # SKUs no carton type holds (size or weight)
    no_dimensions: tuple[str, ...]  # SKUs without dimensions: the packer chooses
    closed_cartons: int

    @property
    def to_pack(self) -> int:
        return sum(line.to_pack for line in self.lines)


@dataclass(frozen=True)
class PackOutcome:
    """What one scan at the bench did: a unit packed, or the carton type changed."""

    view: PackView
    sku: str = ""
    units: int = 0
    lot: str = ""
    serial: str = ""
    carton_type: str = ""


# --- conversions for cartonization -----------------------------------------------------------


def item_grams(item: Item) -> int | None:
    return None if item.weight_kg is None else round(item.weight_kg * 1000)


def _mm(value: float | None) -> int | None:
    """A dimension as whole mm, rounded up so a proposed carton never comes out too small."""
    return None if value is None or value <= 0 else math.ceil(value - 1e-9)


def pack_line(item: Item, quantity: int) -> cz.PackLine:
    return cz.PackLine(
        item.sku,
        quantity,
        _mm(item.length_mm),
        _mm(item.width_mm),
        _mm(item.height_mm),
        item_grams(item),
    )


def carton_type_data(row: Any) -> cz.CartonType:
    """A carton type (a CartonType row, or one of OrderReads.carton_types) for cartonization."""
    return cz.CartonType(
        row.code, row.length_mm, row.width_mm, row.height_mm, row.max_weight_g, row.tare_weight_g
    )


def _propose(
    reads: OrderReads, exclude_carton_id: int | None
) -> tuple[cz.Proposal | None, list[tuple[str, int]]]:
    """Cartonization of the order's units not in other cartons (those of `exclude_carton_id`
    count as still to pack): the proposal (None without carton types) and the (sku, units)
    given to it. The same units twice in one call are proposed once."""
    packed = reads.packed(exclude_carton_id)
    wanted = [(line, line.quantity_picked - packed.get(line.id, 0)) for line in reads.lines]
    wanted = [(line, n) for line, n in wanted if n > 0]
    skus = [(line.item.sku, n) for line, n in wanted]
    key = tuple((line.id, n) for line, n in wanted)
    if key not in reads.proposals:
        types = [carton_type_data(row) for row in reads.carton_types]
        reads.proposals[key] = (
            cz.cartonize([pack_line(line.item, n) for line, n in wanted], types)
            if wanted and types
            else None
        )
    return reads.proposals[key], skus


def _proposed_views(
    proposal: cz.Proposal | None, skus: list[tuple[str, int]]
) -> tuple[ProposedView, ...]:
    if proposal is None:
        return ()
    views = []
    for carton in proposal.cartons:
        counts = carton.quantities()
        views.append(
            ProposedView(carton.carton_type.code, tuple((skus[i][0], n) for i, n in counts.items()))
        )
    return tuple(views)


# --- views -----------------------------------------------------------------------------------


def expected_weight(session: Session, carton: PackedCarton) -> tuple[int, bool]:
    """(grams, complete): the carton's tare plus its units; incomplete when an item in it
    has no weight (counted as 0 g). One query."""
    session.flush()
    tare = (
        select(CartonType.tare_weight_g)
        .where(CartonType.id == carton.carton_type_id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(Item.weight_kg, PackedCartonLine.quantity, tare)
        .select_from(PackedCartonLine)
        .join(Item, Item.id == PackedCartonLine.item_id)
        .where(PackedCartonLine.carton_id == carton.id)
    ).all()
    if not rows:
        empty = session.scalar(select(tare)) if carton.carton_type_id is not None else None
        return int(empty or 0), True
    total, complete = int(rows[0][2] or 0), True
    for weight_kg, quantity, _tare in rows:
        if weight_kg is None:
            complete = False
        else:
            total += round(weight_kg * 1000) * quantity
    return total, complete


def _weight_of(
    session: Session, contents: list[PackedCartonLine], tare_g: int | None
) -> tuple[int, bool]:
    """As expected_weight, from rows and items in the session (the order's, read already)."""
    total, complete = int(tare_g or 0), True
    for row in contents:
        item = session.get(Item, row.item_id)
        if item is None:
            continue
        if item.weight_kg is None:
            complete = False
        else:
            total += round(item.weight_kg * 1000) * row.quantity
    return total, complete


def _carton_view(session: Session, carton: PackedCarton, reads: OrderReads) -> CartonView:
    types = {row.id: row for row in reads.carton_types}
    chosen = types.get(carton.carton_type_id or 0)
    proposed = types.get(carton.proposed_carton_type_id or 0)
    skus: dict[int, str] = {}
    contents: dict[tuple[str, str, str], int] = {}
    rows = reads.contents_of(carton)
    for row in rows:
        if row.item_id not in skus:
            item = session.get(Item, row.item_id)
            skus[row.item_id] = item.sku if item is not None else str(row.item_id)
        key = (skus[row.item_id], row.lot, row.serial)
        contents[key] = contents.get(key, 0) + row.quantity
    grams, complete = _weight_of(session, rows, chosen.tare_weight_g if chosen else None)
    return CartonView(
        carton_id=carton.id,
        carton_no=carton.carton_no,
        status=carton.status,
        carton_type=chosen.code if chosen else "",
        proposed_type=proposed.code if proposed else "",
        sscc=carton.sscc or "",
        contents=tuple(
            ContentView(sku, n, lot, serial) for (sku, lot, serial), n in contents.items()
        ),
        expected_weight_g=grams,
        weight_complete=complete,
    )


def pack_view(
    session: Session,
    order: SalesOrder,
    carton: PackedCarton | None,
    *,
    reads: OrderReads | None = None,
) -> PackView:
    """What the bench shows. `reads`: what the service read of the order already (its other
    cartons unchanged since; `carton`, the one it may have changed, is read from itself)."""
    session.flush()
    reads = reads or OrderReads(session, order)
    others = [c for c in reads.cartons if carton is None or c.id != carton.id]
    packed: dict[int, int] = {}
    here: dict[int, int] = {}
    for c in others:
        for row in c.rows:
            packed[row.order_line_id] = packed.get(row.order_line_id, 0) + row.quantity
    closed = sum(1 for c in others if c.status != CartonStatus.OPEN.value)
    if carton is not None:
        for row in reads.contents_of(carton):
            packed[row.order_line_id] = packed.get(row.order_line_id, 0) + row.quantity
            here[row.order_line_id] = here.get(row.order_line_id, 0) + row.quantity
        closed += carton.status != CartonStatus.OPEN.value
    lines = tuple(
        LineView(
            line_no=line.line_no,
            sku=line.item.sku,
            description=line.item.description,
            ordered=line.quantity_ordered,
            picked=line.quantity_picked,
            packed=packed.get(line.id, 0),
            in_carton=here.get(line.id, 0),
            status=line.status,
            lot_tracked=line.item.lot_tracked,
            serial_tracked=line.item.serial_tracked,
        )
        for line in reads.lines
    )
    proposal, skus = _propose(reads, carton.id if carton is not None else None)
    unpacked = proposal.unpacked if proposal is not None else ()
    return PackView(
        order_id=order.id,
        order=order.number,
        order_status=order.status,
        totes=tuple(t.code for t in reads.totes),
        lines=lines,
        carton=_carton_view(session, carton, reads) if carton is not None else None,
        proposal=_proposed_views(proposal, skus),
        too_large=tuple(u.sku for u in unpacked if u.reason is not cz.Unpackable.NO_DIMENSIONS),
        no_dimensions=tuple(u.sku for u in unpacked if u.reason is cz.Unpackable.NO_DIMENSIONS),
        closed_cartons=closed,
    )


# --- the station's open carton ---------------------------------------------------------------


def station_carton(session: Session, station: str) -> PackedCarton | None:
    """The carton open at `station`, if any."""
    return session.scalars(
        select(PackedCarton)
        .where(PackedCarton.station == station, PackedCarton.status == CartonStatus.OPEN.value)
        .order_by(PackedCarton.id)
        .limit(1)
    ).first()


def current_pack(session: Session, station: str) -> PackView | None:
    """What the station was packing (after a restart or logout), or None."""
    carton = station_carton(session, station)
    if carton is None:
        return None
    order = session.get(SalesOrder, carton.order_id)
    assert order is not None
    return pack_view(session, order, carton)


def open_carton(
    session: Session, order: SalesOrder, actor: Actor, *, reads: OrderReads | None = None
) -> PackedCarton:
    """A new open carton for `order` at the actor's station, of the proposed type.
    `reads`: what the caller read of the order already (its cartons as they are now)."""
    reads = reads or OrderReads(session, order)
    last = max((c.carton_no for c in reads.cartons), default=0)
    location_id = next((t.location_id for t in reads.totes if t.location_id is not None), None)
    if location_id is None:
        location_id = drop_location_id(session, order.warehouse_id or 0)
    proposal, _skus = _propose(reads, None)
    type_id = None
    if proposal is not None and proposal.cartons:
        code = proposal.cartons[0].carton_type.code
        type_id = next((row.id for row in reads.carton_types if row.code == code), None)
    carton = PackedCarton(
        warehouse_id=order.warehouse_id,
        order_id=order.id,
        carton_no=last + 1,
        carton_type_id=type_id,
        proposed_carton_type_id=type_id,
        status=CartonStatus.OPEN.value,
        location_id=location_id,
        station=actor.station,
        packed_by=actor.operator_id,
        contents=[],  # a new carton holds nothing: no need to read its contents
    )
    session.add(carton)
    session.flush()
    return carton


def _busy_elsewhere(reads: OrderReads, order: SalesOrder, station: str) -> None:
    other = next(
        (
            c.station
            for c in reads.cartons
            if c.status == CartonStatus.OPEN.value and c.station != station
        ),
        None,
    )
    if other is not None:
        raise Conflict(
            _(
                "Order {order} is being packed at station {station}",
                order=order.number,
                station=other,
            ),
            expected=_("another tote"),
        )


def start(
    session: Session,
    warehouse_id: int,
    code: str,
    *,
    is_order: bool = False,
    actor: Actor,
    scan_id: str | None = None,
) -> PackView:
    """Pack the order of the scanned tote (or order number): its open carton at this
    station, or a new one of the proposed type."""
    require_role(session, actor.operator_id, *PACK_ROLES)
    # for the view, as in pack_scan, with what work() read of the order
    held: list[tuple[PackedCarton, SalesOrder, OrderReads]] = []

    def work() -> dict[str, Any]:
        order, reads = order_to_pack(session, warehouse_id, code, is_order=is_order)
        mine = station_carton(session, actor.station)
        if mine is not None and mine.order_id != order.id:
            other = session.get(SalesOrder, mine.order_id)
            raise Conflict(
                _(
                    "Carton {n} of order {order} is open here: close it first",
                    n=mine.carton_no,
                    order=other.number if other else "",
                ),
                expected=_("the items of order {order}", order=other.number if other else ""),
            )
        _busy_elsewhere(reads, order, actor.station)
        carton = mine or open_carton(session, order, actor, reads=reads)
        held.append((carton, order, reads))
        return {"order_id": order.id, "carton_id": carton.id}

    result, _replayed = once(session, scan_id, "pack.start", work)
    if held:
        carton, order, reads = held[0]
        return pack_view(session, order, carton, reads=reads)
    order = session.get(SalesOrder, result["order_id"])  # a replay: nothing was read
    assert order is not None
    return pack_view(session, order, session.get(PackedCarton, result["carton_id"]))


def locked_carton(
    session: Session, carton_id: int, actor: Actor
) -> tuple[PackedCarton, SalesOrder]:
    """The open carton of this station, its order locked first (found by the carton in the
    same statement), then the carton."""
    order_of_carton = (
        select(PackedCarton.order_id).where(PackedCarton.id == carton_id).scalar_subquery()
    )
    order = session.scalars(
        select(SalesOrder).where(SalesOrder.id == order_of_carton).with_for_update()
    ).one_or_none()
    if order is None:
        raise NotFound(_("No carton is open here"), expected=_("a tote or an order number"))
    carton = session.get(PackedCarton, carton_id, with_for_update=True)
    assert order is not None and carton is not None
    if carton.status != CartonStatus.OPEN.value:
        raise Conflict(
            _("Carton {n} of order {order} is closed", n=carton.carton_no, order=order.number),
            expected=_("a tote or an order number"),
        )
    if carton.station != actor.station:
        raise Conflict(
            _(
                "Carton {n} of order {order} is open at station {station}",
                n=carton.carton_no,
                order=order.number,
                station=carton.station,
            ),
            expected=_("a tote or an order number"),
        )
    return carton, order


def pack_scan(
    session: Session,
    carton_id: int,
    barcode: str,
    *,
    lot: str | None = None,
    serial: str | None = None,
    actor: Actor,
    scan_id: str | None = None,
) -> PackOutcome:
    """A scan into the open carton: a unit of the order (verified, recorded with its lot and
    serial), or a carton type's barcode (the carton becomes that type)."""
    require_role(session, actor.operator_id, *PACK_ROLES)
    # the carton and order work() locked and what it read of the order, kept for the view:
    # the session holds unchanged objects only weakly, and the view would read them again
    held: list[tuple[PackedCarton, SalesOrder, OrderReads]] = []

    def work() -> dict[str, Any]:
        carton, order = locked_carton(session, carton_id, actor)
        reads = OrderReads(session, order)
        held.append((carton, order, reads))
        forms = barcode_forms(barcode)
        chosen = next((row for row in reads.carton_types if row.barcode in forms), None)
        if chosen is not None:
            carton.carton_type_id = chosen.id
            return {"carton_type": chosen.code}
        unit = verify_unit(
            session, order, carton.location_id, barcode, lot=lot, serial=serial, reads=reads
        )
        row = None
        if not unit.serial:
            row = next(
                (
                    r
                    for r in reads.contents_of(carton)
                    if not r.in_carton
                    and not r.serial
                    and r.order_line_id == unit.line.id
                    and r.lot == unit.lot
                    and r.expiry == unit.expiry
                    and r.from_location_id == unit.from_location_id
                    and r.from_container_id == unit.from_container_id
                ),
                None,
            )
        if row is not None:
            row.quantity += unit.units
        else:
            carton.contents.append(
                PackedCartonLine(
                    order_line_id=unit.line.id,
                    item_id=unit.item.id,
                    lot=unit.lot,
                    expiry=unit.expiry,
                    quantity=unit.units,
                    serial=unit.serial,
                    serial_number_id=unit.serial_number_id,
                    from_location_id=unit.from_location_id,
                    from_container_id=unit.from_container_id,
                    in_carton=False,
                    scan_id=scan_id,
                )
            )
        session.flush()
        return {"sku": unit.item.sku, "units": unit.units, "lot": unit.lot, "serial": unit.serial}

    result, _replayed = once(session, scan_id, "pack.scan", work)
    if held:
        carton, order, reads = held[0]
        return PackOutcome(view=pack_view(session, order, carton, reads=reads), **result)
    carton = session.get(PackedCarton, carton_id)  # a replay: nothing was read
    order = session.get(SalesOrder, carton.order_id) if carton is not None else None
    assert carton is not None and order is not None
    return PackOutcome(view=pack_view(session, order, carton), **result)


__all__ = [
    "PACK_ROLES",
    "CartonView",
    "ContentView",
    "LineView",
    "PackOutcome",
    "PackView",
    "ProposedView",
    "current_pack",
    "expected_weight",
    "locked_carton",
    "open_carton",
    "pack_line",
    "pack_scan",
    "pack_view",
    "start",
    "station_carton",
]
