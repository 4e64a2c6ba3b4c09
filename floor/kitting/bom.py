"""Bills of materials: which components, how many of each, make one kit.

A kit is an item (`is_kit`) with `kit_components` rows. A component may itself be a kit,
but no kit may contain itself, directly or through another kit: `find_cycle` finds such a
loop over the whole set of bills (those in the database with the new ones in place).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from floor.errors import NotFound
from floor.i18n import _
from floor.models import Item, KitComponent, KitRule


@dataclass(frozen=True)
class Component:
    item_id: int
    sku: str
    description: str
    quantity: int  # per kit
    lot_tracked: bool


@dataclass(frozen=True)
class Bom:
    kit_item_id: int
    sku: str
    description: str
    components: tuple[Component, ...]
    assemble_to_order: bool = False
    lot_from: str = ""  # the component SKU whose lot a lot-tracked kit takes

    def needed(self, item_id: int) -> int:
        return next((c.quantity for c in self.components if c.item_id == item_id), 0)


def kit_item(session: Session, sku: str) -> Item:
    item = session.scalars(select(Item).where(Item.sku == sku.strip())).one_or_none()
    if item is None:
        raise NotFound(_("Unknown SKU {sku}", sku=sku), expected=_("a kit SKU"))
    return item


def bom_of(session: Session, kit_item_id: int) -> Bom:
    """The kit's bill of materials; NotFound when the item has none."""
    kit = session.get(Item, kit_item_id)
    assert kit is not None
    rows = session.execute(
        select(Item.id, Item.sku, Item.description, KitComponent.quantity, Item.lot_tracked)
        .join(KitComponent, KitComponent.component_item_id == Item.id)
        .where(KitComponent.kit_item_id == kit_item_id)
        .order_by(Item.sku)
    ).all()
    if not rows:
        raise NotFound(_("{sku} has no bill of materials", sku=kit.sku), expected=_("a kit SKU"))
    rule = session.get(KitRule, kit_item_id)
    lot_from = ""
    if rule is not None and rule.lot_from_item_id is not None:
        lot_from = session.scalar(select(Item.sku).where(Item.id == rule.lot_from_item_id)) or ""
    return Bom(
        kit.id,
        kit.sku,
        kit.description,
        tuple(Component(r[0], r[1], r[2], int(r[3]), bool(r[4])) for r in rows),
        bool(rule and rule.assemble_to_order),
        lot_from,
    )


def show(session: Session, sku: str) -> Bom:
    """`floor kits show SKU`."""
    return bom_of(session, kit_item(session, sku).id)


def find_cycle(bills: Mapping[str, Mapping[str, int]]) -> list[str] | None:
    """A kit that contains itself: the loop as SKUs (first repeated last), else None."""
    state: dict[str, int] = {}  # 1 on the path, 2 done
    path: list[str] = []

    def visit(sku: str) -> list[str] | None:
        state[sku] = 1
        path.append(sku)
        for component in sorted(bills.get(sku, {})):
            if state.get(component) == 1:
                return [*path[path.index(component) :], component]
            if component not in state:
                found = visit(component)
                if found:
                    return found
        path.pop()
        state[sku] = 2
        return None

    for kit in sorted(bills):
        if kit not in state:
            found = visit(kit)
            if found:
                return found
    return None


def all_bills(session: Session) -> dict[str, dict[str, int]]:
    """Every bill of materials in the database, by SKU."""
    kit = Item.__table__.alias("kit")
    comp = Item.__table__.alias("comp")
    bills: dict[str, dict[str, int]] = {}
    for kit_sku, comp_sku, quantity in session.execute(
        select(kit.c.sku, comp.c.sku, KitComponent.quantity)
        .join(kit, kit.c.id == KitComponent.kit_item_id)
        .join(comp, comp.c.id == KitComponent.component_item_id)
    ):
        bills.setdefault(kit_sku, {})[comp_sku] = int(quantity)
    return bills


def replace_bills(session: Session, bills: Mapping[int, Mapping[int, int]]) -> None:
    """Each kit's bill of materials becomes exactly the one given (kit id -> component id ->
    quantity per kit); the kits are marked as kits."""
    if not bills:
        return
    kit_ids = sorted(bills)
    session.execute(delete(KitComponent).where(KitComponent.kit_item_id.in_(kit_ids)))
    session.execute(
        insert(KitComponent),
        [
            {"kit_item_id": kit, "component_item_id": comp, "quantity": qty}
            for kit in kit_ids
            for comp, qty in sorted(bills[kit].items())
        ],
    )
    session.execute(
        update(Item)
        .where(Item.id.in_(kit_ids))
        .values(is_kit=True)
        .execution_options(synchronize_session=False)
    )


def set_rule(
    session: Session,
    kit_item_id: int,
    *,
    assemble_to_order: bool | None = None,
    lot_from_item_id: int | None = None,
) -> KitRule:
    """Switch assemble-to-order, or name the component whose lot the kit takes."""
    rule = session.get(KitRule, kit_item_id)
    if rule is None:
        rule = KitRule(kit_item_id=kit_item_id, assemble_to_order=False)
        session.add(rule)
    if assemble_to_order is not None:
        rule.assemble_to_order = assemble_to_order
    if lot_from_item_id is not None:
        rule.lot_from_item_id = lot_from_item_id
    session.flush()
    return rule


__all__ = [
    "Bom",
    "Component",
    "all_bills",
    "bom_of",
    "find_cycle",
    "kit_item",
    "replace_bills",
    "set_rule",
    "show",
]
