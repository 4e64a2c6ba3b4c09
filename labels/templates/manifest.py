"""Carrier manifest (A4 or Letter): one row per carton handed over, totals and signatures.

Each page repeats the title, the carrier, the manifest number with its barcode and the
column headings, and says "Page n of m"; rows grow with a wrapped ship-to and pages break
between rows. The last page ends with the totals and the lines the driver and the shipper
sign.
"""

from __future__ import annotations

from labels.captions import Captions
from labels.errors import LabelDataError
from labels.layout import LEADING, PT, Page, Rule, Text, barcode, fit_text
from labels.model import CarrierManifest

MARGIN = 12.0
BODY = 8.0
# column widths as shares of the inner width: #, order, SSCC, tracking, service, ship to,
# units, kg
SHARES = (0.04, 0.13, 0.185, 0.19, 0.1, 0.215, 0.055, 0.085)
RIGHT = {0, 6, 7}
WRAPPED = {4, 5}  # service and ship-to wrap; the other cells shrink to stay on one line
SIGNATURES = 30.0


def _cell(field: str, text: str, x: float, width: float, column: int) -> Text:
    align = "right" if column in RIGHT else "left"
    if column not in WRAPPED:
        try:
            return fit_text(
                field, text, x, 0, width, BODY * LEADING * PT + 0.01, BODY, 6, align=align
            )
        except LabelDataError:
            pass  # too long even small: wrap it instead
    return fit_text(field, text, x, 0, width, 10_000, BODY, 6, align=align)


def layout(doc: CarrierManifest, width: float, height: float, c: Captions) -> list[Page]:
    inner = width - 2 * MARGIN
    widths = [inner * share for share in SHARES]
    xs = [MARGIN + sum(widths[:i]) for i in range(len(widths))]
    rows: list[list[Text]] = []
    for i, carton in enumerate(doc.cartons):
        cells = (
            str(i + 1),
            carton.order_reference,
            carton.sscc,
            carton.tracking_number,
            carton.service or "-",
            carton.ship_to or "-",
            str(carton.units),
            f"{carton.weight_kg:.2f}",
        )
        rows.append(
            [
                _cell(f"cartons[{i}]", cell, xs[n], widths[n] - 1.5, n)
                for n, cell in enumerate(cells)
            ]
        )
    first_header, next_header, footer = 74.0, 40.0, 8.0
    limit = height - MARGIN - footer
    pages_rows: list[list[int]] = [[]]
    y = first_header
    for i, row in enumerate(rows):
        row_h = max(t.height for t in row) + 1.5
        if row_h > limit - next_header:
            raise LabelDataError(f"cartons[{i}]", "too long to fit on one page")
        if y + row_h > limit and pages_rows[-1]:
            pages_rows.append([])
            y = next_header
        pages_rows[-1].append(i)
        y += row_h
    if y + SIGNATURES > limit:
        pages_rows.append([])  # the totals and signatures on a page of their own
    total = len(pages_rows)
    pages = []
    for n, indices in enumerate(pages_rows):
        page = Page(width, height)
        add = page.add
        bar_w = inner * 0.42
        add(
            fit_text("title", c.get("manifest"), MARGIN, MARGIN, inner - bar_w, 8, 16, 8, bold=True)
        )
        add(
            fit_text("carrier", doc.carrier, MARGIN, MARGIN + 8, inner - bar_w, 8, 15, 8, bold=True)
        )
        add(
            barcode(
                "manifest_number",
                doc.manifest_number,
                width - MARGIN - bar_w,
                MARGIN,
                bar_w,
                11,
                0.4,
            )
        )
        number = c.get("manifest_number", number=doc.manifest_number)
        add(
            fit_text(
                "manifest_number",
                number,
                width - MARGIN - bar_w,
                MARGIN + 12,
                bar_w,
                5,
                BODY + 1,
                6,
                bold=True,
                align="center",
            )
        )
        y = MARGIN + 18
        if n == 0:
            when = c.get("opened_closed", opened=doc.opened, closed=doc.closed or "-")
            add(fit_text("closed", when, MARGIN, y, inner, 5, BODY + 1, 6))
            y += 6
            add(
                fit_text(
                    "ship_from", c.get("ship_from"), MARGIN, y, inner / 2, 4, BODY, 5, bold=True
                )
            )
            add(fit_text("ship_from", list(doc.ship_from), MARGIN, y + 4, inner, 25, BODY + 1, 5.5))
            y = first_header - 8
        else:
            y = next_header - 8
        heads = (
            c.get("line_no"),
            c.get("order"),
            c.get("sscc"),
            c.get("tracking"),
            c.get("service"),
            c.get("ship_to"),
            c.get("units"),
            c.get("weight_kg"),
        )
        for i, head in enumerate(heads):
            align = "right" if i in RIGHT else "left"
            add(
                fit_text(
                    "cartons",
                    head,
                    xs[i],
                    y + 1,
                    widths[i] - 1.5,
                    5,
                    BODY,
                    5,
                    bold=True,
                    align=align,
                )
            )
        y += 6.5
        add(Rule(MARGIN, y, inner, 0.4))
        y += 1
        for i in indices:
            for text in rows[i]:
                add(Text(text.x, y, text.width, text.lines, text.size, text.bold, text.align))
            y += max(t.height for t in rows[i]) + 1.5
            add(Rule(MARGIN, y - 0.75, inner, 0.1))
        if n == total - 1:
            totals = c.get(
                "manifest_totals",
                cartons=len(doc.cartons),
                units=doc.units,
                kg=f"{doc.weight_kg:.2f}",
            )
            add(Rule(MARGIN, y + 0.5, inner, 0.4))
            add(fit_text("cartons", totals, MARGIN, y + 2, inner, 6, BODY + 2, 6, bold=True))
            sign_y = y + 22
            third = inner / 3
            for k, key in enumerate(("driver_signature", "signed_at", "shipper_signature")):
                x = MARGIN + k * third
                add(Rule(x, sign_y, third - 6, 0.3))
                add(fit_text(key, c.get(key), x, sign_y + 1, third - 6, 4, BODY - 1, 5))
        elif indices:
            add(
                fit_text(
                    "cartons",
                    c.get("continued"),
                    MARGIN,
                    height - MARGIN - 5,
                    inner / 2,
                    5,
                    BODY - 1,
                    5,
                )
            )
        add(
            fit_text(
                "page",
                c.get("page", n=n + 1, m=total),
                MARGIN + inner / 2,
                height - MARGIN - 5,
                inner / 2,
                5,
                BODY - 1,
                5,
                align="right",
            )
        )
        pages.append(page)
    return pages
