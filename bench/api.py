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
`--clients` (8) concurrent clients, each on its own connection: p95 per request and orders a
second against the importer's. Not measured: the movement feed at millions of rows (issue
17's target). The clients run in this process (the GIL is shared with the server).

    .venv/bin/python -m bench.api                       # both backends, 300 orders
    .venv/bin/python -m bench.api --backends sqlite --orders 100
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import uvicorn
from sqlalchemy import select

from bench.ledger import Database
from floor.api import intake, keys
from floor.api.app import create_app
from floor.api.keys import RateLimiter
from floor.db import read_only, transaction
from floor.demo import DEMO_WAREHOUSE, build_demo
from floor.imports.runner import run_import
from floor.models import Item
from floor.stock.stock_report import find_warehouse, stock_lines


class LocalServer:
    """The app served by uvicorn on a free localhost port, in a thread; one keep-alive
    connection to it (what an ERP's HTTP client keeps open)."""

    def __init__(self, app: object) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")  # type: ignore[arg-type]
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

    def close(self) -> None:
        self.conn.close()
        self.server.should_exit = True
        self.thread.join(10)


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


def _concurrent(
    port: int, headers: dict[str, str], orders: int, clients: int, skus: list[str]
) -> tuple[list[float], float]:
    """`orders` orders POSTed by `clients` threads, each on its own keep-alive connection;
    the time of each request and the wall time of all."""
    times: list[float] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        sent = {**headers, "Content-Type": "application/json"}
        mine: list[float] = []
        for n in range(index, orders, clients):
            body = json.dumps(_order("CON", n, skus[n % len(skus)])).encode()
            start = time.perf_counter()
            conn.request("POST", "/api/v1/orders", body=body, headers=sent)
            answer = conn.getresponse()
            answer.read()
            assert answer.status == 201, answer.status
            mine.append(time.perf_counter() - start)
        conn.close()
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, time.perf_counter() - start


def run(backend: str, orders: int, clients: int) -> None:
    db = Database(backend, "api")
    try:
        build_demo(db.engine)
        with read_only(db.engine) as s:
            skus = list(s.scalars(select(Item.sku).where(Item.is_kit.is_(False)).limit(20)))
            warehouse_id = find_warehouse(s, DEMO_WAREHOUSE)
        key, info = transaction(db.engine, lambda s: keys.create_key(s, "write", "bench"))
        app = create_app(db.engine, warehouse=DEMO_WAREHOUSE, limiter=RateLimiter(1e9, 10**9))
        headers = {"Authorization": f"Bearer {key}"}
        print(f"{backend}: {orders} orders each way")
        client = LocalServer(app)
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
                times, wall = _concurrent(client.port, headers, orders, clients, skus)
                _show(f"order: POST, {clients} clients at once", times)
                print(
                    f"  {'  intake':<34} {orders / wall:7.0f} orders/s "
                    f"(floor import: {1 / per_order:.0f} orders/s)"
                )

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    args = parser.parse_args()
    for backend in args.backends:
        run(backend, args.orders, args.clients)


if __name__ == "__main__":
    main()
