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

import functools
from dataclasses import dataclass, replace

from sqlalchemy import bindparam, func, select, true, update
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
from floor.outbound.pick_sequence import layout_of, layout_subquery, sequence_cluster
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


def _cart_query(query):  # type: ignore[no-untyped-def]
    """`query` (of tasks) with, on each task, its order's number, its tote's code and its
    wave's code: a cart's view from the statement that reads (and locks) its tasks."""
    return (
        query.add_columns(SalesOrder.number, Container.code, Wave.code)
        .outerjoin(SalesOrderLine, SalesOrderLine.id == Task.order_line_id)
        .outerjoin(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .outerjoin(Container, Container.id == Task.to_container_id)
        .outerjoin(Wave, Wave.id == Task.wave_id)
    )


CartRow = tuple[Task, str | None, str | None, str | None]  # task, order, tote, wave codes


@functools.cache
def _my_cart_statement(lock: bool):  # type: ignore[no-untyped-def]
    """Built once (building it costs about as much as running it), the operator bound."""
    query = _cart_query(_my_tasks_query(bindparam("operator_id")))
    return query.with_for_update(of=Task) if lock else query


def _my_cart(session: Session, operator_id: int, *, lock: bool = False) -> list[CartRow]:
    """The picker's tasks in pick order, each with what the cart's view shows of it, in one
    statement (locking only the tasks)."""
    rows = session.execute(_my_cart_statement(lock), {"operator_id": operator_id})
    return [(task, order, tote, wave) for task, order, tote, wave in rows]


def _cart_view(rows: list[CartRow]) -> CartView:
    if not rows:
        raise NotFound(_("No cart in progress"), expected=_("a cart"))
    first = rows[0][0]
    slots: dict[int, Slot] = {}
    for task, order, tote, _wave in rows:
        slot = int((task.data or {}).get("slot", 1))
        slots.setdefault(slot, Slot(slot, order or str((task.data or {}).get("order", "")), tote))
    cart = str((first.data or {}).get("cart", ""))
    return CartView(
        first.cluster, rows[0][3] or "", cart, tuple(slots[k] for k in sorted(slots)), len(rows)
    )


def current_cart(session: Session, operator_id: int) -> CartView | None:
    """The cart this picker is working (after a disconnect too), or None."""
    rows = _my_cart(session, operator_id)
    return _cart_view(rows) if rows else None


# the first cluster the picker holds, and the kind of the scanned cart: one statement
_HELD_OR_CART = select(
    _my_tasks_query(bindparam("operator_id"))
    .with_only_columns(Task.cluster)
    .limit(1)
    .scalar_subquery(),
    select(Container.kind).where(Container.code == bindparam("cart_code")).scalar_subquery(),
)


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
        # the cart they hold, else the scanned cart: one statement
        held, kind = session.execute(
            _HELD_OR_CART, {"operator_id": operator_id, "cart_code": cart_code}
        ).one()
        if held is not None:
            return {"cluster": held}
        if kind != ContainerKind.CART.value:
            message, expected = _not_a(cart_code, ContainerKind.CART.value)
            raise WrongScan(message, expected=expected)
        for _attempt in range(_CLAIM_ATTEMPTS):
            head = clusters.next_open(session, warehouse_id)
            if head is None:
                break
            cluster_id, wave_id, cluster = head
            rows = _open_cluster(session, warehouse_id, wave_id, cluster)
            if rows:
                break
            clusters.settle(session, wave_id, cluster)  # out of step: mend it, take the next
        else:
            head = None
        if head is None:
            raise NotFound(_("No picking work waiting"), expected=_("a released wave"))
        tasks = [row[0] for row in rows]
        _route_cart(tasks, rows)
        for task in tasks:  # the same columns for every task: one batched UPDATE
            task.assignee_id = operator_id
            task.status = TaskStatus.ASSIGNED.value
            task.data = {**(task.data or {}), "cart": cart_code}
            flag_modified(task, "sequence")
        session.flush()
        clusters.mark_claimed(session, cluster_id, operator_id)
        claimed.extend(
            sorted(
                ((task, order, tote, wave) for task, order, tote, wave, *_place in rows),
                key=lambda r: (r[0].sequence, r[0].id),
            )
        )
        return {"cluster": cluster}

    claimed: list[CartRow] = []
    once(session, scan_id, "pick.claim_cart", work)
    return _cart_view(claimed or _my_cart(session, operator_id))


def _open_cluster(session: Session, warehouse_id: int, wave_id: int, cluster: str) -> list:
    """The cluster's open pick tasks in sequence, locked (skipping any another picker holds),
    each with its cart view's columns, its location's place on the layout and the
    warehouse's layout: the claim reads what it routes and shows in one statement."""
    params = {"warehouse_id": warehouse_id, "wave_id": wave_id, "cluster": cluster}
    return list(session.execute(_open_cluster_statement(), params))


@functools.cache
def _open_cluster_statement():  # type: ignore[no-untyped-def]
    layout = layout_subquery(bindparam("warehouse_id"))
    return (
        _cart_query(
            select(Task)
            .where(
                Task.wave_id == bindparam("wave_id"),
                Task.cluster == bindparam("cluster"),
                Task.status == TaskStatus.OPEN.value,
                Task.kind == TaskKind.PICK.value,
            )
            .order_by(Task.sequence, Task.id)
        )
        .add_columns(Location.aisle, Location.position, Location.code, *layout.c)
        .outerjoin(Location, Location.id == Task.from_location_id)
        .join(layout, true())
        .with_for_update(skip_locked=True, of=Task)
    )


def _route_cart(tasks: list[Task], rows: list) -> None:
    """Sequence a claimed cart along the exact pick path (release used a cheap heuristic).
    `rows`: the tasks as `_open_cluster` read them, with their places and the layout."""
    if len(tasks) < 2:
        return
    layout, first_aisle = layout_of(*rows[0][7:11])
    stops = [(i, row[4], row[5], row[6] or "") for i, row in enumerate(rows)]
    base = min(t.sequence for t in tasks)
    for offset, index in enumerate(
        sequence_cluster(layout, first_aisle, stops, CLAIM_ROUTE_METHOD)
    ):
        tasks[index].sequence = base + offset


@functools.cache
def _tote_statement(with_drop: bool):  # type: ignore[no-untyped-def]
    """The tote by its code, the picks heading into it, the stock in it and (`with_drop`)
    the drop locations of the warehouse: built once, the code and warehouse bound."""
    columns = [
        Container.id,
        Container.kind,
        Container.location_id,
        select(func.count())
        .select_from(Task)
        .where(
            Task.to_container_id == Container.id,
            Task.kind == TaskKind.PICK.value,
            Task.status.in_(MINE),
        )
        .scalar_subquery(),
        select(func.coalesce(func.sum(Balance.quantity), 0))
        .where(Balance.container_id == Container.id)
        .scalar_subquery(),
    ]
    if with_drop:
        columns += _drop_locations(bindparam("warehouse_id"))
    return select(*columns).where(Container.code == bindparam("tote_code"))


def assign_tote(
    session: Session, operator_id: int, tote_code: str, *, scan_id: str | None = None
) -> CartView:
    """Put the scanned tote in the cart's next empty order slot."""
    after: list[CartView] = []  # the view with the tote in its slot (not on a replay)

    def work() -> dict:
        rows = _my_cart(session, operator_id, lock=True)
        view = _cart_view(rows)
        slot = view.next_slot
        if slot is None:
            raise Conflict(_("Every order on this cart has a tote"), expected=_("the first pick"))
        tasks = [row[0] for row in rows]
        slot_tasks = [t for t in tasks if int((t.data or {}).get("slot", 1)) == slot.slot]
        # a task made with its destination (a kit work order's, the kitting bench) keeps it
        drop = slot_tasks[0].to_location_id
        # the tote, the picks heading into it, the stock in it and, when needed, the drop
        # location: one statement
        found = session.execute(
            _tote_statement(drop is None),
            {"tote_code": tote_code, "warehouse_id": tasks[0].warehouse_id},
        ).one_or_none()
        if found is None or found[1] != ContainerKind.TOTE.value:
            message, expected = _not_a(tote_code, ContainerKind.TOTE.value)
            raise WrongScan(message, expected=expected)
        tote_id, _kind, tote_location_id, busy, holding, *drops = found
        if any(s.tote == tote_code for s in view.slots):
            raise WrongScan(
                _("Tote {tote} is already on this cart", tote=tote_code), expected=_("another tote")
            )
        if busy or holding:
            raise WrongScan(
                _("Tote {tote} is not empty or is on another cart", tote=tote_code),
                expected=_("an empty tote"),
            )
        if drop is None:
            drop = next((d for d in drops if d is not None), None)
            if drop is None:
                raise _no_drop_location()
        if tote_location_id != drop:  # a tote back from the pack bench is there already
            session.execute(
                update(Container)
                .where(Container.id == tote_id)
                .values(location_id=drop)
                .execution_options(synchronize_session=False)
            )
        for task in slot_tasks:
            task.to_container_id = tote_id
            task.to_location_id = drop
        session.flush()
        # the same tasks, each of this slot now in the tote: the cart's view without reading
        # the tasks, orders and totes again
        slots = tuple(replace(s, tote=tote_code) if s.slot == slot.slot else s for s in view.slots)
        after.append(replace(view, slots=slots))
        return {"slot": slot.slot, "tote": tote_code}

    once(session, scan_id, "pick.assign_tote", work)
    if after:
        return after[0]
    return _cart_view(_my_cart(session, operator_id))


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


_DROP_KINDS = (LocationKind.PACK_BENCH.value, LocationKind.STAGING.value)


def _drop_locations(warehouse_id) -> list:  # type: ignore[no-untyped-def]
    """The first location of each kind picked totes go to, in order of preference."""
    return [
        select(Location.id)
        .where(Location.warehouse_id == warehouse_id, Location.kind == kind)
        .order_by(Location.code)
        .limit(1)
        .scalar_subquery()
        for kind in _DROP_KINDS
    ]


def _no_drop_location() -> NotFound:
    return NotFound(
        _("The warehouse has no pack bench or staging location for picked totes"),
        expected=_("a pack bench location"),
    )


def drop_location_id(session: Session, warehouse_id: int) -> int:
    found = session.execute(select(*_drop_locations(warehouse_id))).one()
    drop = next((d for d in found if d is not None), None)
    if drop is None:
        raise _no_drop_location()
    return drop


__all__ = [
    "CartView",
    "Slot",
    "assign_tote",
    "claim_cart",
    "current_cart",
    "release_cart",
    "start_cart",
]
