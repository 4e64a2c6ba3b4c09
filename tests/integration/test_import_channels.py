"""Order exports as stores and marketplaces write them, on SQLite and PostgreSQL: Shopify's
real-world exports (long text, country names, fulfilled orders, notes), BigCommerce, Amazon's
unshipped-orders report and Walmart's order export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from floor.db import read_only
from floor.models import SalesOrder, SalesOrderLine
from tests.integration.test_import import DATA, count, floor_cli, write
from tests.support import SmallWarehouse


def _orders(warehouse: SmallWarehouse) -> dict[str, SalesOrder]:
    with read_only(warehouse.engine) as s:
        orders = s.scalars(
            select(SalesOrder).options(
                selectinload(SalesOrder.ship_to), selectinload(SalesOrder.lines)
            )
        ).all()
        return {order.number: order for order in orders}


def _lines(warehouse: SmallWarehouse, order: SalesOrder) -> list[tuple[str, int, int, str]]:
    skus = {item_id: sku for sku, item_id in warehouse.items.items()}
    return [
        (skus[line.item_id], line.quantity_ordered, line.quantity_shipped, line.external_ref)
        for line in order.lines
    ]


def _import(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], path: Path, *extra: str
) -> tuple[int, str, str]:
    return floor_cli(
        warehouse.engine, capsys, "import", "orders", str(path), "--warehouse", "TST", *extra
    )


# --- Shopify as stores write it ----------------------------------------------------------


def test_shopify_real_export_long_method_country_names_fulfilled_and_notes(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _import(warehouse, capsys, DATA / "shopify_real.csv")
    assert (code, err) == (0, "")
    assert "Order #2002 recorded as shipped: already fulfilled" in out
    assert "Order #2003: 1 line already fulfilled, left out" in out
    orders = _orders(warehouse)
    first = orders["#2001"]
    # A 51-character shipping method, kept as written.
    assert first.service == "UPS® Ground (3–5 business days, signature required)!"
    assert first.ship_to is not None
    assert (first.ship_to.country, first.ship_to.postcode) == ("US", "01234")
    # Trailing spaces at the end of each line of the notes go; the rest is as written.
    assert first.notes == "Leave at the back door.\n  Ring twice"
    assert first.status == "open"
    # Fulfilled in the store: shipped, never waveable.
    shipped = orders["#2002"]
    assert shipped.status == "shipped"
    assert _lines(warehouse, shipped) == [("LOT", 1, 1, "")]
    assert shipped.ship_to is not None and shipped.ship_to.country == "FR"
    # Partly fulfilled: only the line left comes in.
    partial = orders["#2003"]
    assert partial.status == "open"
    assert _lines(warehouse, partial) == [("PLAIN", 3, 0, "")]
    assert partial.ship_to is not None and partial.ship_to.country == "RS"

    code, out, _err = _import(warehouse, capsys, DATA / "shopify_real.csv")
    assert code == 0
    assert "Order #2002 already imported, unchanged" in out
    assert "recorded as shipped" not in out
    assert count(warehouse.engine, SalesOrder) == 3


def test_shopify_fulfilled_orders_skipped_by_option(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _import(warehouse, capsys, DATA / "shopify_real.csv", "--fulfilled", "skip")
    assert (code, err) == (0, "")
    assert "Order #2002 skipped: already fulfilled" in out
    assert set(_orders(warehouse)) == {"#2001", "#2003"}


def test_shopify_fulfilled_orders_are_not_waved(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    _import(warehouse, capsys, DATA / "shopify_real.csv")
    code, _out, err = floor_cli(
        warehouse.engine, capsys, "wave", "build", "--warehouse", "TST", "--max-orders", "20"
    )
    assert code == 0, err
    waved = {number for number, order in _orders(warehouse).items() if order.wave_id}
    assert waved == {"#2001", "#2003"}


def test_shopify_too_long_is_named_with_its_limit_never_cut(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    method = "M" * 256
    path = write(
        tmp_path,
        "export.csv",
        "Name,Lineitem quantity,Lineitem sku,Shipping Method,Shipping City\n"
        f"#1,1,PLAIN,{method},{'C' * 255}\n",
    )
    code, _out, err = _import(warehouse, capsys, path)
    assert code == 1
    assert err.splitlines()[0] == (
        f'{path}:2: column Shipping Method: expected at most 255 characters, got "{"M" * 57}..."'
    )
    assert count(warehouse.engine, SalesOrder) == 0


def test_shopify_partial_line_and_unknown_country_are_problems(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "export.csv",
        "Name,Lineitem quantity,Lineitem name,Lineitem sku,Lineitem fulfillment status,"
        "Shipping Country\n"
        "#1,3,Plain widget,PLAIN,partial,Narnia\n",
    )
    code, _out, err = _import(warehouse, capsys, path)
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == (
        f"{path}:2: column Shipping Country: expected a country: a two-letter ISO code or a "
        'country\'s name, got "Narnia"'
    )
    assert lines[1].startswith(
        f"{path}:2: column Lineitem fulfillment status: expected fulfilled or pending"
    )


def test_shopify_line_without_sku_names_line_column_and_product(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "export.csv",
        "Name,Lineitem quantity,Lineitem name,Lineitem sku,Lineitem requires shipping\n"
        "#1,1,Plain widget,PLAIN,true\n"
        "#1,1,Hand-made mug,,true\n"
        "#1,1,Gift card,,false\n",
    )
    code, _out, err = _import(warehouse, capsys, path)
    assert code == 1
    assert err.splitlines()[:1] == [
        f'{path}:3: column Lineitem sku: expected the SKU of the line item "Hand-made mug", '
        "got nothing"
    ]


# --- BigCommerce, Amazon, Walmart ---------------------------------------------------------


def test_bigcommerce_export_found_by_its_header(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _import(warehouse, capsys, DATA / "bigcommerce_orders.csv")
    assert (code, err) == (0, "")
    assert "Order 103 skipped: Cancelled" in out
    assert "Order 102 recorded as shipped: already fulfilled" in out
    orders = _orders(warehouse)
    assert set(orders) == {"101", "102"}
    first = orders["101"]
    assert (first.channel, first.external_ref, first.service) == (
        "bigcommerce",
        "101",
        "Free Shipping",
    )
    assert first.notes == "Livrer après 14 h"
    # A product name with a comma in it does not split the product.
    assert _lines(warehouse, first) == [("PLAIN", 2, 0, "11"), ("LOT", 1, 0, "12")]
    ship = first.ship_to
    assert ship is not None
    assert (ship.name, ship.company, ship.line2, ship.city, ship.country) == (
        "Zoé Lefèvre",
        "Œuf d'Or",
        "Bâtiment B",
        "Paris",
        "FR",
    )
    serbian = orders["102"]
    assert serbian.status == "shipped"
    assert serbian.ship_to is not None
    assert (serbian.ship_to.name, serbian.ship_to.country) == ("Јован Јовановић", "RS")

    code, out, _err = _import(warehouse, capsys, DATA / "bigcommerce_orders.csv")
    assert code == 0
    assert "Order 101 already imported, unchanged" in out
    assert count(warehouse.engine, SalesOrder) == 2


def test_amazon_unshipped_report_tab_separated(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _import(warehouse, capsys, DATA / "amazon_unshipped.txt")
    assert (code, err) == (0, "")
    assert "2 orders imported" in out
    orders = _orders(warehouse)
    first = orders["111-0000001-0000001"]
    assert (first.channel, first.service) == ("amazon", "Standard")
    # quantity-to-ship: what is left of a line already partly shipped.
    assert _lines(warehouse, first) == [
        ("PLAIN", 2, 0, "50000000000001"),
        ("LOT", 2, 0, "50000000000002"),
    ]
    assert first.ship_to is not None
    assert (first.ship_to.line2, first.ship_to.postcode, first.ship_to.country) == (
        "Apt 2",
        "01234",
        "US",
    )
    french = orders["302-0000002-0000002"].ship_to
    assert french is not None and french.name == "Zoé Lefèvre"

    code, out, _err = _import(warehouse, capsys, DATA / "amazon_unshipped.txt")
    assert code == 0
    assert "0 orders imported, 2 already there" in out


def test_walmart_export_brings_what_is_left(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _import(warehouse, capsys, DATA / "walmart_orders.csv")
    assert (code, err) == (0, "")
    assert "Order 1796277083: 1 line already fulfilled, left out" in out
    assert "Order 1796277084 recorded as shipped: already fulfilled" in out
    assert "Order 1796277085 skipped: nothing in it needs shipping" in out
    orders = _orders(warehouse)
    first = orders["1796277083"]
    assert (first.channel, first.ship_by, first.service) == (
        "walmart",
        dt.date(2030, 5, 3),
        "Standard",
    )
    assert _lines(warehouse, first) == [("PLAIN", 1, 0, "1")]
    assert first.ship_to is not None
    assert (first.ship_to.name, first.ship_to.country, first.ship_to.postcode) == (
        "María José Núñez",
        "US",
        "78701",
    )
    assert orders["1796277084"].status == "shipped"


@pytest.mark.parametrize(
    ("fmt", "header", "row", "where"),
    [
        (
            "walmart",
            "PO#,Order#,Line#,Item Description,SKU,Qty,Status",
            "9,9,1,Teapot,,1,Acknowledged",
            "SKU",
        ),
        (
            "amazon",
            "order-id\torder-item-id\tproduct-name\tsku\tquantity-to-ship",
            "1-2-3\t77\tTeapot\t\t1",
            "sku",
        ),
        (
            "bigcommerce",
            "Order ID,Order Status,Customer Name,Product Details",
            '5,Awaiting Fulfillment,Ann,"Product ID: 1, Product Qty: 1, Product SKU: , '
            'Product Name: Teapot"',
            "Product Details[1].Product SKU",
        ),
    ],
)
def test_channel_line_without_sku_names_line_column_and_product(
    warehouse: SmallWarehouse,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    fmt: str,
    header: str,
    row: str,
    where: str,
) -> None:
    path = write(tmp_path, "export.txt", f"{header}\n{row}\n")
    code, _out, err = _import(warehouse, capsys, path)
    assert code == 1
    assert err.splitlines()[0] == (
        f'{path}:2: column {where}: expected the SKU of the line item "Teapot", got nothing'
    )
    assert count(warehouse.engine, SalesOrder) == 0


def test_channel_import_is_all_or_nothing(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "walmart.csv",
        "PO#,Order#,Line#,SKU,Qty,Status\n1,1,1,PLAIN,1,Acknowledged\n2,2,1,NOSUCH,1,Created\n",
    )
    code, _out, err = _import(warehouse, capsys, path, "--format", "walmart")
    assert code == 1
    assert err.splitlines()[0] == f'{path}:3: column SKU: expected the SKU of an item, got "NOSUCH"'
    assert count(warehouse.engine, SalesOrder) == 0
    assert count(warehouse.engine, SalesOrderLine) == 0


@pytest.mark.parametrize(
    ("text", "where", "expected"),
    [
        (
            "Order ID,Order Status,Customer Name,Product SKU,Product Qty\n"
            "7,Partially Shipped,Ann,PLAIN,2\n",
            "Order Status",
            "an order shipped in full or not at all",
        ),
        (
            "Name,Fulfillment Status,Lineitem sku,Lineitem quantity\n#9,partial,PLAIN,2\n",
            "Fulfillment Status",
            "fulfilled or unfulfilled (a partly fulfilled order needs the column",
        ),
    ],
)
def test_what_an_export_cannot_tell_is_a_problem_not_a_guess(
    warehouse: SmallWarehouse,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    text: str,
    where: str,
    expected: str,
) -> None:
    path = write(tmp_path, "export.csv", text)
    code, _out, err = _import(warehouse, capsys, path)
    assert code == 1
    assert err.splitlines()[0].startswith(f"{path}:2: column {where}: expected {expected}")
    assert count(warehouse.engine, SalesOrder) == 0
