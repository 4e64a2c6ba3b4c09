"""PostgreSQL: 16 pickers picking and short-picking the same hot item at once never deadlock.

A short pick posts three times in one transaction (the units found into the tote, the rest of
the reservation released, the remainder reserved elsewhere); with each posting locking its own
keys in order but the postings one after the other, two short picks at two locations of the
same item locked each other's balance in opposite orders. Deadlocks are counted by PostgreSQL
itself (pg_stat_database.deadlocks), which sees them even when transaction() retries them away.
"""

from __future__ import annotations

import random
import threading
import time

import pytest
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.engine import make_url

from floor.db import session_scope, transaction
from floor.errors import FloorError, NotFound
from floor.models import Container, Operator
from floor.outbound import carts, picking, short_picks
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.stock import ledger
from tests.support import (
    SmallWarehouse,
    add_cart,
    add_pick_face,
    add_sales_order,
    add_stock,
    run_at_once,
)

pytestmark = pytest.mark.postgres

PICKERS = 16
SECONDS = 12.0  # the workload's bound; every picker stops at its next step after it
HOT = ["A01-01-1", "A01-02-1", "A01-03-1", "A02-01-1", "A02-02-1", "A02-03-1"]
ROUNDS = 12  # carts a picker may claim (totes made for each)


def _deadlocks(engine: Engine) -> int:
    """Deadlocks PostgreSQL detected in this database so far (its cumulative statistics)."""
    admin = create_engine(
        make_url(engine.url.render_as_string(hide_password=False)),
        isolation_level="AUTOCOMMIT",
    )
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_stat_clear_snapshot()"))
            return int(
                conn.execute(
                    text(
                        "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
                    )
                ).scalar_one()
            )
    finally:
        admin.dispose()


def _settled_deadlocks(engine: Engine) -> int:
    """The count once every backend that ran the workload has ended and reported."""
    engine.dispose()  # backends flush their statistics when they end
    seen = -1
    for _ in range(20):
        time.sleep(0.3)
        now = _deadlocks(engine)
        if now == seen:
            return now
        seen = now
    return seen


def test_sixteen_pickers_short_picking_hot_items_never_deadlock(
    pg_warehouse: SmallWarehouse,
) -> None:
    wh = pg_warehouse
    for code in HOT:
        add_stock(wh, code, "PLAIN", 40)
    add_stock(wh, "A01-01-2", "PLAIN", 400)  # reserve behind the pick faces
    add_pick_face(wh, "A01-01-1", "PLAIN", 10, 60)
    rng = random.Random(7)
    for n in range(PICKERS * 8):
        add_sales_order(wh, f"SO{n:04d}", [("PLAIN", rng.randint(1, 3))])
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        release_wave(s, wave.id, cart_size=2)
        pickers = []
        for n in range(PICKERS):
            op = Operator(badge=f"HOT{n:02d}", name=f"Picker {n}", pin_hash="x", roles="picker")
            s.add(op)
            s.flush()
            pickers.append(op.id)
        s.execute(
            insert(Container),
            [
                {"code": f"T{p:02d}-{r:02d}-{k}", "kind": "tote", "status": "active"}
                for p in range(PICKERS)
                for r in range(ROUNDS)
                for k in (1, 2)
            ],
        )
    for n in range(PICKERS):
        add_cart(wh, f"HCART{n:02d}")
    before = _deadlocks(wh.engine)
    deadline = time.monotonic() + SECONDS
    done = {"pick": 0, "short": 0, "claims": 0}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def picker(index: int) -> None:
        me = pickers[index]
        rng = random.Random(index)
        for round_ in range(ROUNDS):
            if time.monotonic() > deadline:
                return
            totes = [f"T{index:02d}-{round_:02d}-{k}" for k in (1, 2)]
            try:
                transaction(
                    wh.engine,
                    lambda s, t=totes: carts.start_cart(
                        s, me, wh.warehouse_id, f"HCART{index:02d}", t
                    ),
                )
            except NotFound:
                return  # no work left
            with lock:
                done["claims"] += 1
            while time.monotonic() < deadline:
                view = transaction(wh.engine, lambda s: picking.next_pick(s, me))
                if view is None:
                    break
                remaining = view.remaining
                if rng.random() < 0.5:
                    found = rng.randint(0, remaining - 1)
                    transaction(
                        wh.engine,
                        lambda s, v=view, f=found: short_picks.short_pick(
                            s, me, v.task_id, f, v.tote
                        ),
                    )
                    kind = "short"
                else:
                    transaction(
                        wh.engine,
                        lambda s, v=view, q=remaining: picking.confirm_pick(
                            s, me, v.task_id, q, v.tote
                        ),
                    )
                    kind = "pick"
                with lock:
                    done[kind] += 1

    def guarded(index: int) -> None:
        try:
            picker(index)
        except FloorError as exc:  # a refusal is a test failure too: say which
            with lock:
                errors.append(exc)

    errors += run_at_once(PICKERS, guarded, timeout=SECONDS + 120)
    deadlocks = _settled_deadlocks(wh.engine) - before
    print(f"{done}; deadlocks detected: {deadlocks}")  # shown with -s
    assert errors == []
    assert done["short"] >= 20 and done["pick"] >= 20, done
    with session_scope(wh.engine) as s:
        assert ledger.invariant_violations(s) == []
    assert deadlocks == 0
