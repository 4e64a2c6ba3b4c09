"""Locations: check every location row, then create or update them in one warehouse, a batch
of rows at a time (the checked records wait in a scratch file, see `floor.imports.scratch`).

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
from floor.imports.problems import ImportProblem, Problems
from floor.imports.scratch import FirstSeen, Spool
from floor.imports.source import Source, SourceRow, batches
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


BATCH = 1000


@dataclass(slots=True)
class LocationRecord:
    line: int
    code: str
    code_column: str
    zone: str = ""
    zone_column: str = ""
    values: dict[str, Any] = field(default_factory=dict)


def check(source: Source, spool: Spool, step: Callable[[int], None] = lambda n: None) -> None:
    """First pass: every row read and checked, codes once in the file (not case-sensitive);
    nothing written. Problems go to `source.problems`, checked records to `spool`."""
    if source.columns:
        source.require_columns(REQUIRED)
    if source.problems:
        return
    with FirstSeen() as codes:
        for batch in batches(source.rows, BATCH):
            records = parse_rows(source, batch)
            firsts = codes.add([(r.code.upper(), r.line) for r in records])
            for record, first in zip(records, firsts, strict=True):
                if first is not None:
                    source.problems.append(
                        ImportProblem(
                            source.file,
                            record.line,
                            record.code_column,
                            _("a code not already on line {line}", line=first),
                            record.code,
                        )
                    )
            if not source.problems:
                spool.add([_plain(record) for record in records])
            step(len(batch))


def _plain(record: LocationRecord) -> tuple[Any, ...]:
    return (
        record.line,
        record.code,
        record.code_column,
        record.zone,
        record.zone_column,
        record.values,
    )


def parse_rows(source: Source, rows: list[SourceRow]) -> list[LocationRecord]:
    """The records of `rows` that have no problem; problems go to `source.problems`."""
    problems = source.problems
    records: list[LocationRecord] = []
    for row in rows:
        f = Fields(source.file, row, problems)
        before = len(problems)
        code = f.text("code", Location.code, required=True)
        record = LocationRecord(
            row.line, code, row.column("code"), f.text("zone", Zone.code), row.column("zone")
        )
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
        for name, column in INTEGERS.items():
            if f.given(name):
                values[name] = f.integer(name, column, minimum=0)
        for name in NUMBERS:
            if f.given(name):
                values[name] = f.number(name)
        capacity = "capacity_units" if f.given("capacity_units") else "capacity"
        if f.given(capacity):
            values["capacity_units"] = f.integer(capacity, Location.capacity_units, minimum=0)
        for name in FLAGS:
            if f.given(name):
                values[name] = f.flag(name)
        if len(problems) == before:
            records.append(record)
    return records


@dataclass
class LocationsApplied:
    created: int = 0
    updated: int = 0


def write(
    session: Session,
    file: str,
    warehouse_id: int,
    spool: Spool,
    problems: Problems,
    step: Callable[[int], None] = lambda n: None,
) -> LocationsApplied:
    """Second pass: create or update the checked records, a batch at a time, in the
    session's transaction. A zone the warehouse does not have is a problem; once there is
    one, nothing more is written, the rest only checked (the caller rolls back)."""
    zones = {
        code.upper(): zone_id
        for zone_id, code in session.execute(
            select(Zone.id, Zone.code).where(Zone.warehouse_id == warehouse_id)
        )
    }
    applied = LocationsApplied()
    for batch in spool:
        records = [LocationRecord(*plain) for plain in batch]
        for record in records:
            if record.zone and record.zone.upper() not in zones:
                problems.append(
                    ImportProblem(
                        file,
                        record.line,
                        record.zone_column,
                        _(
                            "a zone of this warehouse ({zones})",
                            zones=", ".join(sorted(zones)) or "-",
                        ),
                        record.zone,
                    )
                )
        if not problems:
            _apply(session, warehouse_id, zones, records, applied)
        step(len(batch))
    return applied


def _apply(
    session: Session,
    warehouse_id: int,
    zones: dict[str, int],
    records: list[LocationRecord],
    applied: LocationsApplied,
) -> None:
    existing = {
        location.code: location
        for location in session.scalars(
            select(Location).where(
                Location.warehouse_id == warehouse_id,
                Location.code.in_({record.code for record in records}),
            )
        )
    }
    for record in records:
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
    session.expunge_all()  # written: the next batch needs none of these objects
