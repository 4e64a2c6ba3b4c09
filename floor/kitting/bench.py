"""The kitting bench: components scanned against the bill of materials, kits produced.

The kitter scans the work order (or a tote its components came in). Each component scan is
checked against the bill of materials and counted for the kit on the bench (`progress` of
the work order): an item not in the kit, or one more than the kit takes, is refused naming
what is still needed. Once every component is counted, producing the kit is ONE ledger
posting (kind assemble): the components consumed from the work order's totes at the bench
(the lots scanned, else earliest expiry first), the kit produced at the bench location or
onto an LPN. A lot-tracked kit gets a generated lot (work order and kit number), or the lot
of the component its rules name, and the earliest expiry of its components. In the same
transaction: the work order counts the kit, the kit is recorded (`kit_builds`, with its
component lots, for de-kitting), a put-away task takes it to stock, and its label is queued
for the station's printer (a `KitLabelPrinter`, floor.printing.kit_labels). Every step is
idempotent by scan id: a retried produce never makes two kits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.errors import Conflict, InsufficientStock, NotFound, WrongScan
from floor.i18n import _
from floor.kitting import work_orders
from floor.kitting.bom import Bom, bom_of
from floor.models import (
    Balance,
    Container,
    Item,
    KitBuild,
    KitWorkOrder,
    KitWorkOrderKind,
    KitWorkOrderStatus,
    Operator,
    Role,
    utcnow,
)
from floor.operators import require_role
from floor.stock import ledger
from floor.stock.catalog import item_for_barcode
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, StockKey


@dataclass(frozen=True)
class KitLabelData:
    """What a kit label shows, as plain data (floor.printing renders it)."""

    job_key: str
    station: str
    kit_id: str  # the barcode: the kit's lot, else work order and kit number
    kit_sku: str
    description: str
    components: tuple[tuple[str, str, int], ...]  # sku, description, quantity
    assembled_on: dt.date
    assembled_by: str


class KitLabelPrinter(Protocol):
    def queue_kit_label(self, session: Session, label: KitLabelData) -> str:
        """Add the label as a waiting print job in the caller's session; its job key."""
        ...


@dataclass(frozen=True)
class Need:
    sku: str
    description: str
    per_kit: int
    scanned: int

    @property
    def missing(self) -> int:
        return self.per_kit - self.scanned


@dataclass(frozen=True)
class BenchView:
    number: str
    kind: str
    sku: str
    description: str
    quantity: int
    done: int
    status: str
    needs: tuple[Need, ...] = ()

    @property
    def complete(self) -> bool:
        """Every component of the kit on the bench is scanned."""
        return bool(self.needs) and all(n.missing <= 0 for n in self.needs)

    def still_needed(self) -> str:
        return ", ".join(f"{n.missing} × {n.sku}" for n in self.needs if n.missing > 0)


@dataclass
class Produced:
    number: str
    kit_sku: str
    kit_id: str
    lot: str
    expiry: dt.date | None
    lpn: str
    done: int
    quantity: int
    finished: bool
    label_job: str = ""
    components: list[dict] = field(default_factory=list)


def require_kitter(session: Session, operator_id: int | None) -> None:
    require_role(session, operator_id, Role.KITTER.value)


def find_work_order(session: Session, code: str) -> KitWorkOrder:
    """The released work order by its number, or by a tote its components came in."""
    try:
        order = work_orders.work_order(session, code)
    except NotFound:
        found = work_orders.order_for_tote(session, code.strip())
        if found is None:
            raise NotFound(
                _("{code} is neither a kit work order nor one of its totes", code=code),
                expected=_("a kit work order or its tote"),
            ) from None
        order = found
    if order.status != KitWorkOrderStatus.RELEASED.value:
        raise Conflict(
            _(
                "Kit work order {number} is {status}; only a released one is built",
                number=order.number,
                status=work_orders.status_label(order.status),
            ),
            expected=_("a released kit work order"),
        )
    return order


def bench_view(session: Session, order: KitWorkOrder) -> BenchView:
    item = session.get(Item, order.kit_item_id)
    assert item is not None
    needs: tuple[Need, ...] = ()
    if order.kind == KitWorkOrderKind.KIT.value:
        counts = (order.progress or {}).get("counts", {})
        bom = bom_of(session, order.kit_item_id)
        needs = tuple(
            Need(c.sku, c.description, c.quantity, int(counts.get(str(c.item_id), 0)))
            for c in bom.components
        )
    return BenchView(
        order.number,
        order.kind,
        item.sku,
        item.description,
        order.quantity,
        order.quantity_done,
        order.status,
        needs,
    )


def open_bench(session: Session, operator_id: int | None, code: str) -> BenchView:
    """The kitter scanned a work order or its tote."""
    require_kitter(session, operator_id)
    return bench_view(session, find_work_order(session, code))


def scan_component(
    session: Session,
    operator_id: int | None,
    number: str,
    barcode: str,
    *,
    lot: str | None = None,
    expiry: dt.date | None = None,
    scan_id: str | None = None,
) -> BenchView:
    """Count a component for the kit on the bench; a wrong one or one too many is refused."""
    require_kitter(session, operator_id)

    def work() -> dict:
        order = work_orders.work_order(session, number, lock=True)
        _released(order)
        bom = bom_of(session, order.kit_item_id)
        item, units = item_for_barcode(session, barcode)
        before = bench_view(session, order)
        per_kit = bom.needed(item.id)
        if per_kit == 0:
            raise WrongScan(
                _(
                    "{sku} is not in kit {kit}; still needed: {needed}",
                    sku=item.sku,
                    kit=bom.sku,
                    needed=before.still_needed(),
                ),
                expected=before.still_needed(),
            )
        progress = dict(order.progress or {})
        counts = dict(progress.get("counts", {}))
        have = int(counts.get(str(item.id), 0))
        if have + units > per_kit:
            raise WrongScan(
                _(
                    "One {sku} too many: the kit takes {n}; still needed: {needed}",
                    sku=item.sku,
                    n=per_kit,
                    needed=before.still_needed() or _("nothing, produce the kit"),
                ),
                expected=before.still_needed() or _("produce the kit"),
            )
        counts[str(item.id)] = have + units
        progress["counts"] = counts
        if lot:
            lots = dict(progress.get("lots", {}))
            lots.setdefault(str(item.id), []).append(
                [lot, expiry.isoformat() if expiry else None, units]
            )
            progress["lots"] = lots
        order.progress = progress
        session.flush()
        return {"number": order.number}

    once(session, scan_id, "kit.scan_component", work)
    return bench_view(session, work_orders.work_order(session, number))


def _released(order: KitWorkOrder) -> None:
    if order.status != KitWorkOrderStatus.RELEASED.value:
        raise Conflict(
            _(
                "Kit work order {number} is {status}; only a released one is built",
                number=order.number,
                status=work_orders.status_label(order.status),
            ),
            expected=_("a released kit work order"),
        )


def _bench_stock(session: Session, order: KitWorkOrder, item_id: int) -> list[Balance]:
    """The item at the bench in the work order's totes (then loose at the bench), earliest
    expiry first."""
    totes = work_orders.tote_ids(session, order)
    rows = list(
        session.scalars(
            select(Balance)
            .where(
                Balance.location_id == order.bench_location_id,
                Balance.item_id == item_id,
                Balance.quantity > Balance.reserved,
            )
            .order_by(Balance.expiry.nulls_last(), Balance.id)
        )
    )
    return [b for b in rows if b.container_id in totes] + [
        b for b in rows if b.container_id is None
    ]


def _bench_stocks(
    session: Session, order: KitWorkOrder, item_ids: list[int]
) -> dict[int, list[Balance]]:
    """`_bench_stock` of several items in one query (the work order's totes read once)."""
    totes = set(work_orders.tote_ids(session, order))
    found: dict[int, tuple[list[Balance], list[Balance]]] = {i: ([], []) for i in item_ids}
    for balance in session.scalars(
        select(Balance)
        .where(
            Balance.location_id == order.bench_location_id,
            Balance.item_id.in_(item_ids),
            Balance.quantity > Balance.reserved,
        )
        .order_by(Balance.expiry.nulls_last(), Balance.id)
    ):
        in_tote, loose = found[balance.item_id]
        if balance.container_id in totes:
            in_tote.append(balance)
        elif balance.container_id is None:
            loose.append(balance)
    return {item_id: in_tote + loose for item_id, (in_tote, loose) in found.items()}


def _take(session: Session, order: KitWorkOrder, bom: Bom) -> list[tuple[StockKey, int]]:
    """Which balances at the bench the kit's components come from: the scanned lots first."""
    lots = (order.progress or {}).get("lots", {})
    taken: list[tuple[StockKey, int]] = []
    stocks = _bench_stocks(session, order, [c.item_id for c in bom.components])
    for component in bom.components:
        stock = stocks[component.item_id]
        wanted_lots = [entry[0] for entry in lots.get(str(component.item_id), [])]
        stock.sort(key=lambda b: (b.lot not in wanted_lots, b.expiry or dt.date.max, b.id))
        remaining = component.quantity
        for balance in stock:
            if remaining == 0:
                break
            use = min(balance.quantity - balance.reserved, remaining)
            if use > 0:
                taken.append((ledger.key_of(balance), use))
                remaining -= use
        if remaining:
            raise InsufficientStock(
                _(
                    "{sku}: {n} more needed at the bench for this kit",
                    sku=component.sku,
                    n=remaining,
                ),
                expected=_("the components picked for the work order"),
            )
    return taken


def produce_kit(
    session: Session,
    operator_id: int | None,
    number: str,
    *,
    lpn: str | None = None,
    station: str = "",
    printer: KitLabelPrinter | None = None,
    scan_id: str | None = None,
    today: dt.date | None = None,
) -> Produced:
    """Consume the kit's components and produce the kit, in one ledger posting."""
    require_kitter(session, operator_id)
    actor = Actor(operator_id, station)

    def work() -> dict:
        order = work_orders.work_order(session, number, lock=True)
        _released(order)
        view = bench_view(session, order)
        if order.quantity_done >= order.quantity:
            raise Conflict(
                _("Every kit of {number} is built", number=order.number),
                expected=_("another kit work order"),
            )
        if not view.complete:
            raise WrongScan(
                _("The kit is not complete; still needed: {needed}", needed=view.still_needed()),
                expected=view.still_needed(),
            )
        bom = bom_of(session, order.kit_item_id)
        kit = session.get(Item, order.kit_item_id)
        assert kit is not None
        container_id = None
        if lpn:
            found = session.scalars(select(Container).where(Container.code == lpn)).one_or_none()
            if found is None:
                raise NotFound(_("Unknown LPN {code}", code=lpn), expected=_("an LPN label"))
            container_id = found.id
            found.location_id = order.bench_location_id
        taken = _take(session, order, bom)
        serial = order.quantity_done + 1
        kit_id = f"{order.number}-{serial:03d}"
        lot, expiry = "", None
        if kit.lot_tracked or kit.expiry_tracked:
            expiries = [key.expiry for key, _q in taken if key.expiry is not None]
            expiry = min(expiries) if expiries else None
        if kit.lot_tracked:
            lot = kit_id
            if bom.lot_from:
                source = next(
                    (
                        key.lot
                        for key, _q in taken
                        if key.lot and _sku(bom, key.item_id) == bom.lot_from
                    ),
                    "",
                )
                lot = source or lot
            kit_id = lot if lot != kit_id else kit_id
        produced = StockKey(order.bench_location_id, kit.id, lot, expiry, container_id)
        ledger.assemble(
            session, taken, (produced, 1), actor=actor, reference=order.number, scan_id=scan_id
        )
        order.quantity_done = serial
        order.progress = {}
        components = [
            {
                "item_id": key.item_id,
                "lot": key.lot,
                "expiry": key.expiry.isoformat() if key.expiry else None,
                "quantity": qty,
            }
            for key, qty in taken
        ]
        session.add(
            KitBuild(
                work_order_id=order.id,
                kit_item_id=kit.id,
                lot=lot,
                expiry=expiry,
                container_id=container_id,
                components=components,
                operator_id=operator_id,
                created_at=utcnow(),
            )
        )
        work_orders.putaway_task(session, order, produced, ledger.balance_of(session, produced)[0])
        finished = order.quantity_done >= order.quantity
        if finished:
            order.status = KitWorkOrderStatus.DONE.value
            order.closed_at = utcnow()
            work_orders.put_away_leftovers(session, order)
        session.flush()
        job = ""
        if printer is not None:
            by = ""
            if operator_id is not None:
                by = session.scalar(select(Operator.name).where(Operator.id == operator_id)) or ""
            job = printer.queue_kit_label(
                session,
                KitLabelData(
                    job_key=f"kit-{kit_id}"[:56] + f"-{order.id}",
                    station=station,
                    kit_id=kit_id,
                    kit_sku=kit.sku,
                    description=kit.description,
                    components=tuple((c.sku, c.description, c.quantity) for c in bom.components),
                    assembled_on=today or dt.date.today(),
                    assembled_by=by,
                ),
            )
        return {
            "number": order.number,
            "kit_sku": kit.sku,
            "kit_id": kit_id,
            "lot": lot,
            "expiry": expiry.isoformat() if expiry else None,
            "lpn": lpn or "",
            "done": order.quantity_done,
            "quantity": order.quantity,
            "finished": finished,
            "label_job": job,
            "components": components,
        }

    result, _replayed = once(session, scan_id, "kit.produce", work)
    expiry_text = result.pop("expiry")
    return Produced(**result, expiry=dt.date.fromisoformat(expiry_text) if expiry_text else None)


def _sku(bom: Bom, item_id: int) -> str:
    return next((c.sku for c in bom.components if c.item_id == item_id), "")


def clear_kit(session: Session, operator_id: int | None, number: str) -> BenchView:
    """Start the kit on the bench again (the components scanned so far are not counted)."""
    require_kitter(session, operator_id)
    order = work_orders.work_order(session, number, lock=True)
    order.progress = {}
    session.flush()
    return bench_view(session, order)


__all__ = [
    "BenchView",
    "KitLabelData",
    "KitLabelPrinter",
    "Need",
    "Produced",
    "bench_view",
    "clear_kit",
    "find_work_order",
    "open_bench",
    "produce_kit",
    "scan_component",
]
