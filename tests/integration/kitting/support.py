"""Kitting test helpers: a bill of materials imported from a file, a work order released
and its component picks done through the real cart and picking services."""

from __future__ import annotations

from pathlib import Path

from floor.db import session_scope, transaction
from floor.imports import run_import
from floor.kitting import work_orders
from floor.outbound import carts, picking
from tests.support import SmallWarehouse, add_cart


def import_bom(wh: SmallWarehouse, tmp_path: Path, rows: list[tuple[str, str, int]]) -> None:
    path = tmp_path / "kits.csv"
    path.write_text(
        "kit_sku,component_sku,quantity\n" + "".join(f"{k},{c},{q}\n" for k, c, q in rows)
    )
    run_import(wh.engine, "kits", path, warehouse="TST")


def create_and_release(wh: SmallWarehouse, sku: str, quantity: int, kind: str = "kit") -> str:
    with session_scope(wh.engine) as s:
        number = work_orders.create_work_order(s, wh.warehouse_id, sku, quantity, kind=kind).number
    with session_scope(wh.engine) as s:
        work_orders.release_work_order(s, number)
    return number


def pick_everything(wh: SmallWarehouse, cart: str = "CART09", tote: str = "TOTE09") -> None:
    """A picker claims the work order's cart and picks every task into `tote`."""
    me = wh.operators["picker"]
    if cart not in wh.containers:
        add_cart(wh, cart, (tote,))
    transaction(wh.engine, lambda s: carts.start_cart(s, me, wh.warehouse_id, cart, [tote]))
    while True:
        view = transaction(wh.engine, lambda s: picking.next_pick(s, me))
        if view is None:
            return
        transaction(
            wh.engine,
            lambda s, v=view: picking.confirm_location(s, me, v.task_id, code=v.location),
        )
        transaction(
            wh.engine,
            lambda s, v=view: picking.confirm_pick(s, me, v.task_id, v.remaining, v.tote),
        )
