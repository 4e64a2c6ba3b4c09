"""Station app benchmark: scan-to-screen latency at 1 million balances, and cold start.

Scan-to-screen: a database with the demo warehouse plus a set-based fill of 1 million
balances (each with its movement, so the ledger's invariant holds) in the same warehouse,
with the demo items. The real app runs headless (`App.run_test(size=(80, 24))`); operator
OP1002 (receiver) logs in, opens Receiving, starts a blind receipt (F2 / CMD:CONFIRM) and
scans item GTINs one at a time. Each scan commits a receipt through the ledger
(receiving.receive_scan + receipt_summary in one `floor.db.transaction`). The clock runs
from `app.inject_scan()` until the first frame the compositor hands to the driver
(`App._display`) after the scan's ticket settled accepted (service committed, result
handler ran) with the feedback line showing "received". Between scans the bench waits for
the background workers (flow state, scan journal) so each scan starts from an idle station.
Baseline, in the same run and interleaved scan by scan: the same service work in the
same `transaction()` on a second blind receipt, with no UI. A second flow, a bench-only
FlowScreen whose service is `inventory.move` of 1 unit between two demo locations, measures
the shell around the smallest committing ledger transaction, with its bare baseline.

Cold start: `python -m floor run --scanner none` in a pseudo-terminal (80x24) with
FLOOR_DATABASE_URL at a demo database; the clock runs from spawn until "Scan your badge"
appears in what the app wrote to the terminal. Baselines in the same way: `python -c pass`
and `python -c "import textual"` (until exit), and a minimal Textual app showing the same
text (until it appears). Median of N runs after one unmeasured warm-up run each.

    .venv/bin/python -m bench.ui                           # SQLite, 1M balances, 1000 scans
    .venv/bin/python -m bench.ui --backends sqlite,postgresql
    .venv/bin/python -m bench.ui --quick                   # 100k balances, 200 scans
    .venv/bin/python -m bench.ui --only cold               # cold start only
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from sqlalchemy import Engine, create_engine, func, text
from sqlalchemy import select as sql_select
from sqlalchemy.engine import make_url

PG_ADMIN = os.environ.get("FLOOR_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RECEIVER = ("OP1002", "1002")
ADMIN = ("OP1007", "1007")
LOGIN_TEXT = "Scan your badge"
PER_LOCATION = 20
SCAN_TIMEOUT_S = 10.0


# --- the database ---------------------------------------------------------------------------


class Database:
    """A scratch database: a temporary SQLite file, or a PostgreSQL database dropped on close."""

    def __init__(self, backend: str, tag: str) -> None:
        from floor.db import open_database

        self.backend = backend
        self.dir = Path(tempfile.mkdtemp(prefix=f"floor-bench-ui-{tag}-"))
        if backend == "sqlite":
            self.url = f"sqlite:///{self.dir / 'floor.db'}"
        else:
            self.name = f"floor_bench_ui_{tag}_{os.getpid()}"
            self.admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with self.admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
                c.execute(text(f'CREATE DATABASE "{self.name}"'))
            self.url = make_url(PG_ADMIN).set(database=self.name).render_as_string(False)
        self.engine = open_database(self.url)

    def close(self) -> None:
        self.engine.dispose()
        if self.backend == "postgresql":
            with self.admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
            self.admin.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)


def fill_balances(db: Database, balances: int) -> int:
    """Set-based: `balances` more balances of the demo items, PER_LOCATION per new reserve
    location in the demo warehouse, each with one +100 movement of one stock transaction."""
    locations = -(-balances // PER_LOCATION)
    pg = db.backend == "postgresql"
    series = (
        "generate_series(1, {n}) AS g(i)"
        if pg
        else "(WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n}) "
        "SELECT i FROM c) AS g"
    )
    code = "lpad(i::text, 7, '0')" if pg else "printf('%07d', i)"
    number = "CAST(substr(l.code, 2) AS INTEGER)"
    with db.engine.begin() as conn:
        wh = conn.scalar(text("SELECT id FROM warehouses WHERE code = 'DEMO'"))
        items = conn.scalars(text("SELECT id FROM items ORDER BY id")).all()
        conn.execute(text("CREATE TABLE bench_items (n INTEGER PRIMARY KEY, item_id INTEGER)"))
        conn.execute(text("CREATE TABLE bench_slots (j INTEGER PRIMARY KEY)"))
        conn.execute(
            text("INSERT INTO bench_items (n, item_id) VALUES (:n, :item)"),
            [{"n": n, "item": item} for n, item in enumerate(items)],
        )
        conn.execute(
            text("INSERT INTO bench_slots (j) VALUES (:j)"),
            [{"j": j} for j in range(PER_LOCATION)],
        )
        conn.execute(
            text(
                "INSERT INTO locations (warehouse_id, code, check_digit, kind, side, block, "
                f"pickable, blocked) SELECT {wh}, 'X' || {code}, '00', 'rack', '', 0, false, "
                f"false FROM {series.format(n=locations)}"
            )
        )
        conn.execute(
            text(
                "INSERT INTO balances (location_id, item_id, lot, quantity, reserved, "
                "received_at) SELECT l.id, bi.item_id, '', 100, 0, CURRENT_TIMESTAMP "
                "FROM locations l CROSS JOIN bench_slots s JOIN bench_items bi ON bi.n = "
                f"(({number} * {PER_LOCATION} + s.j) % {len(items)}) "
                f"WHERE l.warehouse_id = {wh} AND l.code LIKE 'X%' AND "
                f"(({number} - 1) * {PER_LOCATION} + s.j) < {balances}"
            )
        )
        tx = conn.scalar(
            text(
                "INSERT INTO stock_transactions (kind, reason, reference, station, created_at) "
                "VALUES ('receive', 'bench', 'bench/ui fill', '', CURRENT_TIMESTAMP) RETURNING id"
            )
        )
        conn.execute(
            text(
                "INSERT INTO movements (transaction_id, balance_id, location_id, item_id, lot, "
                f"quantity_delta, reserved_delta, created_at) SELECT {tx}, b.id, b.location_id, "
                "b.item_id, '', b.quantity, 0, CURRENT_TIMESTAMP FROM balances b JOIN "
                f"locations l ON l.id = b.location_id WHERE l.warehouse_id = {wh} AND "
                "l.code LIKE 'X%'"
            )
        )
        conn.execute(text("DROP TABLE bench_items"))
        conn.execute(text("DROP TABLE bench_slots"))
    if pg:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    with db.engine.connect() as conn:
        return int(conn.scalar(text("SELECT count(*) FROM balances")) or 0)


def build_database(backend: str, tag: str, balances: int) -> Database:
    from floor.demo import build_demo

    db = Database(backend, tag)
    started = time.perf_counter()
    build_demo(db.engine)
    demo_s = time.perf_counter() - started
    total = 0
    if balances:
        started = time.perf_counter()
        total = fill_balances(db, balances)
        print(
            f"  {backend}: demo warehouse in {demo_s:.1f} s; {total:,} balances in all after "
            f"a set-based fill of {balances:,} in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
    return db


def plain_gtins(engine: Engine, count: int) -> list[str]:
    """GTINs of demo items a receiver can scan with nothing else asked (no lot/serial/kit)."""
    from floor.models import Item

    with engine.connect() as conn:
        rows = conn.scalars(
            sql_select(Item.gtin)
            .where(
                Item.gtin.is_not(None),
                Item.lot_tracked.is_(False),
                Item.expiry_tracked.is_(False),
                Item.serial_tracked.is_(False),
                Item.is_kit.is_(False),
            )
            .order_by(Item.id)
            .limit(count)
        ).all()
    return [str(g) for g in rows]


# --- scan-to-screen ---------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


@dataclass
class Latency:
    name: str
    ui: list[float] = field(default_factory=list)
    bare: list[float] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    committed: int = 0

    def report(self) -> str:
        ui, bare = self.ui, self.bare
        lines = [
            f"  {self.name}: {len(ui)} scans, {len(self.rejected)} not accepted, "
            f"{self.committed} committed (stock transactions with the scan's id)",
            f"    scan-to-screen   p50 {percentile(ui, 0.5) * 1e3:6.1f} ms   p95 "
            f"{percentile(ui, 0.95) * 1e3:6.1f} ms   max {max(ui) * 1e3:6.1f} ms",
            f"    bare service     p50 {percentile(bare, 0.5) * 1e3:6.1f} ms   p95 "
            f"{percentile(bare, 0.95) * 1e3:6.1f} ms   max {max(bare) * 1e3:6.1f} ms",
            f"    ratio UI / bare  p50 {percentile(ui, 0.5) / percentile(bare, 0.5):6.2f}      "
            f"p95 {percentile(ui, 0.95) / percentile(bare, 0.95):6.2f}; shell overhead at p50 "
            f"{(percentile(ui, 0.5) - percentile(bare, 0.5)) * 1e3:.1f} ms",
            f"    target p95 <= 50 ms: {'met' if percentile(ui, 0.95) <= 0.05 else 'NOT met'}",
        ]
        if self.rejected:
            lines.append(f"    first refusal: {self.rejected[0]}")
        return "\n".join(lines)


class Probe:
    """Hooks on one app: when the bench's scan settles, and the first frame after that."""

    def __init__(self, app: Any, expect: str) -> None:
        from floor.screens.widgets import Feedback

        self.app = app
        self.expect = expect
        self.settled_at: float | None = None
        self.rendered_at: float | None = None
        self.ticket: Any = None
        self.event = asyncio.Event()
        settle, display = app.settle, app._display

        def on_settle(ticket: Any) -> None:
            was = ticket.settled
            settle(ticket)
            if not was and ticket.settled and ticket.raw.source == "bench" and self.ticket is None:
                self.ticket = ticket
                self.settled_at = time.perf_counter()
                if ticket.outcome != "accepted":
                    self.event.set()

        def on_display(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            if self.settled_at is None or self.rendered_at is not None or renderable is None:
                return
            if app._batch_count:
                return
            feedback = screen.query_one(Feedback)
            if feedback.kind == "accepted" and self.expect in str(feedback.render()):
                self.rendered_at = time.perf_counter()
                self.event.set()

        app.settle = on_settle
        app._display = on_display

    def arm(self) -> None:
        self.settled_at = self.rendered_at = None
        self.ticket = None
        self.event.clear()


async def drive(
    app: Any,
    probe: Probe,
    scans: list[str],
    bare: Callable[[int], None],
    result: Latency,
) -> list[str]:
    """Interleaved: one bare service call, then one scan through the app. Returns scan ids."""
    scan_ids = []
    for n, raw in enumerate(scans):
        await app.workers.wait_for_complete()
        app.journal.flush(5.0)
        t0 = time.perf_counter()
        bare(n)
        result.bare.append(time.perf_counter() - t0)
        await app.workers.wait_for_complete()
        app.journal.flush(5.0)
        probe.arm()
        t0 = time.perf_counter()
        app.inject_scan(raw, source="bench")
        try:
            await asyncio.wait_for(probe.event.wait(), SCAN_TIMEOUT_S)
        except TimeoutError:
            result.rejected.append(f"scan {n} {raw}: nothing rendered in {SCAN_TIMEOUT_S} s")
            continue
        ticket = probe.ticket
        if ticket.outcome != "accepted" or probe.rendered_at is None:
            result.rejected.append(f"scan {n} {raw}: {ticket.outcome}: {ticket.message}")
            continue
        result.ui.append(probe.rendered_at - t0)
        scan_ids.append(ticket.raw.scan_id)
    return scan_ids


def committed(engine: Engine, scan_ids: list[str]) -> int:
    from floor.models import StockTransaction

    found = 0
    with engine.connect() as conn:
        for start in range(0, len(scan_ids), 500):
            chunk = scan_ids[start : start + 500]
            found += int(
                conn.scalar(
                    sql_select(func.count(func.distinct(StockTransaction.scan_id))).where(
                        StockTransaction.scan_id.in_(chunk)
                    )
                )
                or 0
            )
    return found


def bench_settings(db: Database, station: str) -> Any:
    from floor.config import Settings

    return Settings(
        database_url=db.url,
        station=station,
        warehouse="DEMO",
        language="en",
        bell=False,
        idle_logout_seconds=0,
        data_dir=str(db.dir / f"data-{station}"),
    )


async def log_in(app: Any, pilot: Any, badge: str, pin: str) -> None:
    for step in ("badge", "pin"):
        if step == "badge":
            app.inject_scan(badge)
        else:
            app.login_as(badge, pin)
        for _n in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
    if not app.station.logged_in:
        raise RuntimeError(f"bench: {badge} could not log in")


async def settle(app: Any, pilot: Any) -> None:
    for _n in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def receiving_latency(db: Database, scans: int) -> Latency:
    """The Receiving flow: a blind receipt, one committing ledger transaction per item scan."""
    from floor.app import create_app
    from floor.db import transaction
    from floor.inbound import receiving
    from floor.screens.receiving import ReceivingScreen
    from floor.stock.ledger import Actor

    gtins = plain_gtins(db.engine, 20)
    app = create_app(bench_settings(db, "BENCHRCV"), db.engine)
    result = Latency(f"{db.backend} receiving (blind receipt, item scans)")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await log_in(app, pilot, *RECEIVER)
        screen = app.open_flow(ReceivingScreen)
        await settle(app, pilot)
        app.inject_scan("CMD:CONFIRM")  # F2: blind receipt
        await settle(app, pilot)
        if screen.receipt is None:
            raise RuntimeError("bench: the blind receipt did not open")
        actor = Actor(app.station.operator_id, "BENCHBARE")
        warehouse_id = app.station.warehouse_id
        bare_receipt = transaction(
            db.engine, lambda s: receiving.open_receipt(s, warehouse_id=warehouse_id, actor=actor)
        ).receipt_id

        def bare(n: int) -> None:
            gtin, scan_id = gtins[n % len(gtins)], uuid.uuid4().hex

            def work(session: Any) -> Any:
                done = receiving.receive_scan(
                    session, bare_receipt, actor=actor, scan_id=scan_id, barcode=gtin
                )
                return done, receiving.receipt_summary(session, bare_receipt)

            transaction(db.engine, work)

        probe = Probe(app, "received")
        ids = await drive(app, probe, [gtins[n % len(gtins)] for n in range(scans)], bare, result)
        await app.workers.wait_for_complete()
    result.committed = committed(db.engine, ids)
    return result


def move_flow() -> type:
    """A bench-only flow: any item scan moves 1 unit of the first stocked demo balance from
    its location to another demo rack location, through `inventory.move`."""
    from floor.i18n import _
    from floor.screens.flow import FlowScreen

    class BenchMoveScreen(FlowScreen):
        FLOW: ClassVar[str] = ""  # not in the menu
        TITLE: ClassVar[str] = "Bench move"
        route: ClassVar[tuple[Any, ...]] = ()

        def on_scan(self, scan: Any, raw: Any) -> None:
            source, target, item = self.route
            actor = self.station.actor
            scan_id = raw.scan_id

            def work(session: Any) -> int:
                return move_one(session, source, target, item, actor, scan_id)

            self.call_service(work, lambda q: self.accept(_("Moved {n}", n=q)))

    return BenchMoveScreen


def move_one(session: Any, source: int, target: int, item: int, actor: Any, scan_id: str) -> int:
    from floor.stock import ledger as inv

    inv.move(
        session,
        inv.StockKey(source, item),
        1,
        target,
        actor=actor,
        reason="bench",
        scan_id=scan_id,
    )
    return 1


def move_route(engine: Engine, units: int) -> tuple[int, int, int]:
    """(from location, to location, item): two demo rack locations and a plain demo item;
    `units` of it are received at the first through the ledger so the moves never run dry."""
    from floor.db import transaction
    from floor.stock import ledger as inv

    with engine.connect() as conn:
        item = conn.scalar(
            text(
                "SELECT id FROM items WHERE NOT lot_tracked AND NOT expiry_tracked AND NOT "
                "serial_tracked AND NOT is_kit ORDER BY id LIMIT 1"
            )
        )
        source, target = conn.scalars(
            text(
                "SELECT l.id FROM locations l JOIN warehouses w ON w.id = l.warehouse_id "
                "WHERE w.code = 'DEMO' AND l.code LIKE 'A%' AND NOT l.blocked ORDER BY l.id "
                "LIMIT 2"
            )
        ).all()
    transaction(
        engine,
        lambda s: inv.receive(s, inv.StockKey(source, item), units, reason="bench top-up"),
    )
    return int(source), int(target), int(item)


async def move_latency(db: Database, scans: int) -> Latency:
    from floor.app import create_app
    from floor.db import transaction
    from floor.stock.ledger import Actor

    route = move_route(db.engine, 2 * scans + 10)
    screen_cls = move_flow()
    screen_cls.route = route
    app = create_app(bench_settings(db, "BENCHMOV"), db.engine)
    result = Latency(f"{db.backend} bench move flow (inventory.move of 1 unit per scan)")
    gtins = plain_gtins(db.engine, 1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await log_in(app, pilot, *ADMIN)
        app.open_flow(screen_cls)
        await settle(app, pilot)
        actor = Actor(app.station.operator_id, "BENCHBARE")

        def bare(_n: int) -> None:
            scan_id = uuid.uuid4().hex
            transaction(db.engine, lambda s: move_one(s, *route, actor, scan_id))

        probe = Probe(app, "Moved")
        ids = await drive(app, probe, gtins * scans, bare, result)
        await app.workers.wait_for_complete()
    result.committed = committed(db.engine, ids)
    return result


# --- cold start -------------------------------------------------------------------------------

ANSI = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_=>]")

MINIMAL_APP = f"""
from textual.app import App
from textual.widgets import Static

class Minimal(App):
    def compose(self):
        yield Static("floor · Station ST01")
        yield Static({LOGIN_TEXT!r})

Minimal().run()
"""


def pty_run(
    argv: list[str], env: dict[str, str], marker: str | None, timeout: float, cwd: Path
) -> float:
    """Seconds from spawn until `marker` is on the terminal (or, for None, until exit)."""
    master, slave = os.openpty()
    fcntl_winsize(slave, 24, 80)
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child: the pty is its terminal
        try:
            os.setsid()
            os.chdir(cwd)
            os.close(master)
            for fd in (0, 1, 2):
                os.dup2(slave, fd)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    os.close(slave)
    seen = b""
    elapsed: float | None = None
    try:
        while time.perf_counter() - t0 < timeout:
            ready, _w, _x = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                chunk = b""
            if not chunk:
                elapsed = time.perf_counter() - t0
                break
            seen += chunk
            if marker is not None and marker.encode() in ANSI.sub(b"", seen):
                elapsed = time.perf_counter() - t0
                break
        if marker is None and elapsed is not None:
            os.waitpid(pid, 0)
            elapsed = time.perf_counter() - t0
            pid = 0
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(master)
    if elapsed is None:
        tail = ANSI.sub(b"", seen)[-400:].decode(errors="replace")
        raise RuntimeError(f"{argv[1:]}: no {marker!r} within {timeout} s; last output: {tail}")
    return elapsed


def fcntl_winsize(fd: int, rows: int, cols: int) -> None:
    import fcntl

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def cold_start(
    url: str, runs: int, workdir: Path, compare: Path | None = None
) -> list[tuple[str, list[float]]]:
    """Median of `runs` per case, the cases taking turns run by run so that a change in the
    machine's load falls on all of them alike. `compare`: also `floor run` from that source
    tree (e.g. `git archive` of an older commit), with the same interpreter and packages."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("FLOOR_") and k not in ("COLUMNS", "LINES", "PYTHONPATH")
    }
    env.update(
        TERM="xterm-256color",
        FLOOR_DATABASE_URL=url,
        FLOOR_DATA_DIR=str(workdir / "data"),
        XDG_CONFIG_HOME=str(workdir / "config"),  # no user floor.toml
        FLOOR_STATION="COLD01",
    )
    python = sys.executable
    floor_run = [python, "-m", "floor", "run", "--scanner", "none"]
    here = Path(__file__).resolve().parents[1]
    cases: list[tuple[str, list[str], str | None, Path]] = [
        ("python -c pass", [python, "-c", "pass"], None, here),
        ('python -c "import textual"', [python, "-c", "import textual"], None, here),
        ("minimal Textual app, same text", [python, "-c", MINIMAL_APP], LOGIN_TEXT, here),
    ]
    if compare is not None:
        cases.append((f"floor run from {compare.name}", floor_run, LOGIN_TEXT, compare))
    cases.append(("floor run -> login screen", floor_run, LOGIN_TEXT, here))
    times: dict[str, list[float]] = {name: [] for name, *_rest in cases}
    for run in range(runs + 1):  # run 0 warms the page cache and .pyc files; not counted
        for name, argv, marker, cwd in cases:
            case_env = dict(env, PYTHONPATH=str(cwd))
            elapsed = pty_run(argv, case_env, marker, 30.0, cwd)
            if run:
                times[name].append(elapsed)
    for name, values in times.items():
        print(
            f"    {name:<34} median {statistics.median(values) * 1e3:6.0f} ms   min "
            f"{min(values) * 1e3:6.0f} ms   max {max(values) * 1e3:6.0f} ms",
            flush=True,
        )
    return list(times.items())


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", default="sqlite")
    parser.add_argument("--balances", type=int, default=None, help="default 1,000,000")
    parser.add_argument("--scans", type=int, default=None, help="default 1000")
    parser.add_argument("--runs", type=int, default=5, help="cold start runs (default 5)")
    parser.add_argument("--quick", action="store_true", help="100k balances, 200 scans")
    parser.add_argument("--only", choices=("scan", "cold"), default=None)
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="also time cold start of the floor source tree in DIR (before/after)",
    )
    args = parser.parse_args()
    balances = args.balances or (100_000 if args.quick else 1_000_000)
    scans = args.scans or (200 if args.quick else 1000)
    print(f"bench/ui on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    if args.only != "cold":
        for backend in args.backends.split(","):
            print(f"\nscan-to-screen, {backend}, {scans} scans, 80x24 headless", flush=True)
            db = build_database(backend, "scale", balances)
            try:
                for measure in (receiving_latency, move_latency):
                    print(asyncio.run(measure(db, scans)).report(), flush=True)
            finally:
                db.close()
    if args.only != "scan":
        print(f"\ncold start to the login screen, median of {args.runs} (pty 80x24)", flush=True)
        db = build_database("sqlite", "cold", 0)
        try:
            db.engine.dispose()
            times = cold_start(db.url, args.runs, db.dir, args.compare)
            floor_median = statistics.median(times[-1][1])
            textual_median = statistics.median(times[2][1])
            print(
                f"    floor / minimal Textual app: {floor_median / textual_median:.2f}; "
                f"target <= 1 s: {'met' if floor_median <= 1.0 else 'NOT met'}"
            )
            if args.compare is not None:
                before = statistics.median(times[-2][1])
                print(f"    this tree / {args.compare.name}: {floor_median / before:.2f}")
        finally:
            db.close()
    print(f"\nload average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
