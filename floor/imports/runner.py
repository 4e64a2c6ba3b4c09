"""Running one import: read and check the whole file, then write it all in one transaction.

Nothing is written when any row has a problem or any reference (SKU, zone, warehouse)
does not resolve; every problem is reported, each with file, line and column.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from floor.db import transaction
from floor.i18n import _, ngettext
from floor.imports import carton_types, items, locations, orders, purchase_orders, shopify
from floor.imports.problems import ImportProblem, ImportRejected
from floor.imports.progress import Progress
from floor.imports.source import SourceRow, Table, decode, read_csv, read_json
from floor.stock.stock_report import find_warehouse

KINDS = ("items", "locations", "orders", "purchase-orders", "carton-types")
FORMATS = ("csv", "json", "shopify")


@dataclass
class ImportOutcome:
    """What an import did, in words an operator reads."""

    kind: str
    file: str
    format: str
    created: int = 0
    updated: int = 0
    unchanged: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def report(self) -> list[str]:
        lines = list(self.notes)
        lines.extend(
            _("Order {number} already imported, unchanged", number=number)
            for number in self.unchanged
        )
        if self.kind in ("items", "locations", "carton-types"):
            lines.append(
                _(
                    "{file}: {created} created, {updated} updated ({kind})",
                    file=self.file,
                    created=self.created,
                    updated=self.updated,
                    kind=self.kind,
                )
            )
        else:
            lines.append(
                ngettext(
                    "{file}: {n} order imported, {unchanged} already there ({kind})",
                    "{file}: {n} orders imported, {unchanged} already there ({kind})",
                    self.created,
                    file=self.file,
                    unchanged=len(self.unchanged),
                    kind=self.kind,
                )
            )
        return lines


def detect_format(file: str, path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = path.suffix.lower()
    if suffix in (".csv", ".json"):
        return suffix[1:]
    raise ImportRejected(
        file,
        [ImportProblem(file, 1, "", _("a .csv or .json file (or --format)"), path.suffix or "")],
    )


def lower_columns(table: Table) -> Table:
    return replace(
        table,
        columns=[c.lower() for c in table.columns],
        rows=[SourceRow(r.line, {k.lower(): v for k, v in r.values.items()}) for r in table.rows],
    )


def run_import(
    engine: Engine,
    kind: str,
    path: Path,
    *,
    warehouse: str,
    channel: str | None = None,
    fmt: str | None = None,
    progress: Progress | None = None,
    file_name: str | None = None,
) -> ImportOutcome:
    """Import `path` as `kind`; raises ImportRejected (nothing written) when it has problems."""
    file = file_name or str(path)
    bar = progress or Progress(open_null(), enabled=False)
    fmt = detect_format(file, path, fmt)
    text, problems = decode(file, path.read_bytes())
    if problems:
        raise ImportRejected(file, problems)
    list_key = kind.replace("-", "_")
    table = read_json(file, text, list_key) if fmt == "json" else read_csv(file, text)
    if table.problems:
        raise ImportRejected(file, table.problems)
    if fmt == "csv" and kind == "orders" and shopify.looks_like_shopify(table.columns):
        fmt = "shopify"
    if fmt == "shopify" and kind != "orders":
        raise ImportRejected(
            file, [ImportProblem(file, 1, "", _("--format shopify only with orders"), kind)]
        )
    if fmt == "csv":
        table = lower_columns(table)
    if channel is None:
        channel = shopify.CHANNEL if fmt == "shopify" else "manual"
    outcome = ImportOutcome(kind, file, fmt)
    bar.start(_("Reading {file}", file=file), len(table.rows))
    advance = bar.advance
    if kind == "items":
        records: list = items.parse(table, advance)
    elif kind == "locations":
        records = locations.parse(table, advance)
    elif kind == "carton-types":
        records = carton_types.parse(table, advance)
    elif kind == "orders":
        parser = {"shopify": shopify.parse, "json": orders.parse_json}.get(fmt, orders.parse_csv)
        parsed = parser(table, advance)
        records, outcome.notes = parsed.records, parsed.notes
    else:
        parse = purchase_orders.parse_json if fmt == "json" else purchase_orders.parse_csv
        records = parse(table, advance)
    bar.finish()
    if table.problems:
        raise ImportRejected(file, _sorted(table.problems))

    def work(session: Session) -> ImportOutcome:
        found: list[ImportProblem] = []
        global_kind = kind in ("items", "carton-types")  # not tied to a warehouse
        warehouse_id = 0 if global_kind else find_warehouse(session, warehouse)
        bar.start(_("Writing {kind}", kind=kind), len(records))
        result = replace(outcome, unchanged=[])
        if kind == "items":
            done = items.apply(session, file, records, found, advance)
            result.created, result.updated = done.created, done.updated
        elif kind == "locations":
            done = locations.apply(session, file, warehouse_id, records, found, advance)
            result.created, result.updated = done.created, done.updated
        elif kind == "carton-types":
            made = carton_types.apply(session, file, records, found, advance)
            result.created, result.updated = made.created, made.updated
        elif kind == "orders":
            placed = orders.apply(session, file, warehouse_id, channel, records, found, advance)
            result.created, result.unchanged = placed.created, placed.unchanged
        else:
            bought = purchase_orders.apply(session, file, warehouse_id, records, found, advance)
            result.created, result.unchanged = bought.created, bought.unchanged
        bar.finish()
        if found:
            raise ImportRejected(file, _sorted(found))
        return result

    return transaction(engine, work)


def _sorted(problems: list[ImportProblem]) -> list[ImportProblem]:
    return sorted(problems, key=lambda p: p.line)


def open_null():  # type: ignore[no-untyped-def]
    import io

    return io.StringIO()
