"""GS1 check digits (GTIN, SSCC, GLN), UPC-E expansion and the two-digit location check digits."""

from __future__ import annotations


def gs1_check_digit(digits: str) -> int:
    """The GS1 mod-10 check digit for `digits` (the number without its check digit).

    Weights 3, 1, 3, ... from the right; check = (10 - sum mod 10) mod 10.
    """
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"expected digits only, got {digits!r}")
    total = 3 * sum(map(int, digits[-1::-2])) + sum(map(int, digits[-2::-2]))
    return -total % 10


def with_check_digit(digits: str) -> str:
    """`digits` followed by its GS1 check digit."""
    return f"{digits}{gs1_check_digit(digits)}"


def is_valid_gs1_number(number: str) -> bool:
    """True when the last digit of `number` is the GS1 check digit of the rest."""
    if len(number) < 2 or not number.isascii() or not number.isdigit():
        return False
    return gs1_check_digit(number[:-1]) == ord(number[-1]) - 48


def location_check_digits(location_code: str) -> str:
    """Two digits printed on a rack label next to the location barcode.

    ISO 7064 MOD 97-10 over the code's characters (digits as themselves, letters A=10..Z=35,
    anything else ignored), so the demo and tests can make labels without a lookup table.
    Sites with their own printed check digits keep them in the database instead.
    """
    remainder = 0
    for char in location_code.upper():
        if char.isascii() and char.isdigit():
            value, width = ord(char) - 48, 10
        elif "A" <= char <= "Z":
            value, width = ord(char) - 55, 100
        else:
            continue
        remainder = (remainder * width + value) % 97
    return f"{(98 - (remainder * 100) % 97) % 97:02d}"


def upc_e_to_upc_a(code: str) -> str | None:
    """The 12-digit UPC-A a UPC-E stands for, or None when `code` is not a UPC-E.

    `code` is 8 digits (number system 0 or 1, six digits, check digit) or the six digits
    alone (number system 0, no check digit, as some scanners send it). Expansion by the
    last of the six digits (GS1 General Specifications 5.2.2.4.2, zero suppression):
    0-2: NS d1 d2 d6 0000 d3 d4 d5; 3: NS d1 d2 d3 00000 d4 d5; 4: NS d1 d2 d3 d4 00000 d5;
    5-9: NS d1 d2 d3 d4 d5 0000 d6; the check digit is the UPC-A's own.
    """
    if not code.isascii() or not code.isdigit():
        return None
    if len(code) == 6:
        system, d, check = "0", code, None
    elif len(code) == 8:
        system, d, check = code[0], code[1:7], code[7]
    else:
        return None
    if system not in "01":
        return None
    last = d[5]
    if last in "012":
        payload = system + d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        payload = system + d[0:3] + "00000" + d[3:5]
    elif last == "4":
        payload = system + d[0:4] + "00000" + d[4]
    else:
        payload = system + d[0:5] + "0000" + last
    upc_a = with_check_digit(payload)
    if check is not None and upc_a[-1] != check:
        return None
    return upc_a


def sscc_in(text: str) -> str | None:
    """The SSCC in `text` when it is one as keyed or printed: 18 digits, or with its AI,
    parentheses and spaces ("(00) 1 0614141 123456789 7", "00106141411234567897"); else
    None. The check digit is not checked here (the lookup says "unknown carton")."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 20 and digits.startswith("00"):
        digits = digits[2:]
    rest = "".join(ch for ch in text if not ch.isdigit() and ch not in "() ")
    return digits if len(digits) == 18 and not rest else None
