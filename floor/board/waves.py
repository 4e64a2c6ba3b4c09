"""The board's waves: orders, lines and units picked and packed of total, rate, finish time.

Each refresh reads the waves that are planned, released or held (an index on status) and
recounts those that changed: a new wave, a status change, or a ledger row of one of its carts
since the last refresh (a pick's reference is its cart, `<wave>-C0001`); and, in rotation, a
slice of the others, so that each is recounted every `recount_seconds`, which catches what
moves no stock (a cart claimed, a location confirmed) without one refresh recounting them
all. Waves finished this shift are read every `recount_seconds` and kept: a finished wave no
longer changes, except its packed counts while its orders are at the pack benches, so one
whose picking is done but not its packing is recounted every `recount_seconds` too.

Packed: orders the pack bench marked packed (or shipped since); units in closed cartons,
counted from the cartons' rows as each carton closes, so a wave's packed units grow carton
by carton, not only when a whole order is packed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from floor.board.activity import aware, wave_of_reference
from floor.models import (
    Item,
    Location,
    OrderStatus,
    PackedCartonLine,
    SalesOrder,
    SalesOrderLine,
    Task,
    TaskKind,
    TaskStatus,
    Wave,
    WaveStatus,
)

ACTIVE = (WaveStatus.PLANNED.value, WaveStatus.RELEASED.value, WaveStatus.HELD.value)
FINISHED = (WaveStatus.DONE.value, WaveStatus.CANCELLED.value)
PICKED_ORDERS = (OrderStatus.PICKED.value, OrderStatus.PACKED.value, OrderStatus.SHIPPED.value)
PACKED_ORDERS = (OrderStatus.PACKED.value, OrderStatus.SHIPPED.value)
CLOSED_LINES = ("picked", "short", "packed", "shipped")


@dataclass(frozen=True)
class WaveRow:
    id: int
    code: str
    status: str
    orders: int = 0
    orders_picked: int = 0
    orders_packed: int = 0
    lines: int = 0
    lines_picked: int = 0
    units: int = 0
    units_allocated: int = 0
    units_picked: int = 0
    units_packed: int = 0
    tasks_open: int = 0
    tasks_active: int = 0
    tasks_short: int = 0
    units_per_hour: float | None = None
    finish_at: dt.datetime | None = None

    @property
    def progress(self) -> float:
        """Share of the wave's lines closed (picked in full, or short)."""
        return self.lines_picked / self.lines if self.lines else 0.0

    @property
    def units_left(self) -> int:
        return max(self.units_allocated - self.units_picked, 0)


@dataclass(frozen=True)
class ShortPick:
    task_id: int
    wave: str
    location: str
    sku: str
    code: str  # BIDP partial, BIDF full denial
    reason: str
    at: dt.datetime | None


class WaveBoard:
    """Keeps the board's wave rows; `read()` recounts what changed."""

    def __init__(self, warehouse_id: int, recount_seconds: float = 10.0) -> None:
        self.warehouse_id = warehouse_id
        self.recount_seconds = recount_seconds
        self.rows: dict[int, WaveRow] = {}
        self.shorts: dict[int, list[ShortPick]] = {}
        self.finished: dict[int, WaveRow] = {}
        self._last_recount = float("-inf")
        self._last_read: float | None = None
        self._rotation = 0
        self._shown: dict[int, tuple[WaveRow, float | None, WaveRow]] = {}

    def read(
        self,
        session: Session,
        shift_start: dt.datetime,
        changed_references: Iterable[str],
        clock: float | None = None,
    ) -> None:
        clock = time.monotonic() if clock is None else clock
        full = clock - self._last_recount >= self.recount_seconds
        elapsed = clock - self._last_read if self._last_read is not None else 0.0
        self._last_read = clock
        active = {
            wave_id: (code, status)
            for wave_id, code, status in session.execute(
                select(Wave.id, Wave.code, Wave.status).where(
                    Wave.warehouse_id == self.warehouse_id, Wave.status.in_(ACTIVE)
                )
            )
        }
        gone = [wave_id for wave_id in self.rows if wave_id not in active]
        if full or gone:
            self._read_finished(session, shift_start, active)
        codes = {code: wave_id for wave_id, (code, _status) in active.items()}
        touched = {codes[c] for c in map(wave_of_reference, changed_references) if c in codes}
        recount = [
            wave_id
            for wave_id, (code, status) in active.items()
            if wave_id in touched or wave_id not in self.rows or self.rows[wave_id].status != status
        ]
        # the rest in rotation: every wave once per recount_seconds, a slice each refresh
        ids = sorted(active)
        if ids and elapsed > 0:
            n = min(len(ids), max(1, round(len(ids) * elapsed / self.recount_seconds)))
            start = self._rotation % len(ids)
            recount += [w for w in (ids[start:] + ids[:start])[:n] if w not in recount]
            self._rotation = start + n
        for wave_id in gone:
            self.rows.pop(wave_id, None)
            self.shorts.pop(wave_id, None)
        if recount:
            statuses = {wave_id: active[wave_id] for wave_id in recount}
            for row in _count(session, statuses):
                self.rows[row.id] = row
            self.shorts.update(_shorts(session, statuses))
        if full:
            self._last_recount = clock

    def _read_finished(
        self, session: Session, shift_start: dt.datetime, active: dict[int, tuple[str, str]]
    ) -> None:
        found = {
            wave_id: (code, status)
            for wave_id, code, status in session.execute(
                select(Wave.id, Wave.code, Wave.status).where(
                    Wave.warehouse_id == self.warehouse_id,
                    Wave.status.in_(FINISHED),
                    or_(Wave.released_at >= shift_start, Wave.created_at >= shift_start),
                )
            )
            if wave_id not in active
        }
        new = {k: v for k, v in found.items() if k not in self.finished}
        # picking done, packing not: its packed counts still move
        new.update(
            (k, v)
            for k, v in found.items()
            if k in self.finished
            and v[1] == WaveStatus.DONE.value
            and self.finished[k].orders_packed < self.finished[k].orders
        )
        if new:
            for row in _count(session, new):
                self.finished[row.id] = row
            self.shorts.update(_shorts(session, new))
        for wave_id in list(self.finished):
            if wave_id not in found:
                del self.finished[wave_id]

    def views(self, rates: dict[str, int], window: dt.timedelta, now: dt.datetime) -> list[WaveRow]:
        """Active waves first (released, held, planned; oldest first), then finished ones;
        `rates`: units picked per wave code within `window`."""
        order = {WaveStatus.RELEASED.value: 0, WaveStatus.HELD.value: 1}
        active = sorted(self.rows.values(), key=lambda r: (order.get(r.status, 2), r.id))
        done = sorted(self.finished.values(), key=lambda r: -r.id)
        rows = []
        hours = window.total_seconds() / 3600
        shown: dict[int, tuple[WaveRow, float | None, WaveRow]] = {}
        for row in active:
            picked = rates.get(row.code, 0)
            per_hour = picked / hours if picked else None
            last = self._shown.get(row.id)
            if per_hour is None and last is not None and last[0] is row and last[1] is None:
                view = last[2]  # nothing changed: no new row
            else:
                finish = None
                if per_hour and row.status == WaveStatus.RELEASED.value:
                    finish = now + dt.timedelta(hours=row.units_left / per_hour)
                view = _with(row, units_per_hour=per_hour, finish_at=finish)
            shown[row.id] = (row, per_hour, view)
            rows.append(view)
        self._shown = shown
        return rows + done

    def short_picks(self) -> list[ShortPick]:
        shown = set(self.rows) | set(self.finished)
        found = [s for wave_id, shorts in self.shorts.items() if wave_id in shown for s in shorts]
        return sorted(found, key=lambda s: s.at or dt.datetime.min.replace(tzinfo=dt.UTC))


def _with(row: WaveRow, **changes: object) -> WaveRow:
    from dataclasses import replace

    return replace(row, **changes)  # type: ignore[arg-type]


def _count(session: Session, waves: dict[int, tuple[str, str]]) -> list[WaveRow]:
    """Orders, lines and units (ordered, allocated, picked, packed) and tasks per wave."""
    ids = list(waves)
    if not ids:
        return []
    packed = SalesOrder.status.in_(PACKED_ORDERS)
    line_closed = and_(
        SalesOrderLine.status.in_(CLOSED_LINES),
        SalesOrderLine.quantity_picked >= SalesOrderLine.quantity_allocated,
    )
    counts: dict[int, dict[str, int]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in session.execute(
            select(
                SalesOrder.wave_id,
                func.count(func.distinct(SalesOrder.id)),
                func.count(
                    func.distinct(
                        case((SalesOrder.status.in_(PICKED_ORDERS), SalesOrder.id), else_=None)
                    )
                ),
                func.count(func.distinct(case((packed, SalesOrder.id), else_=None))),
                func.count(SalesOrderLine.id),
                func.sum(case((line_closed, 1), else_=0)),
                func.sum(SalesOrderLine.quantity_ordered),
                func.sum(SalesOrderLine.quantity_allocated),
                func.sum(SalesOrderLine.quantity_picked),
            )
            .join(SalesOrderLine, SalesOrderLine.order_id == SalesOrder.id)
            .where(SalesOrder.wave_id.in_(chunk))
            .group_by(SalesOrder.wave_id)
        ):
            wave_id, *values = row
            names = (
                "orders",
                "orders_picked",
                "orders_packed",
                "lines",
                "lines_picked",
                "units",
                "units_allocated",
                "units_picked",
            )
            counts[wave_id] = {n: int(v or 0) for n, v in zip(names, values, strict=True)}
        for wave_id, units in session.execute(
            select(SalesOrder.wave_id, func.sum(PackedCartonLine.quantity))
            .join(SalesOrderLine, SalesOrderLine.order_id == SalesOrder.id)
            .join(PackedCartonLine, PackedCartonLine.order_line_id == SalesOrderLine.id)
            .where(SalesOrder.wave_id.in_(chunk), PackedCartonLine.in_carton.is_(True))
            .group_by(SalesOrder.wave_id)
        ):
            counts.setdefault(wave_id, {})["units_packed"] = int(units or 0)
        for wave_id, status, n in session.execute(
            select(Task.wave_id, Task.status, func.count())
            .where(Task.kind == TaskKind.PICK.value, Task.wave_id.in_(chunk))
            .group_by(Task.wave_id, Task.status)
        ):
            c = counts.setdefault(wave_id, {})
            if status == TaskStatus.OPEN.value:
                c["tasks_open"] = c.get("tasks_open", 0) + int(n)
            elif status in (TaskStatus.ASSIGNED.value, TaskStatus.IN_PROGRESS.value):
                c["tasks_active"] = c.get("tasks_active", 0) + int(n)
            elif status == TaskStatus.SHORT.value:
                c["tasks_short"] = c.get("tasks_short", 0) + int(n)
    return [
        WaveRow(id=wave_id, code=code, status=status, **counts.get(wave_id, {}))
        for wave_id, (code, status) in waves.items()
    ]


def _shorts(session: Session, waves: dict[int, tuple[str, str]]) -> dict[int, list[ShortPick]]:
    ids = list(waves)
    found: dict[int, list[ShortPick]] = {wave_id: [] for wave_id in ids}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for task_id, wave_id, location, sku, code, reason, at in session.execute(
            select(
                Task.id,
                Task.wave_id,
                Location.code,
                Item.sku,
                Task.exception_code,
                Task.reason,
                Task.updated_at,
            )
            .join(Location, Location.id == Task.from_location_id)
            .join(Item, Item.id == Task.item_id)
            .where(
                Task.kind == TaskKind.PICK.value,
                Task.status == TaskStatus.SHORT.value,
                Task.wave_id.in_(chunk),
            )
            .order_by(Task.id)
        ):
            found[wave_id].append(
                ShortPick(task_id, waves[wave_id][0], location, sku, code, reason, aware(at))
            )
    return found
