"""Customer returns: find the order (by number, return authorization or the SSCC on one of its
cartons), then receive each item with a disposition, through the ledger, recorded as a
ReturnLine against the order.

Dispositions: restock (received into a scanned storage or pick location), quarantine
(received into the warehouse's quarantine location), scrap (received into quarantine and at
once adjusted out with reason "scrap", so the ledger shows the unit arriving and leaving).
A return may not exceed what was shipped on the order (`quantity_shipped`, which the dock
writes when a carton ships; units picked or packed but not shipped are still here).

Return authorizations: `authorize_return` issues an RA number (`RA` + 7 digits) for an order
that sent something (`floor returns authorize ORDER`, or the SSCC of a carton it shipped).
`find_return_order(authorization=...)` finds the order by an issued RA, else by an
authorization recorded on one of its return lines, else by the order's external reference;
`find_return_order(sscc=...)` by the carton (packed_cartons, read through floor.models:
inbound does not import outbound). Each return line records the authorization it came under.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor import audit
from floor.errors import Conflict, InvalidInput, NotFound, WrongScan
from floor.gs1 import sscc_in
from floor.i18n import _
from floor.inbound.docks import first_location_in_zone
from floor.models import (
    CartonStatus,
    Item,
    PackedCarton,
    ReturnAuthorization,
    ReturnLine,
    Role,
    SalesOrder,
    Zone,
    ZoneKind,
)
from floor.operators import require_role
from floor.stock import ledger as inv
from floor.stock.catalog import item_for_barcode, location_by_code
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, StockKey

RETURN_ROLES = (Role.RECEIVER.value, Role.SUPERVISOR.value)
DISPOSITIONS = ("restock", "quarantine", "scrap")
RESTOCK_ZONES = (ZoneKind.STORAGE.value, ZoneKind.PICK.value)
AUTHORIZE_ROLES = (Role.SUPERVISOR.value, Role.ADMIN.value)
RA_PREFIX = "RA"
RA_DIGITS = 7


def disposition_label(disposition: str) -> str:
    """A return's disposition in operator words; the raw value if it is none of DISPOSITIONS."""
    labels = {
        # i18n: disposition of a returned item: back into stock at a storage location
        "restock": _("restock"),
        # i18n: disposition of a returned item: into the quarantine location
        "quarantine": _("quarantine"),
        # i18n: disposition of a returned item: thrown away
        "scrap": _("scrap"),
    }
    return labels.get(disposition, disposition)


def returned_message(done: Returned) -> str:
    """What the operator reads once a returned item is received: one sentence per disposition."""
    params = {"n": done.quantity, "sku": done.sku, "location": done.location}
    sentences = {
        "restock": _("{n} x {sku}: restock at {location}", **params),
        "quarantine": _("{n} x {sku}: quarantine at {location}", **params),
        "scrap": _("{n} x {sku}: scrap at {location}", **params),
    }
    return sentences.get(done.disposition) or _(
        "{n} x {sku} at {location} ({disposition})",
        disposition=disposition_label(done.disposition),
        **params,
    )


@dataclass(frozen=True)
class ReturnOrder:
    order_id: int
    number: str
    lines: list[dict]  # sku, description, returnable (shipped), returned
    authorization: str = ""  # the RA it was found by, if any
    carton: str = ""  # the SSCC of the shipped carton it was found by, if any


@dataclass(frozen=True)
class Authorization:
    number: str
    order: str
    reason: str


@dataclass(frozen=True)
class Returned:
    return_line_id: int
    sku: str
    quantity: int
    disposition: str
    location: str


def _order_by_sscc(session: Session, sscc: str) -> SalesOrder:
    row = session.execute(
        select(PackedCarton.order_id, PackedCarton.status).where(PackedCarton.sscc == sscc)
    ).first()
    if row is None:
        raise NotFound(
            _("Unknown carton {sscc}", sscc=sscc),
            expected=_("the SSCC on a shipped carton's label"),
        )
    if row.status != CartonStatus.SHIPPED.value:
        raise Conflict(
            _("Carton {sscc} has not shipped: it is still in the warehouse", sscc=sscc),
            expected=_("the SSCC on a shipped carton's label"),
        )
    order = session.get(SalesOrder, row.order_id)
    assert order is not None
    return order


def find_return_order(
    session: Session,
    *,
    order_number: str | None = None,
    authorization: str | None = None,
    sscc: str | None = None,
) -> ReturnOrder:
    order = None
    found_by = ""
    if sscc:
        order = _order_by_sscc(session, sscc)
    elif order_number:
        order = session.scalars(
            select(SalesOrder).where(SalesOrder.number == order_number)
        ).one_or_none()
    elif authorization:
        found_by = authorization
        order_id = (
            session.scalars(
                select(ReturnAuthorization.order_id).where(
                    ReturnAuthorization.number == authorization
                )
            ).first()
            or session.scalars(
                select(ReturnLine.order_id).where(ReturnLine.authorization == authorization)
            ).first()
        )
        order = (
            session.get(SalesOrder, order_id)
            if order_id
            else session.scalars(
                select(SalesOrder).where(SalesOrder.external_ref == authorization)
            ).first()
        )
    if order is None:
        raise NotFound(
            _("Unknown order {number}", number=order_number or authorization or ""),
            expected=_("an order number or return authorization"),
        )
    returned = dict(
        session.execute(
            select(ReturnLine.item_id, func.sum(ReturnLine.quantity))
            .where(ReturnLine.order_id == order.id)
            .group_by(ReturnLine.item_id)
        ).all()
    )
    lines: dict[int, dict] = {}
    for line in order.lines:
        row = lines.setdefault(
            line.item_id,
            {"sku": line.item.sku, "description": line.item.description, "returnable": 0},
        )
        row["returnable"] += line.quantity_shipped
    for item_id, row in lines.items():
        row["returned"] = int(returned.get(item_id, 0))
    return ReturnOrder(order.id, order.number, list(lines.values()), found_by, sscc or "")


def authorize_return(
    session: Session,
    order_number: str,
    *,
    actor: Actor,
    reason: str = "",
    scan_id: str | None = None,
) -> Authorization:
    """Issue a return authorization (RA number) for an order that sent something; the order
    is given by its number or by the SSCC of a carton it shipped."""
    require_role(session, actor.operator_id, *AUTHORIZE_ROLES)

    def work() -> dict:
        sscc = sscc_in(order_number)
        if sscc is not None:
            order = find_return_order(session, sscc=sscc)
        else:
            order = find_return_order(session, order_number=order_number)
        if not any(line["returnable"] > line["returned"] for line in order.lines):
            raise Conflict(
                _("Nothing left to return on order {number}", number=order.number),
                expected=_("an order with items shipped and not yet returned"),
            )
        ra = ReturnAuthorization(
            number=f"TMP-{uuid.uuid4().hex[:20]}",
            order_id=order.order_id,
            reason=reason.strip()[:200],
            operator_id=actor.operator_id,
        )
        session.add(ra)
        session.flush()
        ra.number = f"{RA_PREFIX}{ra.id:0{RA_DIGITS}d}"
        session.flush()
        audit.record(
            session, audit.RETURN_AUTHORIZE, ra.number, actor, order=order.number, reason=ra.reason
        )
        return {"number": ra.number, "order": order.number, "reason": ra.reason}

    result, _replayed = once(session, scan_id, "returns.authorize", work)
    return Authorization(**result)


def receive_return(
    session: Session,
    *,
    warehouse_id: int,
    order_number: str,
    barcode: str,
    quantity: int,
    disposition: str,
    actor: Actor,
    location_code: str | None = None,
    authorization: str = "",
    reason: str = "",
    lot: str = "",
    expiry: dt.date | None = None,
    scan_id: str | None = None,
) -> Returned:
    """Receive `quantity` of the scanned item back from the order with a disposition."""
    require_role(session, actor.operator_id, *RETURN_ROLES)
    if disposition not in DISPOSITIONS:
        raise InvalidInput(
            _("Unknown disposition {value}", value=disposition),
            expected=" / ".join(disposition_label(d) for d in DISPOSITIONS),
        )

    def work() -> dict:
        order = find_return_order(session, order_number=order_number)
        if authorization:
            issued = session.scalars(
                select(ReturnAuthorization).where(ReturnAuthorization.number == authorization)
            ).one_or_none()
            if issued is not None and issued.order_id != order.order_id:
                raise WrongScan(
                    _(
                        "{ra} is not a return authorization of order {number}",
                        ra=authorization,
                        number=order.number,
                    ),
                    expected=_("the order's own return authorization"),
                )
        item, units = item_for_barcode(session, barcode)
        total = quantity * units
        if total <= 0:
            raise InvalidInput(_("Quantity: expected a whole number above zero"))
        line = next((row for row in order.lines if row["sku"] == item.sku), None)
        if line is None:
            raise WrongScan(
                _("{sku} is not on order {number}", sku=item.sku, number=order.number),
                expected=", ".join(row["sku"] for row in order.lines),
            )
        left = line["returnable"] - line["returned"]
        if total > left:
            raise InvalidInput(
                _(
                    "{sku}: {returnable} sent on {number}, {returned} already returned",
                    sku=item.sku,
                    returnable=line["returnable"],
                    number=order.number,
                    returned=line["returned"],
                ),
                expected=_("at most {left}", left=max(left, 0)),
            )
        _check_tracking(item, lot, expiry)
        if disposition == "restock":
            if not location_code:
                raise InvalidInput(_("Scan the location to restock into"), expected=_("a location"))
            location = location_by_code(session, warehouse_id, location_code)
            zone = session.get(Zone, location.zone_id) if location.zone_id else None
            if zone is None or zone.kind not in RESTOCK_ZONES or location.blocked:
                raise WrongScan(
                    _("{location} is not a storage location", location=location.code),
                    expected=_("a storage or pick location"),
                )
        else:
            location = first_location_in_zone(session, warehouse_id, ZoneKind.QUARANTINE)
        key = StockKey(location.id, item.id, lot, expiry if item.expiry_tracked else None)
        reference = f"return {order.number}"
        posting = inv.receive(
            session, key, total, actor=actor, reason="return", reference=reference, scan_id=scan_id
        )
        if disposition == "scrap":
            inv.adjust(
                session,
                key,
                -total,
                reason="scrap",
                actor=actor,
                reference=reference,
                scan_id=scan_id,
            )
        row = ReturnLine(
            order_id=order.order_id,
            authorization=authorization,
            item_id=item.id,
            lot=lot,
            quantity=total,
            disposition=disposition,
            location_id=location.id,
            reason=reason,
            operator_id=actor.operator_id,
            transaction_id=posting.transaction_id,
        )
        session.add(row)
        session.flush()
        return {
            "return_line_id": row.id,
            "sku": item.sku,
            "quantity": total,
            "disposition": disposition,
            "location": location.code,
        }

    result, _replayed = once(session, scan_id, "returns.receive", work)
    return Returned(**result)


def _check_tracking(item: Item, lot: str, expiry: dt.date | None) -> None:
    if item.lot_tracked and not lot:
        raise InvalidInput(
            _("{sku} is lot tracked: scan or key its lot", sku=item.sku), expected=_("a lot number")
        )
    if item.expiry_tracked and expiry is None:
        raise InvalidInput(
            _("{sku} needs an expiry date", sku=item.sku), expected=_("an expiry date")
        )
