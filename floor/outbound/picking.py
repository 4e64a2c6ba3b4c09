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
import functools
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import bindparam, case, exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from floor.errors import Conflict, InvalidInput, NotFound, WrongScan
from floor.i18n import _
from floor.models import (
    Balance,
    Container,
    Item,
    ItemBarcode,
    Location,
    OrderStatus,
    Role,
    SalesOrder,
    SalesOrderLine,
    Task,
    TaskKind,
    TaskStatus,
)
from floor.operators import require_role
from floor.outbound import clusters
from floor.outbound.carts import MINE, _my_tasks, _my_tasks_query
from floor.outbound.wave_progress import complete_wave_if_done
from floor.stock import ledger
from floor.stock.catalog import barcode_forms
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


class _Pick(NamedTuple):
    """What the current pick's checks and view read of it, from the statement that locks the
    picker's tasks (only the columns asked for are read; the rest stay None)."""

    location: str | None = None
    check_digit: str | None = None
    sku: str | None = None
    description: str | None = None
    lot_tracked: bool | None = None
    gtin: str | None = None
    allocation: str | None = None
    tote: str | None = None
    order: str | None = None
    finished: int | None = None
    scanned_item_id: int | None = None


_OPERATOR = bindparam("operator_id")
_FORMS = bindparam("barcode_forms", expanding=True)
_SKU = bindparam("scanned_sku")


def _finished():  # type: ignore[no-untyped-def]
    """The picks of the current task's cart this picker has finished, on the current task's
    row only (NULL on the others: the count runs once, not once a task)."""
    done = aliased(Task, name="done")
    current = aliased(Task, name="current")
    first = (
        select(current.id)
        .where(
            current.assignee_id == _OPERATOR,
            current.kind == TaskKind.PICK.value,
            current.status.in_(MINE),
        )
        .order_by(current.sequence, current.id)
        .limit(1)
        .scalar_subquery()
    )
    count = (
        select(func.count())
        .select_from(done)
        .where(
            done.wave_id == Task.wave_id,
            done.cluster == Task.cluster,
            done.assignee_id == _OPERATOR,
            done.status.in_((TaskStatus.DONE.value, TaskStatus.SHORT.value)),
        )
        .scalar_subquery()
    )
    return case((Task.id == first, count))


def _item_scanned():  # type: ignore[no-untyped-def]
    """The id of the item a barcode stands for, as floor.stock.catalog.find_item_for_barcode
    finds it (a barcode first, else the item's GTIN or SKU): a scalar subquery of the
    barcode's forms and the SKU it may be."""
    other = aliased(Item, name="scanned")
    return func.coalesce(
        select(ItemBarcode.item_id)
        .where(ItemBarcode.barcode.in_(_FORMS))
        .order_by(ItemBarcode.id)
        .limit(1)
        .scalar_subquery(),
        select(other.id)
        .where(other.gtin.in_(_FORMS) | (other.sku == _SKU))
        .order_by(other.id)
        .limit(1)
        .scalar_subquery(),
    )


@functools.cache
def _picks_statement(lock: bool, view: bool, tote: bool, item: bool, scanned: bool):  # type: ignore[no-untyped-def]
    """The statement `_picks` runs, and the names of its columns after the task: built once
    per kind (building it is a good part of its cost), the operator and barcode bound."""
    named: dict[str, object] = {}
    query = _my_tasks_query(_OPERATOR)
    if view:
        named |= {"location": Location.code, "check_digit": Location.check_digit}
        query = query.outerjoin(Location, Location.id == Task.from_location_id)
    if view or item:
        named |= {"sku": Item.sku, "description": Item.description}
        named |= {"lot_tracked": Item.lot_tracked}
        if item:
            named |= {"gtin": Item.gtin, "allocation": Item.allocation}
        query = query.outerjoin(Item, Item.id == Task.item_id)
    if view or tote:
        named["tote"] = Container.code
        query = query.outerjoin(Container, Container.id == Task.to_container_id)
    if view:
        named |= {"order": SalesOrder.number, "finished": _finished()}
        query = query.outerjoin(SalesOrderLine, SalesOrderLine.id == Task.order_line_id).outerjoin(
            SalesOrder, SalesOrder.id == SalesOrderLine.order_id
        )
    if scanned:
        named["scanned_item_id"] = _item_scanned()
    query = query.add_columns(*named.values())
    if lock:
        query = query.with_for_update(of=Task)
    return query, tuple(named)


def _picks(
    session: Session,
    operator_id: int,
    *,
    lock: bool,
    view: bool = False,
    tote: bool = False,
    item: bool = False,
    gtin: str | None = None,
) -> tuple[list[Task], _Pick]:
    """The picker's tasks in pick order (locked: `lock`), and what the current one's checks
    and view need, read with them in one statement: its location, item, tote, order and
    the cart's finished picks (`view`), its tote (`tote`), its item's barcode and lot rules
    (`item`), the item `gtin` stands for."""
    query, names = _picks_statement(lock, view, tote, item, gtin is not None)
    params: dict[str, object] = {"operator_id": operator_id}
    if gtin is not None:
        params |= {"barcode_forms": sorted(barcode_forms(gtin)), "scanned_sku": gtin.strip()}
    rows = session.execute(query, params).all()
    tasks = [row[0] for row in rows]
    first = _Pick(**dict(zip(names, rows[0][1:], strict=True))) if rows else _Pick()
    return tasks, first


def _current_task(session: Session, operator_id: int, task_id: int | None = None) -> Task:
    return _current_tasks(session, operator_id, task_id)[0]


def _current_tasks(session: Session, operator_id: int, task_id: int | None = None) -> list[Task]:
    """The picker's tasks, locked, in pick order; the first is the current one."""
    return _current_pick(session, operator_id, task_id)[0]


def _current_pick(
    session: Session, operator_id: int, task_id: int | None = None, **read: object
) -> tuple[list[Task], _Pick]:
    """The picker's tasks, locked, in pick order (the first is the current one), with what
    `read` asks of the current one (see `_picks`)."""
    tasks, pick = _picks(session, operator_id, lock=True, **read)  # type: ignore[arg-type]
    if not tasks:
        raise NotFound(_("No pick in progress"), expected=_("a cart"))
    if any(t.to_container_id is None for t in tasks):
        raise Conflict(_("Scan a tote for every order first"), expected=_("a tote"))
    task = tasks[0]
    if task_id is not None and task.id != task_id:
        raise Conflict(
            _("This pick was already done; the next one is shown"), expected=_("the next pick")
        )
    return tasks, pick


def next_pick(session: Session, operator_id: int) -> PickView | None:
    """The pick to do now, or None when the cart is done: the picker's tasks and the current
    one's location, item, tote, order and the cart's finished picks in one statement."""
    tasks, pick = _picks(session, operator_id, lock=False, view=True)
    return _view(session, operator_id, tasks, pick) if tasks else None


def _view(session: Session, operator_id: int, tasks: list[Task], pick: _Pick) -> PickView:
    """The view of the current pick (`tasks[0]`) from what `_picks(view=True)` read."""
    task = tasks[0]
    assert pick.location is not None and pick.sku is not None
    finished = pick.finished
    # no wave to match on (the picks of the cluster with none), or the first row was not
    # the current task's (its tasks changed under the lock): counted on their own
    if task.wave_id is None or finished is None:
        finished = session.scalar(
            select(func.count())
            .select_from(Task)
            .where(
                Task.wave_id.is_(None) if task.wave_id is None else Task.wave_id == task.wave_id,
                Task.cluster == task.cluster,
                Task.assignee_id == operator_id,
                Task.status.in_((TaskStatus.DONE.value, TaskStatus.SHORT.value)),
            )
        )
    return PickView(
        task_id=task.id,
        cluster=task.cluster,
        location=pick.location,
        sku=pick.sku,
        description=pick.description or "",
        quantity=task.quantity,
        quantity_done=task.quantity_done,
        lot=task.lot,
        expiry=task.expiry,
        tote=pick.tote or "",
        slot=int((task.data or {}).get("slot", 1)),
        order=pick.order or str((task.data or {}).get("order", "")),
        position=int(finished or 0) + 1,
        remaining_tasks=len(tasks),
        lot_tracked=bool(pick.lot_tracked),
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
    shown: list[PickView] = []  # the view as work() read it (not on a replay)

    def work() -> dict:
        tasks, pick = _current_pick(session, operator_id, task_id, view=True)
        task = tasks[0]
        location = pick.location
        assert location is not None
        if code is not None and code != location:
            raise WrongScan(
                _(
                    "Wrong location {scanned}: go to {location}",
                    scanned=code,
                    location=location,
                ),
                expected=location,
            )
        if check_digits is not None and check_digits != pick.check_digit:
            raise WrongScan(
                _("Wrong check digits for {location}", location=location),
                expected=_("the check digits on the label of {location}", location=location),
            )
        if code is None and check_digits is None:
            raise InvalidInput(_("Scan the location"), expected=location)
        # the view as read with the lock: the status below changes none of it
        shown.append(_view(session, operator_id, tasks, pick))
        if task.status != TaskStatus.IN_PROGRESS.value:
            task.status = TaskStatus.IN_PROGRESS.value
            session.flush()
        return {"task_id": task.id}

    once(session, scan_id, "pick.confirm_location", work)
    view = shown[0] if shown else next_pick(session, operator_id)
    assert view is not None
    return view


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
    held: list[tuple[list[Task], _Pick]] = []  # what work() read, for the view (not on a replay)

    def work() -> dict:
        # the tasks, the current one's item and view, and the item scanned: one statement
        tasks, pick = _current_pick(session, operator_id, task_id, view=True, item=True, gtin=gtin)
        held.append((tasks, pick))
        task = tasks[0]
        assert pick.sku is not None
        if pick.scanned_item_id is None or pick.scanned_item_id != task.item_id:
            raise WrongScan(
                _(
                    "Wrong item: expected {sku} ({description})",
                    sku=pick.sku,
                    description=pick.description,
                ),
                expected=pick.gtin or pick.sku,
            )
        if not pick.lot_tracked or lot == task.lot:
            return {"lot": task.lot}
        if not lot:
            raise WrongScan(
                _("Scan the label with the lot: expected lot {lot}", lot=task.lot),
                expected=task.lot,
            )
        _substitute(
            session, task, pick.allocation or "", lot, expiry, actor, today or dt.date.today()
        )
        return {"lot": lot}

    once(session, scan_id, "pick.confirm_item", work)
    # the view after the work: a substitute changed the task's lot, nothing else it shows
    view = _view(session, operator_id, *held[0]) if held else next_pick(session, operator_id)
    assert view is not None
    return view


def _substitute(
    session: Session,
    task: Task,
    allocation: str,
    lot: str,
    expiry: dt.date | None,
    actor: Actor,
    today: dt.date,
) -> None:
    wrong = WrongScan(
        _("Wrong lot {scanned}: expected lot {lot}", scanned=lot, lot=task.lot), expected=task.lot
    )
    if allocation != "fefo":
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


def _tote_check(task: Task, tote_code: str, tote: str | None) -> None:
    """`tote_code` was scanned for the task's tote, whose code is `tote` (None: none)."""
    if task.to_container_id is None or tote is None or tote != tote_code:
        expected = tote if task.to_container_id and tote else ""
        raise WrongScan(
            _("Wrong tote {scanned}: put it in {tote}", scanned=tote_code, tote=expected),
            expected=expected,
        )


def _take(
    session: Session,
    task: Task,
    quantity: int,
    actor: Actor,
    scan_id: str | None,
    *,
    closing: str | None = None,
) -> int | None:
    """Move `quantity` of the task into its tote, consuming the reservation, and count them
    picked on its order line (locking the line). `closing`: the status the task goes to now
    (all its units picked), written with its quantity; its order's status is then left to
    `_close_task`. Returns the id of the order (None: a kit work order's component pick,
    which has no order line)."""
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
    if closing is not None:
        task.status = closing  # one UPDATE of the task with its quantity (autoflushed below)
    if task.order_line_id is None:  # a kit work order's component pick has no order line
        return None
    order_id = session.execute(
        _LINE_PICKED, {"line_id": task.order_line_id, "picked": quantity}
    ).scalar_one_or_none()
    if order_id is not None and closing is None:  # its first unit is in a tote
        session.execute(_ORDER_PICKING, {"order_id": order_id})
    return order_id


_LINE = bindparam("line_id")
_PICKED = bindparam("picked")
_ORDER = bindparam("order_id")


def _line_update(**values: object):  # type: ignore[no-untyped-def]
    return (
        update(SalesOrderLine)
        .where(SalesOrderLine.id == _LINE)
        .values(**values)
        .returning(SalesOrderLine.order_id)
        .execution_options(synchronize_session=False)
    )


# the statements of a pick's bookkeeping, built once (building one costs about as much as
# running it): units picked on the line (locking it); once a task closed, the line picked
# (every unit) or short when none of its tasks is live any more. The line's status is a
# statement of its own, run with the line locked already: its snapshot sees every task of
# the line closed by a transaction that held the lock before.
_LINE_PICKED = _line_update(quantity_picked=SalesOrderLine.quantity_picked + _PICKED)
_LINE_SETTLED = _line_update(
    status=case(
        (
            exists().where(
                Task.order_line_id == _LINE, Task.status.in_((TaskStatus.OPEN.value, *MINE))
            ),
            SalesOrderLine.status,
        ),
        (SalesOrderLine.quantity_picked >= SalesOrderLine.quantity_ordered, "picked"),
        else_="short",
    )
)
# the order picking from its first unit; once a task closed, picking or picked (every line
# picked or short), written only when it changes
_ORDER_PICKING = (
    update(SalesOrder)
    .where(SalesOrder.id == _ORDER, SalesOrder.status == OrderStatus.ALLOCATED.value)
    .values(status=OrderStatus.PICKING.value)
    .execution_options(synchronize_session=False)
)
_SETTLED_ORDER = case(
    (
        exists().where(
            SalesOrderLine.order_id == _ORDER,
            SalesOrderLine.status.notin_(("picked", "short")),
        ),
        OrderStatus.PICKING.value,
    ),
    else_=OrderStatus.PICKED.value,
)
_ORDER_SETTLED = (
    update(SalesOrder)
    .where(SalesOrder.id == _ORDER, SalesOrder.status != _SETTLED_ORDER)
    .values(status=_SETTLED_ORDER)
    .execution_options(synchronize_session=False)
)


def _close_task(
    session: Session,
    task: Task,
    status: str,
    *,
    others: list[Task] | None = None,
) -> bool:
    """Finish a task; update its order line and order; True when the picker's cart is done.

    `others`: the picker's other live pick tasks as this transaction locked them (with any
    it made), to decide without reading them again."""
    task.status = status
    session.flush()
    if task.order_line_id is not None:
        order_id = session.execute(
            _LINE_SETTLED, {"line_id": task.order_line_id}
        ).scalar_one_or_none()
        if order_id is not None:
            session.execute(_ORDER_SETTLED, {"order_id": order_id})
    if others is None:
        assert task.assignee_id is not None
        others = _my_tasks(session, task.assignee_id)
    # a live task of the same wave on this cart: the wave is not done, no need to count
    if task.wave_id is not None and not any(t.wave_id == task.wave_id for t in others):
        complete_wave_if_done(session, task.wave_id)
    cart_done = not others
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
        # the picker's tasks, locked, and the current one's tote: one statement
        tasks, pick = _current_pick(session, operator_id, task_id, tote=True)
        task = tasks[0]
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
        _tote_check(task, tote_code, pick.tote)
        done = quantity == remaining
        closing = TaskStatus.DONE.value if done else None
        _take(session, task, quantity, actor, scan_id, closing=closing)
        cart_done = (
            _close_task(session, task, TaskStatus.DONE.value, others=tasks[1:]) if done else False
        )
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
