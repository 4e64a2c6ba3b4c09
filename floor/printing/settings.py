"""Printer settings: `[printer]` in floor.toml, overridden per station by `[printers.<STATION>]`.

[printer]                 # default for every station
kind = "folder"           # folder | cups | tcp | none (this station does not print)
folder = "/srv/labels"    # default: <data dir>/labels-out
poll_seconds = 5          # how often the station looks for jobs retried elsewhere
keep_documents_days = 14  # printed documents kept in the database for reprints (0: forever)

[printers.PACK1]
kind = "tcp"              # raw ZPL to a thermal printer
host = "10.0.0.41"
port = 9100
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from floor.config import ConfigError, Settings

KINDS = ("folder", "cups", "tcp", "none")
FORMATS = ("pdf", "zpl")
SIZES = ("4x6", "a6")
DPIS = (152, 203, 300, 600)
_KEYS = {
    "kind",
    "folder",
    "queue",
    "host",
    "port",
    "timeout_seconds",
    "format",
    "size",
    "dpi",
    "max_attempts",
    "backoff_seconds",
    "lp_options",
    "poll_seconds",
    "keep_documents_days",
}


@dataclass(frozen=True)
class PrinterSettings:
    kind: str = "folder"
    folder: Path = Path("labels-out")
    queue: str = ""
    host: str = ""
    port: int = 9100
    timeout_seconds: float = 10.0
    format: str = "pdf"
    size: str = "4x6"
    dpi: int = 203
    max_attempts: int = 5
    backoff_seconds: float = 2.0
    lp_options: tuple[str, ...] = ()
    poll_seconds: float = 5.0
    keep_documents_days: int = 14

    @property
    def enabled(self) -> bool:
        return self.kind != "none"

    def describe(self) -> str:
        if self.kind == "none":
            return "none"
        if self.kind == "tcp":
            return f"tcp://{self.host}:{self.port} ({self.format})"
        if self.kind == "cups":
            return f"cups:{self.queue} ({self.format})"
        return f"folder:{self.folder} ({self.format})"


def _number(where: str, key: str, value: Any, kind: type, low: float, high: float) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConfigError(f"{where}.{key}: expected a number, got {value!r}")
    try:
        number = kind(value)
    except ValueError:
        raise ConfigError(f"{where}.{key}: expected a number, got {value!r}") from None
    if not low <= number <= high:
        raise ConfigError(f"{where}.{key}: expected {low:g} to {high:g}, got {value!r}")
    return number


def _choice(where: str, key: str, value: Any, allowed: tuple[Any, ...]) -> Any:
    if value not in allowed:
        choices = ", ".join(str(a) for a in allowed)
        raise ConfigError(f"{where}.{key}: expected one of {choices}, got {value!r}")
    return value


def load_printer_settings(settings: Settings, station: str | None = None) -> PrinterSettings:
    """The printer of `station` (default: this station): [printer] merged with [printers.X]."""
    station = station or settings.station
    raw: dict[str, Any] = settings.section("printer")
    per_station = settings.section("printers").get(station, {})
    if not isinstance(per_station, dict):
        raise ConfigError(f"printers.{station}: expected a table of printer settings")
    raw.update(per_station)
    where = f"printers.{station}" if per_station else "printer"
    unknown = sorted(set(raw) - _KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown setting {unknown[0]!r} (known: {', '.join(sorted(_KEYS))})"
        )
    kind = _choice(where, "kind", str(raw.get("kind", "folder")).lower(), KINDS)
    fmt = _choice(
        where, "format", str(raw.get("format", "zpl" if kind == "tcp" else "pdf")).lower(), FORMATS
    )
    if kind == "tcp" and fmt != "zpl":
        raise ConfigError(f"{where}.format: a raw TCP printer takes zpl, not {fmt!r}")
    queue = str(raw.get("queue", ""))
    if kind == "cups" and not queue:
        raise ConfigError(f"{where}.queue: a CUPS printer needs the queue name (see lpstat -p)")
    host = str(raw.get("host", ""))
    if kind == "tcp" and not host:
        raise ConfigError(f"{where}.host: a raw TCP printer needs a host name or address")
    folder = (
        Path(str(raw["folder"])) if raw.get("folder") else settings.resolved_data_dir / "labels-out"
    )
    options = raw.get("lp_options", ())
    if isinstance(options, str):
        options = tuple(options.split())
    if not isinstance(options, list | tuple) or not all(isinstance(o, str) for o in options):
        raise ConfigError(f"{where}.lp_options: expected a list of lp -o options, got {options!r}")
    return PrinterSettings(
        kind=kind,
        folder=folder,
        queue=queue,
        host=host,
        port=_number(where, "port", raw.get("port", 9100), int, 1, 65535),
        timeout_seconds=_number(
            where, "timeout_seconds", raw.get("timeout_seconds", 10), float, 0.1, 300
        ),
        format=fmt,
        size=_choice(where, "size", str(raw.get("size", "4x6")).lower(), SIZES),
        dpi=_choice(where, "dpi", _number(where, "dpi", raw.get("dpi", 203), int, 1, 1200), DPIS),
        max_attempts=_number(where, "max_attempts", raw.get("max_attempts", 5), int, 1, 100),
        backoff_seconds=_number(
            where, "backoff_seconds", raw.get("backoff_seconds", 2), float, 0, 3600
        ),
        lp_options=tuple(options),
        poll_seconds=_number(where, "poll_seconds", raw.get("poll_seconds", 5), float, 0.05, 3600),
        keep_documents_days=_number(
            where, "keep_documents_days", raw.get("keep_documents_days", 14), int, 0, 36500
        ),
    )
