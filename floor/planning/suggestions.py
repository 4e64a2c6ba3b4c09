"""Reorder suggestions for a warehouse: per item, its supplier's terms, its forecast, its stock
position, its reorder point and order-up-to level, and how much to order now.

Items planned: every item that is not a kit and that a supplier sells, has demand in the
history or has a reorder point typed in. An item is bought from its supplier of lowest
priority (then lowest code); an item no supplier sells is suggested with no supplier, to
be set up (`floor import suppliers`), and never ordered. The lead time is the supplier
item's, else the supplier's, else `DEFAULT_LEAD_TIME_DAYS` (marked as assumed).

The stock position counts on-hand units outside quarantine, minus what is reserved for
orders, plus what open purchase orders (open or partly received) still bring, plus what is
in transit to the warehouse on transfers (floor.transfers.incoming, the count `floor stock
--low` and the board's stock alerts use); so once a suggestion became a purchase order,
planning again suggests nothing more for it. A transfer's inbound order is on order until
its units ship, then in transit until they are received.
Read-only; `floor.planning.purchasing` turns suggestions into purchase orders.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.errors import NotFound
from floor.i18n import _
from floor.models import (
    RECEIVABLE_PO_STATUSES,
    Balance,
    ComputedReorderPoint,
    Item,
    Location,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
    SupplierItem,
    Zone,
    ZoneKind,
    utcnow,
)
from floor.planning.engines import forecast_many
from floor.planning.history import daily_series
from floor.planning.levels import (
    DEFAULT_REVIEW_DAYS,
    DEFAULT_SERVICE_LEVEL,
    levels,
    order_quantity,
)
from floor.transit import incoming

DEFAULT_LEAD_TIME_DAYS = 14
HISTORY_DAYS = 365


@dataclass(frozen=True)
class Terms:
    """How an item is bought: from whom, their SKU, lead time, pack size, minimum order."""

    supplier_id: int | None
    supplier: str  # code, "" when no supplier sells the item
    supplier_sku: str = ""
    lead_time_days: int = DEFAULT_LEAD_TIME_DAYS
    lead_time_assumed: bool = True
    pack_size: int = 1
    min_order_qty: int = 0


@dataclass(frozen=True)
class Position:
    on_hand: int = 0
    reserved: int = 0
    on_order: int = 0
    in_transit: int = 0

    @property
    def units(self) -> int:
        """What the warehouse can count on: on hand − reserved + on order + in transit."""
        return self.on_hand - self.reserved + self.on_order + self.in_transit


@dataclass(frozen=True)
class Suggestion:
    item_id: int
    sku: str
    description: str
    supplier_id: int | None
    supplier: str
    supplier_sku: str
    lead_time_days: int
    lead_time_assumed: bool
    method: str
    daily_demand: float  # forecast units per day over the lead time
    demand_over_lead_time: float
    safety_stock: int
    reorder_point: int
    order_up_to: int
    on_hand: int
    reserved: int
    on_order: int
    pack_size: int
    min_order_qty: int
    quantity: int  # to order now; 0 when none is needed
    in_transit: int = 0  # shipped here on transfers, not yet received

    @property
    def position(self) -> int:
        return self.on_hand - self.reserved + self.on_order + self.in_transit

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["position"] = self.position
        data["daily_demand"] = round(self.daily_demand, 3)
        data["demand_over_lead_time"] = round(self.demand_over_lead_time, 2)
        return data


def item_terms(session: Session, item_ids: Sequence[int] | None = None) -> dict[int, Terms]:
    """Each item's buying terms from its preferred supplier (lowest priority, then code)."""
    stmt = (
        select(SupplierItem, Supplier)
        .join(Supplier, Supplier.id == SupplierItem.supplier_id)
        .order_by(SupplierItem.item_id, SupplierItem.priority, Supplier.code)
    )
    if item_ids is not None:
        stmt = stmt.where(SupplierItem.item_id.in_(item_ids))
    terms: dict[int, Terms] = {}
    for sold, supplier in session.execute(stmt):
        if sold.item_id in terms:
            continue
        lead = sold.lead_time_days
        if lead is None:
            lead = supplier.lead_time_days
        terms[sold.item_id] = Terms(
            supplier.id,
            supplier.code,
            sold.supplier_sku,
            DEFAULT_LEAD_TIME_DAYS if lead is None else lead,
            lead is None,
            sold.pack_size,
            sold.min_order_qty,
        )
    return terms


def positions(session: Session, warehouse_id: int) -> dict[int, Position]:
    """On hand (outside quarantine), reserved, on order and in transit, per item in the
    warehouse."""
    quarantine = select(Zone.id).where(
        Zone.warehouse_id == warehouse_id, Zone.kind == ZoneKind.QUARANTINE.value
    )
    held = (
        select(Balance.item_id, func.sum(Balance.quantity), func.sum(Balance.reserved))
        .join(Location, Location.id == Balance.location_id)
        .where(Location.warehouse_id == warehouse_id)
        .where(Location.zone_id.is_(None) | Location.zone_id.not_in(quarantine))
        .group_by(Balance.item_id)
    )
    found: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for item_id, quantity, reserved in session.execute(held):
        found[item_id][0], found[item_id][1] = int(quantity or 0), int(reserved or 0)
    outstanding = PurchaseOrderLine.quantity_ordered - PurchaseOrderLine.quantity_received
    ordered = (
        select(PurchaseOrderLine.item_id, func.sum(outstanding))
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(
            PurchaseOrder.warehouse_id == warehouse_id,
            PurchaseOrder.status.in_(RECEIVABLE_PO_STATUSES),
            outstanding > 0,
        )
        .group_by(PurchaseOrderLine.item_id)
    )
    for item_id, units in session.execute(ordered):
        found[item_id][2] = int(units or 0)
    for item_id, units in incoming(session, warehouse_id).items():
        # a transfer's open inbound order holds its shipped units too: counted once, here
        found[item_id][2] = max(found[item_id][2] - units, 0)
        found[item_id][3] = units
    return {item_id: Position(*values) for item_id, values in found.items()}


def suggest(
    session: Session,
    warehouse_id: int,
    *,
    supplier: str | None = None,
    skus: Sequence[str] | None = None,
    service_level: float = DEFAULT_SERVICE_LEVEL,
    review_days: int = DEFAULT_REVIEW_DAYS,
    today: dt.date | None = None,
    history_days: int = HISTORY_DAYS,
    engine: str = "builtin",
) -> list[Suggestion]:
    """Every planned item of the warehouse (or those of `supplier`, or `skus`), by SKU, with
    what to order now. Yesterday is the last day of history: today is not over."""
    end = (today or utcnow().date()) - dt.timedelta(days=1)
    if supplier is not None:
        _check_supplier(session, supplier)
    item_ids = _item_ids(session, skus)
    terms = item_terms(session, item_ids)
    history = daily_series(session, warehouse_id, end, history_days, item_ids=item_ids)
    typed = set(session.scalars(select(Item.id).where(Item.reorder_point.is_not(None))))
    planned = set(terms) | set(history) | typed
    if item_ids is not None:
        planned &= set(item_ids)
    if supplier is not None:
        planned = {i for i in planned if i in terms and terms[i].supplier == supplier}
    items = {
        item.id: item
        for item in session.scalars(select(Item).where(Item.is_kit.is_(False)))
        if item.id in planned
    }
    stock = positions(session, warehouse_id)
    horizon = max((t.lead_time_days for t in terms.values()), default=DEFAULT_LEAD_TIME_DAYS)
    horizon = max(horizon, DEFAULT_LEAD_TIME_DAYS) + review_days
    forecasts = forecast_many({i: history.get(i, []) for i in items}, horizon, engine=engine)
    result: list[Suggestion] = []
    for item_id, item in sorted(items.items(), key=lambda pair: pair[1].sku):
        buy = terms.get(item_id, Terms(None, ""))
        fc = forecasts[item_id]
        level = levels(fc, buy.lead_time_days, service_level, review_days)
        rop, top = level.reorder_point, level.order_up_to
        if item.reorder_point is not None:  # typed in: it wins; the max keeps its review cover
            top = max(top - rop + item.reorder_point, item.reorder_point)
            rop = item.reorder_point
        pos = stock.get(item_id, Position())
        quantity = order_quantity(pos.units, rop, top, buy.pack_size, buy.min_order_qty)
        lead = max(buy.lead_time_days, 1)
        result.append(
            Suggestion(
                item_id=item_id,
                sku=item.sku,
                description=item.description,
                supplier_id=buy.supplier_id,
                supplier=buy.supplier,
                supplier_sku=buy.supplier_sku,
                lead_time_days=buy.lead_time_days,
                lead_time_assumed=buy.lead_time_assumed,
                method=fc.method,
                daily_demand=fc.total(lead) / lead,
                demand_over_lead_time=level.demand_over_lead_time,
                safety_stock=level.safety_stock,
                reorder_point=rop,
                order_up_to=top,
                on_hand=pos.on_hand,
                reserved=pos.reserved,
                on_order=pos.on_order,
                in_transit=pos.in_transit,
                pack_size=buy.pack_size,
                min_order_qty=buy.min_order_qty,
                quantity=quantity,
            )
        )
    return result


def _item_ids(session: Session, skus: Sequence[str] | None) -> list[int] | None:
    """The ids of `skus`, every one of which must be an item (NotFound naming the others)."""
    if skus is None:
        return None
    found = dict(session.execute(select(Item.sku, Item.id).where(Item.sku.in_(list(skus)))).all())
    missing = [sku for sku in dict.fromkeys(skus) if sku not in found]
    if missing:
        raise NotFound(
            _("No item with SKU {sku}", sku=", ".join(missing)), expected=_("the SKU of an item")
        )
    return list(found.values())


def _check_supplier(session: Session, code: str) -> None:
    if session.scalar(select(Supplier.id).where(Supplier.code == code)) is None:
        raise NotFound(_("No supplier {code}", code=code), expected=_("a supplier code"))


def save_reorder_points(
    session: Session,
    warehouse_id: int,
    suggestions: Sequence[Suggestion],
    service_level: float,
) -> int:
    """Record each suggestion's computed reorder point for the warehouse (the board's stock
    alerts read them); returns how many were written."""
    ids = [s.item_id for s in suggestions]
    existing: dict[int, ComputedReorderPoint] = {}
    for at in range(0, len(ids), 1000):
        for row in session.scalars(
            select(ComputedReorderPoint).where(
                ComputedReorderPoint.warehouse_id == warehouse_id,
                ComputedReorderPoint.item_id.in_(ids[at : at + 1000]),
            )
        ):
            existing[row.item_id] = row
    now = utcnow()
    for s in suggestions:
        row = existing.get(s.item_id)
        if row is None:
            row = ComputedReorderPoint(warehouse_id=warehouse_id, item_id=s.item_id)
            session.add(row)
        row.reorder_point = max(0, s.reorder_point)
        row.order_up_to = max(0, s.order_up_to)
        row.safety_stock = s.safety_stock
        row.method = s.method[:20]
        row.service_level = service_level
        row.computed_at = now
    session.flush()
    return len(suggestions)
