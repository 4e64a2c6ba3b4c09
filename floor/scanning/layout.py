"""Keyboard-layout mismatch: a wedge scanner typing US key codes into an AZERTY or QWERTZ host.

The scanner sends the key for "1"; a French host turns it into "&". These tables map what
the host produced back to what the scanner meant. They are used only to suggest, never to
change a scan silently.
"""

from __future__ import annotations

from collections.abc import Callable

# Host character -> character the scanner meant (scanner set to US layout).
AZERTY_TO_US = str.maketrans(
    {
        "&": "1",
        "é": "2",
        '"': "3",
        "'": "4",
        "(": "5",
        "-": "6",
        "è": "7",
        "_": "8",
        "ç": "9",
        "à": "0",
        ")": "-",
        "a": "q",
        "q": "a",
        "z": "w",
        "w": "z",
        "A": "Q",
        "Q": "A",
        "Z": "W",
        "W": "Z",
        "M": ":",
        ",": "m",
        "?": "M",
    }
)
QWERTZ_TO_US = str.maketrans(
    {"y": "z", "z": "y", "Y": "Z", "Z": "Y", "ß": "-", "Ö": ":", "ö": ";", "?": "_"}
)
LAYOUTS: tuple[tuple[str, dict[int, str]], ...] = (
    ("AZERTY", AZERTY_TO_US),
    ("QWERTZ", QWERTZ_TO_US),
)
_SUSPECT = frozenset("&é\"'(-è_çà)ßÖöYyZzAaQqWwM,?")


def layout_suggestion(text: str, is_meaningful: Callable[[str], bool]) -> tuple[str, str] | None:
    """(layout name, what was meant) when mapping `text` back gives a meaningful scan."""
    if not _SUSPECT.intersection(text):
        return None
    for name, table in LAYOUTS:
        meant = text.translate(table)
        if meant != text and is_meaningful(meant):
            return name, meant
    return None
