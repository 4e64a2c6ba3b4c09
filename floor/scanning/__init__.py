"""Raw scan to typed Scan: GS1 (through biip's AI table), the site scan language, commands.

Pure, no I/O: `parse_scan(raw, language)` never raises; anything it cannot read comes back
as kind UNKNOWN or AMBIGUOUS with a reason in operator words.

The parser (and with it biip and the GS1 AI table, about 0.2 s to import) loads on first
use of `parse_scan`, `decode` or `parse_check_digit`, so the station shows its login screen
without it; the app warms it up in the background after the first frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from floor.scanning.language import DEFAULT_LANGUAGE, ScanLanguage
from floor.scanning.model import Command, Scan, ScanKind

if TYPE_CHECKING:
    from floor.scanning.parser import decode, parse_check_digit, parse_scan

_PARSER_NAMES = frozenset({"decode", "parse_check_digit", "parse_scan"})


def __getattr__(name: str) -> Any:
    if name in _PARSER_NAMES:
        from floor.scanning import parser

        for loaded in _PARSER_NAMES:  # later look-ups skip this function
            globals()[loaded] = getattr(parser, loaded)
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_LANGUAGE",
    "Command",
    "Scan",
    "ScanKind",
    "ScanLanguage",
    "decode",
    "parse_check_digit",
    "parse_scan",
]
