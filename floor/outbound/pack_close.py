"""Closing a carton at the pack bench, and a supervisor reopening and unpacking one.

`close_carton` is one transaction, idempotent by the close's scan id (the same id again
returns the first close and changes nothing):

1. the weight: measured (scale or keyed) against the expected weight (tare plus units) with
   the `[packing]` tolerance; outside it the close is refused with both weights
   (WeightOutOfTolerance), unless a supervisor's approval comes with it (their badge, PIN
   and reason, checked first by `approve_override` in a transaction of its own);
2. the carton container: made at the carton's first close;
3. the stock: every unit scanned into the carton moves from its tote into the carton
   container, in one ledger posting (kind `pack`); serials become `packed`;
4. the carton row: closed, weights, who and when;
5. the order: packed when every unit picked for it is in a closed carton; otherwise the
   next carton is opened at once, of the type proposed for what is left;
6. the SSCC, at the first close: the next one from the database counter
   (floor.outbound.sscc) becomes the code and SSCC of the carton container. It is taken
   last because the counter row stays locked until the commit: benches closing at once
   take turns only for the counter and their labels, not for their stock moves (until
   then the container's code is a placeholder no other transaction sees);
7. the paperwork: the shipping label (SSCC as GS1-128 (00)) and the packing slip, as the
   carton was before the next one opened, queued for the station's printer by the
   CartonPrinter given, in this same transaction.

A reopened carton keeps its SSCC: it has not shipped, its label may be on the box already,
and the number stays its own (the counter never gives it to another carton). Re-closing it
weighs it again and queues its label and packing slip again (they may have changed).

`reopen_carton` (supervisor): a closed carton that has not shipped is open again at this
station; its stock stays in the carton container until `unpack_carton` moves it back
through the ledger into one of the order's totes or loose onto the pack bench location.
Units only scanned into an open carton, not yet moved, are simply taken off it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, insert, inspect, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from floor.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from floor.i18n import N_, _
from floor.logins import LoginRefused, check_login
from floor.models import (
    CartonStatus,
    CartonType,
    Container,
    ContainerKind,
    Item,
    Operator,
    OrderStatus,
    PackedCarton,
    PackedCartonLine,
    Role,
    SalesOrder,
    SalesOrderLine,
    SerialNumber,
    utcnow,
)
from floor.operators import has_role, require_role
from floor.outbound.pack_paperwork import CartonPrinter, carton_paperwork
from floor.outbound.pack_settings import PackingSettings
from floor.outbound.pack_verify import SERIAL_IN_STOCK, SERIAL_PACKED, OrderReads, order_totes
from floor.outbound.packing import (
    PACK_ROLES,
    PackView,
    expected_weight,
    locked_carton,
    open_carton,
    pack_view,
    station_carton,
)
from floor.outbound.sscc import next_sscc
from floor.stock import ledger
from floor.stock.idempotency import once
from floor.stock.ledger import Actor, Change, StockKey

# Reasons a supervisor gives for accepting a weight outside the tolerance (stored untranslated).
OVERRIDE_REASONS = (
    N_("Item weight in the catalogue is wrong"),
    N_("Packing material added"),
    N_("Scale needs checking"),
    N_("Checked by hand"),
)
SOURCES = ("scale", "keyed")
PENDING_CODE = "SSCC-PENDING-"  # a new carton container's code until its SSCC, same transaction


class WeightOutOfTolerance(Conflict):
    """The measured weight is off the expected weight by more than the tolerance."""

    code = "weight_out_of_tolerance"

    def __init__(self, expected_g: int, measured_g: int, tolerance_g: int, complete: bool) -> None:
        if complete:
            message = _(
                "Weight {measured} g, expected {expected} g (± {tolerance} g): check the carton",
                measured=measured_g,
                expected=expected_g,
                tolerance=tolerance_g,
            )
        else:
            message = _(
                "Weight {measured} g, expected at least {expected} g: check the carton",
                measured=measured_g,
                expected=expected_g - tolerance_g,
            )
        super().__init__(message, expected=_("a supervisor's override, or weigh again"))
        self.expected_g = expected_g
        self.measured_g = measured_g
        self.tolerance_g = tolerance_g
        self.complete = complete


@dataclass(frozen=True)
class WeightOverride:
    """A supervisor accepts a weight outside the tolerance: their badge, PIN and reason."""

    badge: str
    pin: str
    reason: str


@dataclass(frozen=True)
class ClosedCarton:
    carton_no: int
    sscc: str
    expected_weight_g: int
    measured_weight_g: int
    overridden: bool
    order: str
    order_packed: bool
    print_jobs: tuple[str, ...]
    view: PackView | None  # the next carton of the order, if any is left to pack


@dataclass(frozen=True)
class OverrideApproval:
    """A supervisor's approval of a weight outside the tolerance, given by approve_override."""

    supervisor_id: int
    reason: str


def approve_override(
    session: Session, override: WeightOverride, station: str
) -> OverrideApproval | LoginRefused:
    """Check the supervisor's badge and PIN for a weight override, in a transaction of its own.

    The lockout-protected login does the check, so a locked badge is refused here too. A
    wrong PIN is *returned* (not raised), like at the login screen: its count, the lock it
    may cause and the audit row are committed. Checked inside the close instead, they were
    rolled back with the refused close, and a PIN could be guessed at a bench without limit.
    """
    reason = override.reason.strip()
    if not reason:
        raise InvalidInput(_("An override needs a reason"), expected=_("a reason"))
    found = check_login(session, override.badge.strip(), override.pin, station=station)
    if isinstance(found, LoginRefused):
        return found
    if not has_role(found, Role.SUPERVISOR.value):
        raise PermissionDenied(
            _("{name} may not override a weight: needs a supervisor", name=found.name),
            expected=_("a supervisor's badge"),
        )
    return OverrideApproval(found.id, reason[:200])


def _approving_supervisor(session: Session, approval: OverrideApproval) -> int:
    operator = session.get(Operator, approval.supervisor_id)
    if operator is None or not operator.active or not has_role(operator, Role.SUPERVISOR.value):
        raise PermissionDenied(
            _("Only a supervisor may override a weight"), expected=_("a supervisor's badge")
        )
    return operator.id


def _move_into_carton(
    session: Session, carton: PackedCarton, order: SalesOrder, actor: Actor, scan_id: str | None
) -> None:
    container_id = carton.container_id
    assert container_id is not None and carton.location_id is not None
    changes: list[Change] = []
    for row in carton.contents:
        if row.in_carton:
            continue
        source = StockKey(
            row.from_location_id, row.item_id, row.lot, row.expiry, row.from_container_id
        )
        changes += [
            Change(source, -row.quantity),
            Change(source.at(carton.location_id, container_id), row.quantity),
        ]
        row.in_carton = True
        if row.serial_number_id is not None:
            serial = session.get(SerialNumber, row.serial_number_id)
            if serial is not None:
                serial.status = SERIAL_PACKED
                serial.location_id = carton.location_id
    if changes:
        ledger.post(
            session,
            "pack",
            changes,
            actor=actor,
            reason="pack",
            reference=order.number,
            scan_id=scan_id,
        )


def _contents_and_weight(session: Session, carton: PackedCarton) -> tuple[int, bool] | None:
    """Read the carton's contents (when not loaded yet) with its expected weight, as
    `expected_weight` gives it, in one query; None when the contents were loaded already or
    the carton is empty (expected_weight then weighs it)."""
    if "contents" not in inspect(carton).unloaded:
        return None
    tare = (
        select(CartonType.tare_weight_g)
        .where(CartonType.id == carton.carton_type_id)
        .scalar_subquery()
    )
    rows = session.execute(
        select(PackedCartonLine, Item.id, Item.weight_kg, tare)
        .outerjoin(Item, Item.id == PackedCartonLine.item_id)
        .where(PackedCartonLine.carton_id == carton.id)
        .order_by(PackedCartonLine.id)
    ).all()
    set_committed_value(carton, "contents", [row[0] for row in rows])
    if not rows:
        return None
    total, complete = int(rows[0][3] or 0), True
    for row, item_id, weight_kg, _tare in rows:
        if item_id is None:
            continue
        if weight_kg is None:
            complete = False
        else:
            total += round(weight_kg * 1000) * row.quantity
    return total, complete


def order_packed(session: Session, order: SalesOrder) -> bool:
    """Every line done picking, and every unit picked for it in a closed (or shipped) carton."""
    closed = (
        select(
            PackedCartonLine.order_line_id.label("line_id"),
            func.sum(PackedCartonLine.quantity).label("units"),
        )
        .join(PackedCarton, PackedCarton.id == PackedCartonLine.carton_id)
        .where(PackedCarton.order_id == order.id, PackedCarton.status != CartonStatus.OPEN.value)
        .group_by(PackedCartonLine.order_line_id)
        .subquery()
    )
    packed_units = func.coalesce(closed.c.units, 0)
    missing, units = session.execute(
        select(
            func.count().filter(
                or_(
                    SalesOrderLine.status.notin_(("picked", "short")),
                    packed_units < SalesOrderLine.quantity_picked,
                )
            ),
            func.coalesce(func.sum(packed_units), 0),
        )
        .select_from(SalesOrderLine)
        .outerjoin(closed, closed.c.line_id == SalesOrderLine.id)
        .where(SalesOrderLine.order_id == order.id)
    ).one()
    return not missing and units > 0


def close_carton(
    session: Session,
    carton_id: int,
    measured_g: int,
    *,
    source: str = "scale",
    settings: PackingSettings,
    printer: CartonPrinter | None,
    actor: Actor,
    scan_id: str | None = None,
    override: OverrideApproval | None = None,
) -> ClosedCarton:
    """Close the station's open carton (see the module docstring)."""
    require_role(session, actor.operator_id, *PACK_ROLES)
    # the order's next carton work() opened and what it read of the order, for the view
    held: list[tuple[PackedCarton, SalesOrder, OrderReads]] = []

    def work() -> dict[str, Any]:
        held.clear()
        carton, order = locked_carton(session, carton_id, actor)
        weighed = _contents_and_weight(session, carton)
        if not carton.contents:
            raise InvalidInput(
                _("Carton {n} is empty: scan the items first", n=carton.carton_no),
                expected=_("an item of order {order}", order=order.number),
            )
        if carton.carton_type_id is None:
            raise InvalidInput(
                _("Scan the carton type's barcode first"), expected=_("a carton type barcode")
            )
        if isinstance(measured_g, bool) or not isinstance(measured_g, int) or measured_g <= 0:
            raise InvalidInput(
                _("Weight: expected grams above zero, got {weight}", weight=measured_g),
                expected=_("the carton's weight in grams"),
            )
        if source not in SOURCES:
            raise InvalidInput(f"weight source {source!r}", expected=" / ".join(SOURCES))
        expected, complete = weighed or expected_weight(session, carton)
        carton.weight_override_reason, carton.weight_override_by = "", None
        if not settings.weight_ok(expected, measured_g, complete=complete):
            if override is None:
                raise WeightOutOfTolerance(
                    expected, measured_g, settings.tolerance_g(expected), complete
                )
            carton.weight_override_by = _approving_supervisor(session, override)
            carton.weight_override_reason = override.reason
        containers = Container.__table__
        minting = carton.container_id is None
        if minting:  # its SSCC comes last (below): a placeholder code until then
            carton.container_id = session.execute(
                insert(containers)
                .values(
                    code=f"{PENDING_CODE}{carton.id}",
                    kind=ContainerKind.CARTON.value,
                    location_id=carton.location_id,
                    status="active",
                    created_at=utcnow(),
                )
                .returning(containers.c.id)
            ).scalar_one()
        _move_into_carton(session, carton, order, actor, scan_id)
        carton.status = CartonStatus.CLOSED.value
        carton.weight_expected_g, carton.weight_measured_g = expected, measured_g
        carton.weight_source = source
        carton.closed_at, carton.closed_by = utcnow(), actor.operator_id
        carton.close_scan_id = scan_id
        session.flush()
        key = f"pack-{scan_id or uuid.uuid4().hex}"  # one set of documents per close
        # the paperwork as the carton is now, before the order's next carton opens
        paperwork = carton_paperwork(session, carton, order, key) if printer is not None else None
        packed = order_packed(session, order)
        if packed and order.status != OrderStatus.PARTIALLY_SHIPPED.value:
            # an order some of whose cartons have left stays partially shipped
            order.status = OrderStatus.PACKED.value
        next_id = None
        if not packed:
            reads = OrderReads(session, order)  # its cartons as they are now, this one closed
            if reads.units_to_pack() > 0:
                following = open_carton(session, order, actor, reads=reads)
                next_id = following.id
                held.append((following, order, reads))
        if minting:
            # Last: the counter row stays locked from here to the commit, so benches closing
            # at once wait only for each other's label, not for their stock moves.
            sscc = next_sscc(session, settings.sscc_extension_digit, settings.gs1_company_prefix)
            session.execute(
                update(containers)
                .where(containers.c.id == carton.container_id)
                .values(code=sscc, sscc=sscc)
            )
            carton.sscc = sscc
        jobs: list[str] = []
        if printer is not None and paperwork is not None:
            jobs = printer.queue(session, replace(paperwork, sscc=carton.sscc or ""))
        session.flush()
        return {
            "carton_no": carton.carton_no,
            "sscc": carton.sscc,
            "expected_weight_g": expected,
            "measured_weight_g": measured_g,
            "overridden": bool(carton.weight_override_reason),
            "order": order.number,
            "order_packed": packed,
            "print_jobs": jobs,
            "next_carton_id": next_id,
        }

    stored, _replayed = once(session, scan_id, "pack.close", work)
    result = dict(stored)  # the stored result stays as it was
    next_id = result.pop("next_carton_id")
    view = None
    if held:
        following, order, reads = held[0]
        view = pack_view(session, order, following, reads=reads)
    elif next_id is not None:  # a replay: nothing was read
        carton = session.get(PackedCarton, next_id)
        if carton is not None and carton.status == CartonStatus.OPEN.value:
            order = session.get(SalesOrder, carton.order_id)
            assert order is not None
            view = pack_view(session, order, carton)
    return ClosedCarton(**{**result, "print_jobs": tuple(result["print_jobs"])}, view=view)


# --- supervisor: reopen and unpack -----------------------------------------------------------


def _carton_by_code(session: Session, code: str) -> PackedCarton:
    code = code.strip()
    carton = session.scalars(select(PackedCarton).where(PackedCarton.sscc == code)).one_or_none()
    if carton is None:
        carton = session.scalars(
            select(PackedCarton)
            .join(Container, Container.id == PackedCarton.container_id)
            .where(Container.code == code)
        ).one_or_none()
    if carton is None:
        raise NotFound(_("No packed carton {code}", code=code), expected=_("a carton's SSCC"))
    return carton


def reopen_carton(
    session: Session, code: str, *, actor: Actor, scan_id: str | None = None
) -> PackView:
    """A supervisor opens a closed carton that has not shipped again at this station."""
    require_role(session, actor.operator_id, Role.SUPERVISOR.value)

    def work() -> dict[str, Any]:
        found = _carton_by_code(session, code)
        order = session.get(SalesOrder, found.order_id, with_for_update=True)
        carton = session.get(PackedCarton, found.id, with_for_update=True)
        assert order is not None and carton is not None
        if carton.status == CartonStatus.SHIPPED.value:
            raise Conflict(
                _("Carton {sscc} has shipped; it cannot be reopened", sscc=carton.sscc),
                expected=_("a carton not yet shipped"),
            )
        if carton.status == CartonStatus.OPEN.value:
            raise Conflict(
                _(
                    "Carton {sscc} is open already (station {station})",
                    sscc=carton.sscc,
                    station=carton.station,
                ),
                expected=_("a closed carton"),
            )
        mine = station_carton(session, actor.station)
        if mine is not None:
            raise Conflict(
                _("Carton {n} is open here: close it first", n=mine.carton_no),
                expected=_("close the open carton"),
            )
        carton.status = CartonStatus.OPEN.value
        carton.station = actor.station
        carton.reopened_at, carton.reopened_by = utcnow(), actor.operator_id
        if order.status == OrderStatus.PACKED.value:
            order.status = OrderStatus.PICKED.value
        session.flush()
        return {"carton_id": carton.id}

    result, _replayed = once(session, scan_id, "pack.reopen", work)
    carton = session.get(PackedCarton, result["carton_id"])
    assert carton is not None
    order = session.get(SalesOrder, carton.order_id)
    assert order is not None
    return pack_view(session, order, carton)


def unpack_carton(
    session: Session,
    carton_id: int,
    *,
    tote: str | None = None,
    actor: Actor,
    scan_id: str | None = None,
) -> PackView:
    """Take every unit off the station's open carton: units moved into it (a reopened
    carton; supervisor only) go back through the ledger into `tote` (one of the order's
    totes) or loose onto the carton's pack bench location; units only scanned stay where
    they are. Serials are in stock again. The carton stays open, empty, with its SSCC."""
    require_role(session, actor.operator_id, *PACK_ROLES)

    def work() -> dict[str, Any]:
        carton, order = locked_carton(session, carton_id, actor)
        moved = [row for row in carton.contents if row.in_carton]
        if moved:
            require_role(session, actor.operator_id, Role.SUPERVISOR.value)
        target_id = None
        if tote:
            target = session.scalars(
                select(Container).where(Container.code == tote.strip())
            ).one_or_none()
            if target is None or target.id not in order_totes(session, order.id):
                raise Conflict(
                    _("Tote {tote} is not a tote of order {order}", tote=tote, order=order.number),
                    expected=_("a tote of order {order}", order=order.number),
                )
            target_id = target.id
        assert carton.location_id is not None
        changes: list[Change] = []
        for row in moved:
            source = StockKey(
                carton.location_id, row.item_id, row.lot, row.expiry, carton.container_id
            )
            changes += [
                Change(source, -row.quantity),
                Change(source.at(carton.location_id, target_id), row.quantity),
            ]
        if changes:
            ledger.post(
                session,
                "unpack",
                changes,
                actor=actor,
                reason="unpack",
                reference=order.number,
                scan_id=scan_id,
            )
        for row in list(carton.contents):
            if row.serial_number_id is not None:
                serial = session.get(SerialNumber, row.serial_number_id)
                if serial is not None:
                    serial.status = SERIAL_IN_STOCK
                    serial.location_id = carton.location_id
            carton.contents.remove(row)
        session.flush()
        return {"carton_id": carton.id}

    once(session, scan_id, "pack.unpack", work)
    carton = session.get(PackedCarton, carton_id)
    assert carton is not None
    order = session.get(SalesOrder, carton.order_id)
    assert order is not None
    return pack_view(session, order, carton)


__all__ = [
    "OVERRIDE_REASONS",
    "ClosedCarton",
    "OverrideApproval",
    "WeightOutOfTolerance",
    "WeightOverride",
    "approve_override",
    "close_carton",
    "order_packed",
    "reopen_carton",
    "unpack_carton",
]
