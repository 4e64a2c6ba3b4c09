"""ZPL output of every template against expected files, plus the GS1 and UTF-8 essentials.

Regenerate the expected files after an intended layout change with
`FLOOR_UPDATE_EXPECTED=1 .venv/bin/pytest tests/unit/test_labels_zpl.py` and review the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from labels import LabelDataError, render_zpl
from labels.render import PDF_ONLY
from labels.samples import SAMPLES

EXPECTED = Path(__file__).parent / "test_labels_expected"


@pytest.mark.parametrize("template", sorted(set(SAMPLES) - PDF_ONLY))
def test_zpl_matches_expected_file(template: str) -> None:
    zpl = render_zpl(SAMPLES[template]())
    path = EXPECTED / f"{template}.zpl"
    if os.environ.get("FLOOR_UPDATE_EXPECTED") == "1":
        EXPECTED.mkdir(exist_ok=True)
        path.write_text(zpl, encoding="utf-8")
    assert zpl == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("template", sorted(set(SAMPLES) - PDF_ONLY))
def test_every_zpl_label_is_utf8_and_closed(template: str) -> None:
    zpl = render_zpl(SAMPLES[template]())
    starts = zpl.count("^XA")
    assert starts >= 1 and starts == zpl.count("^XZ") == zpl.count("^CI28")
    zpl.encode("utf-8")


def test_shipping_zpl_sscc_is_gs1_128_with_fnc1_and_own_hri() -> None:
    label = SAMPLES["shipping"]()
    zpl = render_zpl(label)
    assert f"^FD>;>800{label.sscc}^FS" in zpl
    assert f"^FD(00) {label.sscc}^FS" in zpl
    assert "Јован Јовановић" in zpl  # UTF-8 under ^CI28
    assert re.search(r"\^BCN,\d+,N,N,N,N", zpl)  # printer's own HRI off: we draw "(00) ..."


def test_logistic_zpl_has_fnc1_separator_after_count() -> None:
    label = SAMPLES["logistic"]()
    zpl = render_zpl(label)
    # (37) is variable-length and not last: FNC1 (>8), then subset B (>6) for the lot,
    # with subset C (>5) for its four digits.
    assert f">;>802{label.gtin}17261231" + "3748>8>6" + "10LOT->52405>6A^FS" in zpl


def test_zpl_escapes_caret_and_tilde_in_text() -> None:
    from dataclasses import replace

    label = replace(SAMPLES["kit"](), description="50% ^off~ \\ deal")
    zpl = render_zpl(label)
    assert "50% \\5Eoff\\7E \\5C deal" in zpl


def test_zpl_resolution_scales_positions() -> None:
    at203 = render_zpl(SAMPLES["lpn"](), dpi=203)
    at300 = render_zpl(SAMPLES["lpn"](), dpi=300)
    assert "^PW812" in at203 and "^LL1218" in at203
    assert "^PW1200" in at300 and "^LL1800" in at300


def test_a_pdf_only_template_is_refused_in_zpl_saying_so() -> None:
    with pytest.raises(LabelDataError, match="PDF only"):
        render_zpl(SAMPLES["scanner-test"]())
