"""Location labels: a sheet (A4, Letter) of rack labels, or one per thermal label.

Each rack label has the location barcode, the code in large type and the check digit the
operator reads out (or scans) to prove they stand at the bin.
"""

from __future__ import annotations

import math

from labels.captions import Captions
from labels.layout import Frame, Page, barcode, fit_text
from labels.model import LocationLabel, LocationSheet

CELL_W, CELL_H = 96.0, 38.0
SHEET_MARGIN = 8.0


def cell(
    label: LocationLabel,
    prefix: str,
    x: float,
    y: float,
    w: float,
    h: float,
    c: Captions,
    page: Page,
) -> None:
    add = page.add
    check_w = w * 0.24
    main_w = w - check_w - 3
    add(barcode(f"{prefix}code", label.code, x + 1, y + 2, main_w, h * 0.42, module=0.45))
    add(
        fit_text(
            f"{prefix}code",
            label.code,
            x + 2,
            y + 3 + h * 0.42,
            main_w,
            h * 0.34,
            30,
            10,
            bold=True,
            align="center",
        )
    )
    if label.description:
        add(
            fit_text(
                f"{prefix}description",
                label.description,
                x + 2,
                y + h * 0.84,
                main_w,
                h * 0.13,
                8,
                5,
                align="center",
            )
        )
    bx = x + w - check_w - 1.5
    add(Frame(bx, y + 2.5, check_w, h - 5, 0.5))
    add(
        fit_text(
            f"{prefix}check_digit",
            c.get("check_digit"),
            bx,
            y + 4,
            check_w,
            3.5,
            7,
            5,
            align="center",
        )
    )
    add(
        fit_text(
            f"{prefix}check_digit",
            label.check_digit,
            bx + 1,
            y + 9,
            check_w - 2,
            h - 14,
            40,
            12,
            bold=True,
            align="center",
        )
    )


def layout(sheet: LocationSheet, width: float, height: float, c: Captions) -> list[Page]:
    if width < CELL_W + 2 * SHEET_MARGIN:
        pages = []
        for i, label in enumerate(sheet.locations):
            page = Page(width, height)
            cell(label, f"locations[{i}].", 1, 1, width - 2, height - 2, c, page)
            pages.append(page)
        return pages
    top = SHEET_MARGIN + (8 if sheet.title else 0)
    cols = int((width - 2 * SHEET_MARGIN) // CELL_W)
    rows = int((height - top - SHEET_MARGIN) // CELL_H)
    cell_w = (width - 2 * SHEET_MARGIN) / cols
    per_page = cols * rows
    count = math.ceil(len(sheet.locations) / per_page)
    pages = []
    for n in range(count):
        page = Page(width, height)
        if sheet.title:
            text = f"{sheet.title} · {c.get('page', n=n + 1, m=count)}"
            page.add(
                fit_text(
                    "title", text, SHEET_MARGIN, SHEET_MARGIN, width - 2 * SHEET_MARGIN, 6, 10, 6
                )
            )
        for k, label in enumerate(sheet.locations[n * per_page : (n + 1) * per_page]):
            i = n * per_page + k
            x = SHEET_MARGIN + (k % cols) * cell_w
            y = top + (k // cols) * CELL_H
            page.add(Frame(x, y, cell_w, CELL_H, 0.2))
            cell(label, f"locations[{i}].", x, y, cell_w, CELL_H, c, page)
        pages.append(page)
    return pages
