"""Finding items and locations from what was scanned or typed.

A GTIN compares as its 14-digit form: a scanned GTIN-14 `00614141000012` finds an item
whose barcode was stored as GTIN-13 `0614141000012`, UPC-A `614141000012` or (with six
leading zeros) EAN-8, and the other way round. Other barcodes and SKUs match as written.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.errors import NotFound
from floor.i18n import _
from floor.models import Item, ItemBarcode, Location


def barcode_forms(code: str) -> set[str]:
    """Every way the same GTIN may have been stored, or just `code` when it is no GTIN."""
    code = code.strip()
    forms = {code}
    if code.isascii() and code.isdigit() and len(code) <= 14:
        gtin14 = code.zfill(14)
        forms.update(gtin14[cut:] for cut in (0, 1, 2, 6) if gtin14[:cut] == "0" * cut)
    return forms


def find_item_for_barcode(session: Session, barcode: str) -> tuple[Item, int] | None:
    """(item, units one scan of it stands for) — a pack-level barcode counts its units —
    or None when nothing matches."""
    forms = barcode_forms(barcode)
    found = session.scalars(
        select(ItemBarcode).where(ItemBarcode.barcode.in_(forms)).order_by(ItemBarcode.id)
    ).first()
    if found is not None:
        return session.get(Item, found.item_id), found.units  # type: ignore[return-value]
    item = session.scalars(
        select(Item).where(Item.gtin.in_(forms) | (Item.sku == barcode.strip())).order_by(Item.id)
    ).first()
    return (item, 1) if item is not None else None


def item_named(session: Session, text: str) -> tuple[str, str] | None:
    """(SKU, barcode to scan it by) of the item `text` names: its SKU, keyed by hand (in
    lower case too) or read from a SKU label, or one of its barcodes. None if none has it.

    The barcode is the item's GTIN when `text` is its SKU (so services see the item as if
    its label had been scanned), else `text` itself (a pack barcode keeps its units)."""
    code = text.strip()
    for candidate in dict.fromkeys((code, code.upper())):
        found = find_item_for_barcode(session, candidate)
        if found is not None:
            item, units = found
            if item.sku == candidate and units == 1 and item.gtin:
                return item.sku, item.gtin.zfill(14)
            return item.sku, candidate
    return None


def item_for_barcode(session: Session, barcode: str) -> tuple[Item, int]:
    """As find_item_for_barcode, but an unknown barcode is a NotFound naming it."""
    found = find_item_for_barcode(session, barcode)
    if found is None:
        raise NotFound(
            _("Unknown item barcode {barcode}", barcode=barcode.strip()),
            expected=_("an item barcode"),
        )
    return found


def location_by_code(session: Session, warehouse_id: int, code: str) -> Location:
    location = session.scalars(
        select(Location).where(Location.warehouse_id == warehouse_id, Location.code == code)
    ).one_or_none()
    if location is None:
        raise NotFound(_("Unknown location {code}", code=code), expected=_("a location label"))
    return location
