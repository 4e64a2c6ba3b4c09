"""Purchase orders and ASNs: read rows (CSV: one row per line, JSON: orders with lines), add them.

A supplier named by a code not yet known is created. A purchase order whose number is
already in the database is left as it is and reported "already imported, unchanged".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.i18n import _
from floor.imports.fields import Fields
from floor.imports.orders import resolve_skus
from floor.imports.problems import Problems
from floor.imports.source import Source, SourceRow
from floor.models import Item, PurchaseOrder, PurchaseOrderLine, Supplier

REQUIRED_CSV = ("number", "supplier", "sku", "quantity")


@dataclass(frozen=True)
class PurchaseLineRecord:
    line: int
    sku_column: str
    sku: str
    quantity: int
    lot: str = ""


@dataclass
class PurchaseOrderRecord:
    line: int
    number: str
    supplier: str
    supplier_name: str = ""
    kind: str = "po"
    expected_on: dt.date | None = None
    lines: list[PurchaseLineRecord] = field(default_factory=list)


def _header(f: Fields, line: int, number: str) -> PurchaseOrderRecord:
    return PurchaseOrderRecord(
        line,
        number,
        f.text("supplier", Supplier.code, required=True),
        f.text("supplier_name", Supplier.name),
        f.choice("kind", ("po", "asn")) or "po",
        f.date("expected_on"),
    )


def _line(f: Fields, column_prefix: str = "") -> PurchaseLineRecord | None:
    sku = f.text("sku", Item.sku, required=True)
    quantity = f.integer("quantity", PurchaseOrderLine.quantity_ordered, required=True, minimum=1)
    lot = f.text("lot", PurchaseOrderLine.lot)
    if sku and quantity:
        return PurchaseLineRecord(f.line, f"{column_prefix}sku", sku, quantity, lot)
    return None


def parse_csv(
    table: Source, advance: Callable[[], None] = lambda: None
) -> list[PurchaseOrderRecord]:
    table.require_columns(REQUIRED_CSV)
    if table.problems:
        return []
    by_number: dict[str, PurchaseOrderRecord] = {}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, table.problems)
        number = f.text("number", PurchaseOrder.number, required=True)
        if not number:
            continue
        if number not in by_number:
            by_number[number] = _header(f, row.line, number)
        line = _line(f)
        if line:
            by_number[number].lines.append(line)
    return list(by_number.values())


def parse_json(
    table: Source, advance: Callable[[], None] = lambda: None
) -> list[PurchaseOrderRecord]:
    records: list[PurchaseOrderRecord] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, table.problems)
        number = f.text("number", PurchaseOrder.number, required=True)
        record = _header(f, row.line, number)
        lines = row.values.get("lines")
        if not isinstance(lines, list) or not lines:
            f.problem("lines", _("a list of at least one line"), lines if lines else "")
            lines = []
        for index, entry in enumerate(lines):
            path = row.column(f"lines[{index}]")
            if not isinstance(entry, dict):
                f.problem(f"lines[{index}]", _("an object with sku and quantity"), entry)
                continue
            line = _line(
                Fields(table.file, SourceRow(row.line, entry, path), table.problems), f"{path}."
            )
            if line:
                record.lines.append(line)
        if number in seen:
            f.problem("number", _("an order not already on line {line}", line=seen[number]), number)
        elif number:
            seen[number] = row.line
            records.append(record)
    return records


@dataclass
class PurchaseOrdersApplied:
    created: int = 0
    suppliers_created: int = 0
    unchanged: list[str] = field(default_factory=list)


def apply(
    session: Session,
    file: str,
    warehouse_id: int,
    records: list[PurchaseOrderRecord],
    problems: Problems,
    advance: Callable[[], None] = lambda: None,
) -> PurchaseOrdersApplied:
    items = resolve_skus(session, file, [line for r in records for line in r.lines], problems)
    applied = PurchaseOrdersApplied()
    if problems:
        return applied
    numbers = [r.number for r in records]
    existing: set[str] = set()
    for start in range(0, len(numbers), 500):
        existing.update(
            session.scalars(
                select(PurchaseOrder.number).where(
                    PurchaseOrder.number.in_(numbers[start : start + 500])
                )
            )
        )
    codes = list(dict.fromkeys(r.supplier for r in records))
    suppliers = {
        s.code: s for s in session.scalars(select(Supplier).where(Supplier.code.in_(codes)))
    }
    for record in records:
        advance()
        if record.number in existing:
            applied.unchanged.append(record.number)
            continue
        supplier = suppliers.get(record.supplier)
        if supplier is None:
            supplier = Supplier(code=record.supplier, name=record.supplier_name or record.supplier)
            session.add(supplier)
            suppliers[record.supplier] = supplier
            applied.suppliers_created += 1
        order = PurchaseOrder(
            number=record.number,
            kind=record.kind,
            warehouse_id=warehouse_id,
            supplier=supplier,
            expected_on=record.expected_on,
        )
        for line_no, line in enumerate(record.lines, start=1):
            order.lines.append(
                PurchaseOrderLine(
                    line_no=line_no,
                    item_id=items[line.sku],
                    quantity_ordered=line.quantity,
                    lot=line.lot,
                )
            )
        session.add(order)
        applied.created += 1
    session.flush()
    return applied
