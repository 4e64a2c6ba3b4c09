"""The pack bench: scan a tote (or an order), scan each unit into the carton, weigh, close.

Thin: every scan goes to one service (floor.outbound.packing, pack_close), which checks it;
this screen shows the step and what the service answered. The carton type is the one
cartonization proposed; scanning another carton type's barcode changes it. F5 closes the
carton: put it on the scale and press F2 for a stable reading (the station's `[scale]`), or
key its weight in grams and Enter. A weight outside the tolerance is refused with both
weights; weigh again, or a supervisor scans their badge, keys their PIN and picks a reason.
A supervisor scanning a carton's SSCC instead of a tote reopens it; F4 unpacks the open
carton (into a tote scanned, or F5 for the bench). Esc goes back to the menu; the open
carton stays this station's and is shown again on return.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen, Keyed
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.devices.scale import Weight
    from floor.outbound.pack_close import ClosedCarton, WeightOutOfTolerance
    from floor.outbound.packing import PackOutcome, PackView
    from floor.scanning import Scan

log = logging.getLogger(__name__)

START = "start"
ITEM = "item"
SERIAL = "serial"
WEIGH = "weigh"
OVERRIDE_BADGE = "override_badge"
OVERRIDE_PIN = "override_pin"
OVERRIDE_REASON = "override_reason"
UNPACK = "unpack"

HINTS: dict[str, list[tuple[str, str]]] = {
    START: [("Esc", N_("Back"))],
    ITEM: [("F5", N_("Close carton")), ("F4", N_("Unpack")), ("Esc", N_("Back"))],
    SERIAL: [("Esc", N_("Cancel"))],
    WEIGH: [("F2", N_("Take weight")), ("0-9", N_("Grams")), ("Esc", N_("Cancel"))],
    OVERRIDE_BADGE: [("F2", N_("Weigh again")), ("Esc", N_("Cancel"))],
    OVERRIDE_PIN: [("Enter", N_("PIN")), ("Esc", N_("Cancel"))],
    OVERRIDE_REASON: [("1-4", N_("Reason")), ("Esc", N_("Cancel"))],
    UNPACK: [("F5", N_("Onto the bench")), ("Esc", N_("Cancel"))],
}


class PackingScreen(FlowScreen):
    # keyed digits are grams at the scale and a reason's number; a code everywhere else
    KEYED: ClassVar[Mapping[str, Keyed]] = {WEIGH: Keyed.NUMBER, OVERRIDE_REASON: Keyed.NUMBER}
    FLOW: ClassVar[str] = "packing"
    TITLE: ClassVar[str] = N_("Packing")
    ROLES: ClassVar[tuple[str, ...]] = ("packer", "supervisor")
    MENU_ORDER: ClassVar[int] = 350

    def __init__(self) -> None:
        super().__init__()
        self.step = START
        self.view: PackView | None = None
        self.serial_for = ""  # the GTIN whose serial is asked for
        self.weight: Weight | None = None  # the scale's last reading
        self.close_id = ""  # the close's scan id: the same for every retry of one close
        self.refused: WeightOutOfTolerance | None = None
        self.measured = (0, "scale")
        self.badge = ""
        self.pin = ""
        self._scale: Any = None

    # --- state ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        super().on_mount()
        self._start_scale()
        station = self.station.station_code

        def work(session: Any) -> PackView | None:
            from floor.outbound import packing

            return packing.current_pack(session, station)

        def resumed(view: PackView | None) -> None:
            self.view = view
            self.go(ITEM if view is not None and view.carton is not None else START)

        with self.in_language():
            self.go(START)
        self.call_service(work, resumed)

    def on_unmount(self) -> None:
        if self._scale is not None:
            self._scale.stop(0.5)
            self._scale = None

    def keys(self) -> Sequence[Key]:
        return [
            Key(name, label, keep=name == keys.ESC)
            for name, label in HINTS.get(self.step, HINTS[START])
        ]

    def go(self, step: str) -> None:
        self.step = step
        self.MASK_ENTRY = step == OVERRIDE_PIN
        self.TYPED_ONLY = step in (OVERRIDE_PIN, OVERRIDE_REASON)
        if step == WEIGH and not self.close_id:
            from floor.devices.base import new_scan_id

            self.close_id = new_scan_id()
        self.refresh_texts()
        self.render_step()

    def render_step(self) -> None:
        view, step = self.view, self.step
        carton = view.carton if view is not None else None
        if step == START or view is None or carton is None:
            self.prompt(
                _("Scan a tote or an order"), _("A supervisor scans a carton's SSCC to reopen it")
            )
            self.show_lines([])
            return
        self.show_lines(self.lines(view))
        kind = carton.carton_type or _("no carton type")
        if step == ITEM:
            self.prompt(
                _("Carton {n} ({kind}): scan the items", n=carton.carton_no, kind=kind),
                self.proposal_text(view),
            )
        elif step == SERIAL:
            self.prompt(_("Scan the serial number"), _("Each unit's own serial"))
        elif step == WEIGH:
            self.prompt(
                _("Carton {n} on the scale: F2 takes the weight", n=carton.carton_no),
                self.weight_text(),
            )
        elif step == OVERRIDE_BADGE:
            refused = self.refused
            self.prompt(
                _("Weigh again, or a supervisor scans their badge"),
                str(refused) if refused is not None else "",
            )
        elif step == OVERRIDE_PIN:
            self.prompt(_("Supervisor {badge}: key your PIN, Enter", badge=self.badge))
        elif step == OVERRIDE_REASON:
            from floor.outbound.pack_close import OVERRIDE_REASONS

            self.prompt(_("Why is the weight right? Key its number"))
            self.show_lines([f"{n}  {_(text)}" for n, text in enumerate(OVERRIDE_REASONS, 1)])
        elif step == UNPACK:
            self.prompt(
                _("Unpack carton {n}: scan the tote for the units", n=carton.carton_no),
                _("or F5 to leave them on the bench"),
            )

    def proposal_text(self, view: PackView) -> str:
        parts = []
        if view.proposal:
            first = view.proposal[0]
            units = ", ".join(f"{sku} ×{n}" for sku, n in first.units)
            parts.append(
                ngettext(
                    "Proposed: {kind} ({units}); {n} carton in all",
                    "Proposed: {kind} ({units}); {n} cartons in all",
                    len(view.proposal),
                    kind=first.carton_type,
                    units=units,
                )
            )
        if view.too_large:
            parts.append(_("Larger than every carton: {skus}", skus=", ".join(view.too_large)))
        if view.no_dimensions:
            parts.append(
                _("No size known, choose the carton: {skus}", skus=", ".join(view.no_dimensions))
            )
        return " · ".join(parts)

    def weight_text(self) -> str:
        carton = self.view.carton if self.view is not None else None
        expected = ""
        if carton is not None:
            expected = (
                _("Expected {g} g", g=carton.expected_weight_g)
                if carton.weight_complete
                else _("Expected at least {g} g", g=carton.expected_weight_g)
            )
        reading = self.weight.describe() if self.weight is not None else _("no scale reading")
        return f"{expected} · {reading}" if expected else reading

    def lines(self, view: PackView) -> list[str]:
        carton = view.carton
        assert carton is not None
        compact = self.floor_app.compact
        head = _("Order {order}", order=view.order)
        if view.totes:
            head += f"  {', '.join(view.totes)}"
        out = [head]
        for line in view.lines:
            mark = "✓" if line.to_pack == 0 else " "
            short = _(" short {n}", n=line.short) if line.short else ""
            if compact:
                out.append(f"{mark}{line.sku[:14]:<14} {line.packed}/{line.picked}{short}")
            else:
                out.append(
                    f"{mark} {line.sku:<12} {line.description[:24]:<24} "
                    + _("packed {packed}/{picked}", packed=line.packed, picked=line.picked)
                    + short
                )
        contents = ", ".join(
            " ".join(p for p in (c.sku, c.serial, c.lot) if p) + f" ×{c.quantity}"
            for c in carton.contents
        )
        out.append(_("In carton {n}: {contents}", n=carton.carton_no, contents=contents or "—"))
        return out

    # --- the scale -----------------------------------------------------------------------

    def _start_scale(self) -> None:
        section = self.station.settings.section("scale")
        if not section.get("port"):
            return
        from floor.devices.scale import ScaleSettings, SerialScale

        app = self.floor_app
        try:
            scale = SerialScale(ScaleSettings.from_section(section))
        except Exception as exc:
            log.error("scale not started: %s", exc)
            return

        def on_weight(weight: Weight) -> None:
            with contextlib.suppress(RuntimeError):  # the app is shutting down
                app.call_from_thread(self.weight_read, weight)

        scale.start(on_weight, lambda _status: None)
        self._scale = scale

    def weight_read(self, weight: Weight) -> None:
        self.weight = weight
        if self.step == WEIGH and self.is_attached:
            with self.in_language():
                self.render_step()

    def stable_grams(self) -> int | None:
        weight = self.weight
        if weight is None or not weight.ok or not weight.stable or weight.kg is None:
            return None
        grams = round(weight.kg * 1000)
        return grams if grams > 0 else None

    # --- scans ---------------------------------------------------------------------------

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        if self.step == SERIAL and scan.kind not in (ScanKind.COMMAND, ScanKind.BADGE):
            serial = scan.serial or raw.raw.decode("utf-8", "replace").strip()
            if scan.kind is ScanKind.PRODUCT and scan.gtin and not scan.serial:
                self.reject(_("Scan the serial number, not the product"), _("a serial number"))
                return
            self.pack(self.serial_for, None, serial, raw.scan_id)
            return
        if self.step == OVERRIDE_BADGE and scan.kind is ScanKind.BADGE and scan.code:
            self.badge = scan.code
            self.go(OVERRIDE_PIN)
            self.accept(_("Supervisor {badge}", badge=scan.code))
            return
        super().handle_scan(scan, raw, ticket)

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        step, view = self.step, self.view
        if step == START and scan.kind in (ScanKind.TOTE, ScanKind.ORDER) and scan.code:
            self.start(scan.code, scan.kind is ScanKind.ORDER, raw.scan_id)
        elif step == START and (scan.kind is ScanKind.SSCC or scan.kind is ScanKind.CARTON):
            self.reopen(scan.sscc or scan.code or "", raw.scan_id)
        elif step == ITEM and view and scan.kind is ScanKind.PRODUCT and scan.gtin:
            self.pack(scan.gtin, scan.lot, scan.serial, raw.scan_id)
        elif step == UNPACK and scan.kind is ScanKind.TOTE and scan.code:
            self.unpack(scan.code, raw.scan_id)
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def on_command(self, command: Command, quantity: int | None) -> None:
        step = self.step
        if command is Command.CANCEL:
            if step in (START, ITEM):
                self.leave()
            else:
                if step == WEIGH:
                    self.close_id = ""
                self.go(ITEM)
        elif command is Command.DONE and step == ITEM:
            self.go(WEIGH)
        elif command is Command.DONE and step == UNPACK:
            self.unpack(None, None)
        elif command is Command.SKIP and step == ITEM:
            self.go(UNPACK)
        elif command is Command.CONFIRM and step in (WEIGH, OVERRIDE_BADGE):
            grams = self.stable_grams()
            if grams is None:
                self.reject(
                    _("No stable weight from the scale: wait, or key the grams"),
                    _("the carton's weight in grams"),
                )
                return
            self.close(grams, "scale")
        elif (
            command is Command.QUANTITY and quantity is not None and step in (WEIGH, OVERRIDE_BADGE)
        ):
            self.close(quantity, "keyed")
        elif command is Command.QUANTITY and quantity is not None and step == OVERRIDE_REASON:
            self.override_reason(quantity)
        else:
            super().on_command(command, quantity)

    def add_typed(self, text: str) -> None:
        # a reason is one digit: taken at once, as the menu takes a task number
        if self.step == OVERRIDE_REASON and not self.entry and len(text) == 1 and text.isdigit():
            self.override_reason(int(text))
            return
        super().add_typed(text)

    def handle_typed(self, text: str) -> None:
        if self.step == OVERRIDE_PIN:
            self.pin = text
            self.go(OVERRIDE_REASON)
            return
        super().handle_typed(text)

    # --- services ------------------------------------------------------------------------

    def start(self, code: str, is_order: bool, scan_id: str) -> None:
        from floor.outbound import packing

        warehouse, actor = self.station.warehouse_id, self.station.actor
        self.call_service(
            lambda s: packing.start(
                s, warehouse, code, is_order=is_order, actor=actor, scan_id=scan_id
            ),
            self.started,
        )

    def reopen(self, code: str, scan_id: str) -> None:
        from floor.outbound import pack_close

        actor = self.station.actor
        self.call_service(
            lambda s: pack_close.reopen_carton(s, code, actor=actor, scan_id=scan_id),
            lambda view: self.started(view, _("Carton {sscc} reopened", sscc=code)),
        )

    def pack(self, gtin: str, lot: str | None, serial: str | None, scan_id: str) -> None:
        from floor.outbound import packing
        from floor.outbound.pack_verify import SerialNeeded

        assert self.view is not None and self.view.carton is not None
        carton_id, actor = self.view.carton.carton_id, self.station.actor

        def refused(err: Any) -> None:
            if isinstance(err, SerialNeeded):
                self.serial_for = err.gtin
                self.go(SERIAL)
                self.accept(str(err))
                return
            if self.step == SERIAL:
                self.go(ITEM)
            self.reject(str(err), err.expected)

        self.call_service(
            lambda s: packing.pack_scan(
                s, carton_id, gtin, lot=lot, serial=serial, actor=actor, scan_id=scan_id
            ),
            self.packed,
            on_error=refused,
        )

    def close(self, grams: int, source: str, override: Any = None) -> None:
        from floor.outbound import pack_close
        from floor.outbound.pack_close import WeightOutOfTolerance
        from floor.outbound.pack_settings import PackingSettings
        from floor.printing.carton_documents import CartonDocuments

        assert self.view is not None and self.view.carton is not None
        settings = self.station.settings
        try:
            packing_settings = PackingSettings.from_settings(settings)
        except Exception as exc:
            self.reject(str(exc))
            return
        try:
            printer = CartonDocuments.for_station(settings, self.station.station_code)
        except Exception as exc:  # the station's printer settings are wrong: close unprinted
            log.error("carton documents not printed: %s", exc)
            printer = None
        carton_id, actor, scan_id = self.view.carton.carton_id, self.station.actor, self.close_id
        self.measured = (grams, source)

        def refused(err: Any) -> None:
            if isinstance(err, WeightOutOfTolerance):
                self.refused = err
                self.go(OVERRIDE_BADGE)
            self.reject(str(err), err.expected)

        self.call_service(
            lambda s: pack_close.close_carton(
                s,
                carton_id,
                grams,
                source=source,
                settings=packing_settings,
                printer=printer,
                actor=actor,
                scan_id=scan_id,
                override=override,
            ),
            self.closed,
            on_error=refused,
        )

    def override_reason(self, number: int) -> None:
        from floor.logins import LoginRefused
        from floor.outbound.pack_close import OVERRIDE_REASONS, WeightOverride, approve_override

        if not 1 <= number <= len(OVERRIDE_REASONS):
            self.reject(
                _("There is no reason {n}", n=number), _("1 to {n}", n=len(OVERRIDE_REASONS))
            )
            return
        override = WeightOverride(self.badge, self.pin, OVERRIDE_REASONS[number - 1])
        self.pin = ""
        station = self.station.station_code
        grams, source = self.measured

        def approved(found: Any) -> None:
            if isinstance(found, LoginRefused):  # its count and audit row are committed
                self.go(OVERRIDE_BADGE)
                self.reject(str(found), found.expected)
                return
            self.close(grams, source, found)

        self.call_service(lambda s: approve_override(s, override, station), approved)

    def unpack(self, tote: str | None, scan_id: str | None) -> None:
        from floor.outbound import pack_close

        assert self.view is not None and self.view.carton is not None
        carton_id, actor = self.view.carton.carton_id, self.station.actor
        self.call_service(
            lambda s: pack_close.unpack_carton(
                s, carton_id, tote=tote, actor=actor, scan_id=scan_id
            ),
            self.unpacked,
        )

    # --- results -------------------------------------------------------------------------

    def started(self, view: PackView, message: str | None = None) -> None:
        self.view = view
        self.close_id = ""
        self.go(ITEM)
        carton = view.carton
        assert carton is not None
        self.accept(
            message
            or ngettext(
                "Order {order}: {n} unit to pack",
                "Order {order}: {n} units to pack",
                view.to_pack,
                order=view.order,
            )
        )

    def packed(self, outcome: PackOutcome) -> None:
        self.view = outcome.view
        self.go(ITEM)
        if outcome.carton_type:
            self.accept(_("Carton type {kind}", kind=outcome.carton_type))
            return
        what = outcome.sku + (f" {outcome.serial}" if outcome.serial else "")
        left = outcome.view.to_pack
        self.accept(
            ngettext("{what} packed; {n} to go", "{what} packed; {n} to go", left, what=what)
            if left
            else _("{what} packed; all in: F5 closes the carton", what=what)
        )

    def closed(self, done: ClosedCarton) -> None:
        self.close_id, self.refused, self.badge = "", None, ""
        self._wake_printer()
        text = _("Carton {n} closed, SSCC {sscc}", n=done.carton_no, sscc=done.sscc)
        if done.order_packed or done.view is None:
            self.view = None
            self.go(START)
            self.accept(
                _("{text}. Order {order} packed", text=text, order=done.order)
                if done.order_packed
                else text
            )
            return
        self.view = done.view
        self.go(ITEM)
        self.accept(_("{text}. Next: carton {n}", text=text, n=done.view.carton.carton_no))  # type: ignore[union-attr]

    def unpacked(self, view: PackView) -> None:
        self.view = view
        self.go(ITEM)
        self.accept(_("Carton unpacked"))

    def _wake_printer(self) -> None:
        app = self.floor_app

        def run() -> None:
            service = app.print_service
            if service is not None:
                service.poll_now()

        app.run_worker(run, thread=True, group="print", exit_on_error=False)
