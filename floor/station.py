"""The logged-in station session: which station, warehouse and operator, and their flow states.

`StationSession` is plain data the app and every screen share. The functions below are the
station's services (open the station, log an operator in or out, keep flow states); they run
in a unit of work and import no Textual.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from floor.config import ConfigError, Settings
from floor.errors import NotFound
from floor.i18n import _, normalise_language
from floor.logins import LockoutPolicy, LoginRefused, check_login
from floor.models import FlowState, ScannerProfileRow, Station, StationHeartbeat, Warehouse
from floor.operators import effective_roles
from floor.scanning import ScanLanguage
from floor.scanning.selftest import ScannerProfile
from floor.station_settings import check_station_settings
from floor.stock.ledger import Actor


class WarehouseMissing(NotFound):
    """The configured warehouse is not in the database (`floor warehouses add`, `floor demo`)."""


@dataclass(frozen=True)
class OperatorLogin:
    """What a successful login hands to the station: who, their roles, where they stopped."""

    operator_id: int
    name: str
    badge: str
    roles: frozenset[str]
    language: str
    flow_states: dict[str, dict[str, Any]]
    resume_flow: str | None
    # an admin set the PIN: the login screen asks for a new one before the menu
    must_change_pin: bool = False


@dataclass
class StationSession:
    engine: Engine
    settings: Settings
    station_code: str
    warehouse_id: int
    warehouse_code: str
    scan_language: ScanLanguage
    # The scanner transmits every FNC1 as GS (set by a scanner self-test): then a GS1 scan
    # with a lot or serial at its end is never ambiguous (see floor.scanning.parse_scan).
    scanner_sends_gs: bool = False
    operator_id: int | None = None
    operator_name: str = ""
    operator_roles: frozenset[str] = frozenset()
    language: str = "en"
    operator_badge: str = ""
    flow_states: dict[str, dict[str, Any]] = field(default_factory=dict)
    resume_flow: str | None = None
    lockout: LockoutPolicy = field(default_factory=LockoutPolicy)

    @property
    def actor(self) -> Actor:
        return Actor(self.operator_id, self.station_code)

    @property
    def logged_in(self) -> bool:
        return self.operator_id is not None

    @property
    def default_language(self) -> str:
        return normalise_language(self.settings.language)

    def begin(self, login: OperatorLogin) -> None:
        self.operator_id = login.operator_id
        self.operator_name = login.name
        self.operator_badge = login.badge
        self.operator_roles = login.roles
        self.language = login.language
        self.flow_states = dict(login.flow_states)
        self.resume_flow = login.resume_flow

    def end(self) -> None:
        self.operator_id = None
        self.operator_name = ""
        self.operator_badge = ""
        self.operator_roles = frozenset()
        self.language = self.default_language
        self.flow_states = {}
        self.resume_flow = None


def open_station(
    engine: Engine, settings: Settings, station_code: str | None = None
) -> StationSession:
    """The station session for `settings`; WarehouseMissing when the warehouse is not there,
    ConfigError naming every setting a flow would refuse (floor.station_settings), or a
    `[receiving] dock` that is not one of the warehouse's dock doors."""
    code = station_code or settings.station
    check_station_settings(settings, code, printer=False)  # `floor` checked the printer
    lockout = LockoutPolicy.from_settings(settings)
    dock = settings.section("receiving").get("dock")  # checked above: text or absent

    def work(session: Session) -> tuple[int, str, bool]:
        warehouse = session.scalar(select(Warehouse).where(Warehouse.code == settings.warehouse))
        if warehouse is None:
            raise WarehouseMissing(
                _(
                    "Warehouse {warehouse} is not in the database: add it with `floor warehouses "
                    "add` (docs/setup.md), run `floor demo` for a demo warehouse, or set "
                    "FLOOR_WAREHOUSE",
                    warehouse=settings.warehouse,
                ),
                expected=_("a warehouse code"),
            )
        if dock:
            from floor.inbound.docks import check_dock

            try:
                check_dock(session, warehouse.id, warehouse.code, str(dock).strip())
            except ConfigError as exc:
                where = settings.source or "the configuration"
                raise ConfigError(f"{where}: {exc}") from None
        station = session.scalar(select(Station).where(Station.code == code))
        if station is None:
            session.add(Station(code=code, name=code, warehouse_id=warehouse.id))
        return warehouse.id, warehouse.code, scanner_sends_gs(session, code)

    from floor.db import transaction

    warehouse_id, warehouse_code, sends_gs = transaction(engine, work)
    return StationSession(
        engine=engine,
        settings=settings,
        station_code=code,
        warehouse_id=warehouse_id,
        warehouse_code=warehouse_code,
        scan_language=ScanLanguage.from_settings(settings),
        scanner_sends_gs=sends_gs,
        language=normalise_language(settings.language),
        lockout=lockout,
    )


def log_in(
    session: Session,
    station_code: str,
    badge: str,
    pin: str,
    lockout: LockoutPolicy | None = None,
) -> OperatorLogin | LoginRefused:
    """Check badge and PIN behind the badge's lockout (floor/logins.py); on success mark the
    station as used by the operator and load their flow states. A refusal is returned, not
    raised, so that the failed attempt is committed; show or raise it afterwards. When an
    admin set the PIN (`must_change_pin`), the caller has the operator choose a new one
    (`floor.operator_admin.change_own_pin`) before the session begins."""
    operator = check_login(session, badge, pin, station=station_code, policy=lockout)
    if isinstance(operator, LoginRefused):
        return operator
    station = session.scalar(select(Station).where(Station.code == station_code))
    if station is not None:
        station.operator_id = operator.id
        station.last_seen_at = dt.datetime.now(dt.UTC)
    states = session.scalars(
        select(FlowState)
        .where(FlowState.operator_id == operator.id)
        .order_by(FlowState.updated_at.desc(), FlowState.id.desc())
    ).all()
    flow_states = {row.flow: dict(row.state) for row in states if row.state}
    resume = next((row.flow for row in states if row.state), None)
    return OperatorLogin(
        operator_id=operator.id,
        name=operator.name,
        badge=operator.badge,
        roles=effective_roles(operator),
        language=normalise_language(operator.language),
        flow_states=flow_states,
        resume_flow=resume,
        must_change_pin=operator.must_change_pin,
    )


def log_out(session: Session, station_code: str, operator_id: int) -> None:
    station = session.scalar(select(Station).where(Station.code == station_code))
    if station is not None and station.operator_id == operator_id:
        station.operator_id = None
        station.last_seen_at = dt.datetime.now(dt.UTC)


def store_flow_state(
    session: Session, operator_id: int, flow: str, state: dict[str, Any], station_code: str = ""
) -> None:
    """Keep `state` as where the operator stands in `flow`; an empty state clears it."""
    if not state:
        session.execute(
            delete(FlowState).where(FlowState.operator_id == operator_id, FlowState.flow == flow)
        )
        return
    row = session.scalar(
        select(FlowState).where(FlowState.operator_id == operator_id, FlowState.flow == flow)
    )
    if row is None:
        session.add(
            FlowState(operator_id=operator_id, flow=flow, station=station_code, state=dict(state))
        )
    else:
        row.state = dict(state)
        row.station = station_code
        row.updated_at = dt.datetime.now(dt.UTC)


def load_flow_state(session: Session, operator_id: int, flow: str) -> dict[str, Any] | None:
    row = session.scalar(
        select(FlowState).where(FlowState.operator_id == operator_id, FlowState.flow == flow)
    )
    return dict(row.state) if row is not None and row.state else None


# --- heartbeats -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Heartbeat:
    """What a running station reports every few seconds (the supervisor board reads it)."""

    station: str
    operator_id: int | None
    flow: str
    scanner: bool | None  # None: no scanner device, keyboard wedge only
    database: bool
    app_version: str
    last_scan_at: dt.datetime | None
    started_at: dt.datetime


def _heartbeat_row(beat: Heartbeat, at: dt.datetime) -> dict[str, Any]:
    return {
        "station": beat.station[:20],
        "operator_id": beat.operator_id,
        "flow": beat.flow[:40],
        "scanner": beat.scanner,
        "database": beat.database,
        "app_version": beat.app_version[:40],
        "last_scan_at": beat.last_scan_at,
        "started_at": beat.started_at,
        "beat_at": at,
    }


def report_heartbeat(session: Session, beat: Heartbeat, at: dt.datetime | None = None) -> None:
    """Upsert the station's one heartbeat row (INSERT ... ON CONFLICT DO UPDATE)."""
    report_heartbeats(session, [beat], at)


def report_heartbeats(
    session: Session, beats: Iterable[Heartbeat], at: dt.datetime | None = None
) -> None:
    """Upsert the heartbeat rows of `beats` in one statement, run once per row by the driver
    (the values are bound parameters, so the statement is built and compiled once)."""
    now = at or dt.datetime.now(dt.UTC)
    # the last beat of each station (one row may be upserted once per statement)
    rows = list({row["station"]: row for row in (_heartbeat_row(b, now) for b in beats)}.values())
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    statement = insert(StationHeartbeat.__table__)
    changed = {name: statement.excluded[name] for name in rows[0] if name != "station"}
    session.execute(statement.on_conflict_do_update(index_elements=["station"], set_=changed), rows)


def forget_heartbeat(session: Session, station_code: str) -> None:
    """A station that is gone for good (a browser session that ended) stops showing."""
    session.execute(delete(StationHeartbeat).where(StationHeartbeat.station == station_code))


# --- the scanner's profile (self-test) --------------------------------------------------------


def save_scanner_profile(
    session: Session, station_code: str, profile: ScannerProfile, operator_id: int | None = None
) -> None:
    """Keep what the self-test found for this station's scanner (replacing the last test)."""
    row = session.get(ScannerProfileRow, station_code)
    if row is None:
        row = ScannerProfileRow(station=station_code)
        session.add(row)
    row.sends_gs = profile.sends_gs
    row.aim = profile.aim
    row.terminator = profile.terminator or ""
    row.layout = profile.layout
    row.detail = profile.as_dict()
    row.operator_id = operator_id
    row.tested_at = dt.datetime.now(dt.UTC)


def scanner_profile(session: Session, station_code: str) -> dict[str, Any] | None:
    """The station's last self-test (ScannerProfile.as_dict() and tested_at), or None."""
    row = session.get(ScannerProfileRow, station_code)
    if row is None:
        return None
    return dict(row.detail) | {"tested_at": row.tested_at}


def scanner_sends_gs(session: Session, station_code: str) -> bool:
    """The station's scanner was tested and sends GS for every GS1 barcode."""
    row = session.get(ScannerProfileRow, station_code)
    return bool(row is not None and row.sends_gs)
