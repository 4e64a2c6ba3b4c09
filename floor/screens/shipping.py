"""Shipping at the dock: choose the carrier whose truck is at the door, then for each carton
scan its SSCC (the GS1-128 (00) on its shipping label) and the tracking number on the
carrier's label (scanned, or keyed and Enter). The carton leaves the warehouse onto the
carrier's manifest and its label is printed again with the tracking number.

Thin: floor.outbound.shipping checks and does everything; this screen shows the step and the
answer. The carrier is chosen by its number in the list (carriers with cartons waiting),
by keying its name, or by scanning a first carton (its order's carrier). A carton of an
order for another carrier is refused. The manifest the screen loads onto is remembered: once
it is closed (`floor ship manifest close`), the next carton is refused until it is scanned
again, which opens a new manifest. F5 changes the carrier (at the tracking number: puts the
carton back); Esc goes back to the menu, and the screen resumes where it stopped.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.errors import FloorError
    from floor.outbound.shipping import CartonToShip, Shipped
    from floor.scanning import Scan

log = logging.getLogger(__name__)

CARRIER = "carrier"
CARTON = "carton"
TRACKING = "tracking"
RECENT = 4  # cartons shipped shown under the current one

HINTS: dict[str, list[tuple[str, str]]] = {
    CARRIER: [("1-9", N_("Carrier")), ("Esc", N_("Back"))],
    CARTON: [("F5", N_("Other carrier")), ("Esc", N_("Back"))],
    TRACKING: [("Enter", N_("Keyed number")), ("F5", N_("Put back")), ("Esc", N_("Back"))],
}


def _tracking_text(scan: Scan) -> str:
    """What the carrier's barcode says: the scan's text without AIM prefix or GS."""
    if scan.kind is ScanKind.SSCC and scan.sscc:
        return scan.sscc  # a carton label scanned instead: the service says so
    text = scan.raw.strip()
    if scan.symbology and text.startswith(scan.symbology):
        text = text[len(scan.symbology) :]
    return text.replace("\x1d", "").strip()


class ShippingScreen(FlowScreen):
    FLOW: ClassVar[str] = "shipping"
    TITLE: ClassVar[str] = N_("Shipping")
    ROLES: ClassVar[tuple[str, ...]] = ("shipper", "packer", "supervisor")
    MENU_ORDER: ClassVar[int] = 360

    def __init__(self) -> None:
        super().__init__()
        self.step = CARRIER
        self.carrier = ""
        self.manifest_id: int | None = None
        self.manifest_cartons = 0
        self.carton: CartonToShip | None = None
        self.waiting: list[tuple[str, int]] = []  # carriers to choose from, cartons waiting
        self.recent: list[tuple[str, str, str]] = []  # sscc, order, tracking

    # --- state ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        saved = self.resume_state() or {}
        self.carrier = str(saved.get("carrier") or "")
        self.manifest_id = saved.get("manifest_id")
        self.manifest_cartons = int(saved.get("manifest_cartons") or 0)
        self.recent = [tuple(r) for r in saved.get("recent") or []]  # type: ignore[misc]
        with self.in_language():
            self.go(CARTON if self.carrier else CARRIER)
        sscc = saved.get("sscc")
        if self.carrier and sscc and saved.get("step") == TRACKING:
            self.find_carton(str(sscc))
        elif not self.carrier:
            self.load_carriers()

    def keys(self) -> Sequence[Key]:
        return [
            Key(name, label, keep=name == keys.ESC)
            for name, label in HINTS.get(self.step, HINTS[CARRIER])
        ]

    def go(self, step: str) -> None:
        self.step = step
        if step != TRACKING:
            self.carton = None
        state: dict[str, Any] = {}
        if self.carrier:
            state = {
                "step": step,
                "carrier": self.carrier,
                "manifest_id": self.manifest_id,
                "manifest_cartons": self.manifest_cartons,
                "sscc": self.carton.sscc if self.carton else "",
                "recent": [list(r) for r in self.recent],
            }
        self.save_state(state)
        self.refresh_texts()
        self.render_step()

    # --- what the screen shows -------------------------------------------------------------

    def render_step(self) -> None:
        compact = self.floor_app.compact
        if self.step == CARRIER:
            self.prompt(
                _("Which carrier is at the dock?"),
                _("Key its number or name, or scan a carton"),
            )
            lines = []
            for n, (carrier, waiting) in enumerate(self.waiting[:9], start=1):
                count = ngettext("{n} carton waiting", "{n} cartons waiting", waiting)
                lines.append(
                    f"{n}  {carrier:<12} {count}"
                    if not compact
                    else f"{n} {carrier[:12]} {waiting}"
                )
            self.show_lines(lines or [_("No cartons are waiting")])
            return
        lines = [self.manifest_line()]
        if self.step == TRACKING and self.carton is not None:
            c = self.carton
            self.prompt(
                _("Scan the tracking number on the {carrier} label", carrier=self.carrier),
                _("or key it and press Enter"),
            )
            lines.append(_("Carton {sscc}", sscc=c.sscc))
            lines.append(
                _(
                    "Order {order}, carton {n} of {total}, {units}",
                    order=c.order,
                    n=c.carton_no,
                    total=c.cartons,
                    units=ngettext("{n} unit", "{n} units", c.units),
                )
            )
        else:
            self.prompt(
                _("Scan a carton for {carrier}", carrier=self.carrier),
                _("the SSCC barcode on its shipping label"),
            )
        if self.recent:
            lines.append(_("Last shipped:"))
            for sscc, order, tracking in self.recent[:RECENT]:
                if compact:
                    lines.append(f" …{sscc[-6:]} {order[:10]} {tracking[-12:]}")
                else:
                    lines.append(f"  {sscc}  {order:<10} {tracking}")
        self.show_lines(lines)

    def manifest_line(self) -> str:
        if self.manifest_id is None:
            return _("{carrier}: a new manifest opens with the first carton", carrier=self.carrier)
        return ngettext(
            "{carrier} manifest {id}: {n} carton",
            "{carrier} manifest {id}: {n} cartons",
            self.manifest_cartons,
            carrier=self.carrier,
            id=self.manifest_id,
        )

    # --- choosing the carrier --------------------------------------------------------------

    def load_carriers(self) -> None:
        from floor.outbound.shipping import carriers_waiting

        warehouse = self.station.warehouse_id

        def listed(waiting: list[tuple[str, int]]) -> None:
            self.waiting = waiting
            self.render_step()

        self.call_service(lambda s: carriers_waiting(s, warehouse), listed)

    def choose_carrier(self, name: str) -> None:
        from floor.errors import InvalidInput
        from floor.outbound.shipping import normalise_carrier

        try:
            carrier = normalise_carrier(name)
        except InvalidInput as exc:
            self.reject(str(exc), exc.expected)
            return
        if carrier != self.carrier:
            self.manifest_id, self.manifest_cartons, self.recent = None, 0, []
        self.carrier = carrier
        self.go(CARTON)
        self.accept(_("Loading {carrier}", carrier=carrier))

    # --- scans -----------------------------------------------------------------------------

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        """At the tracking number, any barcode but a command is the carrier's label: its
        text is the number (carrier barcodes are no codes of the site's scan language)."""
        if self.step == TRACKING and scan.kind is not ScanKind.COMMAND:
            self.confirm(_tracking_text(scan), raw.scan_id)
            return
        super().handle_scan(scan, raw, ticket)

    def handle_typed(self, text: str) -> None:
        if self.step == TRACKING:
            self.floor_app.inject_scan(text, source="keyboard")  # journaled, with a scan id
        elif self.step == CARRIER and not text.isdigit():
            self.choose_carrier(text)
        elif self.step == CARTON and len(text) == 18 and text.isdigit():
            self.floor_app.inject_scan(text, source="keyboard")  # the SSCC keyed
        else:
            super().handle_typed(text)

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        if self.step in (CARRIER, CARTON) and scan.kind is ScanKind.SSCC and scan.sscc:
            self.find_carton(scan.sscc)
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def find_carton(self, sscc: str) -> None:
        from floor.outbound.shipping import carton_to_ship

        warehouse, carrier = self.station.warehouse_id, self.carrier or None

        def found(carton: CartonToShip) -> None:
            if not self.carrier:
                if not carton.carrier:
                    self.reject(
                        _(
                            "Order {order} names no carrier: key the carrier first",
                            order=carton.order,
                        ),
                        _("a carrier, e.g. UPS"),
                    )
                    return
                self.carrier = carton.carrier
            self.carton = carton
            self.go(TRACKING)

        self.call_service(lambda s: carton_to_ship(s, warehouse, sscc, carrier), found)

    def confirm(self, tracking: str, scan_id: str) -> None:
        from floor.outbound.shipping import confirm_shipment

        assert self.carton is not None
        sscc, carrier, manifest_id = self.carton.sscc, self.carrier, self.manifest_id
        actor, warehouse = self.station.actor, self.station.warehouse_id
        printer = self._printer()
        self.call_service(
            lambda s: confirm_shipment(
                s,
                warehouse_id=warehouse,
                sscc=sscc,
                carrier=carrier,
                tracking_number=tracking,
                manifest_id=manifest_id,
                actor=actor,
                scan_id=scan_id,
                printer=printer,
            ),
            self.shipped,
            on_error=self.refused,
        )

    def _printer(self) -> Any:
        from floor.printing.shipped_labels import ShippedCartonLabels

        try:
            return ShippedCartonLabels.for_station(self.station.settings, self.station.station_code)
        except Exception as exc:  # the station's printer settings are wrong: ship unprinted
            log.error("shipped carton label not printed: %s", exc)
            return None

    def refused(self, error: FloorError) -> None:
        from floor.errors import InvalidInput, WrongScan
        from floor.outbound.shipping import ManifestClosed

        if isinstance(error, ManifestClosed):
            self.manifest_id, self.manifest_cartons = None, 0
            self.go(CARTON)
        elif not isinstance(error, InvalidInput | WrongScan):
            self.go(CARTON)  # the carton itself cannot ship (shipped meanwhile, reopened...)
        self.reject(str(error), error.expected)

    def shipped(self, done: Shipped) -> None:
        self.manifest_id, self.manifest_cartons = done.manifest_id, done.manifest_cartons
        self.recent = [(done.sscc, done.order, done.tracking_number), *self.recent][:RECENT]
        self.go(CARTON)
        from floor.models import order_status_label

        self.accept(
            _(
                "Shipped {sscc}: order {order} {status}",
                sscc=done.sscc,
                order=done.order,
                status=order_status_label(done.order_status),
            )
        )
        if done.print_jobs:
            self._wake_printer()

    def _wake_printer(self) -> None:
        app = self.floor_app

        def run() -> None:
            service = app.print_service
            if service is not None:
                service.poll_now()

        app.run_worker(run, thread=True, group="print", exit_on_error=False)

    def on_command(self, command: Command, quantity: int | None) -> None:
        if command is Command.QUANTITY and self.step == CARRIER and quantity:
            if not 1 <= quantity <= len(self.waiting[:9]):
                self.reject(
                    _("There is no carrier {n}", n=quantity),
                    _("a number from the list, or the carrier's name"),
                )
                return
            self.choose_carrier(self.waiting[quantity - 1][0])
        elif command is Command.DONE and self.step == TRACKING:
            self.go(CARTON)
            self.accept(_("Carton put back: not shipped"))
        elif command is Command.DONE and self.step == CARTON:
            self.carrier, self.manifest_id, self.manifest_cartons, self.recent = "", None, 0, []
            self.go(CARRIER)
            self.load_carriers()
        elif command is Command.CANCEL:
            self.leave()
        else:
            super().on_command(command, quantity)


__all__ = ["ShippingScreen"]
