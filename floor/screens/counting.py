"""Cycle count: go to the location, scan it, scan the item, key what you count (blind: the
expected quantity is never shown). F5 asks for the next count when none is waiting.

Extra product found (ADPR): at the item step, an item the count did not expect is refused;
F2 then counts it as an extra item at this location (a count of its own, reviewed by a
supervisor), after which the screen returns to the count it interrupted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen, Keyed
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.errors import FloorError
    from floor.scanning import Scan
    from floor.stock.counting import CountOutcome, CountTaskView

IDLE = "idle"
LOCATION = "location"
ITEM = "item"
QUANTITY = "quantity"
OUTCOMES = {
    "matched": N_("Count recorded"),
    "adjusted": N_("Count recorded; stock corrected"),
    "recount": N_("Count recorded; a recount will follow"),
    "awaiting_approval": N_("Count recorded; a supervisor will review it"),
}


class CountingScreen(FlowScreen):
    FLOW: ClassVar[str] = "counting"
    TITLE: ClassVar[str] = N_("Cycle count")
    ROLES: ClassVar[tuple[str, ...]] = ("counter",)
    MENU_ORDER: ClassVar[int] = 400
    KEYED: ClassVar[dict[str, Keyed]] = {QUANTITY: Keyed.NUMBER}
    KEYS: ClassVar[dict[str, tuple[Key, ...]]] = {
        "": (keys.BACK,),
        IDLE: (Key("F5", N_("Look again")), keys.BACK),
    }

    def __init__(self) -> None:
        super().__init__()
        self.step = IDLE
        self.count: CountTaskView | None = None
        self.extra: dict[str, Any] | None = None  # the unexpected item F2 would count (ADPR)
        self.interrupted: int | None = None  # the count an extra item's count interrupted

    def on_mount(self) -> None:
        saved = self.resume_state() or {}
        with self.in_language():
            self.render_step()
        self.fetch(saved.get("step"))

    def fetch(self, resume_step: str | None = None) -> None:
        from floor.stock import counting

        warehouse, actor = self.station.warehouse_id, self.station.actor

        def got(task: CountTaskView | None) -> None:
            self.count = task
            self.go(resume_step if task and resume_step in (ITEM, QUANTITY) else LOCATION)

        self.call_service(lambda s: counting.next_count_task(s, warehouse, actor=actor), got)

    def go(self, step: str) -> None:
        if step != ITEM:
            self.extra = None
        self.step = step if self.count else IDLE
        self.EXPECT_CHECK_DIGIT = False
        self.save_state({"step": self.step} if self.count else {})
        self.render_step()

    def keys(self) -> tuple[Key, ...]:
        if self.step == ITEM and self.extra:  # F2 counts the unexpected item (ADPR)
            return (Key("F2", N_("Extra item")), keys.BACK)
        return tuple(super().keys())

    def render_step(self) -> None:
        task = self.count
        if task is None:
            self.prompt(_("No counts waiting"), _("F5 look again"))
            self.show_lines([])
            return
        lot = _("lot {lot}", lot=task.lot) if task.lot else ""
        self.show_lines([task.location, f"{task.sku} {task.description[:30]}", lot])
        if self.step == LOCATION:
            self.prompt(_("Go to {location}, scan the location", location=task.location))
        elif self.step == ITEM and self.extra:
            self.prompt(
                _("Scan the item {sku}", sku=task.sku),
                _("F2 count {sku} as an extra item found here", sku=self.extra["sku"]),
            )
        elif self.step == ITEM:
            self.prompt(_("Scan the item {sku}", sku=task.sku))
        else:
            self.prompt(_("Key the quantity counted"), _("0 if there are none"))

    def product_expected(self) -> bool:
        return self.step == ITEM

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        from floor.stock import counting

        task = self.count
        if task and self.step == LOCATION and scan.kind is ScanKind.LOCATION and scan.code:
            code, task_id = scan.code, task.task_id
            self.call_service(
                lambda s: counting.check_count_scan(s, task_id, location_code=code),
                lambda _none: self.go(ITEM),
            )
        elif task and self.step == ITEM and scan.kind is ScanKind.PRODUCT and scan.gtin:
            gtin, task_id = scan.gtin, task.task_id
            found = {"barcode": gtin, "lot": scan.lot or "", "expiry": scan.expiry}

            def check(session: Any) -> None:
                from floor.errors import WrongScan
                from floor.stock.catalog import item_for_barcode

                sku = item_for_barcode(session, gtin)[0].sku
                try:
                    counting.check_count_scan(session, task_id, barcode=gtin)
                except WrongScan as err:
                    err.scanned_sku = sku  # type: ignore[attr-defined]
                    raise

            self.call_service(
                check,
                lambda _none: self.go(QUANTITY),
                on_error=lambda err: self.wrong_item(err, found),
            )
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def wrong_item(self, error: FloorError, found: dict[str, Any]) -> None:
        """A wrong item is refused; it may be an extra item found here (ADPR): F2 counts it."""
        from floor.errors import WrongScan

        self.extra = None
        scanned = getattr(error, "scanned_sku", None)
        if isinstance(error, WrongScan) and self.count and scanned:
            self.extra = {**found, "sku": scanned}
        self.render_step()
        self.reject(str(error), error.expected)

    def count_extra(self) -> None:
        from floor.stock import counting

        assert self.count is not None and self.extra is not None
        task_id, actor, extra = self.count.task_id, self.station.actor, dict(self.extra)
        scan_id = (
            self.floor_app.current_ticket.raw.scan_id if self.floor_app.current_ticket else None
        )

        def started(view: CountTaskView) -> None:
            self.interrupted = task_id
            self.count = view
            self.go(QUANTITY)
            self.accept(_("Extra item {sku}: key the quantity counted", sku=view.sku))

        self.call_service(
            lambda s: counting.record_extra_item(
                s,
                task_id,
                barcode=extra["barcode"],
                lot=extra["lot"],
                expiry=extra["expiry"],
                actor=actor,
                scan_id=scan_id,
            ),
            started,
        )

    def on_command(self, command: Command, quantity: int | None) -> None:
        from floor.stock import counting

        if command is Command.CONFIRM and self.step == ITEM and self.extra and self.count:
            self.count_extra()
        elif command is Command.QUANTITY and self.step == QUANTITY and self.count:
            task_id, actor, counted = self.count.task_id, self.station.actor, quantity or 0
            warehouse = self.station.warehouse_id

            def work(session: Any) -> tuple[CountOutcome, CountTaskView | None]:
                outcome = counting.submit_count(session, task_id, counted, actor=actor)
                return outcome, counting.next_count_task(session, warehouse, actor=actor)

            self.call_service(work, self.submitted)
        elif command is Command.DONE and self.count is None:
            self.fetch()
        else:
            super().on_command(command, quantity)

    def submitted(self, result: tuple[CountOutcome, CountTaskView | None]) -> None:
        outcome, self.count = result
        back = self.count is not None and self.count.task_id == self.interrupted
        self.interrupted = None
        self.go(ITEM if back else LOCATION)  # back to the count the extra item interrupted
        self.accept(_(OUTCOMES.get(outcome.outcome, OUTCOMES["matched"])))
