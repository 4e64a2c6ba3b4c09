"""The demo barcode sheet: badges, locations, carts and totes, items and commands, to scan from
paper or screen."""

from __future__ import annotations

from labels import gs1
from labels.captions import Captions
from labels.code128 import FNC1
from labels.layout import Frame, Page, Qr, barcode, fit_text, gs1_barcode
from labels.model import BarcodeSheet, SheetBarcode

CELL_H = 30.0


def _cell(entry: SheetBarcode, where: str, x: float, y: float, w: float, page: Page) -> None:
    add = page.add
    add(Frame(x, y, w, CELL_H, 0.15))
    caption = entry.caption or entry.data
    add(fit_text(where, caption, x + 2, y + 1.5, w - 4, 4, 9, 5, bold=True, align="center"))
    if entry.symbology == "qr":
        size = CELL_H - 8
        add(Qr(x + (w - size) / 2, y + 6, size, entry.data))
        return
    if entry.symbology == "gs1-128":
        elements = entry.elements()
        add(gs1_barcode(where, elements, x + 1, y + 6.5, w - 2, 15, 0.33, 0.19))
        text = gs1.hri(elements)
    else:
        add(barcode(where, entry.data, x + 1, y + 6.5, w - 2, 15, 0.33, 0.19))
        text = entry.data.replace(FNC1, "")
    add(fit_text(where, text, x + 2, y + 23, w - 4, 4, 8, 5, align="center"))


def layout(sheet: BarcodeSheet, width: float, height: float, c: Captions) -> list[Page]:
    margin = 10.0 if width > 150 else 3.0
    cols = 3 if width > 150 else 1
    inner = width - 2 * margin
    cell_w = inner / cols
    pages: list[Page] = []

    def new_page() -> tuple[Page, float]:
        page = Page(width, height)
        pages.append(page)
        page.add(fit_text("title", sheet.title, margin, margin, inner, 8, 14, 7, bold=True))
        return page, margin + 10

    page, y = new_page()
    for name, title, entries in sheet.sections():
        if y + 6 + CELL_H > height - margin:
            page, y = new_page()
        page.add(fit_text(name, title, margin, y, inner, 5, 11, 6, bold=True))
        y += 6
        for i, entry in enumerate(entries):
            col = i % cols
            if col == 0 and i:
                y += CELL_H + 2
            if y + CELL_H > height - margin:
                page, y = new_page()
            _cell(entry, f"{name}[{i}].data", margin + col * cell_w, y, cell_w - 2, page)
        y += CELL_H + 5
    total = len(pages)
    if total > 1:
        for n, p in enumerate(pages):
            text = c.get("page", n=n + 1, m=total)
            p.add(
                fit_text("page", text, margin, height - margin + 2, inner, 4, 8, 5, align="right")
            )
    return pages
