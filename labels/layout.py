"""Page layout shared by the PDF and ZPL renderers: pages of positioned elements in mm.

Templates build `Page`s of `Text`, `Bar`code, `Qr`, `Rule` and `Frame` elements (origin at
the top left, y downwards). Text is fitted here, with the DejaVu metrics: it wraps at word
boundaries and shrinks down to a minimum size; text that still does not fit raises
`LabelDataError`, so nothing is ever cut silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from labels import gs1
from labels.code128 import QUIET_MODULES, Code128Error, Symbols, encode
from labels.datamatrix import Matrix
from labels.ean13 import Ean13Symbols
from labels.errors import LabelDataError
from labels.fonts import text_width

PT = 25.4 / 72  # mm per point
LEADING = 1.18

PAGE_SIZES: dict[str, tuple[float, float]] = {
    "4x6": (101.6, 152.4),
    "a6": (105.0, 148.0),
    "4x2": (101.6, 50.8),
    "a4": (210.0, 297.0),
    "letter": (215.9, 279.4),
}

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    width: float
    lines: tuple[str, ...]
    size: float  # points
    bold: bool = False
    align: Align = "left"

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING * PT


@dataclass(frozen=True)
class Bar:
    """A Code 128 (or EAN-13) barcode centred in the box (x, width); module width in mm."""

    x: float
    y: float
    width: float
    height: float
    data: str
    symbols: Symbols | Ean13Symbols
    module: float

    @property
    def bar_width(self) -> float:
        return self.symbols.modules * self.module

    @property
    def left(self) -> float:
        return self.x + (self.width - self.bar_width) / 2


@dataclass(frozen=True)
class Qr:
    x: float
    y: float
    size: float
    data: str


@dataclass(frozen=True)
class Grid2D:
    """A Data Matrix: its modules drawn `module` mm wide from (x, y)."""

    x: float
    y: float
    module: float
    matrix: Matrix
    data: str

    @property
    def size(self) -> float:
        return self.matrix.size * self.module


@dataclass(frozen=True)
class Rule:
    x: float
    y: float
    width: float
    thickness: float = 0.5


@dataclass(frozen=True)
class Frame:
    x: float
    y: float
    width: float
    height: float
    thickness: float = 0.5


Element = Text | Bar | Qr | Grid2D | Rule | Frame


@dataclass
class Page:
    width: float
    height: float
    elements: list[Element] = field(default_factory=list)

    def add(self, element: Element) -> Element:
        self.elements.append(element)
        return element


def page_size(name: str, allowed: tuple[str, ...], field_name: str = "size") -> tuple[float, float]:
    if name not in allowed:
        raise LabelDataError(field_name, f"expected one of {', '.join(allowed)}, got {name!r}")
    return PAGE_SIZES[name]


def _wrap_line(line: str, size: float, bold: bool, width_pt: float) -> list[str]:
    words = line.split()
    out: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold) <= width_pt:
            current = candidate
            continue
        if current:
            out.append(current)
        current = ""
        while text_width(word, size, bold) > width_pt:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], size, bold) > width_pt:
                cut -= 1
            out.append(word[:cut])
            word = word[cut:]
        current = word
    if current or not out:
        out.append(current)
    return out


def fit_text(
    field_name: str,
    lines: list[str] | str,
    x: float,
    y: float,
    width: float,
    height: float,
    size: float,
    min_size: float = 6.0,
    bold: bool = False,
    align: Align = "left",
) -> Text:
    """Text wrapped and shrunk to fit the box; LabelDataError names the field if it cannot."""
    given = [lines] if isinstance(lines, str) else list(lines)
    width_pt = width / PT
    current = size
    while current >= min_size - 1e-9:
        wrapped = [w for line in given for w in _wrap_line(line, current, bold, width_pt)]
        if len(wrapped) * current * LEADING * PT <= height + 1e-6:
            return Text(x, y, width, tuple(wrapped), current, bold, align)
        current = round(current - 0.5, 2)
    raise LabelDataError(
        field_name, f"too long to fit its space on the label even at {min_size:g} pt"
    )


def barcode(
    field_name: str,
    data: str,
    x: float,
    y: float,
    width: float,
    height: float,
    module: float = 0.5,
    min_module: float = 0.25,
) -> Bar:
    """A Code 128 barcode as wide as fits (with quiet zones), at most `module` mm per module."""
    try:
        symbols = encode(data)
    except Code128Error as exc:
        raise LabelDataError(field_name, f"cannot be a barcode: {exc}") from None
    fitting = width / (symbols.modules + 2 * QUIET_MODULES)
    chosen = min(module, fitting)
    if chosen < min_module:
        raise LabelDataError(
            field_name, f"too long for one barcode here ({symbols.modules} modules)"
        )
    return Bar(x, y, width, height, data, symbols, chosen)


def gs1_barcode(
    field_name: str,
    elements: list[tuple[str, str]],
    x: float,
    y: float,
    width: float,
    height: float,
    module: float = 0.5,
    min_module: float = 0.25,
) -> Bar:
    data = gs1.barcode_data(elements, field_name)
    return barcode(field_name, data, x, y, width, height, module, min_module)
