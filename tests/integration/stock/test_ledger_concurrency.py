"""Many stations at once on PostgreSQL: 16 workers moving and reserving the same hot items.

Afterwards no balance is negative, no reservation is above on-hand, every balance equals
the sum of its movements, and no update was lost (the totals add up exactly).
"""

from __future__ import annotations

import random
import threading
from collections import Counter

from sqlalchemy import func, select

from floor.db import session_scope, transaction
from floor.errors import InsufficientStock
from floor.models import Balance, StockTransaction
from floor.stock import ledger as inv
from tests.support import SmallWarehouse, run_at_once

WORKERS = 16
OPS_PER_WORKER = 25


def test_sixteen_workers_on_hot_items_keep_every_invariant(pg_warehouse: SmallWarehouse) -> None:
    wh = pg_warehouse
    hot = ["A01-01-1", "A01-02-1", "A01-03-1"]
    start = 40
    with session_scope(wh.engine) as s:
        for code in hot:
            inv.receive(s, wh.key(code, "PLAIN"), start)
    done = Counter()
    refused = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        rng = random.Random(n)
        for i in range(OPS_PER_WORKER):
            src, dst = rng.sample(hot, 2)
            op = rng.choice(["move", "reserve", "release", "pick"])
            source = wh.key(src, "PLAIN")
            qty = rng.randint(1, 6)

            def work(s, op=op, source=source, dst=dst, qty=qty, sid=f"w{n}-{i}"):  # type: ignore[no-untyped-def]
                if op == "move":
                    return inv.move(s, source, qty, wh.locations[dst], scan_id=sid)
                if op == "reserve":
                    return inv.reserve(s, source, qty, scan_id=sid)
                if op == "release":
                    return inv.release(s, source, qty, scan_id=sid)
                return inv.move(
                    s,
                    source,
                    qty,
                    wh.locations["PACK-01"],
                    release_reserved=qty,
                    scan_id=sid,
                )

            try:
                transaction(wh.engine, work)
                with lock:
                    done[op] += 1
            except InsufficientStock:
                with lock:
                    refused[op] += 1
            except BaseException as exc:
                with lock:
                    errors.append(exc)

    errors += run_at_once(WORKERS, worker, timeout=300)
    assert errors == []
    assert sum(done.values()) + sum(refused.values()) == WORKERS * OPS_PER_WORKER
    assert done["move"] > 0 and done["reserve"] > 0
    with session_scope(wh.engine) as s:
        assert inv.invariant_violations(s) == []
        total = s.scalar(select(func.sum(Balance.quantity)))
        # moves and picks only shift units around: nothing created, nothing lost
        assert total == start * len(hot)
        assert s.scalar(select(func.count()).select_from(StockTransaction)) == 3 + sum(
            done.values()
        )
        assert s.scalar(select(func.min(Balance.quantity - Balance.reserved))) >= 0


def test_concurrent_retries_of_one_scan_apply_it_once(pg_warehouse: SmallWarehouse) -> None:
    wh = pg_warehouse
    key = wh.key("DOCK-01", "PLAIN")
    results = []

    def worker(_n: int) -> None:
        results.append(transaction(wh.engine, lambda s: inv.receive(s, key, 5, scan_id="same")))

    assert run_at_once(8, worker) == []
    assert len(results) == 8
    assert len({r.transaction_id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, key) == (5, 0)
