"""Orders that POST /orders receives at the same time, written together in one transaction.

The API's writer (floor/api/app.py, GroupWriter) hands over the orders that arrived while
the last group was being written; `add_orders` checks each as `intake.add_order` would, in
arrival order, against the database and the orders before it in the group, then inserts
them all with a few statements, and answers each order what it alone would have been
answered. A group whose transaction fails is written again one order a transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, bindparam, or_, select, text, tuple_
from sqlalchemy.orm import Session

from floor import audit
from floor.api.intake import (
    ADDRESS_ROW,
    AUDIT_ROW,
    INSERT_ADDRESS,
    INSERT_AUDIT,
    INSERT_LINE,
    INSERT_ORDER,
    ITEMS_BY_SKU,
    LINE_ROW,
    ORDER_ROW,
    REQUEST,
    Accepted,
    OrderIn,
    add_order,
    number_taken,
)
from floor.db import session_scope
from floor.driver_sql import DriverStatement, cursor_of
from floor.errors import FloorError
from floor.i18n import _
from floor.imports.problems import ImportProblem, ImportRejected, Problems
from floor.models import Item, SalesOrder, Warehouse, utcnow
from floor.stock.stock_report import find_warehouse


def add_orders(engine: Engine, group: Sequence[OrderIn]) -> list[Accepted | Exception]:
    """Write the orders of `group` (sent by several requests at once) as one transaction,
    each with what `add_order` would have answered it: Accepted, or the exception it would
    have raised (a FloorError naming its problems: nothing of it written). The orders are
    checked and written one after the other, so an order sent twice in the group is created
    once and found there the second time, as two transactions one after the other would.

    Every check of `_add_order` runs before its first INSERT, so an order refused leaves
    nothing behind in the shared transaction. If the transaction itself fails (a unique
    constraint met because another process added the same order meanwhile, a deadlock, a
    locked SQLite database, a value its column refuses), it is rolled back whole and every
    order of the group is written again in a transaction of its own (`add_order`, retried
    as any transaction is), so one order's failure is its own."""
    if len(group) == 1 or not all(order.groups for order in group):
        return [_alone(engine, order) for order in group]
    try:
        with session_scope(engine) as session:
            return _add_group(session, group)
    except Exception:  # each order again on its own, which raises it alone
        return [_alone(engine, order) for order in group]


def _alone(engine: Engine, order: OrderIn) -> Accepted | Exception:
    try:
        return add_order(engine, order)
    except Exception as failed:  # the answer of this order's request alone
        return failed


_GROUP_WAREHOUSES = select(Warehouse.code, Warehouse.id).where(
    Warehouse.code.in_(bindparam("codes", expanding=True))
)
_GROUP_ORDERS = select(SalesOrder.number, SalesOrder.channel, SalesOrder.external_ref).where(
    or_(
        SalesOrder.number.in_(bindparam("numbers", expanding=True)),
        tuple_(SalesOrder.channel, SalesOrder.external_ref).in_(bindparam("refs", expanding=True)),
    )
)


# on PostgreSQL the same reads straight on the driver, each list bound as one array (a Core
# statement with IN lists is compiled anew for each length; the driver's is compiled once)
_PG_WAREHOUSES = DriverStatement(
    text(f"SELECT code, id FROM {Warehouse.__tablename__} WHERE code = ANY(:codes)")
)
_PG_ITEMS = DriverStatement(
    text(f"SELECT id, sku FROM {Item.__tablename__} WHERE sku = ANY(:skus)")
)
_PG_ORDERS = DriverStatement(
    text(
        f"SELECT number, channel, external_ref FROM {SalesOrder.__tablename__} "
        "WHERE number = ANY(:numbers) UNION ALL "
        f"SELECT o.number, o.channel, o.external_ref FROM {SalesOrder.__tablename__} AS o "
        "JOIN unnest(CAST(:channels AS text[]), CAST(:refs AS text[])) AS k(channel, ref) "
        "ON o.channel = k.channel AND o.external_ref = k.ref"
    )
)


def _read_group(
    cursor: Any, conn: Any, codes: list[str], skus: list[str], numbers: list[str], refs: list
) -> tuple[list[Any], list[Any], list[Any]]:
    """The warehouses of `codes`, the items of `skus`, the orders there by number or by
    (channel, external reference)."""
    if conn.dialect.name == "postgresql":
        return (
            _PG_WAREHOUSES.execute(cursor, conn, {"codes": codes}).fetchall(),
            _PG_ITEMS.execute(cursor, conn, {"skus": skus}).fetchall(),
            _PG_ORDERS.execute(
                cursor,
                conn,
                {
                    "numbers": numbers,
                    "channels": [c for c, _r in refs],
                    "refs": [r for _c, r in refs],
                },
            ).fetchall(),
        )
    return (
        conn.execute(_GROUP_WAREHOUSES, {"codes": codes}).all(),
        conn.execute(ITEMS_BY_SKU, {"skus": skus}).all(),
        conn.execute(_GROUP_ORDERS, {"numbers": numbers, "refs": refs}).all(),
    )


def _add_group(session: Session, group: Sequence[OrderIn]) -> list[Accepted | Exception]:
    """`_add_order` for each order of `group` in turn, in the transaction of `session`, with
    the statements of all of them sent together: one read for the warehouses, one for the
    orders already there by reference or number, one for the SKUs; then each INSERT once
    for the whole group (the driver's executemany: one round trip on PostgreSQL). Each
    order is checked against what is there and against the orders of the group before it,
    with the same checks, in the same order, naming the same problems; an order refused
    adds nothing."""
    cursor, conn = cursor_of(session)
    try:
        codes = sorted({order.warehouse for order in group})
        skus = sorted({line.sku for order in group for line in order.record.lines})
        numbers = sorted({order.record.number for order in group})
        refs = sorted({(order.channel, order.record.external_ref) for order in group})
        found_warehouses, found_items, found_orders = _read_group(
            cursor, conn, codes, skus, numbers, refs
        )
        warehouses = {code: warehouse_id for code, warehouse_id in found_warehouses}
        items = {sku: item_id for item_id, sku in found_items}
        by_number: dict[str, tuple[str, str, str]] = {}
        by_ref: dict[tuple[str, str], tuple[str, str, str]] = {}
        for row in found_orders:
            number, channel, external_ref = row
            by_number[number] = by_ref[(channel, external_ref)] = (number, channel, external_ref)
        answers: list[Accepted | Exception] = []
        added: list[tuple[OrderIn, int]] = []  # new orders, with their warehouse's id
        for order in group:
            record, channel = order.record, order.channel
            try:
                warehouse_id = warehouses.get(order.warehouse)
                if warehouse_id is None:
                    find_warehouse(session, order.warehouse)  # NotFound naming those there
                found = Problems()
                for line in record.lines:
                    if line.sku not in items:
                        found.append(
                            ImportProblem(
                                REQUEST,
                                line.line,
                                line.sku_column,
                                _("the SKU of an item"),
                                line.sku,
                            )
                        )
                there = by_ref.get((channel, record.external_ref))
                clash = by_number.get(record.number)
                if there is None and clash is not None:
                    found.append(number_taken(record, clash[1], clash[2]))
                if found:
                    raise ImportRejected(REQUEST, found)
            except FloorError as refused:
                answers.append(refused)
                continue
            if there is not None:
                answers.append(Accepted(there[0], False))
                continue
            by_number[record.number] = by_ref[(channel, record.external_ref)] = (
                record.number,
                channel,
                record.external_ref,
            )
            added.append((order, warehouse_id))  # type: ignore[arg-type]
            answers.append(Accepted(record.number, True))
        if added:
            _insert_group(cursor, conn, added, items)
    finally:
        cursor.close()
    return answers


def _insert_group(
    cursor: Any, conn: Any, added: list[tuple[OrderIn, int]], items: dict[str, int]
) -> None:
    """The INSERTs of `_add_order` for the orders `added`, each statement once for all."""
    now = utcnow()
    addressed = [order for order, _id in added if order.record.ship_to]
    address_ids = iter(
        INSERT_ADDRESS.execute_many_returning(
            cursor,
            conn,
            [{**ADDRESS_ROW, **order.record.ship_to} for order in addressed],  # type: ignore[dict-item]
        )
    )
    rows = []
    for order, warehouse_id in added:
        record = order.record
        row = {
            **ORDER_ROW,
            **{k: v for k, v in record.values.items() if v is not None},
            "number": record.number,
            "channel": order.channel,
            "external_ref": record.external_ref,
            "warehouse_id": warehouse_id,
            "created_at": now,
        }
        if record.ship_to:
            row["ship_to_id"] = next(address_ids)[0]
        rows.append(row)
    order_ids = INSERT_ORDER.execute_many_returning(cursor, conn, rows)
    lines = [
        {
            **LINE_ROW,
            "order_id": order_id[0],
            "line_no": line_no,
            "item_id": items[line.sku],
            "quantity_ordered": line.quantity,
            "external_ref": line.external_ref,
        }
        for (order, _id), order_id in zip(added, order_ids, strict=True)
        for line_no, line in enumerate(order.record.lines, start=1)
    ]
    INSERT_LINE.execute_many(cursor, conn, lines)
    INSERT_AUDIT.execute_many(
        cursor,
        conn,
        [
            {
                **AUDIT_ROW,
                "action": audit.API_ORDER,
                "subject": order.record.number[:80],
                "station": order.key.station[:20],
                "created_at": now,
                "details": {
                    "key_id": order.key.id,
                    "key_name": order.key.name,
                    "channel": order.channel,
                    "external_ref": order.record.external_ref,
                    "lines": len(order.record.lines),
                },
            }
            for order, _id in added
        ],
    )
