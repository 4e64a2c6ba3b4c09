"""Releasing a wave: allocate its orders, reserve the stock, make and sequence the pick tasks.

Release is set-based so a wave of many thousand orders releases in seconds: the wave's
orders and lines are read at once, every allocatable balance of their items is read (and
row-locked on PostgreSQL) once, lines are allocated in memory (floor.outbound.allocation), and all
the reservations go to the ledger as ONE posting (one stock transaction, one movement per
balance touched). Pick tasks are bulk-inserted, grouped into clusters of `cart_size` orders
(one tote slot per order) and sequenced along the pick path (floor.outbound.pick_sequence).
A held wave that was released before is resumed instead.

Shortage policy, per order with a line that cannot be filled:
- "partial": allocate what is there; the rest of the line is closed short (line status short);
- "backorder": allocate nothing; the order leaves the wave as backordered and a later wave
  takes it again;
- "hold": allocate nothing; the order leaves the wave as held until a supervisor looks.
An order with nothing allocatable at all becomes backordered under every policy.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    bindparam,
    column,
    insert,
    select,
    update,
    values,
)
from sqlalchemy.orm import Session

from floor import audit
from floor.errors import Conflict, InvalidInput
from floor.i18n import N_, _
from floor.models import (
    ClusterStatus,
    Item,
    OrderStatus,
    Role,
    SalesOrder,
    SalesOrderLine,
    Task,
    TaskKind,
    TaskStatus,
    Wave,
    WaveStatus,
    utcnow,
)
from floor.operators import require_role
from floor.outbound import clusters, make_to_order
from floor.outbound.allocation import Pick, allocate_line, give_back, load_candidates
from floor.outbound.pick_sequence import location_places, sequence_cluster, warehouse_layout
from floor.outbound.wave_progress import wave_status
from floor.outbound.waves import _expire_stale, _refusal, _wave
from floor.stock import ledger
from floor.stock.ledger import SYSTEM, Actor, Change

SHORTAGE_POLICIES = ("partial", "backorder", "hold")


DEFAULT_CART_SIZE = 4


RELEASE_ROUTE_METHOD = "s_shape"


# Why a wave cannot be released: one sentence per status.
_NOT_RELEASABLE = {
    WaveStatus.RELEASED: N_("Wave {wave} is released; only a planned or held wave can be released"),
    WaveStatus.CANCELLED: N_(
        "Wave {wave} is cancelled; only a planned or held wave can be released"
    ),
    WaveStatus.DONE: N_("Wave {wave} is complete; only a planned or held wave can be released"),
}


@dataclass(frozen=True)
class ShortLine:
    order: str
    line_no: int
    sku: str
    ordered: int
    allocated: int
    outcome: str  # short | backordered | held | awaiting_kit


@dataclass
class ReleaseReport:
    wave: str
    orders_allocated: int = 0
    lines_allocated: int = 0
    units_allocated: int = 0
    tasks: int = 0
    clusters: int = 0
    short: list[ShortLine] = field(default_factory=list)
    backordered: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        data["short"] = [asdict(s) for s in self.short]
        return data


@dataclass(slots=True)
class _Line:
    id: int
    order_id: int
    line_no: int
    item_id: int
    ordered: int
    allocated: int


@dataclass(slots=True)
class _Order:
    id: int
    number: str
    lines: list[_Line] = field(default_factory=list)


def _wave_orders(session: Session, wave: Wave) -> list[_Order]:
    """The wave's orders, most urgent first, with their lines (plain rows, not ORM objects)."""
    orders = [
        _Order(order_id, number)
        for order_id, number in session.execute(
            select(SalesOrder.id, SalesOrder.number)
            .where(SalesOrder.wave_id == wave.id)
            .order_by(
                SalesOrder.priority.desc(),
                SalesOrder.cutoff_at.nulls_last(),
                SalesOrder.ship_by.nulls_last(),
                SalesOrder.created_at,
                SalesOrder.id,
            )
        )
    ]
    by_id = {o.id: o for o in orders}
    for row in session.execute(
        select(
            SalesOrderLine.id,
            SalesOrderLine.order_id,
            SalesOrderLine.line_no,
            SalesOrderLine.item_id,
            SalesOrderLine.quantity_ordered,
            SalesOrderLine.quantity_allocated,
        )
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .where(SalesOrder.wave_id == wave.id)
        .order_by(SalesOrderLine.order_id, SalesOrderLine.line_no)
    ):
        by_id[row[1]].lines.append(_Line(*row))
    return orders


def _allocate_orders(
    session: Session,
    wave: Wave,
    policy: str,
    report: ReleaseReport,
    today: dt.date,
) -> tuple[list[tuple[_Order, list[tuple[_Line, list[Pick]]]]], dict[str, list[int]]]:
    """Allocate in memory. Returns the allocated orders with their picks, and the ids of
    orders leaving the wave by outcome (backordered / held)."""
    orders = _wave_orders(session, wave)
    item_ids = {line.item_id for o in orders for line in o.lines}
    items: dict[int, str] = {}
    fefo: set[int] = set()
    if item_ids:  # one read for the SKUs and the rotation rule
        for item_id, sku, rule in session.execute(
            select(Item.id, Item.sku, Item.allocation).where(Item.id.in_(item_ids))
        ):
            items[item_id] = sku
            if rule == "fefo":
                fefo.add(item_id)
    pool = load_candidates(session, wave.warehouse_id, item_ids, fefo, today=today)
    allocated: list[tuple[_Order, list[tuple[_Line, list[Pick]]]]] = []
    leaving: dict[str, list[int]] = {"backordered": [], "held": []}
    for order in orders:
        order_picks: list[tuple[_Line, list[Pick]]] = []
        short: list[tuple[_Line, int]] = []
        for line in order.lines:
            wanted = line.ordered - line.allocated
            if wanted <= 0:
                continue
            picks = allocate_line(pool, line.item_id, wanted, line.item_id in fefo)
            got = sum(p.quantity for p in picks)
            order_picks.append((line, picks))
            if got < wanted:
                short.append((line, got))
        nothing = not any(picks for _line, picks in order_picks)
        if short and _made_to_order(session, wave.warehouse_id, order, short):
            for _line, picks in order_picks:  # it waits for what is being made
                give_back(picks)
            leaving["backordered"].append(order.id)
            report.backordered.append(order.number)
            for line, _got in short:
                report.short.append(
                    ShortLine(
                        order.number,
                        line.line_no,
                        items[line.item_id],
                        line.ordered,
                        0,
                        "awaiting_kit",
                    )
                )
            continue
        if short and (policy != "partial" or nothing):
            for _line, picks in order_picks:
                give_back(picks)
            outcome = "held" if policy == "hold" and not nothing else "backordered"
            leaving[outcome].append(order.id)
            (report.held if outcome == "held" else report.backordered).append(order.number)
            for line, _got in short:
                report.short.append(
                    ShortLine(
                        order.number, line.line_no, items[line.item_id], line.ordered, 0, outcome
                    )
                )
            continue
        for line, got in short:
            report.short.append(
                ShortLine(
                    order.number,
                    line.line_no,
                    items[line.item_id],
                    line.ordered,
                    line.allocated + got,
                    "short",
                )
            )
        allocated.append((order, order_picks))
    return allocated, leaving


def _made_to_order(
    session: Session, warehouse_id: int, order: _Order, short: list[tuple[_Line, int]]
) -> bool:
    """Whether a maker (floor.outbound.make_to_order) takes on every short line's shortfall."""
    return all(
        make_to_order.will_make(
            session, warehouse_id, line.item_id, line.ordered - line.allocated - got, order.id
        )
        for line, got in short
    )


def _set_order_status(session: Session, ids: list[int], **values: object) -> None:
    for start in range(0, len(ids), 5000):
        session.execute(
            update(SalesOrder)
            .where(SalesOrder.id.in_(ids[start : start + 5000]))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def release_wave(
    session: Session,
    wave: int | str,
    actor: Actor = SYSTEM,
    *,
    shortage_policy: str = "partial",
    cart_size: int = DEFAULT_CART_SIZE,
    route_method: str = RELEASE_ROUTE_METHOD,
    today: dt.date | None = None,
) -> ReleaseReport:
    """Allocate the wave's orders and create its pick tasks; a held wave is resumed instead.

    Carts are sequenced here with `route_method` (S-shape by default: cheap for thousands of
    carts); claiming a cart re-sequences it with the exact router (floor.outbound.carts).
    """
    require_role(session, actor.operator_id, Role.SUPERVISOR.value)
    if shortage_policy not in SHORTAGE_POLICIES:
        raise InvalidInput(
            _(
                "Unknown shortage policy {policy}; expected one of {policies}",
                policy=shortage_policy,
                policies=", ".join(SHORTAGE_POLICIES),
            )
        )
    if not isinstance(cart_size, int) or cart_size < 1:
        raise InvalidInput(_("Cart size: expected a whole number above zero"))
    found = _wave(session, wave)
    if found.status == WaveStatus.HELD.value and found.released_at is not None:
        found.status = WaveStatus.RELEASED.value
        clusters.set_wave_clusters(
            session, found.id, (ClusterStatus.HELD.value,), ClusterStatus.OPEN.value
        )
        session.flush()
        resumed = ReleaseReport(found.code, **_resumed(session, found))
        audit.record(
            session,
            audit.WAVE_RELEASE,
            found.code,
            actor,
            resumed=True,
            tasks=resumed.tasks,
            clusters=resumed.clusters,
        )
        return resumed
    if found.status not in (WaveStatus.PLANNED.value, WaveStatus.HELD.value):
        raise Conflict(
            _refusal(
                found,
                _NOT_RELEASABLE,
                N_("Wave {wave}: {status}; only a planned or held wave can be released"),
            ),
            expected=_("a planned wave"),
        )
    today = today or dt.date.today()
    report = ReleaseReport(found.code)
    allocated, leaving = _allocate_orders(session, found, shortage_policy, report, today)
    _set_order_status(
        session, leaving["backordered"], status=OrderStatus.BACKORDERED.value, wave_id=None
    )
    _set_order_status(session, leaving["held"], status=OrderStatus.HELD.value, wave_id=None)
    session.execute(
        update(SalesOrder)
        .where(SalesOrder.wave_id == found.id)
        .values(status=OrderStatus.ALLOCATED.value)
        .execution_options(synchronize_session=False)
    )

    changes: list[Change] = []
    line_updates: list[dict] = []
    task_rows: list[dict] = []
    now = utcnow()
    for order, order_picks in allocated:
        report.orders_allocated += 1
        for line, picks in order_picks:
            got = sum(p.quantity for p in picks)
            if got:
                report.lines_allocated += 1
                report.units_allocated += got
            line_updates.append(
                {
                    "b_id": line.id,
                    "b_allocated": line.allocated + got,
                    "b_status": "allocated" if line.allocated + got >= line.ordered else "short",
                }
            )
            for pick in picks:
                key = pick.candidate.key
                changes.append(Change(key, 0, pick.quantity))
                task_rows.append(
                    {
                        "warehouse_id": found.warehouse_id,
                        "kind": TaskKind.PICK.value,
                        "status": TaskStatus.OPEN.value,
                        "item_id": key.item_id,
                        "lot": key.lot,
                        "expiry": key.expiry,
                        "from_location_id": key.location_id,
                        "container_id": key.container_id,
                        "order_line_id": line.id,
                        "wave_id": found.id,
                        "quantity": pick.quantity,
                        "quantity_done": 0,
                        "exception_code": "",
                        "reason": "",
                        "created_at": now,
                        "updated_at": now,
                        "_order": order.id,
                        "_code": pick.candidate.location_code,
                    }
                )
    if changes:
        ledger.post(
            session, "reserve", changes, actor=actor, reason="allocation", reference=found.code
        )
    # Every line of the orders that stay is allocated in full, but for the short ones after.
    session.execute(
        update(SalesOrderLine)
        .where(
            SalesOrderLine.order_id.in_(
                select(SalesOrder.id).where(SalesOrder.wave_id == found.id).scalar_subquery()
            )
        )
        .values(quantity_allocated=SalesOrderLine.quantity_ordered, status="allocated")
        .execution_options(synchronize_session=False)
    )
    _update_partial_lines(session, [u for u in line_updates if u["b_status"] != "allocated"])
    report.tasks = len(task_rows)
    report.clusters = _cluster_and_sequence(session, found, task_rows, cart_size, route_method)
    if task_rows:
        for row in task_rows:
            del row["_order"], row["_code"]
        insert_tasks(session, task_rows)
        clusters.add_clusters(session, found, (row["cluster"] for row in task_rows), now)
    found.status = WaveStatus.RELEASED.value if task_rows else WaveStatus.DONE.value
    found.released_at = now
    found.rules = {
        **(found.rules or {}),
        "release": {
            "policy": shortage_policy,
            "cart_size": cart_size,
            "orders_allocated": report.orders_allocated,
            "lines_allocated": report.lines_allocated,
            "short_lines": len(report.short),
            "backordered": len(report.backordered),
            "held": len(report.held),
        },
    }
    session.flush()
    _expire_stale(session)
    audit.record(
        session,
        audit.WAVE_RELEASE,
        found.code,
        actor,
        policy=shortage_policy,
        cart_size=cart_size,
        orders_allocated=report.orders_allocated,
        units_allocated=report.units_allocated,
        tasks=report.tasks,
        clusters=report.clusters,
        short_lines=len(report.short),
        backordered=len(report.backordered),
        held=len(report.held),
    )
    return report


def _update_partial_lines(session: Session, partial: list[dict]) -> None:
    """Set allocated quantity and status of the short lines (keys b_id, b_allocated, b_status).

    PostgreSQL: UPDATE ... FROM (VALUES ...) in chunks, one statement per 5,000 lines.
    SQLite (no column list on a VALUES alias): an executemany, in-process anyway.
    """
    if not partial:
        return
    lines = SalesOrderLine.__table__
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        conn.execute(
            update(lines)
            .where(lines.c.id == bindparam("b_id"))
            .values(quantity_allocated=bindparam("b_allocated"), status=bindparam("b_status")),
            partial,
        )
        return
    for start in range(0, len(partial), 5000):
        chunk = partial[start : start + 5000]
        given = values(
            column("id", BigInteger),
            column("allocated", Integer),
            column("status", String),
            name="given",
        ).data([(u["b_id"], u["b_allocated"], u["b_status"]) for u in chunk])
        conn.execute(
            update(lines)
            .where(lines.c.id == given.c.id)
            .values(quantity_allocated=given.c.allocated, status=given.c.status)
        )


TASK_COPY_COLUMNS = (
    "warehouse_id",
    "kind",
    "status",
    "item_id",
    "lot",
    "expiry",
    "from_location_id",
    "container_id",
    "order_line_id",
    "wave_id",
    "cluster",
    "sequence",
    "quantity",
    "quantity_done",
    "exception_code",
    "reason",
    "data",
    "created_at",
    "updated_at",
)


def insert_tasks(session: Session, rows: list[dict]) -> None:
    """Insert task rows (keys: TASK_COPY_COLUMNS) in bulk.

    On PostgreSQL with psycopg: one COPY FROM STDIN on the session's connection (inside its
    transaction); a pipelined executemany still pays per-row statement handling, which was
    most of a large release. Elsewhere (SQLite): a plain executemany.
    """
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "postgresql" or conn.dialect.driver != "psycopg":
        conn.execute(insert(Task.__table__), rows)
        return
    driver = conn.connection.driver_connection
    columns = ", ".join(TASK_COPY_COLUMNS)
    with driver.cursor() as cursor, cursor.copy(f"COPY tasks ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(
                [json.dumps(row[c]) if c == "data" else row[c] for c in TASK_COPY_COLUMNS]
            )


def _cluster_and_sequence(
    session: Session, wave: Wave, rows: list[dict], cart_size: int, method: str
) -> int:
    """Group rows into carts of `cart_size` orders, give each order a slot, sequence each cart."""
    if not rows:
        return 0
    layout, first_aisle = warehouse_layout(session, wave.warehouse_id)
    places = location_places(session, {r["from_location_id"] for r in rows})
    order_ids = list(dict.fromkeys(r["_order"] for r in rows))
    cart_of: dict[int, tuple[int, int]] = {
        order_id: (index // cart_size, index % cart_size + 1)
        for index, order_id in enumerate(order_ids)
    }
    carts: dict[int, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        cart, slot = cart_of[row["_order"]]
        row["cluster"] = f"{wave.code}-C{cart + 1:04d}"
        row["data"] = {"slot": slot}
        carts[cart].append(index)
    for indexes in carts.values():
        stops = [(i, *places[rows[i]["from_location_id"]], rows[i]["_code"]) for i in indexes]
        for sequence, index in enumerate(sequence_cluster(layout, first_aisle, stops, method)):
            rows[index]["sequence"] = sequence
    return len(carts)


def _resumed(session: Session, wave: Wave) -> dict:
    counts = wave_status(session, wave.code)
    return {"tasks": counts.tasks_open + counts.tasks_in_progress, "clusters": counts.clusters}
