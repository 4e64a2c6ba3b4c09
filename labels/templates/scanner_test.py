"""The scanner self-test sheet: four barcodes with known content, each in its own frame, then
what the scanner settings they test mean, in words."""

from __future__ import annotations

from labels import datamatrix, ean13, gs1
from labels.captions import Captions
from labels.layout import Bar, Frame, Grid2D, Page, barcode, fit_text, gs1_barcode
from labels.model import ScannerTestSheet, TestBarcode

CELL_H = 42.0


def _cell(entry: TestBarcode, n: int, x: float, y: float, w: float, page: Page) -> None:
    where = f"barcodes[{n - 1}].data"
    add = page.add
    add(Frame(x, y, w, CELL_H, 0.2))
    add(fit_text(where, f"{n}. {entry.caption}", x + 2, y + 1.5, w - 4, 5, 10, 6, bold=True))
    top, bar_h = y + 8, 22.0
    if entry.symbology == "gs1-128":
        elements = entry.elements()
        add(gs1_barcode(where, elements, x + 2, top, w - 4, bar_h, 0.4, 0.25))
        text = gs1.hri(elements)
    elif entry.symbology == "gs1-datamatrix":
        elements = entry.elements()
        matrix = datamatrix.encode(gs1.transmitted(elements)[3:], gs1=True)
        module = min(1.0, bar_h / matrix.size)
        side = matrix.size * module
        add(Grid2D(x + (w - side) / 2, top, module, matrix, entry.data))
        text = gs1.hri(elements)
    elif entry.symbology == "ean13":
        symbols = ean13.encode(entry.data)
        module = min(0.4, (w - 4) / (95 + ean13.QUIET_LEFT + ean13.QUIET_RIGHT))
        add(Bar(x + 2, top, w - 4, bar_h, entry.data, symbols, module))
        text = entry.data
    else:
        add(barcode(where, entry.data, x + 2, top, w - 4, bar_h, 0.4, 0.25))
        text = entry.data
    add(fit_text(where, text, x + 2, top + bar_h + 2, w - 4, 5, 9, 5, align="center"))


def layout(sheet: ScannerTestSheet, width: float, height: float, c: Captions) -> list[Page]:
    del c  # every word on this sheet comes with the data, already translated
    margin = 12.0
    inner = width - 2 * margin
    pages = [Page(width, height)]
    page = pages[0]
    page.add(fit_text("title", sheet.title, margin, margin, inner, 8, 15, 8, bold=True))
    intro = fit_text("intro", sheet.intro, margin, margin + 9, inner, 14, 9, 6)
    page.add(intro)
    y = margin + 9 + intro.height + 3
    cell_w = (inner - 4) / 2
    for i, entry in enumerate(sheet.barcodes):
        col = i % 2
        if col == 0 and i:
            y += CELL_H + 4
        if y + CELL_H > height - margin:
            page = Page(width, height)
            pages.append(page)
            y = margin
        _cell(entry, i + 1, margin + col * (cell_w + 4), y, cell_w, page)
    y += CELL_H + 6
    for j, (heading, text) in enumerate(sheet.notes):
        head = fit_text(f"notes[{j}]", heading, margin, y, inner, 6, 10, 7, bold=True)
        body = fit_text(f"notes[{j}]", text, margin, y + head.height + 0.5, inner, 40, 8.5, 6)
        if y + head.height + body.height > height - margin:
            page = Page(width, height)
            pages.append(page)
            y = margin
            head = fit_text(f"notes[{j}]", heading, margin, y, inner, 6, 10, 7, bold=True)
            body = fit_text(f"notes[{j}]", text, margin, y + head.height + 0.5, inner, 40, 8.5, 6)
        page.add(head)
        page.add(body)
        y += head.height + body.height + 3
    return pages
