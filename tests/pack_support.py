"""Packing test set-up on the small warehouse: sizes and weights, carton types, addresses,
and orders picked into totes (through real picking, or made directly as picking leaves them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from floor.db import session_scope, transaction
from floor.models import (
    Address,
    CartonType,
    Container,
    Item,
    OrderStatus,
    SalesOrder,
    SalesOrderLine,
    SerialNumber,
    Task,
    TaskKind,
    TaskStatus,
    Warehouse,
)
from floor.outbound import carts, picking
from floor.outbound.pack_settings import PackingSettings
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.stock import ledger
from floor.stock.ledger import Actor
from tests.support import SmallWarehouse, add_cart, add_sales_order, add_stock, gtin

EXP = dt.date(2031, 1, 1)
SETTINGS = PackingSettings(gs1_company_prefix="0614141", sscc_extension_digit=3)
# sku: length, width, height (mm), weight (kg)
SIZES = {
    "PLAIN": (100, 80, 50, 0.2),
    "LOT": (120, 90, 60, 0.45),
    "SER": (200, 150, 80, 0.9),
}
# code, length, width, height, max gross g, tare g, barcode
CARTONS = (
    ("TINY", 160, 120, 80, 2000, 70, gtin(901)),
    ("SMALL", 250, 180, 120, 5000, 150, gtin(902)),
    ("MEDIUM", 350, 250, 200, 10000, 300, gtin(903)),
)
SERIALS = ("SN001", "SN002", "SN003", "SN004", "SN005")


def carton_barcode(code: str) -> str:
    return next(c[6] for c in CARTONS if c[0] == code)


def _address(name: str, city: str) -> Address:
    return Address(name=name, line1="1 Main Street", city=city, postcode="75001", country="FR")


def prepare_packing(wh: SmallWarehouse) -> None:
    """Item sizes and weights, three carton types, the warehouse's address, stock
    (PLAIN, LOT lot L1, SER with five received serials) at the pick faces."""
    with session_scope(wh.engine) as s:
        for sku, (length, width, height, kg) in SIZES.items():
            s.execute(
                update(Item)
                .where(Item.id == wh.items[sku])
                .values(length_mm=length, width_mm=width, height_mm=height, weight_kg=kg)
            )
        for code, length, width, height, max_g, tare, barcode in CARTONS:
            s.add(
                CartonType(
                    code=code,
                    description=f"Box {code.lower()}",
                    length_mm=length,
                    width_mm=width,
                    height_mm=height,
                    max_weight_g=max_g,
                    tare_weight_g=tare,
                    barcode=barcode,
                )
            )
        warehouse = s.get(Warehouse, wh.warehouse_id)
        assert warehouse is not None
        warehouse.address = _address("Test warehouse", "Lyon")
    add_stock(wh, "A01-01-1", "PLAIN", 100)
    add_stock(wh, "A02-02-1", "LOT", 50, lot="L1", expiry=EXP)
    add_stock(wh, "A01-02-1", "SER", len(SERIALS))
    with session_scope(wh.engine) as s:
        for serial in SERIALS:
            s.add(
                SerialNumber(
                    item_id=wh.items["SER"], serial=serial, location_id=wh.locations["A01-02-1"]
                )
            )


def add_order(wh: SmallWarehouse, number: str, lines: list[tuple[str, int]]) -> int:
    return add_sales_order(
        wh,
        number,
        lines,
        carrier="UPS",
        service="Standard",
        ship_to=_address(f"Customer {number}", "Paris"),
    )


def pick_everything(wh: SmallWarehouse, totes: tuple[str, ...], cart: str = "CART01") -> None:
    """Release a wave of the open orders and pick it all with the picking services."""
    me = wh.operators["picker"]
    add_cart(wh, cart, tuple(t for t in totes if t not in wh.containers))
    with session_scope(wh.engine) as s:
        wave = build_wave(s, wh.warehouse_id, WaveRules())
        release_wave(s, wave.id, cart_size=len(totes))
    transaction(wh.engine, lambda s: carts.start_cart(s, me, wh.warehouse_id, cart, list(totes)))
    while (view := transaction(wh.engine, lambda s: picking.next_pick(s, me))) is not None:
        _pick(wh, me, view)


def _pick(wh: SmallWarehouse, me: int, view: picking.PickView) -> None:
    task, item_gtin = view.task_id, gtin(list(wh.items).index(view.sku) + 1)
    transaction(wh.engine, lambda s: picking.confirm_location(s, me, task, code=view.location))
    transaction(wh.engine, lambda s: picking.confirm_item(s, me, task, item_gtin, view.lot or None))
    transaction(wh.engine, lambda s: picking.confirm_pick(s, me, task, view.remaining, view.tote))


def picked_order(
    wh: SmallWarehouse,
    number: str,
    lines: list[tuple[str, int]],
    tote: str,
    *,
    lot: str = "L1",
) -> int:
    """An order as picking leaves it, made directly: its units in `tote` at PACK-01 (through
    the ledger), done pick tasks into the tote, lines and order picked."""
    order_id = add_order(wh, number, lines)
    with session_scope(wh.engine) as s:
        container = s.scalars(select(Container).where(Container.code == tote)).one_or_none()
        if container is None:
            container = Container(code=tote, kind="tote")
            s.add(container)
            s.flush()
            wh.containers[tote] = container.id
        container.location_id = wh.locations["PACK-01"]
        order = s.get(SalesOrder, order_id)
        assert order is not None
        for line in order.lines:
            item = s.get(Item, line.item_id)
            assert item is not None
            item_lot = lot if item.lot_tracked else ""
            expiry = EXP if item.lot_tracked else None
            ledger.receive(
                s,
                ledger.StockKey(wh.locations["PACK-01"], item.id, item_lot, expiry, container.id),
                line.quantity_ordered,
            )
            s.add(
                Task(
                    warehouse_id=wh.warehouse_id,
                    kind=TaskKind.PICK.value,
                    status=TaskStatus.DONE.value,
                    item_id=item.id,
                    lot=item_lot,
                    expiry=expiry,
                    from_location_id=wh.locations["A01-01-1"],
                    to_location_id=wh.locations["PACK-01"],
                    to_container_id=container.id,
                    order_line_id=line.id,
                    quantity=line.quantity_ordered,
                    quantity_done=line.quantity_ordered,
                )
            )
            line.quantity_allocated = line.quantity_picked = line.quantity_ordered
            line.status = "picked"
        order.status = OrderStatus.PICKED.value
    return order_id


def packer(wh: SmallWarehouse, station: str = "PACK01", role: str = "packer") -> Actor:
    return Actor(wh.operators[role], station)


def do(wh: SmallWarehouse, work: Any) -> Any:
    return transaction(wh.engine, work)


def order_status(wh: SmallWarehouse, order_id: int) -> str:
    with session_scope(wh.engine) as s:
        order = s.get(SalesOrder, order_id)
        assert order is not None
        return order.status


def line_picked(s: Session, order_id: int) -> list[int]:
    return list(
        s.scalars(
            select(SalesOrderLine.quantity_picked)
            .where(SalesOrderLine.order_id == order_id)
            .order_by(SalesOrderLine.line_no)
        )
    )
