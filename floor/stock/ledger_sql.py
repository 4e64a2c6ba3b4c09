"""The ledger's statements: what one posting runs on the database, key by key.

For a posting of a few keys (every scan) each key takes one conditional UPDATE that locks,
checks and changes its balance at once, run straight on the driver (floor/driver_sql.py);
the statements are built once at import. No row back means the balance is missing (it is
inserted) or the change would break an invariant (it is refused, naming the item, lot,
location and how many there are). Only floor.stock.ledger calls this: it is THE ledger.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Integer, bindparam, insert, select, update
from sqlalchemy.orm import Session

from floor.driver_sql import DriverStatement
from floor.errors import InsufficientStock
from floor.i18n import N_, _
from floor.models import Balance, Item, Location, Movement, StockTransaction

if TYPE_CHECKING:
    from floor.stock.ledger import Change, StockKey


def _describe(session: Session, key: StockKey) -> tuple[str, str]:
    loc = session.get(Location, key.location_id)
    item = session.get(Item, key.item_id)
    return (loc.code if loc else str(key.location_id), item.sku if item else str(key.item_id))


# A refused change, by what ran short: (the sentence with the lot, the one without).
_SHORTAGES = {
    "reserved": (
        N_("Cannot reserve {wanted} of {sku} lot {lot} at {location}: only {have} free"),
        N_("Cannot reserve {wanted} of {sku} at {location}: only {have} free"),
    ),
    "release": (
        N_("Cannot release {wanted} of {sku} lot {lot} at {location}: only {have} reserved"),
        N_("Cannot release {wanted} of {sku} at {location}: only {have} reserved"),
    ),
    "quantity": (
        N_("Not enough {sku} lot {lot} at {location}: {wanted} needed, {have} there"),
        N_("Not enough {sku} at {location}: {wanted} needed, {have} there"),
    ),
}


def _shortage(session: Session, key: StockKey, wanted: int, have: int, what: str) -> None:
    location, sku = _describe(session, key)
    with_lot, without_lot = _SHORTAGES[what]
    message = _(
        with_lot if key.lot else without_lot,
        wanted=wanted,
        sku=sku,
        lot=key.lot,
        location=location,
        have=have,
    )
    raise InsufficientStock(message, expected=_("at most {have}", have=have))


_BALANCES = Balance.__table__
_MOVEMENTS = Movement.__table__
_TRANSACTIONS = StockTransaction.__table__


def _key_conditions(expiry_null: bool, container_null: bool) -> list:  # type: ignore[type-arg]
    c = _BALANCES.c
    return [
        c.location_id == bindparam("k_location"),
        c.item_id == bindparam("k_item"),
        c.lot == bindparam("k_lot"),
        c.expiry.is_(None) if expiry_null else c.expiry == bindparam("k_expiry"),
        c.container_id.is_(None) if container_null else c.container_id == bindparam("k_container"),
    ]


def _apply_statement(expiry_null: bool, container_null: bool):  # type: ignore[no-untyped-def]
    """Lock, check and change one balance in one statement; no row back means refused."""
    c = _BALANCES.c
    dq, dr = bindparam("dq", type_=Integer), bindparam("dr", type_=Integer)
    return (
        update(_BALANCES)
        .where(
            *_key_conditions(expiry_null, container_null),
            c.quantity + dq >= 0,
            c.reserved + dr >= 0,
            c.reserved + dr <= c.quantity + dq,
        )
        .values(quantity=c.quantity + dq, reserved=c.reserved + dr)
        .returning(c.id, c.quantity, c.reserved)
    )


def _find_statement(expiry_null: bool, container_null: bool):  # type: ignore[no-untyped-def]
    c = _BALANCES.c
    return (
        select(c.id, c.quantity, c.reserved)
        .where(*_key_conditions(expiry_null, container_null))
        .with_for_update()
    )


# Built once: executing a prebuilt statement skips SQL construction and cache-key work.
_APPLY = {(e, k): _apply_statement(e, k) for e in (True, False) for k in (True, False)}
_FIND = {(e, k): _find_statement(e, k) for e in (True, False) for k in (True, False)}
_INSERT_BALANCE = insert(_BALANCES).returning(_BALANCES.c.id)


# The statements every posting runs go straight to the driver (floor/driver_sql.py).
_APPLY_ON_DRIVER = {shape: DriverStatement(stmt) for shape, stmt in _APPLY.items()}
_INSERT_TRANSACTION = DriverStatement(
    insert(_TRANSACTIONS).returning(_TRANSACTIONS.c.id),
    ("kind", "reason", "reference", "operator_id", "station", "scan_id", "created_at"),
)
_INSERT_MOVEMENT = DriverStatement(
    insert(_MOVEMENTS).inline(),
    (
        "transaction_id",
        "balance_id",
        "location_id",
        "item_id",
        "lot",
        "expiry",
        "container_id",
        "quantity_delta",
        "reserved_delta",
        "created_at",
    ),
)


def _key_params(key: StockKey) -> dict:
    return {
        "k_location": key.location_id,
        "k_item": key.item_id,
        "k_lot": key.lot,
        "k_expiry": key.expiry,
        "k_container": key.container_id,
    }


def _apply_each(
    session: Session,
    conn,  # type: ignore[no-untyped-def]
    cursor,  # type: ignore[no-untyped-def]
    merged: list[Change],
    now: dt.datetime,
    allow_reserved: bool,
) -> list[tuple[Change, int, int, int]]:
    """Fewer than BULK_THRESHOLD keys (every scan): one conditional UPDATE per key, which
    locks, checks and changes the balance at once; no row back means missing or refused."""
    applied: list[tuple[Change, int, int, int]] = []
    for change in merged:  # sorted by key: a stable lock order
        key = change.key
        shape = (key.expiry is None, key.container_id is None)
        params = _key_params(key)
        row = (
            _APPLY_ON_DRIVER[shape]
            .execute(cursor, conn, {**params, "dq": change.quantity, "dr": change.reserved})
            .fetchone()
        )
        if row is None:
            row = _insert_or_refuse(session, conn, change, shape, params, now, allow_reserved)
        applied.append((change, row[0], row[1], row[2]))
    return applied


def _insert_or_refuse(
    session: Session,
    conn,  # type: ignore[no-untyped-def]
    change: Change,
    shape: tuple[bool, bool],
    params: dict,
    now: dt.datetime,
    allow_reserved: bool,
) -> tuple[int, int, int]:
    """The balance is missing (create it) or the change would break an invariant (refuse)."""
    key = change.key
    current = conn.execute(_FIND[shape], params).one_or_none()
    if current is None:
        if change.quantity < 0 or change.reserved < 0 or change.reserved > change.quantity:
            _shortage(session, key, -change.quantity or change.reserved, 0, "quantity")
        balance_id = conn.execute(
            _INSERT_BALANCE,
            {
                "location_id": key.location_id,
                "item_id": key.item_id,
                "lot": key.lot,
                "expiry": key.expiry,
                "container_id": key.container_id,
                "quantity": change.quantity,
                "reserved": change.reserved,
                "received_at": now,
            },
        ).scalar_one()
        return balance_id, change.quantity, change.reserved
    _, quantity, reserved = current
    new_quantity, new_reserved = quantity + change.quantity, reserved + change.reserved
    if new_quantity >= 0 and 0 <= new_reserved <= new_quantity:
        # the row was committed by another station after our UPDATE looked: it is locked
        # now (FOR UPDATE above), so apply the change to it
        row = conn.execute(
            _APPLY[shape], {**params, "dq": change.quantity, "dr": change.reserved}
        ).one()
        return row[0], row[1], row[2]
    if quantity + change.quantity < 0:
        _shortage(session, key, -change.quantity, quantity, "quantity")
    if reserved + change.reserved < 0:
        _shortage(session, key, -change.reserved, reserved, "release")
    if change.reserved > 0:
        _shortage(session, key, change.reserved, quantity - reserved, "reserved")
    free = quantity - reserved
    _shortage(session, key, -change.quantity, free if not allow_reserved else quantity, "quantity")
    raise AssertionError("unreachable")
