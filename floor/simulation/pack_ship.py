"""Virtual packers and shippers: the end of an order's journey under load.

A packer walks to the totes that came off the carts: it takes a tote of an order whose picks
are all done (status picked) and that nobody packs yet, scans it at its bench
(`packing.start`, which opens carton 1 of the proposed type), scans each picked unit
(`packing.pack_scan`; a carton type's barcode first when none was proposed), and closes the
carton at the weight the scale would show, the expected one give or take a few grams
(`pack_close.close_carton`: its SSCC, the units moved from the tote into the carton through
the ledger). When the order takes more cartons it goes on with the next one. Once the order
is packed its totes are empty and go back to the pickers of this process
(`stations.EMPTIED_TOTES`), as totes return from the pack benches on a real floor. A packer
whose bench has a carton open (a run that ended mid-order) finishes that order first.

A shipper takes a closed carton waiting at the dock: it scans the SSCC on its label
(`shipping.carton_to_ship`), then the carrier's tracking number (`shipping.confirm_shipment`,
with the carrier the order names, UPS when it names none); like the dock screen it passes on
the manifest its previous carton went on.

The work is shared out by lane (order id, carton id modulo the stations of the kind), as each
bench and dock door has its own conveyor; should two stations still meet on the same order or
carton (a `--mix` run, a second simulation at once), the second is refused by the service
(the order is at another bench, the carton shipped) and counts as a turn that found the work
taken ("pack.taken", "ship.taken"), not an error. Print jobs are not queued (no printer): the
label and packing slip are printing's own benchmark (bench.packing).
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from floor.errors import Conflict, NotFound
from floor.models import (
    CartonStatus,
    CartonType,
    Container,
    OrderStatus,
    PackedCarton,
    SalesOrder,
    SalesOrderLine,
    Task,
    TaskKind,
)
from floor.simulation.stations import EMPTIED_TOTES, Idle, StationContext, gtins, register_kind

if TYPE_CHECKING:
    from floor.outbound.packing import PackView

CHOOSE_AMONG = 20  # a station takes one of the oldest few waiting, at random
DEFAULT_CARRIER = "UPS"

IDLE_TURNS = 2  # turns a bench or dock that found no work lets pass before looking again


def _rest(ctx: StationContext) -> None:
    """Nothing on this lane's conveyor: look again after IDLE_TURNS turns, not at every turn
    (each look is a query over the orders or cartons waiting, the simulator's, not a scan)."""
    ctx.state["rest_until"] = time.monotonic() + IDLE_TURNS * ctx.every
    raise Idle


def _resting(ctx: StationContext) -> None:
    if ctx.state.get("rest_until", 0.0) > time.monotonic():
        raise Idle
    ctx.state.pop("rest_until", None)


# --- packer -----------------------------------------------------------------------------------


def _orders_to_pack(s: Session, warehouse_id: int, lane: int, lanes: int) -> list[tuple[int, str]]:
    """(order id, one of its totes) of picked orders in this bench's lane that no bench has
    open yet."""
    open_carton = aliased(PackedCarton)
    return list(
        s.execute(
            select(SalesOrder.id, Container.code)
            .join(SalesOrderLine, SalesOrderLine.order_id == SalesOrder.id)
            .join(Task, Task.order_line_id == SalesOrderLine.id)
            .join(Container, Container.id == Task.to_container_id)
            .where(
                SalesOrder.warehouse_id == warehouse_id,
                SalesOrder.status == OrderStatus.PICKED.value,
                SalesOrder.id % lanes == lane,
                Task.kind == TaskKind.PICK.value,
                Task.quantity_done > 0,
                ~exists().where(
                    open_carton.order_id == SalesOrder.id,
                    open_carton.status == CartonStatus.OPEN.value,
                ),
            )
            .distinct()
            .order_by(SalesOrder.id)
            .limit(CHOOSE_AMONG)
        ).all()
    )


def _carton_type_barcode(s: Session) -> str:
    """The barcode of the largest carton type (when cartonization proposed none)."""
    barcode = s.scalar(
        select(CartonType.barcode)
        .where(CartonType.barcode.is_not(None), CartonType.barcode != "")
        .order_by((CartonType.length_mm * CartonType.width_mm * CartonType.height_mm).desc())
        .limit(1)
    )
    if not barcode:
        raise Idle  # a site without carton types: nothing a packer can close
    return str(barcode)


def _to_scan(ctx: StationContext, view: PackView) -> list[str]:
    """The scans to fill the open carton: a carton type if it has none, then every unit
    still to pack."""
    barcodes = gtins(ctx, [line.sku for line in view.lines if line.to_pack > 0])
    scans = [
        barcodes[line.sku]
        for line in view.lines
        for _unit in range(line.to_pack)
        if barcodes.get(line.sku)
    ]
    if view.carton is not None and not view.carton.carton_type:
        scans.insert(0, ctx.setup(_carton_type_barcode))
    return scans


def packer_step(ctx: StationContext) -> str:
    from floor.outbound import pack_close, packing
    from floor.outbound.pack_settings import PackingSettings

    st = ctx.state
    if "carton" not in st:
        mine = ctx.setup(lambda s: packing.current_pack(s, ctx.station))
        if mine is not None and mine.carton is not None:  # left open here (an earlier run)
            st["carton"], st["totes"] = mine.carton.carton_id, list(mine.totes)
            st["scans"] = _to_scan(ctx, mine)
            return packer_step(ctx)
        _resting(ctx)
        waiting = ctx.setup(lambda s: _orders_to_pack(s, ctx.warehouse_id, ctx.lane, ctx.lanes))
        if not waiting:
            _rest(ctx)
        _order_id, tote = ctx.rng.choice(waiting)
        try:
            view = ctx.timed(
                "pack.start",
                lambda s: packing.start(
                    s, ctx.warehouse_id, tote, actor=ctx.actor, scan_id=ctx.scan_id()
                ),
            )
        except (Conflict, NotFound):  # another bench took the order meanwhile
            return "pack.taken"
        if view.carton is None:
            return "pack.taken"
        st["carton"], st["totes"] = view.carton.carton_id, list(view.totes)
        st["scans"] = _to_scan(ctx, view)
        return "pack.start"
    carton_id = st["carton"]
    if st["scans"]:
        barcode = st["scans"].pop(0)
        ctx.timed(
            "pack.scan",
            lambda s: packing.pack_scan(
                s, carton_id, barcode, actor=ctx.actor, scan_id=ctx.scan_id()
            ),
        )
        return "pack.scan"
    expected = ctx.setup(
        lambda s: packing.expected_weight(s, s.get(PackedCarton, carton_id))[0]  # type: ignore[arg-type]
    )
    grams = max(1, expected + ctx.rng.randint(-10, 10))  # the scale, within tolerance
    closed = ctx.timed(
        "pack.close",
        lambda s: pack_close.close_carton(
            s,
            carton_id,
            grams,
            settings=PackingSettings(),
            printer=None,
            actor=ctx.actor,
            scan_id=ctx.scan_id(),
        ),
    )
    if closed.view is not None and closed.view.carton is not None:  # the order's next carton
        st["carton"] = closed.view.carton.carton_id
        st["scans"] = _to_scan(ctx, closed.view)
    else:
        if closed.order_packed:
            EMPTIED_TOTES.extend(st.get("totes", ()))
        st.clear()
    return "pack.close"


# --- shipper ----------------------------------------------------------------------------------


def _cartons_to_ship(s: Session, warehouse_id: int, lane: int, lanes: int) -> list[tuple[str, str]]:
    """(SSCC, carrier) of closed cartons of this dock's lane waiting to ship, oldest first."""
    return [
        (sscc, (carrier or "").strip().upper() or DEFAULT_CARRIER)
        for sscc, carrier in s.execute(
            select(PackedCarton.sscc, SalesOrder.carrier)
            .join(SalesOrder, SalesOrder.id == PackedCarton.order_id)
            .where(
                PackedCarton.warehouse_id == warehouse_id,
                PackedCarton.status == CartonStatus.CLOSED.value,
                PackedCarton.sscc.is_not(None),
                PackedCarton.id % lanes == lane,
            )
            .order_by(PackedCarton.id)
            .limit(CHOOSE_AMONG)
        )
    ]


def shipper_step(ctx: StationContext) -> str:
    from floor.outbound import shipping

    st = ctx.state
    carton = st.pop("carton", None)
    if carton is None:
        _resting(ctx)
        waiting = ctx.setup(lambda s: _cartons_to_ship(s, ctx.warehouse_id, ctx.lane, ctx.lanes))
        if not waiting:
            _rest(ctx)
        sscc, carrier = ctx.rng.choice(waiting)
        try:
            ctx.timed(
                "ship.check",
                lambda s: shipping.carton_to_ship(s, ctx.warehouse_id, sscc, carrier),
            )
        except Conflict:  # another dock shipped it meanwhile
            return "ship.taken"
        st["carton"] = (sscc, carrier)
        return "ship.check"
    sscc, carrier = carton
    manifests = st.setdefault("manifests", {})
    tracking = f"1ZSIM{uuid.uuid4().hex[:12].upper()}"
    try:
        shipped = ctx.timed(
            "ship.confirm",
            lambda s: shipping.confirm_shipment(
                s,
                warehouse_id=ctx.warehouse_id,
                sscc=sscc,
                carrier=carrier,
                tracking_number=tracking,
                actor=ctx.actor,
                manifest_id=manifests.get(carrier),
                scan_id=ctx.scan_id(),
            ),
        )
    except shipping.ManifestClosed:  # the truck left: the next carton starts a new manifest
        manifests.pop(carrier, None)
        return "ship.manifest_closed"
    except Conflict:
        return "ship.taken"
    manifests[carrier] = shipped.manifest_id
    return "ship.confirm"


register_kind("packer", "packer", packer_step, weight=20)
register_kind("shipper", "shipper", shipper_step, weight=8)

__all__ = ["packer_step", "shipper_step"]
