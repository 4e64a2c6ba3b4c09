"""A serial device read in a thread that survives unplugging: report, close, reopen, go on.

pyserial raises SerialException on read when a USB device is unplugged while `is_open`
stays True. The reader then reports DISCONNECTED at once, closes the port, and retries
with backoff (resolving the port again each time), reporting CONNECTED when it is back.

The port is opened without discarding its input: pyserial's `open()` flushes what the
device sent before the open (tcflush), which after a replug are the scans made while the
reader was still waiting to retry. `KeepInputSerial` skips that one flush.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable

import serial

from floor.devices.base import DeviceState, DeviceStatus, StatusCallback
from floor.devices.framing import Framer
from floor.devices.serial_port import SerialSettings, resolve_port

FrameCallback = Callable[[bytes], None]
READ_TIMEOUT = 0.1


class KeepInputSerial(serial.Serial):
    """pyserial's Serial whose `open()` keeps what is already waiting in the port.

    pyserial (3.5, POSIX) ends `open()` with `_reset_input_buffer()`, a tcflush(TCIFLUSH).
    Only that call, during `open()`, is skipped; `reset_input_buffer()` still flushes.
    """

    _opening = False

    def open(self) -> None:
        self._opening = True
        try:
            super().open()
        finally:
            self._opening = False

    def _reset_input_buffer(self) -> None:
        if not self._opening:
            super()._reset_input_buffer()


class ReconnectingSerialReader:
    """Reads frames from a serial port in its own thread; `on_frame(bytes)` per frame."""

    def __init__(self, settings: SerialSettings, thread_name: str = "floor-serial") -> None:
        self.settings = settings
        self.name = settings.source_name
        self._thread_name = thread_name
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._serial: KeepInputSerial | None = None
        self._lock = threading.Lock()
        self.connected = False

    def start(self, on_frame: FrameCallback, on_status: StatusCallback) -> None:
        if self._thread is not None:
            raise RuntimeError(f"{self.name}: already started")
        self._on_frame = on_frame
        self._on_status = on_status
        self._thread = threading.Thread(target=self._run, name=self._thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        with self._lock:
            port = self._serial
        if port is not None:
            with contextlib.suppress(Exception):
                port.cancel_read()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def _status(self, state: DeviceState, message: str) -> None:
        self.connected = state is DeviceState.CONNECTED
        self._on_status(DeviceStatus(state, self.name, message))

    def _open(self) -> tuple[KeepInputSerial, str]:
        settings = self.settings
        path = resolve_port(settings.port)
        port = KeepInputSerial()
        port.port = path
        port.baudrate = settings.baudrate
        port.parity = settings.parity
        port.bytesize = settings.bytesize
        port.stopbits = settings.stopbits
        port.timeout = READ_TIMEOUT
        if settings.exclusive:
            port.exclusive = True
        port.open()
        return port, path

    def _run(self) -> None:
        settings = self.settings
        delay = settings.reconnect_min_ms / 1000
        reported_down = False
        while not self._stop.is_set():
            try:
                port, path = self._open()
            except (serial.SerialException, OSError, LookupError, ValueError) as exc:
                if not reported_down:
                    self._status(DeviceState.DISCONNECTED, f"cannot open {settings.port}: {exc}")
                    reported_down = True
                if self._stop.wait(delay):
                    break
                delay = min(delay * 2, settings.reconnect_max_ms / 1000)
                continue
            delay = settings.reconnect_min_ms / 1000
            with self._lock:
                self._serial = port
            if self._stop.is_set():
                port.close()
                break
            reported_down = False
            self._status(DeviceState.CONNECTED, path)
            message = self._read(port)
            with self._lock:
                self._serial = None
            with contextlib.suppress(Exception):
                port.close()
            if message is not None and not self._stop.is_set():
                self._status(DeviceState.DISCONNECTED, message)
                reported_down = True
        self.connected = False

    def _read(self, port: KeepInputSerial) -> str | None:
        """Read until stopped (None) or the device fails (the failure, as text)."""
        framer = Framer(self.settings.terminator_bytes, self.settings.idle_timeout_ms / 1000)
        clock = time.monotonic
        on_frame = self._on_frame
        while not self._stop.is_set():
            try:
                data = port.read(port.in_waiting or 1)
            except (serial.SerialException, OSError) as exc:
                lost = framer.discard()
                note = f" ({len(lost)} bytes of an unfinished scan dropped)" if lost else ""
                return f"{exc}{note}"
            now = clock()
            frames = framer.feed(data, now) if data else [framer.poll(now)]
            for frame in frames:
                if frame is not None:
                    self._deliver(on_frame, frame)
        return None

    def _deliver(self, on_frame: FrameCallback, frame: bytes) -> None:
        """A failing callback is reported; it must not stop the reader (no scan lost)."""
        try:
            on_frame(frame)
        except Exception as exc:
            self._on_status(
                DeviceStatus(DeviceState.ERROR, self.name, f"scan handler failed: {exc!r}")
            )
