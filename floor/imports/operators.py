"""Operators: read operator rows (CSV or JSON) into records, then add them all or none.

Columns: `badge`, `name`, `roles` (space, comma or semicolon separated; a list in JSON),
`language` (optional: the site's language), `pin` (the initial PIN, 4 to 12 digits). Every
imported operator must choose their own PIN at their first login. A badge an operator has
already is a problem (nothing is updated: `floor operators set-...` changes one operator).
PINs are hashed before the transaction starts (scrypt is slow on purpose), on every core.
`run_operator_import` is the entry point (`floor operators import FILE`).
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from floor.admin_audit import ChangedBy, record_change
from floor.db import transaction
from floor.errors import InvalidInput
from floor.i18n import N_, _
from floor.imports.fields import Fields
from floor.imports.problems import ImportProblem, ImportRejected, Problems
from floor.imports.progress import Progress
from floor.imports.runner import detect_format
from floor.imports.source import Source, check_utf8, open_source
from floor.imports.source_csv import CsvSource
from floor.models import Operator
from floor.operator_admin import (
    ADMIN,
    check_language,
    check_name,
    check_roles,
    normalise_badge,
    taken_badges,
)
from floor.operators import hash_pin, require_role
from floor.scanning import ScanLanguage

REQUIRED = ("badge", "name", "roles", "pin")
ROLES_EXPECTED = N_("roles among picker, receiver, packer, kitter, counter, supervisor, admin")
LANGUAGES_EXPECTED = N_("a language: en, fr or sr")


@dataclass(frozen=True)
class OperatorRecord:
    line: int
    badge: str
    name: str
    roles: str
    language: str
    pin: str
    pin_hash: str = ""


def parse(
    table: Source,
    advance: Callable[[], None] = lambda: None,
    *,
    language: str = "en",
    scan_language: ScanLanguage | None = None,
) -> list[OperatorRecord]:
    """Check every row (no database); a problem for each wrong value, PINs not hashed yet."""
    problems = table.problems
    if table.columns:
        table.require_columns(REQUIRED)
        if problems:
            return []
    records: list[OperatorRecord] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, problems)
        before = len(problems)
        badge = _checked(f, "badge", lambda v: normalise_badge(v, scan_language))
        name = f.text("name", Operator.name, required=True)
        name = _checked_value(f, "name", name, check_name) if name else ""
        roles = f.row.values.get("roles")
        if isinstance(roles, list) and all(isinstance(r, str) for r in roles):
            role_text = _checked_value(f, "roles", " ".join(roles), check_roles, ROLES_EXPECTED)
        else:
            role_text = _checked(f, "roles", check_roles, ROLES_EXPECTED)
        lang = (
            _checked(f, "language", check_language, LANGUAGES_EXPECTED)
            if f.given("language")
            else language
        )
        pin = f.text("pin", required=True)
        if pin and not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 12):
            f.problem("pin", _("a PIN of 4 to 12 digits"), "*" * len(pin))
        if len(problems) > before:
            continue
        if badge in seen:
            f.problem("badge", _("a badge not already on line {line}", line=seen[badge]), badge)
            continue
        seen[badge] = row.line
        records.append(OperatorRecord(row.line, badge, name, role_text, lang, pin))
    return records


def _checked(
    f: Fields, column: str, check: Callable[[str], str], expected: str | None = None
) -> str:
    value = f.text(column, required=True)
    return _checked_value(f, column, value, check, expected) if value else ""


def _checked_value(
    f: Fields, column: str, value: str, check: Callable[[str], str], expected: str | None = None
) -> str:
    """`check(value)`, or a problem naming what was expected (and "" for the value)."""
    try:
        return check(value)
    except InvalidInput as exc:
        f.problem(column, _(expected) if expected else exc.expected or str(exc), value)
        return ""


def hash_pins(
    records: list[OperatorRecord], advance: Callable[[], None] = lambda: None
) -> list[OperatorRecord]:
    """The records with their PIN hashed and the PIN dropped (scrypt releases the GIL)."""

    def one(record: OperatorRecord) -> OperatorRecord:
        hashed = replace(record, pin_hash=hash_pin(record.pin), pin="")
        advance()
        return hashed

    with ThreadPoolExecutor(max_workers=max(1, os.cpu_count() or 1)) as pool:
        return list(pool.map(one, records))


def apply(
    session: Session,
    file: str,
    records: list[OperatorRecord],
    problems: Problems,
    by: ChangedBy,
    advance: Callable[[], None] = lambda: None,
) -> int:
    """Add every record; a badge an operator has already is a problem. Returns how many."""
    require_role(session, by.operator_id, ADMIN)
    taken = taken_badges(session, [r.badge for r in records])
    for record in records:
        holder = taken.get(record.badge)
        if holder is not None:
            problems.append(
                ImportProblem(
                    file,
                    record.line,
                    "badge",
                    _("a badge no operator has (it is {name}'s)", name=holder),
                    record.badge,
                )
            )
    if problems:
        return 0
    rows = [
        {
            "badge": r.badge,
            "name": r.name,
            "pin_hash": r.pin_hash,
            "roles": r.roles,
            "language": r.language,
            "active": True,
            "must_change_pin": True,
        }
        for r in records
    ]
    ids: dict[str, int] = {}
    for start in range(0, len(rows), 500):
        for operator_id, badge in session.execute(
            insert(Operator).returning(Operator.id, Operator.badge), rows[start : start + 500]
        ):
            ids[badge] = operator_id
    for record in records:
        advance()
        record_change(
            session,
            by,
            "operator",
            record.badge,
            "imported",
            f"{Path(file).name}:{record.line}; {record.name}; roles {record.roles}; "
            f"language {record.language}",
            operator_id=ids[record.badge],
        )
    session.flush()
    return len(records)


def run_operator_import(
    engine: Engine,
    path: Path,
    *,
    by: ChangedBy,
    language: str = "en",
    scan_language: ScanLanguage | None = None,
    fmt: str | None = None,
    progress: Progress | None = None,
    file_name: str | None = None,
) -> int:
    """Import the operators of `path`; ImportRejected (nothing written) when it has problems.
    Returns how many operators were added."""
    file = file_name or str(path)
    bar = progress or Progress(io.StringIO(), enabled=False)
    fmt = detect_format(file, path, fmt)
    problems = check_utf8(file, path)
    if problems:
        raise ImportRejected(file, problems)
    with open_source(file, path, fmt, "operators") as table:
        if table.problems:  # the header
            raise ImportRejected(file, table.problems)
        if isinstance(table, CsvSource):
            table.lower_columns()
        bar.start(_("Reading {file}", file=file), path.stat().st_size, unit="bytes")
        records = parse(table, language=language, scan_language=scan_language)
        bar.update(path.stat().st_size)
        bar.finish()
    if table.problems:
        raise ImportRejected(file, table.problems)
    # i18n: progress bar label while the imported operators' PINs are hashed
    bar.start(_("Hashing PINs"), len(records))
    records = hash_pins(records, bar.advance)
    bar.finish()

    def work(session: Session) -> int:
        found = Problems()
        bar.start(_("Writing {kind}", kind="operators"), len(records))
        added = apply(session, file, records, found, by, bar.advance)
        bar.finish()
        if found:
            raise ImportRejected(file, found)
        return added

    return transaction(engine, work)
