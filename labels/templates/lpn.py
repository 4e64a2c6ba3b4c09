"""LPN / pallet label: the licence plate as a large barcode and in large type."""

from __future__ import annotations

from labels import gs1
from labels.captions import Captions
from labels.layout import Page, Rule, barcode, fit_text, gs1_barcode
from labels.model import LpnLabel

M = 3.0


def layout(label: LpnLabel, width: float, height: float, c: Captions) -> list[Page]:
    page = Page(width, height)
    add = page.add
    inner = width - 2 * M
    compact = height < 80
    add(fit_text("kind", label.kind.upper(), M, M, inner * 0.6, 10, 22, 8, bold=True))
    place = " · ".join(p for p in (label.warehouse, label.location) if p)
    if place:
        add(
            fit_text(
                "location", place, M + inner * 0.6, M + 1, inner * 0.4, 8, 11, 6, align="right"
            )
        )
    text = gs1.hri([("00", label.lpn)]) if label.is_sscc else label.lpn
    y = M + 11
    add(fit_text("lpn", c.get("lpn"), M, y, inner, 3, 6, 5))
    add(
        fit_text(
            "lpn", text, M, y + 3, inner, 11 if not compact else 7, 24, 8, bold=True, align="center"
        )
    )
    y += 15 if not compact else 10.5
    add(Rule(0, y, width, 0.6))
    bar_h = (height - y - M - 2) if compact else 45.0
    if not compact and label.contents:
        bar_h = 40.0
    if label.is_sscc:
        add(gs1_barcode("lpn", [("00", label.lpn)], M, y + 2, inner, bar_h, module=0.5))
    else:
        add(barcode("lpn", label.lpn, M, y + 2, inner, bar_h, module=0.6))
    if not compact and label.contents:
        y += bar_h + 5
        add(Rule(0, y, width, 0.6))
        add(fit_text("contents", list(label.contents), M, y + 2, inner, height - y - 2 - M, 11, 6))
    return [page]
