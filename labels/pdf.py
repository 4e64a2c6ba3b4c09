"""PDF renderer: draws laid-out pages with reportlab and the embedded DejaVu fonts."""

from __future__ import annotations

import io
from collections.abc import Iterable

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from labels import fonts
from labels.layout import LEADING, PT, Bar, Frame, Grid2D, Page, Qr, Rule, Text

ASCENT = 0.93  # DejaVu Sans ascent, in em


def _text(c: Canvas, page_h: float, t: Text) -> None:
    c.setFont(fonts.font_name(t.bold), t.size)
    for i, line in enumerate(t.lines):
        baseline = t.y + t.size * PT * (ASCENT + i * LEADING)
        y = (page_h - baseline) * mm
        if t.align == "center":
            c.drawCentredString((t.x + t.width / 2) * mm, y, line)
        elif t.align == "right":
            c.drawRightString((t.x + t.width) * mm, y, line)
        else:
            c.drawString(t.x * mm, y, line)


def _bars(c: Canvas, page_h: float, b: Bar) -> None:
    path = c.beginPath()
    bottom = (page_h - b.y - b.height) * mm
    for offset, width in b.symbols.bars():
        path.rect((b.left + offset * b.module) * mm, bottom, width * b.module * mm, b.height * mm)
    c.drawPath(path, stroke=0, fill=1)


def _qr(c: Canvas, page_h: float, q: Qr) -> None:
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.renderPDF import draw
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(q.data, barLevel="M")
    widget.barWidth = widget.barHeight = q.size * mm
    drawing = Drawing(q.size * mm, q.size * mm)
    drawing.add(widget)
    draw(drawing, c, q.x * mm, (page_h - q.y - q.size) * mm)


def _grid(c: Canvas, page_h: float, g: Grid2D) -> None:
    path = c.beginPath()
    for r, row in enumerate(g.matrix.rows):
        for col, dark in enumerate(row):
            if dark:
                x = (g.x + col * g.module) * mm
                y = (page_h - g.y - (r + 1) * g.module) * mm
                path.rect(x, y, g.module * mm, g.module * mm)
    c.drawPath(path, stroke=0, fill=1)


def draw_page(c: Canvas, page: Page) -> None:
    c.setPageSize((page.width * mm, page.height * mm))
    h = page.height
    for el in page.elements:
        if isinstance(el, Text):
            _text(c, h, el)
        elif isinstance(el, Bar):
            _bars(c, h, el)
        elif isinstance(el, Qr):
            _qr(c, h, el)
        elif isinstance(el, Grid2D):
            _grid(c, h, el)
        elif isinstance(el, Rule):
            c.setLineWidth(el.thickness * mm)
            y = (h - el.y) * mm
            c.line(el.x * mm, y, (el.x + el.width) * mm, y)
        elif isinstance(el, Frame):
            c.setLineWidth(el.thickness * mm)
            c.rect(el.x * mm, (h - el.y - el.height) * mm, el.width * mm, el.height * mm)
    c.showPage()


def new_canvas(target: io.BytesIO | str, title: str = "") -> Canvas:
    fonts.register()
    c = Canvas(target, invariant=1, pageCompression=1, initialFontName=fonts.REGULAR)
    c.setTitle(title)
    c.setCreator("floor labels")
    return c


def pdf_bytes(pages: Iterable[Page], title: str = "") -> bytes:
    buf = io.BytesIO()
    c = new_canvas(buf, title)
    for page in pages:
        draw_page(c, page)
    c.save()
    return buf.getvalue()
