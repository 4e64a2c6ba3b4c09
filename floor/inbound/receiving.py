"""Receiving at the dock: against a purchase order or ASN, or blind; a receipt and its lines.

A scan of an item posts its units to the dock (or, damaged, to quarantine) through the ledger
and records a receipt line. Quantity = packs scanned (keypad quantity, else the GS1 count, else
1) times the units of the scanned pack level (a case barcode of 12 counts 12). Over-receipt
tolerance: the item's `over_receipt_pct`, else the supplier's, else 0; beyond it the scan is
refused showing the allowed maximum. Undamaged stock gets a put-away task: one per LPN, or
one per item, lot and expiry at the dock. Damaged goods carry one of `DAMAGE_REASONS`.

What a tracked item must carry (lot, expiry, serial) is checked by floor.inbound.tracking;
items not on the PO and expiry dates past or too close by floor.inbound.receiving_checks
(the site's `[receiving]` policy); closing a receipt and its discrepancies are
floor.inbound.receipt_closing.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from dataclasses import asdict, dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, contains_eager

from floor.errors import Conflict, InvalidInput, NotFound
from floor.i18n import N_, _, by_status
from floor.inbound.docks import dock_location, first_location_in_zone
from floor.inbound.receiving_checks import (
    ReceivingPolicy,
    accept_expired,
    accept_unexpected,
    shelf_life_warning,
)
from floor.inbound.tracking import _tracking
from floor.models import (
    RECEIVABLE_PO_STATUSES,
    Container,
    ContainerKind,
    Item,
    Location,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
    Role,
    SerialNumber,
    Task,
    TaskKind,
    TaskStatus,
    Warehouse,
    ZoneKind,
)
from floor.operators import require_role
from floor.stock import ledger as inv
from floor.stock.catalog import item_for_barcode
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, StockKey

RECEIVING_ROLES = (Role.RECEIVER.value, Role.SUPERVISOR.value)
PURCHASE_ORDER_STATUSES = ("open", "partial", "received")
RECEIVABLE_STATUSES = RECEIVABLE_PO_STATUSES
LPN_PREFIX = "LPN"
LPN_DIGITS = 7
DAMAGE_REASONS: dict[str, str] = {
    "transit": N_("damaged in transit"),
    "wet": N_("wet"),
    "crushed": N_("crushed"),
    "wrong_item": N_("wrong item"),
    "other": N_("other"),
}


def purchase_order_status_label(status: str) -> str:
    """A purchase order status in operator words; the raw value if it is none of
    PURCHASE_ORDER_STATUSES."""
    labels = {
        # i18n: the status of a purchase order: nothing received yet
        "open": _("not received yet"),
        # i18n: the status of a purchase order: some of it received
        "partial": _("partly received"),
        # i18n: the status of a purchase order: all of it received
        "received": _("received"),
    }
    return labels.get(status, status)


def _not_receivable(number: str, status: str) -> str:
    """Why purchase order `number` takes no receipt, in one sentence for its status."""
    return by_status(
        status,
        {"received": N_("Purchase order {number} is already received")},
        N_("Purchase order {number}: {status}"),
        purchase_order_status_label(status),
        number=number,
    )


@dataclass(frozen=True)
class ReceiptSummary:
    receipt_id: int
    number: str
    purchase_order: str | None
    lines: list[dict] = field(default_factory=list)  # sku, description, ordered, received,
    # unexpected (True for an item not on the order)
    status: str = "open"

    @classmethod
    def from_json(cls, data: dict) -> ReceiptSummary:
        return cls(**data)


@dataclass(frozen=True)
class Received:
    """One accepted receiving scan."""

    receipt_line_id: int
    sku: str
    description: str
    quantity: int
    location: str
    lpn: str | None
    damaged: bool
    received_total: int
    ordered: int | None
    unexpected: bool = False  # not on the purchase order
    warning: str = ""  # a short shelf life

    @classmethod
    def from_json(cls, data: dict) -> Received:
        return cls(**data)


@dataclass(frozen=True)
class LpnCreated:
    code: str
    print_request: dict


def tolerance_pct(item: Item, order: PurchaseOrder | None) -> float:
    if item.over_receipt_pct is not None:
        return float(item.over_receipt_pct)
    if order is not None and order.supplier is not None:
        return float(order.supplier.over_receipt_pct or 0.0)
    return 0.0


# --- opening a receipt ----------------------------------------------------------------------


def open_receipt(
    session: Session,
    *,
    warehouse_id: int,
    actor: Actor,
    purchase_order_number: str | None = None,
    scan_id: str | None = None,
) -> ReceiptSummary:
    """Start receiving against a PO/ASN number, or blind when no number is given.

    A PO that already has an open receipt resumes it, so two receivers (or one after a
    restart) work on the same receipt.
    """
    require_role(session, actor.operator_id, *RECEIVING_ROLES)

    def work() -> dict:
        order = None
        if purchase_order_number:
            # the order and its open receipt, if any, in one read
            order, existing = _receivable_order(session, warehouse_id, purchase_order_number)
            if existing is not None:
                return asdict(_summary(session, existing, order))
        receipt = Receipt(
            number=f"TMP-{uuid.uuid4().hex[:20]}",
            warehouse_id=warehouse_id,
            purchase_order_id=order.id if order else None,
            operator_id=actor.operator_id,
            station=actor.station,
        )
        session.add(receipt)
        session.flush()
        receipt.number = f"RC{receipt.id:07d}"
        session.flush()
        return asdict(_summary(session, receipt, order, new=True))

    result, _replayed = once(session, scan_id, "receiving.open", work)
    return ReceiptSummary.from_json(result)


def _receivable_order(
    session: Session, warehouse_id: int, number: str
) -> tuple[PurchaseOrder, Receipt | None]:
    """The purchase order `number`, refused unless it is this warehouse's and receivable, and
    its oldest open receipt (None when it has none), read together."""
    row = session.execute(
        select(PurchaseOrder, Receipt)
        .outerjoin(
            Receipt, and_(Receipt.purchase_order_id == PurchaseOrder.id, Receipt.status == "open")
        )
        .where(PurchaseOrder.number == number)
        .order_by(Receipt.id)
        .limit(1)
    ).first()
    order, existing = row if row is not None else (None, None)
    if order is None or order.warehouse_id != warehouse_id:
        raise NotFound(
            _("Unknown purchase order {number}", number=number),
            expected=_("a purchase order or ASN of this warehouse"),
        )
    if order.status not in RECEIVABLE_STATUSES:
        raise Conflict(
            _not_receivable(number, order.status),
            expected=_("an open purchase order"),
        )
    return order, existing


def receipt_summary(session: Session, receipt_id: int) -> ReceiptSummary:
    """What is expected and what was received so far, line by item."""
    receipt, order = _receipt_and_order(session, receipt_id, lines=False)
    return _summary(session, receipt, order)


def _summary(
    session: Session, receipt: Receipt, order: PurchaseOrder | None, *, new: bool = False
) -> ReceiptSummary:
    """The summary of `receipt` (of `order`); `new`: it was just made and has no lines yet."""
    rows: dict[int, dict] = {}
    if order is not None:
        # the order's lines with their items' texts, in one read
        for item_id, ordered, received, sku, description in session.execute(
            select(
                PurchaseOrderLine.item_id,
                PurchaseOrderLine.quantity_ordered,
                PurchaseOrderLine.quantity_received,
                Item.sku,
                Item.description,
            )
            .join(Item, Item.id == PurchaseOrderLine.item_id)
            .where(PurchaseOrderLine.purchase_order_id == order.id)
            .order_by(PurchaseOrderLine.line_no)
        ):
            row = rows.setdefault(
                item_id, {"sku": sku, "description": description, "ordered": 0, "received": 0}
            )
            row["ordered"] += ordered
            row["received"] += received
        for sku, description, quantity in (
            ()
            if new
            else session.execute(
                select(Item.sku, Item.description, func.sum(ReceiptLine.quantity))
                .join(Item, Item.id == ReceiptLine.item_id)
                .where(
                    ReceiptLine.receipt_id == receipt.id,
                    ReceiptLine.purchase_order_line_id.is_(None),
                )
                .group_by(Item.sku, Item.description)
                .order_by(Item.sku)
            )
        ):  # not on the order: shown as unexpected lines
            rows[-len(rows) - 1] = {
                "sku": sku,
                "description": description,
                "ordered": 0,
                "received": int(quantity),
                "unexpected": True,
            }
    elif not new:
        for item_id, sku, description, quantity in session.execute(
            select(ReceiptLine.item_id, Item.sku, Item.description, func.sum(ReceiptLine.quantity))
            .join(Item, Item.id == ReceiptLine.item_id)
            .where(ReceiptLine.receipt_id == receipt.id)
            .group_by(ReceiptLine.item_id, Item.sku, Item.description)
        ):
            rows[item_id] = {
                "sku": sku,
                "description": description,
                "ordered": None,
                "received": int(quantity),
            }
    return ReceiptSummary(
        receipt_id=receipt.id,
        number=receipt.number,
        purchase_order=order.number if order else None,
        lines=list(rows.values()),
        status=receipt.status,
    )


def _receipt_and_order(
    session: Session, receipt_id: int, *, lock: bool = False, lines: bool = True
) -> tuple[Receipt, PurchaseOrder | None]:
    """The receipt (locked when `lock`) and its purchase order (None for a blind receipt),
    with the order's lines when `lines`, in one statement."""
    stmt = (
        select(Receipt, PurchaseOrder)
        .outerjoin(PurchaseOrder, PurchaseOrder.id == Receipt.purchase_order_id)
        .where(Receipt.id == receipt_id)
    )
    if lines:
        stmt = (
            stmt.outerjoin(
                PurchaseOrderLine, PurchaseOrderLine.purchase_order_id == PurchaseOrder.id
            )
            .options(contains_eager(PurchaseOrder.lines))
            .order_by(PurchaseOrderLine.line_no)
        )
    if lock:
        stmt = stmt.with_for_update(of=Receipt)
    row = session.execute(stmt).unique().first()
    if row is None:
        raise NotFound(_("Unknown receipt {id}", id=receipt_id), expected=_("an open receipt"))
    return row[0], row[1]


def _receipt(session: Session, receipt_id: int, *, lock: bool = False) -> Receipt:
    stmt = select(Receipt).where(Receipt.id == receipt_id)
    if lock:
        stmt = stmt.with_for_update()
    receipt = session.scalars(stmt).one_or_none()
    if receipt is None:
        raise NotFound(_("Unknown receipt {id}", id=receipt_id), expected=_("an open receipt"))
    return receipt


# --- LPNs -----------------------------------------------------------------------------------


def create_lpn(
    session: Session,
    *,
    warehouse_id: int,
    actor: Actor,
    kind: str = ContainerKind.PALLET.value,
    scan_id: str | None = None,
    dock_code: str | None = None,
) -> LpnCreated:
    """A new LPN code (`LPN` + zero-padded sequence) at the station's dock door (`dock_code`,
    else the warehouse's first) and the data of its label to print."""
    require_role(session, actor.operator_id, *RECEIVING_ROLES)

    def work() -> dict:
        numbers = [
            int(m.group(1))
            for code in session.scalars(
                select(Container.code).where(Container.code.like(f"{LPN_PREFIX}%"))
            )
            if (m := re.fullmatch(rf"{LPN_PREFIX}(\d+)", code))
        ]
        code = f"{LPN_PREFIX}{max(numbers, default=0) + 1:0{LPN_DIGITS}d}"
        dock = dock_location(session, warehouse_id, dock_code)
        session.add(Container(code=code, kind=kind, location_id=dock.id))
        session.flush()
        warehouse = session.get(Warehouse, warehouse_id)
        return {
            "code": code,
            "print_request": {
                "template": "lpn",
                "lpn": code,
                "kind": kind,
                "warehouse": warehouse.code if warehouse else "",
                "location": dock.code,
            },
        }

    result, _replayed = once(session, scan_id, "receiving.lpn", work)
    return LpnCreated(**result)


def _lpn_for_receipt(session: Session, code: str, dock: Location) -> Container:
    """The container for a scanned pre-printed LPN label, created when the code is new."""
    container = session.scalars(select(Container).where(Container.code == code)).one_or_none()
    if container is None:
        container = Container(code=code, kind=ContainerKind.PALLET.value, location_id=dock.id)
        session.add(container)
        session.flush()
        return container
    if container.location_id not in (None, dock.id):
        where = session.get(Location, container.location_id)
        raise Conflict(
            _(
                "{lpn} is already in use at {location}",
                lpn=code,
                location=where.code if where else "?",
            ),
            expected=_("a new or empty LPN label"),
        )
    container.location_id = dock.id
    return container


# --- receiving a scan -----------------------------------------------------------------------


def receive_scan(
    session: Session,
    receipt_id: int,
    *,
    barcode: str,
    actor: Actor,
    quantity: int | None = None,
    count: int | None = None,
    lot: str | None = None,
    expiry: dt.date | None = None,
    serial: str | None = None,
    lpn_code: str | None = None,
    damaged: bool = False,
    reason: str = "",
    scan_id: str | None = None,
    policy: ReceivingPolicy | None = None,
    confirm_unexpected: bool = False,
    approver_badge: str | None = None,
    expired_reason: str = "",
    today: dt.date | None = None,
    dock_code: str | None = None,
) -> Received:
    """Receive one scan of an item: to the dock (`dock_code`, else the warehouse's first;
    onto `lpn_code` if given) or, damaged, to quarantine. Refused, changing nothing, for a
    missing lot/expiry/serial, a duplicate serial, a quantity beyond the over-receipt
    tolerance, an item not on the PO until `confirm_unexpected` (and a supervisor, by
    `policy`), or an expiry already past until a supervisor accepts it with
    `expired_reason`."""
    require_role(session, actor.operator_id, *RECEIVING_ROLES)
    policy = policy or ReceivingPolicy()
    today = today or dt.date.today()

    def work() -> dict:
        # the receipt locked, with its order and the order's lines
        receipt, order = _receipt_and_order(session, receipt_id, lock=True)
        if receipt.status != "open":
            raise Conflict(
                _("Receipt {number} is closed", number=receipt.number),
                expected=_("an open receipt"),
            )
        item, units = item_for_barcode(session, barcode)
        packs = quantity if quantity is not None else (count or 1)
        if not isinstance(packs, int) or packs <= 0:
            raise InvalidInput(
                _("Quantity: expected a whole number above zero, got {value}", value=packs)
            )
        total = packs * units
        lot_text, expiry_date, serial_text = _tracking(session, item, total, lot, expiry, serial)
        if damaged and reason not in DAMAGE_REASONS:
            raise InvalidInput(
                _("Damaged goods need a reason")
                if not reason
                else _("Unknown damage reason {reason}", reason=reason),
                expected=", ".join(DAMAGE_REASONS),
            )
        if expiry_date is not None and expiry_date < today:
            accept_expired(
                session, receipt, item, expiry_date, actor, approver_badge, expired_reason
            )
        po_line, ordered, received_before = _order_line(session, order, item, lot_text, total)
        unexpected = order is not None and po_line is None
        if unexpected:
            accept_unexpected(
                session,
                receipt,
                order,
                item,
                total,
                actor,
                policy,
                confirm_unexpected,
                approver_badge,
            )
        dock = dock_location(session, receipt.warehouse_id, dock_code)
        container = _lpn_for_receipt(session, lpn_code, dock) if lpn_code else None
        if damaged:
            location = first_location_in_zone(session, receipt.warehouse_id, ZoneKind.QUARANTINE)
            container_id = None
        else:
            location, container_id = dock, container.id if container else None
        key = StockKey(location.id, item.id, lot_text, expiry_date, container_id)
        posting = inv.receive(
            session,
            key,
            total,
            actor=actor,
            reason="damaged" if damaged else "receipt",
            reference=receipt.number,
            scan_id=scan_id,
        )
        line = ReceiptLine(
            receipt_id=receipt.id,
            purchase_order_line_id=po_line.id if po_line else None,
            item_id=item.id,
            lot=lot_text,
            expiry=expiry_date,
            serial=serial_text,
            quantity=total,
            location_id=location.id,
            container_id=container_id,
            damaged=damaged,
            reason=reason,
            transaction_id=posting.transaction_id,
        )
        session.add(line)
        if po_line is not None:
            po_line.quantity_received += total
        if serial_text:
            session.add(
                SerialNumber(
                    item_id=item.id,
                    serial=serial_text,
                    location_id=location.id,
                    transaction_id=posting.transaction_id,
                )
            )
        if not damaged:
            _putaway_task(session, receipt, key, total)
        session.flush()
        return {
            "receipt_line_id": line.id,
            "sku": item.sku,
            "description": item.description,
            "quantity": total,
            "location": location.code,
            "lpn": container.code if container and not damaged else None,
            "damaged": damaged,
            "received_total": received_before + total,
            "ordered": ordered,
            "unexpected": unexpected,
            "warning": shelf_life_warning(item.sku, expiry_date, policy, today),
        }

    result, _replayed = once(session, scan_id, "receiving.receive", work)
    return Received.from_json(result)


def _order_line(
    session: Session, order: PurchaseOrder | None, item: Item, lot: str, total: int
) -> tuple[PurchaseOrderLine | None, int | None, int]:
    """The PO line this scan counts against, the ordered total for the item, and how many
    were received before; refuses beyond the tolerance. Items not on the PO are received
    and reported as unexpected when the receipt closes."""
    if order is None:
        return None, None, 0
    lines = [line for line in order.lines if line.item_id == item.id]
    if not lines:
        return None, None, 0
    ordered = sum(line.quantity_ordered for line in lines)
    received = sum(line.quantity_received for line in lines)
    pct = tolerance_pct(item, order)
    allowed = math.floor(ordered * (1 + pct / 100) + 1e-9)
    if received + total > allowed:
        raise InvalidInput(
            _(
                "Over-receipt: {sku} ordered {ordered}, received {received}; at most {allowed} "
                "allowed ({pct}% tolerance)",
                sku=item.sku,
                ordered=ordered,
                received=received,
                allowed=allowed,
                pct=f"{pct:g}",
            ),
            expected=_("at most {left} more", left=max(allowed - received, 0)),
        )
    chosen = next(
        (
            line
            for line in lines
            if line.lot == lot and line.quantity_received < line.quantity_ordered
        ),
        None,
    ) or next((line for line in lines if line.quantity_received < line.quantity_ordered), lines[-1])
    return chosen, ordered, received


def _putaway_task(session: Session, receipt: Receipt, key: StockKey, total: int) -> None:
    stmt = select(Task).where(
        Task.kind == TaskKind.PUTAWAY.value,
        Task.status == TaskStatus.OPEN.value,
        Task.from_location_id == key.location_id,
    )
    if key.container_id is not None:
        stmt = stmt.where(Task.container_id == key.container_id)
    else:
        stmt = stmt.where(
            Task.container_id.is_(None),
            Task.item_id == key.item_id,
            Task.lot == key.lot,
            Task.expiry.is_(None) if key.expiry is None else Task.expiry == key.expiry,
        )
    task = session.scalars(stmt.order_by(Task.id).with_for_update()).first()
    if task is None:
        session.add(
            Task(
                warehouse_id=receipt.warehouse_id,
                kind=TaskKind.PUTAWAY.value,
                item_id=key.item_id,
                lot=key.lot,
                expiry=key.expiry,
                from_location_id=key.location_id,
                container_id=key.container_id,
                quantity=total,
                data={"receipt": receipt.number},
            )
        )
        return
    task.quantity += total
    if task.item_id != key.item_id:
        task.data = {**(task.data or {}), "mixed": True}
