"""Running one import: read and check the whole file, then write it all in one transaction.

The file is read as a stream; items and locations are checked and written a batch at a
time, so memory does not grow with the file.

Nothing is written when any row has a problem or any reference (SKU, zone, warehouse)
does not resolve; every problem is reported, each with file, line and column.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from floor.db import transaction
from floor.errors import InvalidInput
from floor.i18n import _, ngettext
from floor.imports import (
    asn,
    carton_types,
    channels,
    items,
    kits,
    locations,
    orders,
    purchase_orders,
    shopify,
    suppliers,
)
from floor.imports.kinds import CHANNEL_FORMATS
from floor.imports.limits import text_length
from floor.imports.problems import ImportProblem, ImportRejected, Problems, show
from floor.imports.progress import Progress
from floor.imports.scratch import Spool
from floor.imports.source import Source, check_utf8, open_source
from floor.imports.source_csv import CsvSource
from floor.models import SalesOrder
from floor.stock.stock_report import find_warehouse

FULFILLED = shopify.FULFILLED_CHOICES


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
    shipped: list[str] = field(default_factory=list)  # orders recorded as already shipped

    def report(self) -> list[str]:
        lines = list(self.notes)
        lines.extend(
            _("Order {number} recorded as shipped: already fulfilled", number=number)
            for number in self.shipped
        )
        lines.extend(
            _("Order {number} already imported, unchanged", number=number)
            for number in self.unchanged
        )
        if self.kind == "kits":
            lines.append(
                _(
                    "{file}: {kits} kits, {components} components (bills of materials)",
                    file=self.file,
                    kits=self.created,
                    components=self.updated,
                )
            )
        elif self.kind in ("items", "locations", "carton-types", "suppliers"):
            lines.append(
                _(
                    "{file}: {created} created, {updated} updated ({kind})",
                    file=self.file,
                    created=self.created,
                    updated=self.updated,
                    kind=self.kind,
                )
            )
        elif self.kind == "asn" and not self.created and not self.unchanged:
            pass  # pallets listed on purchase orders already there: the note says so
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
    if suffix in (".txt", ".tsv"):  # tab-separated text, as Amazon's reports download
        return "csv"
    raise ImportRejected(
        file,
        [
            ImportProblem(
                file, 1, "", _("a .csv, .txt, .tsv or .json file (or --format)"), path.suffix or ""
            )
        ],
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
    fulfilled: str = "record",
) -> ImportOutcome:
    """Import `path` as `kind`; raises ImportRejected (nothing written) when it has problems.

    First pass: the file is read and every row checked, with no database. Second pass, only
    when the first found no problem: in one transaction, references are resolved and the
    records written. Items and locations go a batch at a time, their checked records
    waiting in a scratch file; orders and purchase orders are grouped by number, so their
    records are kept in memory. A store's or marketplace's order export is found by its
    header; `fulfilled` says what becomes of an order the channel already shipped: "record"
    (as shipped) or "skip".
    """
    file = file_name or str(path)
    bar = progress or Progress(io.StringIO(), enabled=False)
    fmt = detect_format(file, path, fmt)
    problems = check_utf8(file, path)
    if problems:
        raise ImportRejected(file, problems)
    list_key = kind.replace("-", "_")
    size = path.stat().st_size
    with Spool() as spool:
        with open_source(file, path, fmt, list_key) as source:
            if source.problems:  # the header
                raise ImportRejected(file, source.problems)
            if fmt == "csv" and kind == "orders" and shopify.looks_like_shopify(source.columns):
                fmt = "shopify"
            if fmt == "csv" and kind == "orders":
                fmt = channels.detect(source.columns) or fmt
            if fmt in CHANNEL_FORMATS and kind != "orders":
                raise ImportRejected(
                    file,
                    [
                        ImportProblem(
                            file, 1, "", _("--format {fmt} only with orders", fmt=fmt), kind
                        )
                    ],
                )
            if channel is None:
                channel = fmt if fmt in CHANNEL_FORMATS else "manual"
            check_channel(channel)
            if isinstance(source, CsvSource) and fmt == "csv":
                source.lower_columns()
            outcome = ImportOutcome(kind, file, fmt)
            bar.start(_("Reading {file}", file=file), size, unit="bytes")
            read = _Reading(source, bar)
            records: list[Any] = []
            if kind == "items":
                items.check(source, spool, read.batch)
            elif kind == "locations":
                locations.check(source, spool, read.batch)
            elif kind == "carton-types":
                records = carton_types.parse(source, read.row)
            elif kind == "kits":
                records = kits.parse(source, read.row)
            elif kind == "suppliers":
                parse = suppliers.parse_json if fmt == "json" else suppliers.parse_csv
                records = parse(source, read.row)
            elif kind == "orders":
                if fmt == "shopify":
                    parsed = shopify.parse(source, read.row, fulfilled)
                elif fmt in channels.CHANNELS:
                    parsed = channels.parse(channels.CHANNELS[fmt], source, read.row, fulfilled)
                elif fmt == "json":
                    parsed = orders.parse_json(source, read.row)
                else:
                    parsed = orders.parse_csv(source, read.row)
                records, outcome.notes = parsed.records, parsed.notes
            elif kind == "asn":
                records = asn.parse(source, read.row)
            else:
                parse = purchase_orders.parse_json if fmt == "json" else purchase_orders.parse_csv
                records = parse(source, read.row)
            bar.update(size)
            bar.finish()
        if source.problems:
            raise ImportRejected(file, source.problems)
        total = spool.records if kind in ("items", "locations") else len(records)

        def work(session: Session) -> ImportOutcome:
            found = Problems()
            # not tied to a warehouse
            global_kind = kind in ("items", "carton-types", "kits", "suppliers")
            warehouse_id = 0 if global_kind else find_warehouse(session, warehouse)
            bar.start(_("Writing {kind}", kind=kind), total)
            result = replace(outcome, unchanged=[], shipped=[])
            if kind == "items":
                done = items.write(session, file, spool, found, bar.advance)
                result.created, result.updated = done.created, done.updated
            elif kind == "locations":
                put = locations.write(session, file, warehouse_id, spool, found, bar.advance)
                result.created, result.updated = put.created, put.updated
            elif kind == "carton-types":
                made = carton_types.apply(session, file, records, found, bar.advance)
                result.created, result.updated = made.created, made.updated
            elif kind == "kits":
                bills = kits.apply(session, file, records, found, bar.advance)
                result.created, result.updated = bills.kits, bills.components
            elif kind == "suppliers":
                sold = suppliers.apply(session, file, records, found, bar.advance)
                result.created, result.updated = sold.created, sold.updated
                result.notes = [
                    *result.notes,
                    _(
                        "{file}: {created} supplier items created, {updated} updated",
                        file=file,
                        created=sold.items_created,
                        updated=sold.items_updated,
                    ),
                ]
            elif kind == "orders":
                placed = orders.apply(
                    session, file, warehouse_id, channel, records, found, bar.advance
                )
                result.created, result.unchanged = placed.created, placed.unchanged
                result.shipped = placed.shipped
            elif kind == "asn":
                listed = asn.apply(session, file, warehouse_id, records, found, bar.advance)
                result.created, result.unchanged = listed.created, listed.unchanged
                result.notes = [
                    *result.notes,
                    ngettext(
                        "{file}: {pallets} pallets (SSCCs) listed, {n} purchase order "
                        "given its pallets",
                        "{file}: {pallets} pallets (SSCCs) listed, {n} purchase orders "
                        "given their pallets",
                        listed.listed,
                        file=file,
                        pallets=listed.pallets,
                    ),
                ]
            else:
                bought = purchase_orders.apply(
                    session, file, warehouse_id, records, found, bar.advance
                )
                result.created, result.unchanged = bought.created, bought.unchanged
            bar.finish()
            if found:
                raise ImportRejected(file, found)
            return result

        return transaction(engine, work)


class _Reading:
    """Moves the progress bar by the bytes read, every batch (or every thousand rows)."""

    def __init__(self, source: Source, bar: Progress) -> None:
        self.source, self.bar, self.rows = source, bar, 0

    def batch(self, _rows: int) -> None:
        self.bar.update(self.source.bytes_read())

    def row(self) -> None:
        self.rows += 1
        if self.rows % 1000 == 0:
            self.bar.update(self.source.bytes_read())


def check_channel(channel: str) -> None:
    """The sales channel must fit its column: it is written on every order."""
    limit = text_length(SalesOrder.channel)
    if limit is not None and len(channel) > limit:
        raise InvalidInput(
            _("--channel: expected at most {n} characters, got {got}", n=limit, got=show(channel)),
            expected=_("at most {n} characters", n=limit),
        )
