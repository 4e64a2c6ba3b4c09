"""Pilot: codes, lots, dates and quantities keyed by hand, whatever the key timing.

The station's clock is injected (`app.clock`), so a slow, irregular typist and a loaded
station (keys read in one batch) are the same run every time; nothing sleeps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from floor.db import session_scope, transaction
from floor.imports.runner import run_import
from floor.inbound import returns as rt
from floor.models import SalesOrderLine
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.screens.lookup import LookupScreen
from floor.screens.picking import PickingScreen
from floor.screens.receiving import ReceivingScreen
from floor.screens.returns import ReturnsScreen
from floor.stock import ledger as inv
from floor.stock.ledger import Actor
from tests.support import (
    SmallWarehouse,
    add_cart,
    add_purchase_order,
    add_shipped_order,
    add_stock,
    barcode,
)
from tests.ui.conftest import open_flow, scan, settle, text_of
from tests.ui.test_shell import journal_rows

EXP = dt.date(2049, 12, 31)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


KEY_NAMES = {"\r": "enter", "-": "minus", "*": "asterisk"}


async def type_keys(pilot: Any, clock: Clock, keys: str, gaps: Iterable[float]) -> None:
    """Press `keys` one by one, `gaps` seconds apart on the station's clock; the app's flush
    timer runs between keys as it would (it ticks every 0.1 s of that clock)."""
    app = pilot.app
    for char, gap in zip(keys, gaps, strict=True):
        for _ in range(int(gap / 0.1)):  # the flush timer's ticks during the gap
            clock.now += 0.1
            app._flush_typing()
        clock.now += gap % 0.1
        app._flush_typing()
        await pilot.press(KEY_NAMES.get(char, char))
    await settle(pilot)


async def _at_expiry_step(pilot: Any, wh: SmallWarehouse) -> ReceivingScreen:
    screen = await open_flow(pilot, ReceivingScreen, "OPRECEIVER")
    await scan(pilot, "PO1001")
    await scan(pilot, "CMD:QTY:2")
    await scan(pilot, barcode(wh, "LOT"))
    await scan(pilot, "L77")  # the lot, from a plain label
    assert screen.step == "expiry"
    return screen


async def test_a_slow_irregular_typist_keys_a_date_whole(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    """Gaps around the 50 ms burst threshold, the last six keys fast: once the entry was
    cut there and "-12-31" read as a scan ("got -12-31")."""
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("LOT", 6)])
    app = make_app()
    clock = Clock()
    app.clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _at_expiry_step(pilot, wh)
        gaps = [0.3, 0.04, 0.08, 0.03, 0.07, 0.02, 0.01, 0.02, 0.01, 0.02, 0.01]
        await type_keys(pilot, clock, "2049-12-31\r", gaps)
        assert "2 x LOT received to DOCK-01" in text_of(app, "#feedback")
        assert screen.step == "item"
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "L77", EXP)) == (2, 0)


async def test_a_date_keyed_on_a_loaded_station_is_read_whole(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    """Typed at a person's pace, but the busy station read the last keys in one batch:
    they all carry the same time, like a scanner's burst."""
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("LOT", 6)])
    app = make_app()
    clock = Clock()
    app.clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        await _at_expiry_step(pilot, wh)
        await type_keys(pilot, clock, "2049", [0.4, 0.25, 0.3, 0.2])
        await type_keys(pilot, clock, "-12-31\r", [0.0] * 7)  # one batch
        assert "2 x LOT received to DOCK-01" in text_of(app, "#feedback")
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("DOCK-01", "LOT", "L77", EXP)) == (2, 0)


async def key_in(pilot: Any, clock: Clock, text: str, gap: float = 0.2) -> str:
    """Type `text` and Enter at a person's pace; the feedback line afterwards."""
    await type_keys(pilot, clock, text + "\r", [gap] * (len(text) + 1))
    return text_of(pilot.app, "#feedback")


def _picking_wave(wh: SmallWarehouse, tmp_path: Path) -> None:
    add_stock(wh, "A01-01-1", "PLAIN", 3)
    add_stock(wh, "A02-02-1", "LOT", 10, lot="L0053A", expiry=EXP)
    add_cart(wh, "LPNCART01")
    path = tmp_path / "orders.csv"
    path.write_text(
        "order,external_ref,sku,quantity,carrier,priority\n"
        "SO-1,WEB-1,PLAIN,2,UPS,9\nSO-1,WEB-1,LOT,1,,\n",
        encoding="utf-8",
    )
    run_import(wh.engine, "orders", path, warehouse="TST")
    boss = Actor(wh.operators["supervisor"], "ST01")
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules(carrier="UPS"), boss)
        release_wave(s, wave.id, boss, cart_size=4)


async def test_a_picker_keys_everything_a_label_would_say(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    """Every label damaged: the cart, the tote, the location, the item by its SKU (in lower
    case) or its GTIN, the lot the screen shows, the quantity and the tote, all keyed."""
    wh = ui_warehouse
    _picking_wave(wh, tmp_path)
    app = make_app()
    clock = Clock()
    app.clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, PickingScreen, "OPPICKER")
        await key_in(pilot, clock, "LPNCART01")
        await key_in(pilot, clock, "TOTE01")
        picked = []
        while screen.pick is not None:
            pick = screen.pick
            assert screen.step == "location"
            await key_in(pilot, clock, pick.location)
            assert screen.step == "item", text_of(app, "#feedback")
            if pick.sku == "PLAIN":
                await key_in(pilot, clock, "plain")  # its SKU, as the screen shows it
                assert "keyed: item PLAIN" in text_of(app, "#entry")
            else:
                feedback = await key_in(pilot, clock, barcode(wh, "LOT"))  # the GTIN
                assert "expected lot L0053A" in feedback
                assert screen.step == "lot" and "Lot L0053A" in text_of(app, "#detail")
                assert "not" not in await key_in(pilot, clock, "L0053A")
            assert screen.step == "quantity", text_of(app, "#feedback")
            await key_in(pilot, clock, str(pick.remaining))  # a quantity is asked here
            assert "keyed: quantity" in text_of(app, "#entry")
            assert screen.step == "drop"
            await key_in(pilot, clock, pick.tote)
            picked.append(pick.sku)
        assert sorted(picked) == ["LOT", "PLAIN"]
        assert "Cart done" in text_of(app, "#feedback")
    with session_scope(wh.engine) as s:
        assert inv.invariant_violations(s) == []
        assert s.scalar(select(func.sum(SalesOrderLine.quantity_picked))) == 3


async def test_digits_at_an_item_prompt_are_a_gtin_and_a_quantity_takes_the_quantity_key(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    add_purchase_order(wh, "PO1001", [("PLAIN", 20)])
    app = make_app()
    clock = Clock()
    app.clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, ReceivingScreen, "OPRECEIVER")
        await key_in(pilot, clock, "PO1001")
        assert screen.step == "item"
        feedback = await key_in(pilot, clock, "3")  # not a GTIN, and no quantity is asked
        assert "3 is not a code here; to key a quantity, press * first" in feedback
        await type_keys(pilot, clock, "*3\r", [0.2, 0.2, 0.2])  # the quantity key
        assert "Next scan counts 3 packs" in text_of(app, "#feedback")
        assert "keyed: quantity 3" in text_of(app, "#entry")
        await pilot.press("f6")  # F6 is the quantity key too
        assert "Qty:" in text_of(app, "#entry")
        await pilot.press("escape")  # and Esc leaves it
        assert "Qty:" not in text_of(app, "#entry")
        feedback = await key_in(pilot, clock, barcode(wh, "PLAIN"))  # a GTIN keyed
        assert "3 x PLAIN received to DOCK-01" in feedback
        assert "keyed: Product" in text_of(app, "#entry")
        await scan(pilot, barcode(wh, "PLAIN"))  # then a scan: the keyed note goes
        assert "keyed" not in text_of(app, "#entry")
    with session_scope(wh.engine) as s:
        assert inv.balance_of(s, wh.key("DOCK-01", "PLAIN")) == (4, 0)


async def test_a_sku_keyed_or_scanned_in_stock_lookup_finds_the_item(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    wh = ui_warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 7)
    app = make_app()
    clock = Clock()
    app.clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, LookupScreen)
        assert "7 units" in await key_in(pilot, clock, "PLAIN")
        assert "A01-01-1" in text_of(app, "#body")
        assert "7 units" in await scan(pilot, "PLAIN")  # a SKU label, scanned
        assert "NOPE is not a code this site uses" in await key_in(pilot, clock, "NOPE")
        assert "Location A01-01-1: 7 units" in await key_in(pilot, clock, "a01-01-1")
    rows = journal_rows(app)
    assert [(r.device, r.kind, r.outcome) for r in rows[-4:]] == [
        ("keyboard", "product", "accepted"),
        ("test", "product", "accepted"),
        ("keyboard", "unknown", "rejected"),
        ("keyboard", "location", "accepted"),
    ]


async def test_a_return_authorization_keyed_by_hand_finds_the_order(
    make_app: Callable, ui_warehouse: SmallWarehouse
) -> None:
    """Keyed with irregular gaps; once a fast tail of it was read as a scan of its own."""
    wh = ui_warehouse
    add_shipped_order(wh, "SO100", [("PLAIN", 5)])
    boss = Actor(wh.operators["supervisor"], "ST01")
    ra = transaction(wh.engine, lambda s: rt.authorize_return(s, "SO100", actor=boss)).number
    app = make_app()
    clock = Clock()
    app.clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, ReturnsScreen, "OPRECEIVER")
        gaps = [0.2, 0.07, 0.3] + [0.01] * (len(ra) - 2)
        await type_keys(pilot, clock, ra + "\r", gaps)
        assert screen.step == "item" and screen.order is not None
        assert screen.order.authorization == ra


async def test_the_gtin_and_the_lot_shown_keyed_at_a_pick(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = ui_warehouse
    _picking_wave(wh, tmp_path)
    app = make_app()
    clock = Clock()
    app.clock = clock
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, PickingScreen, "OPPICKER")
        await scan(pilot, "LPNCART01")
        await scan(pilot, "TOTE01")
        while screen.pick is not None and screen.pick.sku != "LOT":  # to the lot's pick
            pick = screen.pick
            await scan(pilot, pick.location)
            await scan(pilot, barcode(wh, "PLAIN"))
            await scan(pilot, "CMD:CONFIRM")
            await scan(pilot, pick.tote)
        assert screen.pick is not None
        await scan(pilot, screen.pick.location)
        feedback = await key_in(pilot, clock, barcode(wh, "LOT"))  # its GTIN, keyed
        assert "No quantity is asked for here" not in feedback
        assert "Scan the label with the lot: expected lot L0053A" in feedback
        assert screen.step == "lot"
        await key_in(pilot, clock, "L0053A")  # the lot the screen showed
        assert screen.step == "quantity", text_of(app, "#feedback")
