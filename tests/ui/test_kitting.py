"""Pilot: the kitting bench and the supervisor's kit work orders — a kit work order released
(from the supervisor's screen too), its components picked, built at the bench with a wrong
component and one too many refused, produced, its label decoded (pdftoppm + zbarimg), put
away, sold in an order, picked, packed and shipped; then a kit taken apart with a damaged
component sent to quarantine; the ledger equals its balances at the end. A kitter stops
for today (partial completion); the kitter's menu; a French and a Serbian kitter;
snapshots at 80x24 and 40x16."""

from __future__ import annotations

import functools
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from floor.db import session_scope, transaction
from floor.gs1 import location_check_digits
from floor.inbound import putaway
from floor.models import Item, KitWorkOrder, PackedCarton, PrintJob, SalesOrder, Task
from floor.outbound import pack_close, packing
from floor.screens.kit_orders import KitOrdersScreen
from floor.screens.kitting import KittingScreen
from floor.stock import ledger
from floor.stock.ledger import Actor
from tests.integration.kitting.support import create_and_release, import_bom, pick_everything
from tests.pack_support import SETTINGS, add_order, prepare_packing
from tests.pack_support import pick_everything as pick_orders
from tests.ship_support import ship
from tests.support import SmallWarehouse, barcode
from tests.ui.conftest import SIZES, log_in, open_flow, press, scan, settle, speaks, text_of

NO_PRINTER = {"printer": {"kind": "none"}}
DECODERS = ("pdftoppm", "zbarimg")


def _kits(wh: SmallWarehouse, tmp_path: Path) -> None:
    """Components in stock (prepare_packing: PLAIN, LOT lot L1), a kit of 2 PLAIN + 1 LOT
    with a size and weight (it is packed as it is)."""
    prepare_packing(wh)
    import_bom(wh, tmp_path, [("KIT", "PLAIN", 2), ("KIT", "LOT", 1)])
    with session_scope(wh.engine) as s:
        s.execute(
            update(Item)
            .where(Item.id == wh.items["KIT"])
            .values(length_mm=150, width_mm=100, height_mm=80, weight_kg=0.9)
        )


def _label_pdf(wh: SmallWarehouse, kit_id: str) -> bytes:
    with session_scope(wh.engine) as s:
        job = s.scalars(
            select(PrintJob).where(PrintJob.template == "kit", PrintJob.job_key.contains(kit_id))
        ).one()
        return zlib.decompress(job.document or b"")


async def _build_one(pilot: Any, wh: SmallWarehouse) -> str:
    await scan(pilot, barcode(wh, "PLAIN"))
    await scan(pilot, barcode(wh, "LOT"))
    await scan(pilot, barcode(wh, "PLAIN"))
    return await press(pilot, "f2")


def _put_away_kits(wh: SmallWarehouse) -> None:
    """The kits' put-away tasks done with the put-away services (a receiver)."""
    me = Actor(wh.operators["receiver"], "ST01")
    kit = barcode(wh, "KIT")
    while True:
        with session_scope(wh.engine) as s:
            open_task = s.scalar(
                select(Task.id).where(
                    Task.kind == "putaway", Task.status == "open", Task.item_id == wh.items["KIT"]
                )
            )
        if open_task is None:
            return
        task = transaction(
            wh.engine,
            lambda s: putaway.start_putaway(s, warehouse_id=wh.warehouse_id, scanned=kit, actor=me),
        )
        assert task.to_location
        transaction(
            wh.engine,
            lambda s, t=task: putaway.confirm_putaway(
                s,
                t.task_id,
                actor=me,
                location_code=t.to_location,
                check_digits=location_check_digits(t.to_location or ""),
            ),
        )


def _sell_and_ship(wh: SmallWarehouse) -> None:
    """SO1 for one kit: a wave picks it, the pack bench packs it, the dock ships it."""
    add_order(wh, "SO1", [("KIT", 1)])
    pick_orders(wh, ("TOTE05",), "CART05")
    me = Actor(wh.operators["packer"], "PACK01")
    view = transaction(wh.engine, lambda s: packing.start(s, wh.warehouse_id, "TOTE05", actor=me))
    assert view.carton is not None
    carton_id = view.carton.carton_id
    transaction(wh.engine, lambda s: packing.pack_scan(s, carton_id, barcode(wh, "KIT"), actor=me))

    def close(s: Any) -> Any:
        grams, _complete = packing.expected_weight(s, s.get(PackedCarton, carton_id))
        return pack_close.close_carton(
            s, carton_id, grams, settings=SETTINGS, printer=None, actor=me
        )

    closed = transaction(wh.engine, close)
    assert closed.order_packed
    ship(wh, closed.sscc, "1Z999AA10123456784")


@pytest.mark.skipif(
    any(shutil.which(t) is None for t in DECODERS), reason="needs pdftoppm and zbarimg"
)
async def test_a_kit_built_labelled_sold_shipped_and_another_taken_apart(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    from tests.integration.test_label_decode import c128, decode_pdf

    wh = ui_warehouse
    _kits(wh, tmp_path)
    number = create_and_release(wh, "KIT", 2)
    pick_everything(wh)  # the components to the bench in TOTE09, with the picking services
    app = make_app(sections={"printer": {"kind": "folder", "folder": str(tmp_path / "out")}})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, KittingScreen, "OPKITTER")
        assert "Scan a kit work order or its tote" in text_of(app, "#prompt")
        assert f"{number}: 2 kits KIT to build" in await scan(pilot, "TOTE09")
        assert screen.step == "components" and "Kit 1 of 2" in text_of(app, "#prompt")
        assert "PLAIN" in text_of(app, "#body") and "0/2" in text_of(app, "#body")
        feedback = await scan(pilot, barcode(wh, "SER"))
        assert "SER is not in kit KIT; still needed: 1 × LOT, 2 × PLAIN" in feedback
        assert app.feedback_kind() == "rejected"
        await scan(pilot, barcode(wh, "LOT"))
        feedback = await scan(pilot, barcode(wh, "LOT"))
        assert "One LOT too many: the kit takes 1; still needed: 2 × PLAIN" in feedback
        assert "is not complete" in await press(pilot, "f2")  # two PLAIN still missing
        await scan(pilot, barcode(wh, "PLAIN"))
        assert "All in" in await scan(pilot, barcode(wh, "PLAIN"))
        assert "✓ PLAIN" in text_of(app, "#body")
        feedback = await press(pilot, "f2")
        assert f"Kit {number}-001 produced (1 of 2)" in feedback
        assert "Kit 2 of 2" in text_of(app, "#prompt") and "0/2" in text_of(app, "#body")
        feedback = await _build_one(pilot, wh)
        assert f"{number} complete (2 kits)" in feedback and screen.step == "start"
        await app.workers.wait_for_complete()
    printed = sorted((tmp_path / "out").glob("*-kit-*.pdf"))  # the station's printer
    assert [p.name.split("-kit-kit-")[1] for p in printed] == [
        f"{number}-001-1.pdf",
        f"{number}-002-1.pdf",
    ]
    assert printed[1].read_bytes() == _label_pdf(wh, f"{number}-002")
    found = decode_pdf(printed[1].read_bytes(), tmp_path)
    assert found[c128(f"{number}-002")] == 1  # the kit label scans as the kit's id
    with session_scope(wh.engine) as s:
        assert ledger.on_hand(s, wh.items["KIT"], wh.locations["KIT-01"]) == 2
        assert s.scalars(select(KitWorkOrder.status)).one() == "done"
    _put_away_kits(wh)
    with session_scope(wh.engine) as s:
        assert ledger.on_hand(s, wh.items["KIT"], wh.locations["KIT-01"]) == 0
        assert ledger.on_hand(s, wh.items["KIT"]) == 2
    _sell_and_ship(wh)
    with session_scope(wh.engine) as s:
        assert s.scalars(select(SalesOrder.status)).one() == "shipped"
        assert ledger.on_hand(s, wh.items["KIT"]) == 1  # one kit left the warehouse
    # the other kit is taken apart; one of its PLAIN is broken
    dekit = create_and_release(wh, "KIT", 1, kind="dekit")
    pick_everything(wh, "CART10", "TOTE10")
    plain_before = _on_hand(wh, "PLAIN")
    app = make_app(sections=NO_PRINTER)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, KittingScreen, "OPKITTER")
        assert f"{dekit}: 1 kit to take apart" in await scan(pilot, dekit)
        assert screen.step == "dekit" and "scan the kit to take apart" in text_of(app, "#prompt")
        await press(pilot, "f3")
        assert screen.step == "damaged"
        assert "PLAIN damaged" in await scan(pilot, barcode(wh, "PLAIN"))
        assert "SER is not in kit KIT" in await scan(pilot, barcode(wh, "SER"))
        await press(pilot, "f2")
        assert screen.step == "reason" and "1  broken" in text_of(app, "#body")
        await pilot.press("1")
        await pilot.pause(0.3)  # the wedge holds a key for a few ms: a scan may follow
        assert "Damaged: 1 × PLAIN (broken)" in await press(pilot)
        assert screen.step == "dekit"
        feedback = await scan(pilot, f"{number}-009")  # no such kit was built
        assert f"{number}-009 is not the label of a kit KIT" in feedback
        assert screen.step == "dekit" and screen.damaged == {"PLAIN": 1}  # kept for the kit
        feedback = await scan(pilot, f"{number}-002")  # the kit's label
        assert "Kit KIT taken apart: 2 components back to stock · 1 to quarantine" in feedback
        assert f"{dekit} complete" in feedback and screen.step == "start"
        await app.workers.wait_for_complete()
    with session_scope(wh.engine) as s:
        assert ledger.on_hand(s, wh.items["KIT"]) == 0
        assert ledger.on_hand(s, wh.items["PLAIN"], wh.locations["QUA-01"]) == 1
        assert ledger.on_hand(s, wh.items["PLAIN"]) == plain_before + 2
        assert ledger.invariant_violations(s) == []


def _on_hand(wh: SmallWarehouse, sku: str) -> int:
    with session_scope(wh.engine) as s:
        return ledger.on_hand(s, wh.items[sku])


async def test_the_kitter_stops_for_today_and_the_supervisor_releases_again(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = ui_warehouse
    _kits(wh, tmp_path)
    async with (app := make_app(sections=NO_PRINTER)).run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, KittingScreen, "OPKITTER")
        feedback = await scan(pilot, "KWO-00001")
        assert "KWO-00001 is neither a kit work order nor one of its totes" in feedback
    async with (app := make_app(sections=NO_PRINTER)).run_test(size=(80, 24)) as pilot:
        orders = await open_flow(pilot, KitOrdersScreen, "OPSUPERVISOR")
        assert "No kit work orders yet" in text_of(app, "#body")
        await press(pilot, "f4")
        assert orders.step == "new_sku"
        await press(pilot, *"PLAIN", "enter")
        assert "PLAIN has no bill of materials" in text_of(app, "#feedback")
        assert orders.step == "new_sku"
        await scan(pilot, barcode(ui_warehouse, "KIT"))  # the kit's barcode names it too
        assert orders.step == "new_quantity" and "KIT" in text_of(app, "#prompt")
        feedback = await press(pilot, "3", "enter")
        assert "KWO-00001 made: 3 × KIT" in feedback and orders.step == "list"
        assert "KWO-00001" in text_of(app, "#body") and "planned" in text_of(app, "#body")
        feedback = await press(pilot, "f2")
        assert "KWO-00001 released: 2 picks (9 units) to the bench" in feedback
        assert "released" in text_of(app, "#body")
    pick_everything(wh)
    async with (app := make_app(sections=NO_PRINTER)).run_test(size=(80, 24)) as pilot:
        screen = await open_flow(pilot, KittingScreen, "OPKITTER")
        await scan(pilot, "kwo-00001")  # keyed in lower case
        assert screen.step == "components"
        assert "not complete" in await scan(pilot, "LPN0001")
        assert "2 units of the next" in await press(pilot, "asterisk", "2", "enter")
        await scan(pilot, barcode(wh, "PLAIN"))  # counts two
        assert "2/2" in text_of(app, "#body")
        await scan(pilot, barcode(wh, "LOT"))
        assert "Kit KWO-00001-001 produced (1 of 3)" in await scan(pilot, "LPN0001")
        assert "Kit KWO-00001-001 produced onto LPN0001" in text_of(app, "#body")
        await scan(pilot, barcode(wh, "LOT"))
        assert "The kit on the bench starts again" in await press(pilot, "f4")
        assert "0/1" in text_of(app, "#body") and "Still needed: 1 × LOT, 2 × PLAIN" in text_of(
            app, "#detail"
        )
        await scan(pilot, barcode(wh, "PLAIN"))  # half of the second kit on the bench
        feedback = await press(pilot, "f5")
        assert "KWO-00001 stopped at 1 of 3" in feedback and screen.step == "start"
    with session_scope(wh.engine) as s:
        order = s.scalars(select(KitWorkOrder)).one()
        assert (order.status, order.quantity_done, order.progress) == ("planned", 1, {})
        kit = ledger.StockKey(
            wh.locations["KIT-01"], wh.items["KIT"], container_id=wh.containers["LPN0001"]
        )
        assert ledger.balance_of(s, kit) == (1, 0)  # the kit on the LPN
        leftovers = s.scalars(
            select(Task).where(Task.kind == "putaway", Task.item_id != wh.items["KIT"])
        ).all()
        assert sorted((t.item_id, t.quantity) for t in leftovers) == sorted(
            [(wh.items["PLAIN"], 4), (wh.items["LOT"], 2)]
        )
        assert ledger.invariant_violations(s) == []
    async with (app := make_app(sections=NO_PRINTER)).run_test(size=(80, 24)) as pilot:
        orders = await open_flow(pilot, KitOrdersScreen, "OPSUPERVISOR")
        assert "1/3" in text_of(app, "#body")
        await scan(pilot, "CMD:CANCEL")
        assert "Scan cancel again to cancel KWO-00001" in text_of(app, "#feedback")
        assert "KWO-00001 cancelled" in await scan(pilot, "CMD:CANCEL")
        assert "closed short" in text_of(app, "#body")


async def test_a_supervisor_cancels_a_work_order_with_del_at_rf_gun_size(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    """Cancel had no key (only CMD:CANCEL scanned twice, not named at 40x16): Del twice."""
    _kits(ui_warehouse, tmp_path)
    async with (app := make_app(sections=NO_PRINTER)).run_test(size=(40, 16)) as pilot:
        orders = await open_flow(pilot, KitOrdersScreen, "OPSUPERVISOR")
        assert "No kit work order to cancel" in await press(pilot, "delete")
        await press(pilot, "f4", *"KIT", "enter")
        assert "KWO-00001 made" in await press(pilot, "2", "enter")
        assert "Del" in text_of(app, "#detail") and "DelCancel" in text_of(app, "#hints")
        assert "Press Del again to cancel KWO-00001" in await press(pilot, "delete")
        await press(pilot, "down")  # moving on disarms it
        assert "Press Del again" in await press(pilot, "delete")
        assert "KWO-00001 cancelled: 0 kits built" in await press(pilot, "delete")
        assert orders.step == "list" and "cancelled" in text_of(app, "#body")
    with session_scope(ui_warehouse.engine) as s:
        assert s.scalars(select(KitWorkOrder.status)).one() == "cancelled"


async def test_the_kitters_menu_opens_the_kitting_bench(make_app: Callable) -> None:
    from floor.screens.menu import MenuScreen

    app = make_app(sections=NO_PRINTER)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, "OPKITTER")
        menu = app.screen
        assert isinstance(menu, MenuScreen)
        assert [f.FLOW for f in menu.flows] == ["kitting", "lookup", "print_jobs"]
        assert "1  Kitting bench" in text_of(app, "#body")
        await pilot.press("1")
        await pilot.pause(0.3)
        await press(pilot)
        assert isinstance(app.screen, KittingScreen)


async def test_a_french_and_a_serbian_kitter(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = ui_warehouse
    _kits(wh, tmp_path)
    number = create_and_release(wh, "KIT", 2)
    pick_everything(wh)
    speaks(wh, "OPKITTER", "fr")
    app = make_app(sections=NO_PRINTER)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, KittingScreen, "OPKITTER")
        assert "Scannez un ordre de kit ou son bac" in text_of(app, "#prompt")
        await scan(pilot, "TOTE09")
        assert "Kit 1 sur 2" in text_of(app, "#prompt")
        feedback = await scan(pilot, barcode(wh, "SER"))
        assert "SER n'est pas dans le kit KIT" in feedback
        await _build_one(pilot, wh)
        assert f"Kit {number}-001 produit" in text_of(app, "#feedback")
        assert "Produire" in text_of(app, "#hints")
    speaks(wh, "OPKITTER", "sr")
    app = make_app(sections=NO_PRINTER)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, KittingScreen, "OPKITTER")  # the work order opens again
        assert "Комплет 2 од 2" in text_of(app, "#prompt")
        feedback = await scan(pilot, barcode(wh, "SER"))
        assert "SER није у комплету KIT" in feedback
        assert "Направи" in text_of(app, "#hints")


async def _bench_for_snapshot(wh: SmallWarehouse, pilot: Any) -> None:
    await open_flow(pilot, KittingScreen, "OPKITTER")
    await scan(pilot, "TOTE09")
    await scan(pilot, barcode(wh, "LOT"))
    await scan(pilot, barcode(wh, "PLAIN"))
    await scan(pilot, barcode(wh, "SER"))  # refused: what is still needed is named


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_kitting_bench(
    snap_compare: Callable,
    make_app: Callable,
    ui_warehouse: SmallWarehouse,
    tmp_path: Path,
    size: tuple[int, int],
) -> None:
    _kits(ui_warehouse, tmp_path)
    create_and_release(ui_warehouse, "KIT", 2)
    pick_everything(ui_warehouse)
    app = make_app(sections=NO_PRINTER)
    run_before = functools.partial(_bench_for_snapshot, ui_warehouse)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_the_list_is_drawn_again_when_the_terminal_shrinks(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    """Resized from 80x24 to 40x16, the list kept its 80-column rows (wrapped over two
    lines) until the next step; now the step is drawn again for the new size."""
    _kits(ui_warehouse, tmp_path)
    async with (app := make_app(sections=NO_PRINTER)).run_test(size=(80, 24)) as pilot:
        await open_flow(pilot, KitOrdersScreen, "OPSUPERVISOR")
        await press(pilot, "f4", *"KIT", "enter")
        await press(pilot, "2", "enter")
        assert "> KWO-00001  kit" in text_of(app, "#body")
        await pilot.resize_terminal(40, 16)
        await settle(pilot)
        assert app.compact and text_of(app, "#body").startswith(">00001 KIT")
        assert "F2 release F3 park F4 new" in text_of(app, "#detail")


async def test_a_long_refusal_is_shown_whole_at_rf_gun_size(
    make_app: Callable, ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    """The feedback had three lines at 40x16: in Serbian a refusal and what is expected
    take four, and the end was lost ("Очекивано: пуштен радни налог за"). It grows now,
    and the list gives way."""
    _kits(ui_warehouse, tmp_path)
    speaks(ui_warehouse, "OPSUPERVISOR", "sr")
    async with (app := make_app(sections=NO_PRINTER)).run_test(size=(40, 16)) as pilot:
        await open_flow(pilot, KitOrdersScreen, "OPSUPERVISOR")
        await press(pilot, "f4", *"KIT", "enter")
        await press(pilot, "2", "enter")
        feedback = await press(pilot, "f3")  # park a planned one: refused
        assert feedback.endswith("Очекивано: пуштен радни налог за комплете")
        widget = app.screen.query_one("#feedback")
        shown = widget.render_lines(widget.region.reset_offset)
        text = " ".join(segment.text for line in shown for segment in line)
        assert widget.size.height == 4 and "за комплете" in text
        assert ">00001 KIT" in text_of(app, "#body")  # the list still shows
