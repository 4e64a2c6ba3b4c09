"""The kitting bench: scan the kit work order (or a tote its components came in), scan each
component of the kit, F2 produces the kit and prints its label; de-kit orders take kits
apart.

Thin: floor.kitting.bench and floor.kitting.dekitting check and do everything; this screen
shows the step and what the service answered, one service call per scan in a thread worker.

- A build: the body lists the bill of materials with what is scanned for the kit on the
  bench (`2/2`). A component not in the kit, or one more than the kit takes, is refused
  naming what is still needed. Once all are in, F2 produces the kit at the bench (or scan an
  LPN to produce it onto that LPN); its label goes to the station's printer. F4 starts the
  kit on the bench again; F5 stops the work order for today (partial completion: what is
  left at the bench goes back on put-away tasks, and the work order is released again
  later for the kits still to build).
- A de-kit: scan the kit (its item barcode, or the kit label). F3 first marks a damaged
  component: scan it (once per unit), F2, then key the reason's number; the next kit
  scanned is taken apart with those units going to quarantine.

Scanning another work order (or its tote) at any step switches to it. Esc goes back to the
menu; the work order stays this operator's and opens again on return.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen, Keyed, plain_text
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.errors import FloorError
    from floor.kitting.bench import BenchView, Produced
    from floor.kitting.dekitting import Dekitted
    from floor.scanning import Scan

log = logging.getLogger(__name__)

WORK_ORDER = re.compile(r"KWO-\d+", re.IGNORECASE)

START = "start"
COMPONENTS = "components"
DEKIT = "dekit"
DAMAGED = "damaged"
REASON = "reason"

PRODUCE = Key("F2", N_("Produce"))
CLEAR = Key("F4", N_("Start kit again"), N_("Again"))
STOP = Key("F5", N_("Stop for today"), N_("Stop"))
DAMAGE = Key("F3", N_("Damaged"))
DAMAGE_DONE = Key("F2", N_("Reason"))
REASON_KEY = Key("1-5", N_("Reason"))


class KittingScreen(FlowScreen):
    FLOW: ClassVar[str] = "kitting"
    TITLE: ClassVar[str] = N_("Kitting bench")
    ROLES: ClassVar[tuple[str, ...]] = ("kitter",)
    MENU_ORDER: ClassVar[int] = 370
    KEYED: ClassVar[Mapping[str, Keyed]] = {REASON: Keyed.NUMBER}
    KEYS: ClassVar[Mapping[str, Sequence[Key]]] = {
        "": (keys.BACK,),
        COMPONENTS: (PRODUCE, CLEAR, STOP, keys.QUANTITY, keys.BACK),
        DEKIT: (DAMAGE, STOP, keys.BACK),
        DAMAGED: (DAMAGE_DONE, Key(keys.ESC, N_("Cancel"), keep=True)),
        REASON: (REASON_KEY, Key(keys.ESC, N_("Cancel"), keep=True)),
    }

    def __init__(self) -> None:
        super().__init__()
        self.step = START
        self.view: BenchView | None = None
        self.produce_id = ""  # the produce's scan id: the same for every retry of one kit
        self.damaged: dict[str, int] = {}  # sku -> units found damaged in the next kit
        self.reason = ""
        self.last = ""  # the last kit made or taken apart, shown under the list

    # --- state ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()
        saved = self.resume_state() or {}
        with self.in_language():
            self.go(START)
        number = str(saved.get("number") or "")
        if number:
            self.open(number, None, quiet=True)

    def go(self, step: str) -> None:
        self.step = step
        self.TYPED_ONLY = step == REASON
        self.save_state({"number": self.view.number} if self.view is not None else {})
        self.refresh_texts()
        self.render_step()

    def render_step(self) -> None:
        view, step = self.view, self.step
        if step == START or view is None:
            self.prompt(_("Scan a kit work order or its tote"), _("KWO-00001, or TOTE…"))
            self.show_lines([self.last] if self.last else [])
            return
        lines = self.head_lines(view)
        if step == COMPONENTS:
            needed = view.still_needed()
            self.prompt(
                _("Kit {n} of {total}: scan the components", n=view.done + 1, total=view.quantity),
                _("Still needed: {needed}", needed=needed)
                if needed
                else _("All in: F2 produces the kit (or scan an LPN)"),
            )
            lines.extend(self.need_lines(view))
        elif step == DEKIT:
            self.prompt(
                _(
                    "Kit {n} of {total}: scan the kit to take apart",
                    n=view.done + 1,
                    total=view.quantity,
                ),
                self.damage_text() or _("F3 first if a component is damaged"),
            )
        elif step == DAMAGED:
            self.prompt(
                _("Scan each damaged component, then F2"),
                self.damage_text() or _("One scan per damaged unit"),
            )
        elif step == REASON:
            from floor.kitting.dekitting import DAMAGE_REASONS

            self.prompt(_("Why is it damaged? Key its number"), self.damage_text())
            lines.extend(f"{n}  {_(text)}" for n, text in enumerate(DAMAGE_REASONS, 1))
        if self.last:
            lines.append(self.last)
        self.show_lines(lines)

    def head_lines(self, view: BenchView) -> list[str]:
        from floor.kitting.work_orders import status_label

        compact = self.floor_app.compact
        if compact:
            return [f"{view.number} {view.sku[:12]} {view.done}/{view.quantity}"]
        kind = _("de-kit") if view.kind == "dekit" else _("kit")
        return [
            f"{view.number}  {kind}  {view.sku}  {view.description[:28]}",
            _(
                "{done} of {quantity} done · {status}",
                done=view.done,
                quantity=view.quantity,
                status=status_label(view.status),
            ),
        ]

    def need_lines(self, view: BenchView) -> list[str]:
        compact = self.floor_app.compact
        out = []
        for need in view.needs:
            mark = "✓" if need.missing <= 0 else " "
            if compact:
                out.append(f"{mark}{need.sku[:14]:<14} {need.scanned}/{need.per_kit}")
            else:
                out.append(
                    f"{mark} {need.sku:<12} {need.description[:28]:<28} "
                    f"{need.scanned}/{need.per_kit}"
                )
        return out

    def damage_text(self) -> str:
        if not self.damaged:
            return ""
        units = ", ".join(f"{n} × {sku}" for sku, n in sorted(self.damaged.items()))
        if self.reason:
            from floor.kitting.dekitting import DAMAGE_REASONS

            return _(
                "Damaged: {units} ({reason})", units=units, reason=_(DAMAGE_REASONS[self.reason])
            )
        return _("Damaged: {units}", units=units)

    # --- scans ---------------------------------------------------------------------------

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        text = plain_text(scan.raw)
        if scan.kind is ScanKind.UNKNOWN and text:
            if self.step == START or (
                self.step in (COMPONENTS, DEKIT) and WORK_ORDER.fullmatch(text)
            ):  # a work order number (KWO-00001): this one, or another
                self.note_keyed("")
                self.open(text, raw.scan_id)
                return
            view = self.view
            if self.step == DEKIT and view is not None and text.upper() != view.sku.upper():
                # a kit label: the kit's id (work order and kit number, or the kit's lot)
                self.note_keyed("")
                self.dekit(view.sku, text, raw.scan_id)
                return
        super().handle_scan(scan, raw, ticket)

    def product_expected(self) -> bool:
        return self.step in (COMPONENTS, DEKIT, DAMAGED)

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        step, view = self.step, self.view
        if step in (START, COMPONENTS, DEKIT) and scan.kind is ScanKind.TOTE and scan.code:
            self.open(scan.code, raw.scan_id)
        elif step == COMPONENTS and view and scan.kind is ScanKind.PRODUCT and scan.gtin:
            self.component(scan, raw.scan_id)
        elif step == COMPONENTS and view and scan.kind is ScanKind.LPN and scan.code:
            self.produce(scan.code)
        elif step == DEKIT and view and scan.kind is ScanKind.PRODUCT and scan.gtin:
            self.dekit(scan.gtin, scan.lot, raw.scan_id)
        elif step == DAMAGED and view and scan.kind is ScanKind.PRODUCT and scan.gtin:
            self.mark_damaged(scan.gtin)
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def on_command(self, command: Command, quantity: int | None) -> None:
        step = self.step
        if command is Command.CANCEL:
            if step in (DAMAGED, REASON):
                self.damaged, self.reason = {}, ""
                self.go(DEKIT)
            else:
                self.leave()
        elif command is Command.CONFIRM and step == COMPONENTS:
            self.produce(None)
        elif command is Command.SKIP and step == COMPONENTS:
            self.clear_kit()
        elif command is Command.DONE and step in (COMPONENTS, DEKIT):
            self.stop_for_today()
        elif command is Command.SHORT and step == DEKIT:
            self.damaged, self.reason = {}, ""
            self.go(DAMAGED)
        elif command is Command.CONFIRM and step == DAMAGED:
            if not self.damaged:
                self.reject(_("Scan the damaged component first"), _("a component of the kit"))
                return
            self.go(REASON)
        elif command is Command.QUANTITY and quantity is not None and step == REASON:
            self.choose_reason(quantity)
        elif command is Command.QUANTITY and quantity is not None and step == COMPONENTS:
            self.arm(quantity)
            self.accept(ngettext("{n} unit of the next", "{n} units of the next", quantity))
        else:
            super().on_command(command, quantity)

    def add_typed(self, text: str) -> None:
        # a reason is one digit: taken at once, as the menu takes a task number
        if self.step == REASON and not self.entry and len(text) == 1 and text.isdigit():
            self.choose_reason(int(text))
            return
        super().add_typed(text)

    def choose_reason(self, number: int) -> None:
        from floor.kitting.dekitting import DAMAGE_REASONS

        reasons = list(DAMAGE_REASONS)
        if not 1 <= number <= len(reasons):
            self.reject(_("There is no reason {n}", n=number), _("1 to {n}", n=len(reasons)))
            return
        self.reason = reasons[number - 1]
        self.go(DEKIT)
        self.accept(self.damage_text())

    def mark_damaged(self, barcode: str) -> None:
        view = self.view
        assert view is not None
        kit = view.sku

        def work(s: Any) -> str:
            from floor.errors import WrongScan
            from floor.kitting.bom import bom_of
            from floor.stock.catalog import item_for_barcode

            item, _units = item_for_barcode(s, barcode)
            kit_item, _n = item_for_barcode(s, kit)
            bom = bom_of(s, kit_item.id)
            if not bom.needed(item.id):
                parts = ", ".join(f"{c.quantity} × {c.sku}" for c in bom.components)
                raise WrongScan(
                    _("{sku} is not in kit {kit}", sku=item.sku, kit=kit), expected=parts
                )
            return item.sku

        def marked(sku: str) -> None:
            self.damaged[sku] = self.damaged.get(sku, 0) + 1
            self.go(DAMAGED)
            self.accept(_("{sku} damaged", sku=sku))

        self.call_service(work, marked)

    # --- services ------------------------------------------------------------------------

    def open(self, code: str, scan_id: str | None, *, quiet: bool = False) -> None:
        from floor.kitting import bench

        operator = self.station.operator_id

        def failed(err: FloorError) -> None:
            self.view = None
            self.go(START)
            if not quiet:
                self.reject(str(err), err.expected)

        self.call_service(
            lambda s: bench.open_bench(s, operator, code),
            lambda view: self.opened(view, quiet),
            on_error=failed,
        )

    def opened(self, view: BenchView, quiet: bool = False) -> None:
        self.view = view
        self.damaged, self.reason, self.produce_id = {}, "", ""
        self.go(DEKIT if view.kind == "dekit" else COMPONENTS)
        if quiet:
            self.feedback("", "")
            return
        self.accept(
            ngettext(
                "{number}: {n} kit to take apart",
                "{number}: {n} kits to take apart",
                view.quantity - view.done,
                number=view.number,
            )
            if view.kind == "dekit"
            else ngettext(
                "{number}: {n} kit {sku} to build",
                "{number}: {n} kits {sku} to build",
                view.quantity - view.done,
                number=view.number,
                sku=view.sku,
            )
        )

    def component(self, scan: Scan, scan_id: str) -> None:
        from floor.kitting import bench

        assert self.view is not None
        number, operator = self.view.number, self.station.operator_id
        gtin, lot, expiry = scan.gtin or "", scan.lot, scan.expiry
        times = self.armed or 1
        self.armed = None

        def work(s: Any) -> BenchView:
            view = None
            for n in range(times):
                view = bench.scan_component(
                    s,
                    operator,
                    number,
                    gtin,
                    lot=lot,
                    expiry=expiry,
                    scan_id=scan_id if n == 0 else f"{scan_id}-{n}",
                )
            assert view is not None
            return view

        def counted(view: BenchView) -> None:
            self.view = view
            self.go(COMPONENTS)
            needed = view.still_needed()
            self.accept(
                _("Counted; still needed: {needed}", needed=needed)
                if needed
                else _("All in: F2 produces the kit")
            )

        self.call_service(work, counted)

    def produce(self, lpn: str | None) -> None:
        from floor.devices.base import new_scan_id
        from floor.kitting import bench, work_orders
        from floor.printing.kit_labels import KitLabels

        assert self.view is not None
        if not self.view.complete:
            self.reject(
                _(
                    "The kit is not complete; still needed: {needed}",
                    needed=self.view.still_needed(),
                ),
                self.view.still_needed(),
            )
            return
        if not self.produce_id:
            self.produce_id = new_scan_id()
        settings, station = self.station.settings, self.station.station_code
        try:
            printer = KitLabels.for_station(settings, station)
        except Exception as exc:  # the station's printer settings are wrong: produce unprinted
            log.error("kit label not printed: %s", exc)
            printer = None
        number, operator, scan_id = self.view.number, self.station.operator_id, self.produce_id

        def work(s: Any) -> tuple[Produced, BenchView]:
            made = bench.produce_kit(
                s, operator, number, lpn=lpn, station=station, printer=printer, scan_id=scan_id
            )
            return made, bench.bench_view(s, work_orders.work_order(s, number))

        self.call_service(work, self.produced)

    def produced(self, result: tuple[Produced, BenchView]) -> None:
        made, view = result
        self.produce_id = ""
        self._wake_printer()
        where = _(" onto {lpn}", lpn=made.lpn) if made.lpn else ""
        self.last = _("Kit {kit} produced{where}", kit=made.kit_id, where=where)
        if made.finished:
            self.view = None
            self.go(START)
            self.accept(
                _(
                    "Kit {kit} produced: {number} complete ({done} kits)",
                    kit=made.kit_id,
                    number=made.number,
                    done=made.done,
                )
            )
            return
        self.view = view
        self.go(COMPONENTS)
        self.accept(
            _(
                "Kit {kit} produced ({done} of {quantity}); label printing",
                kit=made.kit_id,
                done=made.done,
                quantity=made.quantity,
            )
            if made.label_job
            else _(
                "Kit {kit} produced ({done} of {quantity})",
                kit=made.kit_id,
                done=made.done,
                quantity=made.quantity,
            )
        )

    def dekit(self, barcode: str, lot: str | None, scan_id: str | None) -> None:
        from floor.kitting import bench, dekitting, work_orders

        assert self.view is not None
        number, operator = self.view.number, self.station.operator_id
        station = self.station.station_code
        damaged, reason = dict(self.damaged), self.reason

        def work(s: Any) -> tuple[Dekitted, BenchView]:
            done = dekitting.dekit(
                s,
                operator,
                number,
                barcode,
                lot=lot,
                damaged=damaged,
                reason=reason,
                station=station,
                scan_id=scan_id,
            )
            return done, bench.bench_view(s, work_orders.work_order(s, number))

        self.call_service(work, self.dekitted)

    def dekitted(self, result: tuple[Dekitted, BenchView]) -> None:
        done, view = result
        self.damaged, self.reason = {}, ""
        back = sum(n for _sku, _lot, n in done.components)
        bad = sum(n for _sku, n in done.quarantined)
        text = ngettext(
            "Kit {sku} taken apart: {n} component back to stock",
            "Kit {sku} taken apart: {n} components back to stock",
            back,
            sku=done.kit_sku,
        )
        if bad:
            text += " · " + ngettext("{n} to quarantine", "{n} to quarantine", bad)
        self.last = text
        if done.finished:
            self.view = None
            self.go(START)
            self.accept(_("{text}. {number} complete", text=text, number=done.number))
            return
        self.view = view
        self.go(DEKIT)
        self.accept(text)

    def clear_kit(self) -> None:
        from floor.kitting import bench

        assert self.view is not None
        number, operator = self.view.number, self.station.operator_id

        def cleared(view: BenchView) -> None:
            self.view = view
            self.go(COMPONENTS)
            self.accept(_("The kit on the bench starts again"))

        self.call_service(lambda s: bench.clear_kit(s, operator, number), cleared)

    def stop_for_today(self) -> None:
        from floor.kitting import work_orders

        assert self.view is not None
        number, actor = self.view.number, self.station.actor

        def stopped(view: Any) -> None:
            self.view = None
            self.go(START)
            self.accept(
                _(
                    "{number} stopped at {done} of {quantity}; what is left goes back to stock",
                    number=view.number,
                    done=view.done,
                    quantity=view.quantity,
                )
            )

        self.call_service(lambda s: work_orders.park_work_order(s, number, actor=actor), stopped)

    def _wake_printer(self) -> None:
        app = self.floor_app

        def run() -> None:
            service = app.print_service
            if service is not None:
                service.poll_now()

        app.run_worker(run, thread=True, group="print", exit_on_error=False)
