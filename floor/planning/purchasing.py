"""Accepted reorder suggestions turned into purchase orders, one per supplier, that receiving
then works against like an imported one (status open, expected after the lead time).

Accepting is naming the items (or all of them, or all of one supplier's). The suggestions
are computed again inside the transaction, after the suppliers' rows are locked, so two
planners creating at once take turns and the second sees the first's orders as on order:
running it twice orders nothing more (open purchase orders count in the stock position).
Orders are numbered PO + date + count of the day (PO2612060001).
Items no supplier sells are left out and reported. Each order is recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor import audit
from floor.errors import InvalidInput
from floor.i18n import _
from floor.models import PurchaseOrder, PurchaseOrderLine, Supplier, utcnow
from floor.planning.levels import DEFAULT_SERVICE_LEVEL
from floor.planning.suggestions import Suggestion, save_reorder_points, suggest

PURCHASE_ORDER_CREATE = audit.PURCHASE_ORDER_CREATE
PREFIX = "PO"  # the default scan language's purchase order prefix


@dataclass(frozen=True)
class CreatedOrder:
    number: str
    supplier: str
    expected_on: dt.date
    lines: tuple[tuple[str, int], ...]  # (sku, units)

    @property
    def units(self) -> int:
        return sum(quantity for _sku, quantity in self.lines)


@dataclass
class Created:
    orders: list[CreatedOrder] = field(default_factory=list)
    no_supplier: list[str] = field(default_factory=list)  # SKUs to order that nobody sells
    nothing_needed: list[str] = field(default_factory=list)  # SKUs named that need no order


def _number(session: Session, today: dt.date) -> str:
    """PO + YYMMDD + a 4-digit count of the day: PO2612060001. Letters and digits only, so
    the receiving screen reads a scan of it as a purchase order (the scan language's `PO`
    prefix, docs/scanners.md); a number taken (an imported order) is skipped."""
    prefix = f"{PREFIX}{today:%y%m%d}"
    taken = set(
        session.scalars(select(PurchaseOrder.number).where(PurchaseOrder.number.like(f"{prefix}%")))
    )
    n = 1
    while f"{prefix}{n:04d}" in taken:
        n += 1
    return f"{prefix}{n:04d}"


def create_purchase_orders(
    session: Session,
    warehouse_id: int,
    actor: audit.Doer,
    *,
    skus: Sequence[str] | None = None,
    supplier: str | None = None,
    service_level: float = DEFAULT_SERVICE_LEVEL,
    today: dt.date | None = None,
    engine: str = "builtin",
) -> Created:
    """Purchase orders for the suggestions to order now of `skus` (None: all), of `supplier`
    when given; one order per supplier. Computed reorder points are recorded too."""
    if skus is not None and not skus:
        raise InvalidInput(_("Name the items to order, or all"), expected=_("SKUs or --all"))
    day = today or utcnow().date()
    # Every supplier row, in id order: planners creating at once take turns (and number
    # the day's orders one after the other).
    lock = select(Supplier).order_by(Supplier.id).with_for_update()
    suppliers = {s.id: s for s in session.scalars(lock)}
    suggestions = suggest(
        session,
        warehouse_id,
        supplier=supplier,
        skus=skus,
        service_level=service_level,
        today=day,
        engine=engine,
    )
    save_reorder_points(session, warehouse_id, suggestions, service_level)
    created = Created()
    by_supplier: dict[int, list[Suggestion]] = defaultdict(list)
    for s in suggestions:
        if s.quantity <= 0:
            created.nothing_needed.append(s.sku)
        elif s.supplier_id is None or s.supplier_id not in suppliers:
            created.no_supplier.append(s.sku)
        else:
            by_supplier[s.supplier_id].append(s)
    for supplier_id, lines in sorted(by_supplier.items(), key=lambda p: suppliers[p[0]].code):
        vendor = suppliers[supplier_id]
        lead = max(s.lead_time_days for s in lines)
        order = PurchaseOrder(
            number=_number(session, day),
            kind="po",
            warehouse_id=warehouse_id,
            supplier_id=supplier_id,
            status="open",
            expected_on=day + dt.timedelta(days=lead),
        )
        for line_no, s in enumerate(lines, start=1):
            order.lines.append(
                PurchaseOrderLine(line_no=line_no, item_id=s.item_id, quantity_ordered=s.quantity)
            )
        session.add(order)
        session.flush()
        done = CreatedOrder(
            order.number,
            vendor.code,
            order.expected_on or day,
            tuple((s.sku, s.quantity) for s in lines),
        )
        audit.record(
            session,
            PURCHASE_ORDER_CREATE,
            order.number,
            actor,
            supplier=vendor.code,
            lines=[[sku, units] for sku, units in done.lines],
        )
        created.orders.append(done)
    return created
