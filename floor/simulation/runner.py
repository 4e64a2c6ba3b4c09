"""Running a simulation: N virtual stations (floor/simulation/stations.py), each a thread that
makes one scan's service call every `scan_every` seconds for `seconds`, against the configured
database; optionally spread over several processes (one Python process cannot use more than
a core's worth of CPU). Each scan is journaled like a real station's (so the supervisor board
shows the simulation live) and each station sends its heartbeat; a process's `Recorder`
writes them together every `RECORD_SECONDS`.

Measured: scans applied (service calls), errors by kind, service latency (the transaction,
retries included) p50/p95/p99, transactions per second; at the end the ledger invariants
(`ledger.invariant_violations()`). For sizing: the simulator's CPU per scan by part (thread
CPU: the services, the recorder, the stations' set-up and logic; the whole process) and per
step, and with `count_statements` the statements sent (PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, create_engine, make_url, select
from sqlalchemy.orm import Session

from floor.db import create_floor_engine, ping_when_idle, read_only, transaction
from floor.journal import ACCEPTED, REJECTED, JournalEntry, journal_entry, write_entries
from floor.models import Operator, Station, Warehouse
from floor.simulation import pack_ship  # noqa: F401  (registers the packer and shipper)
from floor.simulation.stations import KINDS, Idle, StationContext
from floor.station import Heartbeat, report_heartbeats

HEARTBEAT_SECONDS = 5.0
STATION_SWITCH_SECONDS = 0.001  # the GIL's switch interval among a process's stations
WARM_UP_SECONDS = 10.0  # Report.steady_latency_ms leaves out scans begun before this
MAX_CONNECTIONS = 72  # all processes' together (PostgreSQL's default max_connections is 100)
RECORD_SECONDS = 0.5  # the journal rows and heartbeats of a process's stations, written together
SIM_PIN = "0000"
KEEP_ON_ERROR = ("cart", "totes", "dock")  # what a station keeps after a refused scan
TOTES_PER_PICKER = 8  # two carts' worth; then totes the packers emptied, else new ones


@dataclass
class Tally:
    """What one process's stations did; tallies of several processes add up."""

    scans: int = 0
    idle: int = 0
    steps: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: dict[str, str] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    # when each of latencies_ms began, in seconds since the run started (all processes')
    started_s: list[float] = field(default_factory=list)
    by_step_ms: dict[str, list[float]] = field(default_factory=dict)
    by_kind_ms: dict[str, list[float]] = field(default_factory=dict)
    # thread CPU (ms) by part: "service" (the timed transactions), "journal", "heartbeat",
    # "station" (the rest of a step: set-up reads, the station's own logic); "process" is the
    # whole process's CPU over the run (GC, pools and threads included)
    cpu_ms: Counter[str] = field(default_factory=Counter)
    cpu_by_step_ms: Counter[str] = field(default_factory=Counter)  # the service's, per step
    # statements sent (DBAPI cursor executes; PostgreSQL only, when counting): by part, by step
    statements: Counter[str] = field(default_factory=Counter)
    statements_by_step: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        self.scans += other.scans
        self.idle += other.idle
        self.steps.update(other.steps)
        self.errors.update(other.errors)
        for kind, sample in other.error_samples.items():
            self.error_samples.setdefault(kind, sample)
        self.latencies_ms.extend(other.latencies_ms)
        self.started_s.extend(other.started_s)
        for step, values in other.by_step_ms.items():
            self.by_step_ms.setdefault(step, []).extend(values)
        for kind, values in other.by_kind_ms.items():
            self.by_kind_ms.setdefault(kind, []).extend(values)
        self.cpu_ms.update(other.cpu_ms)
        self.cpu_by_step_ms.update(other.cpu_by_step_ms)
        self.statements.update(other.statements)
        self.statements_by_step.update(other.statements_by_step)


@dataclass(frozen=True)
class Plan:
    """Which stations run: (kind, station code, operator id) each; each picker's cart and
    first totes (a floor has its carts and a stack of totes before the shift starts)."""

    warehouse_id: int
    stations: list[tuple[str, str, int]]
    carts: dict[str, str] = field(default_factory=dict)
    totes: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Report:
    stations: dict[str, int]
    seconds: float
    scans: int
    idle: int
    errors: dict[str, int]
    error_samples: dict[str, str]
    latency_ms: dict[str, float]
    transactions_per_second: float
    steps: dict[str, int]
    invariant_violations: list[str]
    processes: int = 1
    latency_by_step_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    # latency of the scans begun WARM_UP_SECONDS or more after the start: the floor at work,
    # without the shift's first seconds, when every station starts at once (its first
    # statements compiled, carts claimed, first totes, receipts and waves made)
    steady_latency_ms: dict[str, float] = field(default_factory=dict)
    latency_by_kind_ms: dict[str, dict[str, float]] = field(default_factory=dict)
    # where the simulator's CPU went: ms per scan by part, the service's per step, and the
    # statements per scan (see Tally); for sizing, not for the targets
    cpu_ms_per_scan: dict[str, float] = field(default_factory=dict)
    cpu_ms_by_step: dict[str, float] = field(default_factory=dict)
    statements_per_scan: dict[str, float] = field(default_factory=dict)
    statements_by_step: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def mix_for(stations: int, mix: dict[str, int] | None = None) -> list[str]:
    """The kind of each of `stations` virtual stations, by `mix` weights (default: each kind's
    weight): one of each kind first when there are enough stations, the rest by weight
    (largest remainder)."""
    weights = dict(mix) if mix else {k.name: k.weight for k in KINDS.values() if k.weight}
    unknown = [name for name in weights if name not in KINDS]
    if unknown:
        raise KeyError(", ".join(unknown))
    names = sorted((n for n in weights if weights[n] > 0), key=lambda n: -weights[n])
    counts = dict.fromkeys(names, 1 if stations >= len(names) else 0)
    left = stations - sum(counts.values())
    total = sum(weights[n] for n in names)
    shares = {n: left * weights[n] / total for n in names}
    for n in names:
        counts[n] += int(shares[n])
    by_remainder = sorted(names, key=lambda n: -(shares[n] - int(shares[n])))
    for n in by_remainder[: stations - sum(counts.values())]:
        counts[n] += 1
    return [n for n in names for _ in range(counts[n])]


def prepare(engine: Engine, warehouse_code: str, kinds: list[str]) -> Plan:
    """Simulated operators (SIM-<KIND>-<n>, PIN 0000) and stations, made once and reused;
    a cart and `TOTES_PER_PICKER` totes for each picker, new for each run."""
    from floor.operators import hash_pin
    from floor.outbound.containers import MAX_COUNT, create_containers
    from floor.stock.ledger import SYSTEM

    pin_hash = hash_pin(SIM_PIN)

    def work(s: Session) -> Plan:
        warehouse_id = s.scalar(select(Warehouse.id).where(Warehouse.code == warehouse_code))
        if warehouse_id is None:
            raise LookupError(warehouse_code)
        stations = []
        seen: Counter[str] = Counter()
        for kind in kinds:
            seen[kind] += 1
            tag = f"{kind[:4].upper()}{seen[kind]:03d}"
            badge, code = f"SIM-{tag}", f"SIM-{tag}"
            operator = s.scalar(select(Operator).where(Operator.badge == badge))
            if operator is None:
                operator = Operator(
                    badge=badge,
                    name=f"Sim {kind} {seen[kind]}",
                    pin_hash=pin_hash,
                    roles=KINDS[kind].roles,
                )
                s.add(operator)
                s.flush()
            if s.scalar(select(Station.id).where(Station.code == code)) is None:
                s.add(Station(code=code, name=code, warehouse_id=warehouse_id, kind=kind))
            stations.append((kind, code, operator.id))
        pickers = [code for kind, code, _op in stations if kind == "picker"]
        carts, totes = {}, {}
        if pickers:  # made before the clock starts, in one go (numbering takes a lock)

            def made(kind: str, n: int) -> list[str]:  # at most MAX_COUNT a call
                codes: list[str] = []
                while len(codes) < n:
                    more = min(n - len(codes), MAX_COUNT)
                    codes += create_containers(s, kind, more, actor=SYSTEM).codes
                return codes

            cart_codes = made("cart", len(pickers))
            tote_codes = made("tote", TOTES_PER_PICKER * len(pickers))
            for n, code in enumerate(pickers):
                carts[code] = cart_codes[n]
                totes[code] = list(tote_codes[n * TOTES_PER_PICKER : (n + 1) * TOTES_PER_PICKER])
        return Plan(int(warehouse_id), stations, carts, totes)

    return transaction(engine, work)


class Recorder(threading.Thread):
    """Writes the journal rows and heartbeats of a process's stations every `RECORD_SECONDS`,
    all in one transaction (a real station writes its own, from its own machine: here one
    process stands for many stations, and a transaction per scan's journal row and per beat
    cost the simulator a third of its CPU). The board still sees a scan within a second."""

    def __init__(self, engine: Engine, tally: Tally, lock: threading.Lock) -> None:
        super().__init__(name="sim-recorder", daemon=True)
        self.engine, self.tally, self.lock = engine, tally, lock
        self.entries: list[JournalEntry] = []
        self.beats: dict[str, Heartbeat] = {}
        self.pending = threading.Lock()
        self.stop = threading.Event()
        self.cpu_ms = 0.0

    def journal(self, entry: JournalEntry) -> None:
        with self.pending:
            self.entries.append(entry)

    def beat(self, beat: Heartbeat) -> None:
        with self.pending:
            self.beats[beat.station] = beat

    def run(self) -> None:
        while not self.stop.wait(RECORD_SECONDS):
            self.flush()

    def close(self) -> None:
        self.stop.set()
        self.join(30)
        self.flush()  # what came in after the last turn

    def flush(self) -> None:
        with self.pending:
            entries, self.entries = self.entries, []
            beats, self.beats = list(self.beats.values()), {}
        if not entries and not beats:
            return
        cpu, statements = time.thread_time(), sent()

        def work(s: Session) -> None:
            if entries:
                write_entries(s, entries)
            report_heartbeats(s, beats)

        try:
            transaction(self.engine, work)
        except Exception as exc:  # counted: the journal must take every scan
            with self.lock:
                for kind, lost in (("journal", entries), ("heartbeat", beats)):
                    if lost:
                        self.tally.errors[kind] += 1
                        self.tally.error_samples.setdefault(
                            kind, f"{type(exc).__name__}: {exc}"[:300]
                        )
        with self.lock:
            self.tally.cpu_ms["recorder"] += (time.thread_time() - cpu) * 1000
            self.tally.statements["recorder"] += sent() - statements


_sent = threading.local()  # statements this thread sent (see count_statements)


def sent() -> int:
    return getattr(_sent, "n", 0)


def count_statements() -> None:
    """From now on count, per thread, the statements this process sends through psycopg
    (each cursor execute is one round trip; BEGIN and COMMIT are not counted)."""
    import psycopg

    if getattr(psycopg.Cursor, "_sim_counted", False):
        return
    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

    def counted_execute(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        _sent.n = getattr(_sent, "n", 0) + 1
        return execute(self, *args, **kwargs)

    def counted_executemany(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        _sent.n = getattr(_sent, "n", 0) + 1
        return executemany(self, *args, **kwargs)

    psycopg.Cursor.execute = counted_execute  # type: ignore[method-assign]
    psycopg.Cursor.executemany = counted_executemany  # type: ignore[method-assign]
    psycopg.Cursor._sim_counted = True  # type: ignore[attr-defined]


class StationThread(threading.Thread):
    def __init__(
        self,
        engine: Engine,
        plan: Plan,
        station: tuple[str, str, int],
        every: float,
        deadline: float,
        tally: Tally,
        lock: threading.Lock,
        stop: threading.Event,
        seed: int,
        run_tag: str,
        recorder: Recorder,
    ) -> None:
        kind, code, operator_id = station
        super().__init__(name=f"sim-{code}", daemon=True)
        self.engine, self.kind, self.every, self.deadline = engine, KINDS[kind], every, deadline
        self.tally, self.lock, self.stop = tally, lock, stop
        self.recorder = recorder
        self.run_started = time.time()  # run_stations sets the run's own start
        self.started_at = dt.datetime.now(dt.UTC)
        self.last_scan_at: dt.datetime | None = None
        self.ctx = StationContext(
            engine=engine,
            warehouse_id=plan.warehouse_id,
            station=code,
            operator_id=operator_id,
            rng=random.Random(seed),
            run_tag=run_tag,
            timed=self.timed,
            every=every,
        )
        self.current_scan = ""
        self.cpu_ms: Counter[str] = Counter()  # this thread's CPU by part (see Tally)
        self.sent: Counter[str] = Counter()
        self.cpu_by_step_ms: Counter[str] = Counter()
        self.sent_by_step: Counter[str] = Counter()
        if code in plan.carts:
            self.ctx.state["cart"] = plan.carts[code]
            self.ctx.state["totes"] = list(plan.totes.get(code, ()))
        peers = [c for k, c, _o in plan.stations if k == kind]  # its lane among its kind
        self.ctx.lane, self.ctx.lanes = peers.index(code), len(peers)

    def timed(self, what: str, work: Callable[[Session], Any]) -> Any:
        """One scan: its service call in one transaction, timed, then journaled."""
        scan_id = uuid.uuid4().hex
        self.ctx.scan_id = lambda: scan_id  # type: ignore[method-assign]
        read_at = dt.datetime.now(dt.UTC)
        self.last_scan_at = read_at
        cpu, statements = time.thread_time(), sent()
        started = time.perf_counter()
        outcome, message = ACCEPTED, what
        try:
            return transaction(self.engine, work)
        except Exception as exc:
            outcome, message = REJECTED, f"{type(exc).__name__}: {exc}"
            raise
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.thread_time() - cpu) * 1000
            statements = sent() - statements
            self.cpu_ms["service"] += cpu
            self.cpu_by_step_ms[what] += cpu
            self.sent["service"] += statements
            self.sent_by_step[what] += statements
            with self.lock:
                self.tally.scans += 1
                self.tally.latencies_ms.append(elapsed)
                self.tally.started_s.append(time.time() - self.run_started)
                self.tally.by_step_ms.setdefault(what, []).append(elapsed)
                self.tally.by_kind_ms.setdefault(self.kind.name, []).append(elapsed)
            self._journal(scan_id, what, outcome, message, read_at)

    def _journal(
        self, scan_id: str, what: str, outcome: str, message: str, at: dt.datetime
    ) -> None:
        entry = journal_entry(
            scan_id=scan_id,
            station=self.ctx.station,
            operator_id=self.ctx.operator_id,
            device="simulator",
            raw=what.encode(),
            kind="simulated",
            outcome=outcome,
            message=message[:500],
            read_at=at,
        )
        self.recorder.journal(entry)

    def _beat(self) -> None:
        beat = Heartbeat(
            self.ctx.station,
            self.ctx.operator_id,
            self.kind.name,
            True,
            True,
            "simulator",
            self.last_scan_at,
            self.started_at,
        )
        self.recorder.beat(beat)

    def _error(self, kind: str, exc: BaseException) -> None:
        with self.lock:
            self.tally.errors[kind] += 1
            self.tally.error_samples.setdefault(kind, f"{type(exc).__name__}: {exc}"[:300])

    def run(self) -> None:
        cpu, statements = time.thread_time(), sent()
        try:
            self._run()
        finally:
            parts = ("service",)
            self.cpu_ms["station"] += (time.thread_time() - cpu) * 1000 - sum(
                self.cpu_ms[p] for p in parts
            )
            self.sent["station"] += sent() - statements - sum(self.sent[p] for p in parts)
            with self.lock:
                self.tally.cpu_ms.update(self.cpu_ms)
                self.tally.cpu_by_step_ms.update(self.cpu_by_step_ms)
                self.tally.statements.update(self.sent)
                self.tally.statements_by_step.update(self.sent_by_step)

    def _run(self) -> None:
        rng = self.ctx.rng
        next_at = time.monotonic() + rng.uniform(0, self.every)
        next_beat = 0.0
        while not self.stop.is_set():
            now = time.monotonic()
            if now >= next_beat:
                self._beat()
                next_beat = now + HEARTBEAT_SECONDS
            if next_at > now:
                self.stop.wait(min(next_at, next_beat) - now)
                continue
            if now >= self.deadline:
                break
            try:
                done = self.kind.step(self.ctx)
                with self.lock:
                    self.tally.steps[done] += 1
            except Idle:
                with self.lock:
                    self.tally.idle += 1
            except Exception as exc:
                from floor.errors import FloorError

                kind = type(exc).__name__ if isinstance(exc, FloorError) else "crash"
                if kind == "crash" and _is_database(exc):
                    kind = "database"
                self._error(kind, exc)
                self.ctx.state = {k: v for k, v in self.ctx.state.items() if k in KEEP_ON_ERROR}
            next_at = max(next_at + self.every, time.monotonic())


def _is_database(exc: BaseException) -> bool:
    from floor.db import is_database_failure

    return is_database_failure(exc)


def run_stations(
    engine: Engine,
    plan: Plan,
    stations: list[tuple[str, str, int]],
    *,
    every: float,
    seconds: float,
    seed: int,
    run_tag: str,
    count: bool = False,
    progress: Callable[[Tally], None] | None = None,
    run_started: float | None = None,
) -> Tally:
    """Run `stations` as threads of this process until `seconds` have passed; latencies are
    dated from `run_started` (time.time() when the whole run began, in any process)."""
    tally, lock, stop = Tally(), threading.Lock(), threading.Event()
    if count and engine.dialect.name == "postgresql":
        count_statements()
    # Each station here stands for a station app of its own, on a machine of its own; one
    # process holds many of them under one GIL. A thread back from a database round trip
    # waits for the GIL while another station's Python runs, up to the switch interval
    # (5 ms by default) a time; 1 ms keeps that wait, which no real station has, short.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(STATION_SWITCH_SECONDS)
    process_cpu = time.process_time()
    deadline = time.monotonic() + seconds
    recorder = Recorder(engine, tally, lock)
    threads = [
        StationThread(
            engine,
            plan,
            station,
            every,
            deadline,
            tally,
            lock,
            stop,
            seed * 1000 + n,
            run_tag,
            recorder,
        )
        for n, station in enumerate(stations)
    ]
    recorder.start()
    for thread in threads:
        thread.run_started = run_started or time.time()
        thread.start()
    try:
        while time.monotonic() < deadline:
            time.sleep(min(0.5, max(deadline - time.monotonic(), 0)))
            if progress is not None:
                with lock:
                    progress(tally)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
        recorder.close()
        sys.setswitchinterval(switch_interval)
    tally.cpu_ms["process"] += (time.process_time() - process_cpu) * 1000
    return tally


def _engine(url: str, connections: int) -> Engine:
    """The simulator's engine. On PostgreSQL a pool of at most `connections`, all kept open
    once made: with overflow connections (closed when given back) a busy run kept opening new
    connections, each a new backend that starts with cold caches, at PostgreSQL's expense.
    Last in, first out, as the application's engine (floor.db)."""
    if make_url(url).get_backend_name() != "postgresql":
        return create_floor_engine(url, pool_size=connections)
    engine = create_engine(
        url, pool_size=connections, max_overflow=0, pool_timeout=60, pool_use_lifo=True
    )
    ping_when_idle(engine)
    return engine


def _child(
    url: str,
    plan: Plan,
    part: list[tuple[str, str, int]],
    options: dict,
    queue: Any,
    counter: Any,
    connections: int,
) -> None:
    engine = _engine(url, min(connections, len(part) + 1))  # a station uses one at a time

    def report(tally: Tally) -> None:
        counter.value = tally.scans

    tally = run_stations(engine, plan, part, progress=report, **options)
    engine.dispose()
    queue.put(tally)


def simulate(
    url: str,
    warehouse_code: str,
    *,
    stations: int,
    every: float,
    seconds: float,
    mix: dict[str, int] | None = None,
    processes: int = 1,
    seed: int = 1,
    progress: Callable[[float, int], None] | None = None,
    count_statements: bool = False,
) -> Report:
    """Run the simulation against the database at `url`; `progress(share done, scans)`.
    `count_statements`: count the statements sent (PostgreSQL), by part and step."""
    engine = _engine(url, min(MAX_CONNECTIONS, stations + 1))
    kinds = mix_for(stations, mix)
    plan = prepare(engine, warehouse_code, kinds)
    run_tag = dt.datetime.now(dt.UTC).strftime("%H%M%S")
    options = {
        "every": every,
        "seconds": seconds,
        "seed": seed,
        "run_tag": run_tag,
        "count": count_statements,
        "run_started": time.time(),
    }
    started = time.monotonic()
    processes = max(1, min(processes, stations))
    total = Tally()
    if processes == 1:

        def report(tally: Tally) -> None:
            if progress is not None:
                progress(min((time.monotonic() - started) / seconds, 1.0), tally.scans)

        total = run_stations(engine, plan, plan.stations, progress=report, **options)
    else:
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        parts = [plan.stations[n::processes] for n in range(processes)]
        counters = [context.Value("i", 0) for _ in parts]
        children = [
            context.Process(
                target=_child,
                args=(url, plan, part, options, queue, counter, MAX_CONNECTIONS // processes),
            )
            for part, counter in zip(parts, counters, strict=True)
        ]
        for child in children:
            child.start()
        results: list[Tally] = []
        while len(results) < len(children):
            try:
                results.append(queue.get(timeout=0.5))
            except Exception:
                if all(not c.is_alive() for c in children) and queue.empty():
                    break
            if progress is not None:
                share = min((time.monotonic() - started) / seconds, 1.0)
                progress(share, sum(c.value for c in counters))
        for child in children:
            child.join(30)
        for result in results:
            total.add(result)
    elapsed = time.monotonic() - started
    from floor.stock import ledger

    with read_only(engine) as session:
        violations = ledger.invariant_violations(session)
    engine.dispose()
    latencies = total.latencies_ms
    steady = [
        ms for ms, at in zip(latencies, total.started_s, strict=True) if at >= WARM_UP_SECONDS
    ]
    return Report(
        stations=dict(Counter(kinds)),
        seconds=round(elapsed, 2),
        scans=total.scans,
        idle=total.idle,
        errors=dict(total.errors),
        error_samples=total.error_samples,
        latency_ms={
            "p50": round(percentile(latencies, 0.50), 2),
            "p95": round(percentile(latencies, 0.95), 2),
            "p99": round(percentile(latencies, 0.99), 2),
            "mean": round(statistics.fmean(latencies), 2) if latencies else 0.0,
        },
        steady_latency_ms={
            "p50": round(percentile(steady, 0.50), 2),
            "p95": round(percentile(steady, 0.95), 2),
            "p99": round(percentile(steady, 0.99), 2),
            "n": len(steady),
        },
        transactions_per_second=round(total.scans / elapsed, 2) if elapsed else 0.0,
        steps=dict(total.steps),
        invariant_violations=violations,
        processes=processes,
        latency_by_step_ms=_by(total.by_step_ms),
        latency_by_kind_ms=_by(total.by_kind_ms),
        cpu_ms_per_scan=_per(total.cpu_ms, total.scans),
        cpu_ms_by_step={
            step: round(ms / len(total.by_step_ms[step]), 2)
            for step, ms in sorted(total.cpu_by_step_ms.items())
        },
        statements_per_scan=_per(total.statements, total.scans),
        statements_by_step={
            step: round(n / len(total.by_step_ms[step]), 1)
            for step, n in sorted(total.statements_by_step.items())
        },
    )


def _per(counts: Counter[str], scans: int) -> dict[str, float]:
    return {k: round(v / scans, 2) for k, v in sorted(counts.items())} if scans else {}


def _by(latencies: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Count, p50 and p95 of each step's (or station kind's) latencies."""
    return {
        name: {
            "n": len(values),
            "p50": round(percentile(values, 0.50), 2),
            "p95": round(percentile(values, 0.95), 2),
        }
        for name, values in sorted(latencies.items())
    }
