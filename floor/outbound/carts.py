"""Claiming a cart: a picker gets the next cluster of pick tasks and a tote per order slot.

A picker scans a cart, which claims the next cluster of open pick tasks of a released wave
(`claim_cart`: SELECT ... FOR UPDATE SKIP LOCKED on the cluster's row in `pick_clusters`,
floor.outbound.clusters, then every open task of that cluster is assigned in the same
transaction, so two pickers never get the same task); the claimed cart is sequenced again
along the exact pick path. One tote is scanned per order slot (`assign_tote`); the tote
goes to the warehouse's pick drop location. A picker finds their cart again after a
disconnect (`current_cart`) and gives untouched tasks back at the end of a shift
(`release_cart`). The picks themselves are floor.outbound.picking.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from floor.errors import Conflict, InvalidInput, NotFound, WrongScan
from floor.i18n import _, ngettext
from floor.models import (
    Balance,
    Container,
    ContainerKind,
    Location,
    LocationKind,
    Role,
    SalesOrder,
    SalesOrderLine,
    Task,
    TaskKind,
    TaskStatus,
    Wave,
)
from floor.operators import require_role
from floor.outbound import clusters
from floor.outbound.pick_sequence import sequence_cluster, warehouse_layout
from floor.stock.idempotency import once

MINE = (TaskStatus.ASSIGNED.value, TaskStatus.IN_PROGRESS.value)
_CLAIM_ATTEMPTS = 5
CLAIM_ROUTE_METHOD = "auto"  # exact (Ratliff-Rosenthal) for one or two blocks


@dataclass(frozen=True)
class Slot:
    slot: int
    order: str
    tote: str | None


@dataclass(frozen=True)
class CartView:
    cluster: str
    wave: str
    cart: str
    slots: tuple[Slot, ...]
    tasks: int

    @property
    def next_slot(self) -> Slot | None:
        return next((s for s in self.slots if s.tote is None), None)


def _container(session: Session, code: str, kind: str) -> Container:
    found = session.scalars(select(Container).where(Container.code == code)).one_or_none()
    if found is None or found.kind != kind:
        message, expected = _not_a(code, kind)
        raise WrongScan(message, expected=expected)
    return found


def _not_a(code: str, kind: str) -> tuple[str, str]:
    """The refusal of `code` where a container of `kind` was wanted, and what was wanted:
    whole sentences, one per kind."""
    sentences: dict[str, tuple[str, str]] = {
        ContainerKind.CART: (_("{code} is not a cart", code=code), _("a cart")),
        ContainerKind.TOTE: (_("{code} is not a tote", code=code), _("a tote")),
        ContainerKind.PALLET: (_("{code} is not a pallet", code=code), _("a pallet")),
        ContainerKind.CASE: (_("{code} is not a case", code=code), _("a case")),
        ContainerKind.CARTON: (_("{code} is not a carton", code=code), _("a carton")),
    }
    return sentences.get(kind) or (
        _("{code} is not the container asked for", code=code),
        _("a container label"),
    )


def _my_tasks_query(operator_id: int):  # type: ignore[no-untyped-def]
    return (
        select(Task)
        .where(
            Task.assignee_id == operator_id, Task.kind == TaskKind.PICK.value, Task.status.in_(MINE)
        )
        .order_by(Task.sequence, Task.id)
    )


def _my_tasks(session: Session, operator_id: int, *, lock: bool = False) -> list[Task]:
    query = _my_tasks_query(operator_id)
    if lock:
        query = query.with_for_update()
    return list(session.scalars(query))


def _cart_view(session: Session, tasks: list[Task]) -> CartView:
    if not tasks:
        raise NotFound(_("No cart in progress"), expected=_("a cart"))
    first = tasks[0]
    wave_code = session.scalar(select(Wave.code).where(Wave.id == first.wave_id)) or ""
    slots: dict[int, Slot] = {}
    line_ids = {t.order_line_id for t in tasks if t.order_line_id is not None}
    orders = dict(
        session.execute(
            select(SalesOrderLine.id, SalesOrder.number)
            .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
            .where(SalesOrderLine.id.in_(line_ids))
        ).all()
    )
    tote_ids = {t.to_container_id for t in tasks if t.to_container_id}
    totes = (  # none yet when the cart was just claimed
        dict(
            session.execute(
                select(Container.id, Container.code).where(Container.id.in_(tote_ids))
            ).all()
        )
        if tote_ids
        else {}
    )
    for task in tasks:
        slot = int((task.data or {}).get("slot", 1))
        order = orders.get(task.order_line_id) or str((task.data or {}).get("order", ""))
        slots.setdefault(slot, Slot(slot, order, totes.get(task.to_container_id)))
    cart = str((first.data or {}).get("cart", ""))
    return CartView(
        first.cluster, wave_code, cart, tuple(slots[k] for k in sorted(slots)), len(tasks)
    )


def current_cart(session: Session, operator_id: int) -> CartView | None:
    """The cart this picker is working (after a disconnect too), or None."""
    tasks = _my_tasks(session, operator_id)
    return _cart_view(session, tasks) if tasks else None


def claim_cart(
    session: Session,
    operator_id: int,
    warehouse_id: int,
    cart_code: str,
    *,
    scan_id: str | None = None,
) -> CartView:
    """Give this picker the next open cluster of a released wave (or the one they hold)."""
    require_role(session, operator_id, Role.PICKER.value)

    def work() -> dict:
        mine = _my_tasks(session, operator_id)
        if mine:
            return {"cluster": mine[0].cluster}
        cart = _container(session, cart_code, ContainerKind.CART.value)
        for _attempt in range(_CLAIM_ATTEMPTS):
            head = clusters.next_open(session, warehouse_id)
            if head is None:
                break
            cluster_id, wave_id, cluster = head
            tasks = list(
                session.scalars(
                    select(Task)
                    .where(
                        Task.wave_id == wave_id,
                        Task.cluster == cluster,
                        Task.status == TaskStatus.OPEN.value,
                        Task.kind == TaskKind.PICK.value,
                    )
                    .order_by(Task.sequence, Task.id)
                    .with_for_update(skip_locked=True)
                )
            )
            if tasks:
                break
            clusters.settle(session, wave_id, cluster)  # out of step: mend it, take the next
        else:
            head = None
        if head is None:
            raise NotFound(_("No picking work waiting"), expected=_("a released wave"))
        _route_cart(session, tasks)  # first: its reads would flush the assignment early
        for task in tasks:  # the same columns for every task: one batched UPDATE
            task.assignee_id = operator_id
            task.status = TaskStatus.ASSIGNED.value
            task.data = {**(task.data or {}), "cart": cart.code}
            flag_modified(task, "sequence")
        session.flush()
        clusters.mark_claimed(session, cluster_id, operator_id)
        claimed.extend(sorted(tasks, key=lambda t: (t.sequence, t.id)))
        return {"cluster": cluster}

    claimed: list[Task] = []
    once(session, scan_id, "pick.claim_cart", work)
    return _cart_view(session, claimed or _my_tasks(session, operator_id))


def _route_cart(session: Session, tasks: list[Task]) -> None:
    """Sequence a claimed cart along the exact pick path (release used a cheap heuristic)."""
    if len(tasks) < 2:
        return
    layout, first_aisle = warehouse_layout(session, tasks[0].warehouse_id)
    ids = {t.from_location_id for t in tasks if t.from_location_id is not None}
    places = {
        lid: (aisle, position, code)
        for lid, aisle, position, code in session.execute(
            select(Location.id, Location.aisle, Location.position, Location.code).where(
                Location.id.in_(ids)
            )
        )
    }
    stops = [
        (i, *places.get(t.from_location_id or 0, (None, None, ""))) for i, t in enumerate(tasks)
    ]
    base = min(t.sequence for t in tasks)
    for offset, index in enumerate(
        sequence_cluster(layout, first_aisle, stops, CLAIM_ROUTE_METHOD)
    ):
        tasks[index].sequence = base + offset


def assign_tote(
    session: Session, operator_id: int, tote_code: str, *, scan_id: str | None = None
) -> CartView:
    """Put the scanned tote in the cart's next empty order slot."""
    after: list[CartView] = []  # the view with the tote in its slot (not on a replay)

    def work() -> dict:
        tasks = _my_tasks(session, operator_id, lock=True)
        view = _cart_view(session, tasks)
        slot = view.next_slot
        if slot is None:
            raise Conflict(_("Every order on this cart has a tote"), expected=_("the first pick"))
        tote = _container(session, tote_code, ContainerKind.TOTE.value)
        if any(s.tote == tote.code for s in view.slots):
            raise WrongScan(
                _("Tote {tote} is already on this cart", tote=tote.code), expected=_("another tote")
            )
        busy, holding = session.execute(  # picks heading into it, stock in it: one statement
            select(
                select(func.count())
                .select_from(Task)
                .where(
                    Task.to_container_id == tote.id,
                    Task.kind == TaskKind.PICK.value,
                    Task.status.in_(MINE),
                )
                .scalar_subquery(),
                select(func.coalesce(func.sum(Balance.quantity), 0))
                .where(Balance.container_id == tote.id)
                .scalar_subquery(),
            )
        ).one()
        if busy or holding:
            raise WrongScan(
                _("Tote {tote} is not empty or is on another cart", tote=tote.code),
                expected=_("an empty tote"),
            )
        slot_tasks = [t for t in tasks if int((t.data or {}).get("slot", 1)) == slot.slot]
        # a task made with its destination (a kit work order's, the kitting bench) keeps it
        drop = slot_tasks[0].to_location_id or drop_location_id(session, tasks[0].warehouse_id)
        tote.location_id = drop
        for task in slot_tasks:
            task.to_container_id = tote.id
            task.to_location_id = drop
        session.flush()
        # the same tasks, each of this slot now in the tote: the cart's view without reading
        # the tasks, orders and totes again
        slots = tuple(replace(s, tote=tote.code) if s.slot == slot.slot else s for s in view.slots)
        after.append(replace(view, slots=slots))
        return {"slot": slot.slot, "tote": tote.code}

    once(session, scan_id, "pick.assign_tote", work)
    if after:
        return after[0]
    return _cart_view(session, _my_tasks(session, operator_id))


def start_cart(
    session: Session,
    operator_id: int,
    warehouse_id: int,
    cart_code: str,
    tote_codes: list[str],
) -> CartView:
    """Claim a cart and put totes in its slots in one go (CLI, tests)."""
    view = claim_cart(session, operator_id, warehouse_id, cart_code)
    for code in tote_codes:
        if view.next_slot is None:
            break
        view = assign_tote(session, operator_id, code)
    if view.next_slot is not None:
        slots = len(view.slots)
        raise InvalidInput(
            ngettext(
                "This cart has {n} order: scan a tote for it",
                "This cart has {n} orders: scan a tote for each",
                slots,
            ),
            expected=ngettext("{n} tote", "{n} totes", slots),
        )
    return view


def release_cart(session: Session, operator_id: int) -> int:
    """Give the picker's untouched tasks back to the queue (end of shift). Returns how many."""
    tasks = [t for t in _my_tasks(session, operator_id, lock=True) if t.quantity_done == 0]
    for task in tasks:
        task.assignee_id = None
        task.status = TaskStatus.OPEN.value
        task.to_container_id = None
    session.flush()
    for wave_id, cluster in {(t.wave_id, t.cluster) for t in tasks if t.wave_id is not None}:
        clusters.settle(session, wave_id, cluster)  # claimable again
    return len(tasks)


def drop_location_id(session: Session, warehouse_id: int) -> int:
    for kind in (LocationKind.PACK_BENCH.value, LocationKind.STAGING.value):
        found = session.scalar(
            select(Location.id)
            .where(Location.warehouse_id == warehouse_id, Location.kind == kind)
            .order_by(Location.code)
            .limit(1)
        )
        if found is not None:
            return found
    raise NotFound(
        _("The warehouse has no pack bench or staging location for picked totes"),
        expected=_("a pack bench location"),
    )


__all__ = [
    "CartView",
    "Slot",
    "assign_tote",
    "claim_cart",
    "current_cart",
    "release_cart",
    "start_cart",
]
