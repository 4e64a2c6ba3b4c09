"""The site scan language: location codes, container prefixes, badges, commands, orders.

Read from the `[scan_language]` table of floor.toml; every key has a default, so a site
only writes what it changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Any

from floor.config import ConfigError, Settings

DEFAULT_COMMANDS = {
    "confirm": "CMD:CONFIRM",
    "short": "CMD:SHORT",
    "skip": "CMD:SKIP",
    "cancel": "CMD:CANCEL",
    "done": "CMD:DONE",
}


@dataclass(frozen=True)
class ScanLanguage:
    """How this site's own barcodes look.

    location_pattern: a regular expression a whole location code must match (aisle-bay-level
    `A01-03-2`, plus docks, quarantine, pack benches, shipping, kitting and staging such as
    `DOCK-01`, by default). A location label may carry its check digits after
    `check_digit_separator` (`A01-03-2*47`); scanned alone they are `check_digit_length`
    digits.
    """

    location_pattern: str = r"[A-Z]\d{2}-\d{2}-\d{1,2}|(?:DOCK|QUA|PACK|SHIP|KIT|STG)-\d{2}"
    check_digit_separator: str = "*"
    check_digit_length: int = 2
    lpn_prefix: str = "LPN"
    tote_prefix: str = "TOTE"
    carton_prefix: str = "CTN"
    cart_prefix: str = "CART"
    badge_prefix: str = "OP"
    order_prefix: str = "SO"
    purchase_order_prefix: str = "PO"
    quantity_prefix: str = "CMD:QTY:"
    max_quantity: int = 99999
    commands: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_COMMANDS))
    code_pattern: str = r"[A-Z0-9][A-Z0-9\-]*"

    def __post_init__(self) -> None:
        for name in ("location_pattern", "code_pattern"):
            try:
                re.compile(getattr(self, name))
            except re.error as exc:
                raise ConfigError(
                    f"scan_language.{name}: expected a regular expression, got "
                    f"{getattr(self, name)!r} ({exc})"
                ) from None
        if self.check_digit_length < 1 or self.check_digit_length > 4:
            raise ConfigError(
                "scan_language.check_digit_length: expected a whole number from 1 to 4, "
                f"got {self.check_digit_length!r}"
            )
        unknown = set(self.commands) - set(DEFAULT_COMMANDS)
        if unknown:
            raise ConfigError(
                f"scan_language.commands: unknown command {sorted(unknown)[0]!r}; expected "
                f"some of {', '.join(DEFAULT_COMMANDS)}"
            )
        prefixes = [
            self.lpn_prefix,
            self.tote_prefix,
            self.carton_prefix,
            self.cart_prefix,
            self.badge_prefix,
            self.order_prefix,
            self.purchase_order_prefix,
            self.quantity_prefix,
        ]
        if any(not prefix for prefix in prefixes):
            raise ConfigError("scan_language: prefixes must not be empty")

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> ScanLanguage:
        known = {f.name: f for f in fields(cls)}
        values: dict[str, Any] = {}
        for key, value in section.items():
            if key not in known:
                raise ConfigError(
                    f"scan_language.{key}: unknown setting; expected one of {', '.join(known)}"
                )
            if key == "commands":
                if not isinstance(value, dict) or not all(
                    isinstance(v, str) and v for v in value.values()
                ):
                    raise ConfigError(
                        "scan_language.commands: expected a table of command = barcode text, "
                        'e.g. confirm = "CMD:CONFIRM"'
                    )
                values[key] = {**DEFAULT_COMMANDS, **value}
            elif key in ("check_digit_length", "max_quantity"):
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ConfigError(
                        f"scan_language.{key}: expected a whole number, got {value!r}"
                    )
                values[key] = value
            else:
                if not isinstance(value, str):
                    raise ConfigError(f"scan_language.{key}: expected text, got {value!r}")
                values[key] = value
        return cls(**values)

    @classmethod
    def from_settings(cls, settings: Settings) -> ScanLanguage:
        return cls.from_section(settings.section("scan_language"))


DEFAULT_LANGUAGE = ScanLanguage()
