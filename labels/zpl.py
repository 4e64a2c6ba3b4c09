"""ZPL II renderer for thermal printers: the same laid-out pages, one ^XA...^XZ per page.

Text is UTF-8 (^CI28) in the scalable font 0 and escaped with ^FH; Code 128 is written
with explicit invocation codes (>; start C, >: start B, >8 FNC1, >5/>6 subset switches),
so GS1-128 carries exactly the FNC1 characters of the PDF barcode.
"""

from __future__ import annotations

from collections.abc import Iterable

from labels.code128 import plan
from labels.ean13 import Ean13Symbols
from labels.errors import LabelDataError
from labels.layout import PT, Bar, Frame, Grid2D, Page, Qr, Rule, Text

_ALIGN = {"left": "L", "center": "C", "right": "R"}
_B_ESCAPES = {"^": "><", ">": ">0", "~": ">="}


def _escape_text(text: str) -> str:
    return "".join(f"\\{ord(ch):02X}" if ch in "\\^~" else ch for ch in text)


def code128_field(data: str) -> str:
    """^BC field data with explicit start, subset and FNC1 invocation codes."""
    runs = plan(data)
    first = next((kind for kind, _ in runs if kind != "F"), "B")
    out = [">;" if first == "C" else ">:"]
    subset = first
    for kind, chunk in runs:
        if kind == "F":
            out.append(">8")
            continue
        if kind != subset:
            out.append(">5" if kind == "C" else ">6")
            subset = kind
        out.append(chunk if kind == "C" else "".join(_B_ESCAPES.get(ch, ch) for ch in chunk))
    return "".join(out)


class _Dots:
    def __init__(self, dpi: int) -> None:
        self.per_mm = dpi / 25.4

    def __call__(self, value_mm: float) -> int:
        return max(0, round(value_mm * self.per_mm))


def _page(page: Page, d: _Dots) -> str:
    out = ["^XA", "^CI28", f"^PW{d(page.width)}", f"^LL{d(page.height)}", "^LH0,0"]
    for el in page.elements:
        if isinstance(el, Text):
            h = max(10, d(el.size * PT))
            step = el.size * PT * 1.18
            for i, line in enumerate(el.lines):
                y = d(el.y + i * step)
                out.append(
                    f"^FO{d(el.x)},{y}^A0N,{h},{h}^FB{d(el.width)},1,0,{_ALIGN[el.align]}"
                    f"^FH\\^FD{_escape_text(line)}^FS"
                )
        elif isinstance(el, Bar) and isinstance(el.symbols, Ean13Symbols):
            module = max(1, int(el.module * d.per_mm))
            left = el.x + (el.width - 95 * module / d.per_mm) / 2
            out.append(
                f"^FO{d(left)},{d(el.y)}^BY{module}^BEN,{d(el.height)},N,N^FD{el.data[:12]}^FS"
            )
        elif isinstance(el, Grid2D):
            raise LabelDataError("barcodes", "a Data Matrix is drawn in PDF only")
        elif isinstance(el, Bar):
            module = max(1, int(el.module * d.per_mm))
            width_mm = el.symbols.modules * module / d.per_mm
            left = el.x + (el.width - width_mm) / 2
            out.append(
                f"^FO{d(left)},{d(el.y)}^BY{module},3,{d(el.height)}"
                f"^BCN,{d(el.height)},N,N,N,N^FD{code128_field(el.data)}^FS"
            )
        elif isinstance(el, Qr):
            mag = max(1, min(10, d(el.size) // 33))
            out.append(f"^FO{d(el.x)},{d(el.y)}^BQN,2,{mag}^FDMA,{el.data}^FS")
        elif isinstance(el, Rule):
            t = max(1, d(el.thickness))
            out.append(f"^FO{d(el.x)},{d(el.y)}^GB{d(el.width)},{t},{t}^FS")
        elif isinstance(el, Frame):
            t = max(1, d(el.thickness))
            out.append(f"^FO{d(el.x)},{d(el.y)}^GB{d(el.width)},{d(el.height)},{t}^FS")
    out.append("^XZ")
    return "\n".join(out) + "\n"


def zpl_text(pages: Iterable[Page], dpi: int = 203) -> str:
    dots = _Dots(dpi)
    return "".join(_page(page, dots) for page in pages)
