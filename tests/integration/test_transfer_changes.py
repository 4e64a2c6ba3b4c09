"""Transfers changed, cancelled and short-shipped, and stock in transit counted as on its way,
on SQLite and PostgreSQL, through the `floor` commands and the services the screens call:

- `floor transfer change` before a wave: the source order and the destination's inbound
  order in step; refused (nothing changed) for an unknown SKU, zero, or once in a wave;
- `floor transfer cancel` of a released transfer: its reservations released through the
  ledger, its pick tasks cancelled, its inbound order closed; refused once cancelled, and
  for a transfer already picked (nothing changed);
- a short pick: the transfer ships less, the destination expects what shipped, the receipt
  closes with no discrepancy and `floor transfer show` says what was shorted;
- `floor stock --low` at the destination: an item in transit is not low; purchasing's
  suggestions count the same units in transit.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, func, select, update

from floor.cli import main
from floor.db import session_scope, transaction
from floor.inbound import receipt_closing, sscc_receiving
from floor.models import (
    AuditEntry,
    Balance,
    Item,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
    Task,
    TaskStatus,
)
from floor.outbound import carts, picking
from floor.outbound.shipping import confirm_shipment
from floor.outbound.short_picks import short_pick
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.planning.suggestions import positions
from floor.stock import ledger
from floor.stock.ledger import Actor
from tests.pack_support import pick_everything, prepare_packing
from tests.support import SmallWarehouse, add_cart, gtin
from tests.transfer_support import NUMBER, pack_transfer, second_warehouse


def cli(engine: Engine, capsys: pytest.CaptureFixture[str], *args: str, ok: bool = True) -> str:
    capsys.readouterr()
    code = main(["--database-url", engine.url.render_as_string(hide_password=False), *args])
    out, err = capsys.readouterr()
    assert (code == 0) is ok, err
    return out if ok else err


def _create(wh: SmallWarehouse, capsys: pytest.CaptureFixture[str], *lines: str) -> None:
    out = cli(wh.engine, capsys, "transfer", "create", "--from", "TST", "--to", "WH2", *lines)
    assert out.startswith(NUMBER)


def _orders(wh: SmallWarehouse) -> tuple[dict[str, tuple[int, str]], dict[str, int], str, str]:
    """(source lines: SKU -> (ordered, status), inbound lines: SKU -> expected, order status,
    inbound status)."""
    with session_scope(wh.engine) as s:
        skus = dict(s.execute(select(Item.id, Item.sku)).all())
        order = s.scalars(select(SalesOrder).where(SalesOrder.number == NUMBER)).one()
        inbound = s.scalars(select(PurchaseOrder).where(PurchaseOrder.number == NUMBER)).one()
        return (
            {skus[x.item_id]: (x.quantity_ordered, x.status) for x in order.lines},
            {skus[x.item_id]: x.quantity_ordered for x in inbound.lines},
            order.status,
            inbound.status,
        )


def _reserved(wh: SmallWarehouse) -> int:
    with session_scope(wh.engine) as s:
        return int(s.scalar(select(func.coalesce(func.sum(Balance.reserved), 0))) or 0)


def _release(wh: SmallWarehouse) -> str:
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        release_wave(s, wave.id, cart_size=1)
        return wave.code


def _pick(wh: SmallWarehouse, me: int, view: picking.PickView, found: int | None) -> None:
    """One pick of the cart: all of it, or `found` units of it (a short pick, no more there)."""
    task, code = view.task_id, gtin(list(wh.items).index(view.sku) + 1)
    transaction(wh.engine, lambda s: picking.confirm_location(s, me, task, code=view.location))
    transaction(wh.engine, lambda s: picking.confirm_item(s, me, task, code, view.lot or None))
    if found is None:
        transaction(
            wh.engine, lambda s: picking.confirm_pick(s, me, task, view.remaining, view.tote)
        )
        return
    outcome = transaction(wh.engine, lambda s: short_pick(s, me, task, found, view.tote))
    assert outcome.shortage == view.remaining - found


def test_change_then_cancel_a_transfer(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh, engine = warehouse, warehouse.engine
    prepare_packing(wh)
    second_warehouse(wh)
    _create(wh, capsys, "PLAIN=3", "LOT=2")

    # changed before a wave: both orders in step, a new line at both ends
    out = cli(engine, capsys, "transfer", "change", NUMBER, "--line", "PLAIN=5", "--line", "SER=1")
    assert out.startswith(f"{NUMBER}: TST to WH2, 3 lines, 8 units")
    source, inbound, *_ = _orders(wh)
    assert {k: v[0] for k, v in source.items()} == inbound == {"PLAIN": 5, "LOT": 2, "SER": 1}
    # refused, changing nothing
    assert "No item with SKU NOPE" in cli(
        engine, capsys, "transfer", "change", NUMBER, "--line", "NOPE=1", ok=False
    )
    assert "expected a whole number above zero" in cli(
        engine, capsys, "transfer", "change", NUMBER, "--line", "PLAIN=0", ok=False
    )
    assert _orders(wh)[1] == {"PLAIN": 5, "LOT": 2, "SER": 1}

    # in a released wave: no change; cancelling releases what the wave reserved
    wave = _release(wh)
    held = _reserved(wh)
    assert held == 8
    err = cli(engine, capsys, "transfer", "change", NUMBER, "--line", "PLAIN=4", ok=False)
    assert f"is in wave {wave}" in err
    out = cli(engine, capsys, "transfer", "cancel", NUMBER, "--reason", "not needed")
    assert "cancelled; the reservations at TST are released" in out
    assert _reserved(wh) == 0
    source, inbound, order_status, inbound_status = _orders(wh)
    assert (order_status, inbound_status) == ("cancelled", "cancelled")
    assert {status for _n, status in source.values()} == {"cancelled"}
    with session_scope(engine) as s:
        live = s.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.wave_id.is_not(None), Task.status != TaskStatus.CANCELLED.value)
        )
        assert live == 0
        entries = {
            e.action: e.details
            for e in s.scalars(select(AuditEntry).where(AuditEntry.subject == NUMBER))
        }
        assert entries["transfer.change"]["lines"] == {"PLAIN": [3, 5], "SER": [0, 1]}
        assert entries["transfer.cancel"]["reason"] == "not needed"
        assert entries["transfer.cancel"]["units_released"] == 8
        assert ledger.invariant_violations(s) == []
    assert NUMBER in cli(engine, capsys, "transfer", "list", "--status", "cancelled")
    assert "cancelled (order at the source: cancelled)" in cli(
        engine, capsys, "transfer", "show", NUMBER
    )
    assert "already cancelled" in cli(engine, capsys, "transfer", "cancel", NUMBER, ok=False)
    assert "already cancelled" in cli(
        engine, capsys, "transfer", "change", NUMBER, "--line", "PLAIN=1", ok=False
    )


def test_a_picked_transfer_is_neither_cancelled_nor_cut_below_picked(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh, engine = warehouse, warehouse.engine
    prepare_packing(wh)
    second_warehouse(wh)
    _create(wh, capsys, "PLAIN=3")
    pick_everything(wh, ("TOTE01",))
    before = _orders(wh)
    assert "3 units already picked" in cli(engine, capsys, "transfer", "cancel", NUMBER, ok=False)
    err = cli(engine, capsys, "transfer", "change", NUMBER, "--line", "PLAIN=2", ok=False)
    assert "PLAIN cannot go below the 3 units already picked" in err
    assert _orders(wh) == before
    ssccs = pack_transfer(wh, [[("PLAIN", {})] * 3])
    transaction(
        engine,
        lambda s: confirm_shipment(
            s,
            warehouse_id=wh.warehouse_id,
            sscc=ssccs[0],
            carrier="OWN",
            tracking_number=f"{NUMBER}-1",
            actor=Actor(wh.operators["shipper"], "DOCK01"),
        ),
    )
    assert "3 units already shipped" in cli(engine, capsys, "transfer", "cancel", NUMBER, ok=False)


def test_a_short_shipped_transfer_is_expected_as_shipped(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh, engine = warehouse, warehouse.engine
    prepare_packing(wh)
    wh2 = second_warehouse(wh)
    with session_scope(engine) as s:  # at least 3 PLAIN and 2 LOT; WH2 has none
        s.execute(update(Item).values(reorder_point=None))
        s.execute(update(Item).where(Item.sku == "PLAIN").values(reorder_point=3))
        s.execute(update(Item).where(Item.sku == "LOT").values(reorder_point=2))
    assert [row.split()[0] for row in cli(engine, capsys, "stock", "--low", "--warehouse", "WH2")
            .splitlines()[1:]] == ["LOT", "PLAIN"]  # fmt: skip
    _create(wh, capsys, "PLAIN=3", "LOT=2")

    # picked at the source: one LOT unit found of two, no more anywhere (lot L1's 50: all but
    # one taken away first)
    with session_scope(engine) as s:
        lot = s.scalars(select(Balance).where(Balance.item_id == wh.items["LOT"])).one()
        key = ledger.StockKey(lot.location_id, lot.item_id, lot.lot, lot.expiry, lot.container_id)
        ledger.post(s, "adjust", [ledger.Change(key, -48, 0)], reason="test")
    me = wh.operators["picker"]
    add_cart(wh, "CART01", tuple(t for t in ("TOTE01",) if t not in wh.containers))
    _release(wh)
    transaction(engine, lambda s: carts.start_cart(s, me, wh.warehouse_id, "CART01", ["TOTE01"]))
    while (view := transaction(engine, lambda s: picking.next_pick(s, me))) is not None:
        _pick(wh, me, view, found=1 if view.sku == "LOT" else None)
    ssccs = pack_transfer(wh, [[("PLAIN", {})] * 3 + [("LOT", {"lot": "L1"})]])
    assert _orders(wh)[1] == {"PLAIN": 3, "LOT": 2}  # not shipped yet: as ordered
    transaction(
        engine,
        lambda s: confirm_shipment(
            s,
            warehouse_id=wh.warehouse_id,
            sscc=ssccs[0],
            carrier="OWN",
            tracking_number=f"{NUMBER}-1",
            actor=Actor(wh.operators["shipper"], "DOCK01"),
        ),
    )
    source, inbound, order_status, _ = _orders(wh)
    assert order_status == "shipped" and source["LOT"] == (2, "short")
    assert inbound == {"PLAIN": 3, "LOT": 1}  # the destination expects what shipped
    shown = cli(engine, capsys, "transfer", "show", NUMBER)
    assert "1 units shorted at the source" in shown
    record = json.loads(cli(engine, capsys, "transfer", "show", NUMBER, "--json"))
    assert {x["sku"]: (x["short"], x["expected"], x["in_transit"]) for x in record["lines"]} == {
        "PLAIN": (0, 3, 3),
        "LOT": (1, 1, 1),
    }

    # in transit to WH2: 3 PLAIN, not low there any more; 1 LOT of 2, still low
    low = cli(engine, capsys, "stock", "--low", "--warehouse", "WH2").splitlines()
    assert low[0].split() == [
        "SKU",
        "Description",
        "On",
        "hand",
        "In",
        "transit",
        "Reorder",
        "point",
    ]
    assert [row.split() for row in low[1:]] == [["LOT", "Yoghurt", "500", "g", "0", "1", "2"]]
    # purchasing counts the same units on their way
    with session_scope(engine) as s:
        found = positions(s, wh2)
        assert (found[wh.items["PLAIN"]].in_transit, found[wh.items["PLAIN"]].on_order) == (3, 0)
        assert (found[wh.items["LOT"]].in_transit, found[wh.items["LOT"]].on_order) == (1, 0)

    received = transaction(
        engine,
        lambda s: sscc_receiving.receive_sscc(
            s,
            warehouse_id=wh2,
            sscc=ssccs[0],
            actor=Actor(wh.operators["receiver"], "ST09"),
            scan_id="rcv-1",
        ),
    )
    closed = transaction(
        engine,
        lambda s: receipt_closing.close_receipt(
            s, received.receipt_id, actor=Actor(wh.operators["receiver"], "ST09")
        ),
    )
    assert closed.discrepancies == []
    assert "received (order at the source: shipped); 0 units in transit" in cli(
        engine, capsys, "transfer", "show", NUMBER
    )
    assert _orders(wh)[3] == "received"
    low = cli(engine, capsys, "stock", "--low", "--warehouse", "WH2").splitlines()
    assert [row.split() for row in low[1:]] == [["LOT", "Yoghurt", "500", "g", "1", "0", "2"]]
    with session_scope(engine) as s:
        assert ledger.invariant_violations(s) == []
        lines = s.scalars(select(PurchaseOrderLine)).all()
        assert all(x.quantity_received == x.quantity_ordered for x in lines)
        assert s.scalar(select(func.count()).select_from(SalesOrderLine)) == 2


def test_cancel_before_a_wave_and_in_a_planned_one(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh, engine = warehouse, warehouse.engine
    prepare_packing(wh)
    second_warehouse(wh)
    _create(wh, capsys, "PLAIN=2")
    with session_scope(engine) as s:  # a planned wave takes it; nothing reserved yet
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        wave_id = wave.id
    assert _reserved(wh) == 0
    cli(engine, capsys, "transfer", "cancel", NUMBER)
    with session_scope(engine) as s:
        order = s.scalars(select(SalesOrder).where(SalesOrder.number == NUMBER)).one()
        assert (order.status, order.wave_id) == ("cancelled", None)  # the wave no longer has it
        assert s.scalar(select(func.count()).select_from(Task)) == 0
    with session_scope(engine) as s:  # releasing the wave now allocates nothing for it
        release_wave(s, wave_id, cart_size=1)
    assert _reserved(wh) == 0
    assert _orders(wh)[2:] == ("cancelled", "cancelled")
    # a transfer with no wave at all
    out = cli(engine, capsys, "transfer", "create", "--from", "TST", "--to", "WH2", "LOT=1")
    second = out.split(":")[0]
    cli(engine, capsys, "transfer", "cancel", second)
    assert "cancelled" in cli(engine, capsys, "transfer", "show", second)
