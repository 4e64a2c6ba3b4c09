"""Order exports of the marketplaces and store platforms: BigCommerce, Amazon, Walmart.

Each channel writes one row per order line (BigCommerce may put every product of an order in
one `Product Details` cell instead) with the order's fields repeated; rows are grouped by the
channel's order id, which becomes the order's number and external reference, so importing a
file twice changes nothing. A `Channel` names the columns of the vendor's published layout;
`parse` reads any of them the same way as the Shopify export: every value checked against
the column it goes to, every problem with file, line and column, text kept as written.

What the channel already shipped is never picked again: an order whose lines all went is
recorded as shipped (or skipped, `fulfilled="skip"`), one partly shipped brings what is left
(Amazon's unshipped-orders report gives `quantity-to-ship`; Walmart a status per line).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from floor.i18n import _
from floor.imports.fields import Fields
from floor.imports.orders import ADDRESS, OrderLineRecord, OrderRecord, ParsedOrders, _address
from floor.imports.problems import Problems, show
from floor.imports.shopify import fulfillment
from floor.imports.source import Source, SourceRow
from floor.models import Item, SalesOrder, SalesOrderLine

SHIP, DONE, SKIP, UNSURE = "ship", "done", "skip", "unsure"


@dataclass(frozen=True)
class Channel:
    name: str  # the channel written on each order, and the --format
    order: str  # the column of the channel's order id
    sku: str
    quantity: str
    signature: tuple[str, ...]  # columns that together say the file is this channel's
    address: dict[str, str] = field(default_factory=dict)  # address part -> column
    product: str = ""  # the product's name, to name a line without a SKU
    line_ref: str = ""  # the channel's id of the line
    service: str = ""
    notes: tuple[str, ...] = ()  # the first of these that is given
    ship_by: str = ""
    country: str = ""  # when the file has no country column (Walmart US)
    status: str = ""  # the column the order's or line's state is in
    states: dict[str, str] = field(default_factory=dict)  # lower-case state -> SHIP/DONE/...


BIGCOMMERCE = Channel(
    name="bigcommerce",
    order="Order ID",
    sku="Product SKU",
    quantity="Product Qty",
    signature=("Order ID", "Order Status", "Customer Name"),
    address={
        "company": "Shipping Company",
        "line1": "Shipping Street 1",
        "line2": "Shipping Street 2",
        "city": "Shipping Suburb",
        "postcode": "Shipping Zip",
        "province": "Shipping State",
        "phone": "Shipping Phone",
        "email": "Shipping Email",
    },
    product="Product Name",
    line_ref="Product ID",
    service="Ship Method",
    notes=("Customer Message", "Order Notes"),
    status="Order Status",
    states={
        "shipped": DONE,
        "completed": DONE,
        "partially shipped": UNSURE,
        "incomplete": SKIP,
        "pending": SKIP,
        "awaiting payment": SKIP,
        "cancelled": SKIP,
        "declined": SKIP,
        "refunded": SKIP,
        "disputed": SKIP,
        "manual verification required": SKIP,
    },
)
AMAZON = Channel(
    name="amazon",
    order="order-id",
    sku="sku",
    quantity="quantity-to-ship",
    signature=("order-id", "order-item-id", "sku"),
    address={
        "name": "recipient-name",
        "line1": "ship-address-1",
        "line2": "ship-address-2",
        "city": "ship-city",
        "postcode": "ship-postal-code",
        "province": "ship-state",
        "country": "ship-country",
        "phone": "ship-phone-number",
        "email": "buyer-email",
    },
    product="product-name",
    line_ref="order-item-id",
    service="ship-service-level",
    ship_by="latest-ship-date",
)
WALMART = Channel(
    name="walmart",
    order="PO#",
    sku="SKU",
    quantity="Qty",
    signature=("PO#", "Order#", "SKU", "Qty"),
    address={
        "name": "Customer Name",
        "line1": "Ship to Address 1",
        "line2": "Ship to Address 2",
        "city": "City",
        "postcode": "Zip",
        "province": "State",
        "phone": "Customer Phone Number",
    },
    product="Item Description",
    line_ref="Line#",
    service="Shipping Method",
    ship_by="Ship By",
    country="US",
    status="Status",
    states={
        "created": SHIP,
        "acknowledged": SHIP,
        "shipped": DONE,
        "delivered": DONE,
        "cancelled": SKIP,
    },
)
CHANNELS = {channel.name: channel for channel in (BIGCOMMERCE, AMAZON, WALMART)}
PRODUCT_DETAILS = "Product Details"
_DETAIL_KEY = re.compile(r"(?:^|, )(Product [A-Za-z ]+?): ")


def detect(columns: list[str]) -> str | None:
    """The channel whose export has these columns, or None."""
    for channel in CHANNELS.values():
        if all(name in columns for name in channel.signature):
            return channel.name
    return None


def parse(
    channel: Channel,
    table: Source,
    advance: Callable[[], None] = lambda: None,
    fulfilled: str = "record",
) -> ParsedOrders:
    parsed = ParsedOrders()
    problems = table.problems
    required = [channel.order]
    if channel is BIGCOMMERCE and PRODUCT_DETAILS in table.columns:
        pass  # every product of the order in one cell
    else:
        required += [channel.sku, channel.quantity]
    table.require_columns(required)
    if problems:
        return parsed
    groups: dict[str, list[SourceRow]] = {}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, problems)
        number = f.text(channel.order, SalesOrder.number, required=True)
        if number:
            groups.setdefault(number, []).append(row)
    for number, rows in groups.items():
        record = _order(channel, table.file, number, rows, problems, parsed.notes, fulfilled)
        if record is not None:
            parsed.records.append(record)
    return parsed


def _order(
    channel: Channel,
    file: str,
    number: str,
    rows: list[SourceRow],
    problems: Problems,
    notes: list[str],
    fulfilled: str,
) -> OrderRecord | None:
    first = Fields(file, rows[0], problems)
    record = OrderRecord(rows[0].line, number, number)
    parts = {part: col for part, col in channel.address.items() if first.has_column(col)}
    record.ship_to = _address(first, parts) or {}
    if channel is BIGCOMMERCE:
        _bigcommerce_address(first, record.ship_to)
    if channel.country and not record.ship_to.get("country") and any(record.ship_to.values()):
        record.ship_to["country"] = channel.country
    record.ship_to = record.ship_to if any(record.ship_to.values()) else None
    if channel.service and first.has_column(channel.service):
        service = first.text(channel.service, SalesOrder.service)
        if service:
            record.values["service"] = service
    for column in channel.notes:
        text = first.notes(column, SalesOrder.notes) if first.has_column(column) else ""
        if text:
            record.values["notes"] = text
            break
    if channel.ship_by and first.given(channel.ship_by):
        ship_by = _date(first, channel.ship_by)
        if ship_by is not None:
            record.values["ship_by"] = ship_by
    order_state = _state(channel, first) if channel is BIGCOMMERCE else SHIP
    if order_state == SKIP:
        notes.append(
            _(
                "Order {name} skipped: {status}",
                name=number,
                status=first.text(channel.status),
            )
        )
        return None
    if order_state == UNSURE:
        first.problem(
            channel.status,
            _(
                "an order shipped in full or not at all: the export does not say which "
                "products of a partly shipped order are left (import what is left as CSV)"
            ),
            first.text(channel.status),
        )
        return None
    done: list[OrderLineRecord] = []
    for row in rows:
        f = Fields(file, row, problems)
        if channel is BIGCOMMERCE and PRODUCT_DETAILS in row.values:
            lines = _product_details(f)
        else:
            lines = [_line(channel, f, f)]
        for line, state in lines:
            if line is None or state == SKIP:
                continue
            if order_state == DONE or state == DONE:
                done.append(line)
            else:
                record.lines.append(line)
    return fulfillment(record, done, fulfilled, notes)


def _state(channel: Channel, f: Fields) -> str:
    if not channel.status or not f.has_column(channel.status):
        return SHIP
    return channel.states.get(f.text(channel.status).lower(), SHIP)


def _line(channel: Channel, f: Fields, sub: Fields) -> tuple[OrderLineRecord | None, str]:
    """One order line: of `f`'s row, or (`sub`) of one BigCommerce product in it; its state."""
    state = _state(channel, f) if channel is not BIGCOMMERCE else SHIP
    quantity = sub.integer(channel.quantity, SalesOrderLine.quantity_ordered, required=True)
    if quantity is not None and quantity < 0:
        sub.problem(channel.quantity, _("a whole number, zero or more"), str(quantity))
        return None, state
    if quantity == 0:
        if channel is AMAZON:
            state = DONE  # nothing left to ship of it
            quantity = sub.integer("quantity-purchased", SalesOrderLine.quantity_ordered) or 0
        if not quantity:
            return None, SKIP
    product = sub.text(channel.product) if channel.product else ""
    if not sub.given(channel.sku):
        if state in (DONE, SKIP):
            return None, SKIP  # gone already, and nothing to record it against
        sub.problem(
            channel.sku,
            _("the SKU of the line item {product}", product=show(product))
            if product
            else _("the SKU of the line item"),
            "",
        )
        return None, state
    sku = sub.text(channel.sku, Item.sku)
    line_ref = ""
    if channel.line_ref:
        line_ref = sub.text(channel.line_ref, SalesOrderLine.external_ref)
    if not sku or not quantity:
        return None, state
    return OrderLineRecord(f.line, sub.row.column(channel.sku), sku, quantity, line_ref), state


def _product_details(f: Fields) -> list[tuple[OrderLineRecord | None, str]]:
    """BigCommerce's `Product Details` cell: products separated by `|`, each
    `Product ID: 7, Product Qty: 2, Product SKU: MUG-1, Product Name: Mug, ...`; a problem
    names the product as `Product Details[2].Product SKU`."""
    cell = f.row.values.get(PRODUCT_DETAILS) or ""
    lines: list[tuple[OrderLineRecord | None, str]] = []
    for index, product in enumerate(part for part in cell.split("|") if part.strip()):
        pieces = _DETAIL_KEY.split(product.strip())
        values = {key: value.strip() for key, value in zip(pieces[1::2], pieces[2::2], strict=True)}
        where = f"{PRODUCT_DETAILS}[{index + 1}]"
        sub = Fields(f.file, SourceRow(f.line, values, where), f.problems)
        lines.append(_line(BIGCOMMERCE, f, sub))
    if not lines:
        f.problem(PRODUCT_DETAILS, _("at least one product"), "")
    return lines


def _bigcommerce_address(f: Fields, address: dict[str, str]) -> None:
    """BigCommerce splits the name (first, last) and writes the country by name and ISO2."""
    first = f.text("Shipping First Name")
    last = f.text("Shipping Last Name")
    name, column = " ".join(part for part in (first, last) if part), "Shipping First Name"
    if not name:
        name, column = f.text("Customer Name"), "Customer Name"
    if name:
        checked = Fields(f.file, SourceRow(f.line, {column: name}), f.problems)
        address["name"] = checked.text(column, ADDRESS["name"])
    for column in ("Shipping Country ISO2", "Shipping Country"):
        if f.given(column):
            address["country"] = f.country(column)
            break
    if not address.get("email") and f.given("Customer Email"):
        address["email"] = f.text("Customer Email", ADDRESS["email"])


def _date(f: Fields, name: str) -> dt.date | None:
    """A date as YYYY-MM-DD (also with a time after it) or as the US write it, MM/DD/YYYY."""
    text = f.text(name)
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:\s.*)?", text)
    try:
        if match:
            month, day, year = (int(group) for group in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        f.problem(name, _("a date as YYYY-MM-DD or MM/DD/YYYY"), text)
        return None
