"""Packing settings (`[packing]` in floor.toml) and the weight check of a closed carton.

```toml
[packing]
gs1_company_prefix = "0614141"  # default: the top-level gs1_company_prefix
sscc_extension_digit = 0        # the first digit of every SSCC this site mints (0-9)
weight_tolerance_pct = 5.0      # a carton may weigh this much off the expected weight...
weight_tolerance_g = 50         # ...or this many grams, whichever is larger
```

The weight check: the expected weight is the carton's tare plus its units' weights. A
carton whose measured weight is off by more than the tolerance (the larger of the percent
of the expected weight and the grams) is refused. When an item in the carton has no
weight, the expected weight is a lower bound, and only a carton lighter than it (less the
tolerance) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from floor.config import ConfigError, Settings

_KEYS = {"gs1_company_prefix", "sscc_extension_digit", "weight_tolerance_pct", "weight_tolerance_g"}


@dataclass(frozen=True)
class PackingSettings:
    gs1_company_prefix: str = "0614141"
    sscc_extension_digit: int = 0
    weight_tolerance_pct: float = 5.0
    weight_tolerance_g: int = 50

    @classmethod
    def from_settings(cls, settings: Settings) -> PackingSettings:
        section = settings.section("packing")
        section.setdefault("gs1_company_prefix", settings.gs1_company_prefix)
        return cls.from_section(section)

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> PackingSettings:
        unknown = sorted(set(section) - _KEYS)
        if unknown:
            raise ConfigError(
                f"packing: unknown setting {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})"
            )
        prefix = str(section.get("gs1_company_prefix", cls.gs1_company_prefix)).strip()
        if not (prefix.isascii() and prefix.isdigit() and 6 <= len(prefix) <= 12):
            raise ConfigError(
                f"packing.gs1_company_prefix: expected 6 to 12 digits, got {prefix!r}"
            )
        extension = _number(section, "sscc_extension_digit", 0, int, 0, 9)
        pct = _number(section, "weight_tolerance_pct", cls.weight_tolerance_pct, float, 0, 100)
        grams = _number(section, "weight_tolerance_g", cls.weight_tolerance_g, int, 0, 100_000)
        return cls(prefix, extension, pct, grams)

    def tolerance_g(self, expected_g: int) -> int:
        """How far off the expected weight a carton may be: the larger of the two."""
        return max(round(expected_g * self.weight_tolerance_pct / 100), self.weight_tolerance_g)

    def weight_ok(self, expected_g: int, measured_g: int, *, complete: bool = True) -> bool:
        """Within tolerance; with an incomplete expected weight, only too light is refused."""
        allowed = self.tolerance_g(expected_g)
        if measured_g < expected_g - allowed:
            return False
        return not complete or measured_g <= expected_g + allowed


def _number(
    section: dict[str, Any], key: str, default: float, kind: type, low: float, high: float
) -> Any:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"packing.{key}: expected a number, got {value!r}")
    try:
        number = kind(value)
    except ValueError:
        raise ConfigError(f"packing.{key}: expected a number, got {value!r}") from None
    if not low <= number <= high:
        raise ConfigError(f"packing.{key}: expected {low:g} to {high:g}, got {value!r}")
    return number


__all__ = ["PackingSettings"]
