"""Code 128 encoding (subsets B and C, FNC1) shared by the PDF and ZPL renderers.

`encode()` turns text into symbol values; FNC1 is the character `FNC1` ("\\xf1", as in
reportlab). Both renderers draw the same symbols, so a label is the same barcode on paper
and on a thermal printer.
"""

from __future__ import annotations

from dataclasses import dataclass

FNC1 = "\xf1"
START_B, START_C, CODE_B, CODE_C, FNC1_VALUE, STOP = 104, 105, 100, 99, 102, 106
QUIET_MODULES = 10

# Bar and space widths of each symbol value, bar first (ISO/IEC 15417).
PATTERNS = [
    "212222",
    "222122",
    "222221",
    "121223",
    "121322",
    "131222",
    "122213",
    "122312",
    "132212",
    "221213",
    "221312",
    "231212",
    "112232",
    "122132",
    "122231",
    "113222",
    "123122",
    "123221",
    "223211",
    "221132",
    "221231",
    "213212",
    "223112",
    "312131",
    "311222",
    "321122",
    "321221",
    "312212",
    "322112",
    "322211",
    "212123",
    "212321",
    "232121",
    "111323",
    "131123",
    "131321",
    "112313",
    "132113",
    "132311",
    "211313",
    "231113",
    "231311",
    "112133",
    "112331",
    "132131",
    "113123",
    "113321",
    "133121",
    "313121",
    "211331",
    "231131",
    "213113",
    "213311",
    "213131",
    "311123",
    "311321",
    "331121",
    "312113",
    "312311",
    "332111",
    "314111",
    "221411",
    "431111",
    "111224",
    "111422",
    "121124",
    "121421",
    "141122",
    "141221",
    "112214",
    "112412",
    "122114",
    "122411",
    "142112",
    "142211",
    "241211",
    "221114",
    "413111",
    "241112",
    "134111",
    "111242",
    "121142",
    "121241",
    "114212",
    "124112",
    "124211",
    "411212",
    "421112",
    "421211",
    "212141",
    "214121",
    "412121",
    "111143",
    "111341",
    "131141",
    "114113",
    "114311",
    "411113",
    "411311",
    "113141",
    "114131",
    "311141",
    "411131",
    "211412",
    "211214",
    "211232",
    "2331112",
]


class Code128Error(ValueError):
    """The text holds a character Code 128 subsets B and C cannot carry."""


@dataclass(frozen=True)
class Symbols:
    """Encoded barcode: symbol values from start code to stop code, check included."""

    values: tuple[int, ...]

    @property
    def modules(self) -> int:
        """Width in modules without quiet zones (11 per symbol, 13 for stop)."""
        return 11 * (len(self.values) - 1) + 13

    def bars(self) -> list[tuple[int, int]]:
        """(offset, width) of every bar, in modules from the left edge of the first bar."""
        out: list[tuple[int, int]] = []
        x = 0
        for value in self.values:
            for i, width in enumerate(PATTERNS[value]):
                w = int(width)
                if i % 2 == 0:
                    out.append((x, w))
                x += w
        return out


def _digit_run(text: str, i: int) -> int:
    n = 0
    while i + n < len(text) and text[i + n].isascii() and text[i + n].isdigit():
        n += 1
    return n


def _value_b(ch: str) -> int:
    code = ord(ch)
    if 32 <= code <= 126:
        return code - 32
    raise Code128Error(f"character {ch!r} cannot be encoded in Code 128")


def plan(text: str) -> list[tuple[str, str]]:
    """The text split into runs of ("C", digits) / ("B", text) / ("F", FNC1), in order."""
    if not text:
        raise Code128Error("nothing to encode")
    runs: list[tuple[str, str]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == FNC1:
            runs.append(("F", ch))
            i += 1
            continue
        n = _digit_run(text, i)
        at_start = not any(kind != "F" for kind, _ in runs)
        whole = i + n == len(text) or text[i + n] == FNC1
        if n >= 4 or (n >= 2 and n % 2 == 0 and at_start and whole):
            if n % 2:
                runs.append(("B", ch))
                i += 1
                n -= 1
            runs.append(("C", text[i : i + n]))
            i += n
            continue
        _value_b(ch)
        if runs and runs[-1][0] == "B":
            runs[-1] = ("B", runs[-1][1] + ch)
        else:
            runs.append(("B", ch))
        i += 1
    return runs


def encode(text: str) -> Symbols:
    """Symbol values for `text`, switching between subsets B and C where it saves width."""
    runs = plan(text)
    first = next((kind for kind, _ in runs if kind != "F"), "B")
    values = [START_C if first == "C" else START_B]
    subset = first
    for kind, chunk in runs:
        if kind == "F":
            values.append(FNC1_VALUE)
            continue
        if kind != subset:
            values.append(CODE_C if kind == "C" else CODE_B)
            subset = kind
        if kind == "C":
            values.extend(int(chunk[j : j + 2]) for j in range(0, len(chunk), 2))
        else:
            values.extend(_value_b(ch) for ch in chunk)
    check = (values[0] + sum(i * v for i, v in enumerate(values[1:], start=1))) % 103
    values.extend((check, STOP))
    return Symbols(tuple(values))
