"""The scan-source interface: every device yields RawScan values and reports its status.

A source runs its own reader thread and calls `on_scan` / `on_status` from it; the app
bridges those to messages with `call_from_thread` or `post_message`.
"""

from __future__ import annotations

import os
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum


def new_scan_id() -> str:
    """A UUID version 7 (time-ordered, RFC 9562) minted where the scan is read."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


@dataclass(frozen=True, slots=True)
class RawScan:
    """One scan as the device sent it, without its terminator; GS (0x1D) bytes kept."""

    scan_id: str
    raw: bytes
    received_at: datetime
    source: str

    @classmethod
    def now(cls, raw: bytes, source: str) -> RawScan:
        return cls(new_scan_id(), raw, datetime.now(UTC), source)


class DeviceState(StrEnum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    state: DeviceState
    source: str
    message: str = ""
    at: datetime = field(default_factory=lambda: datetime.now(UTC))


ScanCallback = Callable[[RawScan], None]
StatusCallback = Callable[[DeviceStatus], None]


class DeviceUnavailable(Exception):
    """A device kind cannot be used here; the message says why (missing library, no device)."""


class ScanSource(ABC):
    """A scanner. `start` returns at once; callbacks come from the source's own thread."""

    name: str

    @abstractmethod
    def start(self, on_scan: ScanCallback, on_status: StatusCallback) -> None: ...

    @abstractmethod
    def stop(self, timeout: float = 2.0) -> None:
        """Stop reading and release the device; safe to call twice."""
