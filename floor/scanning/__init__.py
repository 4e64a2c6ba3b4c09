"""Raw scan to typed Scan: GS1 (through biip's AI table), the site scan language, commands.

Pure, no I/O: `parse_scan(raw, language)` never raises; anything it cannot read comes back
as kind UNKNOWN or AMBIGUOUS with a reason in operator words.
"""

from __future__ import annotations

from floor.scanning.language import DEFAULT_LANGUAGE, ScanLanguage
from floor.scanning.model import Command, Scan, ScanKind
from floor.scanning.parser import decode, parse_check_digit, parse_scan

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
