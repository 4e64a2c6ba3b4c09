"""A directed location prompt: the location scanned, or its check digits keyed.

A rack label's barcode carries the location code only (the check digits are printed beside
it); the demo sheet's carries `code*digits`. Where the site requires the check digits
(`[putaway] require_check_digits`, the default) the service refuses a bare code
(`floor.stock.move_tasks.CheckDigitsMissing`); the screen keeps that code, so the digits
keyed next go with it (they prove the operator stands at that bin, the directed one or,
after F3, the one chosen instead).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from floor.scanning import ScanKind

if TYPE_CHECKING:
    from floor.config import Settings
    from floor.errors import FloorError
    from floor.scanning import Scan

LOCATION_SCANS = (ScanKind.LOCATION, ScanKind.CHECK_DIGIT)


def require_check_digits(settings: Settings) -> bool:
    """The site's `[putaway] require_check_digits` (true unless turned off)."""
    from floor.stock.move_tasks import CheckPolicy

    return CheckPolicy.from_section(settings.section("putaway")).require_check_digits


class LocationPrompt:
    """The bare location code waiting for its check digits, if any."""

    def __init__(self) -> None:
        self.code: str | None = None

    def scanned(self, scan: Scan) -> tuple[str | None, str | None]:
        """(location code, check digits) to send for a location or check-digit scan."""
        if scan.kind is ScanKind.LOCATION:
            self.code = None
            return scan.code, scan.check_digits
        return self.code, scan.check_digits

    def refused(self, error: FloorError) -> None:
        """Keep the code the service refused for its missing check digits; else forget it."""
        from floor.stock.move_tasks import CheckDigitsMissing

        self.code = error.location if isinstance(error, CheckDigitsMissing) else None

    def clear(self) -> None:
        self.code = None
