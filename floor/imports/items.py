"""Items: read item rows (CSV or JSON) into records, then create or update the items.

An item already in the database (same SKU) is updated with the values the file gives; a
value left empty keeps what is there. Extra barcodes come as `<level>_barcode` and
`<level>_units` column pairs (CSV) or a `barcodes` list (JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from floor.i18n import _
from floor.imports.fields import Fields, check_barcode
from floor.imports.problems import ImportProblem
from floor.imports.source import SourceRow, Table
from floor.models import Item, ItemBarcode

REQUIRED = ("sku",)
TEXT = {"description": Item.description, "uom": Item.uom, "item_class": Item.item_class}
NUMBERS = ("weight_kg", "length_mm", "width_mm", "height_mm", "over_receipt_pct")
FLAGS = ("lot_tracked", "expiry_tracked", "serial_tracked", "allow_mixed_lots", "is_kit")
BARCODE_SUFFIX = "_barcode"
NEW_ITEM: dict[str, Any] = {
    "description": "",
    "gtin": None,
    "uom": "EA",
    "item_class": "",
    "weight_kg": None,
    "length_mm": None,
    "width_mm": None,
    "height_mm": None,
    "lot_tracked": False,
    "expiry_tracked": False,
    "serial_tracked": False,
    "allow_mixed_lots": True,
    "reorder_point": None,
    "over_receipt_pct": None,
    "allocation": "fifo",
    "is_kit": False,
}


@dataclass(frozen=True)
class BarcodeRecord:
    line: int
    column: str
    barcode: str
    pack_level: str
    units: int


@dataclass
class ItemRecord:
    line: int
    sku: str
    values: dict[str, Any] = field(default_factory=dict)
    barcodes: list[BarcodeRecord] = field(default_factory=list)


def parse(table: Table, advance: Callable[[], None] = lambda: None) -> list[ItemRecord]:
    problems = table.problems
    if table.columns:
        for name in REQUIRED:
            if name not in table.columns:
                problems.append(
                    ImportProblem(
                        table.file, table.header_line, name, _("a column named {name}", name=name)
                    )
                )
        if problems:
            return []
    records: list[ItemRecord] = []
    seen: dict[str, int] = {}
    barcodes_seen: dict[str, int] = {}
    for row in table.rows:
        advance()
        record = _parse_row(Fields(table.file, row, problems), row)
        if record is None:
            continue
        if record.sku in seen:
            Fields(table.file, row, problems).problem(
                "sku", _("a SKU not already on line {line}", line=seen[record.sku]), record.sku
            )
            continue
        seen[record.sku] = row.line
        for barcode in record.barcodes:
            first = barcodes_seen.setdefault(barcode.barcode, row.line)
            if first != row.line:
                Fields(table.file, row, problems).problem(
                    barcode.column,
                    _("a barcode not already on line {line}", line=first),
                    barcode.barcode,
                )
        records.append(record)
    return records


def _parse_row(f: Fields, row: SourceRow) -> ItemRecord | None:
    before = len(f.problems)
    sku = f.text("sku", Item.sku, required=True)
    record = ItemRecord(row.line, sku)
    values = record.values
    for name in row.values:  # in the file's order, so are the problems
        if name == "sku" or not f.given(name):
            continue
        if name in TEXT:
            values[name] = f.text(name, TEXT[name])
        elif name == "gtin":
            gtin = f.gtin("gtin")
            if gtin:
                values["gtin"] = gtin
                record.barcodes.append(
                    BarcodeRecord(row.line, "gtin", str(f.raw("gtin")), "each", 1)
                )
        elif name in NUMBERS:
            values[name] = f.number(name)
        elif name in FLAGS:
            values[name] = f.flag(name)
        elif name == "reorder_point":
            values["reorder_point"] = f.integer("reorder_point", Item.reorder_point, minimum=0)
        elif name == "allocation":
            values["allocation"] = f.choice("allocation", ("fifo", "fefo"))
    record.barcodes.extend(_barcodes(f, row))
    by_code = {barcode.barcode: barcode for barcode in record.barcodes}
    record.barcodes = list(by_code.values())
    if len(f.problems) > before:
        return None
    return record


def _barcodes(f: Fields, row: SourceRow) -> list[BarcodeRecord]:
    found: list[BarcodeRecord] = []
    for name in row.values:
        if not name.endswith(BARCODE_SUFFIX) or not f.given(name):
            continue
        level = name[: -len(BARCODE_SUFFIX)]
        barcode = f.text(name, ItemBarcode.barcode)
        units_column = f"{level}_units"
        units = f.integer(units_column, ItemBarcode.units, required=True, minimum=1)
        if barcode and units and check_barcode(f, name, barcode):
            found.append(BarcodeRecord(row.line, name, barcode, level, units))
    listed = row.values.get("barcodes")
    if listed is None:
        return found
    if not isinstance(listed, list):
        f.problem("barcodes", _("a list of barcodes"), listed)
        return found
    for index, entry in enumerate(listed):
        if not isinstance(entry, dict):
            f.problem(f"barcodes[{index}]", _("an object with barcode, pack_level, units"), entry)
            continue
        sub_problems: list[ImportProblem] = []
        sub = Fields(
            f.file, SourceRow(row.line, entry, row.column(f"barcodes[{index}]")), sub_problems
        )
        barcode = sub.text("barcode", ItemBarcode.barcode, required=True)
        level = sub.text("pack_level", ItemBarcode.pack_level) or "each"
        units = sub.integer("units", ItemBarcode.units, minimum=1) or 1
        ok = bool(barcode) and not sub_problems and check_barcode(sub, "barcode", barcode)
        f.problems.extend(sub_problems)
        if ok:
            found.append(BarcodeRecord(row.line, sub.row.column("barcode"), barcode, level, units))
    return found


@dataclass
class ItemsApplied:
    created: int = 0
    updated: int = 0


def apply(
    session: Session,
    file: str,
    records: list[ItemRecord],
    problems: list[ImportProblem],
    advance: Callable[[], None] = lambda: None,
) -> ItemsApplied:
    """Create or update every record; a barcode owned by another item is a problem."""
    existing: dict[str, int] = {}
    for chunk in _chunks([r.sku for r in records]):
        for sku, item_id in session.execute(select(Item.sku, Item.id).where(Item.sku.in_(chunk))):
            existing[sku] = item_id
    owners: dict[str, tuple[str, int]] = {}  # barcode -> (SKU of its item, barcode id)
    for chunk in _chunks([b.barcode for r in records for b in r.barcodes]):
        for code, sku, barcode_id in session.execute(
            select(ItemBarcode.barcode, Item.sku, ItemBarcode.id)
            .join(Item, Item.id == ItemBarcode.item_id)
            .where(ItemBarcode.barcode.in_(chunk))
        ):
            owners[code] = (sku, barcode_id)
    for record in records:
        for barcode in record.barcodes:
            owner = owners.get(barcode.barcode)
            if owner and owner[0] != record.sku:
                problems.append(
                    ImportProblem(
                        file,
                        barcode.line,
                        barcode.column,
                        _("a barcode no other item has (it is {sku}'s)", sku=owner[0]),
                        barcode.barcode,
                    )
                )
    if problems:
        return ItemsApplied()
    # Bulk statements rather than one ORM object per row: a file may hold many thousands.
    applied = ItemsApplied()
    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    for record in records:
        advance()
        item_id = existing.get(record.sku)
        if item_id is None:
            new_rows.append({**NEW_ITEM, **record.values, "sku": record.sku})
        elif record.values:
            changed_rows.append({"id": item_id, **record.values})
    ids = dict(existing)
    for start in range(0, len(new_rows), 1000):
        for item_id, sku in session.execute(
            insert(Item).returning(Item.id, Item.sku), new_rows[start : start + 1000]
        ):
            ids[sku] = item_id
    if changed_rows:
        session.execute(update(Item), changed_rows)
    new_barcodes: list[dict[str, Any]] = []
    changed_barcodes: list[dict[str, Any]] = []
    for record in records:
        for barcode in record.barcodes:
            owner = owners.get(barcode.barcode)
            values = {"pack_level": barcode.pack_level, "units": barcode.units}
            if owner:
                changed_barcodes.append({"id": owner[1], **values})
            else:
                new_barcodes.append(
                    {"item_id": ids[record.sku], "barcode": barcode.barcode, **values}
                )
    if new_barcodes:
        session.execute(insert(ItemBarcode), new_barcodes)
    if changed_barcodes:
        session.execute(update(ItemBarcode), changed_barcodes)
    applied.created = len(new_rows)
    applied.updated = len(records) - len(new_rows)
    return applied


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    unique = list(dict.fromkeys(values))
    return [unique[i : i + size] for i in range(0, len(unique), size)]
