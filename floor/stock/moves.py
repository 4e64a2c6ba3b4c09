"""Free moves: take stock from one location to another, scanned at both ends.

Not a directed task: the operator chooses. They scan the source location, then an LPN (it
moves whole) or an item (a quantity of it, from the loose stock there; a GS1 label's lot
picks the lot, else the location must hold one lot of it), then the destination. The move
is one ledger posting (`floor.stock.ledger.post`, kind "move"), once per scan id; reserved
units stay put (only the free quantity moves). A storage or pick destination must have room
(`floor.stock.move_tasks.fits`); a blocked one is refused. Roles: receiver, supervisor.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.errors import InsufficientStock, InvalidInput, NotFound, WrongScan
from floor.i18n import _
from floor.models import Balance, Container, Item, Location, Role, Zone
from floor.operators import require_role
from floor.stock import ledger as inv
from floor.stock.catalog import item_for_barcode, location_by_code
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, Change
from floor.stock.move_tasks import STOCK_ZONES, LpnContent, fits, lpn_contents

MOVE_ROLES = (Role.RECEIVER.value, Role.SUPERVISOR.value)


@dataclass(frozen=True)
class MoveSource:
    """What was scanned at the source: an LPN with its contents, or an item's free units."""

    location: str
    lpn: str | None
    sku: str
    lot: str
    available: int
    contents: tuple[LpnContent, ...] = ()


@dataclass(frozen=True)
class Moved:
    source: str
    destination: str
    what: str  # the LPN code or the SKU
    quantity: int


def _container(session: Session, code: str) -> Container | None:
    """The container by its code, or by its SSCC (a pallet received by its SSCC)."""
    return session.scalars(
        select(Container).where((Container.code == code) | (Container.sscc == code))
    ).first()


def _loose(session: Session, location_id: int, item_id: int, lot: str | None) -> list[Balance]:
    stmt = select(Balance).where(
        Balance.location_id == location_id,
        Balance.item_id == item_id,
        Balance.container_id.is_(None),
        Balance.quantity > Balance.reserved,
    )
    if lot is not None:
        stmt = stmt.where(Balance.lot == lot)
    return list(session.scalars(stmt.order_by(Balance.expiry, Balance.id)))


def source_location(session: Session, warehouse_id: int, code: str, *, actor: Actor) -> str:
    """The scanned source location, refused when unknown or empty."""
    require_role(session, actor.operator_id, *MOVE_ROLES)
    location = location_by_code(session, warehouse_id, code)
    held = session.scalar(
        select(Balance.id).where(Balance.location_id == location.id, Balance.quantity > 0).limit(1)
    )
    if held is None:
        raise NotFound(
            _("{location} holds nothing to move", location=code),
            expected=_("a location with stock"),
        )
    return location.code


def what_to_move(
    session: Session,
    warehouse_id: int,
    location_code: str,
    scanned: str,
    *,
    lot: str | None = None,
    actor: Actor,
) -> MoveSource:
    """The LPN or item scanned at the source location, with what can move of it."""
    require_role(session, actor.operator_id, *MOVE_ROLES)
    location = location_by_code(session, warehouse_id, location_code)
    container = _container(session, scanned)
    if container is not None:
        contents = tuple(lpn_contents(session, container.id, location.id))
        if not contents:
            raise WrongScan(
                _("{lpn} is not at {location}", lpn=container.code, location=location.code),
                expected=_("an LPN or item at {location}", location=location.code),
            )
        total = sum(c.quantity for c in contents)
        return MoveSource(location.code, container.code, "", "", total, contents)
    item, _units = item_for_barcode(session, scanned)
    balances = _loose(session, location.id, item.id, lot)
    if not balances:
        raise WrongScan(
            _("No free {sku} at {location}", sku=item.sku, location=location.code),
            expected=_("an LPN or item at {location}", location=location.code),
        )
    lots = sorted({b.lot for b in balances})
    if len(lots) > 1:
        raise InvalidInput(
            _(
                "{location} holds {sku} of several lots ({lots}): scan the label with the lot",
                location=location.code,
                sku=item.sku,
                lots=", ".join(lots),
            ),
            expected=_("the item's label with its lot"),
        )
    available = sum(b.quantity - b.reserved for b in balances)
    return MoveSource(location.code, None, item.sku, lots[0], available)


def _destination(session: Session, warehouse_id: int, code: str, source: Location) -> Location:
    target = location_by_code(session, warehouse_id, code)
    if target.id == source.id:
        raise InvalidInput(_("Source and destination are the same"), expected=_("another location"))
    if target.blocked:
        raise WrongScan(
            _("{location} is blocked", location=target.code), expected=_("another location")
        )
    return target


def _room(session: Session, target: Location, item: Item, lot: str, quantity: int) -> None:
    zone = session.get(Zone, target.zone_id) if target.zone_id else None
    if (
        zone is not None
        and zone.kind in STOCK_ZONES
        and not fits(session, target, item, lot, quantity)
    ):
        raise InvalidInput(
            _("{location} has no room for this, or holds another lot", location=target.code),
            expected=_("another location"),
        )


def move_stock(
    session: Session,
    *,
    warehouse_id: int,
    from_location: str,
    to_location: str,
    scanned: str,
    quantity: int | None = None,
    lot: str | None = None,
    actor: Actor,
    scan_id: str | None = None,
) -> Moved:
    """Move an LPN whole, or `quantity` of the item scanned, from one location to another,
    in one ledger posting. Idempotent by `scan_id`."""
    require_role(session, actor.operator_id, *MOVE_ROLES)

    def work() -> dict:
        source = location_by_code(session, warehouse_id, from_location)
        target = _destination(session, warehouse_id, to_location, source)
        reference = f"move {source.code} > {target.code}"
        changes: list[Change] = []
        container = _container(session, scanned)
        if container is not None:
            moved = 0
            for balance in session.scalars(
                select(Balance)
                .where(
                    Balance.container_id == container.id,
                    Balance.location_id == source.id,
                    Balance.quantity > 0,
                )
                .order_by(Balance.id)
            ):
                if balance.reserved:
                    raise InvalidInput(
                        _("{lpn} holds reserved stock; it cannot move", lpn=container.code),
                        expected=_("a supervisor to release it"),
                    )
                item = session.get(Item, balance.item_id)
                if item is not None:
                    _room(session, target, item, balance.lot, balance.quantity)
                key = inv.key_of(balance)
                changes += [
                    Change(key, -balance.quantity),
                    Change(key.at(target.id, container.id), balance.quantity),
                ]
                moved += balance.quantity
            if not changes:
                raise WrongScan(
                    _("{lpn} is not at {location}", lpn=container.code, location=source.code),
                    expected=_("an LPN or item at {location}", location=source.code),
                )
            inv.post(
                session,
                "move",
                changes,
                actor=actor,
                reason="move",
                reference=reference,
                scan_id=scan_id,
            )
            container.location_id = target.id
            session.flush()
            return asdict(Moved(source.code, target.code, container.code, moved))
        if quantity is None or quantity <= 0:
            raise InvalidInput(_("Key the quantity to move"), expected=_("a quantity"))
        item, _units = item_for_barcode(session, scanned)
        balances = _loose(session, source.id, item.id, lot)
        lots = {b.lot for b in balances}
        if len(lots) > 1:
            raise InvalidInput(
                _("Several lots of {sku}: scan the label with the lot", sku=item.sku),
                expected=_("the item's label with its lot"),
            )
        available = sum(b.quantity - b.reserved for b in balances)
        if quantity > available:
            raise InsufficientStock(
                _(
                    "Only {n} of {sku} free at {location}",
                    n=available,
                    sku=item.sku,
                    location=source.code,
                ),
                expected=_("at most {n}", n=available),
            )
        _room(session, target, item, next(iter(lots)), quantity)
        left = quantity
        for balance in balances:
            take = min(left, balance.quantity - balance.reserved)
            key = inv.key_of(balance)
            changes += [Change(key, -take), Change(key.at(target.id), take)]
            left -= take
            if not left:
                break
        inv.post(
            session,
            "move",
            changes,
            actor=actor,
            reason="move",
            reference=reference,
            scan_id=scan_id,
        )
        return asdict(Moved(source.code, target.code, item.sku, quantity))

    result, _replayed = once(session, scan_id, "stock.move", work)
    return Moved(**result)
