"""Packing slip (A4, Letter, or 4x6 on a thermal printer): order, lines, page n of m.

Rows grow with wrapped descriptions; pages break between rows, each page repeats the order
reference, its barcode and the column headings, and says "Page n of m".
"""

from __future__ import annotations

from labels.captions import Captions
from labels.layout import Page, Rule, Text, barcode, fit_text
from labels.model import PackingSlip

BODY_PT = 9.0


def _columns(inner: float) -> tuple[float, float, float, float]:
    qty = max(14.0, inner * 0.11)
    sku = inner * 0.24
    return sku, inner - sku - 2 * qty, qty, qty


def layout(slip: PackingSlip, width: float, height: float, c: Captions) -> list[Page]:
    margin = 12.0 if width > 150 else 4.0
    small = width < 150
    body = 7.0 if small else BODY_PT
    inner = width - 2 * margin
    sku_w, desc_w, ord_w, ship_w = _columns(inner)
    rows: list[tuple[Text, Text, str, str]] = []
    for i, line in enumerate(slip.lines):
        sku = fit_text(f"lines[{i}].sku", line.sku, 0, 0, sku_w - 2, 10_000, body, body)
        desc = fit_text(
            f"lines[{i}].description", line.description or "-", 0, 0, desc_w - 2, 10_000, body, body
        )
        ordered = "" if line.quantity_ordered is None else str(line.quantity_ordered)
        rows.append((sku, desc, ordered, str(line.quantity)))
    first_header = 62.0 if small else 78.0
    next_header = 24.0 if small else 32.0
    footer = 8.0
    pages_rows: list[list[int]] = [[]]
    y = first_header
    limit = height - margin - footer
    for i, (sku, desc, _o, _s) in enumerate(rows):
        row_h = max(sku.height, desc.height) + 1.5
        if row_h > limit - next_header:
            raise _too_tall(i)
        if y + row_h > limit and pages_rows[-1]:
            pages_rows.append([])
            y = next_header
        pages_rows[-1].append(i)
        y += row_h
    notes = None
    if slip.notes:
        notes = fit_text("notes", f"{c.get('notes')}: {slip.notes}", 0, 0, inner, 40, body, 6)
        if y + notes.height + 2 > limit:
            pages_rows.append([])
    total = len(pages_rows)
    pages: list[Page] = []
    for n, indices in enumerate(pages_rows):
        page = Page(width, height)
        add = page.add
        bar_w = inner * (0.58 if small else 0.4)
        add(
            fit_text(
                "title",
                c.get("packing_slip"),
                margin,
                margin,
                inner - bar_w,
                8,
                16 if not small else 11,
                8,
                bold=True,
            )
        )
        add(
            fit_text(
                "order_reference",
                f"{c.get('order')} {slip.order_reference}",
                margin,
                margin + 8,
                inner - bar_w,
                6,
                11,
                6,
                bold=True,
            )
        )
        add(
            barcode(
                "order_reference",
                slip.order_reference,
                margin + inner - bar_w,
                margin,
                bar_w,
                11 if not small else 8,
                0.4,
            )
        )
        y = margin + 15
        if n == 0:
            add(
                fit_text(
                    "order_date",
                    f"{c.get('order_date')}: {slip.order_date.isoformat()}",
                    margin,
                    y,
                    inner / 2,
                    5,
                    body,
                    6,
                )
            )
            carrier = " ".join(p for p in (slip.carrier, slip.service) if p)
            if carrier:
                add(
                    fit_text(
                        "carrier",
                        carrier,
                        margin + inner / 2,
                        y,
                        inner / 2,
                        5,
                        body,
                        6,
                        align="right",
                    )
                )
            y += 6
            half = inner / 2
            box_h = first_header - y - 10
            add(
                fit_text(
                    "ship_from", c.get("ship_from"), margin, y, half, 4, body - 1, 5, bold=True
                )
            )
            add(
                fit_text(
                    "ship_from",
                    slip.ship_from.lines(),
                    margin,
                    y + 4,
                    half - 3,
                    box_h - 4,
                    body + 1,
                    5.5,
                )
            )
            add(
                fit_text(
                    "ship_to", c.get("ship_to"), margin + half, y, half, 4, body - 1, 5, bold=True
                )
            )
            add(
                fit_text(
                    "ship_to",
                    slip.ship_to.lines(),
                    margin + half,
                    y + 4,
                    half,
                    box_h - 4,
                    body + 3,
                    5.5,
                    bold=True,
                )
            )
            y = first_header - 8
        else:
            y = next_header - 8
        xs = (margin, margin + sku_w, margin + sku_w + desc_w, margin + sku_w + desc_w + ord_w)
        heads = (
            c.get("line_sku"),
            c.get("line_description"),
            c.get("line_ordered"),
            c.get("line_shipped"),
        )
        widths = (sku_w, desc_w, ord_w, ship_w)
        for x, head, w, align in zip(
            xs, heads, widths, ("left", "left", "right", "right"), strict=True
        ):
            add(fit_text("lines", head, x, y + 1, w - 1, 5, body, 5, bold=True, align=align))
        y += 6.5
        add(Rule(margin, y, inner, 0.4))
        y += 1
        for i in indices:
            sku, desc, ordered, shipped = rows[i]
            add(Text(xs[0], y, sku.width, sku.lines, sku.size))
            add(Text(xs[1], y, desc.width, desc.lines, desc.size))
            add(Text(xs[2], y, ord_w - 1, (ordered,), body, align="right"))
            add(Text(xs[3], y, ship_w - 1, (shipped,), body, bold=True, align="right"))
            y += max(sku.height, desc.height) + 1.5
            add(Rule(margin, y - 0.75, inner, 0.1))
        if notes is not None and n == total - 1:
            add(Text(margin, y + 2, inner, notes.lines, notes.size))
        if n < total - 1:
            add(
                fit_text(
                    "lines",
                    c.get("continued"),
                    margin,
                    height - margin - 5,
                    inner / 2,
                    5,
                    body - 1,
                    5,
                )
            )
        page_text = c.get("page", n=n + 1, m=total)
        add(
            fit_text(
                "page",
                page_text,
                margin + inner / 2,
                height - margin - 5,
                inner / 2,
                5,
                body - 1,
                5,
                align="right",
            )
        )
        pages.append(page)
    return pages


def _too_tall(i: int) -> Exception:
    from labels.errors import LabelDataError

    return LabelDataError(f"lines[{i}].description", "too long to fit on one page")
