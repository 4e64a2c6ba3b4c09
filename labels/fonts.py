"""The DejaVu Sans fonts shipped in labels/fonts/, registered with reportlab once.

They cover Latin with diacritics, Greek and Cyrillic, so addresses in French or Serbian
print as written on any machine, with or without system fonts. They are registered as
`FixedSubsetTTFont` (labels/subsets.py): the embedded subsets are built once per process.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


@cache
def register() -> None:
    from reportlab.pdfbase import pdfmetrics

    from labels.subsets import FixedSubsetTTFont

    for name in (REGULAR, BOLD):
        pdfmetrics.registerFont(FixedSubsetTTFont(name, str(FONT_DIR / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)


def font_name(bold: bool) -> str:
    return BOLD if bold else REGULAR


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of `text` in points at `size` points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register()
    return stringWidth(text, font_name(bold), size)
