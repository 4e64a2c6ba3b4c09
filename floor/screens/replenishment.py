"""Replenishment: go to the reserve location, scan it, scan the item, take the quantity to the
pick face and scan it (like a put-away). At both locations the check digits are keyed after
the scanned code, or scanned with it (`[putaway] require_check_digits`). F5 looks for new
work (below-min faces).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen
from floor.screens.keys import Key
from floor.screens.locations import LocationPrompt, require_check_digits
from floor.screens.putaway import task_lines

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.errors import FloorError
    from floor.scanning import Scan
    from floor.stock.move_tasks import MoveDone, MoveTaskView

IDLE = "idle"
SOURCE = "source"
ITEM = "item"
DESTINATION = "destination"
LOCATIONS = (ScanKind.LOCATION, ScanKind.CHECK_DIGIT)


class ReplenishmentScreen(FlowScreen):
    FLOW: ClassVar[str] = "replenishment"
    TITLE: ClassVar[str] = N_("Replenishment")
    ROLES: ClassVar[tuple[str, ...]] = ("picker", "receiver")
    MENU_ORDER: ClassVar[int] = 200
    KEYS: ClassVar[dict[str, tuple[Key, ...]]] = {
        "": (keys.BACK,),
        IDLE: (Key("F5", N_("Look again")), keys.BACK),
    }

    def __init__(self) -> None:
        super().__init__()
        self.step = IDLE
        self.current: MoveTaskView | None = None
        self.where = LocationPrompt()

    def on_mount(self) -> None:
        saved = self.resume_state() or {}
        with self.in_language():
            self.render_step()
        self.fetch(check=False, resume_step=saved.get("step"))

    def fetch(self, *, check: bool, resume_step: str | None = None) -> None:
        from floor.stock import replenishment

        warehouse, actor = self.station.warehouse_id, self.station.actor

        def work(session: Any) -> MoveTaskView | None:
            if check:
                replenishment.check_replenishment(session, warehouse, actor=actor)
            return replenishment.next_replenishment(session, warehouse, actor=actor)

        def got(task: MoveTaskView | None) -> None:
            self.current = task
            self.go(resume_step if resume_step in (ITEM, DESTINATION) else SOURCE)

        self.call_service(work, got)

    def go(self, step: str) -> None:
        self.where.clear()
        self.step = step if self.current else IDLE
        self.EXPECT_CHECK_DIGIT = self.step in (SOURCE, DESTINATION)
        self.save_state({"step": self.step} if self.current else {})
        self.render_step()

    def render_step(self) -> None:
        task = self.current
        if task is None:
            self.prompt(_("No replenishment waiting"), _("F5 look again"))
            self.show_lines([])
            return
        self.show_lines(task_lines(task, self.floor_app.compact))
        if self.step == SOURCE:
            self.prompt(_("Go to {location}, scan the location", location=task.from_location))
        elif self.step == ITEM:
            self.prompt(_("Scan the item {sku}", sku=task.sku), _("take {n}", n=task.quantity))
        else:
            self.prompt(_("Go to {location}, scan the location", location=task.to_location))

    def product_expected(self) -> bool:
        return self.step == ITEM

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        from floor.stock import move_tasks, replenishment

        task = self.current
        required = require_check_digits(self.station.settings)
        code, digits = self.where.scanned(scan) if scan.kind in LOCATIONS else (None, None)
        if task and self.step == SOURCE and scan.kind in LOCATIONS:
            task_id = task.task_id
            self.call_service(
                lambda s: replenishment.check_source(
                    s,
                    task_id,
                    location_code=code,
                    check_digits=digits,
                    require_check_digits=required,
                ),
                lambda _none: self.go(ITEM),
                on_error=self.location_refused,
            )
        elif task and self.step == ITEM and scan.kind is ScanKind.PRODUCT and scan.gtin:
            gtin, task_id = scan.gtin, task.task_id
            self.call_service(
                lambda s: replenishment.check_source(s, task_id, barcode=gtin),
                lambda _none: self.go(DESTINATION),
            )
        elif task and self.step == DESTINATION and scan.kind in LOCATIONS:
            task_id, actor, scan_id = task.task_id, self.station.actor, raw.scan_id
            self.call_service(
                lambda s: move_tasks.confirm_move_task(
                    s,
                    task_id,
                    actor=actor,
                    location_code=code,
                    check_digits=digits,
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

    def done(self, result: MoveDone) -> None:
        self.current = None
        self.go(IDLE)
        self.accept(
            ngettext(
                "{n} replenished at {location}",
                "{n} replenished at {location}",
                result.quantity,
                location=result.location,
            )
        )

    def on_command(self, command: Command, quantity: int | None) -> None:
        if command is Command.DONE and self.current is None:
            self.fetch(check=True)
        else:
            super().on_command(command, quantity)
