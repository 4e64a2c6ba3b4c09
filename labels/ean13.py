"""EAN-13 bars: 13 digits (the last the check digit) in, the bars of the 95-module symbol out."""

from __future__ import annotations

from dataclasses import dataclass

from labels import gs1

_L = ("0001101", "0011001", "0010011", "0111101", "0100011",
      "0110001", "0101111", "0111011", "0110111", "0001011")  # fmt: skip
_R = tuple("".join("1" if b == "0" else "0" for b in code) for code in _L)
_G = tuple(code[::-1] for code in _R)
_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
           "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")  # fmt: skip
QUIET_LEFT, QUIET_RIGHT = 11, 7


class Ean13Error(ValueError):
    """Not 13 digits with a right check digit."""


@dataclass(frozen=True)
class Ean13Symbols:
    """Same shape as `labels.code128.Symbols`: `modules` and `bars()`, so `Bar` draws it."""

    digits: str

    @property
    def modules(self) -> int:
        return 95

    def pattern(self) -> str:
        d = self.digits
        left = "".join(
            (_L if parity == "L" else _G)[int(digit)]
            for digit, parity in zip(d[1:7], _PARITY[int(d[0])], strict=True)
        )
        right = "".join(_R[int(digit)] for digit in d[7:])
        return "101" + left + "01010" + right + "101"

    def bars(self) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        start = None
        for x, bit in enumerate(self.pattern() + "0"):
            if bit == "1" and start is None:
                start = x
            elif bit == "0" and start is not None:
                out.append((start, x - start))
                start = None
        return out


def encode(digits: str) -> Ean13Symbols:
    if len(digits) != 13 or not (digits.isascii() and digits.isdigit()):
        raise Ean13Error(f"an EAN-13 is 13 digits, got {digits!r}")
    if gs1.check_digit(digits[:12]) != digits[12]:
        raise Ean13Error(
            f"{digits} has a wrong check digit (expected {gs1.check_digit(digits[:12])})"
        )
    return Ean13Symbols(digits)
