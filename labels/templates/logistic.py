"""GS1 logistic label for pallets and cases: SSCC (lowest), content barcodes above it."""

from __future__ import annotations

from labels import gs1
from labels.captions import Captions
from labels.errors import LabelDataError
from labels.layout import Page, Rule, fit_text, gs1_barcode
from labels.model import LogisticLabel

M = 3.0


def layout(label: LogisticLabel, width: float, height: float, c: Captions) -> list[Page]:
    page = Page(width, height)
    add = page.add
    inner = width - 2 * M
    half = inner / 2
    add(fit_text("ship_from", c.get("ship_from"), M, M, half, 3, 6, 5, bold=True))
    add(fit_text("ship_from", label.ship_from.lines(), M, M + 3.2, half - 2, 20, 8, 5.5))
    if label.ship_to is not None:
        add(fit_text("ship_to", c.get("ship_to"), M + half, M, half, 3, 6, 5, bold=True))
        add(
            fit_text(
                "ship_to", label.ship_to.lines(), M + half, M + 3.2, half, 20, 9, 5.5, bold=True
            )
        )
    y = 27.0
    add(Rule(0, y, width, 0.6))
    rows: list[tuple[str, str, str]] = [
        ("sscc", c.get("sscc"), label.sscc),
        ("gtin", c.get("content"), gs1.gtin14("gtin", label.gtin)),
        ("count", c.get("count"), str(label.count)),
    ]
    if label.lot:
        rows.append(("lot", c.get("lot"), label.lot))
    if label.expiry:
        rows.append(("expiry", c.get("expiry"), label.expiry.isoformat()))
    if label.order_reference:
        rows.append(("order_reference", c.get("order"), label.order_reference))
    row_y = y + 1.5
    row_h = min(5.5, 33 / len(rows))
    for name, caption, value in rows:
        add(fit_text(name, caption, M, row_y, 24, row_h, 8, 5))
        add(fit_text(name, value, M + 25, row_y, inner - 25, row_h, 12, 6, bold=True))
        row_y += row_h
    y = 62.0
    add(Rule(0, y, width, 0.6))
    bar_y = y + 2
    content = label.content_elements()
    groups = [content]
    try:  # one barcode when it fits, else split after (37)
        gs1_barcode("gtin", content, M, 0, inner, 14, module=0.4)
    except LabelDataError:
        split = next(i for i, (ai, _v) in enumerate(content) if ai == "37") + 1
        groups = [content[:split], content[split:]] if content[split:] else [content]
    for elements in groups:
        where = "lot" if elements[-1][0] == "10" else "gtin"
        add(gs1_barcode(where, elements, M, bar_y, inner, 14, module=0.4))
        add(fit_text(where, gs1.hri(elements), M, bar_y + 14.5, inner, 4.5, 9, 5, align="center"))
        bar_y += 21
    sscc = [("00", label.sscc)]
    bottom = height - M
    add(Rule(0, bar_y, width, 0.6))
    bar_h = bottom - bar_y - 2 - 6.5
    add(gs1_barcode("sscc", sscc, M, bar_y + 2, inner, bar_h, module=0.45))
    add(fit_text("sscc", gs1.hri(sscc), M, bottom - 5, inner, 5, 11, 6, bold=True, align="center"))
    return [page]
