"""`floor export shipments --format shopify|bigcommerce|amazon|walmart`: each channel's
tracking upload, for that channel's orders only, a row per order line and carton, with the
channel's own order and line ids, carrier code, tracking number and ship date."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select, update

from floor.db import session_scope
from floor.models import PackedCarton, SalesOrder, SalesOrderLine
from tests.integration.test_import import floor_cli
from tests.ship_support import packed_order, prepare_packing, ship
from tests.support import SmallWarehouse


def _as_channel(wh: SmallWarehouse, number: str, channel: str, ref: str, lines: list[str]) -> None:
    """The order as if imported from `channel`: its reference and its lines' references."""
    with session_scope(wh.engine) as s:
        order = s.scalars(select(SalesOrder).where(SalesOrder.number == number)).one()
        order.channel, order.external_ref = channel, ref
        for line, line_ref in zip(
            s.scalars(
                select(SalesOrderLine)
                .where(SalesOrderLine.order_id == order.id)
                .order_by(SalesOrderLine.line_no)
            ),
            lines,
            strict=True,
        ):
            line.external_ref = line_ref


def _shipped(wh: SmallWarehouse) -> None:
    prepare_packing(wh)
    first, second = packed_order(
        wh,
        "SO100",
        [("PLAIN", 2), ("LOT", 1)],
        "TOTE01",
        cartons=[[("PLAIN", 2)], [("LOT", 1)]],
        carrier="",  # any carrier
    )
    [other] = packed_order(wh, "SO200", [("PLAIN", 1)], "TOTE02")
    [waiting] = packed_order(wh, "SO300", [("PLAIN", 1)], "TOTE03")
    _as_channel(wh, "SO100", "amazon", "111-0000001-0000001", ["5001", "5002"])
    _as_channel(wh, "SO200", "walmart", "1796277083", ["1"])
    _as_channel(wh, "SO300", "amazon", "111-0000003-0000003", ["5003"])  # not shipped
    ship(wh, first, "1Z0000000001", service="Standard")
    ship(wh, second, "TBA000000002", carrier="SWIFT")
    ship(wh, other, "1Z0000000003")
    with session_scope(wh.engine) as s:
        s.execute(
            update(PackedCarton)
            .where(PackedCarton.sscc.in_([first, second, other]))
            .values(shipped_at=dt.datetime(2030, 5, 2, 17, 30, tzinfo=dt.UTC))
        )
    assert waiting


def test_amazon_shipping_confirmation_file(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    _shipped(warehouse)
    args = ("export", "shipments", "--format", "amazon", "--warehouse", "TST")
    code, out, err = floor_cli(warehouse.engine, capsys, *args)
    assert (code, err) == (0, "")
    rows = [line.split("\t") for line in out.splitlines()]
    assert rows == [
        [
            "order-id",
            "order-item-id",
            "quantity",
            "ship-date",
            "carrier-code",
            "carrier-name",
            "tracking-number",
            "ship-method",
        ],
        ["111-0000001-0000001", "5001", "2", "2030-05-02", "UPS", "", "1Z0000000001", "Standard"],
        [
            "111-0000001-0000001",
            "5002",
            "1",
            "2030-05-02",
            "Other",
            "SWIFT",
            "TBA000000002",
            "Standard",
        ],
    ]


def test_walmart_shipping_update(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    _shipped(warehouse)
    args = ("export", "shipments", "--format", "walmart", "--warehouse", "TST")
    code, out, err = floor_cli(warehouse.engine, capsys, *args)
    assert (code, err) == (0, "")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows == [
        {
            "PO#": "1796277083",
            "Line#": "1",
            "Update Status": "Ship",
            "Update Qty": "1",
            "Carrier": "UPS",
            "Tracking Number": "1Z0000000003",
            "Tracking Url": "",
            "Ship Date": "2030-05-02",
        }
    ]


def test_shopify_and_bigcommerce_uploads_hold_only_their_orders(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    _shipped(warehouse)
    _as_channel(warehouse, "SO200", "shopify", "#1001", [""])
    args = ("export", "shipments", "--warehouse", "TST", "--format")
    code, out, _err = floor_cli(warehouse.engine, capsys, *args, "shopify")
    assert code == 0
    assert list(csv.DictReader(io.StringIO(out))) == [
        {
            "Name": "#1001",
            "Line: Type": "Fulfillment Line",
            "Line: SKU": "PLAIN",
            "Line: Quantity": "1",
            "Fulfillment: Status": "success",
            "Fulfillment: Processed At": "2030-05-02",
            "Fulfillment: Tracking Company": "UPS",
            "Fulfillment: Tracking Number": "1Z0000000003",
        }
    ]
    code, out, _err = floor_cli(warehouse.engine, capsys, *args, "bigcommerce")
    assert code == 0
    assert out.splitlines() == [
        "Order ID,Tracking Number,Shipping Provider,Tracking Carrier,Shipping Method,"
        "Date Shipped,Product SKU,Product Qty"
    ]


def test_a_tracking_format_is_for_shipments_only(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "export", "stock", "--format", "amazon", "--warehouse", "TST"
    )
    assert code == 2
    assert "--format amazon: expected csv or json for stock" in err


def test_a_long_shipping_method_goes_back_whole(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    method = "UPS® Ground (3–5 business days, signature required)!"  # 51 characters
    prepare_packing(warehouse)
    [sscc] = packed_order(warehouse, "SO400", [("PLAIN", 1)], "TOTE04")
    _as_channel(warehouse, "SO400", "bigcommerce", "101", ["11"])
    with session_scope(warehouse.engine) as s:
        s.execute(update(SalesOrder).where(SalesOrder.number == "SO400").values(service=method))
    ship(warehouse, sscc, "1Z0000000004")
    args = ("export", "shipments", "--warehouse", "TST", "--format", "bigcommerce")
    code, out, _err = floor_cli(warehouse.engine, capsys, *args)
    assert code == 0
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["Order ID"], row["Shipping Provider"], row["Shipping Method"]) == (
        "101",
        "ups",
        method,
    )
    assert (row["Product SKU"], row["Product Qty"]) == ("PLAIN", "1")


def test_channel_option_names_whose_orders_go_in_the_upload(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    _shipped(warehouse)
    args = ("export", "shipments", "--warehouse", "TST", "--format", "walmart")
    code, out, _err = floor_cli(warehouse.engine, capsys, *args, "--channel", "amazon")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["PO#"], r["Line#"], r["Update Qty"]) for r in rows] == [
        ("111-0000001-0000001", "5001", "2"),
        ("111-0000001-0000001", "5002", "1"),
    ]
