"""The board's read model: one `BoardReader` per board keeps the shift's figures and, each
refresh, reads only what changed; `refresh(session, now)` returns a `BoardView` (plain data).

Per wave (floor/board/waves.py): progress, picking rate over the last minutes, finish time.
Per station and picker: flow and current task, lines per hour this shift, idle time, rejected
scans, median time from scan to ledger confirmation (floor/board/activity.py).
Exceptions: short picks, counts awaiting approval, failed print jobs, scanners disconnected,
stations offline, scans rejected repeatedly at one station. Stock alerts: under the reorder
point, expired or expiring lots (read every `alerts_refresh_seconds`). Throughput: lines
picked per chart bucket since the start of the shift.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from floor.board import floor_state as fs
from floor.board.activity import Activity
from floor.board.settings import BoardSettings
from floor.board.waves import ShortPick, WaveBoard, WaveRow

SHORT_PICK = "short_pick"
VARIANCE = "variance"
PRINT_FAILED = "print_failed"
SCANNER_DISCONNECTED = "scanner_disconnected"
STATION_OFFLINE = "station_offline"
SCANS_REJECTED = "scans_rejected"
EXCEPTION_ORDER = (
    STATION_OFFLINE,
    SCANNER_DISCONNECTED,
    SCANS_REJECTED,
    VARIANCE,
    PRINT_FAILED,
    SHORT_PICK,
)


@dataclass(frozen=True)
class PersonRow:
    """A station with whoever is logged in there, or a picker holding work at no station."""

    station: str
    operator_id: int | None
    name: str
    badge: str
    flow: str = ""
    online: bool | None = None  # None: no heartbeat (an operator holding work, logged out)
    scanner: bool | None = None
    database: bool = True
    app_version: str = ""
    task: fs.HeldTask | None = None
    lines_per_hour: float | None = None
    idle_seconds: float | None = None
    scans: int = 0
    rejected_rate: float | None = None
    median_confirm_seconds: float | None = None


@dataclass(frozen=True)
class ExceptionRow:
    kind: str
    key: str  # task id, print job key or station code: what an action acts on
    subject: str  # wave / location / station ...
    detail: str
    at: dt.datetime | None = None
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Totals:
    waves_active: int = 0
    lines: int = 0
    lines_picked: int = 0
    units_left: int = 0
    units_per_hour: float | None = None
    finish_at: dt.datetime | None = None
    stations_online: int = 0
    stations: int = 0


@dataclass(frozen=True)
class BoardView:
    now: dt.datetime
    shift_start: dt.datetime
    waves: list[WaveRow]
    people: list[PersonRow]
    exceptions: list[ExceptionRow]
    low_stock: list[fs.LowStock]
    expiring: list[fs.Expiring]
    chart: list[int]
    chart_bucket_minutes: int
    totals: Totals
    expiring_days: int = 7


class BoardReader:
    def __init__(self, warehouse_id: int, settings: BoardSettings | None = None) -> None:
        self.warehouse_id = warehouse_id
        self.settings = settings or BoardSettings()
        self.activity: Activity | None = None
        self.waves = WaveBoard(warehouse_id, recount_seconds=max(self.settings.refresh_seconds, 10))
        self._alerts: tuple[list[fs.LowStock], list[fs.Expiring]] = ([], [])
        self._alerts_at = float("-inf")
        self._names: dict[int, tuple[str, str]] = {}

    def refresh(
        self, session: Session, now: dt.datetime | None = None, clock: float | None = None
    ) -> BoardView:
        now = now or dt.datetime.now(dt.UTC)
        clock = time.monotonic() if clock is None else clock
        settings = self.settings
        shift = settings.shift_start(now)
        if self.activity is None or self.activity.shift_start != shift:
            self.activity = Activity(
                shift,
                bucket_minutes=settings.chart_bucket_minutes,
                window_minutes=settings.rate_window_minutes,
            )
            self.waves = WaveBoard(self.warehouse_id, self.waves.recount_seconds)
        activity = self.activity
        activity.read(session, clock)
        self.waves.read(session, shift, activity.changed_references, clock)
        beats = fs.heartbeats(session, shift)
        held = fs.held_tasks(session, self.warehouse_id)
        variances = fs.variances(session, self.warehouse_id)
        prints, _failed = fs.failed_prints(session)
        if clock - self._alerts_at >= settings.alerts_refresh_seconds:
            until = now.astimezone().date() + dt.timedelta(days=settings.expiring_days)
            self._alerts = (
                fs.low_stock(session, self.warehouse_id),
                fs.expiring(session, self.warehouse_id, until),
            )
            self._alerts_at = clock
        wanted = {b.operator_id for b in beats if b.operator_id is not None} | set(held)
        unknown = wanted - set(self._names)
        if unknown:
            self._names.update(fs.operator_names(session, unknown))

        window = activity.window
        per_wave = activity.picked_lately(now)
        waves = self.waves.views(per_wave, window, now)
        people = self._people(beats, held, now)
        exceptions = self._exceptions(beats, variances, prints, self.waves.short_picks(), now)
        active = [w for w in waves if w.status in ("planned", "released", "held")]
        picked_lately = sum(per_wave.values())
        per_hour = picked_lately / (window.total_seconds() / 3600) if picked_lately else None
        units_left = sum(w.units_left for w in active if w.status == "released")
        finishes = [w.finish_at for w in active if w.finish_at is not None]
        totals = Totals(
            waves_active=len(active),
            lines=sum(w.lines for w in active),
            lines_picked=sum(w.lines_picked for w in active),
            units_left=units_left,
            units_per_hour=per_hour,
            finish_at=(now + dt.timedelta(hours=units_left / per_hour)) if per_hour else None,
            stations_online=sum(1 for p in people if p.online),
            stations=sum(1 for p in people if p.online is not None),
        )
        if finishes and totals.finish_at is not None:
            totals = _replace(totals, finish_at=max(*finishes, totals.finish_at))
        return BoardView(
            now=now,
            shift_start=shift,
            waves=waves,
            people=people,
            exceptions=exceptions,
            low_stock=self._alerts[0],
            expiring=self._alerts[1],
            chart=activity.chart(now),
            chart_bucket_minutes=settings.chart_bucket_minutes,
            totals=totals,
            expiring_days=settings.expiring_days,
        )

    def online(self, beat: fs.StationBeat, now: dt.datetime) -> bool:
        return (now - beat.beat_at).total_seconds() <= self.settings.offline_after_seconds

    def _people(
        self, beats: list[fs.StationBeat], held: dict[int, fs.HeldTask], now: dt.datetime
    ) -> list[PersonRow]:
        assert self.activity is not None
        activity = self.activity
        rows: list[PersonRow] = []
        at_a_station: set[int] = set()
        for beat in beats:
            online = self.online(beat, now)
            operator_id = beat.operator_id if online else None
            if operator_id is not None:
                at_a_station.add(operator_id)
            name, badge = self._names.get(operator_id, ("", "")) if operator_id else ("", "")
            station = activity.stations.get(beat.station)
            person = activity.operators.get(operator_id) if operator_id else None
            last = [t for t in (beat.last_scan_at, station and station.last_scan_at) if t]
            if person and person.last_at:
                last.append(person.last_at)
            idle = (now - max(last)).total_seconds() if last and operator_id else None
            rows.append(
                PersonRow(
                    station=beat.station,
                    operator_id=operator_id,
                    name=name,
                    badge=badge,
                    flow=beat.flow if online else "",
                    online=online,
                    scanner=beat.scanner,
                    database=beat.database,
                    app_version=beat.app_version,
                    task=held.get(operator_id) if operator_id else None,
                    lines_per_hour=person.lines_per_hour(now) if person else None,
                    idle_seconds=max(idle, 0.0) if idle is not None else None,
                    scans=station.scans if station else 0,
                    rejected_rate=station.rejected_rate if station else None,
                    median_confirm_seconds=station.median_confirm_seconds if station else None,
                )
            )
        for operator_id, task in held.items():
            if operator_id in at_a_station:
                continue
            name, badge = self._names.get(operator_id, ("", ""))
            person = activity.operators.get(operator_id)
            rows.append(
                PersonRow(
                    station="",
                    operator_id=operator_id,
                    name=name,
                    badge=badge,
                    task=task,
                    lines_per_hour=person.lines_per_hour(now) if person else None,
                    idle_seconds=(now - person.last_at).total_seconds()
                    if person and person.last_at
                    else None,
                )
            )
        rows.sort(key=lambda r: (r.online is not True, r.online is None, r.station, r.name))
        return rows

    def _exceptions(
        self,
        beats: list[fs.StationBeat],
        variances: list[fs.Variance],
        prints: list[fs.FailedPrint],
        shorts: list[ShortPick],
        now: dt.datetime,
    ) -> list[ExceptionRow]:
        assert self.activity is not None
        rows: list[ExceptionRow] = []
        for beat in beats:
            if not self.online(beat, now):
                rows.append(
                    ExceptionRow(
                        STATION_OFFLINE,
                        beat.station,
                        beat.station,
                        "",
                        beat.beat_at,
                        {"seconds": int((now - beat.beat_at).total_seconds())},
                    )
                )
            elif beat.scanner is False:
                rows.append(
                    ExceptionRow(SCANNER_DISCONNECTED, beat.station, beat.station, "", beat.beat_at)
                )
        for code, station in sorted(self.activity.stations.items()):
            if station.rejected_in_a_row >= self.settings.rejected_in_a_row:
                rows.append(
                    ExceptionRow(
                        SCANS_REJECTED,
                        code,
                        code,
                        station.last_rejection,
                        station.last_scan_at,
                        {"n": station.rejected_in_a_row},
                    )
                )
        for v in variances:
            rows.append(
                ExceptionRow(
                    VARIANCE,
                    str(v.task_id),
                    v.location,
                    f"{v.sku} {v.lot}".strip(),
                    v.at,
                    {
                        "variance": v.variance,
                        "expected": v.expected,
                        "counted": v.counted,
                        "extra": v.extra,
                    },
                )
            )
        for p in prints:
            rows.append(
                ExceptionRow(
                    PRINT_FAILED,
                    p.job_key,
                    p.station,
                    p.error,
                    p.at,
                    {"template": p.template, "reference": p.reference},
                )
            )
        for s in shorts:
            rows.append(
                ExceptionRow(
                    SHORT_PICK,
                    str(s.task_id),
                    s.wave,
                    f"{s.location} {s.sku}",
                    s.at,
                    {"code": s.code, "reason": s.reason},
                )
            )
        order = {kind: n for n, kind in enumerate(EXCEPTION_ORDER)}
        rows.sort(key=lambda r: order.get(r.kind, 99))
        return rows


def _replace(totals: Totals, **changes: object) -> Totals:
    from dataclasses import replace

    return replace(totals, **changes)  # type: ignore[arg-type]
