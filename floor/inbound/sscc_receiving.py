"""Receiving a logistic unit whole: one scan of a pallet's SSCC receives everything on it.

Where the contents come from (the first that knows the SSCC):

1. an ASN that lists the SSCC (`floor import asn`): its lines, counted against that order;
2. a carton another warehouse of the site shipped to this one on a transfer: what the
   carton was packed with, counted against the transfer's inbound order;
3. the label itself: content GTIN (02) times count (37), lot (10), expiry (17). A GS1
   logistic label often prints these in a barcode of their own: the screen asks for it.

The unit goes to the station's dock door (`dock_code`, else the warehouse's first dock)
onto a container carrying the SSCC (made there; a transfer's carton keeps its own
container), one receipt line per content line, one ledger transaction, one put-away task
for the container. An SSCC is received once: another scan of it is refused naming when and
on which receipt (`sscc_receipts`, unique by SSCC); the same scan retried (same scan id)
returns the first result. Two docks scanning one SSCC at the same moment: on PostgreSQL the
second waits for the first to commit (an advisory lock on the SSCC, taken before anything
is read), then is told it was received; without it, the second could read the order's
lines after the first's commit and be refused for the quantity instead.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zlib
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.errors import Conflict, InvalidInput, NotFound
from floor.i18n import _
from floor.inbound.receiving import (
    RECEIVABLE_STATUSES,
    RECEIVING_ROLES,
    _not_receivable,
    _order_line,
    _putaway_task,
    _receipt,
    dock_location,
)
from floor.inbound.tracking import TrackingMissing, _tracking
from floor.models import (
    AsnUnitLine,
    Container,
    ContainerKind,
    Item,
    PackedCarton,
    PackedCartonLine,
    PurchaseOrder,
    Receipt,
    ReceiptLine,
    SerialNumber,
    SsccReceipt,
    TransferOrder,
    Warehouse,
)
from floor.operators import require_role
from floor.stock import ledger as inv
from floor.stock.catalog import item_for_barcode
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, Change, StockKey

SOURCES = ("asn", "transfer", "label")
SHIPPED = "shipped"  # a packed carton's status once on the truck (floor.outbound.shipping)


class SsccContentsUnknown(InvalidInput):
    """No ASN or transfer lists the SSCC and the scan carried no contents: scan the label's
    contents barcode (02)(37)."""

    def __init__(self, sscc: str) -> None:
        super().__init__(
            _(
                "SSCC {sscc} is on no ASN or transfer: scan the label's contents barcode "
                "(content GTIN and count)",
                sscc=sscc,
            ),
            expected=_("the pallet label's contents barcode (02)(37)"),
        )
        self.sscc = sscc


@dataclass(frozen=True)
class SsccReceived:
    """A logistic unit received whole."""

    sscc: str
    receipt_id: int
    receipt_number: str
    purchase_order: str | None
    source: str  # one of SOURCES
    lpn: str
    location: str
    lines: list[dict] = field(default_factory=list)  # sku, description, quantity, lot, expiry

    @property
    def units(self) -> int:
        return sum(int(line["quantity"]) for line in self.lines)

    @classmethod
    def from_json(cls, data: dict) -> SsccReceived:
        return cls(**data)


@dataclass
class _Content:
    item: Item
    quantity: int
    lot: str = ""
    expiry: dt.date | None = None
    serial: str = ""


@dataclass
class _Unit:
    source: str
    order: PurchaseOrder | None
    contents: list[_Content]
    container: Container | None = None  # a transfer carton's own container


def _lock_sscc(session: Session, sscc: str) -> None:
    """On PostgreSQL, wait for any other transaction receiving `sscc` to commit (SQLite's
    write transactions run one at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        key = zlib.crc32(f"floor.sscc_receiving:{sscc}".encode())
        session.execute(select(func.pg_advisory_xact_lock(key)))


def received_before(session: Session, sscc: str) -> SsccReceipt | None:
    return session.scalars(select(SsccReceipt).where(SsccReceipt.sscc == sscc)).one_or_none()


def _refuse_received(session: Session, done: SsccReceipt) -> Conflict:
    receipt = session.get(Receipt, done.receipt_id)
    when = done.received_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return Conflict(
        _(
            "SSCC {sscc} was already received on {when} (receipt {number})",
            sscc=done.sscc,
            when=when,
            number=receipt.number if receipt else "?",
        ),
        expected=_("a pallet not yet received"),
    )


def _asn_unit(session: Session, warehouse_id: int, sscc: str) -> _Unit | None:
    rows = session.execute(
        select(AsnUnitLine, PurchaseOrder)
        .join(PurchaseOrder, PurchaseOrder.id == AsnUnitLine.purchase_order_id)
        .where(AsnUnitLine.sscc == sscc)
        .order_by(AsnUnitLine.id)
    ).all()
    if not rows:
        return None
    if all(po.warehouse_id != warehouse_id for _line, po in rows):
        there = session.get(Warehouse, rows[0][1].warehouse_id)
        raise Conflict(
            _(
                "SSCC {sscc} is on {number}, expected at warehouse {warehouse}",
                sscc=sscc,
                number=rows[0][1].number,
                warehouse=there.code if there else "?",
            ),
            expected=_("a pallet sent to this warehouse"),
        )
    rows = [row for row in rows if row[1].warehouse_id == warehouse_id]
    order = rows[0][1]
    contents = [
        _Content(session.get(Item, line.item_id), line.quantity, line.lot, line.expiry)  # type: ignore[arg-type]
        for line, po in rows
        if po.id == order.id
    ]
    return _Unit("asn", order, contents)


def _transfer_unit(session: Session, warehouse_id: int, sscc: str) -> _Unit | None:
    found = session.execute(
        select(PackedCarton, TransferOrder)
        .join(TransferOrder, TransferOrder.sales_order_id == PackedCarton.order_id)
        .where(PackedCarton.sscc == sscc)
    ).first()
    if found is None:
        return None
    carton, transfer = found
    if transfer.to_warehouse_id != warehouse_id:
        there = session.get(Warehouse, transfer.to_warehouse_id)
        raise Conflict(
            _(
                "SSCC {sscc} is a carton of transfer {number} to warehouse {warehouse}",
                sscc=sscc,
                number=transfer.number,
                warehouse=there.code if there else "?",
            ),
            expected=_("a pallet or carton sent to this warehouse"),
        )
    if carton.status != SHIPPED:
        raise Conflict(
            _(
                "SSCC {sscc} of transfer {number} has not been shipped yet",
                sscc=sscc,
                number=transfer.number,
            ),
            expected=_("a carton shipped by the sending warehouse"),
        )
    lines = session.scalars(
        select(PackedCartonLine)
        .where(PackedCartonLine.carton_id == carton.id, PackedCartonLine.in_carton)
        .order_by(PackedCartonLine.id)
    ).all()
    contents = [
        _Content(session.get(Item, line.item_id), line.quantity, line.lot, line.expiry, line.serial)  # type: ignore[arg-type]
        for line in lines
    ]
    order = session.get(PurchaseOrder, transfer.purchase_order_id)
    container = session.get(Container, carton.container_id) if carton.container_id else None
    return _Unit("transfer", order, contents, container)


def _label_unit(
    session: Session,
    sscc: str,
    content_gtin: str | None,
    count: int | None,
    lot: str | None,
    expiry: dt.date | None,
) -> _Unit:
    if not content_gtin:
        raise SsccContentsUnknown(sscc)
    item, units = item_for_barcode(session, content_gtin)
    packs = count if count is not None else 1
    if packs <= 0:
        raise InvalidInput(
            _("Count: expected a whole number above zero, got {value}", value=packs),
            expected=_("a count (37) above zero"),
        )
    return _Unit("label", None, [_Content(item, packs * units, (lot or "").strip(), expiry)])


def _unit_container(session: Session, sscc: str, unit: _Unit, dock_id: int) -> Container:
    """The container the unit is received onto: the transfer carton's own, or one made
    with the SSCC as its code."""
    container = (
        unit.container
        or session.scalars(
            select(Container).where((Container.sscc == sscc) | (Container.code == sscc))
        ).first()
    )
    if container is None:
        container = Container(
            code=sscc, kind=ContainerKind.PALLET.value, sscc=sscc, location_id=dock_id
        )
        session.add(container)
        session.flush()
        return container
    if container.location_id not in (None, dock_id) and container.status != SHIPPED:
        raise Conflict(
            _("Container {code} is already in use here", code=container.code),
            expected=_("a pallet not yet received"),
        )
    container.location_id, container.status = dock_id, "active"
    container.sscc = container.sscc or sscc
    return container


def _check_order(receipt: Receipt, unit: _Unit, sscc: str, session: Session) -> None:
    if unit.order is None:
        return
    if unit.order.status not in RECEIVABLE_STATUSES:
        raise Conflict(
            _not_receivable(unit.order.number, unit.order.status),
            expected=_("an open purchase order"),
        )
    if receipt.purchase_order_id != unit.order.id:
        raise Conflict(
            _(
                "SSCC {sscc} belongs to {number}: receive it on that order",
                sscc=sscc,
                number=unit.order.number,
            ),
            expected=_("a pallet of this receipt's order"),
        )


def _receipt_for(session: Session, warehouse_id: int, unit: _Unit, actor: Actor) -> Receipt:
    """The open receipt of the unit's order (made when there is none); blind for a label."""
    if unit.order is not None:
        existing = session.scalars(
            select(Receipt)
            .where(Receipt.purchase_order_id == unit.order.id, Receipt.status == "open")
            .order_by(Receipt.id)
            .with_for_update()
        ).first()
        if existing is not None:
            return existing
    receipt = Receipt(
        number=f"TMP-{uuid.uuid4().hex[:20]}",
        warehouse_id=warehouse_id,
        purchase_order_id=unit.order.id if unit.order else None,
        operator_id=actor.operator_id,
        station=actor.station,
    )
    session.add(receipt)
    session.flush()
    receipt.number = f"RC{receipt.id:07d}"
    session.flush()
    return receipt


def receive_sscc(
    session: Session,
    *,
    warehouse_id: int,
    sscc: str,
    actor: Actor,
    receipt_id: int | None = None,
    content_gtin: str | None = None,
    count: int | None = None,
    lot: str | None = None,
    expiry: dt.date | None = None,
    scan_id: str | None = None,
    today: dt.date | None = None,
    dock_code: str | None = None,
) -> SsccReceived:
    """Receive the whole logistic unit `sscc` (see the module). With no `receipt_id` (the
    SSCC scanned before any document) the receipt of its ASN or transfer is opened or
    resumed, or a blind one for a unit known only by its label. Refused, changing nothing:
    an SSCC already received, one of another order than the receipt's, contents beyond an
    order's tolerance or not on it, a tracked item without its lot or expiry, an expiry
    already past (those are received item by item). The unit lands at `dock_code`, the
    station's dock door (else the warehouse's first)."""
    require_role(session, actor.operator_id, *RECEIVING_ROLES)
    sscc = sscc.strip()
    today = today or dt.date.today()

    def work() -> dict:
        _lock_sscc(session, sscc)
        done = received_before(session, sscc)
        if done is not None:
            raise _refuse_received(session, done)
        unit = (
            _asn_unit(session, warehouse_id, sscc)
            or _transfer_unit(session, warehouse_id, sscc)
            or _label_unit(session, sscc, content_gtin, count, lot, expiry)
        )
        if receipt_id is None:
            receipt = _receipt_for(session, warehouse_id, unit, actor)
        else:
            receipt = _receipt(session, receipt_id, lock=True)
            if receipt.warehouse_id != warehouse_id:
                raise NotFound(
                    _("Unknown receipt {id}", id=receipt_id), expected=_("an open receipt")
                )
        if receipt.status != "open":
            raise Conflict(
                _("Receipt {number} is closed", number=receipt.number),
                expected=_("an open receipt"),
            )
        _check_order(receipt, unit, sscc, session)
        order = (
            session.get(PurchaseOrder, receipt.purchase_order_id)
            if receipt.purchase_order_id
            else None
        )
        dock = dock_location(session, receipt.warehouse_id, dock_code)
        container = _unit_container(session, sscc, unit, dock.id)
        checked = []
        for content in unit.contents:
            item = content.item
            if item.serial_tracked and not content.serial:
                raise InvalidInput(
                    _("{sku} is serial tracked: receive it unit by unit", sku=item.sku),
                    expected=_("a pallet without serial-tracked items"),
                )
            lot_text, expiry_date = content.lot, content.expiry
            if not content.serial:  # a transfer's serial was checked when it was received
                try:
                    lot_text, expiry_date, _none = _tracking(
                        session, item, content.quantity, content.lot, content.expiry, None
                    )
                except TrackingMissing as missing:
                    raise InvalidInput(
                        _(
                            "SSCC {sscc}: {sku} needs its {what}, which neither the ASN nor "
                            "the label gives: receive it item by item",
                            sscc=sscc,
                            sku=item.sku,
                            what=" + ".join(
                                {"lot": _("lot"), "expiry": _("expiry date")}[name]
                                for name in missing.missing
                            ),
                        ),
                        expected=_("an ASN or label giving lot and expiry"),
                    ) from None
            if expiry_date is not None and expiry_date < today:
                raise InvalidInput(
                    _(
                        "{sku} expired on {date}: receive it item by item for a supervisor "
                        "to accept",
                        sku=item.sku,
                        date=expiry_date.isoformat(),
                    ),
                    expected=_("goods not past their expiry"),
                )
            po_line, _ordered, _before = _order_line(
                session, order, item, lot_text, content.quantity
            )
            if order is not None and po_line is None:
                raise InvalidInput(
                    _(
                        "{sku} is not on {number}: receive it item by item",
                        sku=item.sku,
                        number=order.number,
                    ),
                    expected=_("a pallet of the order's items"),
                )
            if po_line is not None:
                po_line.quantity_received += content.quantity  # the next line's tolerance
            key = StockKey(dock.id, item.id, lot_text, expiry_date, container.id)
            checked.append((content, key, po_line))
        posting = inv.post(
            session,
            "receive",
            [Change(key, content.quantity) for content, key, _line in checked],
            actor=actor,
            reason="receipt",
            reference=receipt.number,
            scan_id=scan_id,
        )
        lines = []
        for content, key, po_line in checked:
            session.add(
                ReceiptLine(
                    receipt_id=receipt.id,
                    purchase_order_line_id=po_line.id if po_line else None,
                    item_id=key.item_id,
                    lot=key.lot,
                    expiry=key.expiry,
                    serial=content.serial,
                    quantity=content.quantity,
                    location_id=dock.id,
                    container_id=container.id,
                    transaction_id=posting.transaction_id,
                )
            )
            if content.serial:
                _serial_back_in(session, content, dock.id, posting.transaction_id)
            _putaway_task(session, receipt, key, content.quantity)
            lines.append(
                {
                    "sku": content.item.sku,
                    "description": content.item.description,
                    "quantity": content.quantity,
                    "lot": key.lot,
                    "expiry": key.expiry.isoformat() if key.expiry else None,
                }
            )
        session.add(
            SsccReceipt(
                sscc=sscc,
                receipt_id=receipt.id,
                container_id=container.id,
                source=unit.source,
                scan_id=scan_id,
                operator_id=actor.operator_id,
                station=actor.station,
            )
        )
        session.flush()
        return asdict(
            SsccReceived(
                sscc=sscc,
                receipt_id=receipt.id,
                receipt_number=receipt.number,
                purchase_order=order.number if order else None,
                source=unit.source,
                lpn=container.code,
                location=dock.code,
                lines=lines,
            )
        )

    result, _replayed = once(session, scan_id, "receiving.sscc", work)
    return SsccReceived.from_json(result)


def _serial_back_in(session: Session, content: _Content, location_id: int, tx: int) -> None:
    """A serial shipped by the sending warehouse is in stock again here."""
    serial = session.scalars(
        select(SerialNumber).where(
            SerialNumber.item_id == content.item.id, SerialNumber.serial == content.serial
        )
    ).one_or_none()
    if serial is None:
        session.add(
            SerialNumber(
                item_id=content.item.id,
                serial=content.serial,
                location_id=location_id,
                transaction_id=tx,
            )
        )
        return
    serial.status, serial.location_id, serial.transaction_id = "in_stock", location_id, tx


__all__ = ["SOURCES", "SsccContentsUnknown", "SsccReceived", "receive_sscc", "received_before"]
