"""Scan benchmarks: parse throughput against plain biip.parse, and serial-to-app latency on a pty.

    .venv/bin/python -m bench.scan [--scans 20000] [--latency-scans 10000]

Throughput: parse_scan over a realistic mix of distinct scans (GS1 with lot and expiry,
SSCC, EAN-13, locations, LPNs, totes, commands), then GS1 element strings alone; the
baseline is biip.parse over the same inputs in the same run.

Latency: a PtySimulator writes one scan at a time; the clock starts just before the
terminator byte is written and stops when the parsed Scan reaches an asyncio event loop
(as Textual's call_from_thread would deliver it). Baseline: a bare os.read loop on the
same kind of pty, with no pyserial, framing or parsing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import threading
import time
import tty

from floor.gs1 import with_check_digit


def mixed_scans(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    scans: list[str] = []
    for index in range(count):
        pick = index % 10
        if pick < 4:
            gtin = with_check_digit(f"0{rng.randrange(10**12):012d}")
            lot = f"L{rng.randrange(10**6):06d}"
            scans.append(f"]C101{gtin}10{lot}\x1d17{rng.randint(25, 30)}{rng.randint(1, 12):02d}15")
        elif pick == 4:
            scans.append("00" + with_check_digit(f"3{rng.randrange(10**16):016d}"))
        elif pick == 5:
            scans.append(with_check_digit(f"{rng.randrange(10**12):012d}"))
        elif pick == 6:
            scans.append(f"A{rng.randint(1, 40):02d}-{rng.randint(1, 30):02d}-{rng.randint(1, 6)}")
        elif pick == 7:
            scans.append(f"LPN{rng.randrange(10**6):06d}")
        elif pick == 8:
            scans.append(f"TOTE{rng.randrange(10**4):04d}")
        else:
            scans.append(rng.choice(["CMD:CONFIRM", "CMD:DONE", f"CMD:QTY:{rng.randint(1, 99)}"]))
    return scans


def gs1_scans(count: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        gtin = with_check_digit(f"0{rng.randrange(10**12):012d}")
        out.append(
            f"01{gtin}10L{rng.randrange(10**8):08d}\x1d17270131\x1d21S{rng.randrange(10**6)}"
        )
    return out


REPEATS = 5


def rate(function, inputs: list[str]) -> float:
    started = time.perf_counter()
    for value in inputs:
        function(value)
    return len(inputs) / (time.perf_counter() - started)


def throughput(count: int) -> None:
    import biip

    from floor.scanning import parse_scan

    for name, inputs in (("mixed", mixed_scans(count)), ("gs1 only", gs1_scans(count))):
        rate(parse_scan, inputs[:500])  # warm imports
        ours = [rate(parse_scan, inputs) for _ in range(REPEATS)]
        theirs = [rate(biip.parse, inputs) for _ in range(REPEATS)]
        ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
        print(
            f"parse {name:9s} n={count} x{REPEATS}: parse_scan median {ours_median:8,.0f}/s "
            f"best {max(ours):8,.0f}/s | biip.parse median {theirs_median:7,.0f}/s "
            f"best {max(theirs):7,.0f}/s | ratio of medians {ours_median / theirs_median:5.2f}x"
        )


def percentiles(samples_ns: list[int]) -> str:
    ordered = sorted(samples_ns)
    p50 = ordered[len(ordered) // 2] / 1e6
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1e6
    worst = ordered[-1] / 1e6
    mean = statistics.fmean(ordered) / 1e6
    return f"p50 {p50:6.3f} ms  p99 {p99:6.3f} ms  mean {mean:6.3f} ms  max {worst:6.3f} ms"


def latency_floor(count: int) -> list[int]:
    from floor.devices.serial_port import SerialSettings
    from floor.devices.serial_source import SerialScanSource
    from floor.devices.simulator import PtySimulator
    from floor.scanning import parse_scan

    loop = asyncio.new_event_loop()
    arrived = threading.Event()
    stamps: list[int] = []

    def in_app(scan) -> None:
        stamps.append(time.perf_counter_ns())
        arrived.set()

    def on_scan(raw) -> None:
        loop.call_soon_threadsafe(in_app, parse_scan(raw.raw))

    connected = threading.Event()
    simulator = PtySimulator()
    source = SerialScanSource(SerialSettings(port=simulator.path))
    source.start(on_scan, lambda status: connected.set())
    starts: list[int] = []
    bodies = [scan.encode() for scan in mixed_scans(count)]

    def writer() -> None:
        connected.wait(5)
        for body in bodies:
            arrived.clear()
            simulator.write(body)
            starts.append(time.perf_counter_ns())
            simulator.write(b"\r")
            arrived.wait(5)
        loop.call_soon_threadsafe(loop.stop)

    thread = threading.Thread(target=writer)
    thread.start()
    loop.run_forever()
    thread.join()
    source.stop()
    simulator.close()
    loop.close()
    return [end - start for start, end in zip(starts, stamps, strict=True)]


def latency_baseline(count: int) -> list[int]:
    master, slave = os.openpty()
    tty.setraw(slave)
    got = threading.Event()
    stamps: list[int] = []

    def reader() -> None:
        buffer = b""
        while len(stamps) < count:
            buffer += os.read(slave, 4096)
            while b"\r" in buffer:
                _, _, buffer = buffer.partition(b"\r")
                stamps.append(time.perf_counter_ns())
                got.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    starts = []
    for body in mixed_scans(count):
        got.clear()
        os.write(master, body.encode())
        starts.append(time.perf_counter_ns())
        os.write(master, b"\r")
        got.wait(5)
    thread.join(5)
    os.close(master)
    os.close(slave)
    return [end - start for start, end in zip(starts, stamps, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=20000, help="inputs for the parse benchmark")
    parser.add_argument(
        "--latency-scans", type=int, default=10000, help="scans sent one by one over the pty"
    )
    args = parser.parse_args()
    print(f"cpu count {os.cpu_count()}")
    throughput(args.scans)
    ours = latency_floor(args.latency_scans)
    base = latency_baseline(args.latency_scans)
    print(
        f"latency floor  n={len(ours)}: {percentiles(ours)}   (terminator -> parsed Scan in loop)"
    )
    print(f"latency bare   n={len(base)}: {percentiles(base)}   (terminator -> os.read in thread)")
    p99_ours = sorted(ours)[int(len(ours) * 0.99)]
    p99_base = sorted(base)[int(len(base) * 0.99)]
    print(
        f"p99 ratio floor/bare {p99_ours / p99_base:5.2f}x; target p99 < 10 ms: "
        f"{'met' if p99_ours < 10_000_000 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
