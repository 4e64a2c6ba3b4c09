"""Benchmark the HTTP API against the bare service calls it wraps, in the same run.

On a fresh database with the demo warehouse (SQLite, then PostgreSQL at FLOOR_BENCH_PG or
the local test server), timed per request:

- order intake: N one-line orders POSTed to /api/v1/orders of a real uvicorn server on
  localhost (in a thread of this process), over one keep-alive connection: HTTP, routing,
  key check, rate limit, JSON, the importer's checks, the write and its audit entry.
  Baselines: `floor.api.intake.post_order` called directly for N other orders (the same
  service, no HTTP), and `floor import orders` of a JSON file of N orders (per order: one
  transaction for the whole file); and the same N orders through POST /orders/batch, 100
  to a request;
- stock query: GET /api/v1/stock?sku=... against `stock_lines` for the same SKU.

Prints median and p95 per request and the ratio API / bare call; GET /api/v1/health (no key,
no database) shows what HTTP and the framework alone cost. Then the same intake by
`--clients` (8) concurrent clients, each on its own connection, in a process of their own
(so this process's CPU time is the server's): one order a request, by http.client and
again by lean clients (each request encoded before the clock starts and sent over a plain
keep-alive socket, the answer read by `_exchange`, every status checked: the clients share
the cores with the server here, where real ones run elsewhere), then batches of 100; p95
per request, orders a second against the importer's, the server's and the clients' CPU per
order, the load average. With `--workers N` the server is `floor api --workers N` itself,
in processes of its own (its CPU read from /proc for the supervisor and every worker); the
importer's baseline is still timed in the same run.

Then, on PostgreSQL, movement paging (issue 17): `--movements` (5 M) movements filled by
INSERT ... SELECT generate_series, and `--pages` (30) pages of 1,000 from 0, 25, 50, 75 and
100% of the history through GET /api/v1/movements, `feeds.movements_since` and a bare keyset
SELECT on the same rows; p50/p95 per page at each position, and the EXPLAIN ANALYZE of the
feed's statement (does it use ix_movements_feed).

    .venv/bin/python -m bench.api                       # everything, 1,000 orders, 5 M movements
    .venv/bin/python -m bench.api --quick               # 100 orders, 200,000 movements
    .venv/bin/python -m bench.api --backends sqlite --orders 100 --parts intake
    .venv/bin/python -m bench.api --backends postgresql --parts intake --workers 2
    .venv/bin/python -m bench.api --backends postgresql --parts intake --batch-sizes 5 10 20
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import multiprocessing
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import uvicorn
from sqlalchemy import Engine, event, select, text

from bench.ledger import Database
from floor.api import feeds, intake, keys
from floor.api.app import create_app
from floor.api.keys import RateLimiter
from floor.db import read_only, session_scope, transaction
from floor.demo import DEMO_WAREHOUSE, build_demo
from floor.imports.runner import run_import
from floor.models import Item, Location, Movement, Warehouse
from floor.stock.stock_report import find_warehouse, stock_lines


class LocalServer:
    """The app served by uvicorn on a free localhost port, in a thread; one keep-alive
    connection to it (what an ERP's HTTP client keeps open)."""

    def __init__(self, app: object) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(
                app, host="127.0.0.1", port=0, log_level="warning", timeout_keep_alive=300
            )  # type: ignore[arg-type]
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(
        self, method: str, path: str, headers: dict[str, str], body: object = None
    ) -> tuple[int, bytes]:
        data = json.dumps(body).encode() if body is not None else None
        sent = {**headers, "Content-Type": "application/json"} if data else headers
        self.conn.request(method, path, body=data, headers=sent)
        answer = self.conn.getresponse()
        return answer.status, answer.read()

    def cpu(self) -> float:
        """Seconds of CPU this process used so far (the server's, while the clients run in a
        process of their own)."""
        return time.process_time()

    def close(self) -> None:
        self.conn.close()
        self.server.should_exit = True
        self.thread.join(10)


class ProcessServer:
    """`floor api --workers N` as it runs in production, in processes of its own on a free
    localhost port (the rate limit out of the way); LocalServer's keep-alive connection,
    and the CPU time of all its processes (the supervisor and every worker)."""

    def __init__(self, url: str, warehouse: str, workers: int) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        command = [sys.executable, "-m", "floor", "--database-url", url, "api"]
        command += ["--workers", str(workers), "--port", str(self.port), "--no-deliver"]
        command += ["--rate", "1e9", "--burst", str(10**9)]
        env = {**os.environ, "FLOOR_WAREHOUSE": warehouse}
        self.proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not self._ready(workers):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"floor api --workers {workers} did not start")
            time.sleep(0.2)
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def _pids(self) -> list[int]:
        pid = self.proc.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [pid, *(int(p) for p in children.read_text().split())] if children.exists() else []

    def _ready(self, workers: int) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/api/v1/health")
            up = conn.getresponse().status == 200
            conn.close()
        except OSError:
            return False
        # the supervisor and its workers (one more child: multiprocessing's tracker)
        return up and (workers == 1 or len(self._pids()) > workers)

    def cpu(self) -> float:
        """Seconds of CPU used so far by the server's processes (Linux /proc)."""
        total = 0
        for pid in self._pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")

    def request(
        self, method: str, path: str, headers: dict[str, str], body: object = None
    ) -> tuple[int, bytes]:
        """LocalServer.request; the connection opened again when the server closed it
        (uvicorn closes a keep-alive connection idle for 5 s, e.g. while the clients ran)."""
        try:
            return LocalServer.request(self, method, path, headers, body)  # type: ignore[arg-type]
        except (http.client.RemoteDisconnected, ConnectionError):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return LocalServer.request(self, method, path, headers, body)  # type: ignore[arg-type]

    def close(self) -> None:
        self.conn.close()
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


BATCH = 100  # orders per POST /orders/batch


def _order(prefix: str, n: int, sku: str) -> dict:
    return {
        "number": f"{prefix}{n:06d}",
        "external_ref": f"{prefix}-{n}",
        "channel": "bench",
        "ship_to": {"name": "Bench", "city": "Lyon", "postcode": "69001", "country": "FR"},
        "lines": [{"sku": sku, "quantity": 1}],
    }


def _times(count: int, call: Callable[[int], object]) -> list[float]:
    out = []
    for n in range(count):
        start = time.perf_counter()
        call(n)
        out.append(time.perf_counter() - start)
    return out


def _show(label: str, times: list[float], base: list[float] | None = None) -> None:
    med = statistics.median(times) * 1000
    p95 = statistics.quantiles(times, n=20)[18] * 1000 if len(times) >= 20 else max(times) * 1000
    ratio = ""
    if base:
        ratio = f"  x{statistics.median(times) / statistics.median(base):.2f} of the bare call"
    print(f"  {label:<34} median {med:7.2f} ms  p95 {p95:7.2f} ms{ratio}")


def _request_bytes(port: int, path: str, headers: dict[str, str], body: object) -> bytes:
    """A whole HTTP/1.1 POST of `body` as JSON, as http.client would send it."""
    data = json.dumps(body).encode()
    sent = {
        "Host": f"127.0.0.1:{port}",
        "Accept-Encoding": "identity",
        **headers,
        "Content-Type": "application/json",
        "Content-Length": str(len(data)),
    }
    head = "".join(f"{name}: {value}\r\n" for name, value in sent.items())
    return f"POST {path} HTTP/1.1\r\n{head}\r\n".encode("latin-1") + data


def _exchange(sock: socket.socket, request: bytes) -> tuple[int, bytes]:
    """Send `request` on the keep-alive connection `sock`; the answer's status and body
    (read to its Content-Length)."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _colon, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        body += chunk
    return int(head[9:12]), body


def _clients(
    port: int,
    headers: dict[str, str],
    orders: int,
    clients: int,
    skus: list[str],
    prefix: str,
    batch: int,
    lean: bool = False,
) -> tuple[list[float], float, float]:
    """In the client process: `orders` orders POSTed by `clients` threads, each on its own
    keep-alive connection, one order a request (`batch` 0) or `batch` to a POST
    /orders/batch; the time of each request, the wall time of all, and the CPU time this
    process took meanwhile. `lean`: each thread sends requests encoded before the clock
    starts over a plain socket and reads each answer's status line, headers and body
    itself (`_exchange`), rather than through http.client; every status is still checked."""
    times: list[float] = []
    lock = threading.Lock()
    sent = {**headers, "Content-Type": "application/json"}
    step = max(batch, 1)
    path, ok = ("/api/v1/orders/batch", 200) if batch else ("/api/v1/orders", 201)
    work: list[list[object]] = [[] for _ in range(clients)]
    for index in range(clients):
        for at in range(index * step, orders, clients * step):
            rows = [_order(prefix, n, skus[n % len(skus)]) for n in range(at, at + step)]
            body: object = {"orders": rows} if batch else rows[0]
            work[index].append(_request_bytes(port, path, headers, body) if lean else body)

    def worker(index: int) -> None:
        mine: list[float] = []
        if lean:
            sock = socket.create_connection(("127.0.0.1", port), timeout=60)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for request in work[index]:
                start = time.perf_counter()
                status, answer = _exchange(sock, request)  # type: ignore[arg-type]
                assert status == ok, (status, answer)
                mine.append(time.perf_counter() - start)
            sock.close()
        else:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for body in work[index]:
                data = json.dumps(body).encode()
                start = time.perf_counter()
                conn.request("POST", path, body=data, headers=sent)
                response = conn.getresponse()
                response.read()
                assert response.status == ok, response.status
                mine.append(time.perf_counter() - start)
            conn.close()
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    cpu = time.process_time()
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, time.perf_counter() - start, time.process_time() - cpu


def _ready() -> None:
    """Nothing: waits for the client process to be up before a clock starts."""


@dataclass
class Concurrent:
    times: list[float]  # per request
    wall: float  # seconds, all requests
    cpu: float  # seconds of this process's CPU (the server's) meanwhile
    clients_cpu: float  # seconds of the clients' process's CPU meanwhile


def _concurrent(
    pool: ProcessPoolExecutor,
    server: LocalServer | ProcessServer,
    headers: dict[str, str],
    orders: int,
    clients: int,
    skus: list[str],
    prefix: str,
    batch: int = 0,
    lean: bool = False,
) -> Concurrent:
    """The clients run in another process (`pool`), so that they take nothing from the
    server's GIL and the server's CPU time is its own."""
    pool.submit(_ready).result()
    cpu = server.cpu()
    times, wall, clients_cpu = pool.submit(
        _clients, server.port, headers, orders, clients, skus, prefix, batch, lean
    ).result()
    return Concurrent(times, wall, server.cpu() - cpu, clients_cpu)


def run(
    backend: str, orders: int, clients: int, workers: int = 0, sizes: tuple[int, ...] = ()
) -> None:
    """Intake and stock on `backend`; the server in a thread of this process (`workers` 0)
    or `floor api --workers N` in processes of its own."""
    db = Database(backend, "api")
    try:
        build_demo(db.engine)
        with read_only(db.engine) as s:
            skus = list(s.scalars(select(Item.sku).where(Item.is_kit.is_(False)).limit(20)))
            warehouse_id = find_warehouse(s, DEMO_WAREHOUSE)
        key, info = transaction(db.engine, lambda s: keys.create_key(s, "write", "bench"))
        app = create_app(db.engine, warehouse=DEMO_WAREHOUSE, limiter=RateLimiter(1e9, 10**9))
        headers = {"Authorization": f"Bearer {key}"}
        if workers:
            client: LocalServer | ProcessServer = ProcessServer(db.url, DEMO_WAREHOUSE, workers)
            serving = f"floor api --workers {workers} (processes of its own)"
        else:
            client = LocalServer(app)
            serving = "uvicorn in a thread of this process, 1 process"
        http_impl = "httptools" if importlib.util.find_spec("httptools") else "h11"
        print(f"{backend}: {orders} orders each way; server: {serving}, {http_impl}")
        try:

            def post(n: int) -> None:
                body = _order("API", n, skus[n % len(skus)])
                status, text = client.request("POST", "/api/v1/orders", headers, body)
                assert status == 201, text

            def bare(n: int) -> None:
                body = _order("SVC", n, skus[n % len(skus)])
                assert intake.post_order(db.engine, body, info, DEMO_WAREHOUSE).created

            base = _times(orders, bare)
            api = _times(orders, post)
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "orders.json"
                rows = [_order("IMP", n, skus[n % len(skus)]) for n in range(orders)]
                path.write_text(json.dumps(rows))
                start = time.perf_counter()
                run_import(
                    db.engine, "orders", path, warehouse=DEMO_WAREHOUSE, channel="bench-import"
                )
                per_order = (time.perf_counter() - start) / orders
            _show("order: service call", base)
            _show("order: POST /api/v1/orders", api, base)
            print(f"  {'order: floor import (per order)':<34} {per_order * 1000:7.2f} ms")
            batch = [_order("BAT", n, skus[n % len(skus)]) for n in range(orders)]
            start = time.perf_counter()
            for at in range(0, orders, BATCH):
                status, text = client.request(
                    "POST", "/api/v1/orders/batch", headers, {"orders": batch[at : at + BATCH]}
                )
                assert status == 200, text
            per_batched = (time.perf_counter() - start) / orders
            label = f"order: POST /orders/batch of {BATCH}"
            print(f"  {label + ' (per order)':<34} {per_batched * 1000:7.2f} ms")
            if clients > 1:
                spawn = multiprocessing.get_context("spawn")
                with ProcessPoolExecutor(1, mp_context=spawn) as pool:
                    one = _concurrent(pool, client, headers, orders, clients, skus, "CON")
                    lean = _concurrent(
                        pool, client, headers, orders, clients, skus, "LEA", lean=True
                    )
                    many = _concurrent(pool, client, headers, orders, clients, skus, "CBA", BATCH)
                    by_size = [
                        (
                            size,
                            _concurrent(
                                pool, client, headers, orders, clients, skus, f"S{size}", size
                            ),
                        )
                        for size in sizes
                    ]
                _show(f"order: POST, {clients} clients at once", one.times)
                print(
                    f"  {'  intake':<34} {orders / one.wall:7.0f} orders/s "
                    f"(floor import: {1 / per_order:.0f} orders/s); server CPU "
                    f"{one.cpu / orders * 1000:.2f} ms an order, clients' "
                    f"{one.clients_cpu / orders * 1000:.2f}; load {_load()}"
                )
                _show(f"order: POST, {clients} lean clients at once", lean.times)
                print(
                    f"  {'  intake, lean clients':<34} {orders / lean.wall:7.0f} orders/s "
                    f"(floor import: {1 / per_order:.0f} orders/s); server CPU "
                    f"{lean.cpu / orders * 1000:.2f} ms an order, clients' "
                    f"{lean.clients_cpu / orders * 1000:.2f}; load {_load()}"
                )
                print(
                    f"  {f'  batches of {BATCH}, {clients} clients':<34} "
                    f"{orders / many.wall:7.0f} orders/s; server CPU "
                    f"{many.cpu / orders * 1000:.2f} ms an order"
                )
                _show(f"order: POST /orders/batch of {BATCH}, {clients} clients", many.times)
                for size, sized in by_size:
                    print(
                        f"  {f'  batches of {size}, {clients} clients':<34} "
                        f"{orders / sized.wall:7.0f} orders/s "
                        f"(floor import: {1 / per_order:.0f} orders/s); server CPU "
                        f"{sized.cpu / orders * 1000:.2f} ms an order"
                    )
                    _show(f"order: POST /orders/batch of {size}, {clients} clients", sized.times)

            def query(n: int) -> None:
                path = "/api/v1/stock?" + urlencode({"sku": skus[n % len(skus)]})
                status, _text = client.request("GET", path, headers)
                assert status == 200

            def lines(n: int) -> None:
                with read_only(db.engine) as s:
                    stock_lines(s, warehouse_id, sku=skus[n % len(skus)])

            base = _times(orders, lines)
            health = _times(orders, lambda n: client.request("GET", "/api/v1/health", {}))
            _show("GET /api/v1/health (no key, no db)", health)
            _show("stock: stock_lines", base)
            _show("stock: GET /api/v1/stock", _times(orders, query), base)
        finally:
            client.close()
    finally:
        db.close()


# --- movement paging at millions of movements ---------------------------------------------

PAGE = 1000  # movements per page
POSITIONS = (0.0, 0.25, 0.5, 0.75, 1.0)  # where in the history a reader pages from
RAW_PAGE = (
    "SELECT xact_id, id, transaction_id, location_id, item_id, lot, expiry, container_id, "
    "quantity_delta, reserved_delta, created_at FROM movements "
    "WHERE (xact_id, id) > (%s, %s) ORDER BY xact_id, id LIMIT %s"
)


def seed_movements(db: Database, movements: int) -> None:
    """A warehouse of 2,000 locations x 50 items and `movements` movements of +1, two to a
    stock transaction, on PostgreSQL by INSERT ... SELECT generate_series. Balances hold the
    sum of their movements (the ledger's invariant). `xact_id` rises with the id, spread over
    the transaction ids this server has used so far (rows of the same transaction share one),
    all below the horizon, as a history written over time. Foreign keys are correct by
    construction; their triggers are off during the fill (session_replication_role) and the
    movements' indexes are built after it, as a restore would."""
    with session_scope(db.engine) as s:
        wh = Warehouse(code="FEED", name="feed bench")
        s.add(wh)
        s.flush()
        s.add_all(
            [Location(warehouse_id=wh.id, code=f"F{n:05d}", check_digit="00") for n in range(2000)]
        )
        s.add_all([Item(sku=f"FEED-{n:03d}") for n in range(50)])
    locations, items = 2000, 50
    n_bal = min(locations * items, movements)
    n_tx = (movements + 1) // 2
    with db.engine.connect() as conn:
        loc0 = conn.scalar(text("SELECT min(id) FROM locations"))
        item0 = conn.scalar(text("SELECT min(id) FROM items"))
        top = conn.scalar(text("SELECT (pg_current_xact_id()::text)::bigint"))
    # xact_id of transaction t (1..n_tx): 1 .. top - 100, rising with t
    xact = f"1 + ((t - 1)::bigint * {top - 101}) / {n_tx}"
    fill = [
        "SET session_replication_role = replica",
        f"INSERT INTO balances (id, location_id, item_id, lot, quantity, reserved, received_at) "
        f"SELECT b, {loc0} + (b - 1) / {items}, {item0} + (b - 1) % {items}, '', "
        f"({movements} - b) / {n_bal} + 1, 0, now() FROM generate_series(1, {n_bal}) AS g(b)",
        f"INSERT INTO stock_transactions (id, kind, reason, reference, station, created_at) "
        f"SELECT t, 'move', 'bench', 'FEED-' || t, '', now() - interval '1 second' * "
        f"({n_tx} - t) FROM generate_series(1, {n_tx}) AS g(t)",
        f"INSERT INTO movements (id, transaction_id, balance_id, location_id, item_id, lot, "
        f"quantity_delta, reserved_delta, created_at, xact_id) "
        f"SELECT i, t, b, {loc0} + (b - 1) / {items}, {item0} + (b - 1) % {items}, '', 1, 0, "
        f"now() - interval '1 second' * ({n_tx} - t), {xact} "
        f"FROM (SELECT i, (i + 1) / 2 AS t, (i - 1) % {n_bal} + 1 AS b "
        f"FROM generate_series(1, {movements}) AS g(i)) AS s",
        "SET session_replication_role = DEFAULT",
    ]
    for table in ("balances", "stock_transactions", "movements"):
        fill.append(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    indexes = [i for i in Movement.__table__.indexes]
    with db.engine.begin() as conn:
        for index in indexes:
            conn.execute(text(f'DROP INDEX "{index.name}"'))
        for stmt in fill:
            conn.execute(text(stmt))
        for index in indexes:
            index.create(conn)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def _captured(engine: Engine, call: Callable[[], object]) -> tuple[str, object]:
    """The last SQL statement (and its parameters) `call` sent."""
    seen: list[tuple[str, object]] = []

    def listen(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listen)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return seen[-1]


def _plan(db: Database, cursor: str) -> list[str]:
    """EXPLAIN ANALYZE of the feed's own statement for the page after `cursor`."""

    def page() -> None:
        with read_only(db.engine) as s:
            feeds.movements_since(s, cursor, PAGE)

    statement, parameters = _captured(db.engine, page)
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return [row[0] for row in rows]


def _walk(first: str, pages: int, fetch: Callable[[str], str]) -> list[float]:
    """Time `pages` pages from cursor `first` on; `fetch` returns the next cursor."""
    times, cursor = [], first
    for _n in range(pages):
        start = time.perf_counter()
        cursor = fetch(cursor)
        times.append(time.perf_counter() - start)
    return times


def _p(times: list[float], q: float) -> float:
    return sorted(times)[min(len(times) - 1, int(q * len(times)))] * 1000


def paging(backend: str, movements: int, pages: int) -> None:
    """GET /movements pages of PAGE from several positions in a history of `movements`,
    against the feed's service call and a bare keyset SELECT on the driver."""
    if backend != "postgresql":
        print(f"{backend}: movement paging is measured on PostgreSQL only")
        return
    db = Database(backend, "feed")
    try:
        started = time.perf_counter()
        seed_movements(db, movements)
        print(
            f"{backend}: movement paging, {movements:,} movements (filled in "
            f"{time.perf_counter() - started:.0f} s), pages of {PAGE}, {pages} pages from each "
            f"position; load {_load()}",
            flush=True,
        )
        key, _info = transaction(db.engine, lambda s: keys.create_key(s, "read", "bench"))
        app = create_app(db.engine, warehouse="FEED", limiter=RateLimiter(1e9, 10**9))
        headers = {"Authorization": f"Bearer {key}"}
        raw = db.raw_connect()
        client = LocalServer(app)
        try:
            starts: list[tuple[float, str]] = []
            with db.engine.connect() as conn:
                for at in POSITIONS:
                    row_id = max(0, min(int(at * movements), movements - pages * PAGE))
                    found = conn.execute(
                        text("SELECT xact_id, id FROM movements WHERE id = :i"), {"i": row_id}
                    ).first()
                    starts.append((at, f"{found[0]}.{found[1]}" if found else ""))

            def http(cursor: str) -> str:
                path = "/api/v1/movements?" + urlencode({"cursor": cursor, "limit": PAGE})
                status, body = client.request("GET", path, headers)
                assert status == 200, body
                return json.loads(body)["next_cursor"]

            def service(cursor: str) -> str:
                with read_only(db.engine) as s:
                    return feeds.movements_since(s, cursor, PAGE).next_cursor

            def bare(cursor: str) -> str:
                xact_id, _dot, row_id = cursor.partition(".")
                rows = raw.execute(RAW_PAGE, (int(xact_id or 0), int(row_id or 0), PAGE))
                last = rows.fetchall()[-1]
                return f"{last[0]}.{last[1]}"

            for _at, first in starts:  # once through every window: all start from cache
                _walk(first, pages, bare)
            http("")  # the first request's one-off costs (the key's lookup, FastAPI's setup)
            print(
                f"  {'position':<10} {'GET /movements p50 / p95':>26} "
                f"{'movements_since':>20} {'keyset SELECT':>20} {'CPU/page':>9}"
            )
            for at, first in starts:
                cpu = time.process_time()
                api = _walk(first, pages, http)
                cpu = (time.process_time() - cpu) / pages * 1000
                svc = _walk(first, pages, service)
                sel = _walk(first, pages, bare)
                print(
                    f"  {f'{at:.0%}':<10} {_p(api, 0.5):>11.1f} / {_p(api, 0.95):6.1f} ms"
                    f" {_p(svc, 0.5):>9.1f} / {_p(svc, 0.95):5.1f} ms"
                    f" {_p(sel, 0.5):>9.1f} / {_p(sel, 0.95):5.1f} ms {cpu:7.1f} ms",
                    flush=True,
                )
            middle = starts[len(starts) // 2][1]
            plan = _plan(db, middle)
            used = [line.strip() for line in plan if "ix_movements_feed" in line]
            print(f"  plan of the middle page ({len(plan)} lines):")
            for line in plan:
                print(f"    {line}")
            print(f"  index used: {'yes: ' + used[0] if used else 'NO'}")
        finally:
            client.close()
            raw.close()
    finally:
        db.close()


def _load() -> str:
    return " ".join(f"{n:.1f}" for n in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--orders", type=int, default=None, help="orders each way (1,000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="intake through `floor api --workers N` in processes of its own (default: the "
        "server in a thread of the benchmark)",
    )
    parser.add_argument(
        "--batch-sizes",
        type=int,
        nargs="*",
        default=[],
        help="also post the orders in batches of these sizes by the concurrent clients, each "
        "with its p95 per request and orders a second against the importer's",
    )
    parser.add_argument(
        "--movements", type=int, default=None, help="movements in the paged history (5,000,000)"
    )
    parser.add_argument("--pages", type=int, default=None, help="pages timed per position (30)")
    parser.add_argument(
        "--parts",
        nargs="+",
        choices=["intake", "paging"],
        default=["intake", "paging"],
        help="what to measure (both)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="100 orders, 200,000 movements, 10 pages"
    )
    args = parser.parse_args()
    orders = args.orders or (100 if args.quick else 1000)
    movements = args.movements or (200_000 if args.quick else 5_000_000)
    pages = args.pages or (10 if args.quick else 30)
    print(f"{os.cpu_count()} cores, load {_load()}")
    for backend in args.backends:
        if "intake" in args.parts:
            run(backend, orders, args.clients, args.workers, tuple(args.batch_sizes))
        if "paging" in args.parts:
            paging(backend, movements, pages)


if __name__ == "__main__":
    main()
