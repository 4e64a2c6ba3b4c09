"""Board test helpers: a released wave on the small warehouse, and picks confirmed through the
services as a picker's station would (journal row first, then the service with its scan id)."""

from __future__ import annotations

import datetime as dt
import uuid

from floor.db import session_scope, transaction
from floor.journal import ACCEPTED, write_entries
from floor.journal import journal_entry as entry
from floor.outbound import carts, picking
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.station import Heartbeat, report_heartbeat
from tests.support import SmallWarehouse, add_cart, add_sales_order, add_stock


def released_wave(
    wh: SmallWarehouse, orders: int = 2, cart_size: int = 4, code: str | None = None
) -> str:
    """`orders` orders of 2 PLAIN each from A01-01-1, released in one wave; CART01 exists."""
    add_stock(wh, "A01-01-1", "PLAIN", 2 * orders + 10)
    for n in range(1, orders + 1):
        add_sales_order(wh, f"SO{n}", [("PLAIN", 2)])
    add_cart(wh, "CART01", tuple(f"TOTE{n:02d}" for n in range(3, 3 + orders)))
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules(), code=code)
        release_wave(s, wave.id, cart_size=cart_size)
        return wave.code


def start_cart(wh: SmallWarehouse, operator_id: int) -> None:
    def work(s):  # type: ignore[no-untyped-def]
        view = carts.claim_cart(s, operator_id, wh.warehouse_id, "CART01")
        totes = ["TOTE01", "TOTE02"] + [f"TOTE{n:02d}" for n in range(3, 3 + len(view.slots))]
        for code in totes[: len(view.slots)]:
            carts.assign_tote(s, operator_id, code)

    transaction(wh.engine, work)


def journal(
    wh: SmallWarehouse,
    station: str,
    operator_id: int | None,
    raw: str,
    outcome: str,
    *,
    scan_id: str | None = None,
    message: str = "",
    at: dt.datetime | None = None,
) -> str:
    scan_id = scan_id or str(uuid.uuid4())
    transaction(
        wh.engine,
        lambda s: write_entries(
            s,
            [
                entry(
                    scan_id=scan_id,
                    station=station,
                    operator_id=operator_id,
                    device="test",
                    raw=raw.encode(),
                    kind="test",
                    outcome=outcome,
                    message=message,
                    read_at=at,
                )
            ],
        ),
    )
    return scan_id


def pick_next(wh: SmallWarehouse, operator_id: int, station: str = "ST02") -> bool:
    """Confirm the picker's next pick in full, as their station would; False when none."""
    view = transaction(wh.engine, lambda s: picking.next_pick(s, operator_id))
    if view is None:
        return False
    scan_id = journal(wh, station, operator_id, "CMD:CONFIRM", ACCEPTED)
    transaction(
        wh.engine,
        lambda s: (
            picking.confirm_location(s, operator_id, view.task_id, code=view.location),
            picking.confirm_pick(
                s, operator_id, view.task_id, view.remaining, view.tote, scan_id=scan_id
            ),
        ),
    )
    return True


def beat(
    wh: SmallWarehouse,
    station: str,
    operator_id: int | None,
    *,
    flow: str = "picking",
    scanner: bool | None = True,
    at: dt.datetime | None = None,
) -> None:
    now = at or dt.datetime.now(dt.UTC)
    transaction(
        wh.engine,
        lambda s: report_heartbeat(
            s,
            Heartbeat(station, operator_id, flow, scanner, True, "0.1.0", None, now),
            at=now,
        ),
    )
