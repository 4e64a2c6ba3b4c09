"""Where inbound stock lands: the dock door a station receives at, and the first location of a
zone of a kind (the dock, quarantine), shared by receiving and returns.

A site with several dock doors names the one each receiving station works at (`dock_code`):
its receipts' stock lands on that door's balances, so docks receiving the same item at once
do not post to one balance row. The station's `[receiving] dock` setting names it;
`check_dock` refuses an unknown code when the station opens, naming the warehouse's docks.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.config import ConfigError
from floor.errors import InvalidInput, NotFound
from floor.i18n import _
from floor.models import Location, Zone, ZoneKind


def first_location_in_zone(session: Session, warehouse_id: int, kind: str) -> Location:
    """The first unblocked location (by code) in a zone of `kind`: the dock, quarantine."""
    zone_ids = session.scalars(
        select(Zone.id).where(Zone.warehouse_id == warehouse_id, Zone.kind == kind)
    ).all()
    location = (
        session.scalars(
            select(Location)
            .where(Location.zone_id.in_(zone_ids), ~Location.blocked)
            .order_by(Location.code)
            .limit(1)
        ).first()
        if zone_ids
        else None
    )
    if location is None:
        raise NotFound(
            _("This warehouse has no {zone} location", zone=kind),
            expected=_("a {zone} zone", zone=kind),
        )
    return location


def dock_location(session: Session, warehouse_id: int, dock_code: str | None) -> Location:
    """The dock door a station receives at: `dock_code`, a location of one of the
    warehouse's receiving zones; without one, the warehouse's first dock. Several docks
    receiving at once post to balances of their own door instead of all to one."""
    if dock_code is None:
        return first_location_in_zone(session, warehouse_id, ZoneKind.RECEIVING)
    code = dock_code.strip()
    location = session.scalars(
        select(Location)
        .join(Zone, Zone.id == Location.zone_id)
        .where(
            Location.warehouse_id == warehouse_id,
            Location.code == code,
            Zone.kind == ZoneKind.RECEIVING.value,
        )
    ).one_or_none()
    if location is None or location.blocked:
        raise InvalidInput(
            _("{code} is not a dock door of this warehouse", code=code)
            if location is None
            else _("Dock {code} is blocked", code=code),
            expected=_("a location of a receiving zone"),
        )
    return location


def dock_codes(session: Session, warehouse_id: int) -> list[str]:
    """The codes of the warehouse's dock doors (locations of its receiving zones), sorted."""
    return list(
        session.scalars(
            select(Location.code)
            .join(Zone, Zone.id == Location.zone_id)
            .where(
                Location.warehouse_id == warehouse_id,
                Zone.kind == ZoneKind.RECEIVING.value,
            )
            .order_by(Location.code)
        )
    )


def check_dock(session: Session, warehouse_id: int, warehouse_code: str, dock_code: str) -> None:
    """ConfigError when the station's `[receiving] dock` is not a dock door of the warehouse,
    naming the doors it has (checked when the station opens, not at the first scan)."""
    known = dock_codes(session, warehouse_id)
    if dock_code in known:
        return
    shown = ", ".join(known[:20]) + (", ..." if len(known) > 20 else "")
    raise ConfigError(
        f"receiving.dock: {dock_code!r} is not a dock door of warehouse {warehouse_code} "
        + (f"(its docks: {shown})" if known else "(it has no receiving zone with locations)")
    )


__all__ = ["check_dock", "dock_codes", "dock_location", "first_location_in_zone"]
