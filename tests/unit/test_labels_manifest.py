"""The carrier manifest template: every carton listed across pages, headings repeated, the
totals and the signature lines once at the end, bad data refused before drawing."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from labels import LabelDataError, render_pdf, render_zpl
from labels.model import ManifestLine
from labels.samples import manifest


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_long_manifest_breaks_between_rows_and_totals_once() -> None:
    doc = manifest(70)
    pages = _pages(render_pdf(doc))
    assert len(pages) >= 3
    text = "\n".join(pages)
    for carton in doc.cartons:
        assert carton.sscc in text and carton.tracking_number in text
    for n, page in enumerate(pages, start=1):
        assert "Manifest DHL-000042" in page and "Tracking number" in page
        assert f"Page {n} of {len(pages)}" in page
    assert text.count("Driver's signature") == 1 and "Driver's signature" in pages[-1]
    assert f"Cartons: 70   Units: {doc.units}".replace("   ", " ") in pages[-1]
    assert "Нови Сад" in text and "Montpellier" in text


def test_translated_captions_and_letter_size() -> None:
    captions = {"manifest": "Bordereau transporteur", "driver_signature": "Signature du chauffeur"}
    text = _pages(render_pdf(manifest(3), "letter", captions))[0]
    assert "Bordereau transporteur" in text and "Signature du chauffeur" in text


def test_bad_manifest_data_is_refused() -> None:
    with pytest.raises(LabelDataError, match="cartons: a manifest needs at least one carton"):
        render_pdf(replace(manifest(), cartons=()))
    bad = replace(manifest(1).cartons[0], sscc="106141411234567890")
    with pytest.raises(LabelDataError, match=r"cartons\[0\]\.sscc"):
        render_pdf(replace(manifest(), cartons=(bad,)))
    with pytest.raises(LabelDataError, match="tracking_number"):
        render_pdf(replace(manifest(), cartons=(ManifestLine(bad.sscc[:-1] + "7", "SO1", ""),)))


def test_zpl_has_a_page_per_pdf_page() -> None:
    zpl = render_zpl(manifest(70))
    assert zpl.count("^XA") == len(_pages(render_pdf(manifest(70))))
