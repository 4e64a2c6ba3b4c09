"""Directed put-away: propose a location by rules, confirm by scanning it, move through the ledger.

Rules, in order (`propose_location`):
1. the item's fixed pick face, when it has room (capacity and max quantity);
2. consolidation: a storage or pick location already holding the same item and lot;
3. the zone whose code is the item's class (item_class), when there is one;
4. capacity (units, weight) and lot mixing are checked for every candidate: a location
   never gets a second lot of an item that forbids mixed lots;
5. else the nearest empty storage location (aisle, then position, then level).
Units already planned into a location by open tasks count as occupying it.

What waits at the dock to be put away (`waiting_at_dock`): the open put-away tasks, an LPN
with what it holds, a loose item with its quantity and lot.

Confirming is `floor.stock.move_tasks.confirm_move_task`, shared with replenishment:
scanning another location than the proposal is refused naming the expected one; overriding
it (exception CHBD, change destination bin) needs a reason and a supervisor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from floor.errors import NotFound
from floor.i18n import _
from floor.models import (
    Balance,
    Container,
    Item,
    Location,
    PickFace,
    Task,
    TaskKind,
    TaskStatus,
    Zone,
    ZoneKind,
)
from floor.operators import require_role
from floor.stock.catalog import item_for_barcode
from floor.stock.idempotency import once
from floor.stock.ledger import Actor
from floor.stock.move_tasks import (
    ACTIVE,
    NOTHING_HELD,
    PUTAWAY_ROLES,
    STOCK_ZONES,
    Held,
    LpnContent,
    MoveDone,
    MoveTaskView,
    confirm_move_task,
    fits,
    holdings,
    lpn_contents,
    view_task,
)


@dataclass(frozen=True)
class Proposal:
    location_id: int
    code: str
    rule: str  # pick_face | consolidate | item_class | empty
    # the location itself, as read for the proposal (not compared, not shown)
    location: Location | None = field(default=None, compare=False, repr=False)


# --- proposing ------------------------------------------------------------------------------


def _stock_locations(session: Session, warehouse_id: int, zone_kinds: Iterable[str]):  # type: ignore[no-untyped-def]
    return (
        select(Location)
        .join(Zone, Zone.id == Location.zone_id)
        .where(
            Location.warehouse_id == warehouse_id,
            Zone.kind.in_(tuple(zone_kinds)),
            ~Location.blocked,
        )
    )


def propose_location(
    session: Session,
    *,
    warehouse_id: int,
    item_id: int,
    lot: str = "",
    quantity: int,
    exclude_task: int | None = None,
    exclude_locations: Iterable[int] = (),
) -> Proposal:
    """Where `quantity` of the item (lot) should go, by the rules in the module docstring."""
    item = session.get(Item, item_id)
    if item is None:
        raise NotFound(_("Unknown item {id}", id=item_id))
    skip = set(exclude_locations)

    def ok(location: Location, limit: int | None = None, held: Held | None = None) -> bool:
        return location.id not in skip and fits(
            session,
            location,
            item,
            lot,
            quantity,
            exclude_task=exclude_task,
            limit=limit,
            held=held,
        )

    for face, location in session.execute(
        select(PickFace, Location)
        .join(Location, Location.id == PickFace.location_id)
        .where(PickFace.item_id == item_id, Location.warehouse_id == warehouse_id)
        .order_by(Location.code)
    ).all():
        if ok(location, face.max_qty or None):
            return Proposal(location.id, location.code, "pick_face", location)

    holding = (
        _stock_locations(session, warehouse_id, STOCK_ZONES)
        .join(Balance, Balance.location_id == Location.id)
        .where(Balance.item_id == item_id, Balance.lot == lot, Balance.quantity > 0)
        .group_by(Location.id)
        .order_by(func.sum(Balance.quantity).desc(), Location.code)
    )
    holders = [loc for loc in session.scalars(holding) if loc.id not in skip]
    held = holdings(session, [loc.id for loc in holders], exclude_task)  # in two statements
    for location in holders:
        if ok(location, held=held[location.id]):
            return Proposal(location.id, location.code, "consolidate", location)

    occupied = select(Balance.location_id).where(Balance.quantity > 0)
    planned = select(Task.to_location_id).where(
        Task.status.in_(ACTIVE), Task.to_location_id.is_not(None), Task.id != (exclude_task or 0)
    )
    empty = _stock_locations(session, warehouse_id, (ZoneKind.STORAGE.value,)).where(
        Location.id.not_in(occupied),
        Location.id.not_in(planned),
        # the units limit in the query (the same test `fits` makes of an empty location)
        or_(Location.capacity_units.is_(None), Location.capacity_units >= quantity),
    )
    order = (Location.aisle, Location.position, Location.level, Location.code)
    # an empty location holds nothing and has nothing planned into it (the query says so):
    # only its weight limit is left to check, without reading it again; read a page at a
    # time, the first usually fits (not every empty location of the warehouse as objects)
    if item.item_class:
        by_class = empty.where(Zone.code == item.item_class).order_by(*order)
        found = _first_fitting(session, by_class, ok)
        if found is not None:
            return Proposal(found.id, found.code, "item_class", found)
    found = _first_fitting(session, empty.order_by(*order), ok)
    if found is not None:
        return Proposal(found.id, found.code, "empty", found)
    raise NotFound(
        _("No location has room for {quantity} of {sku}", quantity=quantity, sku=item.sku),
        expected=_("a supervisor to free a location"),
    )


EMPTY_PAGE = 25  # empty locations read at a time while looking for one that fits


def _first_fitting(session: Session, query, ok) -> Location | None:  # type: ignore[no-untyped-def]
    """The first location of `query` (empty ones, in walking order) that `ok` takes."""
    offset = 0
    while True:
        page = session.scalars(query.limit(EMPTY_PAGE).offset(offset)).all()
        for location in page:
            if ok(location, held=NOTHING_HELD):
                return location
        if len(page) < EMPTY_PAGE:
            return None
        offset += EMPTY_PAGE


# --- what waits at the dock ----------------------------------------------------------------


@dataclass(frozen=True)
class DockLine:
    """One LPN (with its contents) or one loose item waiting to be put away."""

    task_id: int
    location: str
    lpn: str | None
    sku: str
    lot: str
    quantity: int
    contents: tuple[LpnContent, ...] = ()


def waiting_at_dock(session: Session, warehouse_id: int, limit: int = 50) -> list[DockLine]:
    """The put-away tasks nobody has started yet, oldest first: what waits at the dock."""
    tasks = session.scalars(
        select(Task)
        .where(
            Task.warehouse_id == warehouse_id,
            Task.kind == TaskKind.PUTAWAY.value,
            Task.status.in_((TaskStatus.OPEN.value, TaskStatus.ASSIGNED.value)),
        )
        .order_by(Task.id)
        .limit(limit)
    ).all()
    lines = []
    for task in tasks:
        source = session.get(Location, task.from_location_id) if task.from_location_id else None
        where = source.code if source else ""
        if task.container_id is not None:
            container = session.get(Container, task.container_id)
            contents = tuple(lpn_contents(session, task.container_id, task.from_location_id))
            lines.append(
                DockLine(
                    task.id,
                    where,
                    container.code if container else "",
                    "",
                    "",
                    sum(c.quantity for c in contents),
                    contents,
                )
            )
        else:
            item = session.get(Item, task.item_id) if task.item_id else None
            lines.append(
                DockLine(
                    task.id,
                    where,
                    None,
                    item.sku if item else "",
                    task.lot,
                    task.quantity - task.quantity_done,
                )
            )
    return lines


# --- starting a put-away --------------------------------------------------------------------


def start_putaway(
    session: Session,
    *,
    warehouse_id: int,
    scanned: str,
    actor: Actor,
    scan_id: str | None = None,
) -> MoveTaskView:
    """The operator scanned an LPN or an item at the dock: take its put-away task and
    propose a location."""
    require_role(session, actor.operator_id, *PUTAWAY_ROLES)

    def work() -> dict:
        stmt = select(Task).where(
            Task.warehouse_id == warehouse_id,
            Task.kind == TaskKind.PUTAWAY.value,
            Task.status.in_((TaskStatus.OPEN.value, TaskStatus.ASSIGNED.value)),
        )
        container = session.scalars(
            select(Container).where((Container.code == scanned) | (Container.sscc == scanned))
        ).first()
        if container is not None:
            stmt = stmt.where(Task.container_id == container.id)
            what = scanned
        else:
            item, _units = item_for_barcode(session, scanned)
            stmt = stmt.where(Task.item_id == item.id, Task.container_id.is_(None))
            what = item.sku
        # with the location it starts from (the dock), read for the view in the same read
        first = (
            stmt.add_columns(Location)
            .outerjoin(Location, Location.id == Task.from_location_id)
            .order_by(Task.id)
            .limit(1)
        )
        # the oldest task nobody else is taking just now (on PostgreSQL: only it is locked);
        # when every one is being taken, wait for the oldest (the other may roll back)
        row = session.execute(first.with_for_update(skip_locked=True, of=Task)).first()
        if row is None:
            row = session.execute(first.with_for_update(of=Task)).first()
        task, _source = row if row is not None else (None, None)  # the source held for the view
        if task is None:
            raise NotFound(
                _("Nothing to put away for {what}", what=what),
                expected=_("an LPN or item waiting at the dock"),
            )
        proposal = propose_location(
            session,
            warehouse_id=warehouse_id,
            item_id=task.item_id,  # type: ignore[arg-type]
            lot=task.lot,
            quantity=task.quantity - task.quantity_done,
            exclude_task=task.id,
        )
        task.to_location_id = proposal.location_id
        task.assignee_id = actor.operator_id
        task.status = TaskStatus.IN_PROGRESS.value
        task.data = {**(task.data or {}), "rule": proposal.rule}
        session.flush()
        # the proposal holds its location: the view finds it in the session, not read again
        return asdict(view_task(session, task, proposal.rule))

    result, _replayed = once(session, scan_id, "putaway.start", work)
    return MoveTaskView.from_json(result)


# --- confirming -----------------------------------------------------------------------------


def confirm_putaway(
    session: Session,
    task_id: int,
    *,
    actor: Actor,
    location_code: str | None = None,
    check_digits: str | None = None,
    override_reason: str | None = None,
    scan_id: str | None = None,
    require_check_digits: bool = True,
) -> MoveDone:
    return confirm_move_task(
        session,
        task_id,
        actor=actor,
        location_code=location_code,
        check_digits=check_digits,
        override_reason=override_reason,
        scan_id=scan_id,
        require_check_digits=require_check_digits,
    )
