"""The serial scanner (RS-232 or USB CDC-ACM): one RawScan per terminated frame."""

from __future__ import annotations

from floor.devices.base import RawScan, ScanCallback, ScanSource, StatusCallback
from floor.devices.serial_port import SerialSettings
from floor.devices.serial_reader import ReconnectingSerialReader


class SerialScanSource(ScanSource):
    """Reads a serial scanner, reconnecting after an unplug; GS and AIM prefixes kept."""

    def __init__(self, settings: SerialSettings) -> None:
        self.settings = settings
        self.name = settings.source_name
        self._reader = ReconnectingSerialReader(settings, thread_name=f"scanner {self.name}")

    @property
    def connected(self) -> bool:
        return self._reader.connected

    def start(self, on_scan: ScanCallback, on_status: StatusCallback) -> None:
        name = self.name

        def on_frame(frame: bytes) -> None:
            on_scan(RawScan.now(frame, name))

        self._reader.start(on_frame, on_status)

    def stop(self, timeout: float = 2.0) -> None:
        self._reader.stop(timeout)
