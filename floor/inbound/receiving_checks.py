"""What a site checks at the dock before stock is booked: items not on the purchase order,
expiry dates already past or too close, and who may accept either.

`ReceivingPolicy` is the site's `[receiving]` table in floor.toml:
`unexpected_needs_supervisor` (an item not on the PO is received only once a supervisor
accepts it; else the receiver's own confirmation is enough) and `min_shelf_life_days` (an
expiry closer than this is received with a warning), and `dock`, the dock door this station
receives at (a location of one of the warehouse's receiving zones; `check_dock` checks it
against the database when the station opens). An item not on the PO is refused with
`NotOnOrder` until confirmed; an expiry already past with `ExpiryPast`, until a supervisor
accepts it with a reason. A supervisor accepts by being the one logged in, or by scanning
their badge at the station (`approver`); each acceptance is in the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor import audit
from floor.config import ConfigError
from floor.errors import InvalidInput, PermissionDenied
from floor.i18n import _
from floor.models import Item, Operator, PurchaseOrder, Receipt, ReceiptLine, Role
from floor.operators import has_role

if TYPE_CHECKING:
    from floor.audit import Doer

APPROVER_ROLES = (Role.SUPERVISOR.value,)


@dataclass(frozen=True)
class ReceivingPolicy:
    unexpected_needs_supervisor: bool = False
    min_shelf_life_days: int = 0
    dock: str | None = None  # this station's dock door; None: the warehouse's first

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> ReceivingPolicy:
        known = ("unexpected_needs_supervisor", "min_shelf_life_days", "dock")
        unknown = sorted(set(section) - set(known))
        if unknown:
            raise ConfigError(
                f"receiving: unknown setting {unknown[0]!r} (known: {', '.join(known)})"
            )
        needs = section.get("unexpected_needs_supervisor", False)
        if not isinstance(needs, bool):
            raise ConfigError(
                f"receiving.unexpected_needs_supervisor: expected true or false, got {needs!r}"
            )
        days = section.get("min_shelf_life_days", 0)
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise ConfigError(
                f"receiving.min_shelf_life_days: expected a whole number of days, got {days!r}"
            )
        dock = section.get("dock")
        if dock is not None and (not isinstance(dock, str) or not dock.strip()):
            raise ConfigError(
                f"receiving.dock: expected the code of a dock door (a location such as "
                f"DOCK-01), got {dock!r}"
            )
        return cls(
            unexpected_needs_supervisor=needs,
            min_shelf_life_days=days,
            dock=dock.strip() if dock else None,
        )


class NotOnOrder(InvalidInput):
    """The item is not on the purchase order: received only once confirmed (`supervisor`:
    by a supervisor)."""

    def __init__(self, message: str, *, sku: str, supervisor: bool) -> None:
        super().__init__(message, expected=_("confirmation"))
        self.sku = sku
        self.supervisor = supervisor


class ExpiryPast(InvalidInput):
    """The expiry scanned or keyed is already past: a supervisor may accept it, with a reason."""

    def __init__(self, message: str, *, sku: str, expiry: dt.date) -> None:
        super().__init__(message, expected=_("a supervisor to accept it"))
        self.sku = sku
        self.expiry = expiry


def approver(session: Session, actor_id: int | None, badge: str | None) -> Operator | None:
    """The supervisor who accepts: the operator logged in if a supervisor, else the one whose
    badge was scanned; None when neither is (PermissionDenied for a badge that is not)."""
    if actor_id is not None:
        me = session.get(Operator, actor_id)
        if me is not None and me.active and has_role(me, *APPROVER_ROLES):
            return me
    if not badge:
        return None
    found = session.scalars(select(Operator).where(Operator.badge == badge)).first()
    if found is None or not found.active or not has_role(found, *APPROVER_ROLES):
        raise PermissionDenied(
            _("{badge} is not a supervisor's badge", badge=badge),
            expected=_("a supervisor's badge"),
        )
    return found


def shelf_life_warning(
    sku: str, expiry: dt.date | None, policy: ReceivingPolicy, today: dt.date
) -> str:
    """A warning when `expiry` is closer than the site's minimum shelf life; else ""."""
    if expiry is None or policy.min_shelf_life_days <= 0:
        return ""
    left = (expiry - today).days
    if left >= policy.min_shelf_life_days:
        return ""
    return _(
        "{sku} expires {expiry}: {days} days left, under the {minimum} days wanted",
        sku=sku,
        expiry=expiry.isoformat(),
        days=left,
        minimum=policy.min_shelf_life_days,
    )


def accept_expired(
    session: Session,
    receipt: Receipt,
    item: Item,
    expiry: dt.date,
    actor: Doer,
    badge: str | None,
    reason: str,
) -> None:
    """An expiry already past: refused, unless a supervisor accepts it with a reason."""
    if not reason.strip():
        raise ExpiryPast(
            _("{sku} expired on {expiry}: refused", sku=item.sku, expiry=expiry.isoformat()),
            sku=item.sku,
            expiry=expiry,
        )
    boss = approver(session, actor.operator_id, badge)
    if boss is None:
        raise PermissionDenied(
            _("Only a supervisor can accept an expired item"), expected=_("a supervisor's badge")
        )
    audit.record(
        session,
        audit.RECEIVING_EXPIRED,
        receipt.number,
        actor,
        sku=item.sku,
        expiry=expiry.isoformat(),
        reason=reason.strip(),
        approved_by=boss.badge,
    )


def accept_unexpected(
    session: Session,
    receipt: Receipt,
    order: PurchaseOrder,
    item: Item,
    total: int,
    actor: Doer,
    policy: ReceivingPolicy,
    confirmed: bool,
    badge: str | None,
) -> None:
    """An item not on the PO: refused until confirmed, by a supervisor where the site says so.
    Once accepted on a receipt, more of the item on that receipt is taken without asking again
    (the decision was about the item, not about each carton of it)."""
    accepted_before = session.scalar(
        select(ReceiptLine.id)
        .where(
            ReceiptLine.receipt_id == receipt.id,
            ReceiptLine.item_id == item.id,
            ReceiptLine.purchase_order_line_id.is_(None),
        )
        .limit(1)
    )
    if accepted_before is not None:
        return
    if not confirmed:
        raise NotOnOrder(
            _("{sku} is not on purchase order {number}", sku=item.sku, number=order.number),
            sku=item.sku,
            supervisor=policy.unexpected_needs_supervisor,
        )
    if not policy.unexpected_needs_supervisor:
        return
    boss = approver(session, actor.operator_id, badge)
    if boss is None:
        raise PermissionDenied(
            _("A supervisor must accept {sku}: it is not on the order", sku=item.sku),
            expected=_("a supervisor's badge"),
        )
    audit.record(
        session,
        audit.RECEIVING_UNEXPECTED,
        receipt.number,
        actor,
        sku=item.sku,
        quantity=total,
        purchase_order=order.number,
        approved_by=boss.badge,
    )
