"""The site's set-up: warehouses, their zones and the stations, added and listed.

A new site starts from an empty database: a warehouse, its zones (a receiving zone for the
dock, storage and pick zones for stock, a quarantine, pack and ship), then locations
(`floor import locations`), items, operators and stations. Receiving needs a location in a
receiving zone; put-away, allocation and replenishment look in storage and pick zones; a
picked tote goes to a pack bench or staging location. Admins only (None, the system from
the command line, may too); every addition is recorded in the admin audit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from floor.admin_audit import ChangedBy, record_change
from floor.errors import Conflict, InvalidInput
from floor.i18n import _
from floor.models import Location, Operator, Role, Station, Warehouse, Zone, ZoneKind
from floor.operators import require_role
from floor.stock.stock_report import find_warehouse

ADMIN = Role.ADMIN.value
CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
STATION_KINDS = ("general", "receiving", "picking", "packing", "kitting", "supervisor")


@dataclass(frozen=True)
class WarehouseView:
    code: str
    name: str
    zones: int
    locations: int


@dataclass(frozen=True)
class ZoneView:
    warehouse: str
    code: str
    kind: str
    name: str
    locations: int


@dataclass(frozen=True)
class StationView:
    code: str
    name: str
    warehouse: str
    kind: str
    operator: str  # who is logged in there, "" if nobody


def check_code(code: str, what: str, length: int = 20) -> str:
    text = code.strip()
    if not (CODE.fullmatch(text) and len(text) <= length):
        raise InvalidInput(
            _(
                "{what} {code}: expected 1 to {n} letters, digits, - _ or .",
                what=what,
                code=code,
                n=length,
            ),
            expected=_("a code such as MAIN or RCV"),
        )
    return text


# --- warehouses -----------------------------------------------------------------------------


def add_warehouse(session: Session, code: str, name: str = "", *, by: ChangedBy) -> WarehouseView:
    require_role(session, by.operator_id, ADMIN)
    text = check_code(code, _("Warehouse"))
    if session.scalar(select(Warehouse.id).where(Warehouse.code == text)) is not None:
        raise Conflict(
            _("Warehouse {code} exists already", code=text), expected=_("a new warehouse code")
        )
    warehouse = Warehouse(code=text, name=name.strip() or text)
    session.add(warehouse)
    session.flush()
    record_change(session, by, "warehouse", text, "added", warehouse.name)
    return WarehouseView(text, warehouse.name, 0, 0)


def list_warehouses(session: Session) -> list[WarehouseView]:
    zones = dict(
        session.execute(select(Zone.warehouse_id, func.count()).group_by(Zone.warehouse_id)).all()
    )
    locations = dict(
        session.execute(
            select(Location.warehouse_id, func.count()).group_by(Location.warehouse_id)
        ).all()
    )
    return [
        WarehouseView(w.code, w.name, zones.get(w.id, 0), locations.get(w.id, 0))
        for w in session.scalars(select(Warehouse).order_by(Warehouse.code))
    ]


# --- zones ----------------------------------------------------------------------------------


def add_zone(
    session: Session,
    warehouse: str,
    code: str,
    kind: str,
    name: str = "",
    *,
    by: ChangedBy,
) -> ZoneView:
    """A zone of `kind` (receiving, storage, pick, pack, ship, quarantine, kitting)."""
    require_role(session, by.operator_id, ADMIN)
    warehouse_id = find_warehouse(session, warehouse)
    text = check_code(code, _("Zone"))
    kinds = [k.value for k in ZoneKind]
    if kind not in kinds:
        raise InvalidInput(
            _(
                "Unknown zone kind {kind}; expected one of {kinds}",
                kind=kind,
                kinds=", ".join(kinds),
            ),
            expected=", ".join(kinds),
        )
    taken = session.scalar(
        select(Zone.id).where(
            Zone.warehouse_id == warehouse_id, func.upper(Zone.code) == text.upper()
        )
    )
    if taken is not None:
        raise Conflict(
            _("Zone {code} exists already in {warehouse}", code=text, warehouse=warehouse),
            expected=_("a new zone code"),
        )
    zone = Zone(warehouse_id=warehouse_id, code=text, name=name.strip() or text, kind=kind)
    session.add(zone)
    session.flush()
    record_change(session, by, "zone", text, "added", f"{warehouse}; {kind}; {zone.name}")
    return ZoneView(warehouse, text, kind, zone.name, 0)


def list_zones(session: Session, warehouse: str) -> list[ZoneView]:
    warehouse_id = find_warehouse(session, warehouse)
    counts = dict(
        session.execute(
            select(Location.zone_id, func.count())
            .where(Location.warehouse_id == warehouse_id)
            .group_by(Location.zone_id)
        ).all()
    )
    return [
        ZoneView(warehouse, z.code, z.kind, z.name, counts.get(z.id, 0))
        for z in session.scalars(
            select(Zone).where(Zone.warehouse_id == warehouse_id).order_by(Zone.code)
        )
    ]


# --- stations -------------------------------------------------------------------------------


def add_station(
    session: Session,
    code: str,
    warehouse: str,
    name: str = "",
    kind: str = "general",
    *,
    by: ChangedBy,
) -> StationView:
    """A station (a terminal, an RF gun) of `warehouse`. A station not added is registered
    at its first start with the configured warehouse; adding it names it beforehand."""
    require_role(session, by.operator_id, ADMIN)
    warehouse_id = find_warehouse(session, warehouse)
    text = check_code(code, _("Station"))
    if kind not in STATION_KINDS:
        raise InvalidInput(
            _(
                "Unknown station kind {kind}; expected one of {kinds}",
                kind=kind,
                kinds=", ".join(STATION_KINDS),
            ),
            expected=", ".join(STATION_KINDS),
        )
    if session.scalar(select(Station.id).where(Station.code == text)) is not None:
        raise Conflict(
            _("Station {code} exists already", code=text), expected=_("a new station code")
        )
    station = Station(code=text, name=name.strip() or text, warehouse_id=warehouse_id, kind=kind)
    session.add(station)
    session.flush()
    record_change(session, by, "station", text, "added", f"{warehouse}; {kind}; {station.name}")
    return StationView(text, station.name, warehouse, kind, "")


def list_stations(session: Session, warehouse: str | None = None) -> list[StationView]:
    query = (
        select(Station, Warehouse.code, Operator.name)
        .outerjoin(Warehouse, Warehouse.id == Station.warehouse_id)
        .outerjoin(Operator, Operator.id == Station.operator_id)
        .order_by(Station.code)
    )
    if warehouse:
        query = query.where(Station.warehouse_id == find_warehouse(session, warehouse))
    return [
        StationView(station.code, station.name, code or "", station.kind, operator or "")
        for station, code, operator in session.execute(query)
    ]
