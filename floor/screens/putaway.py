"""Put-away: the first step lists what waits at the dock (LPNs with their contents, loose
items); scan an LPN or item there, go to the proposed location, scan it and key its check
digits (or scan a label carrying them; `[putaway] require_check_digits = false` takes the
bare code). F3 changes the destination (CHBD): key a reason number, scan the new location;
the service allows it only for supervisors. Esc goes back; the task stays yours and resumes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen, Keyed
from floor.screens.keys import Key
from floor.screens.locations import LOCATION_SCANS, LocationPrompt, require_check_digits

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.errors import FloorError
    from floor.inbound.putaway import DockLine
    from floor.scanning import Scan
    from floor.stock.move_tasks import MoveDone, MoveTaskView

SOURCE = "source"
DESTINATION = "destination"
REASON = "reason"
OVERRIDE = "override"
REASONS = {1: N_("bin full"), 2: N_("bin damaged"), 3: N_("bin too small")}
CONTAINERS = (ScanKind.LPN, ScanKind.TOTE, ScanKind.CARTON)


def container_code(scan: Scan) -> str | None:
    """The container a scan names: an LPN, tote or carton label, or a pallet's or carton's
    SSCC (00), which is the code (or the SSCC) of the container it was received onto."""
    if scan.kind in CONTAINERS and scan.code:
        return scan.code
    if scan.kind is ScanKind.SSCC and scan.sscc:
        return scan.sscc
    return None


DOCK_LINES = 8


def content_line(sku: str, quantity: int, lot: str) -> str:
    """One SKU of an LPN, or a loose item: `SKU × quantity  lot L`."""
    text = f"{sku} × {quantity}"
    return f"{text}  {_('lot {lot}', lot=lot)}" if lot else text


def lpn_lines(task: MoveTaskView, compact: bool) -> list[str]:
    """An LPN's task: its code, what it holds (SKU × quantity, lot), from and to."""
    contents = [content_line(c.sku, c.quantity, c.lot) for c in task.contents]
    if compact:
        return [task.lpn or "", *contents, f"{task.from_location} → {task.to_location}"]
    return [
        f"{_('LPN'):<10} {task.lpn}  " + ngettext("{n} unit", "{n} units", task.quantity),
        *(f"{'':<10} {line}" for line in contents),
        f"{_('From'):<10} {task.from_location}",
        f"{_('To'):<10} {task.to_location}",
    ]


def dock_lines(waiting: list[DockLine], compact: bool) -> list[str]:
    """What waits at the dock to be put away: LPNs with their contents, loose items."""
    if not waiting:
        return [_("Nothing waits at the dock")]
    shown = waiting[: DOCK_LINES // 2 if compact else DOCK_LINES]
    lines = [_("Waiting at the dock:")]
    for line in shown:
        if line.lpn:
            inside = ", ".join(content_line(c.sku, c.quantity, c.lot) for c in line.contents)
            lines.append(f"{line.lpn} {inside}"[: 38 if compact else 76])
        else:
            lines.append(content_line(line.sku, line.quantity, line.lot))
    if len(waiting) > len(shown):
        lines.append(_("and {n} more", n=len(waiting) - len(shown)))
    return lines


def task_lines(task: MoveTaskView, compact: bool) -> list[str]:
    if task.lpn:
        return lpn_lines(task, compact)
    what = task.sku
    lot = _("lot {lot}", lot=task.lot) if task.lot else ""
    if compact:
        return [f"{what[:24]} x{task.quantity}", lot, f"{task.from_location} → {task.to_location}"]
    return [
        f"{_('Item'):<10} {what}  {task.description[:40]}",
        f"{_('Quantity'):<10} {task.quantity}  {lot}",
        f"{_('From'):<10} {task.from_location}",
        f"{_('To'):<10} {task.to_location}",
    ]


class PutawayScreen(FlowScreen):
    FLOW: ClassVar[str] = "putaway"
    SSCC_IS_CONTAINER: ClassVar[bool] = True
    TITLE: ClassVar[str] = N_("Put-away")
    ROLES: ClassVar[tuple[str, ...]] = ("receiver",)
    MENU_ORDER: ClassVar[int] = 110
    KEYED: ClassVar[dict[str, Keyed]] = {REASON: Keyed.NUMBER}
    KEYS: ClassVar[dict[str, tuple[Key, ...]]] = {
        "": (keys.BACK,),
        DESTINATION: (Key("F3", N_("Change location"), N_("Change")), keys.BACK),
        REASON: (Key(f"1-{len(REASONS)}", N_("Reason")), keys.BACK),
    }

    def __init__(self) -> None:
        super().__init__()
        self.step = SOURCE
        self.current: MoveTaskView | None = None
        self.reason = ""
        self.waiting: list[DockLine] = []
        self.where = LocationPrompt()

    def on_mount(self) -> None:
        from floor.stock import move_tasks

        with self.in_language():
            self.render_step()
        operator = self.station.operator_id
        self.call_service(lambda s: move_tasks.current_task(s, operator), self.resumed)

    def resumed(self, task: MoveTaskView | None) -> None:
        if task is not None:
            self.current = task
            self.go(DESTINATION)
        else:
            self.look_at_dock()

    def look_at_dock(self) -> None:
        """Fetch what waits at the dock, for the first step's list."""
        from floor.inbound import putaway

        warehouse = self.station.warehouse_id
        self.call_service(lambda s: putaway.waiting_at_dock(s, warehouse), self.dock_seen)

    def dock_seen(self, waiting: list[DockLine]) -> None:
        self.waiting = waiting
        if self.step == SOURCE:
            self.render_step()

    def go(self, step: str) -> None:
        self.where.clear()
        self.step = step
        self.EXPECT_CHECK_DIGIT = step in (DESTINATION, OVERRIDE)
        self.save_state({"step": step, "task_id": self.current.task_id} if self.current else {})
        self.render_step()

    def render_step(self) -> None:
        task = self.current
        if self.step == SOURCE or task is None:
            self.prompt(_("Scan an LPN or item at the dock"))
            self.show_lines(dock_lines(self.waiting, self.floor_app.compact))
            return
        self.show_lines(task_lines(task, self.floor_app.compact))
        if self.step == DESTINATION:
            self.prompt(
                _("Go to {location}, scan the location", location=task.to_location),
                _("F3 change destination"),
            )
        elif self.step == REASON:
            self.prompt(
                _("Key the reason"),
                " ".join(f"{n}={_(word)}" for n, word in REASONS.items()),
            )
        else:
            self.prompt(_("Scan the new location"), _("Reason: {reason}", reason=_(self.reason)))

    def product_expected(self) -> bool:
        return self.step == SOURCE

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        from floor.inbound import putaway

        actor, scan_id, warehouse = self.station.actor, raw.scan_id, self.station.warehouse_id
        if self.step == SOURCE and (
            container_code(scan) or (scan.kind is ScanKind.PRODUCT and scan.gtin)
        ):
            scanned = container_code(scan) or scan.gtin
            self.call_service(
                lambda s: putaway.start_putaway(
                    s, warehouse_id=warehouse, scanned=scanned or "", actor=actor, scan_id=scan_id
                ),
                self.started,
            )
        elif self.step in (DESTINATION, OVERRIDE) and self.current and scan.kind in LOCATION_SCANS:
            task_id = self.current.task_id
            code, digits = self.where.scanned(scan)
            reason = self.reason if self.step == OVERRIDE else None
            required = require_check_digits(self.station.settings)
            self.call_service(
                lambda s: putaway.confirm_putaway(
                    s,
                    task_id,
                    actor=actor,
                    location_code=code,
                    check_digits=digits,
                    override_reason=reason,
                    scan_id=scan_id,
                    require_check_digits=required,
                ),
                self.done,
                on_error=self.location_refused,
            )
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def location_refused(self, error: FloorError) -> None:
        self.where.refused(error)
        self.reject(str(error), error.expected)

    def started(self, task: MoveTaskView) -> None:
        self.current = task
        self.go(DESTINATION)
        self.accept(_("Take it to {location}", location=task.to_location))

    def done(self, result: MoveDone) -> None:
        self.current, self.reason = None, ""
        self.go(SOURCE)
        self.look_at_dock()
        text = ngettext(
            "{n} put away at {location}",
            "{n} put away at {location}",
            result.quantity,
            location=result.location,
        )
        self.accept(text + (" (CHBD)" if result.overridden else ""))

    def on_command(self, command: Command, quantity: int | None) -> None:
        if command is Command.SHORT and self.step == DESTINATION:
            self.go(REASON)
        elif command is Command.QUANTITY and self.step == REASON:
            if quantity not in REASONS:
                self.reject(_("Unknown reason {n}", n=quantity), self.prompt_reasons())
                return
            self.reason = REASONS[quantity]
            self.go(OVERRIDE)
        elif command is Command.CANCEL and self.step in (REASON, OVERRIDE):
            self.reason = ""
            self.go(DESTINATION)
        else:
            super().on_command(command, quantity)

    def prompt_reasons(self) -> str:
        return ", ".join(str(n) for n in REASONS)
