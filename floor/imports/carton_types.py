"""Carton types: read carton type rows (CSV or JSON) into records, then create or update them.

Every row gives the whole carton type: its code, inner length, width and height in mm, the
most the packed carton may weigh (carton and contents) and the empty carton's weight in g;
a description and a barcode may follow. A carton type already in the database (same code)
is updated. The barcode is what a packer scans to choose the carton, so it must be no other
carton type's and no item's; left out, a new carton type's barcode is its code and an
existing one keeps its barcode.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from floor.i18n import _
from floor.imports.fields import Fields, check_barcode
from floor.imports.problems import ImportProblem, Problems
from floor.imports.source import Source
from floor.models import CartonType, Item, ItemBarcode
from floor.stock.catalog import barcode_forms

SIZES = ("length_mm", "width_mm", "height_mm")
REQUIRED = ("code", *SIZES, "max_weight_g", "tare_weight_g")


@dataclass
class CartonTypeRecord:
    line: int
    code: str
    barcode: str  # as given, else the code
    barcode_given: bool
    barcode_field: str  # barcode, or code when the barcode is the code
    barcode_column: str  # as a problem names it (JSON: with the record's path)
    values: dict[str, Any] = field(default_factory=dict)


def parse(table: Source, advance: Callable[[], None] = lambda: None) -> list[CartonTypeRecord]:
    problems = table.problems
    if table.columns:
        table.require_columns(REQUIRED)
        if problems:
            return []
    records: list[CartonTypeRecord] = []
    seen: dict[str, int] = {}
    barcodes_seen: dict[str, int] = {}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, problems)
        record = _parse_row(f)
        if record is None:
            continue
        if record.code in seen:
            f.problem(
                "code", _("a code not already on line {line}", line=seen[record.code]), record.code
            )
            continue
        seen[record.code] = row.line
        forms = barcode_forms(record.barcode)
        first = min((barcodes_seen[form] for form in forms if form in barcodes_seen), default=None)
        if first is not None:
            f.problem(
                record.barcode_field,
                _("a barcode not already on line {line}", line=first),
                record.barcode,
            )
            continue
        barcodes_seen[record.barcode] = row.line
        records.append(record)
    return records


def _parse_row(f: Fields) -> CartonTypeRecord | None:
    before = len(f.problems)
    code = f.text("code", CartonType.code, required=True)
    values: dict[str, Any] = {"description": f.text("description", CartonType.description)}
    for name in SIZES:
        values[name] = f.integer(name, getattr(CartonType, name), required=True, minimum=1)
    heaviest = f.integer("max_weight_g", CartonType.max_weight_g, required=True, minimum=1)
    tare = f.integer("tare_weight_g", CartonType.tare_weight_g, required=True, minimum=0)
    if heaviest is not None and tare is not None and tare >= heaviest:
        f.problem(
            "tare_weight_g",
            _("an empty carton lighter than max_weight_g ({max} g)", max=heaviest),
            f.raw("tare_weight_g"),
        )
    values["max_weight_g"], values["tare_weight_g"] = heaviest, tare
    name = "barcode" if f.given("barcode") else "code"
    barcode = f.text("barcode", CartonType.barcode) if name == "barcode" else code
    if barcode:
        check_barcode(f, name, barcode)
    if len(f.problems) > before:
        return None
    return CartonTypeRecord(
        f.line, code, barcode, name == "barcode", name, f.row.column(name), values
    )


@dataclass
class CartonTypesApplied:
    created: int = 0
    updated: int = 0


def apply(
    session: Session,
    file: str,
    records: list[CartonTypeRecord],
    problems: Problems,
    advance: Callable[[], None] = lambda: None,
) -> CartonTypesApplied:
    """Create or update every record; a barcode of another carton type or an item is a
    problem."""
    existing = dict(
        session.execute(
            select(CartonType.code, CartonType.id).where(
                CartonType.code.in_([r.code for r in records])
            )
        ).all()
    )
    for record in records:
        if record.code in existing and not record.barcode_given:
            continue  # keeps its barcode
        forms = barcode_forms(record.barcode)
        owner = session.scalar(
            select(CartonType.code)
            .where(CartonType.barcode.in_(forms), CartonType.code != record.code)
            .limit(1)
        )
        if owner is not None:
            problems.append(
                ImportProblem(
                    file,
                    record.line,
                    record.barcode_column,
                    _("a barcode no other carton type has (it is {code}'s)", code=owner),
                    record.barcode,
                )
            )
            continue
        sku = session.scalar(
            select(Item.sku)
            .join(ItemBarcode, ItemBarcode.item_id == Item.id)
            .where(ItemBarcode.barcode.in_(forms))
            .limit(1)
        ) or session.scalar(select(Item.sku).where(Item.gtin.in_(forms)).limit(1))
        if sku is not None:
            problems.append(
                ImportProblem(
                    file,
                    record.line,
                    record.barcode_column,
                    _("a barcode no item has (it is {sku}'s)", sku=sku),
                    record.barcode,
                )
            )
    if problems:
        return CartonTypesApplied()
    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    for record in records:
        advance()
        carton_type_id = existing.get(record.code)
        row = dict(record.values)
        if record.barcode_given or carton_type_id is None:
            row["barcode"] = record.barcode
        if carton_type_id is None:
            new_rows.append({**row, "code": record.code})
        else:
            changed_rows.append({**row, "id": carton_type_id})
    if new_rows:
        session.execute(insert(CartonType), new_rows)
    if changed_rows:
        session.execute(update(CartonType), changed_rows)
    return CartonTypesApplied(created=len(new_rows), updated=len(changed_rows))
