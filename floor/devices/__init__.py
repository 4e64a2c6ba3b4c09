"""Scanner and scale sources: serial (pyserial), keyboard wedge, evdev, and a pty simulator.

`open_scan_source(settings)` builds the source the `[scanner]` table asks for:
kind = "serial" (default when a port is set), "evdev", "wedge" (keys arrive through the
Textual app: no source object) or "none".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from floor.config import ConfigError, Settings
from floor.devices.base import (
    DeviceState,
    DeviceStatus,
    DeviceUnavailable,
    RawScan,
    ScanSource,
    new_scan_id,
)
from floor.devices.serial_port import SerialSettings

KINDS = ("serial", "evdev", "wedge", "none")


@dataclass(frozen=True)
class ScannerSettings:
    kind: str
    serial: SerialSettings
    device: str = ""
    grab: bool = True

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> ScannerSettings:
        section = dict(section)
        kind = str(section.pop("kind", "serial" if section.get("port") else "wedge")).lower()
        if kind not in KINDS:
            raise ConfigError(f"scanner.kind: expected one of {', '.join(KINDS)}, got {kind!r}")
        device = section.pop("device", "")
        grab = section.pop("grab", True)
        if not isinstance(device, str):
            raise ConfigError(
                f"scanner.device: expected an input device path or name, got {device!r}"
            )
        if not isinstance(grab, bool):
            raise ConfigError(f"scanner.grab: expected true or false, got {grab!r}")
        serial = SerialSettings.from_section(section, table="scanner")
        if kind == "serial" and not serial.port:
            raise ConfigError(
                'scanner.port: kind = "serial" needs a port (a path such as /dev/ttyACM0, a '
                "/dev/serial/by-id name, or usb:VID:PID)"
            )
        if kind == "evdev" and not device:
            raise ConfigError('scanner.device: kind = "evdev" needs an input device path or name')
        return cls(kind=kind, serial=serial, device=device, grab=grab)


def open_scan_source(settings: Settings) -> ScanSource | None:
    """The configured scanner, not yet started; None for the wedge or no scanner."""
    scanner = ScannerSettings.from_section(settings.section("scanner"))
    if scanner.kind == "serial":
        from floor.devices.serial_source import SerialScanSource

        return SerialScanSource(scanner.serial)
    if scanner.kind == "evdev":
        from floor.devices.evdev_source import EvdevScanSource

        return EvdevScanSource(scanner.device, grab=scanner.grab, name=scanner.serial.name)
    return None


__all__ = [
    "DeviceState",
    "DeviceStatus",
    "DeviceUnavailable",
    "RawScan",
    "ScanSource",
    "ScannerSettings",
    "SerialSettings",
    "new_scan_id",
    "open_scan_source",
]
