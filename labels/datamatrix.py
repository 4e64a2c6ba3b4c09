"""Data Matrix (ECC 200) symbols, GS1 DataMatrix included: text in, a grid of dark modules out.

Written from ISO/IEC 16022 rather than taken from a library: no library the project could
install from PyPI encodes the FNC1 that makes a Data Matrix a *GS1* DataMatrix (ppf-datamatrix
has no FNC1; pylibdmtx needs the system libdmtx and does not pass FNC1 through; treepoem needs
Ghostscript). What a printed test sheet needs is small: ASCII encodation (digit pairs in one
codeword, FNC1 as codeword 232), the square single-region sizes 10x10 to 26x26 (up to 44
data codewords), Reed-Solomon error correction over GF(256) and the standard's module
placement (Annex F). The tests decode what this draws with libdmtx's `dmtxread`.
"""

from __future__ import annotations

from dataclasses import dataclass

FNC1 = "\x1d"  # in `gs1_datamatrix` data, GS marks where FNC1 goes (the scanner sends it as GS)
FNC1_CODEWORD = 232

# square sizes with one data region: (symbol size, data codewords, error correction codewords)
SIZES: tuple[tuple[int, int, int], ...] = (
    (10, 3, 5),
    (12, 5, 7),
    (14, 8, 10),
    (16, 12, 12),
    (18, 18, 14),
    (20, 22, 18),
    (22, 30, 20),
    (24, 36, 24),
    (26, 44, 28),
)


class DataMatrixError(ValueError):
    """The text cannot be a Data Matrix here (too long, or not ASCII)."""


@dataclass(frozen=True)
class Matrix:
    """The symbol: `rows[r][c]` is True for a dark module; finder pattern included."""

    rows: tuple[tuple[bool, ...], ...]

    @property
    def size(self) -> int:
        return len(self.rows)


def _ascii_codewords(text: str, gs1: bool) -> list[int]:
    out = [FNC1_CODEWORD] if gs1 else []
    i = 0
    while i < len(text):
        ch = text[i]
        if gs1 and ch == FNC1:
            out.append(FNC1_CODEWORD)
            i += 1
        elif ch.isascii() and ch.isdigit() and i + 1 < len(text) and text[i + 1].isdigit():
            out.append(130 + int(text[i : i + 2]))
            i += 2
        elif ord(ch) < 128:
            out.append(ord(ch) + 1)
            i += 1
        else:
            raise DataMatrixError(f"only ASCII fits this Data Matrix, got {ch!r}")
    return out


def _pad(codewords: list[int], capacity: int) -> list[int]:
    out = list(codewords)
    if len(out) < capacity:
        out.append(129)
    while len(out) < capacity:
        position = len(out) + 1
        pad = 129 + (149 * position) % 253 + 1
        out.append(pad - 254 if pad > 254 else pad)
    return out


def _gf_tables() -> tuple[list[int], list[int]]:
    exp = [0] * 512
    log = [0] * 256
    x = 1
    for i in range(255):
        exp[i] = x
        log[x] = i
        x <<= 1
        if x & 0x100:
            x ^= 0x12D
    for i in range(255, 512):
        exp[i] = exp[i - 255]
    return exp, log


_EXP, _LOG = _gf_tables()


def _mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _EXP[_LOG[a] + _LOG[b]]


def _error_correction(data: list[int], count: int) -> list[int]:
    generator = [1]
    for i in range(1, count + 1):
        nxt = [0] * (len(generator) + 1)
        for j, coefficient in enumerate(generator):
            nxt[j] ^= coefficient
            nxt[j + 1] ^= _mul(coefficient, _EXP[i])
        generator = nxt
    ecc = [0] * count
    for value in data:
        factor = value ^ ecc[0]
        ecc = [*ecc[1:], 0]
        for j in range(count):
            ecc[j] ^= _mul(generator[j + 1], factor)
    return ecc


def _place(nrow: int, ncol: int, codewords: list[int]) -> list[list[int]]:
    """ISO/IEC 16022 Annex F: where each bit of each codeword goes in the mapping matrix."""
    grid = [[-1] * ncol for _ in range(nrow)]

    def module(r: int, c: int, k: int, bit: int) -> None:
        if r < 0:
            r += nrow
            c += 4 - ((nrow + 4) % 8)
        if c < 0:
            c += ncol
            r += 4 - ((ncol + 4) % 8)
        grid[r][c] = (codewords[k] >> (8 - bit)) & 1

    def utah(r: int, c: int, k: int) -> None:
        for dr, dc, bit in (
            (-2, -2, 1),
            (-2, -1, 2),
            (-1, -2, 3),
            (-1, -1, 4),
            (-1, 0, 5),
            (0, -2, 6),
            (0, -1, 7),
            (0, 0, 8),
        ):
            module(r + dr, c + dc, k, bit)

    def corner(k: int, cells: tuple[tuple[int, int], ...]) -> None:
        for bit, (r, c) in enumerate(cells, start=1):
            module(r, c, k, bit)

    n, m = nrow, ncol
    a, b = n - 1, m - 1
    corners = {
        1: ((a, 0), (a, 1), (a, 2), (0, b - 1), (0, b), (1, b), (2, b), (3, b)),
        2: ((a - 2, 0), (a - 1, 0), (a, 0), (0, b - 3), (0, b - 2), (0, b - 1), (0, b), (1, b)),
        3: ((a - 2, 0), (a - 1, 0), (a, 0), (0, b - 1), (0, b), (1, b), (2, b), (3, b)),
        4: ((a, 0), (a, b), (0, b - 2), (0, b - 1), (0, b), (1, b - 2), (1, b - 1), (1, b)),
    }
    k, row, col = 0, 4, 0
    while True:
        if row == n and col == 0:
            corner(k, corners[1])
            k += 1
        if row == n - 2 and col == 0 and m % 4:
            corner(k, corners[2])
            k += 1
        if row == n - 2 and col == 0 and m % 8 == 4:
            corner(k, corners[3])
            k += 1
        if row == n + 4 and col == 2 and not m % 8:
            corner(k, corners[4])
            k += 1
        while True:  # up and to the right
            if row < n and col >= 0 and grid[row][col] < 0:
                utah(row, col, k)
                k += 1
            row -= 2
            col += 2
            if not (row >= 0 and col < m):
                break
        row += 1
        col += 3
        while True:  # down and to the left
            if row >= 0 and col < m and grid[row][col] < 0:
                utah(row, col, k)
                k += 1
            row += 2
            col -= 2
            if not (row < n and col >= 0):
                break
        row += 3
        col += 1
        if not (row < n or col < m):
            break
    if grid[n - 1][m - 1] < 0:
        grid[n - 1][m - 1] = grid[n - 2][m - 2] = 1
        grid[n - 1][m - 2] = grid[n - 2][m - 1] = 0
    return grid


def encode(text: str, gs1: bool = False) -> Matrix:
    """A Data Matrix of `text`; with `gs1`, a GS1 DataMatrix (FNC1 first, each GS in `text`
    an FNC1 separator), which a scanner reads as `]d2` + the element strings with GS."""
    data = _ascii_codewords(text, gs1)
    fitting = [entry for entry in SIZES if len(data) <= entry[1]]
    if not fitting:
        raise DataMatrixError(
            f"too long: {len(data)} codewords, at most {SIZES[-1][1]} fit the sizes drawn here"
        )
    size, capacity, ecc_count = fitting[0]
    padded = _pad(data, capacity)
    grid = _place(size - 2, size - 2, padded + _error_correction(padded, ecc_count))
    rows: list[tuple[bool, ...]] = []
    for r in range(size):
        row: list[bool] = []
        for c in range(size):
            if c == 0 or r == size - 1:
                dark = True  # the solid L of the finder pattern
            elif r == 0:
                dark = c % 2 == 0  # the clock track on top
            elif c == size - 1:
                dark = r % 2 == 1  # and on the right
            else:
                dark = grid[r - 1][c - 1] == 1
            row.append(dark)
        rows.append(tuple(row))
    return Matrix(tuple(rows))
