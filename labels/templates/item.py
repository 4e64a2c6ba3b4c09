"""Item label: description, SKU, GTIN as GS1-128 (01) and a GS1 Digital Link QR code."""

from __future__ import annotations

from labels import gs1
from labels.captions import Captions
from labels.layout import Page, Qr, fit_text, gs1_barcode
from labels.model import ItemLabel

M = 2.5


def layout(label: ItemLabel, width: float, height: float, c: Captions) -> list[Page]:
    page = Page(width, height)
    add = page.add
    inner = width - 2 * M
    top_h = height * 0.44
    qr = top_h
    left_w = inner - qr - 2
    elements = label.elements()
    add(fit_text("description", label.description, M, M, left_w, top_h * 0.62, 13, 6, bold=True))
    add(
        fit_text(
            "sku", f"{c.get('sku')} {label.sku}", M, M + top_h * 0.66, left_w, top_h * 0.34, 11, 5
        )
    )
    add(Qr(width - M - qr, M, qr, label.digital_link()))
    bar_y = M + top_h + 1.5
    bar_h = height - bar_y - M - 5
    add(gs1_barcode("gtin", elements, M, bar_y, inner, bar_h, module=0.4))
    add(fit_text("gtin", gs1.hri(elements), M, height - M - 4.2, inner, 4.2, 9, 5, align="center"))
    return [page]
