"""Fixed font subsets (labels/subsets.py): text in any script extracts, every font embedded."""

from __future__ import annotations

import io
import zlib

from fontTools.ttLib import TTFont as ToolsFont
from pypdf import PdfReader

from labels import render_pdf
from labels.layout import Page, Text
from labels.pdf import draw_page, new_canvas, pdf_bytes
from labels.samples import CUSTOMER_FR, CUSTOMER_SR, shipping

LINES = (
    "Cœur d’Alène « 12 € » — 3ᵉ étage",  # French: cp1252 extras and the label extras
    "Јован Јовановић, Нови Сад",  # Serbian Cyrillic
    "Đorđe Čolić, Šabac, Žabalj",  # Serbian Latin: Latin Extended-A
    "Timișoara, Brașov",  # Romanian comma-below letters
    "Ελληνικά Ωμέγα",  # Greek: outside the fixed subsets, numbered per document
    "№ 5 → B2 ≥ 3",
)


def page_of(lines: tuple[str, ...], bold: bool = False) -> Page:
    page = Page(101.6, 152.4)
    for i, line in enumerate(lines):
        page.add(Text(3, 5 + 8 * i, 95, (line,), 9, bold=bold))
    return page


def text_of(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def font_dicts(pdf: bytes) -> list:
    reader = PdfReader(io.BytesIO(pdf))
    return [f.get_object() for p in reader.pages for f in p["/Resources"]["/Font"].values()]


def test_every_script_extracts_in_regular_and_bold() -> None:
    pdf = pdf_bytes([page_of(LINES), page_of(LINES, bold=True)])
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    for text in pages:
        for line in LINES:
            assert line in text


def test_every_subset_used_is_embedded_with_its_glyphs() -> None:
    pdf = pdf_bytes([page_of(LINES), page_of(LINES, bold=True)])
    fonts = font_dicts(pdf)
    # 3 fixed subsets + 1 per-document subset (Greek, arrows) in each of the two fonts
    assert len({str(f["/BaseFont"]) for f in fonts}) == 8
    for font in fonts:
        descriptor = font["/FontDescriptor"]
        stream = descriptor["/FontFile2"].get_object()
        program = stream.get_data()
        assert len(program) == stream["/Length1"]
        embedded = ToolsFont(io.BytesIO(program))
        codes = embedded["cmap"].tables[0].cmap  # code -> glyph; unused codes are .notdef
        assert codes and max(codes) <= font["/LastChar"]
        glyphs = embedded["glyf"]
        assert set(codes.values()) <= set(glyphs.keys())
        assert sum(glyphs[g].numberOfContours != 0 for g in set(codes.values())) > 1
        assert str(descriptor["/FontName"]) == str(font["/BaseFont"])


def test_plain_ascii_embeds_subset_zero_only() -> None:
    fonts = font_dicts(pdf_bytes([page_of(("SO-2024-00001 DHL Express",))]))
    assert [str(f["/BaseFont"]) for f in fonts] == ["/AAAAAA+DejaVuSans"]


def test_fixed_subsets_are_the_same_bytes_in_every_document() -> None:
    def programs(pdf: bytes) -> dict[str, bytes]:
        return {
            str(f["/BaseFont"]): f["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            for f in font_dicts(pdf)
        }

    fr = programs(render_pdf(shipping(1, CUSTOMER_FR)))
    sr = programs(render_pdf(shipping(2, CUSTOMER_SR)))
    shared = fr.keys() & sr.keys()
    assert "/AAAAAA+DejaVuSans" in shared and "/AAAAAA+DejaVuSans-Bold" in shared
    assert all(fr[name] == sr[name] for name in shared)


def test_documents_built_at_the_same_time_keep_their_own_numbering() -> None:
    bufs = [io.BytesIO(), io.BytesIO()]
    canvases = [new_canvas(b) for b in bufs]
    # Greek in one document, Armenian in the other: both in per-document subsets
    draw_page(canvases[0], page_of(("Ωμέγα one",)))
    draw_page(canvases[1], page_of(("Հայերեն two",)))
    for c in canvases:
        c.save()
    assert "Ωμέγα one" in text_of(bufs[0].getvalue())
    assert "Հայերեն two" in text_of(bufs[1].getvalue())


def test_a_character_the_font_lacks_prints_as_notdef_not_an_error() -> None:
    pdf = pdf_bytes([page_of(("A 漢 B",))])
    assert "A" in text_of(pdf) and "B" in text_of(pdf)


def test_page_content_uses_the_fixed_codes() -> None:
    pdf = pdf_bytes([page_of(("é",))])
    reader = PdfReader(io.BytesIO(pdf))
    content = reader.pages[0].get_contents().get_data()
    assert b"(\\351) Tj" in content or b"(\xe9) Tj" in content
    assert zlib.decompress(zlib.compress(content)) == content
