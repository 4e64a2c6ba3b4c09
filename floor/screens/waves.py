"""Supervisor: waves at a glance, live; build, release, hold and cancel them.

Up and down arrows choose a wave. F2 releases the chosen wave (partial shortages, carts of
four), F3 holds it, F4 builds a new wave of every open order, F5 refreshes, and scanning
CMD:CANCEL twice cancels it (Esc goes back to the menu). The list refreshes every few
seconds. The services check the supervisor role; this screen only shows what they answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _
from floor.scanning import Command
from floor.screens.flow import FlowScreen

if TYPE_CHECKING:
    from floor.waves import ReleaseReport, WaveStatusView

REFRESH_SECONDS = 5.0


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

    def on_mount(self) -> None:
        super().on_mount()
        with self.in_language():
            self.prompt(_("Waves"), self.help_text())
        self.reload()
        self.set_interval(REFRESH_SECONDS, self.reload)

    def help_text(self) -> str:
        if self.floor_app.compact:
            return _("F2 release F3 hold F4 build")
        return _("F2 release  F3 hold  F4 build  F5 refresh  CMD:CANCEL twice cancels")

    def reload(self, message: str | None = None) -> None:
        if self.busy and message is None:
            return
        from floor.waves import list_waves

        warehouse = self.station.warehouse_id
        self.call_service(
            lambda s: list_waves(s, warehouse, limit=12),
            lambda waves: self.show_waves(waves, message),
        )

    def show_waves(self, waves: list[WaveStatusView], message: str | None = None) -> None:
        self.waves = waves
        self.chosen = min(self.chosen, max(len(waves) - 1, 0))
        compact = self.floor_app.compact
        lines = []
        if not waves:
            lines.append(_("No waves yet: F4 builds one"))
        for index, wave in enumerate(waves):
            mark = ">" if index == self.chosen else " "
            if compact:
                lines.append(
                    f"{mark}{wave.code[-10:]} {_(wave.status)[:8]:<8} "
                    f"{wave.tasks_done}/{wave.tasks_total}"
                )
            else:
                lines.append(
                    f"{mark} {wave.code:<16} {_(wave.status):<10} "
                    + _(
                        "{orders} orders  {carts} carts  {done}/{total} picks  {short} short",
                        orders=wave.orders,
                        carts=wave.clusters,
                        done=wave.tasks_done,
                        total=wave.tasks_total,
                        short=wave.tasks_short,
                    )
                )
        self.show_lines(lines)
        if message:
            self.accept(message)

    def handle_other_key(self, key: str) -> None:
        if key in ("up", "down") and self.waves:
            step = -1 if key == "up" else 1
            self.chosen = (self.chosen + step) % len(self.waves)
            self.cancel_armed = ""
            self.show_waves(self.waves)

    @property
    def wave_code(self) -> str | None:
        return self.waves[self.chosen].code if self.waves else None

    def on_command(self, command: Command, quantity: int | None) -> None:
        from floor import waves

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
                lambda s: waves.release_wave(s, code, actor, cart_size=4), self.released
            )
        elif command is Command.SHORT and code:
            self.call_service(
                lambda s: waves.hold_wave(s, code, actor).code,
                lambda done: self.done(_("Wave {wave} held", wave=done)),
            )
        elif command is Command.SKIP:
            warehouse = self.station.warehouse_id
            self.call_service(
                lambda s: waves.build_wave(s, warehouse, waves.WaveRules(), actor).code,
                lambda done: self.done(_("Wave {wave} built", wave=done)),
            )
        elif command is Command.DONE:
            self.reload()
        else:
            super().on_command(command, quantity)

    def released(self, report: ReleaseReport) -> None:
        self.done(
            _(
                "Wave {wave} released: {tasks} picks in {carts} carts, {short} lines short",
                wave=report.wave,
                tasks=report.tasks,
                carts=report.clusters,
                short=len(report.short),
            )
        )

    def done(self, text: Any) -> None:
        self.reload(str(text))
