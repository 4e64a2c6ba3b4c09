"""Shipping label (4x6 inch or A6): addresses, carrier, tracking Code 128, SSCC GS1-128.

The tracking number may be empty (a carton labelled at packing, before the carrier gave
one): its band then shows a dash and no barcode; the SSCC is always there.
"""

from __future__ import annotations

from labels import gs1
from labels.captions import Captions
from labels.layout import Page, Rule, barcode, fit_text, gs1_barcode
from labels.model import ShippingLabel

M = 3.0


def layout(label: ShippingLabel, width: float, height: float, c: Captions) -> list[Page]:
    page = Page(width, height)
    inner = width - 2 * M
    add = page.add
    # Ship from and carrier: top band.
    y = M
    add(fit_text("ship_from", c.get("ship_from"), M, y, inner * 0.6, 3, 6, 6, bold=True))
    add(fit_text("ship_from", label.ship_from.lines(), M, y + 3.2, inner * 0.6 - 2, 19, 8, 5.5))
    right = M + inner * 0.6
    add(fit_text("carrier", label.carrier, right, y, inner * 0.4, 8, 16, 7, bold=True))
    add(fit_text("service", label.service, right, y + 9, inner * 0.4, 13, 10, 6))
    y = 26.0
    add(Rule(0, y, width, 0.6))
    # Ship to: the biggest text on the label.
    add(fit_text("ship_to", c.get("ship_to"), M, y + 1.5, inner, 3, 7, 6, bold=True))
    add(fit_text("ship_to", label.ship_to.lines(), M + 4, y + 5, inner - 4, 37, 14, 6, bold=True))
    y = 69.0
    add(Rule(0, y, width, 0.6))
    third = inner / 3
    add(fit_text("order_reference", c.get("order"), M, y + 1, third, 3, 6, 5))
    add(
        fit_text("order_reference", label.order_reference, M, y + 4, third - 1, 6, 11, 6, bold=True)
    )
    add(fit_text("weight_kg", c.get("weight"), M + third, y + 1, third, 3, 6, 5))
    weight = c.get("weight_value", kg=f"{label.weight_kg:.2f}")
    add(fit_text("weight_kg", weight, M + third, y + 4, third - 1, 6, 11, 6, bold=True))
    carton = c.get("carton", n=label.carton_number, m=label.carton_count)
    add(fit_text("carton_number", carton, M + 2 * third, y + 2, third, 9, 11, 6, bold=True))
    y = 81.0
    add(Rule(0, y, width, 0.6))
    add(fit_text("tracking_number", c.get("tracking"), M, y + 1, inner, 3, 6, 5))
    if label.tracking_number:  # none yet when the carton is labelled at packing
        add(barcode("tracking_number", label.tracking_number, M, y + 4.5, inner, 18, module=0.42))
    add(
        fit_text(
            "tracking_number",
            label.tracking_number or "—",
            M,
            y + 23.5,
            inner,
            4.5,
            10,
            6,
            align="center",
        )
    )
    y = 110.0
    add(Rule(0, y, width, 0.6))
    elements = [("00", label.sscc)]
    add(fit_text("sscc", c.get("sscc"), M, y + 1, inner, 3, 6, 5))
    bottom = height - M
    bar_height = bottom - (y + 4.5) - 6.5
    add(gs1_barcode("sscc", elements, M, y + 4.5, inner, bar_height, module=0.45))
    add(
        fit_text(
            "sscc", gs1.hri(elements), M, bottom - 5, inner, 5, 11, 6, bold=True, align="center"
        )
    )
    return [page]
