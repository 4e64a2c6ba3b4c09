"""Transfers between warehouses: stock sent from one warehouse of the site to another.

A transfer is two documents under one number (`TR000001`):

- at the source, a sales order of channel "transfer" shipped to the destination warehouse.
  Waves, picking, packing (cartons with SSCCs) and shipping take it like any order, so the
  stock leaves the source through the ledger when its cartons ship;
- at the destination, an inbound order of kind "transfer" with the same lines. Each shipped
  carton is its own ASN: a receiver scans the carton's SSCC and everything packed in it is
  received (floor.inbound.sscc_receiving), counted against the transfer.

Between the two, the stock is in transit: shipped at the source, not yet received at the
destination. That is no balance (the ledger never held it): it is read from the two
documents, per item: units shipped on the transfer's order less units received against its
inbound order (per destination: floor.transit.incoming).

Before anything ships a transfer may be changed (both documents' lines in step; not while a
wave holds it) or cancelled (through floor.outbound.order_cancel: its reservations go back
through the ledger; the inbound order is closed as cancelled). Once the source order has
shipped, the inbound order expects what shipped (floor.outbound.transfer_inbound): a short
pick is shown as `short` on the transfer's lines. Nothing else here changes stock.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor import audit
from floor.errors import Conflict, InvalidInput, NotFound
from floor.i18n import _
from floor.models import (
    Address,
    Item,
    OrderStatus,
    PackedCarton,
    PurchaseOrder,
    PurchaseOrderLine,
    Role,
    SalesOrder,
    SalesOrderLine,
    SsccReceipt,
    TransferOrder,
    Warehouse,
    Wave,
)
from floor.operators import require_role
from floor.outbound.order_cancel import cancel_order
from floor.outbound.transfer_inbound import CHANNEL
from floor.stock.ledger import SYSTEM, Actor
from floor.transit import incoming

KIND = "transfer"  # the kind of its inbound order at the destination
PREFIX = "TR"
DIGITS = 6
STATUSES = ("open", "in_transit", "received", "cancelled")
CANCELLED = "cancelled"  # the inbound order's status once its transfer is cancelled
TRANSFER_ROLES = (Role.SUPERVISOR.value,)


def status_label(status: str) -> str:
    """A transfer's status in operator words."""
    return {
        # i18n: a transfer between warehouses: nothing shipped yet
        "open": _("not shipped yet"),
        # i18n: a transfer between warehouses: shipped, not all received
        "in_transit": _("in transit"),
        # i18n: a transfer between warehouses: all that was shipped is received
        "received": _("received"),
        # i18n: a transfer between warehouses: cancelled before anything shipped
        "cancelled": _("cancelled"),
    }.get(status, status)


@dataclass(frozen=True)
class TransferLine:
    sku: str
    description: str
    ordered: int
    picked: int
    shipped: int
    received: int
    expected: int = 0  # what the destination's inbound order expects now
    short: int = 0  # ordered and never to ship: closed short at picking or packing

    @property
    def in_transit(self) -> int:
        return max(self.shipped - self.received, 0)


@dataclass(frozen=True)
class TransferCarton:
    sscc: str
    status: str  # the carton's (open, closed, shipped), or "received"
    units: int
    shipped_at: dt.datetime | None
    received_at: dt.datetime | None


@dataclass(frozen=True)
class TransferView:
    number: str
    from_warehouse: str
    to_warehouse: str
    status: str  # one of STATUSES
    order_status: str  # the source's sales order status
    created_at: dt.datetime
    lines: list[TransferLine] = field(default_factory=list)
    cartons: list[TransferCarton] = field(default_factory=list)

    @property
    def in_transit(self) -> int:
        return sum(line.in_transit for line in self.lines)


def _warehouse(session: Session, code: str, option: str) -> Warehouse:
    found = session.scalars(select(Warehouse).where(Warehouse.code == code.strip())).one_or_none()
    if found is None:
        known = ", ".join(session.scalars(select(Warehouse.code).order_by(Warehouse.code)))
        raise NotFound(
            _("{option}: no warehouse {code}", option=option, code=code),
            expected=_("a warehouse code ({codes})", codes=known),
        )
    return found


def parse_line(text: str) -> tuple[str, int]:
    """`SKU=QTY` as given on the command line."""
    sku, sep, quantity = text.rpartition("=")
    if not sep or not sku.strip() or not re.fullmatch(r"\s*\d+\s*", quantity):
        raise InvalidInput(
            _("{text}: expected SKU=QTY", text=text), expected=_("SKU=QTY, e.g. PLAIN=12")
        )
    return sku.strip(), int(quantity)


def _next_number(session: Session) -> str:
    numbers = [
        int(m.group(1))
        for code in session.scalars(
            select(TransferOrder.number).where(TransferOrder.number.like(f"{PREFIX}%"))
        )
        if (m := re.fullmatch(rf"{PREFIX}(\d+)", code))
    ]
    return f"{PREFIX}{max(numbers, default=0) + 1:0{DIGITS}d}"


def create_transfer(
    session: Session,
    *,
    from_warehouse: str,
    to_warehouse: str,
    lines: Sequence[tuple[str, int]],
    actor: Actor = SYSTEM,
    priority: int = 5,
) -> TransferView:
    """A transfer of `lines` (SKU, units) from one warehouse to another: its sales order at
    the source and its inbound order at the destination, in the caller's transaction.
    Refused, creating nothing: an unknown warehouse, the same warehouse twice, no lines, an
    unknown SKU or a quantity that is not a whole number above zero."""
    if actor.operator_id is not None:
        require_role(session, actor.operator_id, *TRANSFER_ROLES)
    source = _warehouse(session, from_warehouse, "--from")
    destination = _warehouse(session, to_warehouse, "--to")
    if source.id == destination.id:
        raise InvalidInput(
            _("A transfer goes to another warehouse, not back to {code}", code=source.code),
            expected=_("two different warehouses"),
        )
    if not lines:
        raise InvalidInput(_("A transfer needs at least one line"), expected=_("SKU=QTY"))
    wanted: dict[int, int] = {}
    for sku, quantity in lines:
        item_id = session.scalar(select(Item.id).where(Item.sku == sku))
        if item_id is None:
            raise NotFound(_("No item with SKU {sku}", sku=sku), expected=_("an item's SKU"))
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
            raise InvalidInput(
                _("{sku}: expected a whole number above zero, got {value}", sku=sku, value=quantity)
            )
        wanted[item_id] = wanted.get(item_id, 0) + quantity
    number = _next_number(session)
    for model in (SalesOrder, PurchaseOrder):
        if session.scalar(select(model.id).where(model.number == number)) is not None:
            raise Conflict(
                _("Order number {number} is already taken", number=number),
                expected=_("a free transfer number"),
            )
    there = destination.address
    ship_to = Address(
        name=destination.name,
        company=destination.code,
        line1=there.line1 if there else "",
        line2=there.line2 if there else "",
        city=there.city if there else "",
        postcode=there.postcode if there else "",
        province=there.province if there else "",
        country=there.country if there else "",
        phone=there.phone if there else "",
    )
    order = SalesOrder(
        number=number,
        channel=CHANNEL,
        external_ref=number,
        warehouse_id=source.id,
        ship_to=ship_to,
        priority=priority,
        notes=_("Transfer to {code}", code=destination.code),
    )
    inbound = PurchaseOrder(number=number, kind=KIND, warehouse_id=destination.id)
    for line_no, (item_id, quantity) in enumerate(wanted.items(), start=1):
        order.lines.append(
            SalesOrderLine(line_no=line_no, item_id=item_id, quantity_ordered=quantity)
        )
        inbound.lines.append(
            PurchaseOrderLine(line_no=line_no, item_id=item_id, quantity_ordered=quantity)
        )
    session.add_all([order, inbound])
    session.flush()
    transfer = TransferOrder(
        number=number,
        from_warehouse_id=source.id,
        to_warehouse_id=destination.id,
        sales_order_id=order.id,
        purchase_order_id=inbound.id,
        created_by=actor.operator_id,
    )
    session.add(transfer)
    session.flush()
    audit.record(
        session,
        audit.TRANSFER_CREATE,
        number,
        actor,
        source=source.code,
        destination=destination.code,
        units=sum(wanted.values()),
    )
    return transfer_view(session, number)


def _transfer(session: Session, number: str) -> TransferOrder:
    found = session.scalars(
        select(TransferOrder).where(TransferOrder.number == number.strip().upper())
    ).one_or_none()
    if found is None:
        raise NotFound(
            _("No transfer {number}", number=number), expected=_("a transfer number, e.g. TR000001")
        )
    return found


def _short(line: SalesOrderLine, order_status: str) -> int:
    """Units of the line that will never ship: all of the order has shipped, or the line was
    closed short (what was picked still ships)."""
    if order_status == OrderStatus.SHIPPED.value:
        return max(line.quantity_ordered - line.quantity_shipped, 0)
    if line.status == "short":
        return max(line.quantity_ordered - line.quantity_picked, 0)
    return 0


def _lines(session: Session, transfer: TransferOrder) -> list[TransferLine]:
    received: dict[int, int] = defaultdict(int)
    expected: dict[int, int] = defaultdict(int)
    for line in session.scalars(
        select(PurchaseOrderLine).where(
            PurchaseOrderLine.purchase_order_id == transfer.purchase_order_id
        )
    ):
        received[line.item_id] += line.quantity_received
        expected[line.item_id] += line.quantity_ordered
    order_status = session.scalar(
        select(SalesOrder.status).where(SalesOrder.id == transfer.sales_order_id)
    )
    rows = session.execute(
        select(SalesOrderLine, Item)
        .join(Item, Item.id == SalesOrderLine.item_id)
        .where(SalesOrderLine.order_id == transfer.sales_order_id)
        .order_by(SalesOrderLine.line_no)
    ).all()
    return [
        TransferLine(
            sku=item.sku,
            description=item.description,
            ordered=line.quantity_ordered,
            picked=line.quantity_picked,
            shipped=line.quantity_shipped,
            received=received.get(item.id, 0),
            expected=expected.get(item.id, 0),
            short=_short(line, order_status or ""),
        )
        for line, item in rows
    ]


def _status(lines: list[TransferLine], order_status: str) -> str:
    if order_status == OrderStatus.CANCELLED.value:
        return CANCELLED
    shipped = sum(line.shipped for line in lines)
    if shipped == 0:
        return "open"
    if any(line.in_transit for line in lines) or order_status != "shipped":
        return "in_transit"
    return "received"


def transfer_view(session: Session, number: str) -> TransferView:
    """The transfer, its lines (ordered, picked, shipped, received, in transit) and its
    cartons (SSCC, shipped, received)."""
    transfer = _transfer(session, number)
    order = session.get(SalesOrder, transfer.sales_order_id)
    assert order is not None
    lines = _lines(session, transfer)
    cartons = []
    for carton in session.scalars(
        select(PackedCarton)
        .where(PackedCarton.order_id == transfer.sales_order_id)
        .order_by(PackedCarton.carton_no)
    ):
        done = (
            session.scalars(select(SsccReceipt).where(SsccReceipt.sscc == carton.sscc)).first()
            if carton.sscc
            else None
        )
        cartons.append(
            TransferCarton(
                sscc=carton.sscc or "",
                status="received" if done else carton.status,
                units=sum(content.quantity for content in carton.contents),
                shipped_at=carton.shipped_at,
                received_at=done.received_at if done else None,
            )
        )
    codes = dict(session.execute(select(Warehouse.id, Warehouse.code)).all())
    return TransferView(
        number=transfer.number,
        from_warehouse=codes[transfer.from_warehouse_id],
        to_warehouse=codes[transfer.to_warehouse_id],
        status=_status(lines, order.status),
        order_status=order.status,
        created_at=transfer.created_at,
        lines=lines,
        cartons=cartons,
    )


def list_transfers(
    session: Session, *, warehouse: str | None = None, status: str | None = None
) -> list[TransferView]:
    """Transfers from or to `warehouse` (every one without it), newest first; only those in
    `status` when given."""
    if status is not None and status not in STATUSES:
        raise InvalidInput(
            _("Unknown transfer status {status}", status=status), expected=", ".join(STATUSES)
        )
    stmt = select(TransferOrder.number).order_by(TransferOrder.id.desc())
    if warehouse:
        found = _warehouse(session, warehouse, "--warehouse")
        stmt = stmt.where(
            (TransferOrder.from_warehouse_id == found.id)
            | (TransferOrder.to_warehouse_id == found.id)
        )
    views = [transfer_view(session, number) for number in session.scalars(stmt)]
    return [view for view in views if status is None or view.status == status]


def _locked(session: Session, number: str) -> tuple[TransferOrder, SalesOrder, PurchaseOrder]:
    transfer = _transfer(session, number)
    order = session.get(SalesOrder, transfer.sales_order_id, with_for_update=True)
    inbound = session.get(PurchaseOrder, transfer.purchase_order_id, with_for_update=True)
    assert order is not None and inbound is not None
    if order.status == OrderStatus.CANCELLED.value or inbound.status == CANCELLED:
        raise Conflict(
            _("Transfer {number} is already cancelled", number=transfer.number),
            expected=_("a transfer not cancelled"),
        )
    shipped = sum(line.quantity_shipped for line in order.lines)
    if shipped:
        raise Conflict(
            _(
                "Transfer {number}: {units} units already shipped; it can no longer be "
                "cancelled or changed (receive what shipped at the destination)",
                number=transfer.number,
                units=shipped,
            ),
            expected=_("a transfer with nothing shipped"),
        )
    return transfer, order, inbound


def cancel_transfer(
    session: Session, number: str, *, reason: str = "", actor: Actor = SYSTEM
) -> TransferView:
    """Cancel a transfer nothing of which has been picked or shipped, in the caller's
    transaction: at the source its order is cancelled through outbound's order cancel (its
    pick tasks cancelled, its reservations released through the ledger), at the destination
    its inbound order is closed as cancelled (nothing to receive). Refused, changing
    nothing: already cancelled, something shipped, something picked."""
    if actor.operator_id is not None:
        require_role(session, actor.operator_id, *TRANSFER_ROLES)
    transfer, order, inbound = _locked(session, number)
    done = cancel_order(session, order.id, actor=actor, reason=f"transfer {transfer.number}")
    inbound.status = CANCELLED
    session.flush()
    audit.record(
        session,
        audit.TRANSFER_CANCEL,
        transfer.number,
        actor,
        reason=reason,
        tasks_cancelled=done.tasks_cancelled,
        units_released=done.units_released,
    )
    return transfer_view(session, transfer.number)


def change_transfer(
    session: Session, number: str, lines: Sequence[tuple[str, int]], *, actor: Actor = SYSTEM
) -> TransferView:
    """Set the units of some lines of a transfer (SKU, new units; a SKU not on it adds a
    line), at the source's order and the destination's inbound order alike, in the caller's
    transaction. Refused, changing nothing: an unknown SKU, a quantity not above zero, a
    cancelled or shipped transfer, fewer units than already picked, and any change while
    its order is in a wave (cancel the wave first: its reservations would no longer match)."""
    if actor.operator_id is not None:
        require_role(session, actor.operator_id, *TRANSFER_ROLES)
    if not lines:
        raise InvalidInput(_("Give the lines to change as SKU=QTY"), expected=_("SKU=QTY"))
    wanted: dict[int, int] = {}
    skus: dict[int, str] = {}
    for sku, quantity in lines:
        item_id = session.scalar(select(Item.id).where(Item.sku == sku))
        if item_id is None:
            raise NotFound(_("No item with SKU {sku}", sku=sku), expected=_("an item's SKU"))
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
            raise InvalidInput(
                _(
                    "{sku}: expected a whole number above zero, got {value} (to drop every "
                    "line, cancel the transfer)",
                    sku=sku,
                    value=quantity,
                ),
                expected=_("a whole number above zero"),
            )
        wanted[item_id], skus[item_id] = quantity, sku
    transfer, order, inbound = _locked(session, number)
    source_lines = {line.item_id: line for line in order.lines}
    for item_id, quantity in wanted.items():
        line = source_lines.get(item_id)
        if line is not None and quantity < line.quantity_picked:
            raise Conflict(
                _(
                    "Transfer {number}: {sku} cannot go below the {picked} units already picked",
                    number=transfer.number,
                    sku=skus[item_id],
                    picked=line.quantity_picked,
                ),
                expected=_("at least {n}", n=line.quantity_picked),
            )
    if order.wave_id is not None:
        wave = session.scalar(select(Wave.code).where(Wave.id == order.wave_id))
        raise Conflict(
            _(
                "Transfer {number} is in wave {wave}; change it before a wave takes it, or "
                "cancel the wave first (floor wave cancel {wave})",
                number=transfer.number,
                wave=wave,
            ),
            expected=_("a transfer not in a wave"),
        )
    inbound_lines = {line.item_id: line for line in inbound.lines}
    changes: dict[str, list[int]] = {}
    for item_id, quantity in wanted.items():
        line = source_lines.get(item_id)
        before = line.quantity_ordered if line is not None else 0
        if before == quantity:
            continue
        changes[skus[item_id]] = [before, quantity]
        _set_line(order.lines, line, SalesOrderLine, item_id, quantity)
        _set_line(inbound.lines, inbound_lines.get(item_id), PurchaseOrderLine, item_id, quantity)
    session.flush()
    if changes:
        audit.record(session, audit.TRANSFER_CHANGE, transfer.number, actor, lines=changes)
    return transfer_view(session, transfer.number)


def _set_line(
    lines: list[Any],
    line: SalesOrderLine | PurchaseOrderLine | None,
    kind: type[SalesOrderLine] | type[PurchaseOrderLine],
    item_id: int,
    quantity: int,
) -> None:
    """`line` (of an order's `lines`) set to `quantity`, or a new last line for the item."""
    if line is not None:
        line.quantity_ordered = quantity
        return
    number = max((x.line_no for x in lines), default=0) + 1
    lines.append(kind(line_no=number, item_id=item_id, quantity_ordered=quantity))


def in_transit(session: Session, *, warehouse_id: int | None = None) -> dict[str, int]:
    """Units in transit per SKU: shipped on a transfer, not yet received; only transfers
    from or to `warehouse_id` when given."""
    stmt = select(TransferOrder)
    if warehouse_id is not None:
        stmt = stmt.where(
            (TransferOrder.from_warehouse_id == warehouse_id)
            | (TransferOrder.to_warehouse_id == warehouse_id)
        )
    totals: dict[str, int] = defaultdict(int)
    for transfer in session.scalars(stmt):
        for line in _lines(session, transfer):
            if line.in_transit:
                totals[line.sku] += line.in_transit
    return dict(sorted(totals.items()))


__all__ = [
    "CHANNEL",
    "KIND",
    "STATUSES",
    "TransferCarton",
    "TransferLine",
    "TransferView",
    "cancel_transfer",
    "change_transfer",
    "create_transfer",
    "in_transit",
    "incoming",
    "list_transfers",
    "parse_line",
    "status_label",
    "transfer_view",
]
