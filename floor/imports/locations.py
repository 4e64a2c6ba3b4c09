"""Locations: read location rows into records, then create or update them in one warehouse.

The zone is named by its code and must exist in the warehouse. The check digit is computed
with `floor.gs1.location_check_digits` when the file gives none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.gs1 import location_check_digits
from floor.i18n import _
from floor.imports.fields import Fields
from floor.imports.problems import ImportProblem
from floor.imports.source import Table
from floor.models import Location, LocationKind, Zone

REQUIRED = ("code",)
INTEGERS = {
    "aisle": Location.aisle,
    "bay": Location.bay,
    "level": Location.level,
    "block": Location.block,
}
NUMBERS = ("position", "capacity_volume_l", "capacity_weight_kg")
FLAGS = ("pickable", "blocked")


@dataclass
class LocationRecord:
    line: int
    code: str
    zone: str = ""
    values: dict[str, Any] = field(default_factory=dict)


def parse(table: Table, advance: Callable[[], None] = lambda: None) -> list[LocationRecord]:
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
    records: list[LocationRecord] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, problems)
        before = len(problems)
        code = f.text("code", Location.code, required=True)
        record = LocationRecord(row.line, code, f.text("zone", Zone.code))
        values = record.values
        if f.given("kind"):
            values["kind"] = f.choice("kind", [k.value for k in LocationKind])
        if f.given("check_digit"):
            digits = f.text("check_digit", Location.check_digit)
            if digits and not (digits.isascii() and digits.isdigit()):
                f.problem("check_digit", _("digits"), digits)
            values["check_digit"] = digits
        if f.given("side"):
            side = f.text("side").upper()
            if side not in ("L", "R"):
                f.problem("side", _("L or R"), side)
            values["side"] = side
        for name in INTEGERS:
            if f.given(name):
                values[name] = f.integer(name, INTEGERS[name], minimum=0)
        for name in NUMBERS:
            if f.given(name):
                values[name] = f.number(name)
        capacity = "capacity_units" if f.given("capacity_units") else "capacity"
        if f.given(capacity):
            values["capacity_units"] = f.integer(capacity, Location.capacity_units, minimum=0)
        for name in FLAGS:
            if f.given(name):
                values[name] = f.flag(name)
        if len(problems) > before:
            continue
        if code.upper() in seen:
            f.problem("code", _("a code not already on line {line}", line=seen[code.upper()]), code)
            continue
        seen[code.upper()] = row.line
        records.append(record)
    return records


@dataclass
class LocationsApplied:
    created: int = 0
    updated: int = 0


def apply(
    session: Session,
    file: str,
    warehouse_id: int,
    records: list[LocationRecord],
    problems: list[ImportProblem],
    advance: Callable[[], None] = lambda: None,
) -> LocationsApplied:
    zones = {
        code.upper(): zone_id
        for zone_id, code in session.execute(
            select(Zone.id, Zone.code).where(Zone.warehouse_id == warehouse_id)
        )
    }
    for record in records:
        if record.zone and record.zone.upper() not in zones:
            problems.append(
                ImportProblem(
                    file,
                    record.line,
                    "zone",
                    _("a zone of this warehouse ({zones})", zones=", ".join(sorted(zones)) or "-"),
                    record.zone,
                )
            )
    if problems:
        return LocationsApplied()
    existing = {
        location.code: location
        for location in session.scalars(
            select(Location).where(Location.warehouse_id == warehouse_id)
        )
    }
    applied = LocationsApplied()
    for record in records:
        advance()
        location = existing.get(record.code)
        if location is None:
            location = Location(warehouse_id=warehouse_id, code=record.code)
            session.add(location)
            applied.created += 1
        else:
            applied.updated += 1
        if record.zone:
            location.zone_id = zones[record.zone.upper()]
        for name, value in record.values.items():
            setattr(location, name, value)
        if not location.check_digit:
            location.check_digit = location_check_digits(record.code)
    session.flush()
    return applied
