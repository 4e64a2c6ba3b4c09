"""THE LEDGER: the only code that changes stock balances.

Every change is a posting: one `stock_transactions` row (kind, reason, operator, station,
reference, scan id) and one signed `movements` row per balance key touched, written in the
same database transaction as the balance update. For every key, the balance equals the
sum of its movements; the database refuses negative stock or reservations above on-hand.

Balances are locked in one global order of keys (floor.stock.ledger_locks): a posting locks
its keys sorted, and a transaction that posts more than once calls `lock_keys` first with
every key it will touch, so concurrent transactions cannot deadlock on each other; on SQLite
the write transaction is BEGIN IMMEDIATE instead. Call these functions inside
`floor.db.transaction()`, which retries on serialization failure, deadlock or a concurrent
insert of the same key.

A posting's per-key statements, built once and run on the driver, and its refusals are in
floor.stock.ledger_sql; 32 keys or more (a wave's reservations) take the bulk path here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Integer, and_, bindparam, func, select, tuple_, update
from sqlalchemy.orm import Session

from floor.driver_sql import cursor_of
from floor.errors import InvalidInput
from floor.i18n import _
from floor.models import Balance, Movement, Role, utcnow
from floor.operators import require_role
from floor.stock import ledger_locks, stock_alerts
from floor.stock.idempotency import once
from floor.stock.ledger_locks import LockOrderError as LockOrderError  # the ledger's API
from floor.stock.ledger_locks import lock_keys as lock_keys
from floor.stock.ledger_locks import lock_order
from floor.stock.ledger_sql import (
    _BALANCES,
    _INSERT_MOVEMENT,
    _INSERT_TRANSACTION,
    _apply_each,
    _insert_or_refuse,
    _key_params,
)


@dataclass(frozen=True, order=True)
class StockKey:
    """Where stock is: location, item, lot ('' when untracked), expiry, container (LPN)."""

    location_id: int
    item_id: int
    lot: str = ""
    expiry: dt.date | None = None
    container_id: int | None = None

    def sort_key(self) -> tuple[int, int, str, dt.date, int]:
        return (
            self.location_id,
            self.item_id,
            self.lot,
            self.expiry or dt.date.min,
            self.container_id or 0,
        )

    def at(self, location_id: int, container_id: int | None = None) -> StockKey:
        """The same item, lot and expiry at another location (and container)."""
        return StockKey(location_id, self.item_id, self.lot, self.expiry, container_id)


@dataclass(frozen=True)
class Actor:
    """Who changes stock, and at which station. operator_id None means the system itself."""

    operator_id: int | None = None
    station: str = ""


SYSTEM = Actor(None, "system")


# Who may post each kind of stock transaction. Checked at every posting, whoever calls the
# ledger: the operator must be active and hold one of these roles now (supervisors hold every
# floor role, admins every role). The system itself (operator None: imports, the demo, the
# CLI) is allowed. A kind not listed needs a supervisor.
_R = Role
POSTING_ROLES: dict[str, tuple[str, ...]] = {
    "receive": (_R.RECEIVER.value,),
    "adjust": (_R.COUNTER.value, _R.RECEIVER.value),  # count variances; returns scrapped
    "move": (_R.RECEIVER.value, _R.PICKER.value),
    "putaway": (_R.RECEIVER.value,),
    "replenish": (_R.PICKER.value, _R.RECEIVER.value),
    "pick": (_R.PICKER.value,),
    "reserve": (_R.PICKER.value,),  # reallocation after a short pick, lot substitution
    "release": (_R.PICKER.value,),
    "consume": (_R.KITTER.value, _R.PACKER.value),
    "produce": (_R.KITTER.value,),
    "assemble": (_R.KITTER.value,),
    "pack": (_R.PACKER.value, _R.SUPERVISOR.value),  # tote into a carton at the pack bench
    "unpack": (_R.SUPERVISOR.value,),  # a reopened carton back into a tote
    "ship": (_R.SHIPPER.value, _R.PACKER.value, _R.SUPERVISOR.value),  # onto the truck
}
OTHER_POSTING_ROLES = (_R.SUPERVISOR.value,)


@dataclass(frozen=True)
class Change:
    key: StockKey
    quantity: int = 0
    reserved: int = 0


@dataclass(frozen=True)
class Posting:
    """What a posting did: its transaction id and each key's balance afterwards."""

    transaction_id: int
    kind: str
    balances: tuple[tuple[int, int, int], ...]  # (balance_id, quantity, reserved)
    replayed: bool = False

    def to_json(self) -> dict:
        return {
            "transaction_id": self.transaction_id,
            "kind": self.kind,
            "balances": [list(b) for b in self.balances],
        }

    @classmethod
    def from_json(cls, data: dict, *, replayed: bool = False) -> Posting:
        return cls(
            transaction_id=int(data["transaction_id"]),
            kind=str(data["kind"]),
            balances=tuple(tuple(b) for b in data["balances"]),  # type: ignore[misc]
            replayed=replayed,
        )


def _key_filter(key: StockKey):  # type: ignore[no-untyped-def]
    return and_(
        Balance.location_id == key.location_id,
        Balance.item_id == key.item_id,
        Balance.lot == key.lot,
        Balance.expiry.is_(None) if key.expiry is None else Balance.expiry == key.expiry,
        Balance.container_id.is_(None)
        if key.container_id is None
        else Balance.container_id == key.container_id,
    )


def _merge(changes: Sequence[Change]) -> list[Change]:
    if len(changes) == 1:  # a scan's posting
        change = changes[0]
        return [change] if change.quantity or change.reserved else []
    merged: dict[StockKey, list[int]] = {}
    for change in changes:
        slot = merged.setdefault(change.key, [0, 0])
        slot[0] += change.quantity
        slot[1] += change.reserved
    return [
        Change(key, q, r)
        for key, (q, r) in sorted(merged.items(), key=lambda kv: kv[0].sort_key())
        if q or r
    ]


def post(
    session: Session,
    kind: str,
    changes: Sequence[Change],
    *,
    actor: Actor = SYSTEM,
    reason: str = "",
    reference: str = "",
    scan_id: str | None = None,
    allow_reserved: bool = False,
) -> Posting:
    """Apply `changes` as one ledger transaction. Idempotent by `scan_id`.

    `actor`: an operator posting must be active and hold a role of POSTING_ROLES[kind] now
    (PermissionDenied otherwise); SYSTEM (operator None) is the system's own work.

    `allow_reserved`: the quantity taken may come out of reserved units (a pick of stock
    that was allocated to it releases that reservation in the same change).
    """

    if actor.operator_id is not None:
        require_role(session, actor.operator_id, *POSTING_ROLES.get(kind, OTHER_POSTING_ROLES))

    def work() -> dict:
        return _post(session, kind, changes, actor, reason, reference, scan_id, allow_reserved)

    result, replayed = once(session, scan_id, f"ledger.{kind}", work)
    return Posting.from_json(result, replayed=replayed)


def _post(
    session: Session,
    kind: str,
    changes: Sequence[Change],
    actor: Actor,
    reason: str,
    reference: str,
    scan_id: str | None,
    allow_reserved: bool,
) -> dict:
    merged = _merge(changes)
    if not merged:
        raise InvalidInput(_("Nothing to post: every quantity is zero"))
    if ledger_locks.CHECK_ORDER:
        ledger_locks.note(session, [change.key for change in merged])
    cursor, conn = cursor_of(session)
    now = utcnow()
    try:
        if len(merged) >= BULK_THRESHOLD:
            applied = _apply_bulk(session, conn, merged, now, allow_reserved)
        else:
            applied = _apply_each(session, conn, cursor, merged, now, allow_reserved)
        transaction_id = _INSERT_TRANSACTION.execute(
            cursor,
            conn,
            {
                "kind": kind,
                "reason": reason,
                "reference": reference,
                "operator_id": actor.operator_id,
                "station": actor.station,
                "scan_id": scan_id,
                "created_at": now,
            },
        ).fetchone()[0]
        movements = [
            {
                "transaction_id": transaction_id,
                "balance_id": balance_id,
                "location_id": change.key.location_id,
                "item_id": change.key.item_id,
                "lot": change.key.lot,
                "expiry": change.key.expiry,
                "container_id": change.key.container_id,
                "quantity_delta": change.quantity,
                "reserved_delta": change.reserved,
                "created_at": now,
            }
            for change, balance_id, _q, _r in applied
        ]
        if len(movements) == 1:  # an executemany of one costs more
            _INSERT_MOVEMENT.execute(cursor, conn, movements[0])
        else:
            _INSERT_MOVEMENT.execute_many(cursor, conn, movements)
    finally:
        cursor.close()
    if any(change.quantity < 0 for change in merged):  # the low-stock hook (stock_alerts)
        stock_alerts.note_postings(
            session, [(c.key.location_id, c.key.item_id, c.quantity) for c in merged]
        )
    return {
        "transaction_id": transaction_id,
        "kind": kind,
        "balances": [[bid, q, r] for _c, bid, q, r in applied],
    }


BULK_THRESHOLD = 32
_UPDATE_BY_ID = (
    update(_BALANCES)
    .where(_BALANCES.c.id == bindparam("b_id"))
    .values(
        quantity=_BALANCES.c.quantity + bindparam("dq", type_=Integer),
        reserved=_BALANCES.c.reserved + bindparam("dr", type_=Integer),
    )
)


def _apply_bulk(
    session: Session,
    conn,  # type: ignore[no-untyped-def]
    merged: list[Change],
    now: dt.datetime,
    allow_reserved: bool,
) -> list[tuple[Change, int, int, int]]:
    """Many keys at once (a wave's reservations): lock them all with a few SELECT ... FOR
    UPDATE, check in Python, then one batched UPDATE. The CHECK constraints still guard."""
    c = _BALANCES.c
    pairs = sorted({(ch.key.location_id, ch.key.item_id) for ch in merged})
    rows: dict[StockKey, tuple[int, int, int]] = {}
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        for r in conn.execute(
            select(c.id, c.location_id, c.item_id, c.lot, c.expiry, c.container_id)
            .add_columns(c.quantity, c.reserved)
            .where(tuple_(c.location_id, c.item_id).in_(chunk))
            .order_by(*lock_order(session))
            .with_for_update()
        ):
            rows[StockKey(r[1], r[2], r[3], r[4], r[5])] = (r[0], r[6], r[7])
    applied: list[tuple[Change, int, int, int]] = []
    updates = []
    for change in merged:
        found = rows.get(change.key)
        quantity = (found[1] if found else 0) + change.quantity
        reserved = (found[2] if found else 0) + change.reserved
        if found is None or quantity < 0 or reserved < 0 or reserved > quantity:
            # a new key is inserted; a refused change raises with its message
            shape = (change.key.expiry is None, change.key.container_id is None)
            params = _key_params(change.key)
            row = _insert_or_refuse(session, conn, change, shape, params, now, allow_reserved)
            applied.append((change, row[0], row[1], row[2]))
            continue
        updates.append({"b_id": found[0], "dq": change.quantity, "dr": change.reserved})
        applied.append((change, found[0], quantity, reserved))
    if updates:
        conn.execute(_UPDATE_BY_ID, updates)
    return applied


def _positive(quantity: int, what: str) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidInput(
            _("{what}: expected a whole number above zero, got {value}", what=what, value=quantity)
        )


def receive(
    session: Session,
    key: StockKey,
    quantity: int,
    *,
    actor: Actor = SYSTEM,
    reason: str = "receipt",
    reference: str = "",
    scan_id: str | None = None,
) -> Posting:
    """Bring units from outside (a supplier, a return) into stock."""
    _positive(quantity, _("quantity received"))
    return _bring_in(session, "receive", key, quantity, actor, reason, reference, scan_id)


def _bring_in(
    session: Session,
    kind: str,
    key: StockKey,
    quantity: int,
    actor: Actor,
    reason: str,
    reference: str,
    scan_id: str | None,
) -> Posting:
    return post(
        session,
        kind,
        [Change(key, quantity)],
        actor=actor,
        reason=reason,
        reference=reference,
        scan_id=scan_id,
    )


def move(
    session: Session,
    source: StockKey,
    quantity: int,
    to_location_id: int,
    *,
    to_container_id: int | None = None,
    release_reserved: int = 0,
    actor: Actor = SYSTEM,
    reason: str = "move",
    reference: str = "",
    scan_id: str | None = None,
    kind: str = "move",
) -> Posting:
    """Move units to another location (and container), keeping item, lot and expiry.

    `release_reserved` units of the source's reservation go with the move (a pick of
    allocated stock consumes its reservation).
    """
    _positive(quantity, _("quantity moved"))
    if release_reserved < 0 or release_reserved > quantity:
        raise InvalidInput(_("Reserved units released must be between 0 and the quantity moved"))
    target = source.at(to_location_id, to_container_id)
    if target == source:
        raise InvalidInput(_("Source and destination are the same"))
    return post(
        session,
        kind,
        [Change(source, -quantity, -release_reserved), Change(target, quantity)],
        actor=actor,
        reason=reason,
        reference=reference,
        scan_id=scan_id,
        allow_reserved=release_reserved > 0,
    )


def adjust(
    session: Session,
    key: StockKey,
    delta: int,
    *,
    reason: str,
    actor: Actor = SYSTEM,
    reference: str = "",
    scan_id: str | None = None,
) -> Posting:
    """Correct on-hand by `delta` (count variance, damage, found stock). A reason is required."""
    if not reason:
        raise InvalidInput(_("An adjustment needs a reason code"))
    if not isinstance(delta, int) or delta == 0:
        raise InvalidInput(_("Adjustment: expected a whole number other than zero"))
    return post(
        session,
        "adjust",
        [Change(key, delta)],
        actor=actor,
        reason=reason,
        reference=reference,
        scan_id=scan_id,
    )


def reserve(
    session: Session,
    key: StockKey,
    quantity: int,
    *,
    actor: Actor = SYSTEM,
    reference: str = "",
    scan_id: str | None = None,
) -> Posting:
    _positive(quantity, _("quantity reserved"))
    return post(
        session,
        "reserve",
        [Change(key, 0, quantity)],
        actor=actor,
        reason="allocation",
        reference=reference,
        scan_id=scan_id,
    )


def release(
    session: Session,
    key: StockKey,
    quantity: int,
    *,
    actor: Actor = SYSTEM,
    reference: str = "",
    scan_id: str | None = None,
) -> Posting:
    _positive(quantity, _("quantity released"))
    return post(
        session,
        "release",
        [Change(key, 0, -quantity)],
        actor=actor,
        reason="deallocation",
        reference=reference,
        scan_id=scan_id,
    )


def consume(
    session: Session,
    key: StockKey,
    quantity: int,
    *,
    release_reserved: int = 0,
    actor: Actor = SYSTEM,
    reason: str = "consume",
    reference: str = "",
    scan_id: str | None = None,
) -> Posting:
    """Take units out of stock into production (kitting components) or shipment."""
    _positive(quantity, _("quantity consumed"))
    return post(
        session,
        "consume",
        [Change(key, -quantity, -release_reserved)],
        actor=actor,
        reason=reason,
        reference=reference,
        scan_id=scan_id,
        allow_reserved=release_reserved > 0,
    )


def produce(
    session: Session,
    key: StockKey,
    quantity: int,
    *,
    actor: Actor = SYSTEM,
    reason: str = "produce",
    reference: str = "",
    scan_id: str | None = None,
) -> Posting:
    """Bring units made here (a kit) into stock."""
    _positive(quantity, _("quantity produced"))
    return _bring_in(session, "produce", key, quantity, actor, reason, reference, scan_id)


def assemble(
    session: Session,
    consumed: Sequence[tuple[StockKey, int]],
    produced: tuple[StockKey, int],
    *,
    actor: Actor = SYSTEM,
    reference: str = "",
    scan_id: str | None = None,
) -> Posting:
    """Consume components and produce the kit in one transaction (all or nothing)."""
    changes = [Change(key, -qty) for key, qty in consumed]
    changes.append(Change(produced[0], produced[1]))
    return post(
        session,
        "assemble",
        changes,
        actor=actor,
        reason="kit",
        reference=reference,
        scan_id=scan_id,
    )


# --- reading balances ----------------------------------------------------------------------


def balance_of(session: Session, key: StockKey) -> tuple[int, int]:
    """(on hand, reserved) at exactly this key; (0, 0) when there is none."""
    row = session.execute(
        select(Balance.quantity, Balance.reserved).where(_key_filter(key))
    ).one_or_none()
    return (row[0], row[1]) if row else (0, 0)


def on_hand(session: Session, item_id: int, location_id: int | None = None) -> int:
    stmt = select(func.coalesce(func.sum(Balance.quantity), 0)).where(Balance.item_id == item_id)
    if location_id is not None:
        stmt = stmt.where(Balance.location_id == location_id)
    return int(session.execute(stmt).scalar_one())


def balances_at(session: Session, location_id: int) -> list[Balance]:
    return list(
        session.scalars(
            select(Balance)
            .where(Balance.location_id == location_id, Balance.quantity > 0)
            .order_by(Balance.item_id, Balance.lot)
        )
    )


def key_of(balance: Balance) -> StockKey:
    return StockKey(
        balance.location_id, balance.item_id, balance.lot, balance.expiry, balance.container_id
    )


def invariant_violations(session: Session, limit: int = 20) -> list[str]:
    """Every way the ledger's invariants are broken right now (empty when all is well)."""
    problems: list[str] = []
    for bid, q, r in session.execute(
        select(Balance.id, Balance.quantity, Balance.reserved)
        .where(
            (Balance.quantity < 0) | (Balance.reserved < 0) | (Balance.reserved > Balance.quantity)
        )
        .limit(limit)
    ):
        problems.append(f"balance {bid}: quantity {q}, reserved {r}")
    sums = (
        select(
            Movement.balance_id.label("bid"),
            func.sum(Movement.quantity_delta).label("q"),
            func.sum(Movement.reserved_delta).label("r"),
        )
        .group_by(Movement.balance_id)
        .subquery()
    )
    for bid, q, r, mq, mr in session.execute(
        select(Balance.id, Balance.quantity, Balance.reserved, sums.c.q, sums.c.r)
        .outerjoin(sums, sums.c.bid == Balance.id)
        .where(
            (Balance.quantity != func.coalesce(sums.c.q, 0))
            | (Balance.reserved != func.coalesce(sums.c.r, 0))
        )
        .limit(limit)
    ):
        problems.append(
            f"balance {bid}: quantity {q} reserved {r}, but movements sum to {mq} and {mr}"
        )
    return problems
