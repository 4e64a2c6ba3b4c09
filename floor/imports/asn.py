"""ASNs by logistic unit: which pallets (SSCCs) a delivery brings and what each holds.

One row per content line of a pallet: `reference` (the PO or ASN number), `sscc`, `sku` or
`gtin`, `quantity`, `lot`, `expiry`; optional `supplier`, `supplier_name`, `expected_on`
for an ASN not yet known. JSON: a list of such rows (or under `"asn"`).

A reference that is an open purchase order of the warehouse gets its pallets listed (each
item must be on it); a new reference becomes an ASN whose lines are the pallets' contents.
Pallets already imported under the same reference are left as they are (a reference all of
whose pallets were imported before is reported unchanged), so a later file may add pallets;
an SSCC listed under another reference, here or in the file, is a problem. A `gtin` of a pack level
counts packs (a case GTIN of 12 with quantity 2 is 24 units); `quantity` with a `sku` is units.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.gs1 import is_valid_gs1_number
from floor.i18n import _
from floor.imports.fields import Fields
from floor.imports.problems import ImportProblem, Problems
from floor.imports.source import Source
from floor.models import (
    RECEIVABLE_PO_STATUSES,
    AsnUnitLine,
    Item,
    PurchaseOrder,
    PurchaseOrderLine,
    Supplier,
)
from floor.stock.catalog import find_item_for_barcode

REQUIRED = ("reference", "sscc", "quantity")


@dataclass(frozen=True)
class AsnRow:
    line: int
    column: str  # the column naming the item (sku or gtin)
    sscc: str
    sku: str
    gtin: str
    quantity: int
    lot: str
    expiry: dt.date | None


@dataclass
class AsnRecord:
    line: int
    reference: str
    supplier: str = ""
    supplier_name: str = ""
    expected_on: dt.date | None = None
    rows: list[AsnRow] = field(default_factory=list)


def _sscc(f: Fields) -> str:
    value = f.raw("sscc")
    if value is None:
        f.problem("sscc", _("a value"), "")
        return ""
    text = str(value)
    if len(text) == 20 and text.startswith("00"):  # written with its AI
        text = text[2:]
    if not (text.isascii() and text.isdigit() and len(text) == 18):
        f.problem("sscc", _("an SSCC of 18 digits"), str(value))
        return ""
    if not is_valid_gs1_number(text):
        f.problem("sscc", _("an SSCC with a valid check digit"), str(value))
        return ""
    return text


def parse(table: Source, advance: Callable[[], None] = lambda: None) -> list[AsnRecord]:
    """Rows grouped by reference; problems go to the table's problems."""
    if table.columns:  # CSV: the header must name what every row needs
        table.require_columns(REQUIRED)
        if "sku" not in table.columns and "gtin" not in table.columns:
            table.problems.append(
                ImportProblem(table.file, table.header_line, "sku", _("a column sku or gtin"))
            )
        if table.problems:
            return []
    by_reference: dict[str, AsnRecord] = {}
    sscc_reference: dict[str, tuple[str, int]] = {}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, table.problems)
        reference = f.text("reference", PurchaseOrder.number, required=True)
        sscc = _sscc(f)
        sku = f.text("sku", Item.sku)
        gtin = f.gtin("gtin") or ""
        if not sku and not gtin and not f.given("gtin"):
            f.problem("sku", _("a sku or a gtin"), "")
        quantity = f.integer("quantity", AsnUnitLine.quantity, required=True, minimum=1)
        lot = f.text("lot", AsnUnitLine.lot)
        expiry = f.date("expiry")
        if not reference:
            continue
        record = by_reference.get(reference)
        if record is None:
            record = by_reference[reference] = AsnRecord(
                row.line,
                reference,
                f.text("supplier", Supplier.code),
                f.text("supplier_name", Supplier.name),
                f.date("expected_on"),
            )
        if sscc:
            first = sscc_reference.setdefault(sscc, (reference, row.line))
            if first[0] != reference:
                f.problem(
                    "sscc",
                    _(
                        "an SSCC not already listed under {reference} on line {line}",
                        reference=first[0],
                        line=first[1],
                    ),
                    sscc,
                )
        if sscc and (sku or gtin) and quantity:
            record.rows.append(
                AsnRow(row.line, "sku" if sku else "gtin", sscc, sku, gtin, quantity, lot, expiry)
            )
    return list(by_reference.values())


@dataclass
class AsnApplied:
    created: int = 0
    listed: int = 0  # purchase orders already there that got their pallets
    pallets: int = 0
    unchanged: list[str] = field(default_factory=list)


def _resolve(
    session: Session, file: str, row: AsnRow, problems: Problems
) -> tuple[Item, int] | None:
    """The item and the units of the row (a pack GTIN counts packs)."""
    if row.sku:
        item = session.scalars(select(Item).where(Item.sku == row.sku)).one_or_none()
        if item is None:
            problems.append(ImportProblem(file, row.line, "sku", _("the SKU of an item"), row.sku))
            return None
        return item, row.quantity
    found = find_item_for_barcode(session, row.gtin)
    if found is None:
        problems.append(
            ImportProblem(file, row.line, "gtin", _("the GTIN of an item or pack"), row.gtin)
        )
        return None
    item, units = found
    return item, row.quantity * units


def apply(
    session: Session,
    file: str,
    warehouse_id: int,
    records: list[AsnRecord],
    problems: Problems,
    advance: Callable[[], None] = lambda: None,
) -> AsnApplied:
    applied = AsnApplied()
    ssccs = [row.sscc for record in records for row in record.rows]
    listed: dict[str, str] = {}
    for start in range(0, len(ssccs), 500):
        for sscc, number in session.execute(
            select(AsnUnitLine.sscc, PurchaseOrder.number)
            .join(PurchaseOrder, PurchaseOrder.id == AsnUnitLine.purchase_order_id)
            .where(AsnUnitLine.sscc.in_(ssccs[start : start + 500]))
        ):
            listed[sscc] = number
    suppliers: dict[str, Supplier] = {}
    for record in records:
        advance()
        order = session.scalars(
            select(PurchaseOrder).where(PurchaseOrder.number == record.reference)
        ).one_or_none()
        fresh = [row for row in record.rows if listed.get(row.sscc) != record.reference]
        if order is not None and not fresh:  # every pallet of it imported before
            applied.unchanged.append(record.reference)
            continue
        record.rows = fresh  # pallets imported before stay as they are
        for row in record.rows:
            if row.sscc in listed:
                problems.append(
                    ImportProblem(
                        file,
                        row.line,
                        "sscc",
                        _("an SSCC not on another ASN ({reference})", reference=listed[row.sscc]),
                        row.sscc,
                    )
                )
        if order is not None and (
            order.warehouse_id != warehouse_id
            or order.status not in RECEIVABLE_PO_STATUSES
            or order.kind not in ("po", "asn")  # a transfer's cartons are its ASN
        ):
            problems.append(
                ImportProblem(
                    file,
                    record.line,
                    "reference",
                    _("an open purchase order of this warehouse, or a new ASN number"),
                    record.reference,
                )
            )
            continue
        contents = [(row, _resolve(session, file, row, problems)) for row in record.rows]
        if order is not None:
            on_order = {line.item_id for line in order.lines}
            for row, found in contents:
                if found is not None and found[0].id not in on_order:
                    problems.append(
                        ImportProblem(
                            file,
                            row.line,
                            row.column,
                            _("an item on purchase order {number}", number=order.number),
                            row.sku or row.gtin,
                        )
                    )
        if problems:
            continue
        if order is None:
            order = _new_asn(session, warehouse_id, record, contents, suppliers)
            applied.created += 1
        else:
            applied.listed += 1
        for row, found in contents:
            assert found is not None
            item, units = found
            session.add(
                AsnUnitLine(
                    purchase_order_id=order.id,
                    sscc=row.sscc,
                    item_id=item.id,
                    quantity=units,
                    lot=row.lot,
                    expiry=row.expiry,
                )
            )
        applied.pallets += len({row.sscc for row in record.rows})
    session.flush()
    return applied


def _new_asn(
    session: Session,
    warehouse_id: int,
    record: AsnRecord,
    contents: list[tuple[AsnRow, tuple[Item, int] | None]],
    suppliers: dict[str, Supplier],
) -> PurchaseOrder:
    """An ASN whose lines are the pallets' contents, by item and lot."""
    supplier = None
    if record.supplier:
        supplier = (
            suppliers.get(record.supplier)
            or session.scalars(
                select(Supplier).where(Supplier.code == record.supplier)
            ).one_or_none()
        )
        if supplier is None:
            supplier = Supplier(code=record.supplier, name=record.supplier_name or record.supplier)
            session.add(supplier)
        suppliers[record.supplier] = supplier
    order = PurchaseOrder(
        number=record.reference,
        kind="asn",
        warehouse_id=warehouse_id,
        supplier=supplier,
        expected_on=record.expected_on,
    )
    totals: dict[tuple[int, str], int] = {}
    for row, found in contents:
        assert found is not None
        key = (found[0].id, row.lot)
        totals[key] = totals.get(key, 0) + found[1]
    for line_no, ((item_id, lot), quantity) in enumerate(totals.items(), start=1):
        order.lines.append(
            PurchaseOrderLine(line_no=line_no, item_id=item_id, quantity_ordered=quantity, lot=lot)
        )
    session.add(order)
    session.flush()
    return order
