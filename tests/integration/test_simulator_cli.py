"""`floor scanner simulate` and `floor scanner watch`: a station driven with no hardware."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from floor.cli import main
from floor.devices.base import DeviceState, DeviceStatus, RawScan
from floor.devices.serial_port import SerialSettings
from floor.devices.serial_source import SerialScanSource
from floor.devices.simulator import PtySimulator
from floor.scanning import ScanKind, parse_scan

SCANS = [
    "0109501101530003<GS>10ABC123<GS>17250101",
    "A01-03-2*47",
    "LPN000123",
    "CMD:QTY:3",
]


def test_simulate_prints_a_path_a_station_reads_every_scan_from(tmp_path: Path) -> None:
    scan_file = tmp_path / "scans.txt"
    scan_file.write_text("\n".join(SCANS) + "\n", encoding="utf-8")
    link = tmp_path / "floor-scanner"
    process = subprocess.Popen(
        [sys.executable, "-m", "floor", "scanner", "simulate", "--file", str(scan_file),
         "--link", str(link), "--wait", "0.5", "--terminator", "CRLF"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        printed = process.stdout.readline().strip()
        assert printed == str(link)
        got: list[RawScan] = []
        done = threading.Event()

        def on_scan(scan: RawScan) -> None:
            got.append(scan)
            if len(got) == len(SCANS):
                done.set()

        statuses: list[DeviceStatus] = []
        source = SerialScanSource(SerialSettings(port=printed, terminator="CRLF"))
        source.start(on_scan, statuses.append)
        try:
            assert done.wait(10), (statuses, process.stderr.read() if process.poll() else "")
        finally:
            source.stop()
        assert process.wait(10) == 0
    finally:
        process.kill()
        process.communicate()  # closes its pipes
    kinds = [parse_scan(scan.raw).kind for scan in got]
    assert kinds == [ScanKind.PRODUCT, ScanKind.LOCATION, ScanKind.LPN, ScanKind.COMMAND]
    assert got[0].raw == b"0109501101530003\x1d10ABC123\x1d17250101"
    assert any(status.state is DeviceState.CONNECTED for status in statuses)


def test_scanner_watch_prints_each_scan_as_parsed(tmp_path: Path, capsys) -> None:
    with PtySimulator(tmp_path / "scanner") as simulator:

        def send_later() -> None:
            time.sleep(0.5)
            simulator.send("0109501101530003<GS>10LOT7", aim="]C1")
            simulator.send("TOTE0042")

        threading.Thread(target=send_later, daemon=True).start()
        code = main(["scanner", "watch", simulator.path, "--count", "2", "--timeout", "8"])
    out = capsys.readouterr().out
    assert code == 0
    assert "[connected]" in out
    assert "Product 09501101530003, lot LOT7" in out
    assert "raw ]C10109501101530003<GS>10LOT7" in out
    assert "Tote TOTE0042" in out


def test_scanner_watch_without_a_port_names_what_is_expected(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    empty = tmp_path / "floor.toml"
    empty.write_text("", encoding="utf-8")
    monkeypatch.setenv("FLOOR_CONFIG", str(empty))
    monkeypatch.delenv("FLOOR_SCANNER__PORT", raising=False)
    code = main(["scanner", "watch"])
    assert code == 1
    assert "give PORT or set port in [scanner]" in capsys.readouterr().err


def test_simulate_rejects_a_bad_aim_prefix(capsys) -> None:
    assert main(["scanner", "simulate", "--aim", "C1"]) == 1
    assert "--aim" in capsys.readouterr().err


def test_scanner_list_shows_usb_ids_serial_numbers_and_by_id_paths(
    tmp_path: Path, capsys, monkeypatch
) -> None:
    from serial.tools import list_ports

    from floor.devices import serial_port

    with PtySimulator() as simulator:
        by_id = tmp_path / "by-id"
        by_id.mkdir()
        (by_id / "usb-Acme_Scanner_SN42-if00").symlink_to(simulator.slave_path)

        class Info:
            device = simulator.slave_path
            description = "Acme 2D scanner"
            vid, pid, serial_number = 0x0C2E, 0x0B61, "SN42"

        monkeypatch.setattr(list_ports, "comports", lambda: [Info()])
        monkeypatch.setattr(serial_port, "BY_ID_DIR", by_id)
        assert main(["scanner", "list"]) == 0
    out = capsys.readouterr().out
    assert f"{simulator.slave_path}\tusb:0c2e:0b61:SN42\tAcme 2D scanner" in out
    assert "serial number: SN42" in out
    assert f"by-id: {by_id / 'usb-Acme_Scanner_SN42-if00'}" in out
