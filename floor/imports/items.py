"""Items: check every item row (CSV or JSON), then create or update the items.

Both passes go a batch of rows at a time: the first reads and checks the file and spools
the checked records to a scratch file, the second writes them. A file of millions of items
needs the memory of one batch (SKUs and barcodes seen are kept on disk too, see
`floor.imports.scratch`).

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

from floor.driver_sql import DriverStatement, cursor_of
from floor.i18n import _
from floor.imports.fields import Fields, check_barcode
from floor.imports.problems import ImportProblem, Problems
from floor.imports.scratch import FirstSeen, Spool
from floor.imports.source import Source, SourceRow, batches
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


BATCH = 1000  # rows checked, then written, at a time
# A column added to the model later with a plain Python default gets it here too (the
# driver statement applies no defaults of its own).
NEW_ITEM.update(
    {
        column.name: column.default.arg
        for column in Item.__table__.columns
        if column.name not in NEW_ITEM
        and column.name not in ("id", "sku")
        and column.default is not None
        and column.default.is_scalar
    }
)
INSERT_ITEM = DriverStatement(insert(Item.__table__), [*NEW_ITEM, "sku"])
INSERT_BARCODE = DriverStatement(
    insert(ItemBarcode.__table__), ["item_id", "barcode", "pack_level", "units"]
)


@dataclass(frozen=True, slots=True)
class BarcodeRecord:
    line: int
    column: str  # where in the file: "case_barcode", "[3].barcodes[0].barcode"
    barcode: str
    pack_level: str
    units: int


@dataclass(slots=True)
class ItemRecord:
    line: int
    sku: str
    sku_column: str
    values: dict[str, Any] = field(default_factory=dict)
    barcodes: list[BarcodeRecord] = field(default_factory=list)


def check(source: Source, spool: Spool, step: Callable[[int], None] = lambda n: None) -> None:
    """First pass: every row read and checked, SKUs and barcodes once in the file; nothing
    written. Problems go to `source.problems`, checked records to `spool`."""
    if _missing_columns(source):
        return
    with FirstSeen() as skus, FirstSeen() as barcodes:
        for batch in batches(source.rows, BATCH):
            records = _check_unique(source, parse_rows(source, batch), skus, barcodes)
            if not source.problems:
                spool.add([_plain(record) for record in records])
            step(len(batch))


def _plain(record: ItemRecord) -> tuple[Any, ...]:
    barcodes = [(b.line, b.column, b.barcode, b.pack_level, b.units) for b in record.barcodes]
    return (record.line, record.sku, record.sku_column, record.values, barcodes)


def _record(plain: tuple[Any, ...]) -> ItemRecord:
    line, sku, sku_column, values, barcodes = plain
    return ItemRecord(line, sku, sku_column, values, [BarcodeRecord(*b) for b in barcodes])


def _missing_columns(source: Source) -> bool:
    if source.columns:
        source.require_columns(REQUIRED)
    return bool(source.problems)


def parse_rows(source: Source, rows: list[SourceRow]) -> list[ItemRecord]:
    """The records of `rows` that have no problem; problems go to `source.problems`."""
    records = []
    for row in rows:
        record = _parse_row(Fields(source.file, row, source.problems), row)
        if record is not None:
            records.append(record)
    return records


def _check_unique(
    source: Source, records: list[ItemRecord], skus: FirstSeen, barcodes: FirstSeen
) -> list[ItemRecord]:
    problems = source.problems
    kept = []
    for record, first in zip(records, skus.add([(r.sku, r.line) for r in records]), strict=True):
        if first is None:
            kept.append(record)
        else:
            problems.append(
                ImportProblem(
                    source.file,
                    record.line,
                    record.sku_column,
                    _("a SKU not already on line {line}", line=first),
                    record.sku,
                )
            )
    listed = [barcode for record in kept for barcode in record.barcodes]
    found = barcodes.add([(b.barcode, b.line) for b in listed])
    for barcode, first in zip(listed, found, strict=True):
        if first is not None and first != barcode.line:
            problems.append(
                ImportProblem(
                    source.file,
                    barcode.line,
                    barcode.column,
                    _("a barcode not already on line {line}", line=first),
                    barcode.barcode,
                )
            )
    return kept


def _parse_row(f: Fields, row: SourceRow) -> ItemRecord | None:
    before = len(f.problems)
    sku = f.text("sku", Item.sku, required=True)
    record = ItemRecord(row.line, sku, row.column("sku"))
    values = record.values
    barcodes = False
    for name, value in row.values.items():  # in the file's order, so are the problems
        if value is None or value == "" or name == "sku":
            continue
        if type(value) is str and value.isspace():
            continue
        if name in TEXT:
            values[name] = f.text(name, TEXT[name])
        elif name in NUMBERS:
            values[name] = f.number(name)
        elif name in FLAGS:
            values[name] = f.flag(name)
        elif name == "reorder_point":
            values["reorder_point"] = f.integer("reorder_point", Item.reorder_point, minimum=0)
        elif name == "gtin":
            gtin = f.gtin("gtin")
            if gtin:
                values["gtin"] = gtin
                record.barcodes.append(
                    BarcodeRecord(row.line, row.column("gtin"), str(f.raw("gtin")), "each", 1)
                )
        elif name == "allocation":
            values["allocation"] = f.choice("allocation", ("fifo", "fefo"))
        elif name == "barcodes" or name.endswith(BARCODE_SUFFIX):
            barcodes = True
    if barcodes:
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
            found.append(BarcodeRecord(row.line, row.column(name), barcode, level, units))
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


def write(
    session: Session,
    file: str,
    spool: Spool,
    problems: Problems,
    step: Callable[[int], None] = lambda n: None,
) -> ItemsApplied:
    """Second pass: create or update the checked records, a batch at a time, in the session's
    transaction. A barcode another item has is a problem; once there is one, nothing more
    is written, the rest only checked (the caller rolls back)."""
    applied = ItemsApplied()
    for batch in spool:
        _apply(session, file, [_record(plain) for plain in batch], problems, applied)
        step(len(batch))
    return applied


def _apply(
    session: Session,
    file: str,
    records: list[ItemRecord],
    problems: Problems,
    applied: ItemsApplied,
) -> None:
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
        return
    # Inserts on the driver (executemany of one compiled statement) rather than ORM objects
    # or SQLAlchemy's multi-row VALUES: a file may hold millions of items.
    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    with_barcodes = {record.sku for record in records if record.barcodes}
    for record in records:
        item_id = existing.get(record.sku)
        if item_id is None:
            new_rows.append({**NEW_ITEM, **record.values, "sku": record.sku})
        elif record.values:
            changed_rows.append({"id": item_id, **record.values})
    ids = dict(existing)
    if new_rows:
        cursor, conn = cursor_of(session)
        try:
            INSERT_ITEM.execute_many(cursor, conn, new_rows)
        finally:
            cursor.close()
        new_skus = [r["sku"] for r in new_rows if r["sku"] in with_barcodes]
        for chunk in _chunks(new_skus):
            for sku, item_id in session.execute(
                select(Item.sku, Item.id).where(Item.sku.in_(chunk))
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
        cursor, conn = cursor_of(session)
        try:
            INSERT_BARCODE.execute_many(cursor, conn, new_barcodes)
        finally:
            cursor.close()
    if changed_barcodes:
        session.execute(update(ItemBarcode), changed_barcodes)
    applied.created += len(new_rows)
    applied.updated += len(records) - len(new_rows)


def _chunks(values: list[str], size: int = 500) -> list[list[str]]:
    unique = list(dict.fromkeys(values))
    return [unique[i : i + size] for i in range(0, len(unique), size)]
