"""Transfer test set-up on the small warehouse: a second warehouse (WH2) with a dock, and a
transfer's cartons packed at the source's bench through the pack services."""

from __future__ import annotations

from typing import Any

from floor.db import session_scope, transaction
from floor.models import Location, PackedCarton, Warehouse, Zone
from floor.outbound import pack_close, packing
from tests.pack_support import SETTINGS, packer
from tests.ship_support import BARCODES
from tests.support import SmallWarehouse

NUMBER = "TR000001"


def second_warehouse(wh: SmallWarehouse) -> int:
    """WH2: a receiving zone and its dock W2-DOCK. Returns its id."""
    with session_scope(wh.engine) as s:
        wh2 = Warehouse(code="WH2", name="Second warehouse")
        s.add(wh2)
        s.flush()
        zone = Zone(warehouse_id=wh2.id, code="RCV", name="Dock", kind="receiving")
        s.add(zone)
        s.flush()
        s.add(Location(warehouse_id=wh2.id, zone_id=zone.id, code="W2-DOCK", kind="dock"))
        return wh2.id


def pack_transfer(wh: SmallWarehouse, cartons: list[list[tuple[str, dict[str, str]]]]) -> list[str]:
    """The transfer packed at the bench: each list of units (SKU, lot/serial) into a carton
    of its own, closed at its expected weight. Returns the SSCCs."""
    actor = packer(wh)
    view = transaction(
        wh.engine, lambda s: packing.start(s, wh.warehouse_id, NUMBER, is_order=True, actor=actor)
    )
    ssccs = []
    for units in cartons:
        assert view is not None and view.carton is not None
        carton_id = view.carton.carton_id
        for sku, extra in units:
            transaction(
                wh.engine,
                lambda s, c=carton_id, code=BARCODES[sku], extra=extra: packing.pack_scan(
                    s, c, code, actor=actor, **extra
                ),
            )

        def close(s: Any, carton_id: int = carton_id) -> Any:
            grams, _complete = packing.expected_weight(s, s.get(PackedCarton, carton_id))
            return pack_close.close_carton(
                s, carton_id, grams, settings=SETTINGS, printer=None, actor=actor
            )

        closed = transaction(wh.engine, close)
        ssccs.append(closed.sscc)
        view = closed.view
    assert closed.order_packed
    return ssccs
