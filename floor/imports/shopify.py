"""The Shopify orders export CSV: one row per line item, order fields on the first row only.

Rows are grouped by `Name` (#1001). Lines that need no shipping are left out; a cancelled
order (`Cancelled at` set), or one with nothing to ship, is skipped and said so. Postcodes
lose a leading apostrophe; country and province stay codes. Tags `priority:N` and
`ship-by:YYYY-MM-DD` set the order's priority and ship-by date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from floor.i18n import _
from floor.imports.fields import Fields
from floor.imports.limits import integer_range
from floor.imports.orders import ADDRESS, OrderLineRecord, OrderRecord, ParsedOrders, _address
from floor.imports.problems import ImportProblem, Problems
from floor.imports.source import Source, SourceRow
from floor.models import Item, SalesOrder, SalesOrderLine

SIGNATURE = ("Name", "Lineitem sku", "Lineitem quantity")
CHANNEL = "shopify"
SHIPPING = {
    "name": "Shipping Name",
    "company": "Shipping Company",
    "line1": "Shipping Address1",
    "line2": "Shipping Address2",
    "city": "Shipping City",
    "postcode": "Shipping Zip",
    "province": "Shipping Province",
    "country": "Shipping Country",
    "phone": "Shipping Phone",
}


def looks_like_shopify(columns: list[str]) -> bool:
    return all(name in columns for name in SIGNATURE)


def parse(table: Source, advance: Callable[[], None] = lambda: None) -> ParsedOrders:
    parsed = ParsedOrders()
    problems = table.problems
    for name in SIGNATURE:
        if name not in table.columns:
            problems.append(
                ImportProblem(
                    table.file, table.header_line, name, _("a column named {name}", name=name)
                )
            )
    if problems:
        return parsed
    groups: dict[str, list[SourceRow]] = {}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, problems)
        name = f.text("Name", SalesOrder.number, required=True)
        if name:
            groups.setdefault(name, []).append(row)
    for name, rows in groups.items():
        record = _order(table.file, name, rows, problems, parsed.notes)
        if record is not None:
            parsed.records.append(record)
    return parsed


def _order(
    file: str, name: str, rows: list[SourceRow], problems: Problems, notes: list[str]
) -> OrderRecord | None:
    first = Fields(file, rows[0], problems)
    cancelled = first.text("Cancelled at")
    record = OrderRecord(rows[0].line, name, name)
    shipping = {part: column for part, column in SHIPPING.items() if first.has_column(column)}
    record.ship_to = _address(first, shipping)
    email = first.text("Email", ADDRESS["email"])
    if email:
        record.ship_to = {**(record.ship_to or {}), "email": email}
    method = first.text("Shipping Method", SalesOrder.service)
    if method:
        record.values["service"] = method
    notes_text = first.text("Notes", SalesOrder.notes)
    if notes_text:
        record.values["notes"] = notes_text
    _tags(first, record)
    for row in rows:
        f = Fields(file, row, problems)
        if f.flag("Lineitem requires shipping") is False:
            continue
        sku = f.text("Lineitem sku", Item.sku, required=True)
        quantity = f.integer(
            "Lineitem quantity", SalesOrderLine.quantity_ordered, required=True, minimum=1
        )
        if sku and quantity:
            record.lines.append(OrderLineRecord(row.line, "Lineitem sku", sku, quantity))
    if cancelled:
        notes.append(_("Order {name} skipped: cancelled at {when}", name=name, when=cancelled))
        return None
    if not record.lines:
        notes.append(_("Order {name} skipped: nothing in it needs shipping", name=name))
        return None
    return record


def _tags(f: Fields, record: OrderRecord) -> None:
    for tag in f.text("Tags").split(","):
        key, _sep, value = tag.strip().partition(":")
        key = key.strip().lower()
        value = value.strip()
        if key == "priority":
            _low, high = integer_range(SalesOrder.priority)
            if value.isascii() and value.isdigit() and int(value) <= high:
                record.values["priority"] = int(value)
            elif value.isascii() and value.isdigit():
                f.problem(
                    "Tags",
                    _("priority:N with N a whole number of at most {n}", n=high),
                    tag.strip(),
                )
            else:
                f.problem("Tags", _("priority:N with N a whole number"), tag.strip())
        elif key in ("ship-by", "ship_by"):
            try:
                record.values["ship_by"] = dt.date.fromisoformat(value)
            except ValueError:
                f.problem("Tags", _("ship-by:YYYY-MM-DD"), tag.strip())
