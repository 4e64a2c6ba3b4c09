"""One order from a fresh demo warehouse to the truck and back, through the services the
screens call and the `floor` commands, on SQLite and PostgreSQL:

receive a purchase order line at the dock and put it away; build and release a wave of the
new order; pick it onto a cart whose totes were made with `floor containers create`; pack it
at a bench whose serial scale is a simulated device on a pty (a unit of another order is
refused, a weight outside tolerance is refused, the right weight closes the carton with an
SSCC); the shipping label decodes (zbarimg) to that SSCC; ship it at the dock with the
carrier's tracking number, the label printed again decodes to SSCC and tracking number;
close the carrier's manifest (PDF + CSV); export the shipments; show the order; authorize a
return by the carton's SSCC and receive it; the ledger's invariants hold at the end.
"""

from __future__ import annotations

import csv
import io
import json
import threading
import zlib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from floor.cli import main
from floor.db import session_scope, transaction
from floor.demo import build_demo
from floor.devices.scale import ScaleSettings, SerialScale, Weight
from floor.devices.simulator import PtySimulator
from floor.errors import InvalidInput, WrongScan
from floor.gs1 import location_check_digits
from floor.inbound import putaway, receiving
from floor.inbound import returns as rt
from floor.models import (
    Address,
    Item,
    Location,
    Operator,
    PackedCarton,
    PrintJob,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
    SerialNumber,
    Warehouse,
)
from floor.outbound import carts, pack_close, packing, picking
from floor.outbound.pack_close import WeightOutOfTolerance
from floor.outbound.pack_settings import PackingSettings
from floor.outbound.shipping import confirm_shipment
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.printing.carton_documents import CartonDocuments
from floor.printing.settings import PrinterSettings
from floor.printing.shipped_labels import ShippedCartonLabels
from floor.stock import ledger
from floor.stock.ledger import Actor
from tests.integration.test_label_decode import c128, decode_pdf, gs1_128, pytestmark  # noqa: F401

ORDER = "SO900001"
TRACKING = "1Z999AA10123456784"
SETTINGS = PackingSettings(gs1_company_prefix="0614141", sscc_extension_digit=0)
PRINTER = PrinterSettings(kind="folder", format="pdf")


class Floor:
    """The demo warehouse, its operators as actors, and the `floor` command on it."""

    def __init__(self, engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
        self.engine = engine
        self.capsys = capsys
        self.url = engine.url.render_as_string(hide_password=False)
        with session_scope(engine) as s:
            self.warehouse_id = s.scalar(select(Warehouse.id).where(Warehouse.code == "DEMO"))
            self.ops = dict(s.execute(select(Operator.badge, Operator.id)).all())

    def actor(self, badge: str, station: str) -> Actor:
        return Actor(self.ops[badge], station)

    def do(self, work: Any) -> Any:
        return transaction(self.engine, work)

    def cli(self, *args: str) -> str:
        self.capsys.readouterr()
        code = main(["--database-url", self.url, *args])
        out, err = self.capsys.readouterr()
        assert code == 0, err
        return out

    def scalar(self, query: Any) -> Any:
        with session_scope(self.engine) as s:
            return s.scalar(query)

    def scalars(self, query: Any) -> list[Any]:
        with session_scope(self.engine) as s:
            return list(s.scalars(query))


def _plain_po_line(f: Floor) -> tuple[str, str, str, int]:
    """(PO number, SKU, GTIN, quantity) of an open PO line of an untracked item."""
    with session_scope(f.engine) as s:
        po, sku, gtin, quantity = s.execute(
            select(PurchaseOrder.number, Item.sku, Item.gtin, PurchaseOrderLine.quantity_ordered)
            .join(PurchaseOrderLine, PurchaseOrderLine.purchase_order_id == PurchaseOrder.id)
            .join(Item, Item.id == PurchaseOrderLine.item_id)
            .where(
                PurchaseOrder.kind == "po",
                ~Item.lot_tracked,
                ~Item.serial_tracked,
                ~Item.is_kit,
            )
            .order_by(PurchaseOrder.number, PurchaseOrderLine.line_no)
        ).first()
    return po, sku, gtin, quantity


def _receive_and_put_away(f: Floor, po: str, gtin: str, quantity: int) -> str:
    receiver = f.actor("OP1002", "ST01")
    receipt = f.do(
        lambda s: receiving.open_receipt(
            s, warehouse_id=f.warehouse_id, actor=receiver, purchase_order_number=po
        )
    )
    f.do(
        lambda s: receiving.receive_scan(
            s, receipt.receipt_id, barcode=gtin, quantity=quantity, actor=receiver
        )
    )
    task = f.do(
        lambda s: putaway.start_putaway(
            s, warehouse_id=f.warehouse_id, scanned=gtin, actor=receiver
        )
    )
    assert task.to_location
    f.do(
        lambda s: putaway.confirm_putaway(
            s,
            task.task_id,
            actor=receiver,
            location_code=task.to_location,
            check_digits=location_check_digits(task.to_location or ""),  # the rack label's
        )
    )
    return task.to_location


def _add_order(f: Floor, lines: list[tuple[str, int]]) -> None:
    with session_scope(f.engine) as s:
        address = Address(
            name="Hélène Côté-Lefèvre",
            line1="8 place de la Comédie",
            city="Montpellier",
            postcode="34000",
            country="FR",
        )
        order = SalesOrder(
            number=ORDER,
            external_ref="E2E-1",
            channel="e2e",
            warehouse_id=f.warehouse_id,
            ship_to=address,
            carrier="UPS",
            service="Standard",
            priority=10,  # above every demo order: the wave takes this one alone
        )
        for n, (sku, quantity) in enumerate(lines, start=1):
            item_id = s.scalar(select(Item.id).where(Item.sku == sku))
            order.lines.append(
                SalesOrderLine(line_no=n, item_id=item_id, quantity_ordered=quantity)
            )
        s.add(order)


def _status(f: Floor) -> str:
    return f.scalar(select(SalesOrder.status).where(SalesOrder.number == ORDER))


def _pick_all(f: Floor, tote: str) -> None:
    picker = f.ops["OP1001"]
    cart = f.do(lambda s: carts.claim_cart(s, picker, f.warehouse_id, "CART0001"))
    assert [slot.order for slot in cart.slots] == [ORDER]
    f.do(lambda s: carts.assign_tote(s, picker, tote))
    while (view := f.do(lambda s: picking.next_pick(s, picker))) is not None:
        _pick_one(f, picker, view, tote)


def _pick_one(f: Floor, picker: int, view: picking.PickView, tote: str) -> None:
    """Location, item, quantity and tote scanned for one pick, as the picking screen does."""
    task = view.task_id
    gtin = f.scalar(select(Item.gtin).where(Item.sku == view.sku))
    f.do(lambda s: picking.confirm_location(s, picker, task, code=view.location))
    f.do(lambda s: picking.confirm_item(s, picker, task, gtin, view.lot or None))
    f.do(lambda s: picking.confirm_pick(s, picker, task, view.remaining, tote))


class ScaleReadings:
    """The bench's serial scale on a pty: send a frame, wait for its stable reading."""

    def __init__(self, simulator: PtySimulator) -> None:
        self.simulator = simulator
        self.scale = SerialScale(ScaleSettings.from_section({"port": simulator.path}))
        self.readings: list[Weight] = []
        self.arrived = threading.Condition()
        connected = threading.Event()
        self.scale.start(self._weight, lambda status: connected.set())
        assert connected.wait(5)

    def _weight(self, weight: Weight) -> None:
        with self.arrived:
            self.readings.append(weight)
            self.arrived.notify_all()

    def weigh(self, grams: int) -> int:
        """The scale shows `grams` (settling, then stable); the stable reading in grams."""
        seen = len(self.readings)
        self.simulator.write(f"US,GS,+{grams / 2000:07.3f}kg\r\n".encode())
        self.simulator.write(f"ST,GS,+{grams / 1000:07.3f}kg\r\n".encode())
        with self.arrived:
            assert self.arrived.wait_for(
                lambda: any(w.stable for w in self.readings[seen:]), timeout=5
            )
            stable = next(w for w in self.readings[seen:] if w.stable)
        assert stable.kg is not None
        return int(stable.kg * 1000)

    def stop(self) -> None:
        self.scale.stop(1.0)


def _pack(f: Floor, tote: str, units: list[tuple[str, str]], tmp_path: Path) -> str:
    """Pack the order from `tote`: each (gtin, serial) scanned; a unit of another item is
    refused; the scale's wrong weight is refused; the right one closes the carton."""
    packer = f.actor("OP1003", "PACK01")
    view = f.do(lambda s: packing.start(s, f.warehouse_id, tote, actor=packer))
    assert view.order == ORDER and view.carton is not None
    carton_id = view.carton.carton_id
    on_order = {gtin for gtin, _serial in units}
    other = next(
        code
        for code in f.scalars(select(Item.gtin).where(~Item.is_kit).order_by(Item.id).limit(5))
        if code not in on_order
    )
    with pytest.raises(WrongScan, match=f"not on order {ORDER}"):  # a mis-pack
        f.do(lambda s: packing.pack_scan(s, carton_id, other, actor=packer))
    for gtin, serial in units:
        f.do(
            lambda s, gtin=gtin, serial=serial: packing.pack_scan(
                s, carton_id, gtin, serial=serial or None, actor=packer
            )
        )
    expected = f.do(lambda s: packing.expected_weight(s, s.get(PackedCarton, carton_id))[0])
    printer = CartonDocuments(PRINTER)
    with PtySimulator(tmp_path / "scale") as simulator:
        scale = ScaleReadings(simulator)
        try:
            heavy = scale.weigh(expected + 1000)  # a kilogram too much: something extra inside
            with pytest.raises(WeightOutOfTolerance):
                f.do(
                    lambda s: pack_close.close_carton(
                        s, carton_id, heavy, settings=SETTINGS, printer=printer, actor=packer
                    )
                )
            right = scale.weigh(expected)
        finally:
            scale.stop()
    closed = f.do(
        lambda s: pack_close.close_carton(
            s,
            carton_id,
            right,
            settings=SETTINGS,
            printer=printer,
            actor=packer,
            scan_id="e2e-close",
        )
    )
    assert closed.order_packed and closed.sscc
    return closed.sscc


def _document(f: Floor, job_key: str) -> bytes:
    with session_scope(f.engine) as s:
        job = s.scalars(select(PrintJob).where(PrintJob.job_key == job_key)).one()
        return zlib.decompress(job.document)


def test_one_order_from_receipt_to_truck_and_back(
    engine: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    build_demo(engine)
    f = Floor(engine, capsys)

    # goods in: a purchase order line received at the dock and put away
    po, sku, gtin, quantity = _plain_po_line(f)
    item_id = f.scalar(select(Item.id).where(Item.sku == sku))
    with session_scope(f.engine) as s:
        on_hand = ledger.on_hand(s, item_id)
    location = _receive_and_put_away(f, po, gtin, quantity)
    with session_scope(f.engine) as s:
        assert ledger.on_hand(s, item_id) == on_hand + quantity
        location_id = s.scalar(select(Location.id).where(Location.code == location))
        assert ledger.on_hand(s, item_id, location_id) >= quantity

    # the new order: two of the received item and one serial-tracked unit
    with session_scope(f.engine) as s:
        serial_sku = s.scalar(
            select(Item.sku)
            .join(SerialNumber, SerialNumber.item_id == Item.id)
            .where(Item.serial_tracked)
            .order_by(Item.id)
        )
        serial_gtin = s.scalar(select(Item.gtin).where(Item.sku == serial_sku))
    _add_order(f, [(sku, 2), (serial_sku, 1)])
    supervisor = f.actor("OP1006", "SUP01")
    wave = f.do(lambda s: build_wave(s, f.warehouse_id, WaveRules(min_priority=10), supervisor))
    f.do(lambda s: release_wave(s, wave.id, actor=supervisor, cart_size=1))
    assert _status(f) == "allocated"

    # totes labelled with `floor containers create`, picked onto CART0001
    out = f.cli(
        "containers", "create", "--kind", "tote", "--count", "2", "-o", str(tmp_path / "totes.pdf")
    )
    totes = [line.strip() for line in out.splitlines() if line.strip().startswith("TOTE")]
    assert totes == ["TOTE0025", "TOTE0026"]
    _pick_all(f, totes[0])
    assert _status(f) == "picked"

    # packed at the bench, weighed on the serial scale
    with session_scope(f.engine) as s:
        serial = s.scalars(
            select(SerialNumber.serial)
            .join(Item, Item.id == SerialNumber.item_id)
            .where(Item.sku == serial_sku, SerialNumber.status == "in_stock")
            .order_by(SerialNumber.serial)
        ).first()
    sscc = _pack(f, totes[0], [(gtin, ""), (gtin, ""), (serial_gtin, serial)], tmp_path)
    assert _status(f) == "packed"
    (tmp_path / "packed").mkdir()
    label = decode_pdf(_document(f, "pack-e2e-close-shipping"), tmp_path / "packed")
    assert label == Counter({gs1_128(("00", sscc)): 1})  # no tracking number before the dock

    # shipped at the dock with the carrier's tracking number; the label again
    shipper = f.actor("OP1010", "DOCK01")
    with pytest.raises(InvalidInput, match="not a tracking number"):
        f.do(
            lambda s: confirm_shipment(
                s,
                warehouse_id=f.warehouse_id,
                sscc=sscc,
                carrier="UPS",
                tracking_number="?",
                actor=shipper,
            )
        )
    done = f.do(
        lambda s: confirm_shipment(
            s,
            warehouse_id=f.warehouse_id,
            sscc=sscc,
            carrier="ups",
            tracking_number=TRACKING,
            actor=shipper,
            scan_id="e2e-ship",
            printer=ShippedCartonLabels(PRINTER, "DOCK01"),
        )
    )
    assert (done.order, done.order_status, done.units) == (ORDER, "shipped", 3)
    (tmp_path / "shipped").mkdir()
    label = decode_pdf(_document(f, f"ship-{sscc}-shipping"), tmp_path / "shipped")
    assert label == Counter({gs1_128(("00", sscc)): 1, c128(TRACKING): 1})

    # the order, the manifest, the shipments export
    shown = f.cli("orders", "show", ORDER, "--warehouse", "DEMO")
    assert f"Order {ORDER} (E2E-1): shipped" in shown and TRACKING in shown and sscc in shown
    out = f.cli(
        "ship", "manifest", "close", "--carrier", "UPS", "--warehouse", "DEMO", "-o", str(tmp_path)
    )
    assert "Closed: Manifest 1 of UPS: 1 carton, 3 units" in out
    with (tmp_path / "manifest-UPS-000001.csv").open(encoding="utf-8", newline="") as stream:
        [row] = list(csv.DictReader(stream))
    assert (row["order"], row["sscc"], row["tracking_number"], row["units"]) == (
        ORDER,
        sscc,
        TRACKING,
        "3",
    )
    records = json.loads(f.cli("export", "shipments", "--format", "json", "--warehouse", "DEMO"))
    [record] = records
    assert (record["order"], record["sscc"], record["tracking_number"], record["carrier"]) == (
        ORDER,
        sscc,
        TRACKING,
        "UPS",
    )
    assert sorted((c["sku"], c["quantity"], c["serials"]) for c in record["contents"]) == sorted(
        [(sku, 2, []), (serial_sku, 1, [serial])]
    )
    rows = list(csv.DictReader(io.StringIO(f.cli("export", "shipments", "--warehouse", "DEMO"))))
    assert {r["sscc"] for r in rows} == {sscc} and len(rows) == 2

    # a return: authorized by the carton's SSCC, received against what shipped
    out = f.cli("returns", "authorize", sscc, "--reason", "changed mind")
    ra = out.split()[0]
    assert ra.startswith("RA") and ORDER in out
    receiver = f.actor("OP1002", "ST01")

    def give_back(quantity: int) -> Any:
        return f.do(
            lambda s: rt.receive_return(
                s,
                warehouse_id=f.warehouse_id,
                order_number=ORDER,
                barcode=gtin,
                quantity=quantity,
                disposition="restock",
                location_code=location,
                authorization=ra,
                actor=receiver,
            )
        )

    with pytest.raises(InvalidInput, match=f"2 sent on {ORDER}"):
        give_back(3)
    assert give_back(1).location == location
    with session_scope(f.engine) as s:
        found = rt.find_return_order(s, sscc=sscc)
        assert [(line["sku"], line["returnable"], line["returned"]) for line in found.lines] == [
            (sku, 2, 1),
            (serial_sku, 1, 0),
        ]
        assert ledger.invariant_violations(s) == []
