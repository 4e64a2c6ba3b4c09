"""Every template rendered to PDF, rasterised (pdftoppm) and decoded (zbarimg) as a scanner would.

GS1-128 symbols come back from zbar with the GS1 modifier and GS (0x1D) separators; we
compare with what a GS1 scanner sends with AIM identifiers on: "]C1" + data.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from labels import gs1, render_pdf
from labels.samples import SAMPLES

TOOLS = ("pdftoppm", "zbarimg")
_missing = [t for t in TOOLS if shutil.which(t) is None]
if _missing and os.environ.get("CI") == "true":
    raise RuntimeError(f"CI needs {', '.join(_missing)} (scripts/test-deps.sh installs them)")
pytestmark = pytest.mark.skipif(
    bool(_missing), reason=f"needs {', '.join(_missing)} (Debian: poppler-utils, zbar-tools)"
)

NS = {"z": "http://zbar.sourceforge.net/2008/barcode"}


def decode_pdf(pdf: bytes, tmp_path: Path, dpi: int = 300) -> Counter[tuple[str, str]]:
    """(symbology, data) of every barcode on every page; GS1-128 data as "]C1..."."""
    src = tmp_path / "label.pdf"
    src.write_bytes(pdf)
    raster = ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(src), str(tmp_path / "p")]
    subprocess.run(raster, check=True)
    found: Counter[tuple[str, str]] = Counter()
    for png in sorted(tmp_path.glob("p*.png")):
        out = subprocess.run(
            ["zbarimg", "--nodbus", "-q", "--xml", str(png)], capture_output=True, check=False
        )
        assert out.returncode in (0, 4), out.stderr.decode()
        if not out.stdout.strip():
            continue
        for symbol in ET.fromstring(out.stdout).iterfind(".//z:symbol", NS):
            data_el = symbol.find("z:data", NS)
            assert data_el is not None
            text = data_el.text or ""
            if data_el.get("format") == "base64":
                text = base64.b64decode(text).decode("latin-1")
            if "GS1" in (symbol.get("modifiers") or ""):
                text = gs1.AIM_GS1_128 + text
            found[(symbol.get("type", ""), text)] += 1
    return found


def c128(data: str) -> tuple[str, str]:
    return ("CODE-128", data)


def gs1_128(*elements: tuple[str, str]) -> tuple[str, str]:
    return ("CODE-128", gs1.transmitted(list(elements)))


def test_shipping_label_tracking_and_sscc(tmp_path: Path) -> None:
    label = SAMPLES["shipping"]()
    found = decode_pdf(render_pdf(label), tmp_path)
    assert found == Counter({c128(label.tracking_number): 1, gs1_128(("00", label.sscc)): 1})
    assert gs1_128(("00", label.sscc))[1] == "]C100" + label.sscc


def test_shipping_label_a6(tmp_path: Path) -> None:
    label = SAMPLES["shipping"]()
    found = decode_pdf(render_pdf(label, "a6"), tmp_path)
    assert set(found) == {c128(label.tracking_number), gs1_128(("00", label.sscc))}


def test_logistic_label_content_with_gs_separator(tmp_path: Path) -> None:
    label = SAMPLES["logistic"]()
    found = decode_pdf(render_pdf(label), tmp_path)
    content = "]C1" + "02" + label.gtin + "17" + "261231" + "37" + "48" + "\x1d" + "10" + label.lot
    assert found == Counter({("CODE-128", content): 1, gs1_128(("00", label.sscc)): 1})


def test_lpn_label(tmp_path: Path) -> None:
    label = SAMPLES["lpn"]()
    assert decode_pdf(render_pdf(label), tmp_path) == Counter({c128("LPN000123"): 1})


def test_lpn_label_of_an_sscc_is_gs1(tmp_path: Path) -> None:
    from labels.model import LpnLabel
    from labels.samples import sscc

    number = sscc(42)
    found = decode_pdf(render_pdf(LpnLabel(lpn=number)), tmp_path)
    assert found == Counter({("CODE-128", "]C100" + number): 1})


def test_item_label_gtin_and_digital_link_qr(tmp_path: Path) -> None:
    label = SAMPLES["item"]()
    found = decode_pdf(render_pdf(label), tmp_path)
    gtin14 = label.gtin.zfill(14)
    assert found == Counter(
        {
            ("CODE-128", f"]C101{gtin14}17260630" + "10L2405A"): 1,
            ("QR-Code", f"https://id.gs1.org/01/{gtin14}/10/L2405A?17=260630"): 1,
        }
    )


def test_kit_label(tmp_path: Path) -> None:
    assert decode_pdf(render_pdf(SAMPLES["kit"]()), tmp_path) == Counter({c128("KIT-000042"): 1})


@pytest.mark.parametrize("size", ["a4", "letter"])
def test_location_sheet_every_rack_label(tmp_path: Path, size: str) -> None:
    sheet = SAMPLES["locations"]()
    found = decode_pdf(render_pdf(sheet, size), tmp_path, dpi=200)
    assert found == Counter({c128(loc.code): 1 for loc in sheet.locations})


def test_packing_slip_order_barcode_on_every_page(tmp_path: Path) -> None:
    slip = SAMPLES["packing-slip"]()
    found = decode_pdf(render_pdf(slip), tmp_path, dpi=200)
    assert found == Counter({c128(slip.order_reference): 2})


def test_manifest_number_barcode_on_every_page(tmp_path: Path) -> None:
    doc = SAMPLES["manifest"](40)
    found = decode_pdf(render_pdf(doc), tmp_path, dpi=200)
    assert found == Counter({c128(doc.manifest_number): 2})


def test_demo_barcode_sheet(tmp_path: Path) -> None:
    sheet = SAMPLES["barcode-sheet"]()
    found = decode_pdf(render_pdf(sheet), tmp_path, dpi=300)
    expected: Counter[tuple[str, str]] = Counter()
    for _name, _title, entries in sheet.sections():
        for e in entries:
            if e.symbology == "gs1-128":
                expected[gs1_128(*e.elements())] += 1
            elif e.symbology == "qr":
                expected[("QR-Code", e.data)] += 1
            else:
                expected[c128(e.data)] += 1
    assert found == expected
    assert c128("CMD:QTY:5") in found
    lot_first = [k for k in found if k[1].startswith("]C101") and "\x1d" in k[1]]
    assert lot_first == [("CODE-128", "]C10100614141000197" + "10L2405A\x1d17260630")]
