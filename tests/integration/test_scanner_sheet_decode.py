"""The scanner self-test sheet, rasterised and decoded as a scanner would: zbarimg for the
linear barcodes, libdmtx's dmtxread for the GS1 DataMatrix (zbar reads no Data Matrix)."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from floor.scanner_sheet import scanner_sheet_data
from floor.scanning.selftest import GS, SHEET_BY_KEY
from labels import render_pdf

_missing = [t for t in ("pdftoppm", "zbarimg") if shutil.which(t) is None]
if _missing and os.environ.get("CI") == "true":
    raise RuntimeError(f"CI needs {', '.join(_missing)} (scripts/test-deps.sh installs them)")
pytestmark = pytest.mark.skipif(
    bool(_missing), reason=f"needs {', '.join(_missing)} (Debian: poppler-utils, zbar-tools)"
)


@pytest.fixture(scope="module")
def page_png(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sheet")
    pdf = folder / "sheet.pdf"
    pdf.write_bytes(render_pdf(scanner_sheet_data()))
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "300",
            "-gray",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(folder / "p"),
        ],
        check=True,
    )
    (png,) = sorted(folder.glob("p*.png"))
    return png


def test_linear_barcodes_decode_to_their_expected_content(page_png: Path):
    import xml.etree.ElementTree as ET

    from tests.integration.test_label_decode import NS  # the same zbar XML namespace

    out = subprocess.run(
        ["zbarimg", "--nodbus", "-q", "--xml", str(page_png)], capture_output=True, check=False
    )
    found = Counter()
    for symbol in ET.fromstring(out.stdout).iterfind(".//z:symbol", NS):
        data = symbol.find("z:data", NS)
        text = data.text if data is not None and data.text else ""
        if data is not None and data.get("format") == "base64":
            text = base64.b64decode(text).decode("latin-1")
        gs1 = "GS1" in (symbol.get("modifiers") or "")
        found[(symbol.get("type"), gs1, text)] += 1
    assert found == Counter(
        {
            ("CODE-128", True, SHEET_BY_KEY["gs1-128"].sent): 1,
            ("EAN-13", False, SHEET_BY_KEY["ean13"].sent): 1,
            ("CODE-128", False, SHEET_BY_KEY["code128"].sent): 1,
        }
    )


@pytest.mark.skipif(shutil.which("dmtxread") is None, reason="needs dmtxread (Debian: dmtx-utils)")
def test_the_gs1_datamatrix_decodes_with_fnc1_first_and_as_separator(page_png: Path):
    base = ["dmtxread", "-N1", "-m", "20000", str(page_png)]
    codewords = subprocess.run([*base, "-c"], capture_output=True, check=True, text=True).stdout
    assert codewords.split()[0] == "d:232"  # FNC1 first: a GS1 DataMatrix
    data = subprocess.run([*base, "-G", "29"], capture_output=True, check=True).stdout
    assert data.decode() == GS + SHEET_BY_KEY["gs1-datamatrix"].sent


def _pbm(matrix, path: Path, scale: int = 6, quiet: int = 2) -> None:  # type: ignore[no-untyped-def]
    side = (matrix.size + 2 * quiet) * scale
    rows = []
    for r in range(matrix.size + 2 * quiet):
        row = []
        for c in range(matrix.size + 2 * quiet):
            rr, cc = r - quiet, c - quiet
            inside = 0 <= rr < matrix.size and 0 <= cc < matrix.size
            row += ["1" if inside and matrix.rows[rr][cc] else "0"] * scale
        rows += [" ".join(row)] * scale
    path.write_text(f"P1\n{side} {side}\n" + "\n".join(rows) + "\n", encoding="ascii")


@pytest.mark.skipif(shutil.which("dmtxread") is None, reason="needs dmtxread (Debian: dmtx-utils)")
@pytest.mark.parametrize("size", [10, 12, 14, 16, 18, 20, 22, 24, 26])
def test_every_size_drawn_decodes(size: int, tmp_path: Path) -> None:
    """Each size has its own corner cases in the module placement: fill each one exactly."""
    from labels.datamatrix import SIZES, encode

    capacity = next(data for s, data, _ in SIZES if s == size)
    text = "Ab" * (capacity // 2) + "x" * (capacity % 2)  # one codeword per letter
    matrix = encode(text)
    assert matrix.size == size
    _pbm(matrix, tmp_path / "dm.pbm")
    out = subprocess.run(["dmtxread", "-N1", str(tmp_path / "dm.pbm")], capture_output=True)
    assert out.stdout.decode() == text
