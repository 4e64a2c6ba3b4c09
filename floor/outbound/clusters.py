"""Claimable clusters: one `pick_clusters` row per cart of pick tasks of a released wave.

Claiming a cart takes the first open cluster of the warehouse in release order (wave
released first, then its cluster code): one index range read on (warehouse, status,
released_at, wave, code) with FOR UPDATE SKIP LOCKED, however many pick tasks are open,
so two pickers claiming at once lock two different rows. The rows are written at wave
release and kept in step with the tasks:

- open: it has open tasks and its wave is released (claimable);
- claimed: a picker took its open tasks (`claim_cart`), until they are done or given back;
- held: its wave is held; open again when the wave is released again;
- done: none of its tasks is open or on a cart any more; cancelled: its wave was cancelled.

The carts and picks themselves are floor.outbound.carts and floor.outbound.picking.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import bindparam, exists, insert, select, update
from sqlalchemy.orm import Session

from floor.models import (
    ClusterStatus,
    PickCluster,
    Task,
    TaskKind,
    TaskStatus,
    Wave,
    WaveStatus,
    utcnow,
)

_LIVE = (TaskStatus.OPEN.value, TaskStatus.ASSIGNED.value, TaskStatus.IN_PROGRESS.value)


def add_clusters(
    session: Session, wave: Wave, codes: Iterable[str], released_at: dt.datetime
) -> None:
    """The released wave's clusters, open (one bulk insert)."""
    rows = [
        {
            "warehouse_id": wave.warehouse_id,
            "wave_id": wave.id,
            "code": code,
            "status": ClusterStatus.OPEN.value,
            "released_at": released_at,
        }
        for code in sorted(set(codes))
    ]
    if rows:
        session.execute(insert(PickCluster), rows)


def set_wave_clusters(session: Session, wave_id: int, before: Iterable[str], after: str) -> None:
    """Every cluster of the wave in one of the `before` statuses goes to `after` (hold,
    release again, cancel)."""
    values: dict[str, object] = {"status": after}
    if after == ClusterStatus.CANCELLED.value:
        values["assignee_id"] = None
    session.execute(
        update(PickCluster)
        .where(PickCluster.wave_id == wave_id, PickCluster.status.in_(tuple(before)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )


# built once (a claim runs both): the first claimable cluster of a warehouse, locked, and
# marking it claimed
_NEXT_OPEN = (
    select(PickCluster.id, PickCluster.wave_id, PickCluster.code)
    .where(
        PickCluster.warehouse_id == bindparam("warehouse_id"),
        PickCluster.status == ClusterStatus.OPEN.value,
    )
    .order_by(PickCluster.released_at, PickCluster.wave_id, PickCluster.code)
    .limit(1)
    .with_for_update(skip_locked=True)
)
_MARK_CLAIMED = (
    update(PickCluster)
    .where(PickCluster.id == bindparam("cluster_id"))
    .values(
        status=ClusterStatus.CLAIMED.value,
        assignee_id=bindparam("operator_id"),
        claimed_at=bindparam("claimed_at"),
    )
    .execution_options(synchronize_session=False)
)


def next_open(session: Session, warehouse_id: int) -> tuple[int, int, str] | None:
    """(cluster id, wave id, cluster code) of the first claimable cluster, locked, skipping
    one another picker is claiming right now; None when there is none."""
    row = session.execute(_NEXT_OPEN, {"warehouse_id": warehouse_id}).one_or_none()
    return (row[0], row[1], row[2]) if row else None


def mark_claimed(session: Session, cluster_id: int, operator_id: int) -> None:
    session.execute(
        _MARK_CLAIMED,
        {"cluster_id": cluster_id, "operator_id": operator_id, "claimed_at": utcnow()},
    )


def _live(wave_id: int, code: str, statuses: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return exists().where(
        Task.wave_id == wave_id,
        Task.cluster == code,
        Task.kind == TaskKind.PICK.value,
        Task.status.in_(statuses),
    )


def settle(session: Session, wave_id: int, code: str) -> None:
    """Put the cluster's status in step with its tasks: open (or held, with its wave) when
    some are open, done when none is open or on a cart; claimed ones stay claimed."""
    has_open = session.scalar(select(_live(wave_id, code, (TaskStatus.OPEN.value,))))
    if has_open:
        held = session.scalar(select(Wave.status).where(Wave.id == wave_id)) == WaveStatus.HELD
        status = ClusterStatus.HELD.value if held else ClusterStatus.OPEN.value
        session.execute(
            update(PickCluster)
            .where(
                PickCluster.wave_id == wave_id,
                PickCluster.code == code,
                PickCluster.status.in_((ClusterStatus.CLAIMED.value, ClusterStatus.OPEN.value)),
            )
            .values(status=status, assignee_id=None)
            .execution_options(synchronize_session=False)
        )
        return
    session.execute(
        update(PickCluster)
        .where(
            PickCluster.wave_id == wave_id,
            PickCluster.code == code,
            PickCluster.status.in_((ClusterStatus.CLAIMED.value, ClusterStatus.OPEN.value)),
            ~_live(wave_id, code, _LIVE),
        )
        .values(status=ClusterStatus.DONE.value)
        .execution_options(synchronize_session=False)
    )
    session.execute(  # open without open tasks, but some still on a cart: claimed
        update(PickCluster)
        .where(
            PickCluster.wave_id == wave_id,
            PickCluster.code == code,
            PickCluster.status == ClusterStatus.OPEN.value,
        )
        .values(status=ClusterStatus.CLAIMED.value)
        .execution_options(synchronize_session=False)
    )


__all__ = ["add_clusters", "mark_claimed", "next_open", "set_wave_clusters", "settle"]
