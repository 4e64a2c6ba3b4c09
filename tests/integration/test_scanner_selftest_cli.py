"""`floor scanner test`: the sheet scanned through a keyboard wedge (this terminal, a pty as
stdin) and through a serial scanner (the pty simulator); the profile kept for the station,
read back when the station opens; `floor scanner sheet` writes the PDF."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine

from floor.cli import main
from floor.config import load_settings
from floor.db import read_only
from floor.devices.simulator import PtySimulator
from floor.scanning.selftest import GS, SHEET
from floor.station import open_station, scanner_profile
from tests.support import build_small_warehouse


def _run_test(
    url: str, scans: list[bytes], *args: str, send=None, stdin: int | None = None
) -> tuple[int, str]:
    """Run `floor scanner test ARGS`; send each scan after the prompt that asks for it, as a
    person scanning the sheet would (so each scan ends with a pause, whatever its suffix)."""
    env = {**os.environ, "FLOOR_WAREHOUSE": "TST", "FLOOR_LANGUAGE": "en"}
    process = subprocess.Popen(
        [sys.executable, "-m", "floor", "--database-url", url, "scanner", "test",
         "--timeout", "60", *args],
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )  # fmt: skip
    assert process.stdout is not None
    lines: list[str] = []
    pending = list(scans)
    try:
        while True:
            line = process.stdout.readline().decode()
            if not line:
                break
            lines.append(line)
            if line.startswith("To scan:"):
                send(pending.pop(0) if pending else b"\x04")
        code = process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    return code, "".join(lines)


def _run_keyboard_test(url: str, scans: list[bytes], *args: str) -> tuple[int, str]:
    """A keyboard wedge: the scans typed into the command's terminal (a pty)."""
    master, slave = pty.openpty()
    try:
        return _run_test(
            url, scans, "--keyboard", *args, send=lambda data: os.write(master, data), stdin=slave
        )
    finally:
        os.close(slave)
        os.close(master)


def test_a_wedge_scanner_that_sends_gs_is_kept_and_read_when_the_station_opens(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch
) -> None:
    build_small_warehouse(sqlite_engine)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    scans = [code.aim.encode() + code.sent.encode() + b"\r" for code in SHEET]
    scans.insert(1, b"LPN000123\r")  # something else: said, and asked again
    code, out = _run_keyboard_test(url, scans, "--station", "ST-7")
    assert code == 0, out
    assert "Not a barcode of the test sheet: LPN000123<CR>" in out
    assert "1. GS1-128: received ]C1010950110153000310AB12<GS>21XYZ987<CR>" in out
    assert "GS separator: sent" in out
    assert "AIM symbology identifiers: sent" in out
    assert "Suffix: CR" in out
    assert "Kept for station ST-7." in out
    with read_only(sqlite_engine) as s:
        kept = scanner_profile(s, "ST-7")
    assert kept is not None and kept["sends_gs"] is True and kept["terminator"] == "CR"
    monkeypatch.setenv("FLOOR_WAREHOUSE", "TST")
    station = open_station(sqlite_engine, load_settings(), "ST-7")
    assert station.scanner_sends_gs is True
    assert open_station(sqlite_engine, load_settings(), "ST-8").scanner_sends_gs is False


def test_a_wedge_scanner_on_azerty_that_drops_gs_is_told_how_to_fix_it(
    sqlite_engine: Engine,
) -> None:
    build_small_warehouse(sqlite_engine)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    to_azerty = str.maketrans({"1": "&", "2": "é", "3": '"', "4": "'", "5": "(", "6": "-",
                               "7": "è", "8": "_", "9": "ç", "0": "à", "-": ")", "a": "q",
                               "q": "a", "z": "w", "w": "z", "Q": "A", "A": "Q", "Z": "W",
                               "W": "Z"})  # fmt: skip
    scans = [code.sent.replace(GS, "").translate(to_azerty).encode() + b"\t" for code in SHEET]
    code, out = _run_keyboard_test(url, scans, "--station", "ST-9")
    assert code == 0, out
    assert "GS separator: dropped" in out
    assert "Keyboard: AZERTY damage" in out
    assert "Suffix: TAB" in out
    assert 'turn on "transmit FNC1 as GS"' in out
    assert "keyboard country" in out
    assert "suffix to Enter" in out
    with read_only(sqlite_engine) as s:
        kept = scanner_profile(s, "ST-9")
    assert kept is not None and kept["sends_gs"] is False and kept["layout"] == "AZERTY"


def test_a_test_that_ends_before_all_four_keeps_nothing(sqlite_engine: Engine) -> None:
    build_small_warehouse(sqlite_engine)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    code, out = _run_keyboard_test(url, [SHEET[2].sent.encode() + b"\r"], "--station", "ST-3")
    assert code == 1
    assert "Not read: GS1-128, GS1 DataMatrix, Code 128" in out
    assert "Not kept" in out
    with read_only(sqlite_engine) as s:
        assert scanner_profile(s, "ST-3") is None


def test_a_serial_scanner_is_read_raw_with_its_suffix(sqlite_engine: Engine, tmp_path: Path):
    build_small_warehouse(sqlite_engine)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    scans = [code.sent.replace(GS, "|") for code in SHEET]  # a substitute for GS
    with PtySimulator(tmp_path / "scanner") as simulator:
        code, out = _run_test(
            url,
            [scan.encode() for scan in scans],
            simulator.path,
            "--station",
            "ST-5",
            "--dry-run",
            send=lambda data: simulator.send(data.decode(), terminator="CRLF"),
        )
    assert code == 0, out
    assert "[connected]" in out
    assert "GS separator: | sent instead" in out
    assert "Suffix: CRLF" in out
    assert 'set terminator = "CRLF" in [scanner]' in out
    assert "Not kept (--dry-run)." in out
    with read_only(sqlite_engine) as s:
        assert scanner_profile(s, "ST-5") is None


def test_the_sheet_command_writes_a_pdf(tmp_path: Path, capsys) -> None:
    target = tmp_path / "sheet.pdf"
    assert main(["scanner", "sheet", "-o", str(target)]) == 0
    assert target.read_bytes().startswith(b"%PDF")
    assert str(target) in capsys.readouterr().out


def test_the_sheet_command_names_a_path_it_cannot_write(tmp_path: Path, capsys) -> None:
    assert main(["scanner", "sheet", "-o", str(tmp_path / "missing" / "sheet.pdf")]) == 1
    assert "-o: cannot write" in capsys.readouterr().err


@pytest.mark.parametrize("gap", ["0", "-5"])
def test_a_bad_gap_is_refused(gap: str, capsys) -> None:
    assert main(["scanner", "test", "--gap", gap, "--keyboard"]) == 1
    assert "--gap" in capsys.readouterr().err


def test_a_new_test_replaces_the_last_one_on_both_databases(engine: Engine) -> None:
    from floor.db import transaction
    from floor.scanning.selftest import Capture, infer_profile
    from floor.station import save_scanner_profile, scanner_sends_gs

    sends = infer_profile([Capture(code.sent.encode() + b"\r") for code in SHEET])
    drops = infer_profile([Capture(code.sent.replace(GS, "").encode()) for code in SHEET])
    transaction(engine, lambda s: save_scanner_profile(s, "ST-1", sends))
    with read_only(engine) as s:
        assert scanner_sends_gs(s, "ST-1") is True
        assert scanner_sends_gs(s, "ST-2") is False
    transaction(engine, lambda s: save_scanner_profile(s, "ST-1", drops))
    with read_only(engine) as s:
        kept = scanner_profile(s, "ST-1")
        assert scanner_sends_gs(s, "ST-1") is False
    assert kept is not None and kept["terminator"] == "NONE" and kept["gs_substitute"] == ""
