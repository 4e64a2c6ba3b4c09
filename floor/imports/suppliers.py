"""Suppliers and what they sell: read rows (CSV: one row per supplier item, JSON: suppliers with
their items), then create or update them.

A supplier is its code, a name and a lead time in days (ordering to goods at the dock). Each
item it sells: our SKU, its own SKU, the pack size (orders are whole packs), the minimum
order quantity in units, a lead time when the item's differs from the supplier's, and a
priority (an item sold by several suppliers is bought from the lowest). A CSV row without
a SKU gives the supplier only. A supplier or supplier item already in the database is
updated with the values given; what a row leaves empty keeps its value (a new one gets the
default: pack of 1, no minimum, priority 1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.i18n import _
from floor.imports.fields import Fields
from floor.imports.orders import resolve_skus
from floor.imports.problems import Problems
from floor.imports.source import Source, SourceRow
from floor.models import Item, Supplier, SupplierItem

REQUIRED_CSV = ("supplier",)
SUPPLIER_FIELDS = ("name", "lead_time_days")


@dataclass(frozen=True)
class SupplierItemRecord:
    line: int
    sku_column: str
    sku: str
    values: dict[str, Any]  # only what the row gives: supplier_sku, pack_size, ...


@dataclass
class SupplierRecord:
    line: int
    code: str
    values: dict[str, Any] = field(default_factory=dict)  # name, lead_time_days when given
    value_lines: dict[str, int] = field(default_factory=dict)
    items: list[SupplierItemRecord] = field(default_factory=list)
    skus: dict[str, int] = field(default_factory=dict)  # SKU -> line it was first on


def _supplier_values(f: Fields) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if f.given("name"):
        values["name"] = f.text("name", Supplier.name)
    if f.given("lead_time_days"):
        values["lead_time_days"] = f.integer("lead_time_days", Supplier.lead_time_days, minimum=0)
    return {k: v for k, v in values.items() if v not in (None, "")}


def _item(f: Fields, lead_time_name: str, column_prefix: str = "") -> SupplierItemRecord | None:
    before = len(f.problems)
    sku = f.text("sku", Item.sku, required=True)
    values: dict[str, Any] = {}
    if f.given("supplier_sku"):
        values["supplier_sku"] = f.text("supplier_sku", SupplierItem.supplier_sku)
    for name, column, minimum in (
        ("pack_size", SupplierItem.pack_size, 1),
        ("min_order_qty", SupplierItem.min_order_qty, 0),
        ("priority", SupplierItem.priority, 0),
    ):
        if f.given(name):
            values[name] = f.integer(name, column, minimum=minimum)
    if f.given(lead_time_name):
        values["lead_time_days"] = f.integer(lead_time_name, SupplierItem.lead_time_days, minimum=0)
    if len(f.problems) > before or not sku:
        return None
    return SupplierItemRecord(f.line, f"{column_prefix}sku", sku, values)


def _add_item(f: Fields, record: SupplierRecord, item: SupplierItemRecord, name: str) -> None:
    first = record.skus.get(item.sku)
    if first is not None:
        f.problem(
            name,
            _(
                "an item not already listed for {supplier} on line {line}",
                supplier=record.code,
                line=first,
            ),
            item.sku,
        )
        return
    record.skus[item.sku] = item.line
    record.items.append(item)


def parse_csv(table: Source, advance: Callable[[], None] = lambda: None) -> list[SupplierRecord]:
    table.require_columns(REQUIRED_CSV)
    if table.problems:
        return []
    by_code: dict[str, SupplierRecord] = {}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, table.problems)
        code = f.text("supplier", Supplier.code, required=True)
        if not code:
            continue
        record = by_code.setdefault(code, SupplierRecord(row.line, code))
        for name, value in _supplier_values(f).items():
            if name in record.values and record.values[name] != value:
                f.problem(
                    name,
                    _(
                        "the same {column} as on line {line} for {supplier}",
                        column=name,
                        line=record.value_lines[name],
                        supplier=code,
                    ),
                    f.raw(name),
                )
            elif name not in record.values:
                record.values[name], record.value_lines[name] = value, row.line
        if f.given("sku"):
            item = _item(f, "item_lead_time_days")
            if item:
                _add_item(f, record, item, "sku")
        else:
            for name in ("supplier_sku", "pack_size", "min_order_qty", "item_lead_time_days"):
                if f.given(name):
                    f.problem("sku", _("the SKU the {column} is for", column=name), "")
                    break
    return list(by_code.values())


def parse_json(table: Source, advance: Callable[[], None] = lambda: None) -> list[SupplierRecord]:
    records: list[SupplierRecord] = []
    seen: dict[str, int] = {}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, table.problems)
        code = f.text("supplier", Supplier.code, required=True)
        record = SupplierRecord(row.line, code, _supplier_values(f))
        items = row.values.get("items", [])
        if not isinstance(items, list):
            f.problem("items", _("a list of items"), items)
            items = []
        for index, entry in enumerate(items):
            path = row.column(f"items[{index}]")
            if not isinstance(entry, dict):
                f.problem(f"items[{index}]", _("an object with sku and pack_size"), entry)
                continue
            fields = Fields(table.file, SourceRow(row.line, entry, path), table.problems)
            item = _item(fields, "lead_time_days", f"{path}.")
            if item:
                _add_item(fields, record, item, "sku")
        if code in seen:
            f.problem("supplier", _("a supplier not already on line {line}", line=seen[code]), code)
        elif code:
            seen[code] = row.line
            records.append(record)
    return records


@dataclass
class SuppliersApplied:
    created: int = 0
    updated: int = 0
    items_created: int = 0
    items_updated: int = 0


def apply(
    session: Session,
    file: str,
    records: list[SupplierRecord],
    problems: Problems,
    advance: Callable[[], None] = lambda: None,
) -> SuppliersApplied:
    """Create or update every supplier and supplier item; a SKU that is no item is a problem
    and nothing is written."""
    items = resolve_skus(session, file, [i for r in records for i in r.items], problems)
    applied = SuppliersApplied()
    if problems:
        return applied
    codes = [r.code for r in records]
    suppliers: dict[str, Supplier] = {}
    for start in range(0, len(codes), 500):
        for supplier in session.scalars(
            select(Supplier).where(Supplier.code.in_(codes[start : start + 500]))
        ):
            suppliers[supplier.code] = supplier
    for record in records:
        advance()
        supplier = suppliers.get(record.code)
        if supplier is None:
            supplier = Supplier(code=record.code, name=record.values.get("name", record.code))
            session.add(supplier)
            applied.created += 1
        else:
            applied.updated += 1
        for name, value in record.values.items():
            setattr(supplier, name, value)
        session.flush()
        existing = {
            si.item_id: si
            for si in session.scalars(
                select(SupplierItem).where(SupplierItem.supplier_id == supplier.id)
            )
        }
        for entry in record.items:
            item_id = items[entry.sku]
            row = existing.get(item_id)
            if row is None:
                row = SupplierItem(
                    supplier_id=supplier.id,
                    item_id=item_id,
                    supplier_sku="",
                    pack_size=1,
                    min_order_qty=0,
                    priority=1,
                )
                session.add(row)
                existing[item_id] = row
                applied.items_created += 1
            else:
                applied.items_updated += 1
            for name, value in entry.values.items():
                setattr(row, name, value)
    session.flush()
    return applied
