"""`floor scanner sheet` and `floor scanner test`: print the self-test sheet, then scan it at a
station and keep what this scanner sends (GS, AIM identifiers, suffix, keyboard layout).

The test reads the scanner raw, cutting scans by a pause rather than by a suffix, so the
suffix itself is seen: from a serial port (PORT or `[scanner]`), or from this terminal for a
keyboard-wedge scanner (`--keyboard`, or when no serial scanner is configured; the terminal
is put in a mode where Enter, Tab and ctrl+] arrive as they are).
"""

from __future__ import annotations

import argparse
import os
import queue
import select
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, TextIO

from floor.commands import CommandContext, CommandError
from floor.i18n import _

DEFAULT_GAP_MS = 200


def add_parsers(actions: Any) -> None:
    sheet = actions.add_parser(
        "sheet",
        help="write the scanner self-test sheet (PDF) to print and scan with `floor scanner test`",
        description="A PDF with a GS1-128 (a GS after a lot), a GS1 DataMatrix, an EAN-13 and "
        "a Code 128 of known content, and what the scanner settings they test mean, in words "
        "(GS/FNC1, AIM identifiers, Enter suffix, keyboard country).",
    )
    sheet.add_argument(
        "-o", "--output", default="scanner-test.pdf", metavar="FILE.pdf", help="where to write it"
    )
    sheet.add_argument("--size", choices=["a4", "letter"], default="a4", help="paper (default a4)")
    sheet.set_defaults(handler=cmd_sheet)

    test = actions.add_parser(
        "test",
        help="scan the self-test sheet: find out what this scanner sends and keep it for the "
        "station",
        description="Scan the four barcodes of `floor scanner sheet` in any order. floor "
        "compares what arrives with what is printed and says whether the scanner sends GS "
        "between GS1 fields (and what it sends instead), AIM symbology identifiers, which "
        "suffix, and whether a keyboard layout or caps lock changes characters; then how to "
        "fix what is wrong. When all four were read the result is kept for the station: a "
        "scanner known to send GS is never asked whether a lot or serial ends early. Reads "
        "the serial scanner (PORT, or port in [scanner]), or this terminal for a "
        "keyboard-wedge scanner.",
    )
    test.add_argument(
        "port",
        nargs="?",
        help="serial device path, /dev/serial/by-id name or usb:VID:PID[:SERIAL]; default: "
        "[scanner] port if [scanner] kind is serial, else this terminal",
    )
    test.add_argument("--station", metavar="CODE", help="station to keep the result for "
                      "(default: this station, FLOOR_STATION)")  # fmt: skip
    test.add_argument(
        "--keyboard",
        action="store_true",
        help="read a keyboard-wedge scanner typing into this terminal, even if [scanner] "
        "names a serial port",
    )
    test.add_argument("--baud", type=int, metavar="N", help="serial baud rate (default 9600)")
    test.add_argument(
        "--gap",
        type=int,
        default=DEFAULT_GAP_MS,
        metavar="MS",
        help=f"a pause this long ends a scan (default {DEFAULT_GAP_MS} ms)",
    )
    test.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="give up after SECONDS in all"
    )
    test.add_argument(
        "--dry-run", action="store_true", help="say what the scanner sends, keep nothing"
    )
    test.set_defaults(handler=cmd_selftest)


def cmd_sheet(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.scanner_sheet import write_scanner_sheet

    try:
        path = write_scanner_sheet(args.output, size=args.size)
    except OSError as exc:
        raise CommandError(f"-o: cannot write {args.output}: {exc.strerror}") from None
    print(_("Scanner test sheet written to {path}", path=path), file=ctx.out)
    return 0


@contextmanager
def _terminal_raw(fd: int) -> Iterator[None]:
    """Keys arrive as typed: no line editing, no echo, CR not made LF, ctrl+] and Tab kept
    (ctrl+C still interrupts)."""
    import termios

    if not os.isatty(fd):
        yield
        return
    saved = termios.tcgetattr(fd)
    mode = termios.tcgetattr(fd)
    mode[0] &= ~(termios.ICRNL | termios.INLCR | termios.IGNCR | termios.IXON)
    mode[3] &= ~(termios.ICANON | termios.ECHO | termios.IEXTEN)
    mode[6][termios.VMIN] = 1
    mode[6][termios.VTIME] = 0
    termios.tcsetattr(fd, termios.TCSANOW, mode)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _stdin_scans(fd: int, gap: float, deadline: float | None) -> Iterator[bytes]:
    """Bytes from `fd`, one scan per burst (a pause of `gap` seconds ends it), until EOF."""
    buffer = bytearray()
    while True:
        wait = gap if buffer else 0.5
        if deadline is not None:
            wait = max(0.0, min(wait, deadline - time.monotonic()))
        ready, _w, _x = select.select([fd], [], [], wait)
        if ready:
            data = os.read(fd, 4096)
            if not data:
                if buffer:
                    yield bytes(buffer)
                return
            buffer += data
            continue
        if buffer:
            yield bytes(buffer)
            buffer.clear()
        elif deadline is not None and time.monotonic() >= deadline:
            return


def _serial_scans(args: argparse.Namespace, ctx: CommandContext, gap: float, deadline: float | None,
                  err: TextIO) -> Iterator[bytes]:  # fmt: skip
    from dataclasses import replace

    from floor.commands.scanner import _serial_settings
    from floor.devices.serial_source import SerialScanSource

    args.terminator = None
    settings = _serial_settings(args, ctx)
    settings = replace(settings, terminator="NONE", idle_timeout_ms=int(gap * 1000))
    scans: queue.Queue[bytes] = queue.Queue()

    def on_status(status: Any) -> None:
        print(f"[{status.state.value}] {status.message}", file=err)
        err.flush()

    source = SerialScanSource(settings)
    source.start(lambda raw: scans.put(raw.raw), on_status)
    try:
        while True:
            wait = 0.5 if deadline is None else deadline - time.monotonic()
            if wait <= 0:
                return
            with suppress(queue.Empty):
                yield scans.get(timeout=min(wait, 0.5))
    finally:
        source.stop()


def _uses_serial(args: argparse.Namespace, ctx: CommandContext) -> bool:
    if args.keyboard:
        return False
    if args.port:
        return True
    section = ctx.settings.section("scanner")
    return str(section.get("kind", "")).lower() == "serial" and bool(section.get("port"))


def cmd_selftest(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.scanning.selftest import advice, infer_profile, summary

    if args.gap <= 0:
        raise CommandError(f"--gap: expected a number of milliseconds above 0, got {args.gap}")
    out = ctx.out
    station = args.station or ctx.settings.station
    gap = args.gap / 1000
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    serial = _uses_serial(args, ctx)
    if serial:
        expected_suffix = str(ctx.settings.section("scanner").get("terminator", "CR"))
        scans = _serial_scans(args, ctx, gap, deadline, ctx.err)
        where = args.port or str(ctx.settings.section("scanner").get("port"))
        terminal = _nothing()
    else:
        expected_suffix = "CR"  # a keyboard wedge ends an entry with Enter
        scans = _stdin_scans(sys.stdin.fileno(), gap, deadline)
        where = _("this terminal")
        terminal = _terminal_raw(sys.stdin.fileno())
    with terminal:
        readings = _scan_the_sheet(scans, station, where, out)
    profile = infer_profile(readings)
    print("", file=out)
    for line in summary(profile):
        print(line, file=out)
    for line in advice(profile, expected_suffix):
        print("  - " + line, file=out)
    if profile.missing:
        print(_("Not kept: scan all four barcodes to keep the result."), file=out)
        out.flush()
        return 1
    if args.dry_run:
        print(_("Not kept (--dry-run)."), file=out)
        return 0
    from floor.commands import run_service
    from floor.station import save_scanner_profile

    run_service(ctx, lambda session: save_scanner_profile(session, station, profile))
    print(_("Kept for station {station}.", station=station), file=out)
    return 0


def _scan_the_sheet(scans: Iterator[bytes], station: str, where: str, out: TextIO) -> list[Any]:
    """Read scans until every sheet code came once (or the scans end); say each one."""
    from floor.scanning.selftest import SHEET, Capture, code_name, read_capture

    numbers = {code.key: n for n, code in enumerate(SHEET, start=1)}
    remaining = [code.key for code in SHEET]

    def ask() -> None:
        codes = ", ".join(f"{numbers[key]}. {code_name(key)}" for key in remaining)
        print(_("To scan: {codes}", codes=codes), file=out)
        out.flush()

    print(
        _(
            "Scanner self-test for station {station}, reading {where}. Scan the barcodes of "
            "the test sheet (floor scanner sheet) in any order; Ctrl+C stops.",
            station=station,
            where=where,
        ),
        file=out,
    )
    ask()
    readings = []
    try:
        for raw in scans:
            if raw in (b"\x03", b"\x04"):
                break
            reading = read_capture(Capture(raw))
            readings.append(reading)
            if reading.code is None:
                print(_("Not a barcode of the test sheet: {raw}", raw=reading.raw), file=out)
            else:
                key = reading.code
                name = code_name(key)
                print(
                    _("{n}. {name}: received {raw}", n=numbers[key], name=name, raw=reading.raw),
                    file=out,
                )
                if key in remaining:
                    remaining.remove(key)
            if not remaining:
                break
            ask()
    except KeyboardInterrupt:
        print("", file=out)
    return readings


@contextmanager
def _nothing() -> Iterator[None]:
    yield
