"""Reassigning work: a supervisor gives a task, and the cart it belongs to, to another operator.

A pick task is never moved alone: a picker works a cart (the task's cluster) slot by slot, so
the cluster's live tasks move together, totes included; the new picker finds the cart as
theirs (`floor.outbound.carts.current_cart`) and confirms the location again, since a pick
the first picker stood at goes back to assigned. A count, put-away, replenishment or move
task moves alone and is in progress for the new operator, as if they had taken it.

Refused: a task that is finished, an operator without the role the task needs, and a picker
who already holds another cart (they give it back first).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.errors import Conflict, NotFound
from floor.i18n import _, ngettext
from floor.models import (
    ClusterStatus,
    Operator,
    PickCluster,
    Role,
    Task,
    TaskKind,
    TaskStatus,
    utcnow,
)
from floor.operators import find_by_badge, has_role, require_role
from floor.stock.ledger import Actor

LIVE = (TaskStatus.OPEN.value, TaskStatus.ASSIGNED.value, TaskStatus.IN_PROGRESS.value)
HELD = (TaskStatus.ASSIGNED.value, TaskStatus.IN_PROGRESS.value)
# Who may be given a task of each kind (the roles its own service asks for).
ROLES_FOR_KIND: dict[str, tuple[str, ...]] = {
    TaskKind.PICK.value: (Role.PICKER.value,),
    TaskKind.COUNT.value: (Role.COUNTER.value, Role.SUPERVISOR.value),
    TaskKind.PUTAWAY.value: (Role.RECEIVER.value, Role.SUPERVISOR.value),
    TaskKind.MOVE.value: (Role.RECEIVER.value, Role.SUPERVISOR.value),
    TaskKind.REPLENISH.value: (Role.PICKER.value, Role.RECEIVER.value, Role.SUPERVISOR.value),
}


@dataclass(frozen=True)
class Reassigned:
    task_id: int
    tasks: int  # how many tasks moved (a whole cart for a pick)
    cluster: str
    from_name: str
    to_name: str

    def message(self) -> str:
        if self.cluster:
            return ngettext(
                "Cart {cluster} ({n} pick) given to {name}",
                "Cart {cluster} ({n} picks) given to {name}",
                self.tasks,
                cluster=self.cluster,
                name=self.to_name,
            )
        return _("Task {id} given to {name}", id=self.task_id, name=self.to_name)


def reassign_task(session: Session, task_id: int, to_badge: str, actor: Actor) -> Reassigned:
    """Give task `task_id` (a pick: its whole cart) to the operator with badge `to_badge`."""
    require_role(session, actor.operator_id, Role.SUPERVISOR.value)
    task = session.get(Task, task_id, with_for_update=True)
    if task is None:
        raise NotFound(_("No task {id}", id=task_id), expected=_("a task on the board"))
    if task.status not in LIVE:
        raise Conflict(
            _("Task {id} is finished; there is nothing to give", id=task.id),
            expected=_("a task that is open or in progress"),
        )
    target = find_by_badge(session, to_badge)
    roles = ROLES_FOR_KIND.get(task.kind, (Role.SUPERVISOR.value,))
    if not has_role(target, *roles):
        raise Conflict(
            _(
                "{name} may not do this task: needs the role {roles}",
                name=target.name,
                roles=" / ".join(roles),
            ),
            expected=_("the badge of an operator with the role {roles}", roles=" / ".join(roles)),
        )
    previous = session.get(Operator, task.assignee_id) if task.assignee_id else None
    from_name = previous.name if previous else ""
    if task.kind == TaskKind.PICK.value and task.cluster:
        moved = _give_cart(session, task, target)
        return Reassigned(task.id, moved, task.cluster, from_name, target.name)
    if task.assignee_id == target.id:
        raise Conflict(
            _("{name} has this task already", name=target.name), expected=_("another badge")
        )
    task.assignee_id = target.id
    task.status = TaskStatus.IN_PROGRESS.value
    session.flush()
    return Reassigned(task.id, 1, "", from_name, target.name)


def _give_cart(session: Session, task: Task, target: Operator) -> int:
    tasks = list(
        session.scalars(
            select(Task)
            .where(
                Task.wave_id == task.wave_id,
                Task.cluster == task.cluster,
                Task.kind == TaskKind.PICK.value,
                Task.status.in_(LIVE),
            )
            .order_by(Task.sequence, Task.id)
            .with_for_update()
        )
    )
    if all(t.assignee_id == target.id for t in tasks):
        raise Conflict(
            _("{name} has this cart already", name=target.name), expected=_("another badge")
        )
    other = session.scalar(
        select(Task.cluster)
        .where(
            Task.assignee_id == target.id,
            Task.kind == TaskKind.PICK.value,
            Task.status.in_(HELD),
            Task.cluster != task.cluster,
        )
        .limit(1)
    )
    if other is not None:
        raise Conflict(
            _(
                "{name} is picking cart {cluster}; it must be finished or given back first",
                name=target.name,
                cluster=other,
            ),
            expected=_("the badge of a picker without a cart"),
        )
    for t in tasks:
        t.assignee_id = target.id
        t.status = TaskStatus.ASSIGNED.value
    # the cart's claim row follows, so no one else claims it and it shows whose it is
    cluster = session.scalars(
        select(PickCluster)
        .where(PickCluster.wave_id == task.wave_id, PickCluster.code == task.cluster)
        .with_for_update()
    ).one_or_none()
    if cluster is not None:
        cluster.status = ClusterStatus.CLAIMED.value
        cluster.assignee_id = target.id
        cluster.claimed_at = utcnow()
    session.flush()
    return len(tasks)
