"""Read-only stock lookups for the floor: what is at a location, in a container, of an item."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from floor.errors import NotFound
from floor.i18n import _
from floor.models import Balance, Container, Item, Location
from floor.stock.catalog import find_item_for_barcode
from floor.stock.stock_report import StockLine


@dataclass(frozen=True)
class Lookup:
    """What was looked up (a location, container or item, in words) and the stock found."""

    subject: str
    lines: tuple[StockLine, ...]

    @property
    def total(self) -> int:
        return sum(line.quantity for line in self.lines)


def _lines(session: Session, *conditions: object) -> tuple[StockLine, ...]:
    rows = session.execute(
        select(Balance, Location.code, Item.sku, Item.description, Container.code)
        .join(Location, Location.id == Balance.location_id)
        .join(Item, Item.id == Balance.item_id)
        .outerjoin(Container, Container.id == Balance.container_id)
        .where(Balance.quantity > 0, *conditions)
        .order_by(Location.code, Item.sku, Balance.expiry, Balance.lot)
    ).all()
    return tuple(
        StockLine(loc, sku, desc, bal.lot, bal.expiry, ctn or "", bal.quantity, bal.reserved)
        for bal, loc, sku, desc, ctn in rows
    )


def stock_at_location(session: Session, warehouse_id: int, code: str) -> Lookup:
    location = session.scalar(
        select(Location).where(Location.warehouse_id == warehouse_id, Location.code == code)
    )
    if location is None:
        raise NotFound(_("Unknown location {code}", code=code), expected=_("a location label"))
    return Lookup(
        _("Location {code}", code=code), _lines(session, Balance.location_id == location.id)
    )


def stock_in_container(session: Session, warehouse_id: int, code: str) -> Lookup:
    """What is in the container with this code (or this SSCC)."""
    container = session.scalar(
        select(Container).where(or_(Container.code == code, Container.sscc == code))
    )
    if container is None:
        raise NotFound(_("Unknown container {code}", code=code), expected=_("a container label"))
    return Lookup(
        _("Container {code}", code=container.code),
        _lines(
            session, Balance.container_id == container.id, Location.warehouse_id == warehouse_id
        ),
    )


def find_item(session: Session, barcode: str) -> Item:
    """The item a barcode (GTIN, any pack level barcode, or SKU) stands for."""
    found = find_item_for_barcode(session, barcode)
    if found is None:
        raise NotFound(_("Unknown item {code}", code=barcode), expected=_("an item barcode"))
    return found[0]


def stock_of_item(session: Session, warehouse_id: int, barcode: str) -> Lookup:
    item = find_item(session, barcode)
    return Lookup(
        f"{item.sku} {item.description}",
        _lines(session, Balance.item_id == item.id, Location.warehouse_id == warehouse_id),
    )
