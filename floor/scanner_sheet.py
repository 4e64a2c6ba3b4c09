"""The scanner self-test sheet: the barcodes of `floor.scanning.selftest.SHEET` and what the
scanner settings they test mean, in the station's language, as a PDF (`floor scanner sheet`).

The settings are explained in words, not as a vendor's programming barcodes: each maker
names them differently, and a wrong programming barcode can reset a scanner.
"""

from __future__ import annotations

from pathlib import Path

from floor.i18n import _
from floor.scanning.selftest import SHEET


def scanner_sheet_data():  # type: ignore[no-untyped-def]
    from labels.model import ScannerTestSheet, TestBarcode

    barcodes = tuple(TestBarcode(code.symbology, code.hri, _(code.name)) for code in SHEET)  # type: ignore[arg-type]
    notes = (
        (
            _("GS separator (FNC1)"),
            _(
                "Barcodes 1 and 2 hold a lot (10) followed by a serial (21): between them the "
                "barcode has FNC1, which the scanner must send as GS (0x1D, ASCII 29). "
                "Without it the lot and the serial run together. In the scanner's settings "
                'look for "transmit FNC1 as GS", "GS1-128 FNC1 substitution", "FNC1 '
                'character: 0x1D" or "transmit <GS>". A keyboard wedge has to type GS as '
                "ctrl+]; serial (USB COM / CDC-ACM) mode sends the byte as it is."
            ),
        ),
        (
            _("AIM symbology identifiers"),
            _(
                "A scanner can put three characters before each scan saying what it read: "
                "]C1 GS1-128, ]d2 GS1 DataMatrix, ]E0 EAN-13, ]C0 Code 128. Look for "
                '"transmit AIM ID", "symbology identifier: AIM" or "code ID: AIM" '
                "(not the maker's own one-letter code IDs). floor reads scans without them, "
                "but with them it tells GS1 data from plain codes for certain."
            ),
        ),
        (
            _("Suffix (Enter)"),
            _(
                "Every scan should end with Enter (CR), the usual factory setting; floor "
                "cuts scans there. A scanner that ends with Tab or nothing needs its suffix "
                "set to Enter, or the station's [scanner] terminator changed to match."
            ),
        ),
        (
            _("Keyboard country"),
            _(
                "A keyboard-wedge scanner types key codes for a keyboard layout, US by "
                "default. On a French (AZERTY) station the digits then come as & é \" ' ( "
                "and a and q swap; on a German (QWERTZ) one y and z swap. Set the scanner's "
                "keyboard country to the station's layout, or use it in serial mode, where "
                "no layout is involved. Caps lock on the station swaps the case of letters."
            ),
        ),
        (
            _("Running the test"),
            _(
                "Run floor scanner test at the station (or choose Scanner self-test in the "
                "menu) and scan barcodes 1 to 4 in any order. The station keeps what it "
                "finds; a scanner that sends GS is then never asked about a lot or serial "
                "that could end in two places."
            ),
        ),
    )
    return ScannerTestSheet(
        title=_("floor scanner self-test"),
        intro=_(
            "Scan each barcode once. Each one's expected content is printed under it; the "
            "test compares what the scanner sends with it."
        ),
        barcodes=barcodes,
        notes=notes,
    )


def write_scanner_sheet(path: str | Path, size: str = "a4") -> Path:
    from labels.render import render_pdf

    target = Path(path)
    target.write_bytes(render_pdf(scanner_sheet_data(), size=size))
    return target
