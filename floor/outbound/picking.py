"""Cluster picking: confirm location, item, quantity and tote, pick by pick along the cart.

Once a cart is claimed and has a tote per order slot (floor.outbound.carts), the picker is
led task by task in the cluster's pick-path sequence; every scan is checked here against the
task and a wrong one raises WrongScan naming what was expected. A lot-tracked item may be
picked from another lot of the same location when FEFO allows it (a substitute): the
reservation is swapped to the scanned lot through the ledger. A pick can be skipped to the
end of the cart; a short one is floor.outbound.short_picks. The order becomes `picking` with
its first unit picked and `picked` once every line is picked or closed short.

Where picked stock is: a confirmed pick moves the units through the ledger from the pick
location into the tote container at the warehouse's pick drop location (the first pack
bench, else the first staging location), consuming their reservation. The tote travels on
the cart to that drop point; the ledger shows it there from the first pick on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from floor.errors import Conflict, InvalidInput, NotFound, WrongScan
from floor.i18n import _
from floor.models import (
    Balance,
    Container,
    Item,
    Location,
    OrderStatus,
    Role,
    SalesOrder,
    SalesOrderLine,
    Task,
    TaskStatus,
)
from floor.operators import require_role
from floor.outbound import clusters
from floor.outbound.carts import MINE, _my_tasks
from floor.outbound.wave_progress import complete_wave_if_done
from floor.stock import ledger
from floor.stock.catalog import find_item_for_barcode
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, Change, StockKey


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


# --- the current pick ------------------------------------------------------------------------


def require_picker(session: Session, operator_id: int) -> None:
    """Every pick step checks the picker as they are now (active, still a picker), not only
    when the cart was claimed: one lookup per transaction (floor.operators)."""
    require_role(session, operator_id, Role.PICKER.value)


def _current_task(session: Session, operator_id: int, task_id: int | None = None) -> Task:
    return _current_tasks(session, operator_id, task_id)[0]


def _current_tasks(session: Session, operator_id: int, task_id: int | None = None) -> list[Task]:
    """The picker's tasks, locked, in pick order; the first is the current one."""
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
    return tasks


def next_pick(
    session: Session, operator_id: int, tasks: list[Task] | None = None
) -> PickView | None:
    """The pick to do now, or None when the cart is done. `tasks`: the picker's tasks as
    this transaction already read them (a confirm step locked them), to read them once."""
    if tasks is None:
        tasks = _my_tasks(session, operator_id)
    if not tasks:
        return None
    task = tasks[0]
    # the location, item, tote, order and the cart's finished picks in one round trip
    finished = (
        select(func.count())
        .select_from(Task)
        .where(
            Task.wave_id == task.wave_id,
            Task.cluster == task.cluster,
            Task.assignee_id == operator_id,
            Task.status.in_((TaskStatus.DONE.value, TaskStatus.SHORT.value)),
        )
        .scalar_subquery()
    )
    order = (
        select(SalesOrder.number)
        .join(SalesOrderLine, SalesOrderLine.order_id == SalesOrder.id)
        .where(SalesOrderLine.id == task.order_line_id)
        .scalar_subquery()
    )
    tote = select(Container.code).where(Container.id == task.to_container_id).scalar_subquery()
    row = session.execute(
        select(
            Location.code,
            Item.sku,
            Item.description,
            Item.lot_tracked,
            tote,
            order,
            finished,
        )
        .select_from(Location)
        .join(Item, Item.id == task.item_id)
        .where(Location.id == task.from_location_id)
    ).one_or_none()
    assert row is not None
    location_code, sku, description, lot_tracked, tote_code, order_number, done = row
    return PickView(
        task_id=task.id,
        cluster=task.cluster,
        location=location_code,
        sku=sku,
        description=description,
        quantity=task.quantity,
        quantity_done=task.quantity_done,
        lot=task.lot,
        expiry=task.expiry,
        tote=tote_code or "",
        slot=int((task.data or {}).get("slot", 1)),
        order=order_number or str((task.data or {}).get("order", "")),
        position=int(done or 0) + 1,
        remaining_tasks=len(tasks),
        lot_tracked=bool(lot_tracked),
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
    require_picker(session, operator_id)
    held: list[list[Task]] = []  # the tasks work() locked, for the view (not on a replay)

    def work() -> dict:
        tasks = _current_tasks(session, operator_id, task_id)
        held.append(tasks)
        task = tasks[0]
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
    view = next_pick(session, operator_id, held[0] if held else None)
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
    require_picker(session, operator_id)
    actor = actor or Actor(operator_id)
    held: list[list[Task]] = []  # the tasks work() locked, for the view (not on a replay)

    def work() -> dict:
        tasks = _current_tasks(session, operator_id, task_id)
        held.append(tasks)
        task = tasks[0]
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
    view = next_pick(session, operator_id, held[0] if held else None)
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
    old = StockKey(task.from_location_id, task.item_id, task.lot, task.expiry, task.container_id)
    found = session.scalars(query).first()
    if found is None:
        raise wrong
    # both balances locked in the ledger's order before the swap reads the scanned lot
    ledger.lock_keys(session, [old, ledger.key_of(found)])
    balance = session.scalars(
        query.where(Balance.id == found.id).execution_options(populate_existing=True)
    ).first()
    remaining = task.quantity - task.quantity_done
    if (
        balance is None
        or (balance.expiry is not None and balance.expiry < today)
        or (task.expiry is not None and (balance.expiry is None or balance.expiry > task.expiry))
        or balance.quantity - balance.reserved < remaining
    ):
        raise wrong
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


def _take(
    session: Session, task: Task, quantity: int, actor: Actor, scan_id: str | None
) -> tuple[SalesOrderLine | None, SalesOrder | None]:
    """Move `quantity` of the task into its tote, consuming the reservation. Returns the
    order line and order it updated: a caller that goes on to close the task keeps them, so
    they stay in the session (it holds unchanged objects only weakly) and are not read
    again."""
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
    if task.order_line_id is None:  # a kit work order's component pick has no order line
        return None, None
    line = session.get(SalesOrderLine, task.order_line_id, with_for_update=True)
    order = None
    if line is not None:
        line.quantity_picked += quantity
        order = session.get(SalesOrder, line.order_id)
        if order is not None and order.status == OrderStatus.ALLOCATED.value:
            order.status = OrderStatus.PICKING.value  # its first unit is in a tote
    return line, order


def _close_task(session: Session, task: Task, status: str) -> bool:
    """Finish a task; update its order line and order; True when the picker's cart is done."""
    task.status = status
    session.flush()
    line = session.get(SalesOrderLine, task.order_line_id) if task.order_line_id else None
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
    cart_done = not _my_tasks(session, task.assignee_id)
    if cart_done and task.wave_id is not None:
        clusters.settle(session, task.wave_id, task.cluster)  # done, unless given back in part
    return cart_done


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
    require_picker(session, operator_id)
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
        kept = _take(session, task, quantity, actor, scan_id)  # noqa: F841 (see _take)
        done = task.quantity_done >= task.quantity
        cart_done = _close_task(session, task, TaskStatus.DONE.value) if done else False
        session.flush()
        return {"task_id": task.id, "picked": quantity, "task_done": done, "cart_done": cart_done}

    result, _replayed = once(session, scan_id, "pick.confirm", work)
    return PickOutcome(**result)


def skip_pick(
    session: Session, operator_id: int, task_id: int, *, scan_id: str | None = None
) -> PickView | None:
    """Come back to this pick later: it moves to the end of the cart's sequence."""
    require_picker(session, operator_id)

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
    "PickOutcome",
    "PickView",
    "confirm_item",
    "confirm_location",
    "confirm_pick",
    "next_pick",
    "skip_pick",
]
