"""Orders that POST /orders receives at the same time, written together in one transaction.

The API's writer (floor/api/app.py, GroupWriter) hands over the orders that arrived while
the last group was being written; `add_orders` checks each as `intake.add_order` would, in
arrival order, against the database and the orders before it in the group, then inserts
them all with a few statements (on PostgreSQL two: one read, one write, for a group of one
order too), and answers each order what it alone would have been answered. A group whose
transaction fails is written again one order a transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
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
from floor.driver_sql import DriverStatement, JsonRowsInsert, cursor_of
from floor.errors import FloorError
from floor.i18n import _
from floor.imports.problems import ImportProblem, ImportRejected, Problems
from floor.models import (
    Address,
    AuditEntry,
    Item,
    SalesOrder,
    SalesOrderLine,
    Warehouse,
    utcnow,
)
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
    as any transaction is), so one order's failure is its own.

    A lone order goes the same way on PostgreSQL (two statements cost less than
    `add_order`'s six); elsewhere it goes through `add_order`."""
    alone = len(group) == 1 and engine.dialect.name != "postgresql"
    if alone or not all(order.groups for order in group):
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


# On PostgreSQL a group costs two statements, each one `execute` on the driver (a group's
# cost was its round trips and executemany's pipeline machinery, not its rows): one read,
# tagged rows of the warehouses by code, the items by SKU, the orders there by number or by
# (channel, external reference), and ids taken ahead from the sequences of the addresses and
# orders the group may add (an id not used is a gap, as a rolled-back insert leaves); then
# one write, every INSERT a data-modifying CTE reading its rows from one JSON parameter
# (JsonRowsInsert: cheaper for psycopg to send than an array a column). Lists are bound as
# arrays or JSON, so each statement's text is the same whatever the group: prepared once.
# The ids are bigserial columns (models.Id, migration 0001), which take an id given; an
# identity column GENERATED ALWAYS would need OVERRIDING SYSTEM VALUE in the write.
_ADDRESSES, _ORDERS = Address.__table__, SalesOrder.__table__
_PG_READ = DriverStatement(
    text(
        f"SELECT 'w', id, code, NULL, NULL FROM {Warehouse.__tablename__} "
        "WHERE code = ANY(:codes) "
        f"UNION ALL SELECT 'i', id, sku, NULL, NULL FROM {Item.__tablename__} "
        "WHERE sku = ANY(:skus) "
        f"UNION ALL SELECT 'o', NULL, number, channel, external_ref FROM {_ORDERS.name} "
        "WHERE number = ANY(:numbers) "
        f"UNION ALL SELECT 'o', NULL, o.number, o.channel, o.external_ref FROM {_ORDERS.name} "
        "AS o JOIN unnest(CAST(:channels AS text[]), CAST(:refs AS text[])) AS k(channel, ref) "
        "ON o.channel = k.channel AND o.external_ref = k.ref "
        f"UNION ALL SELECT 'a', nextval(pg_get_serial_sequence('{_ADDRESSES.name}', 'id')), "
        "NULL, NULL, NULL FROM generate_series(1, CAST(:addresses AS integer)) "
        f"UNION ALL SELECT 's', nextval(pg_get_serial_sequence('{_ORDERS.name}', 'id')), "
        "NULL, NULL, NULL FROM generate_series(1, CAST(:orders AS integer))"
    )
)
_PG_ADDRESSES = JsonRowsInsert(_ADDRESSES, ids=True)
_PG_ORDERS = JsonRowsInsert(_ORDERS, ids=True)
_PG_LINES = JsonRowsInsert(SalesOrderLine.__table__)
_PG_AUDIT = JsonRowsInsert(AuditEntry.__table__)
_PG_WRITE = DriverStatement(
    text(
        f"WITH a AS ({_PG_ADDRESSES.sql}), o AS ({_PG_ORDERS.sql}), l AS ({_PG_LINES.sql}) "
        f"{_PG_AUDIT.sql}"
    )
)


@dataclass
class _Found:
    """What a group's read found: warehouse ids by code, item ids by SKU, the orders there
    (number, channel, external reference), and on PostgreSQL the ids taken ahead for the
    addresses and the orders it may add (None elsewhere: the INSERTs return theirs)."""

    warehouses: dict[str, int]
    items: dict[str, int]
    orders: list[tuple[str, str, str]]
    ids: tuple[list[int], list[int]] | None = None


def _read_group(cursor: Any, conn: Any, group: Sequence[OrderIn]) -> _Found:
    """The warehouses, items and orders already there that the orders of `group` name."""
    codes = sorted({order.warehouse for order in group})
    skus = sorted({line.sku for order in group for line in order.record.lines})
    numbers = sorted({order.record.number for order in group})
    refs = sorted({(order.channel, order.record.external_ref) for order in group})
    if conn.dialect.name == "postgresql":
        found = _Found({}, {}, [])
        taken: dict[str, list[int]] = {"a": [], "s": []}
        rows = _PG_READ.execute(
            cursor,
            conn,
            {
                "codes": codes,
                "skus": skus,
                "numbers": numbers,
                "channels": [c for c, _r in refs],
                "refs": [r for _c, r in refs],
                "addresses": sum(1 for order in group if order.record.ship_to),
                "orders": len(group),
            },
        ).fetchall()
        for tag, row_id, name, channel, external_ref in rows:
            if tag == "w":
                found.warehouses[name] = row_id
            elif tag == "i":
                found.items[name] = row_id
            elif tag == "o":
                found.orders.append((name, channel, external_ref))
            else:
                taken[tag].append(row_id)
        found.ids = (sorted(taken["a"]), sorted(taken["s"]))
        return found
    return _Found(
        {
            code: warehouse_id
            for code, warehouse_id in conn.execute(_GROUP_WAREHOUSES, {"codes": codes})
        },
        {sku: item_id for item_id, sku in conn.execute(ITEMS_BY_SKU, {"skus": skus})},
        [tuple(row) for row in conn.execute(_GROUP_ORDERS, {"numbers": numbers, "refs": refs})],
    )


def _add_group(session: Session, group: Sequence[OrderIn]) -> list[Accepted | Exception]:
    """`_add_order` for each order of `group` in turn, in the transaction of `session`, with
    the statements of all of them sent together: the reads of `_read_group` (on PostgreSQL
    one), then the INSERTs of `_insert_group` (on PostgreSQL one statement). Each order is
    checked against what is there and against the orders of the group before it, with the
    same checks, in the same order, naming the same problems; an order refused adds
    nothing."""
    cursor, conn = cursor_of(session)
    try:
        there_now = _read_group(cursor, conn, group)
        warehouses, items = there_now.warehouses, there_now.items
        by_number: dict[str, tuple[str, str, str]] = {}
        by_ref: dict[tuple[str, str], tuple[str, str, str]] = {}
        for number, channel, external_ref in there_now.orders:
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
            _insert_group(cursor, conn, added, items, there_now.ids)
    finally:
        cursor.close()
    return answers


def _insert_group(
    cursor: Any,
    conn: Any,
    added: list[tuple[OrderIn, int]],
    items: dict[str, int],
    ids: tuple[list[int], list[int]] | None,
) -> None:
    """The INSERTs of `_add_order` for the orders `added`: on PostgreSQL one statement for
    all (with the address and order `ids` taken ahead), elsewhere each INSERT once for all
    (the driver's executemany). The rows are those `_add_order` writes, column for column."""
    now = utcnow()
    if ids is not None:
        _write_group(cursor, conn, added, items, ids, now)
        return
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
        row = _order_row(order, warehouse_id, now)
        if order.record.ship_to:
            row["ship_to_id"] = next(address_ids)[0]
        rows.append(row)
    order_ids = INSERT_ORDER.execute_many_returning(cursor, conn, rows)
    lines = [
        line
        for (order, _id), (order_id,) in zip(added, order_ids, strict=True)
        for line in _line_rows(order, order_id, items)
    ]
    INSERT_LINE.execute_many(cursor, conn, lines)
    INSERT_AUDIT.execute_many(cursor, conn, [_audit_row(order, now) for order, _id in added])


def _order_row(order: OrderIn, warehouse_id: int, now: dt.datetime) -> dict[str, Any]:
    record = order.record
    return {
        **ORDER_ROW,
        **{k: v for k, v in record.values.items() if v is not None},
        "number": record.number,
        "channel": order.channel,
        "external_ref": record.external_ref,
        "warehouse_id": warehouse_id,
        "created_at": now,
    }


def _line_rows(order: OrderIn, order_id: int, items: dict[str, int]) -> list[dict[str, Any]]:
    return [
        {
            **LINE_ROW,
            "order_id": order_id,
            "line_no": line_no,
            "item_id": items[line.sku],
            "quantity_ordered": line.quantity,
            "external_ref": line.external_ref,
        }
        for line_no, line in enumerate(order.record.lines, start=1)
    ]


def _audit_row(order: OrderIn, now: dt.datetime) -> dict[str, Any]:
    return {
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


def _write_group(
    cursor: Any,
    conn: Any,
    added: list[tuple[OrderIn, int]],
    items: dict[str, int],
    ids: tuple[list[int], list[int]],
    now: dt.datetime,
) -> None:
    """The rows of `_insert_group` written by one statement on PostgreSQL (`_PG_WRITE`)."""
    address_ids, order_ids = iter(ids[0]), iter(ids[1])
    addresses: list[dict[str, Any]] = []
    orders: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for order, warehouse_id in added:
        record = order.record
        row = _order_row(order, warehouse_id, now)
        row["id"] = order_id = next(order_ids)
        if record.ship_to:
            row["ship_to_id"] = address_id = next(address_ids)
            addresses.append({**ADDRESS_ROW, **record.ship_to, "id": address_id})
        orders.append(row)
        lines.extend(_line_rows(order, order_id, items))
        entries.append(_audit_row(order, now))
    _PG_WRITE.execute(
        cursor,
        conn,
        {
            **_PG_ADDRESSES.binds(conn, addresses),
            **_PG_ORDERS.binds(conn, orders),
            **_PG_LINES.binds(conn, lines),
            **_PG_AUDIT.binds(conn, entries),
        },
    )
