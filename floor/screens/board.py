"""Supervisor board: the live floor on one screen, refreshed every second.

Sections, top to bottom: a summary line; waves (progress bar, lines, rate, finish time);
stations and pickers (flow, current task, lines per hour, idle, rejected scans, median time
from scan to confirmation); exceptions; stock alerts; lines picked over the shift (a
sparkline). At 80x24 the essential columns show and the sections scroll; wider terminals
show more columns.

Keys: left and right arrows choose a section (waves, people, exceptions), up and down a row
in it, PgUp/PgDn scroll. Waves: F2 releases, F3 holds, F4 twice cancels. People: F2 gives
the chosen picker's task (their cart) to another operator: scan or key in their badge.
Exceptions: F2 approves a count variance or sends a failed label again, F3 rejects the
variance. F5 reads now; Esc goes back to the menu. The services check the supervisor role;
the read model is floor/board/ (read in a thread worker with a read-only session).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from contextlib import suppress
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Sparkline, Static

from floor.i18n import N_, _, ngettext
from floor.models import wave_status_label
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.board.model import BoardReader, BoardView, ExceptionRow, PersonRow
    from floor.board.waves import WaveRow
    from floor.devices import RawScan
    from floor.scanning import Scan

log = logging.getLogger(__name__)

WIDE = 120  # from this width on, the tables show every column
SECTIONS = ("waves", "people", "exceptions")
SECTION_TITLES = {
    "waves": N_("Waves"),
    "people": N_("Stations and pickers"),
    "exceptions": N_("Exceptions"),
}
BAR_WIDTH = 10


def board_now() -> dt.datetime:
    """The board's clock (tests set it)."""
    return dt.datetime.now(dt.UTC)


def clock_text(at: dt.datetime | None) -> str:
    return at.astimezone().strftime("%H:%M") if at else "--:--"


def duration_text(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    seconds = int(seconds)
    if seconds < 60:
        # i18n: a short duration in seconds, in a table column
        return _("{n} s", n=seconds)
    if seconds < 3600:
        # i18n: a short duration in minutes, in a table column
        return _("{n} min", n=seconds // 60)
    # i18n: a duration in hours and minutes, in a table column, like "2 h 05"
    return _("{h} h {m}", h=seconds // 3600, m=f"{seconds % 3600 // 60:02d}")


def bar(share: float, width: int = BAR_WIDTH) -> str:
    filled = round(max(0.0, min(share, 1.0)) * width)
    return "█" * filled + "░" * (width - filled)


class BoardScreen(FlowScreen):
    FLOW: ClassVar[str] = "board"
    TITLE: ClassVar[str] = N_("Supervisor board")
    ROLES: ClassVar[tuple[str, ...]] = ("supervisor",)
    MENU_ORDER: ClassVar[int] = 960  # last: the other flows keep their numbers

    CSS = """
    BoardScreen #prompt, BoardScreen #detail, BoardScreen #body { display: none; }
    BoardScreen Feedback { height: 1; min-height: 1; }
    BoardScreen #board { height: 1fr; scrollbar-size-vertical: 1; }
    BoardScreen .section { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    BoardScreen #summary { height: auto; text-style: bold; }
    BoardScreen #chart { height: 2; margin: 0 1 0 0; }
    BoardScreen #chart-title { height: 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.view: BoardView | None = None
        self.reader: BoardReader | None = None
        self.section = "waves"
        self.chosen: dict[str, int] = dict.fromkeys(SECTIONS, 0)
        self.cancel_armed = ""
        self.giving: PersonRow | None = None  # F2 on a picker: waiting for the other badge
        self._reading = False

    # --- layout and refresh --------------------------------------------------------------

    async def on_mount(self) -> None:
        from floor.board.model import BoardReader
        from floor.board.settings import BoardSettings

        settings = BoardSettings.from_section(self.station.settings.section("board"))
        self.reader = BoardReader(self.station.warehouse_id, settings)
        board = VerticalScroll(
            Static("", id="summary"),
            Static("", id="waves", classes="section"),
            Static("", id="people", classes="section"),
            Static("", id="exceptions", classes="section"),
            Static("", id="alerts", classes="section"),
            Static("", id="chart-title"),
            Sparkline([], id="chart"),
            id="board",
        )
        board.can_focus = False
        await self.query_one("#main").mount(board)
        with self.in_language():
            self.show_texts()
        self.refresh_board()
        self.set_interval(settings.refresh_seconds, self.refresh_board)

    def keys(self) -> Sequence[Key]:
        if self.giving is not None:
            return (Key(keys.ENTER, N_("Give")), keys.BACK)
        section_keys = {
            "waves": (Key("F2", N_("Release")), Key("F3", N_("Hold")), Key("F4", N_("Cancel"))),
            "people": (Key("F2", N_("Give task")),),
            "exceptions": (Key("F2", N_("Approve/Reprint")), Key("F3", N_("Reject"))),
        }[self.section]
        return (Key("←→", N_("Section")), *section_keys, keys.REFRESH, keys.BACK)

    def refresh_texts(self) -> None:
        super().refresh_texts()
        if self.is_mounted and self.query("#board"):
            self.show_texts()

    def refresh_board(self) -> None:
        """Read what changed, in a thread worker; quiet (no feedback, nothing journaled)."""
        if self._reading or not self.is_attached or self.reader is None:
            return
        from floor.db import read_only

        engine, reader, app = self.station.engine, self.reader, self.floor_app
        self._reading = True

        def run() -> None:
            view = None
            try:
                with read_only(engine) as session:
                    view = reader.refresh(session, board_now())
            except Exception as exc:  # the next tick tries again; the DB marker is the app's
                log.warning("board not refreshed: %s", exc)
            with suppress(RuntimeError):  # the app is shutting down
                app.call_from_thread(self._refreshed, view)

        app.run_worker(run, thread=True, group="board", exit_on_error=False)

    def _refreshed(self, view: BoardView | None) -> None:
        self._reading = False
        if view is not None and self.is_attached:
            self.view = view
            with self.in_language():
                self.show_texts()

    # --- rendering -----------------------------------------------------------------------

    @property
    def wide(self) -> bool:
        return self.size.width >= WIDE

    def rows(self, section: str) -> list[Any]:
        view = self.view
        if view is None:
            return []
        return {"waves": view.waves, "people": view.people, "exceptions": view.exceptions}[section]

    def chosen_row(self, section: str | None = None) -> Any:
        section = section or self.section
        rows = self.rows(section)
        if not rows:
            return None
        self.chosen[section] = min(self.chosen[section], len(rows) - 1)
        return rows[self.chosen[section]]

    def show_texts(self) -> None:
        self.show_keys()
        view = self.view
        summary = self.query_one("#summary", Static)
        if view is None:
            summary.update(_("Reading the floor…"))
            return
        summary.update(self.summary_text(view))
        for section, render in (
            ("waves", self.wave_line),
            ("people", self.person_line),
            ("exceptions", self.exception_line),
        ):
            self.query_one(f"#{section}", Static).update(self.section_text(section, render))
        self.query_one("#alerts", Static).update(self.alerts_text(view))
        self.query_one("#chart-title", Static).update(
            ngettext(
                "Lines picked per {n} min this shift: {total}",
                "Lines picked per {n} min this shift: {total}",
                view.chart_bucket_minutes,
                total=sum(view.chart),
            )
        )
        chart = self.query_one("#chart", Sparkline)
        chart.styles.height = 4 if self.size.height >= 40 else 2
        chart.data = [float(v) for v in view.chart] or [0.0]

    def summary_text(self, view: BoardView) -> Text:
        t = view.totals
        parts = [
            _("Shift since {time}", time=clock_text(view.shift_start)),
            ngettext("{n} wave", "{n} waves", t.waves_active),
            # i18n: lines picked of lines in the active waves, in the board's summary line
            _("{picked}/{lines} lines", picked=t.lines_picked, lines=t.lines),
        ]
        if t.units_per_hour:
            parts.append(_("{n} units/h", n=round(t.units_per_hour)))
            parts.append(_("finish ~{time}", time=clock_text(t.finish_at)))
        parts.append(ngettext("{n} exception", "{n} exceptions", len(view.exceptions)))
        # i18n: stations reporting of all stations seen this shift
        parts.append(_("{online}/{n} stations", online=t.stations_online, n=t.stations))
        return Text(" · ".join(parts), no_wrap=not self.wide, overflow="ellipsis")

    def section_text(self, section: str, render: Any) -> Text:
        rows = self.rows(section)
        active = section == self.section
        text = Text(no_wrap=True, overflow="ellipsis")
        count = f" ({len(rows)})" if rows else ""
        text.append(
            ("▶ " if active else "  ") + _(SECTION_TITLES[section]) + count,
            style="bold reverse" if active else "bold",
        )
        if not rows:
            text.append(
                "\n  "
                + {
                    "waves": _("No waves this shift"),
                    "people": _("No station has reported this shift"),
                    "exceptions": _("Nothing needs you"),
                }[section],
                style="dim",
            )
        for n, row in enumerate(rows):
            chosen = active and n == self.chosen[section]
            text.append("\n")
            text.append((">" if chosen else " ") + render(row), style="reverse" if chosen else "")
        return text

    def wave_line(self, w: WaveRow) -> str:
        status = wave_status_label(w.status)
        rate = _("{n}/h", n=round(w.units_per_hour)) if w.units_per_hour else "-"
        lines = f"{w.lines_picked}/{w.lines}"
        shorts = f" !{w.tasks_short}" if w.tasks_short else ""
        if not self.wide:
            return (
                f"{w.code[-12:]:<12} {status[:9]:<9} {bar(w.progress, 8)} {lines:>9} "
                f"{rate:>6} {clock_text(w.finish_at)}{shorts}"
            )
        return (
            f"{w.code:<16} {status:<10} {bar(w.progress)} {w.progress:>4.0%}  "
            + _("lines {picked}/{n}", picked=w.lines_picked, n=w.lines).ljust(16)
            + _("orders {picked}/{n}", picked=w.orders_picked, n=w.orders).ljust(15)
            + _("units {picked}/{n}", picked=w.units_picked, n=w.units).ljust(17)
            + _("packed {orders}/{units}", orders=w.orders_packed, units=w.units_packed).ljust(15)
            + _("tasks {open}+{active}", open=w.tasks_open, active=w.tasks_active).ljust(13)
            + f"{rate:>7} {clock_text(w.finish_at)}"
            + (" " + ngettext("{n} short", "{n} short", w.tasks_short) if w.tasks_short else "")
        )

    def person_line(self, p: PersonRow) -> str:
        mark = {True: "●", False: "○", None: "·"}[p.online]
        station = p.station or "-"
        who = p.name or (_("offline") if p.online is False else _("nobody logged in"))
        task = self.task_text(p)
        rate = f"{round(p.lines_per_hour)}/h" if p.lines_per_hour is not None else "-"
        rejected = f"{p.rejected_rate:.0%}" if p.rejected_rate is not None else "-"
        confirm = _seconds_text(p.median_confirm_seconds)
        idle = duration_text(p.idle_seconds)
        if not self.wide:
            return (
                f"{mark}{station[:8]:<8} {who[:14]:<14} {task[:20]:<20} {rate:>5} "
                f"{idle:>6} {rejected:>4} {confirm:>5}"
            )
        scanner = {True: _("scanner ok"), False: _("SCANNER OFF"), None: _("keyboard")}[p.scanner]
        if not p.online:
            scanner = ""
        return (
            f"{mark} {station:<10} {who[:20]:<20} {p.flow[:14]:<14} {task[:26]:<26} "
            + _("{n} lines/h", n=rate.removesuffix("/h")).ljust(13)
            + _("idle {time}", time=idle).ljust(13)
            + _("rejected {share}", share=rejected).ljust(14)
            + _("confirm {seconds}", seconds=confirm).ljust(15)
            + f"{scanner:<12} {p.app_version}"
        )

    def task_text(self, p: PersonRow) -> str:
        task = p.task
        if task is None:
            return ""
        if task.kind == "pick":
            # i18n: a picker's current task on the board: their cart and how many picks left
            return _("cart {cart} ({n})", cart=task.cluster or "-", n=task.tasks)
        # i18n: an operator's task on the board: its kind and location, like "count A01-02-1"
        return _("{kind} {location}", kind=_task_kind(task.kind), location=task.location)

    def exception_line(self, e: ExceptionRow) -> str:
        from floor.board import model

        data = e.data
        if e.kind == model.STATION_OFFLINE:
            text = _(
                "Station {station} offline for {time}",
                station=e.subject,
                time=duration_text(data.get("seconds")),
            )
        elif e.kind == model.SCANNER_DISCONNECTED:
            text = _("Station {station}: scanner disconnected", station=e.subject)
        elif e.kind == model.SCANS_REJECTED:
            text = ngettext(
                "Station {station}: {n} scan rejected in a row ({message})",
                "Station {station}: {n} scans rejected in a row ({message})",
                int(data.get("n", 0)),
                station=e.subject,
                message=e.detail,
            )
        elif e.kind == model.VARIANCE:
            variance = data.get("variance")
            shown = f"{variance:+d}" if isinstance(variance, int) else "?"
            text = _(
                "Count at {location} {what}: {variance} ({expected}/{counted}), F2 approve, "
                "F3 reject",
                location=e.subject,
                what=e.detail,
                variance=shown,
                expected=data.get("expected"),
                counted=data.get("counted"),
            )
        elif e.kind == model.PRINT_FAILED:
            text = _(
                "Label {template} {reference} failed at {station}: {error}; F2 sends it again",
                template=data.get("template", ""),
                reference=data.get("reference", ""),
                station=e.subject,
                error=e.detail,
            )
        else:
            text = _(
                "Short pick in {wave} at {where}: {reason}",
                wave=e.subject,
                where=e.detail,
                reason=data.get("reason") or data.get("code", ""),
            )
        return (clock_text(e.at) + " " if self.wide else "") + text

    def alerts_text(self, view: BoardView) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("  " + _("Stock alerts"), style="bold")
        if not view.low_stock and not view.expiring:
            text.append("\n  " + _("No item under its reorder point, no lot expiring"), style="dim")
        for low in view.low_stock:
            words = (
                # i18n: a stock alert on the board; the reorder point was computed by planning
                N_("{sku} {description}: {n} on hand, computed reorder point {point}")
                if low.computed
                else N_("{sku} {description}: {n} on hand, reorder point {point}")
            )
            text.append(
                "\n  "
                + _(
                    words,
                    sku=low.sku,
                    description=low.description[: 30 if self.wide else 16],
                    n=low.on_hand,
                    point=low.reorder_point,
                )
            )
        today = view.now.astimezone().date()
        for lot in view.expiring:
            words = (
                _("expired {date}", date=lot.expiry.isoformat())
                if lot.expiry < today
                else _("expires {date}", date=lot.expiry.isoformat())
            )
            text.append(
                "\n  "
                + _(
                    "{sku} lot {lot} at {location}: {n}, {expiry}",
                    sku=lot.sku,
                    lot=lot.lot,
                    location=lot.location,
                    n=lot.quantity,
                    expiry=words,
                ),
                style="yellow" if lot.expiry >= today else "bold red",
            )
        return text

    def scroll_to_chosen(self) -> None:
        rows = self.rows(self.section)
        if not rows:
            return
        widget = self.query_one(f"#{self.section}", Static)
        board = self.query_one("#board", VerticalScroll)
        line = widget.virtual_region.y + 1 + self.chosen[self.section]
        if not board.scroll_offset.y <= line < board.scroll_offset.y + board.size.height - 1:
            board.scroll_to(y=max(line - 2, 0), animate=False)

    # --- keys, scans, actions ------------------------------------------------------------

    def handle_other_key(self, key: str) -> None:
        board = self.query_one("#board", VerticalScroll)
        if key in ("left", "right"):
            step = -1 if key == "left" else 1
            self.section = SECTIONS[(SECTIONS.index(self.section) + step) % len(SECTIONS)]
            self.cancel_armed = ""
        elif key in ("up", "down"):
            rows = self.rows(self.section)
            if rows:
                step = -1 if key == "up" else 1
                self.chosen[self.section] = (self.chosen[self.section] + step) % len(rows)
            self.cancel_armed = ""
        elif key == "pageup":
            board.scroll_page_up(animate=False)
            return
        elif key == "pagedown":
            board.scroll_page_down(animate=False)
            return
        else:
            return
        self.show_texts()
        self.call_after_refresh(self.scroll_to_chosen)

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        if self.giving is not None and scan.kind is ScanKind.BADGE and scan.code:
            self.give_to(scan.code)
            return
        super().handle_scan(scan, raw, ticket)

    def handle_typed(self, text: str) -> None:
        if self.giving is not None:
            self.give_to(text.strip())
        else:
            super().handle_typed(text)

    def on_command(self, command: Command, quantity: int | None) -> None:
        if self.giving is not None:
            if command is Command.CANCEL:
                self.giving = None
                self.feedback(_("Nothing given"), "info")
                self.show_texts()
            else:
                self.reject(_("Scan or key in the badge of the operator to give it to"))
            return
        if command is Command.DONE:
            self.refresh_board()
        elif command in (Command.CONFIRM, Command.SHORT, Command.SKIP):
            primary = command is Command.CONFIRM
            if self.section == "waves":
                self.wave_action(
                    {Command.CONFIRM: "release", Command.SHORT: "hold"}.get(command, "cancel")
                )
            elif self.section == "people" and primary:
                self.start_giving()
            elif self.section == "exceptions" and command is not Command.SKIP:
                self.exception_action(primary)
            else:
                self.reject(_("Nothing to do with this key here"))
        else:
            super().on_command(command, quantity)

    def act(self, work: Any) -> None:
        """Run an action's service; say its outcome and read the board again."""

        def done(message: str) -> None:
            self.accept(message)
            self.refresh_board()

        self.call_service(work, done)

    def wave_action(self, action: str) -> None:
        from floor.board import actions

        wave = self.chosen_row("waves")
        if wave is None:
            self.reject(_("No wave chosen"))
            return
        actor, code = self.station.actor, wave.code
        if action == "release":
            self.act(lambda s: actions.release_wave(s, code, actor))
        elif action == "hold":
            self.act(lambda s: actions.hold_wave(s, code, actor))
        elif self.cancel_armed == code:
            self.cancel_armed = ""
            self.act(lambda s: actions.cancel_wave(s, code, actor))
        else:
            self.cancel_armed = code
            self.feedback(_("Press F4 again to cancel wave {wave}", wave=code), "info")

    def start_giving(self) -> None:
        person = self.chosen_row("people")
        if person is None or person.task is None:
            self.reject(_("This row holds no task"), _("a picker with a task"))
            return
        self.giving = person
        what = self.task_text(person)
        self.feedback(
            _("Give {task} of {name} to: scan or key in a badge", task=what, name=person.name),
            "info",
        )
        self.show_texts()

    def give_to(self, badge: str) -> None:
        from floor.board import actions

        person, self.giving = self.giving, None
        self.show_texts()
        if person is None or person.task is None or not badge:
            return
        task_id, actor = person.task.task_id, self.station.actor
        self.act(lambda s: actions.reassign_task(s, task_id, badge, actor))

    def exception_action(self, primary: bool) -> None:
        from floor.board import actions, model

        row = self.chosen_row("exceptions")
        actor = self.station.actor
        if row is not None and row.kind == model.VARIANCE:
            task_id = int(row.key)
            self.act(lambda s: actions.decide_variance(s, task_id, primary, actor))
        elif row is not None and row.kind == model.PRINT_FAILED and primary:
            job = row.key
            self.act(lambda s: actions.reprint_label(s, job, actor))
        else:
            self.reject(
                _("Nothing to do with this key here"),
                _("a count variance or a failed label"),
            )


def _task_kind(kind: str) -> str:
    words = {
        # i18n: a kind of task on the board, before its location: "count A01-02-1"
        "count": _("count"),
        # i18n: a kind of task on the board, before its location
        "putaway": _("put-away"),
        # i18n: a kind of task on the board, before its location
        "replenish": _("replenish"),
        # i18n: a kind of task on the board, before its location
        "move": _("move"),
    }
    return words.get(kind, kind)


def _seconds_text(seconds: float | None) -> str:
    """A short time from scan to confirmation: 45ms, 1.5s."""
    if seconds is None:
        return "-"
    return f"{seconds * 1000:.0f}ms" if seconds < 1 else f"{seconds:.1f}s"
