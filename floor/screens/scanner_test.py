"""Scanner self-test at the station (supervisors and admins): scan the four barcodes of the
test sheet (`floor scanner sheet`) in any order; the station says what its scanner sends
(GS or not, AIM identifiers, keyboard layout), keeps it for this station and from then on
reads GS1 scans by it (`StationSession.scanner_sends_gs`). A scan of something else, or a
code keyed by hand, tests nothing and is refused.

The suffix is not seen here (the station cuts scans at its own); `floor scanner test`
reads the scanner raw and sees it too.

The result's lines are wrapped to the screen's width: at RF-gun size (40x16) the advice
takes more rows than fit, and ↑↓ scroll through it (a row cut with "…" could not be read).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, ClassVar

from floor.i18n import N_, _
from floor.scanning import Command, ScanKind
from floor.scanning.selftest import (
    SHEET,
    Capture,
    Reading,
    ScannerProfile,
    advice,
    code_name,
    infer_profile,
    read_capture,
    summary,
)
from floor.screens.base import KEYBOARD
from floor.screens.flow import FlowScreen

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.scanning import Scan

NUMBERS = {code.key: n for n, code in enumerate(SHEET, start=1)}


class ScannerTestScreen(FlowScreen):
    FLOW: ClassVar[str] = "scanner-test"
    TITLE: ClassVar[str] = N_("Scanner self-test")
    ROLES: ClassVar[tuple[str, ...]] = ("supervisor", "admin")
    MENU_ORDER: ClassVar[int] = 970  # after the board: the other flows keep their numbers

    def __init__(self) -> None:
        super().__init__()
        self.readings: list[Reading] = []
        self.result: ScannerProfile | None = None

    def on_mount(self) -> None:
        with self.in_language():
            self.ask()

    @property
    def remaining(self) -> list[str]:
        read = {r.code for r in self.readings if r.code}
        return [code.key for code in SHEET if code.key not in read]

    def ask(self) -> None:
        codes = ", ".join(f"{NUMBERS[key]}. {code_name(key)}" for key in self.remaining)
        self.prompt(
            _("Scan the barcodes of the scanner test sheet"),
            _("To scan: {codes}", codes=codes),
        )
        lines = [
            _("{n}. {name}: received {raw}", n=NUMBERS[r.code], name=code_name(r.code), raw=r.raw)
            for r in self.readings
            if r.code
        ]
        self.show_lines(lines or [_("Print it with: floor scanner sheet")])

    @property
    def expected_text(self) -> str:
        return _("the barcodes of the scanner test sheet")

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        """Every scan is looked at raw: a GS1 scan missing its GS is what is being tested,
        so it is not refused as ambiguous first."""
        if scan.kind is ScanKind.COMMAND and scan.command is Command.CANCEL:
            self.leave()
            return
        if raw.source == KEYBOARD:
            self.reject(_("Scan the sheet with the scanner: keyed text tests nothing"))
            return
        if self.result is not None:  # a new test
            self.result = None
            self.readings = []
        reading = read_capture(Capture(raw.raw, terminated=False))
        if reading.code is None:
            self.reject(_("Not a barcode of the test sheet: {raw}", raw=reading.raw))
            return
        self.readings = [r for r in self.readings if r.code != reading.code] + [reading]
        name = code_name(reading.code)
        if self.remaining:
            self.ask()
            self.accept(_("{n}. {name}: received {raw}", n=NUMBERS[reading.code], name=name,
                          raw=reading.raw))  # fmt: skip
            return
        profile = infer_profile(self.readings)
        station_code = self.station.station_code
        operator_id = self.station.operator_id

        def save(session) -> ScannerProfile:  # type: ignore[no-untyped-def]
            from floor.station import save_scanner_profile

            save_scanner_profile(session, station_code, profile, operator_id)
            return profile

        self.call_service(save, self.kept)

    def kept(self, profile: ScannerProfile) -> None:
        self.result = profile
        self.readings = []
        self.station.scanner_sends_gs = bool(profile.sends_gs)
        self.prompt(
            _("Scanner profile kept for this station"),
            _("Esc back; scan the sheet again to test again"),
        )
        self.show_result()
        self.accept(_("Scanner profile kept for this station"))

    def show_result(self) -> None:
        """The profile and its advice, each line wrapped to the body's width."""
        assert self.result is not None
        width = self.query_one("#body").size.width or self.app.size.width - 2
        lines = []
        for line in summary(self.result) + advice(self.result):
            lines += textwrap.wrap(line, max(width, 20), subsequent_indent="  ") or [""]
        self.show_lines(lines)

    def refresh_texts(self) -> None:
        super().refresh_texts()
        if self.result is not None:  # the language or the layout changed: wrap again
            self.show_result()
