"""Sales orders: read order rows (CSV: one row per line, JSON: orders with lines) and add them.

An order already imported (same channel and external reference) is left as it is and
reported "already imported, unchanged", so importing a file twice is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from floor.i18n import _
from floor.imports.fields import Fields
from floor.imports.problems import ImportProblem, Problems
from floor.imports.source import Source, SourceRow
from floor.models import Address, Item, OrderStatus, SalesOrder, SalesOrderLine

REQUIRED_CSV = ("order", "sku", "quantity")
ADDRESS = {
    "name": Address.name,
    "company": Address.company,
    "line1": Address.line1,
    "line2": Address.line2,
    "city": Address.city,
    "postcode": Address.postcode,
    "province": Address.province,
    "phone": Address.phone,
    "email": Address.email,
}


@dataclass(frozen=True)
class OrderLineRecord:
    line: int
    sku_column: str
    sku: str
    quantity: int
    external_ref: str = ""  # the channel's reference for the line (Amazon order-item-id)


@dataclass
class OrderRecord:
    line: int
    number: str
    external_ref: str
    values: dict[str, Any] = field(default_factory=dict)
    ship_to: dict[str, str] | None = None
    lines: list[OrderLineRecord] = field(default_factory=list)
    shipped: bool = False  # fulfilled in the store: recorded as shipped, never picked


@dataclass
class ParsedOrders:
    records: list[OrderRecord] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def clean_postcode(postcode: str) -> str:
    """Spreadsheets keep leading zeros with a leading apostrophe ('01234): drop it."""
    return postcode.lstrip("'").strip()


def _missing_columns(table: Source, required: tuple[str, ...]) -> bool:
    table.require_columns(required)
    return bool(table.problems)


def _order_values(f: Fields) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, column in (("carrier", SalesOrder.carrier), ("service", SalesOrder.service)):
        if f.given(name):
            values[name] = f.text(name, column)
    if f.given("notes"):
        values["notes"] = f.notes("notes", SalesOrder.notes)
    if f.given("priority"):
        values["priority"] = f.integer("priority", SalesOrder.priority, minimum=0)
    if f.given("ship_by"):
        values["ship_by"] = f.date("ship_by")
    return values


def _address(f: Fields, names: dict[str, str]) -> dict[str, str] | None:
    """The address fields `names` maps (address field -> column); None when all are empty."""
    address: dict[str, str] = {}
    for part, column in names.items():
        if part == "country":
            address[part] = f.country(column)
        else:
            address[part] = f.text(column, ADDRESS[part])
    if "postcode" in address:
        address["postcode"] = clean_postcode(address["postcode"])
    return address if any(address.values()) else None


def parse_csv(table: Source, advance: Callable[[], None] = lambda: None) -> ParsedOrders:
    parsed = ParsedOrders()
    if _missing_columns(table, REQUIRED_CSV):
        return parsed
    problems = table.problems
    by_number: dict[str, OrderRecord] = {}
    ship = {part: f"ship_{part}" for part in [*ADDRESS, "country"]}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, problems)
        number = f.text("order", SalesOrder.number, required=True)
        sku = f.text("sku", Item.sku, required=True)
        quantity = f.integer("quantity", SalesOrderLine.quantity_ordered, required=True, minimum=1)
        if not number:
            continue
        record = by_number.get(number)
        if record is None:
            external_ref = f.text("external_ref", SalesOrder.external_ref) or number
            record = OrderRecord(
                row.line, number, external_ref, _order_values(f), _address(f, ship)
            )
            by_number[number] = record
            parsed.records.append(record)
        if sku and quantity:
            record.lines.append(OrderLineRecord(row.line, "sku", sku, quantity))
    return parsed


def parse_json(table: Source, advance: Callable[[], None] = lambda: None) -> ParsedOrders:
    parsed = ParsedOrders()
    problems = table.problems
    seen: dict[str, int] = {}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, problems)
        number = f.text("number", SalesOrder.number, required=True)
        external_ref = f.text("external_ref", SalesOrder.external_ref) or number
        record = OrderRecord(row.line, number, external_ref, _order_values(f))
        ship_to = row.values.get("ship_to")
        if isinstance(ship_to, dict):
            sub = Fields(table.file, SourceRow(row.line, ship_to, row.column("ship_to")), problems)
            record.ship_to = _address(sub, {part: part for part in [*ADDRESS, "country"]})
        elif ship_to is not None:
            f.problem("ship_to", _("an address object"), ship_to)
        lines = row.values.get("lines")
        if not isinstance(lines, list) or not lines:
            f.problem("lines", _("a list of at least one line"), lines if lines else "")
            lines = []
        for index, entry in enumerate(lines):
            path = row.column(f"lines[{index}]")
            if not isinstance(entry, dict):
                f.problem(f"lines[{index}]", _("an object with sku and quantity"), entry)
                continue
            sub = Fields(table.file, SourceRow(row.line, entry, path), problems)
            sku = sub.text("sku", Item.sku, required=True)
            quantity = sub.integer(
                "quantity", SalesOrderLine.quantity_ordered, required=True, minimum=1
            )
            if sku and quantity:
                record.lines.append(OrderLineRecord(row.line, f"{path}.sku", sku, quantity))
        if number in seen:
            f.problem("number", _("an order not already on line {line}", line=seen[number]), number)
            continue
        if number:
            seen[number] = row.line
            parsed.records.append(record)
    return parsed


@dataclass
class OrdersApplied:
    created: int = 0
    unchanged: list[str] = field(default_factory=list)
    shipped: list[str] = field(default_factory=list)  # created as already shipped


def apply(
    session: Session,
    file: str,
    warehouse_id: int,
    channel: str,
    records: list[OrderRecord],
    problems: Problems,
    advance: Callable[[], None] = lambda: None,
) -> OrdersApplied:
    items = resolve_skus(session, file, [line for r in records for line in r.lines], problems)
    existing: set[tuple[str, str]] = set()
    refs = [(channel, r.external_ref) for r in records]
    for start in range(0, len(refs), 300):
        chunk = refs[start : start + 300]
        existing.update(
            (c, ref)
            for c, ref in session.execute(
                select(SalesOrder.channel, SalesOrder.external_ref).where(
                    tuple_(SalesOrder.channel, SalesOrder.external_ref).in_(chunk)
                )
            )
        )
    fresh = [r for r in records if (channel, r.external_ref) not in existing]
    taken: dict[str, tuple[str, str]] = {}
    numbers = [r.number for r in fresh]
    for start in range(0, len(numbers), 500):
        for number, other_channel, ref in session.execute(
            select(SalesOrder.number, SalesOrder.channel, SalesOrder.external_ref).where(
                SalesOrder.number.in_(numbers[start : start + 500])
            )
        ):
            taken[number] = (other_channel, ref)
    for record in fresh:
        if record.number in taken:
            other_channel, ref = taken[record.number]
            if (other_channel, ref) == (channel, record.external_ref):
                # this very order, committed by another transaction between the two reads
                # above (the same order sent twice at once): it is there, not a clash
                existing.add((channel, record.external_ref))
                continue
            problems.append(
                ImportProblem(
                    file,
                    record.line,
                    "",
                    _(
                        "an order number not in use (it is {channel} order {ref})",
                        channel=other_channel,
                        ref=ref,
                    ),
                    record.number,
                )
            )
    applied = OrdersApplied()
    if problems:
        return applied
    for record in records:
        advance()
        if (channel, record.external_ref) in existing:
            applied.unchanged.append(record.number)
            continue
        order = SalesOrder(
            number=record.number,
            channel=channel,
            external_ref=record.external_ref,
            warehouse_id=warehouse_id,
            **{k: v for k, v in record.values.items() if v is not None},
        )
        if record.ship_to:
            order.ship_to = Address(**record.ship_to)
        for line_no, line in enumerate(record.lines, start=1):
            order.lines.append(
                SalesOrderLine(
                    line_no=line_no,
                    item_id=items[line.sku],
                    quantity_ordered=line.quantity,
                    external_ref=line.external_ref,
                )
            )
        if record.shipped:
            order.status = OrderStatus.SHIPPED.value
            for order_line in order.lines:
                order_line.quantity_shipped = order_line.quantity_ordered
                order_line.status = OrderStatus.SHIPPED.value
            applied.shipped.append(record.number)
        session.add(order)
        applied.created += 1
    session.flush()
    return applied


def resolve_skus(
    session: Session, file: str, lines: list[Any], problems: Problems
) -> dict[str, int]:
    """Item ids of the SKUs `lines` name; a SKU that is not an item is a problem."""
    skus = list(dict.fromkeys(line.sku for line in lines))
    found: dict[str, int] = {}
    for start in range(0, len(skus), 500):
        for item_id, sku in session.execute(
            select(Item.id, Item.sku).where(Item.sku.in_(skus[start : start + 500]))
        ):
            found[sku] = item_id
    for line in lines:
        if line.sku not in found:
            problems.append(
                ImportProblem(file, line.line, line.sku_column, _("the SKU of an item"), line.sku)
            )
    return found
