"""TrueType embedding with fixed glyph subsets, built and compressed once per process.

reportlab's `TTFont` builds new subsets for every document: the characters are numbered in
the order the document first uses them, and at save the subset fonts are cut out of the
TTF, compressed and written with their widths and ToUnicode maps. That is about 7 ms a
document for two fonts, more than the drawing of a label.

`FixedSubsetTTFont` numbers characters the same way in every document instead:

- subset 0: ASCII and Latin-1 at their own codes, the Windows-1252 extras at 0x80-0x9F and
  a few label characters (No, superscript e, arrows, ...) at 1-31: English, French and the
  other Western European languages. It is embedded in every PDF.
- subset 1: Latin Extended-A (Central European, Serbian Latin, Romanian ș ț); embedded
  when used.
- subset 2: Cyrillic U+0400-U+045F and Ґ ґ (Serbian, Russian, Ukrainian, ...); embedded
  when used.
- subsets 3 and up: any other character the font has, numbered per document in the order
  used, as reportlab does (those subsets are built for the document; the last few built are
  reused when the same characters come again).

A subset's PDF objects (the compressed font program, the widths, the compressed ToUnicode
map) are the same bytes in every document, so they are made once and reused. Every PDF
still embeds the subsets it uses and renders on a machine without the fonts; the price is
size: the fixed subsets hold all their glyphs, about 30 KB per font for subset 0 and 16 KB
for each further subset used.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from weakref import WeakKeyDictionary

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import (
    FF_NONSYMBOLIC,
    FF_SYMBOLIC,
    SUBSETN,
    TTFont,
    makeToUnicodeCMap,
)

SPACE = 32
NBSP = 0xA0
# Windows-1252 0x80-0x9F, so subset 0 carries what cp1252 carries (0 = unused code).
CP1252_EXTRAS = (
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
)  # fmt: skip
# Codes 1-31 of subset 0: characters seen on labels outside cp1252.
LABEL_EXTRAS = (
    0x2116, 0x1D49, 0x02B3, 0x2010, 0x2011, 0x2212, 0x2032, 0x2033,
    0x2190, 0x2191, 0x2192, 0x2193, 0x2264, 0x2265, 0x2248, 0x2260,
    0x2713, 0x2717, 0x25CF, 0x25A0,
)  # fmt: skip
LATIN_EXTENDED = (*range(0x0100, 0x0180), 0x0218, 0x0219, 0x021A, 0x021B)
CYRILLIC = (*range(0x0400, 0x0460), 0x0490, 0x0491)


def _fixed_subsets(has_glyph: set[int]) -> list[list[int]]:
    """The three fixed subsets as lists of code points by code (0 = .notdef / unused)."""
    first = [0] * 256
    for code in (*range(SPACE, 127), *range(0xA1, 0x100)):
        first[code] = code
    for i, cp in enumerate(CP1252_EXTRAS):
        first[0x80 + i] = cp
    for i, cp in enumerate(LABEL_EXTRAS, start=1):
        first[i] = cp
    subsets = [first]
    taken = set(first)
    for block in (LATIN_EXTENDED, CYRILLIC):
        subset = [0]
        for cp in block:
            if cp in taken:
                continue
            if len(subset) == SPACE:
                subset.append(SPACE)
            subset.append(cp)
        subsets.append(subset)
        taken.update(subset)
    return [[cp if cp in has_glyph else 0 for cp in s] for s in subsets]


class _Preformatted(pdfdoc.PDFObject):
    """A direct PDF object already serialised (a widths array: numbers only)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def format(self, document: Any) -> bytes:
        return self.data


def _deflated_stream(deflated: bytes, **entries: object) -> pdfdoc.PDFStream:
    """A stream whose content is already FlateDecode-compressed (reportlab then skips it)."""
    dictionary = pdfdoc.PDFDictionary(
        {"Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")]), **entries}
    )
    return pdfdoc.PDFStream(dictionary, deflated)


@dataclass(frozen=True)
class SubsetObjects:
    """A subset's document-independent parts, serialised and compressed once."""

    base_font: str
    widths: bytes
    to_unicode: bytes
    font_program: bytes
    font_program_length: int


class _DocState:
    """What one document used: which subsets, and its own numbering beyond the fixed ones."""

    __slots__ = ("assignments", "internal_name", "overflow", "used")

    def __init__(self) -> None:
        self.used: set[int] = set()
        self.assignments: dict[int, int] = {}
        self.overflow: list[list[int]] = []
        self.internal_name: str | None = None


class FixedSubsetTTFont(TTFont):
    """A `TTFont` whose subsets are the same in every document, built once and reused."""

    FIXED = 3

    def __init__(self, name: str, filename: str) -> None:
        super().__init__(name, filename)
        self._docs: WeakKeyDictionary[Any, _DocState] = WeakKeyDictionary()
        has_glyph = set(self.face.charToGlyph)
        self._fixed = _fixed_subsets(has_glyph)
        self._codes: dict[int, int] = {}
        for index, subset in enumerate(self._fixed):
            for code, cp in enumerate(subset):
                if cp and cp not in self._codes:
                    self._codes[cp] = index << 8 | code
        self._codes[NBSP] = SPACE  # as reportlab: a no-break space prints as a space
        self._has_glyph = has_glyph
        self._objects = lru_cache(maxsize=32)(self._make_objects)

    def _state(self, doc: Any) -> _DocState:
        state = self._docs.get(doc)
        if state is None:
            state = self._docs[doc] = _DocState()
        return state

    def _overflow_code(self, state: _DocState, cp: int) -> int:
        n = state.assignments.get(cp)
        if n is not None:
            return n
        if not state.overflow or len(state.overflow[-1]) == 256:
            state.overflow.append([0])
        subset = state.overflow[-1]
        if len(subset) == SPACE:
            subset.append(SPACE)
        n = (self.FIXED + len(state.overflow) - 1) << 8 | len(subset)
        subset.append(cp)
        state.assignments[cp] = n
        return n

    def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> list:
        """Text as (subset, codes) runs; same interface as `TTFont.splitString`."""
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        state = self._state(doc)
        codes = self._codes
        results: list[tuple[int, bytes]] = []
        current = -1
        run: list[int] = []
        for cp in map(ord, text):
            n = codes.get(cp)
            if n is None:
                n = self._overflow_code(state, cp) if cp in self._has_glyph else 0
            subset = n >> 8
            if subset != current:
                if run:
                    results.append((current, bytes(run)))
                current = subset
                run = []
                state.used.add(subset)
            run.append(n & 0xFF)
        if run:
            results.append((current, bytes(run)))
        return results

    def getSubsetInternalName(self, subset: int, doc: Any) -> str:
        state = self._state(doc)
        if subset < 0 or subset >= self.FIXED + len(state.overflow):
            raise IndexError(f"Subset {subset} does not exist in font {self.fontName}")
        if state.internal_name is None:
            state.internal_name = f"F{len(doc.fontMapping) + 1}"
            doc.fontMapping[self.fontName] = "/" + state.internal_name
            doc.delayedFonts.append(self)
        return f"/{state.internal_name}+{subset}"

    def _make_objects(self, index: int, subset: tuple[int, ...]) -> SubsetObjects:
        face = self.face
        base_font = (SUBSETN(index) + b"+" + face.name + face.subfontNameX).decode("pdfdoc")
        widths = pdfdoc.PDFArray([face.getCharWidth(cp) for cp in subset]).format(None)
        cmap = makeToUnicodeCMap(base_font, list(subset)).encode("latin-1")
        program = face.makeSubset(list(subset))
        return SubsetObjects(
            base_font, widths, zlib.compress(cmap), zlib.compress(program), len(program)
        )

    def addObjects(self, doc: Any) -> None:
        """Add the font dictionaries of the subsets this document used (reportlab calls it)."""
        state = self._state(doc)
        subsets = [*self._fixed, *state.overflow]
        font_dict = doc.idToObject["BasicFonts"].dict
        face = self.face
        flags = (face.flags & ~FF_NONSYMBOLIC) | FF_SYMBOLIC
        for index in sorted(state.used):
            objects = self._objects(index, tuple(subsets[index]))
            name = f"{state.internal_name}+{index}"
            program = _deflated_stream(objects.font_program, Length1=objects.font_program_length)
            descriptor = pdfdoc.PDFDictionary(
                {
                    "Type": "/FontDescriptor",
                    "Ascent": face.ascent,
                    "CapHeight": face.capHeight,
                    "Descent": face.descent,
                    "Flags": flags,
                    "FontBBox": pdfdoc.PDFArray(face.bbox),
                    "FontName": pdfdoc.PDFName(objects.base_font),
                    "ItalicAngle": face.italicAngle,
                    "StemV": face.stemV,
                    "FontFile2": doc.Reference(program, f"fontFile:{objects.base_font}:{name}"),
                    "MissingWidth": face.defaultWidth,
                }
            )
            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = f"Font {self.fontName} subset {index}"
            font.Name = name
            font.BaseFont = objects.base_font
            font.FirstChar = 0
            font.LastChar = len(subsets[index]) - 1
            font.Widths = _Preformatted(objects.widths)
            font.ToUnicode = doc.Reference(
                _deflated_stream(objects.to_unicode), f"toUnicodeCMap:{name}"
            )
            font.FontDescriptor = doc.Reference(descriptor, f"fontDescriptor:{name}")
            doc.Reference(font, name)
            font_dict[name] = font
