"""Taking a kit apart at the bench (a de-kit work order, kind dekit).

The kits come to the bench on the work order's picks, like components for a build. The
kitter scans a kit: ONE ledger posting consumes it from the work order's totes and produces
its components at the bench with their lots where the kit's build recorded them (matched
by the kit's lot), on put-away tasks back to stock. A component found damaged goes to the
warehouse's first quarantine location instead, with the reason on the posting. Idempotent
by scan id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.errors import InvalidInput, NotFound, WrongScan
from floor.i18n import N_, _
from floor.kitting import work_orders
from floor.kitting.bench import _bench_stock, _released, require_kitter
from floor.kitting.bom import bom_of
from floor.models import (
    Item,
    KitBuild,
    KitWorkOrder,
    KitWorkOrderKind,
    KitWorkOrderStatus,
    Location,
    LocationKind,
    utcnow,
)
from floor.stock import ledger
from floor.stock.catalog import item_for_barcode
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, Change, StockKey

DAMAGE_REASONS: dict[str, str] = {
    "broken": N_("broken"),
    "crushed": N_("crushed"),
    "wet": N_("wet"),
    "incomplete": N_("parts missing"),
    "other": N_("other"),
}
"""The reasons the kitting bench offers for a damaged component (any text is taken)."""


@dataclass(frozen=True)
class Dekitted:
    number: str
    kit_sku: str
    lot: str
    done: int
    quantity: int
    finished: bool
    components: tuple[tuple[str, str, int], ...]  # sku, lot, quantity back to stock
    quarantined: tuple[tuple[str, int], ...]  # sku, quantity


def quarantine_location(session: Session, warehouse_id: int) -> int:
    found = session.scalar(
        select(Location.id)
        .where(
            Location.warehouse_id == warehouse_id,
            Location.kind == LocationKind.QUARANTINE.value,
        )
        .order_by(Location.code)
        .limit(1)
    )
    if found is None:
        raise NotFound(
            _("The warehouse has no quarantine location"), expected=_("a quarantine location")
        )
    return found


def _check_kit_label(session: Session, kit: Item, kit_id: str) -> None:
    """`kit_id` (KWO-00001-003) names a kit of this item that its work order built."""
    number, _sep, serial = kit_id.strip().upper().rpartition("-")
    built = session.scalar(
        select(KitWorkOrder.quantity_done).where(
            KitWorkOrder.number == number,
            KitWorkOrder.kit_item_id == kit.id,
            KitWorkOrder.kind == KitWorkOrderKind.KIT.value,
        )
    )
    if built is None or not serial.isdigit() or not 1 <= int(serial) <= built:
        raise WrongScan(
            _("{code} is not the label of a kit {sku}", code=kit_id.strip(), sku=kit.sku),
            expected=_("kit {sku}: its barcode or its kit label", sku=kit.sku),
        )


def dekit(
    session: Session,
    operator_id: int | None,
    number: str,
    barcode: str,
    *,
    lot: str | None = None,
    damaged: Mapping[str, int] | None = None,
    reason: str = "",
    station: str = "",
    scan_id: str | None = None,
) -> Dekitted:
    """The kitter scanned a kit of the de-kit work order: take it apart."""
    require_kitter(session, operator_id)
    actor = Actor(operator_id, station)
    damaged = {sku.strip(): qty for sku, qty in (damaged or {}).items() if qty}
    if damaged and not reason.strip():
        raise InvalidInput(_("A damaged component needs a reason"), expected=_("a reason code"))

    def work() -> dict:
        order = work_orders.work_order(session, number, lock=True)
        _released(order)
        if order.kind != KitWorkOrderKind.DEKIT.value:
            raise WrongScan(
                _("{number} builds kits; scan the components", number=order.number),
                expected=_("a de-kit work order"),
            )
        kit = session.get(Item, order.kit_item_id)
        assert kit is not None
        item, _units = item_for_barcode(session, barcode)
        if item.id != kit.id:
            raise WrongScan(
                _("Wrong item: expected kit {sku}", sku=kit.sku), expected=kit.gtin or kit.sku
            )
        stock = _bench_stock(session, order, kit.id)
        if lot and kit.lot_tracked:  # the kit label's id is the lot of a lot-tracked kit
            stock = [b for b in stock if b.lot == lot]
        elif lot:  # a kit without lots: its label's id is its work order and number
            _check_kit_label(session, kit, lot)
        if not stock:
            raise NotFound(
                _("No kit {sku} at the bench for {number}", sku=kit.sku, number=order.number),
                expected=_("a kit picked for the work order"),
            )
        source = ledger.key_of(stock[0])
        bom = bom_of(session, kit.id)
        skus = {c.sku for c in bom.components}
        for sku, qty in damaged.items():
            if (
                sku not in skus
                or qty < 0
                or qty > bom.needed(next(c.item_id for c in bom.components if c.sku == sku))
            ):
                raise InvalidInput(
                    _("{sku} is not {qty} of the kit's components", sku=sku, qty=qty),
                    expected=", ".join(f"{c.quantity} × {c.sku}" for c in bom.components),
                )
        build = None
        if source.lot:
            build = session.scalars(
                select(KitBuild)
                .where(KitBuild.kit_item_id == kit.id, KitBuild.lot == source.lot)
                .order_by(KitBuild.id.desc())
                .limit(1)
            ).first()
        known: dict[int, list[tuple[str, dt.date | None, int]]] = {}
        for entry in build.components if build else []:
            known.setdefault(int(entry["item_id"]), []).append(
                (
                    str(entry["lot"]),
                    dt.date.fromisoformat(entry["expiry"]) if entry["expiry"] else None,
                    int(entry["quantity"]),
                )
            )
        quarantine = quarantine_location(session, order.warehouse_id) if damaged else None
        good: list[Change] = []
        bad: list[Change] = []
        back: list[tuple[str, str, int]] = []
        for component in bom.components:
            parts = known.get(component.item_id) or [("", None, component.quantity)]
            broken = damaged.get(component.sku, 0)
            for part_lot, part_expiry, qty in parts:
                to_quarantine = min(broken, qty)
                broken -= to_quarantine
                if to_quarantine and quarantine is not None:
                    bad.append(
                        Change(
                            StockKey(quarantine, component.item_id, part_lot, part_expiry),
                            to_quarantine,
                        )
                    )
                if qty - to_quarantine:
                    key = StockKey(
                        order.bench_location_id, component.item_id, part_lot, part_expiry
                    )
                    good.append(Change(key, qty - to_quarantine))
                    back.append((component.sku, part_lot, qty - to_quarantine))
        consumed = Change(source, -1)
        ledger.lock_keys(session, [c.key for c in (consumed, *good, *bad)])
        ledger.post(
            session,
            "assemble",
            [consumed, *good],
            actor=actor,
            reason="dekit",
            reference=order.number,
            scan_id=scan_id,
        )
        if bad:
            ledger.post(
                session,
                "produce",
                bad,
                actor=actor,
                reason=_("damaged: {reason}", reason=reason.strip())[:200],
                reference=order.number,
            )
        for change in good:
            work_orders.putaway_task(
                session, order, change.key, ledger.balance_of(session, change.key)[0]
            )
        order.quantity_done += 1
        finished = order.quantity_done >= order.quantity
        if finished:
            order.status = KitWorkOrderStatus.DONE.value
            order.closed_at = utcnow()
            work_orders.put_away_leftovers(session, order)
        session.flush()
        return {
            "number": order.number,
            "kit_sku": kit.sku,
            "lot": source.lot,
            "done": order.quantity_done,
            "quantity": order.quantity,
            "finished": finished,
            "components": [list(b) for b in back],
            "quarantined": [[sku, qty] for sku, qty in sorted(damaged.items())],
        }

    result, _replayed = once(session, scan_id, "kit.dekit", work)
    return Dekitted(
        result["number"],
        result["kit_sku"],
        result["lot"],
        result["done"],
        result["quantity"],
        result["finished"],
        tuple(tuple(c) for c in result["components"]),  # type: ignore[misc]
        tuple(tuple(c) for c in result["quarantined"]),  # type: ignore[misc]
    )


__all__ = ["DAMAGE_REASONS", "Dekitted", "dekit", "quarantine_location"]
