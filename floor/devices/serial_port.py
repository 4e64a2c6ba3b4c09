"""Serial port settings and finding the port: by path, by /dev/serial/by-id name, by USB id.

`port` in `[scanner]` (or `[scale]`) may be
- a path: `/dev/ttyACM0`, or a symlink such as the simulator's `/tmp/floor-scanner`;
- a stable by-id name: `usb-Honeywell_Imaging_..._if00` (looked up in /dev/serial/by-id);
- a USB id: `usb:0c2e:0b61` or `usb:0c2e:0b61:SERIALNO`, matched with serial.tools.list_ports
  on every (re)connect, so a scanner that comes back under another ttyACM number is found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from floor.config import ConfigError
from floor.devices.framing import terminator_bytes

BY_ID_DIR = Path("/dev/serial/by-id")
_USB = re.compile(r"usb:([0-9a-fA-F]{4}):([0-9a-fA-F]{4})(?::(.+))?")
PARITIES = {"N": "N", "E": "E", "O": "O", "M": "M", "S": "S"}


@dataclass(frozen=True)
class UsbId:
    vid: int
    pid: int
    serial_number: str | None = None

    def __str__(self) -> str:
        text = f"usb:{self.vid:04x}:{self.pid:04x}"
        return f"{text}:{self.serial_number}" if self.serial_number else text


@dataclass(frozen=True)
class SerialSettings:
    """How to reach and read one serial device (scanner or scale)."""

    port: str = ""
    baudrate: int = 9600
    parity: str = "N"
    bytesize: int = 8
    stopbits: float = 1
    terminator: str = "CR"
    idle_timeout_ms: int = 50
    exclusive: bool = True
    reconnect_min_ms: int = 50
    reconnect_max_ms: int = 500
    name: str = ""

    @property
    def terminator_bytes(self) -> bytes | None:
        return terminator_bytes(self.terminator)

    @property
    def usb_id(self) -> UsbId | None:
        match = _USB.fullmatch(self.port)
        if match is None:
            return None
        return UsbId(int(match[1], 16), int(match[2], 16), match[3])

    @property
    def source_name(self) -> str:
        return self.name or self.port

    @classmethod
    def from_section(
        cls, section: dict[str, Any], table: str = "scanner", ignore: frozenset[str] = frozenset()
    ) -> SerialSettings:
        values: dict[str, Any] = {}
        known = set(cls.__dataclass_fields__)
        for key, value in section.items():
            if key in ignore:
                continue
            if key not in known:
                raise ConfigError(
                    f"{table}.{key}: unknown setting; expected one of {', '.join(sorted(known))}"
                )
            values[key] = value
        if "vid" in section or "pid" in section:
            raise ConfigError(f'{table}.port: give a USB id as port = "usb:VID:PID[:SERIAL]"')
        for key in (
            "baudrate",
            "bytesize",
            "idle_timeout_ms",
            "reconnect_min_ms",
            "reconnect_max_ms",
        ):
            if key in values:
                value = values[key]
                if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                    raise ConfigError(
                        f"{table}.{key}: expected a positive whole number, got {value!r}"
                    )
        if "bytesize" in values and values["bytesize"] not in (5, 6, 7, 8):
            raise ConfigError(
                f"{table}.bytesize: expected 5, 6, 7 or 8, got {values['bytesize']!r}"
            )
        if "stopbits" in values and values["stopbits"] not in (1, 1.5, 2):
            raise ConfigError(f"{table}.stopbits: expected 1, 1.5 or 2, got {values['stopbits']!r}")
        if "parity" in values:
            parity = str(values["parity"]).upper()[:1]
            if parity not in PARITIES:
                raise ConfigError(
                    f"{table}.parity: expected N, E, O, M or S (none, even, odd, mark, space), "
                    f"got {values['parity']!r}"
                )
            values["parity"] = parity
        for key in ("port", "terminator", "name"):
            if key in values and not isinstance(values[key], str):
                raise ConfigError(f"{table}.{key}: expected text, got {values[key]!r}")
        if "exclusive" in values and not isinstance(values["exclusive"], bool):
            raise ConfigError(
                f"{table}.exclusive: expected true or false, got {values['exclusive']!r}"
            )
        settings = cls(**values)
        terminator_bytes(settings.terminator, f"{table}.terminator")
        return settings


def resolve_port(port: str) -> str:
    """The device path for a configured port; raises LookupError naming what is missing."""
    if not port:
        raise LookupError("no port configured (set port in [scanner])")
    match = _USB.fullmatch(port)
    if match is not None:
        return _find_usb(UsbId(int(match[1], 16), int(match[2], 16), match[3]))
    if "/" not in port and "://" not in port:
        by_id = BY_ID_DIR / port
        if by_id.exists():
            return str(by_id)
        if (Path("/dev") / port).exists():
            return str(Path("/dev") / port)
        raise LookupError(f"{port}: not found in {BY_ID_DIR} or /dev")
    return port


def _find_usb(usb: UsbId) -> str:
    from serial.tools import list_ports

    for info in list_ports.comports():
        if info.vid != usb.vid or info.pid != usb.pid:
            continue
        if usb.serial_number and info.serial_number != usb.serial_number:
            continue
        return info.device
    raise LookupError(f"no serial port with USB id {usb}")


@dataclass(frozen=True)
class PortInfo:
    device: str
    description: str
    vid: int | None
    pid: int | None
    serial_number: str | None
    by_id: str | None

    @property
    def usb_id(self) -> str | None:
        if self.vid is None or self.pid is None:
            return None
        return str(UsbId(self.vid, self.pid, self.serial_number))


def list_serial_ports() -> list[PortInfo]:
    """Serial ports with USB ids and their stable /dev/serial/by-id name, if any."""
    from serial.tools import list_ports

    by_id: dict[str, str] = {}
    if BY_ID_DIR.is_dir():
        for link in BY_ID_DIR.iterdir():
            try:
                by_id[str(link.resolve())] = str(link)
            except OSError:
                continue
    ports = []
    for info in sorted(list_ports.comports(), key=lambda p: p.device):
        ports.append(
            PortInfo(
                device=info.device,
                description=info.description or "",
                vid=info.vid,
                pid=info.pid,
                serial_number=info.serial_number,
                by_id=by_id.get(str(Path(info.device).resolve())),
            )
        )
    return ports
