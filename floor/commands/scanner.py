"""`floor scanner`: list serial ports, watch a scanner's scans live, simulate a scanner on a pty;
the self-test sheet and test (floor/commands/scanner_selftest.py)."""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from floor.commands import CommandContext, CommandError
from floor.i18n import _

if TYPE_CHECKING:
    from floor.devices.serial_port import SerialSettings

TERMINATOR_CHOICES = ["CR", "LF", "CRLF", "TAB", "NONE"]


def register(sub: Any) -> None:
    p = sub.add_parser(
        "scanner",
        help="list, watch, test and simulate barcode scanners",
        description="Barcode scanners: list serial ports, print scans as parsed, print a test "
        "sheet and find out what a scanner sends (GS, AIM identifiers, suffix, keyboard "
        "layout), or simulate a serial scanner on a pseudo-terminal so a station runs with no "
        "hardware.",
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="scanner_command", metavar="ACTION", title="actions")

    lst = actions.add_parser(
        "list",
        help="list serial ports with USB vid:pid, serial number and /dev/serial/by-id path",
        description="Serial ports this machine has. Use the by-id path or usb:VID:PID[:SERIAL] "
        "as port in [scanner], so the scanner is found again after it is replugged.",
    )
    lst.set_defaults(handler=cmd_list)

    test = actions.add_parser(
        "watch",
        help="print each scan from a serial scanner as parsed, live, until Ctrl+C",
        description="Open a serial scanner (PORT, or the one in [scanner]) and print every scan "
        "as floor understands it, with its raw bytes (GS shown as <GS>).",
    )
    test.add_argument(
        "port",
        nargs="?",
        help="device path, /dev/serial/by-id name or usb:VID:PID[:SERIAL]; default: [scanner] port",
    )
    test.add_argument(
        "--baud", type=int, metavar="N", help="baud rate (default from [scanner], 9600)"
    )
    test.add_argument(
        "--terminator",
        choices=TERMINATOR_CHOICES,
        type=str.upper,
        help="suffix that ends a scan (default from [scanner], CR)",
    )
    test.add_argument("--count", type=int, metavar="N", help="stop after N scans")
    test.add_argument(
        "--timeout", type=float, metavar="SECONDS", help="stop after SECONDS without waiting more"
    )
    test.set_defaults(handler=cmd_watch)

    from floor.commands.scanner_selftest import add_parsers

    add_parsers(actions)

    sim = actions.add_parser(
        "simulate",
        help="act as a serial scanner on a pseudo-terminal; prints the port path to use",
        description="Open a pseudo-terminal, print its path, and send each line typed on stdin "
        "(or read from --file) as one scan, the way a serial scanner would. Write GS as <GS> "
        "or \\x1d. Point a station at the path: FLOOR_SCANNER__KIND=serial "
        "FLOOR_SCANNER__PORT=<path> floor",
    )
    sim.add_argument("--file", metavar="FILE", help="send the lines of FILE instead of stdin")
    sim.add_argument(
        "--aim",
        metavar="PREFIX",
        help="AIM symbology identifier put before each scan, e.g. ]C1 (GS1-128), ]d2, ]Q3, ]E0",
    )
    sim.add_argument(
        "--terminator",
        choices=TERMINATOR_CHOICES,
        type=str.upper,
        default="CR",
        help="suffix sent after each scan (default CR)",
    )
    sim.add_argument(
        "--link",
        metavar="PATH",
        help="also make PATH a symlink to the pty, so a station config can name a fixed path",
    )
    sim.add_argument(
        "--wait", type=float, default=0.0, metavar="SECONDS", help="wait before the first scan"
    )
    sim.add_argument(
        "--interval", type=float, default=0.0, metavar="SECONDS", help="pause between scans"
    )
    sim.add_argument(
        "--drain",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="at the end, wait up to SECONDS for a station to read what was sent (default 2)",
    )
    sim.add_argument(
        "--stay", action="store_true", help="with --file: keep the port open until Ctrl+C"
    )
    sim.set_defaults(handler=cmd_simulate)


def cmd_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.devices.serial_port import list_serial_ports

    ports = list_serial_ports()
    if not ports:
        print(_("No serial ports found."), file=ctx.out)
        return 0
    for port in ports:
        usb = port.usb_id or "-"
        print(f"{port.device}\t{usb}\t{port.description}", file=ctx.out)
        if port.serial_number:
            print("    " + _("serial number: {number}", number=port.serial_number), file=ctx.out)
        if port.by_id:
            print("    " + _("by-id: {path}", path=port.by_id), file=ctx.out)
    return 0


def _serial_settings(args: argparse.Namespace, ctx: CommandContext) -> SerialSettings:
    from dataclasses import replace

    from floor.config import ConfigError
    from floor.devices.serial_port import SerialSettings

    section = {
        k: v
        for k, v in ctx.settings.section("scanner").items()
        if k not in ("kind", "device", "grab")
    }
    try:
        settings = SerialSettings.from_section(section)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    changes: dict[str, Any] = {}
    if args.port:
        changes["port"] = args.port
        changes["name"] = ""
    if args.baud:
        changes["baudrate"] = args.baud
    if args.terminator:
        changes["terminator"] = args.terminator
    settings = replace(settings, **changes)
    if not settings.port:
        raise CommandError("no scanner port: give PORT or set port in [scanner] of floor.toml")
    return settings


def show_raw(raw: bytes) -> str:
    text = raw.decode("utf-8", "backslashreplace")
    return text.replace("\x1d", "<GS>")


def cmd_watch(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.config import ConfigError
    from floor.devices.serial_source import SerialScanSource
    from floor.scanning import ScanLanguage, parse_scan

    settings = _serial_settings(args, ctx)
    try:
        language = ScanLanguage.from_settings(ctx.settings)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    done = threading.Event()
    lock = threading.Lock()
    seen = [0]
    out = ctx.out

    def on_scan(raw_scan: Any) -> None:
        scan = parse_scan(raw_scan.raw, language)
        with lock:
            seen[0] += 1
            print(f"{scan.kind.value:<15} {scan.describe()}", file=out)
            print(
                "    "
                + _(
                    "raw {raw}  id {scan_id}", raw=show_raw(raw_scan.raw), scan_id=raw_scan.scan_id
                ),
                file=out,
            )
            out.flush()
            if args.count and seen[0] >= args.count:
                done.set()

    def on_status(status: Any) -> None:
        with lock:
            print(f"[{status.state.value}] {status.message}", file=out)
            out.flush()

    source = SerialScanSource(settings)
    reading = _(
        "Reading {port} ({baud} baud, suffix {suffix}); Ctrl+C to stop.",
        port=settings.port,
        baud=settings.baudrate,
        suffix=settings.terminator,
    )
    print(reading, file=out)
    out.flush()
    source.start(on_scan, on_status)
    try:
        done.wait(args.timeout)
    finally:
        source.stop()
    return 0


def cmd_simulate(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.devices.simulator import PtySimulator

    if args.aim is not None and (len(args.aim) != 3 or not args.aim.startswith("]")):
        raise CommandError(
            f"--aim: expected a 3-character identifier such as ]C1, got {args.aim!r}"
        )
    source = sys.stdin
    if args.file:
        try:
            source = open(args.file, encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"--file: cannot read {args.file}: {exc.strerror}") from None
    try:
        simulator = PtySimulator(link=args.link)
    except OSError as exc:
        raise CommandError(f"--link: cannot create {args.link}: {exc.strerror}") from None
    out = ctx.out
    try:
        print(simulator.path, file=out)
        if args.link:
            print(f"    ({simulator.slave_path})", file=ctx.err)
        if not args.file:
            print(
                _("Type a scan and press Enter; <GS> sends the GS byte; Ctrl+D ends."), file=ctx.err
            )
        out.flush()
        if args.wait:
            time.sleep(args.wait)
        sent = 0
        for line in source:
            text = line.rstrip("\r\n")
            if not text:
                continue
            if sent and args.interval:
                time.sleep(args.interval)
            simulator.send(text, aim=args.aim, terminator=args.terminator)
            sent += 1
        if not simulator.drain(args.drain):
            print(
                _("{count} bytes were not read by any station", count=simulator.unread()),
                file=ctx.err,
            )
        print(_("sent {count} scans", count=sent), file=ctx.err)
        if args.file and args.stay:
            threading.Event().wait()
    finally:
        if source is not sys.stdin:
            source.close()
        simulator.close()
    return 0
