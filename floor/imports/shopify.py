"""The Shopify orders export CSV: one row per line item, order fields on the first row only.

Rows are grouped by `Name` (#1001). Lines that need no shipping are left out; a cancelled
order (`Cancelled at` set), or one with nothing to ship, is skipped and said so. Postcodes
lose a leading apostrophe; the country may be a code or a name (floor.imports.countries).
Tags `priority:N` and `ship-by:YYYY-MM-DD` set the order's priority and ship-by date.

What the store already shipped is never picked again: a line whose `Lineitem fulfillment
status` is `fulfilled` (or, without that column, every line of an order whose `Fulfillment
Status` is `fulfilled`) is done. An order with every line done is recorded as shipped, or
skipped with a note (`fulfilled="skip"`); an order partly done brings only the lines left.
Shopify's export does not say how many units of a `partial` line went, so such a line is a
problem to settle in the store (or import the rest as a plain CSV).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from floor.i18n import _, ngettext
from floor.imports.fields import Fields
from floor.imports.limits import integer_range
from floor.imports.orders import ADDRESS, OrderLineRecord, OrderRecord, ParsedOrders, _address
from floor.imports.problems import Problems, show
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


FULFILLED = "fulfilled"
PARTIAL = "partial"
LINE_STATUSES = ("fulfilled", "partial", "pending", "unfulfilled", "restocked", "not_eligible")
FULFILLED_CHOICES = ("record", "skip")


def parse(
    table: Source,
    advance: Callable[[], None] = lambda: None,
    fulfilled: str = "record",
) -> ParsedOrders:
    parsed = ParsedOrders()
    problems = table.problems
    table.require_columns(SIGNATURE)
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
        record = _order(table.file, name, rows, problems, parsed.notes, fulfilled)
        if record is not None:
            parsed.records.append(record)
    return parsed


def _order(
    file: str,
    name: str,
    rows: list[SourceRow],
    problems: Problems,
    notes: list[str],
    fulfilled: str = "record",
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
    notes_text = first.notes("Notes", SalesOrder.notes)
    if notes_text:
        record.values["notes"] = notes_text
    _tags(first, record)
    order_status = (first.text("Fulfillment Status") or "").lower()
    by_line = first.has_column("Lineitem fulfillment status")
    if order_status == PARTIAL and not by_line:
        first.problem(
            "Fulfillment Status",
            _(
                "fulfilled or unfulfilled (a partly fulfilled order needs the column "
                "Lineitem fulfillment status to tell which lines are left)"
            ),
            order_status,
        )
    done: list[OrderLineRecord] = []
    for row in rows:
        f = Fields(file, row, problems)
        if f.flag("Lineitem requires shipping") is False:
            continue
        line_status = f.choice("Lineitem fulfillment status", LINE_STATUSES) if by_line else None
        if line_status == "restocked":
            continue
        shipped = line_status == FULFILLED or (not by_line and order_status == FULFILLED)
        product = f.text("Lineitem name")
        if shipped and not f.given("Lineitem sku"):
            continue  # gone already, and nothing floor could record it against
        if f.given("Lineitem sku"):
            sku = f.text("Lineitem sku", Item.sku)
        else:
            sku = ""
            f.problem(
                "Lineitem sku",
                _("the SKU of the line item {product}", product=show(product))
                if product
                else _("the SKU of the line item"),
                "",
            )
        quantity = f.integer(
            "Lineitem quantity", SalesOrderLine.quantity_ordered, required=True, minimum=1
        )
        if line_status == PARTIAL:
            f.problem(
                "Lineitem fulfillment status",
                _(
                    "fulfilled or pending: the export does not say how many units of a partly "
                    "fulfilled line are left (fulfil it in Shopify, or import what is left as CSV)"
                ),
                line_status,
            )
            continue
        if sku and quantity:
            line = OrderLineRecord(row.line, "Lineitem sku", sku, quantity)
            (done if shipped else record.lines).append(line)
    if cancelled:
        notes.append(_("Order {name} skipped: cancelled at {when}", name=name, when=cancelled))
        return None
    return fulfillment(record, done, fulfilled, notes)


def fulfillment(
    record: OrderRecord, done: list[OrderLineRecord], fulfilled: str, notes: list[str]
) -> OrderRecord | None:
    """`record` with its lines still to ship, given the lines the store already shipped
    (`done`): recorded as shipped when all of it went (or skipped, `fulfilled="skip"`)."""
    name = record.number
    if done and not record.lines:
        if fulfilled == "skip":
            notes.append(_("Order {name} skipped: already fulfilled", name=name))
            return None
        record.lines, record.shipped = done, True  # said when written (runner)
        return record
    if not record.lines:
        notes.append(_("Order {name} skipped: nothing in it needs shipping", name=name))
        return None
    if done:
        notes.append(
            ngettext(
                "Order {name}: {n} line already fulfilled, left out",
                "Order {name}: {n} lines already fulfilled, left out",
                len(done),
                name=name,
            )
        )
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
