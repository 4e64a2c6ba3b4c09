"""A serial scale for packing: weight lines parsed into kilograms, stable or not.

Built-in protocols:
- `csv`: "ST,GS,+001.234kg" (ST stable, US unstable, OL overload; GS gross, NT net), common
  to A&D, CAS and many OEM indicators in continuous output mode.
- `mt-sics`: Mettler Toledo SICS "S S      1.234 kg" (S stable, D dynamic, + / - out of range).
- `plain`: a bare number and unit, "1.234 kg" or "+0012.5 lb" (treated as stable).
- `regex`: your own `pattern` with named groups `value` and `unit` and optionally `status`;
  the weight is stable when `status` matches `stable_pattern`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from floor.config import ConfigError
from floor.devices.base import DeviceStatus, StatusCallback
from floor.devices.serial_port import SerialSettings
from floor.i18n import N_, _

UNIT_TO_KG: dict[str, Decimal] = {
    "kg": Decimal(1),
    "g": Decimal("0.001"),
    "lb": Decimal("0.45359237"),
    "lbs": Decimal("0.45359237"),
    "oz": Decimal("0.028349523125"),
    "t": Decimal(1000),
}
PROTOCOLS = ("auto", "csv", "mt-sics", "plain", "regex")

_CSV = re.compile(
    r"\s*(?P<status>ST|US|OL|UN)\s*,\s*(?P<mode>GS|NT|TR)?\s*,?\s*(?P<value>[+-]?\s*[\d.]+)?"
    r"\s*(?P<unit>[a-zA-Z]+)?\s*"
)
_SICS = re.compile(
    r"\s*S\s+(?P<status>[SD+\-I])\s*(?P<value>[+-]?\s*[\d.]+)?\s*(?P<unit>[a-zA-Z]+)?\s*"
)
_PLAIN = re.compile(r"\s*(?P<value>[+-]?\s*\d+(?:\.\d+)?)\s*(?P<unit>[a-zA-Z]+)\s*")


@dataclass(frozen=True, slots=True)
class Weight:
    kg: Decimal | None
    stable: bool
    unit: str
    raw: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.kg is not None

    def describe(self) -> str:
        """The reading in operator words (translated)."""
        if self.error is not None:
            return _("Scale: {problem}", problem=_(self.error, unit=self.unit))
        if self.stable:
            return _("{kg} kg, stable", kg=self.kg)
        return _("{kg} kg, settling", kg=self.kg)


def to_kg(value: Decimal, unit: str) -> Decimal:
    factor = UNIT_TO_KG.get(unit.lower())
    if factor is None:
        raise ValueError(f"unknown weight unit {unit!r}; expected one of {', '.join(UNIT_TO_KG)}")
    return value * factor


def _number(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text.replace(" ", ""))
    except InvalidOperation:
        return None


def _weight(raw: str, value: str | None, unit: str | None, stable: bool) -> Weight:
    number = _number(value)
    if number is None or not unit:
        return Weight(None, False, unit or "", raw, N_("no weight in the line"))
    if unit.lower() not in UNIT_TO_KG:
        return Weight(None, False, unit, raw, N_("unknown weight unit {unit}"))
    kg = to_kg(number, unit)
    return Weight(kg, stable, unit.lower(), raw)


def parse_csv(raw: str) -> Weight | None:
    match = _CSV.fullmatch(raw)
    if match is None:
        return None
    status = match["status"]
    if status == "OL":
        return Weight(None, False, match["unit"] or "", raw, N_("scale overload"))
    return _weight(raw, match["value"], match["unit"], status == "ST")


def parse_sics(raw: str) -> Weight | None:
    match = _SICS.fullmatch(raw)
    if match is None:
        return None
    status = match["status"]
    if status in "+-":
        return Weight(None, False, "", raw, N_("weight out of the scale's range"))
    if status == "I":
        return Weight(None, False, "", raw, N_("scale busy"))
    return _weight(raw, match["value"], match["unit"], status == "S")


def parse_plain(raw: str) -> Weight | None:
    match = _PLAIN.fullmatch(raw)
    if match is None:
        return None
    return _weight(raw, match["value"], match["unit"], True)


@dataclass(frozen=True)
class ScaleSettings:
    serial: SerialSettings
    protocol: str = "auto"
    pattern: str = ""
    stable_pattern: str = "ST|S"
    default_unit: str = "kg"

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> ScaleSettings:
        own = {"protocol", "pattern", "stable_pattern", "default_unit"}
        serial_section = {"terminator": "CRLF", **section}
        serial = SerialSettings.from_section(serial_section, table="scale", ignore=frozenset(own))
        values = {key: section[key] for key in own if key in section}
        for key, value in values.items():
            if not isinstance(value, str):
                raise ConfigError(f"scale.{key}: expected text, got {value!r}")
        settings = cls(serial=serial, **values)
        if settings.protocol not in PROTOCOLS:
            raise ConfigError(
                f"scale.protocol: expected one of {', '.join(PROTOCOLS)}, got {settings.protocol!r}"
            )
        if settings.protocol == "regex" and not settings.pattern:
            raise ConfigError(
                'scale.pattern: protocol = "regex" needs a pattern with (?P<value>...)'
            )
        for key in ("pattern", "stable_pattern"):
            try:
                compiled = re.compile(getattr(settings, key))
            except re.error as exc:
                raise ConfigError(f"scale.{key}: expected a regular expression ({exc})") from None
            if key == "pattern" and settings.pattern and "value" not in compiled.groupindex:
                raise ConfigError("scale.pattern: expected a named group (?P<value>...)")
        if settings.default_unit.lower() not in UNIT_TO_KG:
            raise ConfigError(
                f"scale.default_unit: expected one of {', '.join(UNIT_TO_KG)}, "
                f"got {settings.default_unit!r}"
            )
        return settings


class WeightParser:
    """Parses weight lines with the configured protocol."""

    def __init__(self, settings: ScaleSettings | None = None) -> None:
        self.settings = settings or ScaleSettings(serial=SerialSettings(terminator="CRLF"))
        self._pattern = re.compile(self.settings.pattern) if self.settings.pattern else None
        self._stable = re.compile(self.settings.stable_pattern)

    def parse(self, raw: bytes | str) -> Weight:
        text = raw.decode("ascii", "replace") if isinstance(raw, bytes) else raw
        text = text.strip("\r\n\x02\x03")
        protocol = self.settings.protocol
        if self._pattern is not None and protocol in ("regex", "auto"):
            match = self._pattern.fullmatch(text.strip())
            if match is not None:
                groups = match.groupdict()
                status = groups.get("status")
                stable = status is None or self._stable.fullmatch(status) is not None
                unit = groups.get("unit") or self.settings.default_unit
                return _weight(text, groups.get("value"), unit, stable)
            if protocol == "regex":
                return Weight(None, False, "", text, N_("line does not match scale.pattern"))
        parsers: dict[str, Callable[[str], Weight | None]] = {
            "csv": parse_csv,
            "mt-sics": parse_sics,
            "plain": parse_plain,
        }
        chosen = parsers.values() if protocol == "auto" else [parsers[protocol]]
        for parser in chosen:
            weight = parser(text)
            if weight is not None:
                return weight
        return Weight(None, False, "", text, N_("not a weight line this scale protocol knows"))


WeightCallback = Callable[[Weight], None]


class SerialScale:
    """A scale on a serial port, read and reconnected like a scanner; one Weight per line."""

    def __init__(self, settings: ScaleSettings) -> None:
        from floor.devices.serial_reader import ReconnectingSerialReader

        self.settings = settings
        self.parser = WeightParser(settings)
        self._reader = ReconnectingSerialReader(settings.serial, thread_name="scale")
        self.last: Weight | None = None

    def start(self, on_weight: WeightCallback, on_status: StatusCallback) -> None:
        def on_frame(frame: bytes) -> None:
            weight = self.parser.parse(frame)
            self.last = weight
            on_weight(weight)

        self._reader.start(on_frame, on_status)

    def stop(self, timeout: float = 2.0) -> None:
        self._reader.stop(timeout)


__all__ = ["DeviceStatus", "ScaleSettings", "SerialScale", "Weight", "WeightParser", "to_kg"]
