"""A scanner without hardware: a pseudo-terminal that sends lines as a serial scanner would.

The station opens the pty's slave path (or a stable symlink to it, `link`) as its serial
port. `send("01...10LOT<GS>17...")` writes the AIM prefix, the data with GS bytes and the
terminator in one write, the way a scanner's UART delivers a decoded barcode.

`unplug()` is a USB pull: the station's open port fails, the device path disappears (the
link is removed, as udev removes /dev/ttyACM0 and its by-id link), and whatever the scanner
sends meanwhile goes nowhere. `replug()` brings a new device up under the same link; what
is sent from then on waits in the new port until a station opens it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import termios
import threading
import time
import tty
from pathlib import Path

from floor.devices.framing import terminator_bytes

GS_MARKERS = ("<GS>", "\\x1d", "\\x1D", "\\u001d")


def encode_scan(text: str, aim: str | None = None, terminator: str = "CR") -> bytes:
    """The bytes a scanner sends for `text`: `<GS>` or a typed `\\x1d` become byte 0x1D."""
    for marker in GS_MARKERS:
        text = text.replace(marker, "\x1d")
    if aim and not text.startswith("]"):
        text = aim + text
    return text.encode("utf-8") + (terminator_bytes(terminator) or b"")


class PtySimulator:
    """A pty pair; `path` is what a station opens. `unplug()`/`replug()` mimic a USB pull."""

    def __init__(self, link: str | Path | None = None) -> None:
        self.link = Path(link) if link is not None else None
        self.master = -1
        self.slave = -1
        self.slave_path = ""
        self.dropped = 0  # bytes sent while unplugged: lost on the way, as with a real pull
        self._lock = threading.Lock()
        self._plug()

    @property
    def plugged(self) -> bool:
        return self.master >= 0

    @property
    def path(self) -> str:
        return str(self.link) if self.link is not None else self.slave_path

    def _plug(self) -> None:
        self.master, self.slave = os.openpty()
        # Raw from the start: no CR->LF translation, no echo back into the master.
        tty.setraw(self.slave)
        self.slave_path = os.ttyname(self.slave)
        if self.link is not None:
            temporary = self.link.with_name(f".{self.link.name}.{os.getpid()}")
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            temporary.symlink_to(self.slave_path)
            os.replace(temporary, self.link)

    def write(self, data: bytes) -> bool:
        """Send `data` whole; False when unplugged (the bytes went nowhere)."""
        with self._lock:
            if self.master < 0:
                self.dropped += len(data)
                return False
            view = memoryview(data)
            while view:
                written = os.write(self.master, view)
                view = view[written:]
            return True

    def send(self, text: str, aim: str | None = None, terminator: str = "CR") -> bytes:
        data = encode_scan(text, aim, terminator)
        self.write(data)
        return data

    def unread(self) -> int:
        """Bytes sent that no reader has taken yet."""
        if self.slave < 0:
            return 0
        buf = fcntl.ioctl(self.slave, termios.FIONREAD, b"\0\0\0\0")
        return int.from_bytes(buf, sys.byteorder)

    def drain(self, timeout: float = 2.0) -> bool:
        """Wait until a reader took everything sent (True), or `timeout` passed (False)."""
        # Written bytes reach the slave's queue a moment later, so an empty queue counts
        # only when it stays empty for a few looks in a row.
        deadline = time.monotonic() + timeout
        empty_looks = 0
        while empty_looks < 5:
            time.sleep(0.02)
            empty_looks = empty_looks + 1 if self.unread() == 0 else 0
            if time.monotonic() > deadline:
                return self.unread() == 0
        return True

    def unplug(self) -> None:
        """Close both ends (a reader on the slave sees the device vanish); remove the link."""
        with self._lock:
            for fd in (self.master, self.slave):
                if fd >= 0:
                    with contextlib.suppress(OSError):
                        os.close(fd)
            self.master = self.slave = -1
            self._remove_link()

    def replug(self) -> None:
        """A new pty; the link (if any) now points at it, as udev re-creates a by-id link."""
        self.unplug()
        with self._lock:
            self._plug()

    def _remove_link(self) -> None:
        if self.link is not None and self.link.is_symlink():
            with contextlib.suppress(OSError):
                self.link.unlink()

    def close(self) -> None:
        self.unplug()

    def __enter__(self) -> PtySimulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
