"""Supervisor: waves at a glance, live; build waves by rules, release, hold and cancel them.

The list: up and down arrows choose a wave; F2 releases it (partial shortages, carts of
four), F3 holds it, F4 opens the rules form, F5 refreshes; scanning CMD:CANCEL twice
cancels the chosen wave; Esc goes back to the menu. Every few seconds a background worker
reads the waves' progress (picked/total lines, picks) without touching the feedback line.

The rules form (keyboard only): up and down arrows choose a rule; key in its value and
press Enter (it is checked at once: a wrong value says what was expected, and the cursor
moves to the next rule); Delete clears the chosen rule, F5 clears them all; F2 builds the
wave from the rules set (none set: every open order); Esc goes back to the list. A value
scanned into the form fills the chosen rule the same way. The services check the supervisor
role; this screen only shows what they answer.
"""

from __future__ import annotations

from contextlib import suppress
from typing import TYPE_CHECKING, Any, ClassVar

from floor.errors import FloorError
from floor.i18n import N_, _, ngettext
from floor.models import wave_status_label
from floor.outbound.wave_rules import FIELDS, parse_field, rules_from, shown
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen, Keyed
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.outbound.wave_progress import WaveStatusView
    from floor.outbound.wave_release import ReleaseReport
    from floor.scanning import Scan

REFRESH_SECONDS = 3.0
SHORT_CODE = 14  # a longer wave code is shortened in the middle on a 40-column screen
LIST_KEYS = (
    Key("F2", N_("Release")),
    Key("F3", N_("Hold")),
    Key("F4", N_("Rules")),
    keys.REFRESH,
    keys.CHOOSE,
    keys.BACK,
)
FORM_KEYS = (
    Key("F2", N_("Build")),
    Key(keys.DEL, N_("Clear")),
    Key("F5", N_("Clear all")),
    keys.BACK,
)


class WavesScreen(FlowScreen):
    FLOW: ClassVar[str] = "waves"
    TITLE: ClassVar[str] = N_("Waves")
    ROLES: ClassVar[tuple[str, ...]] = ("supervisor",)
    MENU_ORDER: ClassVar[int] = 800

    def __init__(self) -> None:
        super().__init__()
        self.waves: list[WaveStatusView] = []
        self.chosen = 0
        self.cancel_armed = ""
        self.editing = False  # the rules form is shown
        self.field = 0
        self.values: dict[str, Any] = {}
        self._select_code: str | None = None

    def on_mount(self) -> None:
        super().on_mount()
        with self.in_language():
            self.show_list_prompt()
        self.reload()
        self.set_interval(REFRESH_SECONDS, self.refresh_status)

    # --- the list ------------------------------------------------------------------------

    def show_list_prompt(self) -> None:
        if self.floor_app.compact:
            help_text = _("F2 release F3 hold F4 rules")
        else:
            help_text = _("F2 release  F3 hold  F4 build by rules  F5 refresh  CMD:CANCEL twice")
        self.prompt(_("Waves"), help_text)

    def reload(self, message: str | None = None) -> None:
        """Read the waves now (after an action, with its message), as a service call."""
        from floor.outbound.wave_progress import list_waves

        warehouse = self.station.warehouse_id
        self.call_service(
            lambda s: list_waves(s, warehouse, limit=12),
            lambda waves: self.show_waves(waves, message),
        )

    def refresh_status(self) -> None:
        """The timer: read the waves' progress in a thread worker, quietly (no feedback)."""
        if self.busy or not self.is_attached:
            return
        from floor.db import read_only
        from floor.outbound.wave_progress import list_waves

        engine = self.station.engine
        warehouse = self.station.warehouse_id
        app = self.floor_app

        def run() -> None:
            try:
                with read_only(engine) as session:
                    waves = list_waves(session, warehouse, limit=12)
            except Exception:  # the next tick tries again; the DB marker is the app's job
                return
            with suppress(RuntimeError):  # the app is shutting down
                app.call_from_thread(self._refreshed, waves)

        app.run_worker(run, thread=True, group="wave-status", exclusive=True, exit_on_error=False)

    def _refreshed(self, waves: list[WaveStatusView]) -> None:
        if self.is_attached and not self.busy:
            with self.in_language():
                self.show_waves(waves)

    def show_waves(self, waves: list[WaveStatusView], message: str | None = None) -> None:
        chosen_code = self._select_code or self.wave_code
        self._select_code = None
        self.waves = waves
        codes = [w.code for w in waves]
        if chosen_code in codes:
            self.chosen = codes.index(chosen_code)
        self.chosen = min(self.chosen, max(len(waves) - 1, 0))
        if not self.editing:
            self.show_wave_lines()
        if message:
            self.accept(message)

    def show_wave_lines(self) -> None:
        self.show_lines(self.wave_lines(), selected=self.chosen if self.waves else None)

    def wave_lines(self) -> list[str]:
        compact = self.floor_app.compact
        lines = []
        if not self.waves:
            lines.append(_("No waves yet: F4 builds one"))
        for index, wave in enumerate(self.waves):
            mark = ">" if index == self.chosen else " "
            status = wave_status_label(wave.status)
            if compact:
                progress = f"{wave.lines_picked}/{wave.lines}"
                lines.append(f"{mark}{short_code(wave.code)} {status[:8]:<8} {progress}")
            else:
                counts = (
                    ngettext("{n} order", "{n} orders", wave.orders),
                    ngettext("{n} cart", "{n} carts", wave.clusters),
                    # i18n: picked/total order lines of a wave, in a list column
                    ngettext(
                        "{picked}/{n} line",
                        "{picked}/{n} lines",
                        wave.lines,
                        picked=wave.lines_picked,
                    ),
                    # i18n: picks of a wave closed short, in a list column
                    ngettext("{n} short", "{n} short", wave.tasks_short),
                )
                lines.append(f"{mark} {wave.code:<14} {status:<9} " + "  ".join(counts))
        return lines

    @property
    def wave_code(self) -> str | None:
        return self.waves[self.chosen].code if self.waves else None

    # --- the rules form ------------------------------------------------------------------

    def open_form(self) -> None:
        self.editing = True
        self.cancel_armed = ""
        self.show_form()

    def close_form(self) -> None:
        self.editing = False
        self.entry = ""
        self._show_entry()
        self.show_list_prompt()
        self.show_wave_lines()

    def show_form(self) -> None:
        field = FIELDS[self.field]
        compact = self.floor_app.compact
        self.prompt(
            _("Wave rules: {field}", field=_(field.label)),
            _("F2 build Del clear Esc back")
            if compact
            # i18n: {expected} is a hint on its own, like "a carrier code, like UPS"
            else _("Key in: {expected}", expected=_(field.expected)),
        )
        width = 16 if compact else 18
        rows = []
        for index, f in enumerate(FIELDS):
            chosen = index == self.field
            value = shown(f.name, self.values.get(f.name))
            if not value:
                value = f"<{_(f.placeholder)}>" if chosen and f.placeholder else "-"
            rows.append(f"{'>' if chosen else ' '}{_(f.label)[: width - 1]:<{width}}{value}")
        if not compact:
            rows.append("")
            rows.append(_("Enter sets  Del clears  F5 clears all  F2 builds  Esc back to the list"))
        self.show_lines(rows, selected=self.field)

    def set_field(self, text: str) -> None:
        field = FIELDS[self.field]
        try:
            value = parse_field(field.name, text)
        except FloorError as exc:
            # The feedback's second line says what was expected (the error's message says
            # both, for callers without one).
            given = text.strip() or "''"
            self.reject(
                _("{field}: {value} is not valid", field=_(field.label), value=given),
                exc.expected,
            )
            return
        self.values[field.name] = value
        self.accept(_("{field}: {value}", field=_(field.label), value=shown(field.name, value)))
        self.field = min(self.field + 1, len(FIELDS) - 1)
        self.show_form()

    def build(self) -> None:
        from floor.outbound import waves

        rules = rules_from(self.values)
        warehouse = self.station.warehouse_id
        actor = self.station.actor

        def work(s: Any) -> tuple[str, int]:
            wave = waves.build_wave(s, warehouse, rules, actor)
            return wave.code, int((wave.rules or {}).get("orders", 0))

        self.call_service(work, self.built)

    def built(self, result: tuple[str, int]) -> None:
        code, orders = result
        self.values = {}
        self.field = 0
        self._select_code = code
        self.close_form()
        self.reload(
            ngettext(
                "Wave {wave} built: {n} order", "Wave {wave} built: {n} orders", orders, wave=code
            )
        )

    # --- keys, scans, commands -----------------------------------------------------------

    def keys(self) -> tuple[Key, ...]:
        return FORM_KEYS if self.editing else LIST_KEYS

    def keyed_as(self) -> Keyed:
        return Keyed.TEXT if self.editing else Keyed.CODE

    def handle_other_key(self, key: str) -> None:
        if self.editing:
            if key in ("up", "down"):
                step = -1 if key == "up" else 1
                self.field = (self.field + step) % len(FIELDS)
                self.show_form()
            elif key == "delete":
                self.values.pop(FIELDS[self.field].name, None)
                self.show_form()
            return
        if key in ("up", "down") and self.waves:
            step = -1 if key == "up" else 1
            self.chosen = (self.chosen + step) % len(self.waves)
            self.cancel_armed = ""
            self.show_wave_lines()

    def handle_typed(self, text: str) -> None:
        if self.editing:
            self.set_field(text)
        else:
            super().handle_typed(text)

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        if self.editing and not (scan.kind is ScanKind.COMMAND and scan.command is not None):
            self.set_field(raw.raw.decode("utf-8", "replace"))
            return
        super().handle_scan(scan, raw, ticket)

    def on_command(self, command: Command, quantity: int | None) -> None:
        if self.editing:
            self.form_command(command, quantity)
        else:
            self.list_command(command, quantity)

    def form_command(self, command: Command, quantity: int | None) -> None:
        if command is Command.CONFIRM:
            self.build()
        elif command is Command.CANCEL:
            self.close_form()
        elif command is Command.DONE:
            self.values = {}
            self.field = 0
            self.show_form()
        elif command is Command.QUANTITY and quantity is not None:
            self.set_field(str(quantity))
        else:
            self.reject(
                _("Not in the rules form: F2 builds, Esc goes back"), _(FIELDS[self.field].expected)
            )

    def list_command(self, command: Command, quantity: int | None) -> None:
        from floor.outbound import wave_release, waves

        actor = self.station.actor
        code = self.wave_code
        if command is Command.CANCEL:
            if code and self.cancel_armed == code:
                self.cancel_armed = ""
                self.call_service(
                    lambda s: waves.cancel_wave(s, code, actor).code,
                    lambda done: self.done(_("Wave {wave} cancelled", wave=done)),
                )
            elif code and self.floor_app.current_ticket is not None:
                self.cancel_armed = code
                self.reject(_("Scan cancel again to cancel wave {wave}", wave=code))
            else:
                self.leave()
        elif command is Command.CONFIRM and code:
            self.call_service(
                lambda s: wave_release.release_wave(s, code, actor, cart_size=4), self.released
            )
        elif command is Command.SHORT and code:
            self.call_service(
                lambda s: waves.hold_wave(s, code, actor).code,
                lambda done: self.done(_("Wave {wave} held", wave=done)),
            )
        elif command is Command.SKIP:
            self.open_form()
        elif command is Command.DONE:
            self.reload()
        else:
            super().on_command(command, quantity)

    def released(self, report: ReleaseReport) -> None:
        counts = (
            ngettext("{n} pick", "{n} picks", report.tasks),
            ngettext("{n} cart", "{n} carts", report.clusters),
            ngettext("{n} line short", "{n} lines short", len(report.short)),
        )
        # i18n: {counts} is a list like "2 picks, 1 cart, 1 line short"
        self.done(_("Wave {wave} released: {counts}", wave=report.wave, counts=", ".join(counts)))

    def done(self, text: Any) -> None:
        self.reload(str(text))


def short_code(code: str) -> str:
    """A wave code for a 40-column list: whole up to SHORT_CODE characters (W250101-001),
    else its start and its end (the sequence number), never without its first letter."""
    if len(code) <= SHORT_CODE:
        return code
    return code[:6] + "…" + code[-(SHORT_CODE - 7) :]
