"""Shipping test set-up: orders packed into closed cartons through the pack bench's own
services (floor.outbound.packing and pack_close, on tests/pack_support.py's warehouse), so
the dock ships exactly what the bench leaves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import select, update

from floor.db import session_scope, transaction
from floor.models import PackedCarton, SalesOrder, SalesOrderLine
from floor.outbound import pack_close, packing
from floor.outbound.shipping import confirm_shipment
from floor.stock.ledger import Actor
from tests.pack_support import SERIALS, SETTINGS, packer, picked_order, prepare_packing
from tests.support import SmallWarehouse, gtin

BARCODES = {"PLAIN": gtin(1), "LOT": gtin(2), "SER": gtin(3)}
__all__ = ["SERIALS", "prepare_packing"]


def _serials() -> Iterator[str]:
    yield from SERIALS


def packed_order(
    wh: SmallWarehouse,
    number: str,
    lines: list[tuple[str, int]],
    tote: str,
    *,
    cartons: list[list[tuple[str, int]]] | None = None,
    serials: Iterator[str] | None = None,
    carrier: str | None = None,
    station: str = "PACK01",
) -> list[str]:
    """`number` picked into `tote` (as picking leaves it) and packed at the bench: each list
    of `cartons` (default: everything in one) scanned unit by unit into a carton closed at
    its expected weight. Returns the SSCCs. `carrier` replaces the order's (UPS); '' for none.
    Units not in `cartons` stay in the tote, with the bench's next carton open."""
    picked_order(wh, number, lines, tote)
    if carrier is not None:
        with session_scope(wh.engine) as s:
            s.execute(update(SalesOrder).where(SalesOrder.number == number).values(carrier=carrier))
    actor = packer(wh, station)
    serials = serials or _serials()
    view = transaction(
        wh.engine, lambda s: packing.start(s, wh.warehouse_id, number, is_order=True, actor=actor)
    )
    ssccs = []
    for contents in cartons or [lines]:
        assert view is not None and view.carton is not None
        carton_id = view.carton.carton_id
        for sku, quantity in contents:
            for _ in range(quantity):
                extra: dict[str, Any] = {}
                if sku == "LOT":
                    extra["lot"] = "L1"
                if sku == "SER":
                    extra["serial"] = next(serials)
                transaction(
                    wh.engine,
                    lambda s, c=carton_id, code=BARCODES[sku], extra=extra: packing.pack_scan(
                        s, c, code, actor=actor, **extra
                    ),
                )

        def close(s: Any, carton_id: int = carton_id) -> Any:
            carton = s.get(PackedCarton, carton_id)
            grams, _complete = packing.expected_weight(s, carton)
            return pack_close.close_carton(
                s, carton_id, grams, settings=SETTINGS, printer=None, actor=actor
            )

        closed = transaction(wh.engine, close)
        ssccs.append(closed.sscc)
        view = closed.view
    return ssccs


def ship(wh: SmallWarehouse, sscc: str, tracking: str, carrier: str = "UPS", **kw: Any) -> Any:
    """confirm_shipment as the test warehouse's shipper (role=... for another)."""
    role = str(kw.pop("role", "shipper"))
    return transaction(
        wh.engine,
        lambda s: confirm_shipment(
            s,
            warehouse_id=wh.warehouse_id,
            sscc=sscc,
            carrier=carrier,
            tracking_number=tracking,
            actor=Actor(wh.operators[role], "ST01"),
            **kw,
        ),
    )


def order_state(wh: SmallWarehouse, number: str) -> tuple[str, list[tuple[int, int, int, str]]]:
    """The order's status and its lines' (ordered, picked, shipped, status)."""
    with session_scope(wh.engine) as s:
        order = s.scalars(select(SalesOrder).where(SalesOrder.number == number)).one()
        lines = [
            (line.quantity_ordered, line.quantity_picked, line.quantity_shipped, line.status)
            for line in s.scalars(
                select(SalesOrderLine)
                .where(SalesOrderLine.order_id == order.id)
                .order_by(SalesOrderLine.line_no)
            )
        ]
        return order.status, lines
