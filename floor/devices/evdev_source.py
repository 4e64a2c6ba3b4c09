"""A HID (keyboard-mode) scanner read with evdev and grabbed, so its keys never reach the console.

Linux only, optional: `pip install floor[evdev]`. `device` in `[scanner]` is an event path
(/dev/input/by-id/...-event-kbd) or a substring of the device name.
"""

from __future__ import annotations

import contextlib
import threading

from floor.devices.base import (
    DeviceState,
    DeviceStatus,
    DeviceUnavailable,
    RawScan,
    ScanCallback,
    ScanSource,
    StatusCallback,
)
from floor.devices.evdev_keys import KeyDecoder

EV_KEY = 1


def _evdev():
    try:
        import evdev
    except ImportError:
        raise DeviceUnavailable(
            "evdev is not installed (pip install 'floor[evdev]'; Linux only)"
        ) from None
    return evdev


def find_device(spec: str) -> str:
    evdev = _evdev()
    if spec.startswith("/"):
        return spec
    for path in evdev.list_devices():
        with contextlib.suppress(OSError):
            device = evdev.InputDevice(path)
            name = device.name
            device.close()
            if spec.lower() in name.lower():
                return path
    raise DeviceUnavailable(f"no input device named like {spec!r} (is /dev/input readable?)")


class EvdevScanSource(ScanSource):
    def __init__(self, device: str, grab: bool = True, name: str = "") -> None:
        _evdev()
        self.device_spec = device
        self.grab = grab
        self.name = name or device
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._device = None

    def start(self, on_scan: ScanCallback, on_status: StatusCallback) -> None:
        self._on_scan, self._on_status = on_scan, on_status
        self._thread = threading.Thread(target=self._run, name=f"evdev {self.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import select

        evdev = _evdev()
        while not self._stop.is_set():
            try:
                device = evdev.InputDevice(find_device(self.device_spec))
                if self.grab:
                    device.grab()
            except (OSError, DeviceUnavailable) as exc:
                self._on_status(DeviceStatus(DeviceState.DISCONNECTED, self.name, str(exc)))
                if self._stop.wait(1.0):
                    return
                continue
            self._device = device
            self._on_status(DeviceStatus(DeviceState.CONNECTED, self.name, device.path))
            decoder = KeyDecoder()
            buffer = bytearray()
            try:
                while not self._stop.is_set():
                    ready, _, _ = select.select([device.fd], [], [], 0.2)
                    if not ready:
                        continue
                    for event in device.read():
                        if event.type != EV_KEY:
                            continue
                        char = decoder.event(event.code, event.value)
                        if char is None:
                            continue
                        if char in "\r\t":
                            if buffer:
                                self._on_scan(RawScan.now(bytes(buffer), self.name))
                                buffer.clear()
                        else:
                            buffer += char.encode("utf-8")
            except OSError as exc:
                self._on_status(DeviceStatus(DeviceState.DISCONNECTED, self.name, str(exc)))
            finally:
                with contextlib.suppress(OSError):
                    device.close()
                self._device = None

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
