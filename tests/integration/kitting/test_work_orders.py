"""Kit work orders end to end in the domain: bill of materials imported, work order released
with component picks through the picking engine, kits built at the bench through the ledger
(idempotent, wrong or extra component refused), partial completion, de-kitting,
assemble to order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from floor.db import session_scope, transaction
from floor.errors import InsufficientStock, WrongScan
from floor.imports import ImportRejected
from floor.kitting import bench, bom, dekitting, work_orders
from floor.models import (
    Balance,
    KitWorkOrder,
    PickCluster,
    SalesOrder,
    Task,
    TaskKind,
    TaskStatus,
    Wave,
)
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.stock import ledger
from tests.integration.kitting.support import (
    create_and_release,
    import_bom,
    pick_everything,
)
from tests.support import SmallWarehouse, add_sales_order, add_stock, barcode

EXP1 = dt.date(2031, 1, 1)
EXP2 = dt.date(2030, 6, 1)


def _stock(wh: SmallWarehouse) -> None:
    add_stock(wh, "A01-01-1", "PLAIN", 50)
    add_stock(wh, "A02-02-1", "LOT", 5, lot="L1", expiry=EXP1)
    add_stock(wh, "A02-03-2", "LOT", 5, lot="L2", expiry=EXP2)


def _kitter(wh: SmallWarehouse) -> int:
    return wh.operators["kitter"]


def _scan_kit(wh: SmallWarehouse, number: str, n: int = 0) -> bench.Produced:
    me = _kitter(wh)
    for sku in ("PLAIN", "PLAIN", "LOT"):
        code = barcode(wh, sku)
        transaction(wh.engine, lambda s, b=code: bench.scan_component(s, me, number, b))
    return transaction(
        wh.engine, lambda s: bench.produce_kit(s, me, number, scan_id=f"produce-{number}-{n}")
    )


def test_release_picks_build_and_put_away(warehouse: SmallWarehouse, tmp_path: Path) -> None:
    wh = warehouse
    _stock(wh)
    import_bom(wh, tmp_path, [("KIT", "PLAIN", 2), ("KIT", "LOT", 1)])
    number = create_and_release(wh, "KIT", 2)
    with session_scope(wh.engine) as s:
        tasks = list(s.scalars(select(Task).where(Task.kind == TaskKind.PICK.value)))
        assert {t.item_id for t in tasks} == {wh.items["PLAIN"], wh.items["LOT"]}
        assert {t.to_location_id for t in tasks} == {wh.locations["KIT-01"]}
        lot_task = next(t for t in tasks if t.item_id == wh.items["LOT"])
        assert lot_task.lot == "L2"  # FEFO: the earlier expiry
        assert s.scalar(select(func.count()).select_from(PickCluster)) == 1
    pick_everything(wh)
    me = _kitter(wh)
    # the tote finds the work order
    view = transaction(wh.engine, lambda s: bench.open_bench(s, me, "TOTE09"))
    assert view.number == number and not view.complete
    with pytest.raises(WrongScan, match="not in kit KIT"):
        transaction(wh.engine, lambda s: bench.scan_component(s, me, number, barcode(wh, "SER")))
    transaction(wh.engine, lambda s: bench.scan_component(s, me, number, barcode(wh, "LOT")))
    with pytest.raises(WrongScan, match=r"One LOT too many.*2 × PLAIN"):
        transaction(wh.engine, lambda s: bench.scan_component(s, me, number, barcode(wh, "LOT")))
    for _n in range(2):
        transaction(wh.engine, lambda s: bench.scan_component(s, me, number, barcode(wh, "PLAIN")))
    first = transaction(wh.engine, lambda s: bench.produce_kit(s, me, number, scan_id="p-1"))
    again = transaction(wh.engine, lambda s: bench.produce_kit(s, me, number, scan_id="p-1"))
    assert again.kit_id == first.kit_id and again.done == 1
    with session_scope(wh.engine) as s:
        assert ledger.on_hand(s, wh.items["KIT"]) == 1  # a retried produce made one kit
        assert ledger.on_hand(s, wh.items["PLAIN"], wh.locations["KIT-01"]) == 2
    second = _scan_kit(wh, number, 2)
    assert second.finished and second.done == 2
    with session_scope(wh.engine) as s:
        order = s.scalars(select(KitWorkOrder)).one()
        assert order.status == "done"
        putaways = list(
            s.scalars(
                select(Task).where(
                    Task.kind == TaskKind.PUTAWAY.value, Task.item_id == wh.items["KIT"]
                )
            )
        )
        assert sum(t.quantity for t in putaways) >= 2
        # nothing left over at the bench besides the kits
        left = s.scalar(
            select(func.coalesce(func.sum(Balance.quantity), 0)).where(
                Balance.location_id == wh.locations["KIT-01"],
                Balance.item_id != wh.items["KIT"],
            )
        )
        assert left == 0
        assert ledger.invariant_violations(s) == []


def test_lot_tracked_kit_takes_a_lot_and_the_earliest_expiry(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = warehouse
    _stock(wh)
    import_bom(wh, tmp_path, [("KIT", "PLAIN", 2), ("KIT", "LOT", 1)])
    with session_scope(wh.engine) as s:
        from floor.models import Item

        kit = s.get(Item, wh.items["KIT"])
        assert kit is not None
        kit.lot_tracked = True
        kit.expiry_tracked = True
        bom.set_rule(s, kit.id, lot_from_item_id=wh.items["LOT"])
    number = create_and_release(wh, "KIT", 1)
    pick_everything(wh)
    made = _scan_kit(wh, number)
    assert made.lot == "L2" and made.expiry == EXP2


def test_release_reports_each_short_component_and_releases_nothing(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 3)
    import_bom(wh, tmp_path, [("KIT", "PLAIN", 2), ("KIT", "LOT", 1)])
    with session_scope(wh.engine) as s:
        number = work_orders.create_work_order(s, wh.warehouse_id, "KIT", 2).number
    with pytest.raises(InsufficientStock, match="LOT needs 2, 0 free; PLAIN needs 4, 3 free"):
        transaction(wh.engine, lambda s: work_orders.release_work_order(s, number))
    with session_scope(wh.engine) as s:
        assert s.scalar(select(func.count()).select_from(Task)) == 0
        assert s.scalar(select(func.sum(Balance.reserved))) == 0
        assert s.scalars(select(KitWorkOrder)).one().status == "planned"


def test_cancelling_before_any_pick_cancels_its_wave_not_completes_it(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = warehouse
    _stock(wh)
    import_bom(wh, tmp_path, [("KIT", "PLAIN", 2), ("KIT", "LOT", 1)])
    untouched = create_and_release(wh, "KIT", 1)
    cancelled = transaction(wh.engine, lambda s: work_orders.cancel_work_order(s, untouched))
    assert cancelled.status == "cancelled"
    picked = create_and_release(wh, "KIT", 1)
    pick_everything(wh)
    transaction(wh.engine, lambda s: work_orders.cancel_work_order(s, picked))
    with session_scope(wh.engine) as s:
        statuses = {code: status for code, status in s.execute(select(Wave.code, Wave.status))}
        assert statuses == {f"{untouched}-R1": "cancelled", f"{picked}-R1": "done"}
        assert s.scalar(select(func.sum(Balance.reserved))) == 0


def test_partial_completion_parks_and_puts_leftovers_away(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = warehouse
    _stock(wh)
    import_bom(wh, tmp_path, [("KIT", "PLAIN", 2), ("KIT", "LOT", 1)])
    number = create_and_release(wh, "KIT", 3)
    pick_everything(wh)
    _scan_kit(wh, number, 1)
    _scan_kit(wh, number, 2)
    parked = transaction(wh.engine, lambda s: work_orders.park_work_order(s, number))
    assert parked.status == "planned" and parked.done == 2
    with session_scope(wh.engine) as s:
        leftovers = list(
            s.scalars(
                select(Task).where(
                    Task.kind == TaskKind.PUTAWAY.value,
                    Task.status == TaskStatus.OPEN.value,
                    Task.container_id == wh.containers["TOTE09"],
                )
            )
        )
        assert sorted((t.item_id, t.quantity) for t in leftovers) == sorted(
            [(wh.items["PLAIN"], 2), (wh.items["LOT"], 1)]
        )
    # tomorrow: the leftovers were put away (moved back here by hand), release the last kit
    for task in leftovers:
        with session_scope(wh.engine) as s:
            key = ledger.StockKey(
                wh.locations["KIT-01"], task.item_id, task.lot, task.expiry, task.container_id
            )
            ledger.move(s, key, task.quantity, wh.locations["A01-02-2"])
            s.get(Task, task.id).status = TaskStatus.DONE.value  # type: ignore[union-attr]
    with session_scope(wh.engine) as s:
        done = work_orders.release_work_order(s, number)
    assert done.wave.endswith("-R2") and done.units == 3
    pick_everything(wh, "CART10", "TOTE10")
    last = _scan_kit(wh, number, 3)
    assert last.finished and last.done == 3
    with session_scope(wh.engine) as s:
        assert ledger.on_hand(s, wh.items["KIT"]) == 3
        assert ledger.invariant_violations(s) == []


def test_dekit_gives_components_their_lots_and_quarantines_the_damaged(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = warehouse
    _stock(wh)
    import_bom(wh, tmp_path, [("KIT", "PLAIN", 2), ("KIT", "LOT", 1)])
    number = create_and_release(wh, "KIT", 1)
    pick_everything(wh)
    _scan_kit(wh, number)
    # the kit is put away to storage, then a de-kit order takes it apart
    with session_scope(wh.engine) as s:
        ledger.move(
            s,
            ledger.StockKey(wh.locations["KIT-01"], wh.items["KIT"]),
            1,
            wh.locations["A01-03-2"],
        )
    undo = create_and_release(wh, "KIT", 1, kind="dekit")
    pick_everything(wh, "CART10", "TOTE10")
    me = _kitter(wh)
    with pytest.raises(WrongScan, match="expected kit KIT"):
        transaction(wh.engine, lambda s: dekitting.dekit(s, me, undo, barcode(wh, "PLAIN")))
    done = transaction(
        wh.engine,
        lambda s: dekitting.dekit(
            s, me, undo, barcode(wh, "KIT"), damaged={"PLAIN": 1}, reason="crushed", scan_id="d1"
        ),
    )
    again = transaction(
        wh.engine,
        lambda s: dekitting.dekit(
            s, me, undo, barcode(wh, "KIT"), damaged={"PLAIN": 1}, reason="crushed", scan_id="d1"
        ),
    )
    assert done == again and done.finished
    assert ("LOT", "", 1) in done.components or ("LOT", "L2", 1) in done.components
    with session_scope(wh.engine) as s:
        assert ledger.on_hand(s, wh.items["KIT"]) == 0
        assert ledger.on_hand(s, wh.items["PLAIN"], wh.locations["QUA-01"]) == 1
        assert ledger.on_hand(s, wh.items["PLAIN"], wh.locations["KIT-01"]) == 1
        assert ledger.invariant_violations(s) == []


def test_assemble_to_order_makes_a_work_order_and_the_order_waits(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = warehouse
    _stock(wh)
    import_bom(wh, tmp_path, [("KIT", "PLAIN", 2), ("KIT", "LOT", 1)])
    with session_scope(wh.engine) as s:
        bom.set_rule(s, wh.items["KIT"], assemble_to_order=True)
    order_id = add_sales_order(wh, "SO-KIT", [("KIT", 2)])
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        report = release_wave(s, wave.id)
    assert report.backordered == ["SO-KIT"]
    assert report.short[0].outcome == "awaiting_kit"
    with session_scope(wh.engine) as s:
        made = s.scalars(select(KitWorkOrder)).one()
        assert (made.quantity, made.source_order_id, made.status) == (2, order_id, "planned")
        number = made.number
    # a second wave does not order the kits twice
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        release_wave(s, wave.id)
    with session_scope(wh.engine) as s:
        assert s.scalar(select(func.count()).select_from(KitWorkOrder)) == 1
    with session_scope(wh.engine) as s:
        work_orders.release_work_order(s, number)
    pick_everything(wh)
    _scan_kit(wh, number, 1)
    _scan_kit(wh, number, 2)
    with session_scope(wh.engine) as s:  # the kits put away
        ledger.move(
            s,
            ledger.StockKey(wh.locations["KIT-01"], wh.items["KIT"]),
            2,
            wh.locations["A01-03-2"],
        )
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        report = release_wave(s, wave.id)
    assert report.short == [] and report.orders_allocated == 1
    with session_scope(wh.engine) as s:
        assert s.get(SalesOrder, order_id).status == "allocated"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("KIT", "PLAIN", 1), ("PLAIN", "KIT", 1)], "does not contain itself: KIT → PLAIN → KIT"),
        ([("KIT", "NOPE", 1)], "kits.csv:2: column component_sku: expected a SKU of an item"),
        ([("KIT", "PLAIN", 0)], "kits.csv:2: column quantity"),
        ([("KIT", "KIT", 1)], "a component other than the kit itself"),
    ],
)
def test_bom_import_refuses_cycles_unknown_skus_and_zero(
    warehouse: SmallWarehouse, tmp_path: Path, rows: list, message: str
) -> None:
    wh = warehouse
    import_bom(wh, tmp_path, [("LOT", "SER", 1)])
    with pytest.raises(ImportRejected) as caught:
        import_bom(wh, tmp_path, rows)
    assert message in "\n".join(caught.value.lines())
    with session_scope(wh.engine) as s:
        assert bom.all_bills(s) == {"LOT": {"SER": 1}}  # nothing written


def test_a_cycle_through_a_kit_in_the_database_is_refused(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = warehouse
    import_bom(wh, tmp_path, [("KIT", "LOT", 1), ("LOT", "PLAIN", 1)])
    with pytest.raises(ImportRejected) as caught:
        import_bom(wh, tmp_path, [("PLAIN", "KIT", 1)])
    assert "PLAIN → KIT → LOT → PLAIN" in "\n".join(caught.value.lines())
