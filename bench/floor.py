"""Benchmark `floor simulate` on PostgreSQL: 50 and 200 stations scanning once every 3 s,
then more stations until the service p95 passes 100 ms on this machine.

A scratch database on 127.0.0.1 (user postgres) gets the demo warehouse; each run drives the
stations for `--seconds` through the real services (spread over `--processes` processes),
and reports service latency p50/p95/p99, errors by kind, scans per second, the ledger
invariants, the p95 of each kind of station and of the slowest steps, and the lock waits seen:
every 100 ms the bench's own database's backends waiting on a lock (pg_stat_activity,
wait_event_type 'Lock') are counted by the statement they wait in. The load average is
printed with each run (the machine may be shared). Baseline in the same run: one station
alone (what a scan costs with no contention); the ratio is each run's p95 over it. Then the
station count doubles from `--search-from` while p95 stays at most 100 ms, and the largest
count that kept it there is printed. Targets: p95 <= 50 ms, 0 errors, 0 invariant violations
at 50 and 200 stations.

    .venv/bin/python -m bench.floor                                  # 60 s runs
    .venv/bin/python -m bench.floor --seconds 30 --search-from 400 --search-to 1600
    .venv/bin/python -m bench.floor --seconds 30 --stations 50 --stations 200 --search-to 0
"""

from __future__ import annotations

import argparse
import os
import threading
import time
from collections import Counter

from sqlalchemy import create_engine, text

from bench.ledger import Database
from floor.demo import build_demo
from floor.simulation.runner import Report, simulate

EVERY = 3.0


class LockWaits:
    """Samples the database's backends waiting on a lock, every `interval` seconds, in a
    thread of its own (one connection, outside the simulation's pools)."""

    def __init__(self, url: str, database: str, interval: float = 0.1) -> None:
        self.engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1)
        self.database, self.interval = database, interval
        self.samples = 0
        self.waiting: Counter[str] = Counter()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        query = text(
            "SELECT wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) "
            "FROM pg_stat_activity WHERE datname = :db AND wait_event_type = 'Lock'"
        )
        with self.engine.connect() as conn:
            while not self.stop.wait(self.interval):
                self.samples += 1
                for event, query_text in conn.execute(query, {"db": self.database}):
                    self.waiting[f"{event}: {query_text}"] += 1

    def __enter__(self) -> LockWaits:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(5)
        self.engine.dispose()

    def summary(self, top: int = 4) -> list[str]:
        """The statements most waited in: share of samples with a backend waiting there."""
        if not self.samples:
            return []
        return [
            f"{n / self.samples:5.2f} waiting  {what}" for what, n in self.waiting.most_common(top)
        ]


def load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def run(db: Database, stations: int, seconds: float, processes: int) -> Report:
    started = time.perf_counter()
    load_before = load()
    with LockWaits(db.url, db.name) as waits:
        report = simulate(
            db.url,
            "DEMO",
            stations=stations,
            every=EVERY,
            seconds=seconds,
            processes=min(processes, stations),
        )
    lat = report.latency_ms
    errors = sum(report.errors.values())
    print(
        f"  {stations:>5} stations: {report.scans:>6} scans, {report.transactions_per_second:>6.1f}"
        f"/s, p50 {lat['p50']:.1f} ms, p95 {lat['p95']:.1f} ms, p99 {lat['p99']:.1f} ms, "
        f"errors {errors} {dict(report.errors) or ''}, invariant violations "
        f"{len(report.invariant_violations)} ({time.perf_counter() - started:.0f} s; "
        f"load {load_before} -> {load()})",
        flush=True,
    )
    for kind, sample in report.error_samples.items():
        print(f"         {kind}: {sample}")
    kinds = report.latency_by_kind_ms
    print(
        "         p95 by kind: "
        + ", ".join(f"{k} {v['p95']:.0f} ms (n {v['n']})" for k, v in sorted(kinds.items()))
    )
    slowest = sorted(report.latency_by_step_ms.items(), key=lambda kv: -kv[1]["p95"])[:5]
    print("         slowest p95: " + ", ".join(f"{k} {v['p95']:.0f} ms" for k, v in slowest))
    print(f"         lock waits ({waits.samples} samples of pg_stat_activity):")
    for line in waits.summary() or ["none seen"]:
        print(f"           {line}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="FLOOR_BENCH_PG names the PostgreSQL server (default "
        "postgresql+psycopg://postgres@127.0.0.1:5432/test); a scratch database is made there.",
    )
    parser.add_argument("--seconds", type=float, default=60, help="length of each run")
    parser.add_argument("--processes", type=int, default=2, help="processes the stations run in")
    parser.add_argument(
        "--stations",
        type=int,
        action="append",
        help="station counts measured against the targets (repeatable; default 50 and 200)",
    )
    parser.add_argument("--search-from", type=int, default=400, help="first count of the search")
    parser.add_argument(
        "--search-to", type=int, default=1600, help="last count of the search (0: no search)"
    )
    args = parser.parse_args()
    db = Database("postgresql", "floor")
    try:
        build_demo(db.engine)
        print(
            f"floor simulate on PostgreSQL, one scan per {EVERY:.0f} s per station, "
            f"{args.seconds:.0f} s per run, {args.processes} processes, "
            f"{os.cpu_count()} cores, load average {load()}"
        )
        base = run(db, 1, args.seconds, 1)
        base_p95 = base.latency_ms["p95"] or 1.0
        best = 0
        for stations in args.stations or (50, 200):
            report = run(db, stations, args.seconds, args.processes)
            print(f"         p95 / one station alone: {report.latency_ms['p95'] / base_p95:.2f}")
            if report.latency_ms["p95"] <= 100:
                best = max(best, stations)
        stations = args.search_from
        while args.search_to and stations <= args.search_to:
            report = run(db, stations, args.seconds, args.processes)
            if report.latency_ms["p95"] > 100:
                break
            best = stations
            stations *= 2
        print(f"largest station count tried with p95 <= 100 ms: {best} (load {load()})")
    finally:
        db.close()


if __name__ == "__main__":
    main()
