"""The live floor besides waves: stations (heartbeats), who holds which task, counts waiting for
approval, failed print jobs, and the stock alerts (reorder point, typed or computed; expiry).

Every query here is bounded by what is live, not by the shift's history: heartbeats of this
shift (one row per station), tasks held or awaiting approval (an index on kind and status),
failed print jobs (an index on status; the newest `EXCEPTIONS_SHOWN`). The stock alerts read
balances and are asked for every `alerts_refresh_seconds` only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.board.activity import aware
from floor.models import (
    Balance,
    Item,
    Location,
    Operator,
    PrintJob,
    StationHeartbeat,
    Task,
    TaskKind,
    TaskStatus,
)
from floor.planning.low_stock import low_stock_items

EXCEPTIONS_SHOWN = 50
ALERTS_SHOWN = 50
AWAITING_APPROVAL = "awaiting_approval"  # floor.stock.counting.AWAITING_APPROVAL
HELD = (TaskStatus.ASSIGNED.value, TaskStatus.IN_PROGRESS.value)


@dataclass(frozen=True)
class StationBeat:
    station: str
    operator_id: int | None
    flow: str
    scanner: bool | None
    database: bool
    app_version: str
    last_scan_at: dt.datetime | None
    beat_at: dt.datetime


@dataclass(frozen=True)
class HeldTask:
    """The first of the tasks an operator holds (a cart's picks count as one cart)."""

    task_id: int
    operator_id: int
    kind: str
    cluster: str
    location: str
    tasks: int


@dataclass(frozen=True)
class Variance:
    task_id: int
    location: str
    sku: str
    lot: str
    expected: int | None
    counted: int | None
    variance: int | None
    extra: bool
    at: dt.datetime | None


@dataclass(frozen=True)
class FailedPrint:
    job_key: str
    station: str
    template: str
    reference: str
    error: str
    at: dt.datetime | None


@dataclass(frozen=True)
class LowStock:
    sku: str
    description: str
    on_hand: int
    reorder_point: int
    computed: bool = False  # planning's reorder point, none typed in


@dataclass(frozen=True)
class Expiring:
    sku: str
    lot: str
    location: str
    expiry: dt.date
    quantity: int


def heartbeats(session: Session, since: dt.datetime) -> list[StationBeat]:
    return [
        StationBeat(
            row.station,
            row.operator_id,
            row.flow,
            row.scanner,
            bool(row.database),
            row.app_version,
            aware(row.last_scan_at),
            aware(row.beat_at),  # type: ignore[arg-type]
        )
        for row in session.scalars(
            select(StationHeartbeat)
            .where(StationHeartbeat.beat_at >= since)
            .order_by(StationHeartbeat.station)
        )
    ]


def held_tasks(session: Session, warehouse_id: int) -> dict[int, HeldTask]:
    """Per operator, the task they hold (first by kind, cart, id) and how many with it."""
    found: dict[int, HeldTask] = {}
    rows = session.execute(
        select(
            Task.assignee_id,
            Task.kind,
            Task.cluster,
            func.min(Task.id),
            func.count(),
            func.min(Location.code),
        )
        .outerjoin(Location, Location.id == Task.from_location_id)
        .where(
            Task.kind.in_([k.value for k in TaskKind]),
            Task.status.in_(HELD),
            Task.warehouse_id == warehouse_id,
            Task.assignee_id.is_not(None),
        )
        .group_by(Task.assignee_id, Task.kind, Task.cluster)
        .order_by(Task.assignee_id, Task.kind, Task.cluster)
    )
    for operator_id, kind, cluster, task_id, n, location in rows:
        if operator_id not in found:
            found[operator_id] = HeldTask(task_id, operator_id, kind, cluster, location or "", n)
    return found


def operator_names(session: Session, ids: set[int]) -> dict[int, tuple[str, str]]:
    """(name, badge) per operator id."""
    if not ids:
        return {}
    return {
        operator_id: (name, badge)
        for operator_id, name, badge in session.execute(
            select(Operator.id, Operator.name, Operator.badge).where(Operator.id.in_(ids))
        )
    }


def variances(session: Session, warehouse_id: int) -> list[Variance]:
    rows = []
    for task_id, location, sku, lot, data, code, at in session.execute(
        select(
            Task.id,
            Location.code,
            Item.sku,
            Task.lot,
            Task.data,
            Task.exception_code,
            Task.updated_at,
        )
        .outerjoin(Location, Location.id == Task.from_location_id)
        .outerjoin(Item, Item.id == Task.item_id)
        .where(
            Task.kind == TaskKind.COUNT.value,
            Task.status == AWAITING_APPROVAL,
            Task.warehouse_id == warehouse_id,
        )
        .order_by(Task.id)
        .limit(EXCEPTIONS_SHOWN)
    ):
        data = data or {}
        rows.append(
            Variance(
                task_id,
                location or "",
                sku or "",
                lot or "",
                _int(data.get("expected")),
                _int(data.get("counted")),
                _int(data.get("variance")),
                code == "ADPR",
                aware(at),
            )
        )
    return rows


def failed_prints(session: Session) -> tuple[list[FailedPrint], int]:
    """The newest failed print jobs, and how many failed in all."""
    failed = PrintJob.status == "failed"  # floor.printing.JobStatus.FAILED
    total = int(session.scalar(select(func.count()).select_from(PrintJob).where(failed)) or 0)
    jobs = [
        FailedPrint(key, station, template, reference, error, aware(at))
        for key, station, template, reference, error, at in session.execute(
            select(
                PrintJob.job_key,
                PrintJob.station,
                PrintJob.template,
                PrintJob.reference,
                PrintJob.last_error,
                PrintJob.updated_at,
            )
            .where(failed)
            .order_by(PrintJob.updated_at.desc(), PrintJob.id.desc())
            .limit(EXCEPTIONS_SHOWN)
        )
    ]
    return jobs, total


def low_stock(session: Session, warehouse_id: int) -> list[LowStock]:
    """Items whose on-hand units in the warehouse, with those in transit to it, are below
    their reorder point: the typed one, else the one planning computed
    (floor.planning.low_stock)."""
    return [
        LowStock(x.sku, x.description, x.on_hand, x.reorder_point, x.computed)
        for x in low_stock_items(session, warehouse_id, limit=ALERTS_SHOWN)
    ]


def expiring(session: Session, warehouse_id: int, until: dt.date) -> list[Expiring]:
    """Lots on hand expired, or expiring on or before `until`, soonest first."""
    return [
        Expiring(sku, lot, location, expiry, int(quantity))
        for sku, lot, location, expiry, quantity in session.execute(
            select(Item.sku, Balance.lot, Location.code, Balance.expiry, Balance.quantity)
            .join(Item, Item.id == Balance.item_id)
            .join(Location, Location.id == Balance.location_id)
            .where(
                Location.warehouse_id == warehouse_id,
                Balance.expiry.is_not(None),
                Balance.expiry <= until,
                Balance.quantity > 0,
            )
            .order_by(Balance.expiry, Item.sku, Location.code)
            .limit(ALERTS_SHOWN)
        )
    ]


def _int(value: object) -> int | None:
    return value if isinstance(value, int) else None
