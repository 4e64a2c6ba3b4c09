"""Kit label: kit SKU and description, kit id barcode, the components it holds."""

from __future__ import annotations

from labels.captions import Captions
from labels.layout import Page, Rule, barcode, fit_text
from labels.model import KitLabel

M = 3.0


def layout(label: KitLabel, width: float, height: float, c: Captions) -> list[Page]:
    page = Page(width, height)
    add = page.add
    inner = width - 2 * M
    add(fit_text("kit_sku", c.get("kit"), M, M, inner, 3, 7, 5, bold=True))
    add(fit_text("kit_sku", label.kit_sku, M, M + 3.5, inner, 10, 22, 8, bold=True))
    add(fit_text("description", label.description, M, M + 14, inner, 12, 12, 6))
    y = 31.0
    add(Rule(0, y, width, 0.6))
    add(barcode("kit_id", label.kit_id, M, y + 2, inner, 24, module=0.5))
    add(fit_text("kit_id", label.kit_id, M, y + 27, inner, 5, 12, 6, bold=True, align="center"))
    y += 34
    add(Rule(0, y, width, 0.6))
    add(fit_text("components", c.get("components"), M, y + 1.5, inner, 3.5, 8, 5, bold=True))
    lines = [f"{comp.quantity} × {comp.sku}  {comp.description}" for comp in label.components]
    bottom = height - M - 6
    add(fit_text("components", lines, M, y + 6, inner, bottom - y - 7, 11, 5.5))
    if label.assembled_on or label.assembled_by:
        when = label.assembled_on.isoformat() if label.assembled_on else ""
        text = c.get("assembled", date=when, by=label.assembled_by).strip()
        add(Rule(0, bottom, width, 0.4))
        add(fit_text("assembled_on", text, M, bottom + 1.5, inner, 4, 8, 5))
    return [page]
