"""The serial scanner over real pseudo-terminals: framing, GS, speed, unplug and replug."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from floor.devices.base import DeviceState, DeviceStatus, RawScan
from floor.devices.serial_port import SerialSettings
from floor.devices.serial_source import SerialScanSource
from floor.devices.simulator import PtySimulator
from floor.scanning import ScanKind, parse_scan


class Collector:
    def __init__(self) -> None:
        self.scans: list[RawScan] = []
        self.statuses: list[tuple[float, DeviceStatus]] = []
        self._changed = threading.Condition()

    def on_scan(self, scan: RawScan) -> None:
        with self._changed:
            self.scans.append(scan)
            self._changed.notify_all()

    def on_status(self, status: DeviceStatus) -> None:
        with self._changed:
            self.statuses.append((time.monotonic(), status))
            self._changed.notify_all()

    def wait_scans(self, count: int, timeout: float = 5.0) -> list[bytes]:
        with self._changed:
            self._changed.wait_for(lambda: len(self.scans) >= count, timeout)
            return [scan.raw for scan in self.scans]

    def wait_state(self, state: DeviceState, after: int = 0, timeout: float = 5.0) -> float | None:
        """Monotonic time of the first status `state` among statuses[after:], or None."""

        def found() -> float | None:
            for at, status in self.statuses[after:]:
                if status.state is state:
                    return at
            return None

        with self._changed:
            self._changed.wait_for(lambda: found() is not None, timeout)
            return found()

    def wait_reconnected(self, after: int = 0, timeout: float = 5.0) -> bool:
        """Whether statuses[after:] holds a DISCONNECTED followed by a CONNECTED."""

        def found() -> bool:
            states = [status.state for _, status in self.statuses[after:]]
            if DeviceState.DISCONNECTED not in states:
                return False
            return DeviceState.CONNECTED in states[states.index(DeviceState.DISCONNECTED) :]

        with self._changed:
            return self._changed.wait_for(found, timeout)


@pytest.fixture
def link(tmp_path: Path) -> Path:
    return tmp_path / "scanner"


def start(port: str, **settings: object) -> tuple[SerialScanSource, Collector]:
    source = SerialScanSource(SerialSettings(port=port, **settings))  # type: ignore[arg-type]
    collector = Collector()
    source.start(collector.on_scan, collector.on_status)
    assert collector.wait_state(DeviceState.CONNECTED) is not None
    return source, collector


@pytest.mark.parametrize("terminator", ["CR", "LF", "CRLF", "TAB"])
def test_every_terminator_ends_a_scan(link: Path, terminator: str) -> None:
    with PtySimulator(link) as simulator:
        source, collector = start(simulator.path, terminator=terminator)
        try:
            simulator.send("LPN000001", terminator=terminator)
            simulator.send("A01-03-2*47", terminator=terminator)
            assert collector.wait_scans(2) == [b"LPN000001", b"A01-03-2*47"]
        finally:
            source.stop()


def test_no_terminator_ends_a_scan_after_the_idle_gap(link: Path) -> None:
    with PtySimulator(link) as simulator:
        source, collector = start(simulator.path, terminator="NONE", idle_timeout_ms=40)
        try:
            simulator.send("TOTE0042", terminator="NONE")
            assert collector.wait_scans(1) == [b"TOTE0042"]
            time.sleep(0.1)
            simulator.send("CMD:DONE", terminator="NONE")
            assert collector.wait_scans(2) == [b"TOTE0042", b"CMD:DONE"]
        finally:
            source.stop()


def test_gs_bytes_and_aim_prefix_are_kept_and_parse(link: Path) -> None:
    with PtySimulator(link) as simulator:
        source, collector = start(simulator.path)
        try:
            simulator.send("0109501101530003<GS>10ABC123<GS>17250101", aim="]C1")
            (raw,) = collector.wait_scans(1)
            assert raw == b"]C10109501101530003\x1d10ABC123\x1d17250101"
            scan = parse_scan(raw)
            assert (scan.kind, scan.symbology, scan.lot) == (ScanKind.PRODUCT, "]C1", "ABC123")
        finally:
            source.stop()


def test_a_scan_split_over_several_writes_is_joined(link: Path) -> None:
    with PtySimulator(link) as simulator:
        source, collector = start(simulator.path, terminator="CRLF")
        try:
            for piece in [b"]d201095011", b"01530003\x1d", b"10LOT", b"9\r", b"\n"]:
                simulator.write(piece)
                time.sleep(0.03)
            assert collector.wait_scans(1) == [b"]d20109501101530003\x1d10LOT9"]
        finally:
            source.stop()


def test_a_thousand_scans_back_to_back_all_arrive_in_order(link: Path) -> None:
    with PtySimulator(link) as simulator:
        source, collector = start(simulator.path)
        try:
            expected = [f"LPN{index:06d}".encode() for index in range(1000)]
            simulator.write(b"".join(code + b"\r" for code in expected))
            assert collector.wait_scans(1000, timeout=10) == expected
            assert len({scan.scan_id for scan in collector.scans}) == 1000
        finally:
            source.stop()


def test_unplug_is_reported_within_1s_and_replug_is_picked_up_within_2s(link: Path) -> None:
    with PtySimulator(link) as simulator:
        source, collector = start(simulator.path)
        try:
            simulator.send("LPN1")
            assert collector.wait_scans(1) == [b"LPN1"]
            seen = len(collector.statuses)

            unplugged_at = time.monotonic()
            simulator.unplug()
            down_at = collector.wait_state(DeviceState.DISCONNECTED, after=seen, timeout=3)
            assert down_at is not None
            assert down_at - unplugged_at < 1.0

            time.sleep(0.6)  # stay unplugged a while: the reader keeps retrying
            seen = len(collector.statuses)
            replugged_at = time.monotonic()
            simulator.replug()
            up_at = collector.wait_state(DeviceState.CONNECTED, after=seen, timeout=4)
            assert up_at is not None
            assert up_at - replugged_at < 2.0

            after = [f"LPN{index}".encode() for index in range(2, 52)]
            for code in after:
                simulator.write(code + b"\r")
            assert collector.wait_scans(51) == [b"LPN1", *after]
        finally:
            source.stop()


def test_a_port_given_by_usb_id_is_found_again_after_it_moves(
    link: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from serial.tools import list_ports

    class Info:
        vid, pid, serial_number = 0x0C2E, 0x0B61, "SN42"

        def __init__(self, device: str) -> None:
            self.device = device

    with PtySimulator() as simulator:
        monkeypatch.setattr(list_ports, "comports", lambda: [Info(simulator.slave_path)])
        source, collector = start("usb:0c2e:0b61:SN42")
        try:
            simulator.send("CTN1")
            assert collector.wait_scans(1) == [b"CTN1"]
            seen = len(collector.statuses)
            simulator.replug()  # a new /dev/pts number, as a replugged ttyACM may get
            assert collector.wait_state(DeviceState.CONNECTED, after=seen, timeout=4)
            simulator.send("CTN2")
            assert collector.wait_scans(2) == [b"CTN1", b"CTN2"]
        finally:
            source.stop()


def test_the_port_is_opened_exclusively(link: Path) -> None:
    with PtySimulator(link) as simulator:
        first, _ = start(simulator.path)
        second = SerialScanSource(SerialSettings(port=simulator.path))
        collector = Collector()
        second.start(collector.on_scan, collector.on_status)
        try:
            assert collector.wait_state(DeviceState.DISCONNECTED, timeout=3) is not None
            assert "lock" in collector.statuses[0][1].message.lower()
        finally:
            second.stop()
            first.stop()


def test_stop_returns_promptly_and_releases_the_port(link: Path) -> None:
    with PtySimulator(link) as simulator:
        source, _ = start(simulator.path)
        began = time.monotonic()
        source.stop()
        assert time.monotonic() - began < 1.0
        again, _ = start(simulator.path)
        again.stop()


class Scanner(threading.Thread):
    """An operator scanning every 10 ms through an unplug of `gap` seconds and a replug.

    The replug happens in this thread, right before a scan, so scans go out from the moment
    the device is back, while the reader is still waiting to open it again.
    """

    def __init__(self, simulator: PtySimulator, gap: float) -> None:
        super().__init__(daemon=True)
        self.simulator = simulator
        self.gap = gap
        self.before: list[bytes] = []  # taken by the device before the unplug
        self.lost_unplugged = 0  # sent while unplugged: went nowhere
        self.after: list[bytes] = []  # taken by the device after the replug
        self.replugged = threading.Event()
        self.finish = threading.Event()

    def run(self) -> None:
        simulator = self.simulator
        index = 0
        unplug_at = time.monotonic() + 0.2
        replug_at = None
        while not self.finish.is_set():
            now = time.monotonic()
            if replug_at is None and now >= unplug_at:
                simulator.unplug()
                replug_at = now + self.gap
            elif replug_at is not None and not self.replugged.is_set() and now >= replug_at:
                simulator.replug()
                self.replugged.set()
            code = f"SCAN{index:05d}".encode()
            index += 1
            if not simulator.write(code + b"\r"):
                self.lost_unplugged += 1
            elif self.replugged.is_set():
                self.after.append(code)
            elif replug_at is None:
                self.before.append(code)
            time.sleep(0.01)


@pytest.mark.parametrize("gap", [0.05, 0.3, 2.0])
def test_no_scan_sent_after_a_replug_is_lost(link: Path, gap: float) -> None:
    with PtySimulator(link) as simulator:
        source, collector = start(simulator.path)
        scanner = Scanner(simulator, gap)
        seen = len(collector.statuses)
        try:
            scanner.start()
            assert scanner.replugged.wait(gap + 3)
            assert collector.wait_reconnected(after=seen, timeout=4)
            time.sleep(0.3)  # scans go on after the reader is back
            scanner.finish.set()
            scanner.join(2)
            assert simulator.drain(), "the reader stopped reading"
        finally:
            scanner.finish.set()
            source.stop()
    received = [scan.raw for scan in collector.scans]
    assert scanner.lost_unplugged > 0
    assert len(received) == len(set(received)), "a scan arrived twice"
    # Every scan the device took after the replug arrives, in order, after those before it.
    assert [code for code in scanner.after if code not in received] == []
    assert received[-len(scanner.after) :] == scanner.after
    assert set(received) <= set(scanner.before) | set(scanner.after)
