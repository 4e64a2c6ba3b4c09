"""Linux input key codes to characters, for a HID scanner read through evdev (US layout).

Pure: no evdev import, so it is tested everywhere. Codes are from linux/input-event-codes.h.
"""

from __future__ import annotations

KEY_LEFTSHIFT, KEY_RIGHTSHIFT = 42, 54
KEY_LEFTCTRL, KEY_RIGHTCTRL = 29, 97
KEY_ENTER, KEY_KPENTER, KEY_TAB = 28, 96, 15
KEY_RIGHTBRACE = 27
SHIFTS = frozenset({KEY_LEFTSHIFT, KEY_RIGHTSHIFT})
CTRLS = frozenset({KEY_LEFTCTRL, KEY_RIGHTCTRL})

_ROWS = {
    2: "1!",
    3: "2@",
    4: "3#",
    5: "4$",
    6: "5%",
    7: "6^",
    8: "7&",
    9: "8*",
    10: "9(",
    11: "0)",
    12: "-_",
    13: "=+",
    26: "[{",
    27: "]}",
    39: ";:",
    40: "'\"",
    41: "`~",
    43: "\\|",
    51: ",<",
    52: ".>",
    53: "/?",
    57: "  ",
    71: "77",
    72: "88",
    73: "99",
    74: "--",
    75: "44",
    76: "55",
    77: "66",
    78: "++",
    79: "11",
    80: "22",
    81: "33",
    82: "00",
    83: "..",
    55: "**",
    98: "//",
}
_LETTERS = {
    16: "q", 17: "w", 18: "e", 19: "r", 20: "t", 21: "y", 22: "u", 23: "i", 24: "o", 25: "p",
    30: "a", 31: "s", 32: "d", 33: "f", 34: "g", 35: "h", 36: "j", 37: "k", 38: "l",
    44: "z", 45: "x", 46: "c", 47: "v", 48: "b", 49: "n", 50: "m",
}  # fmt: skip


def key_to_char(code: int, shift: bool, ctrl: bool) -> str | None:
    """The character for a key press; ctrl+] is GS (0x1D); Enter "\\r"; Tab "\\t"."""
    if code in (KEY_ENTER, KEY_KPENTER):
        return "\r"
    if code == KEY_TAB:
        return "\t"
    if ctrl:
        return "\x1d" if code == KEY_RIGHTBRACE else None
    letter = _LETTERS.get(code)
    if letter is not None:
        return letter.upper() if shift else letter
    pair = _ROWS.get(code)
    if pair is not None:
        return pair[1] if shift else pair[0]
    return None


class KeyDecoder:
    """Follows shift and ctrl state over key events (value 1 press, 0 release, 2 repeat)."""

    def __init__(self) -> None:
        self.shift = False
        self.ctrl = False

    def event(self, code: int, value: int) -> str | None:
        if code in SHIFTS:
            self.shift = value != 0
            return None
        if code in CTRLS:
            self.ctrl = value != 0
            return None
        if value != 1:
            return None
        return key_to_char(code, self.shift, self.ctrl)
