"""Stock adjustments by a supervisor: a location's count of an item (and lot) set to what is
really there, with a reason code.

The supervisor scans the location and the item (a GS1 label names the lot; else the lot is
keyed when the location holds several, or the item is lot-tracked), then keys the new
quantity, or a change (+3, -2), then a reason from the site's list (`[adjust] reasons` in
floor.toml, `AdjustPolicy`). The change is one ledger posting (`floor.stock.ledger.adjust`,
kind "adjust", the reason code as its reason) and an `stock.adjust` entry in the audit log,
in one transaction, once per scan id. Loose stock only: an LPN's contents are corrected by
a count. Reserved units cannot be adjusted away.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor import audit
from floor.config import ConfigError
from floor.errors import InvalidInput
from floor.i18n import _
from floor.models import Balance, Role
from floor.operators import require_role
from floor.stock import ledger as inv
from floor.stock.catalog import item_for_barcode, location_by_code
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, StockKey

ADJUST_ROLES = (Role.SUPERVISOR.value,)

DEFAULT_REASONS = ("damaged", "found", "lost", "expired", "count correction")


@dataclass(frozen=True)
class AdjustPolicy:
    """The site's `[adjust]` table: `reasons`, the reason codes a supervisor chooses from."""

    reasons: tuple[str, ...] = DEFAULT_REASONS

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> AdjustPolicy:
        reasons = section.get("reasons", list(DEFAULT_REASONS))
        if (
            not isinstance(reasons, list)
            or not reasons
            or not all(isinstance(r, str) and r.strip() for r in reasons)
        ):
            raise ConfigError(
                f"adjust.reasons: expected a list of reason codes (text), got {reasons!r}"
            )
        return cls(reasons=tuple(r.strip() for r in reasons))


@dataclass(frozen=True)
class OnHand:
    """An item at a location: its loose quantity by lot."""

    location: str
    sku: str
    description: str
    lot_tracked: bool
    lots: dict[str, int]  # lot -> on hand ('' untracked)


@dataclass(frozen=True)
class Adjusted:
    location: str
    sku: str
    lot: str
    before: int
    after: int
    reason: str


def _balances(session: Session, location_id: int, item_id: int) -> list[Balance]:
    return list(
        session.scalars(
            select(Balance)
            .where(
                Balance.location_id == location_id,
                Balance.item_id == item_id,
                Balance.container_id.is_(None),
            )
            .order_by(Balance.lot, Balance.expiry, Balance.id)
        )
    )


def on_hand(
    session: Session, warehouse_id: int, location_code: str, barcode: str, *, actor: Actor
) -> OnHand:
    """What the location holds of the scanned item, by lot (before an adjustment)."""
    require_role(session, actor.operator_id, *ADJUST_ROLES)
    location = location_by_code(session, warehouse_id, location_code)
    item, _units = item_for_barcode(session, barcode)
    lots: dict[str, int] = {}
    for balance in _balances(session, location.id, item.id):
        lots[balance.lot] = lots.get(balance.lot, 0) + balance.quantity
    return OnHand(location.code, item.sku, item.description, item.lot_tracked, lots)


def adjust_stock(
    session: Session,
    *,
    warehouse_id: int,
    location_code: str,
    barcode: str,
    lot: str = "",
    quantity: int | None = None,
    delta: int | None = None,
    reason: str,
    policy: AdjustPolicy,
    actor: Actor,
    scan_id: str | None = None,
) -> Adjusted:
    """Set the loose on-hand of the item (lot) at the location to `quantity`, or change it
    by `delta`, with a reason from the site's list; recorded in the audit log."""
    require_role(session, actor.operator_id, *ADJUST_ROLES)
    if reason not in policy.reasons:
        raise InvalidInput(
            _("Unknown reason {reason}", reason=reason), expected=", ".join(policy.reasons)
        )
    if (quantity is None) == (delta is None):
        raise InvalidInput(_("Key the new quantity or a change (+3, -2)"), expected=_("a quantity"))
    if quantity is not None and quantity < 0:
        raise InvalidInput(_("A quantity cannot be below zero"), expected=_("a quantity"))

    def work() -> dict:
        location = location_by_code(session, warehouse_id, location_code)
        item, _units = item_for_barcode(session, barcode)
        if item.lot_tracked and not lot:
            raise InvalidInput(
                _("{sku} is lot-tracked: key the lot", sku=item.sku), expected=_("a lot")
            )
        balances = [b for b in _balances(session, location.id, item.id) if b.lot == lot]
        before = sum(b.quantity for b in balances)
        reserved = sum(b.reserved for b in balances)
        after = quantity if quantity is not None else before + (delta or 0)
        if after == before:
            raise InvalidInput(
                _(
                    "{sku} at {location} is already {n}",
                    sku=item.sku,
                    location=location.code,
                    n=before,
                ),
                expected=_("another quantity"),
            )
        if after < reserved:
            raise InvalidInput(
                _("{n} of these are reserved for orders; the quantity cannot go below", n=reserved),
                expected=_("at least {n}", n=reserved),
            )
        change = after - before
        if change > 0:
            expiry = balances[0].expiry if balances else None
            keys: list[tuple[StockKey, int]] = [
                (StockKey(location.id, item.id, lot, expiry), change)
            ]
        else:
            keys, left = [], -change
            for balance in reversed(balances):  # the latest expiry goes first
                take = min(left, balance.quantity - balance.reserved)
                if take > 0:
                    keys.append((inv.key_of(balance), -take))
                    left -= take
        if len(keys) > 1:  # several postings: lock every key first, in the ledger's order
            inv.lock_keys(session, [key for key, _amount in keys])
        for key, amount in keys:
            inv.adjust(
                session,
                key,
                amount,
                reason=reason,
                actor=actor,
                reference=f"adjust {location.code}",
            )
        audit.record(
            session,
            audit.STOCK_ADJUST,
            f"{item.sku} at {location.code}",
            actor,
            lot=lot,
            before=before,
            after=after,
            reason=reason,
        )
        session.flush()
        return asdict(Adjusted(location.code, item.sku, lot, before, after, reason))

    result, _replayed = once(session, scan_id, "stock.adjust", work)
    return Adjusted(**result)
