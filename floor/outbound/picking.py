"""Cluster picking: claim a cart's worth of pick tasks, then confirm location, item, quantity, tote.

A picker scans a cart, which claims the next cluster of open pick tasks of a released wave
(`claim_cart`: SELECT ... FOR UPDATE SKIP LOCKED on the cluster's first task, then every
open task of that cluster is assigned in the same transaction, so two pickers never get the
same task). One tote is scanned per order slot. The picker is then led task by task in the
cluster's pick-path sequence; every scan is checked here against the task and a wrong one
raises WrongScan naming what was expected.

Where picked stock is: a confirmed pick moves the units through the ledger from the pick
location into the tote container at the warehouse's pick drop location (the first pack
bench, else the first staging location), consuming their reservation. The tote travels on
the cart to that drop point; the ledger shows it there from the first pick on.

Short picks (BIDP partial, BIDF full denial): the found units are picked, the rest of the
reservation is released, the remainder is re-allocated from another location (a new task
at the end of the cart's sequence) when there is stock, else the line is recorded short,
a count task is created for the location and, when it is a pick face, replenishment is
requested.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from floor.errors import Conflict, InvalidInput, NotFound, WrongScan
from floor.i18n import _, ngettext
from floor.models import (
    Balance,
    Container,
    ContainerKind,
    Item,
    Location,
    LocationKind,
    OrderStatus,
    Role,
    SalesOrder,
    SalesOrderLine,
    Task,
    TaskKind,
    TaskStatus,
    Wave,
    WaveStatus,
)
from floor.operators import require_role
from floor.outbound.allocation import allocate_line, load_candidates
from floor.outbound.pick_sequence import location_places, sequence_cluster, warehouse_layout
from floor.outbound.wave_progress import complete_wave_if_done
from floor.stock import ledger
from floor.stock.catalog import find_item_for_barcode
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, Change, StockKey

MINE = (TaskStatus.ASSIGNED.value, TaskStatus.IN_PROGRESS.value)
BIDP = "BIDP"  # partial pick denial
BIDF = "BIDF"  # full pick denial
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


@dataclass(frozen=True)
class PickView:
    """What the screen shows for the current pick. Never the location's check digits."""

    task_id: int
    cluster: str
    location: str
    sku: str
    description: str
    quantity: int
    quantity_done: int
    lot: str
    expiry: dt.date | None
    tote: str
    slot: int
    order: str
    position: int  # 1-based among the cart's picks
    remaining_tasks: int  # this one included
    lot_tracked: bool

    @property
    def remaining(self) -> int:
        return self.quantity - self.quantity_done


@dataclass(frozen=True)
class PickOutcome:
    task_id: int
    picked: int
    task_done: bool
    cart_done: bool
    exception_code: str = ""
    reallocated_to: tuple[str, ...] = ()
    shortage: int = 0
    count_task_id: int | None = None


# --- claiming a cart -------------------------------------------------------------------------


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


def _my_tasks(session: Session, operator_id: int, *, lock: bool = False) -> list[Task]:
    query = (
        select(Task)
        .where(
            Task.assignee_id == operator_id, Task.kind == TaskKind.PICK.value, Task.status.in_(MINE)
        )
        .order_by(Task.sequence, Task.id)
    )
    if lock:
        query = query.with_for_update()
    return list(session.scalars(query))


def _cart_view(session: Session, tasks: list[Task]) -> CartView:
    if not tasks:
        raise NotFound(_("No cart in progress"), expected=_("a cart"))
    first = tasks[0]
    wave_code = session.scalar(select(Wave.code).where(Wave.id == first.wave_id)) or ""
    slots: dict[int, Slot] = {}
    line_ids = {t.order_line_id for t in tasks}
    orders = dict(
        session.execute(
            select(SalesOrderLine.id, SalesOrder.number)
            .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
            .where(SalesOrderLine.id.in_(line_ids))
        ).all()
    )
    totes = dict(
        session.execute(
            select(Container.id, Container.code).where(
                Container.id.in_({t.to_container_id for t in tasks if t.to_container_id})
            )
        ).all()
    )
    for task in tasks:
        slot = int((task.data or {}).get("slot", 1))
        slots.setdefault(
            slot, Slot(slot, orders.get(task.order_line_id, ""), totes.get(task.to_container_id))
        )
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
        other = aliased(Task)
        first_open = (
            select(func.min(other.sequence))
            .where(
                other.wave_id == Task.wave_id,
                other.cluster == Task.cluster,
                other.status == TaskStatus.OPEN.value,
            )
            .scalar_subquery()
        )
        head = session.execute(
            select(Task.id, Task.wave_id, Task.cluster)
            .join(Wave, Wave.id == Task.wave_id)
            .where(
                Task.kind == TaskKind.PICK.value,
                Task.status == TaskStatus.OPEN.value,
                Task.warehouse_id == warehouse_id,
                Wave.status == WaveStatus.RELEASED.value,
                Task.sequence == first_open,
            )
            .order_by(Wave.released_at, Wave.id, Task.cluster, Task.sequence, Task.id)
            .limit(1)
            .with_for_update(of=Task, skip_locked=True)
        ).one_or_none()
        if head is None:
            raise NotFound(_("No picking work waiting"), expected=_("a released wave"))
        _tid, wave_id, cluster = head
        tasks = list(
            session.scalars(
                select(Task)
                .where(
                    Task.wave_id == wave_id,
                    Task.cluster == cluster,
                    Task.status == TaskStatus.OPEN.value,
                )
                .with_for_update(skip_locked=True)
            )
        )
        for task in tasks:
            task.assignee_id = operator_id
            task.status = TaskStatus.ASSIGNED.value
            task.data = {**(task.data or {}), "cart": cart.code}
        _route_cart(session, tasks)
        session.flush()
        return {"cluster": cluster}

    once(session, scan_id, "pick.claim_cart", work)
    return _cart_view(session, _my_tasks(session, operator_id))


def _route_cart(session: Session, tasks: list[Task]) -> None:
    """Sequence a claimed cart along the exact pick path (release used a cheap heuristic)."""
    if len(tasks) < 2:
        return
    layout, first_aisle = warehouse_layout(session, tasks[0].warehouse_id)
    ids = {t.from_location_id for t in tasks if t.from_location_id is not None}
    places = location_places(session, ids)
    codes = dict(
        session.execute(select(Location.id, Location.code).where(Location.id.in_(ids))).all()
    )
    stops = [
        (i, *places.get(t.from_location_id or 0, (None, None)), codes.get(t.from_location_id, ""))
        for i, t in enumerate(tasks)
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
        busy = session.scalar(
            select(func.count())
            .select_from(Task)
            .where(
                Task.to_container_id == tote.id,
                Task.kind == TaskKind.PICK.value,
                Task.status.in_(MINE),
            )
        )
        holding = session.scalar(
            select(func.coalesce(func.sum(Balance.quantity), 0)).where(
                Balance.container_id == tote.id
            )
        )
        if busy or holding:
            raise WrongScan(
                _("Tote {tote} is not empty or is on another cart", tote=tote.code),
                expected=_("an empty tote"),
            )
        drop = drop_location_id(session, tasks[0].warehouse_id)
        tote.location_id = drop
        for task in tasks:
            if int((task.data or {}).get("slot", 1)) == slot.slot:
                task.to_container_id = tote.id
                task.to_location_id = drop
        session.flush()
        return {"slot": slot.slot, "tote": tote.code}

    once(session, scan_id, "pick.assign_tote", work)
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


# --- the current pick ------------------------------------------------------------------------


def _current_task(session: Session, operator_id: int, task_id: int | None = None) -> Task:
    tasks = _my_tasks(session, operator_id, lock=True)
    if not tasks:
        raise NotFound(_("No pick in progress"), expected=_("a cart"))
    if any(t.to_container_id is None for t in tasks):
        raise Conflict(_("Scan a tote for every order first"), expected=_("a tote"))
    task = tasks[0]
    if task_id is not None and task.id != task_id:
        raise Conflict(
            _("This pick was already done; the next one is shown"), expected=_("the next pick")
        )
    return task


def next_pick(session: Session, operator_id: int) -> PickView | None:
    """The pick to do now, or None when the cart is done."""
    tasks = _my_tasks(session, operator_id)
    if not tasks:
        return None
    task = tasks[0]
    location = session.get(Location, task.from_location_id)
    item = session.get(Item, task.item_id)
    tote = session.get(Container, task.to_container_id) if task.to_container_id else None
    order = session.scalar(
        select(SalesOrder.number)
        .join(SalesOrderLine, SalesOrderLine.order_id == SalesOrder.id)
        .where(SalesOrderLine.id == task.order_line_id)
    )
    assert location is not None and item is not None
    finished = session.scalar(
        select(func.count())
        .select_from(Task)
        .where(
            Task.wave_id == task.wave_id,
            Task.cluster == task.cluster,
            Task.assignee_id == operator_id,
            Task.status.in_((TaskStatus.DONE.value, TaskStatus.SHORT.value)),
        )
    )
    return PickView(
        task_id=task.id,
        cluster=task.cluster,
        location=location.code,
        sku=item.sku,
        description=item.description,
        quantity=task.quantity,
        quantity_done=task.quantity_done,
        lot=task.lot,
        expiry=task.expiry,
        tote=tote.code if tote else "",
        slot=int((task.data or {}).get("slot", 1)),
        order=order or "",
        position=int(finished or 0) + 1,
        remaining_tasks=len(tasks),
        lot_tracked=item.lot_tracked,
    )


def confirm_location(
    session: Session,
    operator_id: int,
    task_id: int,
    *,
    code: str | None = None,
    check_digits: str | None = None,
    scan_id: str | None = None,
) -> PickView:
    """The picker is at the task's location: its barcode or its check digits were scanned."""

    def work() -> dict:
        task = _current_task(session, operator_id, task_id)
        location = session.get(Location, task.from_location_id)
        assert location is not None
        if code is not None and code != location.code:
            raise WrongScan(
                _(
                    "Wrong location {scanned}: go to {location}",
                    scanned=code,
                    location=location.code,
                ),
                expected=location.code,
            )
        if check_digits is not None and check_digits != location.check_digit:
            raise WrongScan(
                _("Wrong check digits for {location}", location=location.code),
                expected=_("the check digits on the label of {location}", location=location.code),
            )
        if code is None and check_digits is None:
            raise InvalidInput(_("Scan the location"), expected=location.code)
        if task.status != TaskStatus.IN_PROGRESS.value:
            task.status = TaskStatus.IN_PROGRESS.value
            session.flush()
        return {"task_id": task.id}

    once(session, scan_id, "pick.confirm_location", work)
    view = next_pick(session, operator_id)
    assert view is not None
    return view


def _item_for_barcode(session: Session, gtin: str) -> tuple[int, int] | None:
    """(item id, units per scan) for a GTIN, however its barcode was stored."""
    found = find_item_for_barcode(session, gtin)
    return (found[0].id, found[1]) if found else None


def confirm_item(
    session: Session,
    operator_id: int,
    task_id: int,
    gtin: str,
    lot: str | None = None,
    expiry: dt.date | None = None,
    *,
    actor: Actor | None = None,
    scan_id: str | None = None,
    today: dt.date | None = None,
) -> PickView:
    """The item scanned is the task's: right GTIN, and the allocated lot or an allowed FEFO
    substitute (same location, not expired, expiring no later than the allocated lot, enough
    free units). A substitute swaps the reservation to the scanned lot through the ledger."""
    actor = actor or Actor(operator_id)

    def work() -> dict:
        task = _current_task(session, operator_id, task_id)
        item = session.get(Item, task.item_id)
        assert item is not None
        found = _item_for_barcode(session, gtin)
        if found is None or found[0] != item.id:
            raise WrongScan(
                _(
                    "Wrong item: expected {sku} ({description})",
                    sku=item.sku,
                    description=item.description,
                ),
                expected=item.gtin or item.sku,
            )
        if not item.lot_tracked or lot == task.lot:
            return {"lot": task.lot}
        if not lot:
            raise WrongScan(
                _("Scan the label with the lot: expected lot {lot}", lot=task.lot),
                expected=task.lot,
            )
        _substitute(session, task, item, lot, expiry, actor, today or dt.date.today())
        return {"lot": lot}

    once(session, scan_id, "pick.confirm_item", work)
    view = next_pick(session, operator_id)
    assert view is not None
    return view


def _substitute(
    session: Session,
    task: Task,
    item: Item,
    lot: str,
    expiry: dt.date | None,
    actor: Actor,
    today: dt.date,
) -> None:
    wrong = WrongScan(
        _("Wrong lot {scanned}: expected lot {lot}", scanned=lot, lot=task.lot), expected=task.lot
    )
    if item.allocation != "fefo":
        raise wrong
    query = select(Balance).where(
        Balance.location_id == task.from_location_id,
        Balance.item_id == task.item_id,
        Balance.lot == lot,
        Balance.container_id.is_(None)
        if task.container_id is None
        else Balance.container_id == task.container_id,
    )
    if expiry is not None:
        query = query.where(Balance.expiry == expiry)
    balance = session.scalars(query.with_for_update()).first()
    remaining = task.quantity - task.quantity_done
    if (
        balance is None
        or (balance.expiry is not None and balance.expiry < today)
        or (task.expiry is not None and (balance.expiry is None or balance.expiry > task.expiry))
        or balance.quantity - balance.reserved < remaining
    ):
        raise wrong
    old = StockKey(task.from_location_id, task.item_id, task.lot, task.expiry, task.container_id)
    new = ledger.key_of(balance)
    ledger.post(
        session,
        "reserve",
        [Change(old, 0, -remaining), Change(new, 0, remaining)],
        actor=actor,
        reason="lot substitution",
        reference=task.cluster,
    )
    task.lot, task.expiry = new.lot, new.expiry
    task.data = {**(task.data or {}), "substituted_lot": old.lot}
    session.flush()


def _tote_check(session: Session, task: Task, tote_code: str) -> None:
    tote = session.get(Container, task.to_container_id) if task.to_container_id else None
    if tote is None or tote.code != tote_code:
        expected = tote.code if tote else ""
        raise WrongScan(
            _("Wrong tote {scanned}: put it in {tote}", scanned=tote_code, tote=expected),
            expected=expected,
        )


def _take(session: Session, task: Task, quantity: int, actor: Actor, scan_id: str | None) -> None:
    """Move `quantity` of the task into its tote, consuming the reservation."""
    source = StockKey(task.from_location_id, task.item_id, task.lot, task.expiry, task.container_id)
    assert task.to_location_id is not None
    ledger.move(
        session,
        source,
        quantity,
        task.to_location_id,
        to_container_id=task.to_container_id,
        release_reserved=quantity,
        actor=actor,
        reason="pick",
        reference=task.cluster,
        scan_id=scan_id,
        kind="pick",
    )
    task.quantity_done += quantity
    line = session.get(SalesOrderLine, task.order_line_id, with_for_update=True)
    if line is not None:
        line.quantity_picked += quantity


def _close_task(session: Session, task: Task, status: str) -> bool:
    """Finish a task; update its order line and order; True when the picker's cart is done."""
    task.status = status
    session.flush()
    line = session.get(SalesOrderLine, task.order_line_id)
    if line is not None:
        live = session.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.order_line_id == line.id, Task.status.in_((TaskStatus.OPEN.value, *MINE)))
        )
        if not live:
            line.status = "picked" if line.quantity_picked >= line.quantity_ordered else "short"
        order = session.get(SalesOrder, line.order_id)
        if order is not None:
            open_lines = session.scalar(
                select(func.count())
                .select_from(SalesOrderLine)
                .where(
                    SalesOrderLine.order_id == order.id,
                    SalesOrderLine.status.notin_(("picked", "short")),
                )
            )
            order.status = OrderStatus.PICKING.value if open_lines else OrderStatus.PICKED.value
    session.flush()
    if task.wave_id is not None:
        complete_wave_if_done(session, task.wave_id)
    assert task.assignee_id is not None
    return not _my_tasks(session, task.assignee_id)


def confirm_pick(
    session: Session,
    operator_id: int,
    task_id: int,
    quantity: int,
    tote_code: str,
    *,
    actor: Actor | None = None,
    scan_id: str | None = None,
) -> PickOutcome:
    """`quantity` units went into the tote. The task is done when all its units are picked."""
    actor = actor or Actor(operator_id)

    def work() -> dict:
        task = _current_task(session, operator_id, task_id)
        remaining = task.quantity - task.quantity_done
        if not isinstance(quantity, int) or quantity <= 0:
            raise InvalidInput(
                _("Quantity: expected a whole number above zero"), expected=str(remaining)
            )
        if quantity > remaining:
            raise WrongScan(
                _("Over-pick: only {remaining} to pick here", remaining=remaining),
                expected=_("at most {remaining}", remaining=remaining),
            )
        _tote_check(session, task, tote_code)
        _take(session, task, quantity, actor, scan_id)
        done = task.quantity_done >= task.quantity
        cart_done = _close_task(session, task, TaskStatus.DONE.value) if done else False
        session.flush()
        return {"task_id": task.id, "picked": quantity, "task_done": done, "cart_done": cart_done}

    result, _replayed = once(session, scan_id, "pick.confirm", work)
    return PickOutcome(**result)


def short_pick(
    session: Session,
    operator_id: int,
    task_id: int,
    quantity_found: int,
    tote_code: str | None = None,
    *,
    actor: Actor | None = None,
    scan_id: str | None = None,
    today: dt.date | None = None,
) -> PickOutcome:
    """Fewer units at the location than the task asks (none: full denial).

    The found units go into the tote; the rest of the reservation here is released, then
    re-allocated elsewhere (a new task for this cart) or recorded short with a count task.
    """
    actor = actor or Actor(operator_id)

    def work() -> dict:
        task = _current_task(session, operator_id, task_id)
        remaining = task.quantity - task.quantity_done
        if not isinstance(quantity_found, int) or quantity_found < 0 or quantity_found >= remaining:
            raise InvalidInput(
                _("A short pick finds fewer than {remaining}", remaining=remaining),
                expected=_("0 to {n}", n=remaining - 1),
            )
        if quantity_found:
            _tote_check(session, task, tote_code or "")
            _take(session, task, quantity_found, actor, scan_id)
        missing = remaining - quantity_found
        code = BIDP if quantity_found else BIDF
        source = StockKey(
            task.from_location_id, task.item_id, task.lot, task.expiry, task.container_id
        )
        ledger.post(
            session,
            "release",
            [Change(source, 0, -missing)],
            actor=actor,
            reason=code,
            reference=task.cluster,
        )
        task.exception_code = code
        task.quantity = task.quantity_done
        task.reason = _("short {missing}", missing=missing)
        new_tasks = _reallocate(session, task, missing, actor, today or dt.date.today())
        found_elsewhere = sum(t.quantity for t in new_tasks)
        shortage = missing - found_elsewhere
        line = session.get(SalesOrderLine, task.order_line_id, with_for_update=True)
        if line is not None and shortage:
            line.quantity_allocated -= shortage
        count_id = _count_and_replenish(session, task, code)
        cart_done = _close_task(session, task, TaskStatus.SHORT.value)
        locations = [
            session.scalar(select(Location.code).where(Location.id == t.from_location_id)) or ""
            for t in new_tasks
        ]
        session.flush()
        return {
            "task_id": task.id,
            "picked": quantity_found,
            "task_done": True,
            "cart_done": cart_done and not new_tasks,
            "exception_code": code,
            "reallocated_to": locations,
            "shortage": shortage,
            "count_task_id": count_id,
        }

    result, _replayed = once(session, scan_id, "pick.short", work)
    result["reallocated_to"] = tuple(result["reallocated_to"])
    return PickOutcome(**result)


def _reallocate(
    session: Session, task: Task, missing: int, actor: Actor, today: dt.date
) -> list[Task]:
    item = session.get(Item, task.item_id)
    assert item is not None
    fefo = {item.id} if item.allocation == "fefo" else set()
    pool = load_candidates(
        session,
        task.warehouse_id,
        [item.id],
        fefo,
        today=today,
        exclude_location_ids=[task.from_location_id] if task.from_location_id else [],
    )
    picks = allocate_line(pool, item.id, missing, bool(fefo))
    if not picks:
        return []
    ledger.post(
        session,
        "reserve",
        [Change(p.candidate.key, 0, p.quantity) for p in picks],
        actor=actor,
        reason="reallocation",
        reference=task.cluster,
    )
    last = (
        session.scalar(
            select(func.max(Task.sequence)).where(
                Task.wave_id == task.wave_id, Task.cluster == task.cluster
            )
        )
        or 0
    )
    created = []
    for offset, pick in enumerate(picks, start=1):
        key = pick.candidate.key
        new = Task(
            warehouse_id=task.warehouse_id,
            kind=TaskKind.PICK.value,
            status=TaskStatus.ASSIGNED.value,
            assignee_id=task.assignee_id,
            item_id=key.item_id,
            lot=key.lot,
            expiry=key.expiry,
            from_location_id=key.location_id,
            to_location_id=task.to_location_id,
            container_id=key.container_id,
            to_container_id=task.to_container_id,
            order_line_id=task.order_line_id,
            wave_id=task.wave_id,
            cluster=task.cluster,
            sequence=last + offset,
            quantity=pick.quantity,
            data={**(task.data or {}), "replaces": task.id},
        )
        session.add(new)
        created.append(new)
    session.flush()
    return created


def _count_and_replenish(session: Session, task: Task, code: str) -> int | None:
    assert task.from_location_id is not None and task.item_id is not None
    reason = _("pick denial {code} in {cluster}", code=code, cluster=task.cluster)
    try:
        from floor.stock.counting import create_count_task_for_short_pick
    except ImportError:
        create_count_task_for_short_pick = None  # type: ignore[assignment]
    if create_count_task_for_short_pick is not None:
        created = create_count_task_for_short_pick(
            session, task.from_location_id, task.item_id, reason
        )
        count_id = getattr(created, "id", created)
    else:
        count = Task(
            warehouse_id=task.warehouse_id,
            kind=TaskKind.COUNT.value,
            status=TaskStatus.OPEN.value,
            item_id=task.item_id,
            from_location_id=task.from_location_id,
            reason=reason,
            exception_code=code,
            data={"source_task": task.id},
        )
        session.add(count)
        session.flush()
        count_id = count.id
    location = session.get(Location, task.from_location_id)
    if location is not None and location.pickable:
        try:
            from floor.stock.replenishment import request_replenishment
        except ImportError:
            request_replenishment = None  # type: ignore[assignment]
        if request_replenishment is not None:
            request_replenishment(session, task.from_location_id, task.item_id)
    return int(count_id) if count_id is not None else None


def skip_pick(
    session: Session, operator_id: int, task_id: int, *, scan_id: str | None = None
) -> PickView | None:
    """Come back to this pick later: it moves to the end of the cart's sequence."""

    def work() -> dict:
        task = _current_task(session, operator_id, task_id)
        last = (
            session.scalar(
                select(func.max(Task.sequence)).where(
                    Task.wave_id == task.wave_id, Task.cluster == task.cluster
                )
            )
            or 0
        )
        task.sequence = last + 1
        task.data = {**(task.data or {}), "skipped": int((task.data or {}).get("skipped", 0)) + 1}
        session.flush()
        return {"task_id": task.id}

    once(session, scan_id, "pick.skip", work)
    return next_pick(session, operator_id)


def open_tasks_in_wave(session: Session, wave_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Task)
            .where(
                Task.wave_id == wave_id,
                or_(Task.status == TaskStatus.OPEN.value, Task.status.in_(MINE)),
            )
        )
        or 0
    )


__all__ = [
    "BIDF",
    "BIDP",
    "CartView",
    "PickOutcome",
    "PickView",
    "Slot",
    "assign_tote",
    "claim_cart",
    "confirm_item",
    "confirm_location",
    "confirm_pick",
    "current_cart",
    "next_pick",
    "release_cart",
    "short_pick",
    "skip_pick",
    "start_cart",
]
