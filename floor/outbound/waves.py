"""Waves: build from open orders by rules, release (allocate, make pick tasks), hold, cancel.

Release is set-based so a wave of many thousand orders releases in seconds: the wave's
orders and lines are read at once, every allocatable balance of their items is read (and
row-locked on PostgreSQL) once, lines are allocated in memory (floor.outbound.allocation), and all
the reservations go to the ledger as ONE posting (one stock transaction, one movement per
balance touched). Pick tasks are bulk-inserted, grouped into clusters of `cart_size` orders
(one tote slot per order) and sequenced along the pick path (floor.outbound.routing).

Priority: a higher number is more urgent (WaveRules.min_priority keeps orders at or above).
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
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

from sqlalchemy import (
    BigInteger,
    Integer,
    String,
    bindparam,
    case,
    column,
    func,
    insert,
    select,
    update,
    values,
)
from sqlalchemy.orm import Session

from floor.errors import Conflict, InvalidInput, NotFound
from floor.i18n import N_, _, by_status
from floor.models import (
    Balance,
    Item,
    Location,
    OrderStatus,
    Role,
    SalesOrder,
    SalesOrderLine,
    Task,
    TaskKind,
    TaskStatus,
    Wave,
    WaveStatus,
    Zone,
    utcnow,
    wave_status_label,
)
from floor.operators import require_role
from floor.outbound.allocation import Pick, allocate_line, give_back, load_candidates
from floor.outbound.routing import Layout, PickPoint, plan_route
from floor.stock import ledger
from floor.stock.ledger import SYSTEM, Actor, Change, StockKey

SHORTAGE_POLICIES = ("partial", "backorder", "hold")
WAVEABLE_STATUSES = (OrderStatus.OPEN.value, OrderStatus.BACKORDERED.value)
LIVE_TASK_STATUSES = (
    TaskStatus.OPEN.value,
    TaskStatus.ASSIGNED.value,
    TaskStatus.IN_PROGRESS.value,
)
DEFAULT_CART_SIZE = 4
DEFAULT_AISLE_SPACING = 3.0
RELEASE_ROUTE_METHOD = "s_shape"


@dataclass(frozen=True)
class WaveRules:
    """Which open orders go into a wave. Every rule left None does not filter."""

    carrier: str | None = None
    cutoff_before: dt.datetime | None = None
    min_priority: int | None = None
    ship_by_before: dt.date | None = None
    zone: str | None = None
    max_orders: int | None = None
    max_lines: int | None = None
    max_volume_l: float | None = None

    def to_json(self) -> dict:
        data = asdict(self)
        for name in ("cutoff_before", "ship_by_before"):
            if data[name] is not None:
                data[name] = data[name].isoformat()
        return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True)
class ShortLine:
    order: str
    line_no: int
    sku: str
    ordered: int
    allocated: int
    outcome: str  # short | backordered | held


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


@dataclass(frozen=True)
class WaveStatusView:
    code: str
    status: str
    orders: int
    lines: int
    tasks_total: int
    tasks_done: int
    tasks_short: int
    tasks_open: int
    tasks_in_progress: int
    clusters: int
    units_to_pick: int
    units_picked: int
    lines_picked: int = 0  # lines with pick tasks of which none is still live


def _wave(session: Session, wave: int | str, *, lock: bool = True) -> Wave:
    column = Wave.id if isinstance(wave, int) else Wave.code
    query = select(Wave).where(column == wave)
    if lock:
        query = query.with_for_update()
    found = session.scalars(query).one_or_none()
    if found is None:
        raise NotFound(_("No wave {wave}", wave=wave), expected=_("a wave code"))
    return found


def _next_code(session: Session, now: dt.datetime) -> str:
    prefix = f"W{now:%y%m%d}-"
    last = session.scalar(select(func.max(Wave.code)).where(Wave.code.like(f"{prefix}%")))
    number = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{number:03d}"


def _unit_volume_l(item: Item) -> float:
    if item.length_mm and item.width_mm and item.height_mm:
        return item.length_mm * item.width_mm * item.height_mm / 1_000_000
    return 0.0


def build_wave(
    session: Session,
    warehouse_id: int,
    rules: WaveRules,
    actor: Actor = SYSTEM,
    *,
    code: str | None = None,
    route_unrouted: bool = True,
) -> Wave:
    """A planned wave with the open orders of the warehouse that match `rules`.

    Orders without a warehouse are routed first (floor.outbound.order_routing). Orders are
    taken most urgent first (priority, cut-off, ship-by, age); an order that would break the
    line or volume cap is passed over for smaller ones behind it. Refused when no order matches.
    """
    require_role(session, actor.operator_id, Role.SUPERVISOR.value)
    if route_unrouted:
        from floor.outbound.order_routing import route_orders

        route_orders(session)
    query = select(SalesOrder).where(
        SalesOrder.warehouse_id == warehouse_id,
        SalesOrder.wave_id.is_(None),
        SalesOrder.status.in_(WAVEABLE_STATUSES),
    )
    if rules.carrier:
        query = query.where(SalesOrder.carrier == rules.carrier)
    if rules.cutoff_before is not None:
        query = query.where(SalesOrder.cutoff_at <= rules.cutoff_before)
    if rules.min_priority is not None:
        query = query.where(SalesOrder.priority >= rules.min_priority)
    if rules.ship_by_before is not None:
        query = query.where(SalesOrder.ship_by <= rules.ship_by_before)
    query = query.order_by(
        SalesOrder.priority.desc(),
        SalesOrder.cutoff_at.nulls_last(),
        SalesOrder.ship_by.nulls_last(),
        SalesOrder.created_at,
        SalesOrder.id,
    ).with_for_update(skip_locked=True)
    orders = list(session.scalars(query))
    if not orders:
        raise NotFound(
            _("No open orders match these wave rules"), expected=_("open orders to wave")
        )
    order_ids = [o.id for o in orders]
    lines_by_order: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for start in range(0, len(order_ids), 5000):
        for order_id, item_id, qty in session.execute(
            select(
                SalesOrderLine.order_id, SalesOrderLine.item_id, SalesOrderLine.quantity_ordered
            ).where(SalesOrderLine.order_id.in_(order_ids[start : start + 5000]))
        ):
            lines_by_order[order_id].append((item_id, qty))
    item_ids = {item for lines in lines_by_order.values() for item, _q in lines}
    items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(item_ids)))}
    in_zone: set[int] | None = None
    if rules.zone and (
        session.scalar(
            select(Zone.id).where(Zone.warehouse_id == warehouse_id, Zone.code == rules.zone)
        )
        is None
    ):
        raise NotFound(
            _("No zone {zone} in this warehouse", zone=rules.zone),
            expected=_("a zone code of this warehouse"),
        )
    if rules.zone:
        in_zone = set(
            session.scalars(
                select(Balance.item_id)
                .join(Location, Location.id == Balance.location_id)
                .join(Zone, Zone.id == Location.zone_id)
                .where(
                    Zone.code == rules.zone,
                    Location.warehouse_id == warehouse_id,
                    Balance.quantity > Balance.reserved,
                )
                .distinct()
            )
        )
    chosen: list[SalesOrder] = []
    total_lines = 0
    total_volume = 0.0
    for order in orders:
        lines = lines_by_order.get(order.id, [])
        if not lines:
            continue
        if in_zone is not None and any(item not in in_zone for item, _q in lines):
            continue
        volume = sum(_unit_volume_l(items[item]) * qty for item, qty in lines)
        if rules.max_lines is not None and total_lines + len(lines) > rules.max_lines:
            continue
        if rules.max_volume_l is not None and total_volume + volume > rules.max_volume_l:
            continue
        chosen.append(order)
        total_lines += len(lines)
        total_volume += volume
        if rules.max_orders is not None and len(chosen) >= rules.max_orders:
            break
    if not chosen:
        raise NotFound(
            _("No open orders fit within the wave caps"), expected=_("larger caps or other rules")
        )
    now = utcnow()
    wave = Wave(
        code=code or _next_code(session, now),
        warehouse_id=warehouse_id,
        status=WaveStatus.PLANNED.value,
        rules={
            **rules.to_json(),
            "built_by": actor.operator_id,
            "orders": len(chosen),
            "lines": total_lines,
            "volume_l": round(total_volume, 3),
        },
        created_at=now,
    )
    session.add(wave)
    session.flush()
    chosen_ids = [o.id for o in chosen]
    for start in range(0, len(chosen_ids), 5000):
        session.execute(
            update(SalesOrder)
            .where(SalesOrder.id.in_(chosen_ids[start : start + 5000]))
            .values(wave_id=wave.id)
            .execution_options(synchronize_session=False)
        )
    _expire_stale(session)
    return wave


# --- release ---------------------------------------------------------------------------------


def warehouse_layout(session: Session, warehouse_id: int) -> tuple[Layout, int]:
    """The routing layout of the warehouse's racks and the aisle number of routing aisle 0."""
    low, high, longest, blocks = session.execute(
        select(
            func.min(Location.aisle),
            func.max(Location.aisle),
            func.max(Location.position),
            func.max(Location.block),
        ).where(
            Location.warehouse_id == warehouse_id,
            Location.aisle.is_not(None),
            Location.position.is_not(None),
        )
    ).one()
    if low is None:
        return Layout(1, 1.0, DEFAULT_AISLE_SPACING), 0
    length = float(longest or 0.0) + 1.0
    return Layout(
        int(high) - int(low) + 1, length, DEFAULT_AISLE_SPACING, blocks=int(blocks or 0) + 1
    ), int(low)


def sequence_cluster(
    layout: Layout,
    first_aisle: int,
    stops: Sequence[tuple[int, int | None, float | None, str]],
    method: str = "auto",
) -> list[int]:
    """Visiting order for a cluster's stops (key, aisle, position, location code).

    Stops with no place on the layout go last, by location code.
    """
    points = [
        PickPoint(key, aisle - first_aisle, min(max(position, 0.0), layout.aisle_length))
        for key, aisle, position, _code in stops
        if aisle is not None and position is not None and 0 <= aisle - first_aisle < layout.aisles
    ]
    placed = {p.key for p in points}
    route = plan_route(layout, points, method) if points else None
    ordered = list(route.keys) if route else []
    rest = sorted((s for s in stops if s[0] not in placed), key=lambda s: (s[3], s[0]))
    return [int(k) for k in ordered] + [s[0] for s in rest]


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
    carts); claiming a cart re-sequences it with the exact router (floor.outbound.picking).
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
        session.flush()
        return ReleaseReport(found.code, **_resumed(session, found))
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


def _expire_stale(session: Session) -> None:
    """Bulk statements bypassed the identity map: expire the rows they may have changed."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, SalesOrder | SalesOrderLine | Task | Balance):
            session.expire(obj)


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


def location_places(
    session: Session, location_ids: set[int]
) -> dict[int, tuple[int | None, float | None]]:
    ids = sorted(location_ids)
    places: dict[int, tuple[int | None, float | None]] = {}
    for start in range(0, len(ids), 5000):
        for lid, aisle, position in session.execute(
            select(Location.id, Location.aisle, Location.position).where(
                Location.id.in_(ids[start : start + 5000])
            )
        ):
            places[lid] = (aisle, position)
    return places


def _resumed(session: Session, wave: Wave) -> dict:
    counts = wave_status(session, wave.code)
    return {"tasks": counts.tasks_open + counts.tasks_in_progress, "clusters": counts.clusters}


# --- hold, cancel, status --------------------------------------------------------------------


# Why a wave cannot be released, held or cancelled: one sentence per status.
_NOT_RELEASABLE = {
    WaveStatus.RELEASED: N_("Wave {wave} is released; only a planned or held wave can be released"),
    WaveStatus.CANCELLED: N_(
        "Wave {wave} is cancelled; only a planned or held wave can be released"
    ),
    WaveStatus.DONE: N_("Wave {wave} is complete; only a planned or held wave can be released"),
}
_NOT_HOLDABLE = {
    WaveStatus.HELD: N_("Wave {wave} is already held"),
    WaveStatus.CANCELLED: N_(
        "Wave {wave} is cancelled; only a planned or released wave can be held"
    ),
    WaveStatus.DONE: N_("Wave {wave} is complete; only a planned or released wave can be held"),
}
_NOT_CANCELLABLE = {
    WaveStatus.CANCELLED: N_("Wave {wave} is already cancelled"),
    WaveStatus.DONE: N_("Wave {wave} is already complete"),
}


def _refusal(wave: Wave, sentences: dict[WaveStatus, str], otherwise: str) -> str:
    return by_status(
        wave.status, sentences, otherwise, wave_status_label(wave.status), wave=wave.code
    )


def hold_wave(session: Session, wave: int | str, actor: Actor = SYSTEM) -> Wave:
    """Stop handing out the wave's carts. Carts already on the floor are finished."""
    require_role(session, actor.operator_id, Role.SUPERVISOR.value)
    found = _wave(session, wave)
    if found.status not in (WaveStatus.PLANNED.value, WaveStatus.RELEASED.value):
        raise Conflict(
            _refusal(
                found,
                _NOT_HOLDABLE,
                N_("Wave {wave}: {status}; only a planned or released wave can be held"),
            ),
            expected=_("a planned or released wave"),
        )
    found.status = WaveStatus.HELD.value
    session.flush()
    return found


def cancel_wave(session: Session, wave: int | str, actor: Actor = SYSTEM) -> Wave:
    """Cancel a wave nobody has picked from: its reservations go back through the ledger,
    its tasks are cancelled and its orders are open again."""
    require_role(session, actor.operator_id, Role.SUPERVISOR.value)
    found = _wave(session, wave)
    if found.status in (WaveStatus.CANCELLED.value, WaveStatus.DONE.value):
        raise Conflict(
            _refusal(
                found,
                _NOT_CANCELLABLE,
                N_("Wave {wave}: {status}; only a planned, released or held wave can be cancelled"),
            ),
            expected=_("a planned, released or held wave"),
        )
    tasks = list(
        session.scalars(
            select(Task)
            .where(Task.wave_id == found.id, Task.kind == TaskKind.PICK.value)
            .with_for_update()
        )
    )
    if any(t.quantity_done > 0 for t in tasks):
        raise Conflict(
            _("Wave {wave} is being picked; hold it instead of cancelling", wave=found.code),
            expected=_("a wave with nothing picked"),
        )
    changes = [
        Change(
            StockKey(t.from_location_id, t.item_id, t.lot, t.expiry, t.container_id), 0, -t.quantity
        )
        for t in tasks
        if t.status in LIVE_TASK_STATUSES and t.quantity > 0 and t.from_location_id is not None
    ]
    if changes:
        ledger.post(
            session, "release", changes, actor=actor, reason="wave cancelled", reference=found.code
        )
    task_ids = [t.id for t in tasks if t.status in LIVE_TASK_STATUSES]
    if task_ids:
        session.execute(
            update(Task)
            .where(Task.id.in_(task_ids))
            .values(status=TaskStatus.CANCELLED.value, assignee_id=None, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    order_ids = list(session.scalars(select(SalesOrder.id).where(SalesOrder.wave_id == found.id)))
    if order_ids:
        session.execute(
            update(SalesOrderLine)
            .where(SalesOrderLine.order_id.in_(order_ids))
            .values(quantity_allocated=0, status="open")
            .execution_options(synchronize_session=False)
        )
        session.execute(
            update(SalesOrder)
            .where(SalesOrder.id.in_(order_ids))
            .values(wave_id=None, status=OrderStatus.OPEN.value)
            .execution_options(synchronize_session=False)
        )
    found.status = WaveStatus.CANCELLED.value
    session.flush()
    _expire_stale(session)
    return found


def wave_status(session: Session, wave: int | str) -> WaveStatusView:
    found = _wave(session, wave, lock=False)
    return _status_views(session, [(found.id, found.code, found.status)])[0]


def list_waves(
    session: Session, warehouse_id: int | None = None, limit: int = 50
) -> list[WaveStatusView]:
    """The latest waves, newest first, with their progress (a few grouped reads in all)."""
    query = (
        select(Wave.id, Wave.code, Wave.status)
        .order_by(Wave.created_at.desc(), Wave.id.desc())
        .limit(limit)
    )
    if warehouse_id is not None:
        query = query.where(Wave.warehouse_id == warehouse_id)
    return _status_views(session, [tuple(row) for row in session.execute(query)])


def _status_views(session: Session, waves: list[tuple[int, str, str]]) -> list[WaveStatusView]:
    """Progress of the waves (id, code, status), in the order given."""
    ids = [w[0] for w in waves]
    if not ids:
        return []
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    to_pick: dict[int, int] = defaultdict(int)
    picked: dict[int, int] = defaultdict(int)
    for wave_id, status, n, qty, done in session.execute(
        select(
            Task.wave_id,
            Task.status,
            func.count(),
            func.sum(Task.quantity),
            func.sum(Task.quantity_done),
        )
        .where(Task.wave_id.in_(ids), Task.kind == TaskKind.PICK.value)
        .group_by(Task.wave_id, Task.status)
    ):
        counts[wave_id][status] = n
        if status != TaskStatus.CANCELLED.value:
            to_pick[wave_id] += int(qty or 0)
            picked[wave_id] += int(done or 0)
    clusters = dict(
        session.execute(
            select(Task.wave_id, func.count(func.distinct(Task.cluster)))
            .where(Task.wave_id.in_(ids), Task.kind == TaskKind.PICK.value)
            .group_by(Task.wave_id)
        ).all()
    )
    orders = dict(
        session.execute(
            select(SalesOrder.wave_id, func.count())
            .where(SalesOrder.wave_id.in_(ids))
            .group_by(SalesOrder.wave_id)
        ).all()
    )
    lines = dict(
        session.execute(
            select(SalesOrder.wave_id, func.count())
            .select_from(SalesOrderLine)
            .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
            .where(SalesOrder.wave_id.in_(ids))
            .group_by(SalesOrder.wave_id)
        ).all()
    )
    # A line is picked when it has pick tasks (not cancelled) and none of them is live.
    live = func.sum(case((Task.status.in_(LIVE_TASK_STATUSES), 1), else_=0))
    per_line = (
        select(Task.wave_id.label("wave_id"), live.label("live"))
        .where(
            Task.wave_id.in_(ids),
            Task.kind == TaskKind.PICK.value,
            Task.status != TaskStatus.CANCELLED.value,
            Task.order_line_id.is_not(None),
        )
        .group_by(Task.wave_id, Task.order_line_id)
        .subquery()
    )
    lines_picked = dict(
        session.execute(
            select(per_line.c.wave_id, func.count())
            .where(per_line.c.live == 0)
            .group_by(per_line.c.wave_id)
        ).all()
    )
    views = []
    for wave_id, code, status in waves:
        c = counts[wave_id]
        views.append(
            WaveStatusView(
                code=code,
                status=status,
                orders=int(orders.get(wave_id) or 0),
                lines=int(lines.get(wave_id) or 0),
                tasks_total=sum(c.values()),
                tasks_done=c[TaskStatus.DONE.value],
                tasks_short=c[TaskStatus.SHORT.value],
                tasks_open=c[TaskStatus.OPEN.value],
                tasks_in_progress=c[TaskStatus.ASSIGNED.value] + c[TaskStatus.IN_PROGRESS.value],
                clusters=int(clusters.get(wave_id) or 0),
                units_to_pick=to_pick[wave_id],
                units_picked=picked[wave_id],
                lines_picked=int(lines_picked.get(wave_id) or 0),
            )
        )
    return views


def complete_wave_if_done(session: Session, wave_id: int) -> bool:
    """Mark a released wave done once none of its pick tasks is still live."""
    live = session.scalar(
        select(func.count())
        .select_from(Task)
        .where(
            Task.wave_id == wave_id,
            Task.kind == TaskKind.PICK.value,
            Task.status.in_(LIVE_TASK_STATUSES),
        )
    )
    if live:
        return False
    session.execute(
        update(Wave)
        .where(Wave.id == wave_id, Wave.status == WaveStatus.RELEASED.value)
        .values(status=WaveStatus.DONE.value)
        .execution_options(synchronize_session=False)
    )
    return True
