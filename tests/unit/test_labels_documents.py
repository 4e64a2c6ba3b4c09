"""PDF documents from labels/: exact page sizes, text in any script, fitting, bad data."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from labels import LabelDataError, render_pdf, render_pdf_many, render_zpl
from labels.layout import PT
from labels.model import Address, LocationLabel, LocationSheet, PackingSlipLine
from labels.samples import CUSTOMER_FR, CUSTOMER_SR, SAMPLES, WAREHOUSE


def pdf_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def page_sizes_mm(pdf: bytes) -> list[tuple[float, float]]:
    return [
        (round(float(p.mediabox.width) * PT, 2), round(float(p.mediabox.height) * PT, 2))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]


@pytest.mark.parametrize(
    ("template", "size", "mm"),
    [
        ("shipping", "4x6", (101.6, 152.4)),
        ("shipping", "a6", (105.0, 148.0)),
        ("logistic", "4x6", (101.6, 152.4)),
        ("item", "4x2", (101.6, 50.8)),
        ("locations", "a4", (210.0, 297.0)),
        ("locations", "letter", (215.9, 279.4)),
        ("packing-slip", "a4", (210.0, 297.0)),
        ("packing-slip", "letter", (215.9, 279.4)),
        ("barcode-sheet", "letter", (215.9, 279.4)),
    ],
)
def test_page_size_is_exact(template: str, size: str, mm: tuple[float, float]) -> None:
    sizes = page_sizes_mm(render_pdf(SAMPLES[template](), size))
    assert sizes and all(s == mm for s in sizes)


def test_french_and_cyrillic_addresses_extract_exactly() -> None:
    text = pdf_text(render_pdf(SAMPLES["shipping"](to=CUSTOMER_SR)))[0]
    for line in CUSTOMER_SR.lines() + WAREHOUSE.lines():
        assert line in text
    assert "Јован Јовановић" in text and "Ђурђевак д.о.о." in text and "Entrepôt Démo" in text
    slip = pdf_text(render_pdf(SAMPLES["packing-slip"]()))
    for line in CUSTOMER_FR.lines():
        assert line in slip[0]
    assert "Hélène Côté-Lefèvre" in slip[0]


def test_fonts_are_embedded_dejavu() -> None:
    reader = PdfReader(io.BytesIO(render_pdf(SAMPLES["shipping"]())))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = {str(f.get_object()["/BaseFont"]) for f in fonts.values()}
    assert names and all("DejaVuSans" in n for n in names)
    for f in fonts.values():
        descriptor = f.get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor


def test_sscc_human_readable_line_has_no_stray_fnc1() -> None:
    label = SAMPLES["shipping"]()
    text = pdf_text(render_pdf(label))[0]
    assert f"(00) {label.sscc}" in text
    assert "ñ" not in text and "\xf1" not in text


def test_long_address_shrinks_or_wraps_and_keeps_every_word() -> None:
    long_to = replace(
        CUSTOMER_FR,
        name="Établissements Hélène Côté-Lefèvre et Associés, Service Réception des Marchandises",
        line2="Zone Industrielle des Grandes Terres Méridionales, Bâtiment C, Quai numéro 14",
    )
    text = pdf_text(render_pdf(SAMPLES["shipping"](to=long_to)))[0]
    words = " ".join(long_to.lines()).split()
    flat = text.split()
    for word in words:
        assert word in flat


def test_address_too_long_to_fit_is_an_error_not_a_cut() -> None:
    huge = replace(CUSTOMER_FR, line2=" ".join(["Résidence très longue"] * 60))
    with pytest.raises(LabelDataError) as err:
        render_pdf(SAMPLES["shipping"](to=huge))
    assert err.value.field == "ship_to"
    with pytest.raises(LabelDataError):
        render_zpl(SAMPLES["shipping"](to=huge))


def test_packing_slip_pages_say_n_of_m() -> None:
    pages = pdf_text(render_pdf(SAMPLES["packing-slip"](lines=90)))
    assert len(pages) >= 3
    for n, text in enumerate(pages, start=1):
        assert f"Page {n} of {len(pages)}" in text
        assert "SO-2024-00042" in text
    every = "\n".join(pages)
    for i in range(1, 91):
        assert f"SKU-{i:04d}" in every


def test_short_packing_slip_is_one_page() -> None:
    pages = pdf_text(render_pdf(SAMPLES["packing-slip"](lines=3)))
    assert len(pages) == 1 and "Page 1 of 1" in pages[0]


def test_location_sheet_has_code_and_check_digit() -> None:
    sheet = LocationSheet((LocationLabel("B-07-3", "42"), LocationLabel("B-07-4", "07")))
    text = pdf_text(render_pdf(sheet))[0]
    assert "B-07-3" in text and "42" in text and "07" in text


def test_captions_are_translated_by_the_caller() -> None:
    text = pdf_text(render_pdf(SAMPLES["shipping"](), captions={"ship_to": "Destinataire"}))[0]
    assert "Destinataire" in text and "Ship to" not in text


def test_many_labels_in_one_pdf() -> None:
    pdf = render_pdf_many([SAMPLES["shipping"](n) for n in range(1, 6)])
    texts = pdf_text(pdf)
    assert len(texts) == 5
    assert all(f"SO-2024-{n:05d}" in t for n, t in enumerate(texts, start=1))


def _bad(template: str, **changes: object) -> object:
    return replace(SAMPLES[template](), **changes)


@pytest.mark.parametrize(
    ("label", "field"),
    [
        (lambda: _bad("shipping", sscc="106141411234567890"), "sscc"),
        (lambda: _bad("shipping", sscc="12345"), "sscc"),
        (lambda: _bad("shipping", ship_to=replace(CUSTOMER_FR, name="")), "ship_to.name"),
        (lambda: _bad("shipping", carrier=" "), "carrier"),
        (lambda: _bad("shipping", weight_kg=-1.0), "weight_kg"),
        (lambda: _bad("shipping", carton_number=3, carton_count=2), "carton_number"),
        (lambda: _bad("shipping", tracking_number="1Z\u00e9\u0416"), "tracking_number"),
        (lambda: _bad("logistic", gtin="10614141000190"), "gtin"),
        (lambda: _bad("logistic", count=0), "count"),
        (lambda: _bad("logistic", lot="LOT 1"), "lot"),
        (lambda: _bad("item", gtin="123"), "gtin"),
        (lambda: _bad("kit", components=()), "components"),
        (lambda: LocationSheet((LocationLabel("A-1", "4x"),)), "locations[0].check_digit"),
        (lambda: LocationSheet(()), "locations"),
        (
            lambda: _bad("packing-slip", lines=(PackingSlipLine("S1", "x", 3, 2),)),
            "lines[0].quantity_ordered",
        ),
        (lambda: _bad("packing-slip", order_date="2024-05-14"), "order_date"),
        (lambda: _bad("lpn", lpn="Ж-1"), "lpn"),
    ],
)
def test_bad_data_names_the_field(label: object, field: str) -> None:
    data = label()  # type: ignore[operator]
    with pytest.raises(LabelDataError) as err:
        render_pdf(data)
    assert err.value.field == field
    with pytest.raises(LabelDataError):
        render_zpl(data)


def test_one_bad_label_in_a_batch_gives_no_pdf() -> None:
    good = SAMPLES["shipping"]()
    bad = replace(good, sscc="0")
    with pytest.raises(LabelDataError, match="sscc"):
        render_pdf_many([good, good, bad])


def test_wrong_size_for_template() -> None:
    with pytest.raises(LabelDataError) as err:
        render_pdf(SAMPLES["shipping"](), "a4")
    assert err.value.field == "size"


def test_address_lines_leave_out_empty_parts() -> None:
    a = Address(name="N", line1="L1", city="Lyon", country="France", postcode="69007")
    assert a.lines() == ["N", "L1", "69007 Lyon", "France"]
    assert date(2026, 1, 2).strftime("%y%m%d") == "260102"
