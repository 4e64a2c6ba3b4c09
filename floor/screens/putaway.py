"""Put-away: scan an LPN or item at the dock, go to the proposed location, scan it (or its
check digits). F3 changes the destination (CHBD): key a reason number, scan the new location;
the service allows it only for supervisors. Esc goes back; the task stays yours and resumes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen, Keyed
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.scanning import Scan
    from floor.stock.move_tasks import MoveDone, MoveTaskView

SOURCE = "source"
DESTINATION = "destination"
REASON = "reason"
OVERRIDE = "override"
REASONS = {1: N_("bin full"), 2: N_("bin damaged"), 3: N_("bin too small")}
CONTAINERS = (ScanKind.LPN, ScanKind.TOTE, ScanKind.CARTON)


def task_lines(task: MoveTaskView, compact: bool) -> list[str]:
    what = task.lpn or task.sku
    lot = _("lot {lot}", lot=task.lot) if task.lot else ""
    if compact:
        return [f"{what[:24]} x{task.quantity}", lot, f"{task.from_location} → {task.to_location}"]
    return [
        f"{_('Item'):<10} {what}  {task.description[:40] if not task.lpn else ''}",
        f"{_('Quantity'):<10} {task.quantity}  {lot}",
        f"{_('From'):<10} {task.from_location}",
        f"{_('To'):<10} {task.to_location}",
    ]


class PutawayScreen(FlowScreen):
    FLOW: ClassVar[str] = "putaway"
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

    def go(self, step: str) -> None:
        self.step = step
        self.EXPECT_CHECK_DIGIT = step == DESTINATION
        self.save_state({"step": step, "task_id": self.current.task_id} if self.current else {})
        self.render_step()

    def render_step(self) -> None:
        task = self.current
        if self.step == SOURCE or task is None:
            self.prompt(_("Scan an LPN or item at the dock"))
            self.show_lines([])
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
            (scan.kind in CONTAINERS and scan.code) or (scan.kind is ScanKind.PRODUCT and scan.gtin)
        ):
            scanned = scan.code if scan.kind in CONTAINERS else scan.gtin
            self.call_service(
                lambda s: putaway.start_putaway(
                    s, warehouse_id=warehouse, scanned=scanned or "", actor=actor, scan_id=scan_id
                ),
                self.started,
            )
        elif (
            self.step in (DESTINATION, OVERRIDE)
            and self.current
            and scan.kind
            in (
                ScanKind.LOCATION,
                ScanKind.CHECK_DIGIT,
            )
        ):
            task_id = self.current.task_id
            code = scan.code if scan.kind is ScanKind.LOCATION else None
            digits = scan.check_digits
            reason = self.reason if self.step == OVERRIDE else None
            self.call_service(
                lambda s: putaway.confirm_putaway(
                    s,
                    task_id,
                    actor=actor,
                    location_code=code,
                    check_digits=digits,
                    override_reason=reason,
                    scan_id=scan_id,
                ),
                self.done,
            )
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def started(self, task: MoveTaskView) -> None:
        self.current = task
        self.go(DESTINATION)
        self.accept(_("Take it to {location}", location=task.to_location))

    def done(self, result: MoveDone) -> None:
        self.current, self.reason = None, ""
        self.go(SOURCE)
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
