"""A small warehouse for tests: two aisles, a dock, quarantine, pack and ship, a few items
and one operator per role (PIN 1234). Built fresh in each test's own database."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from floor.db import session_scope, transaction
from floor.driver_sql import DriverStatement
from floor.gs1 import location_check_digits, with_check_digit
from floor.models import (
    Container,
    Item,
    ItemBarcode,
    Location,
    Operator,
    Role,
    Station,
    Warehouse,
    Zone,
)
from floor.operators import hash_pin
from floor.stock.ledger import StockKey

PIN = "1234"


@cache
def _pin_hash() -> str:
    return hash_pin(PIN)


@dataclass
class SmallWarehouse:
    engine: Engine
    warehouse_id: int = 0
    zones: dict[str, int] = field(default_factory=dict)
    locations: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    operators: dict[str, int] = field(default_factory=dict)
    containers: dict[str, int] = field(default_factory=dict)

    def key(
        self,
        location: str,
        sku: str,
        lot: str = "",
        expiry: dt.date | None = None,
        container: str | None = None,
    ) -> StockKey:
        return StockKey(
            self.locations[location],
            self.items[sku],
            lot,
            expiry,
            self.containers[container] if container else None,
        )

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)


def gtin(n: int) -> str:
    return with_check_digit(f"0614141{n:06d}")


def build_small_warehouse(engine: Engine) -> SmallWarehouse:
    wh = SmallWarehouse(engine)
    with session_scope(engine) as s:
        w = Warehouse(code="TST", name="Test warehouse")
        s.add(w)
        s.flush()
        wh.warehouse_id = w.id
        for code, kind in [
            ("RCV", "receiving"),
            ("STO", "storage"),
            ("PCK", "pick"),
            ("PAK", "pack"),
            ("SHP", "ship"),
            ("QUA", "quarantine"),
            ("KIT", "kitting"),
        ]:
            z = Zone(warehouse_id=w.id, code=code, name=code, kind=kind)
            s.add(z)
            s.flush()
            wh.zones[code] = z.id

        def loc(code: str, zone: str, kind: str = "rack", **layout: object) -> None:
            location = Location(
                warehouse_id=w.id,
                zone_id=wh.zones[zone],
                code=code,
                check_digit=location_check_digits(code),
                kind=kind,
                **layout,
            )
            s.add(location)
            s.flush()
            wh.locations[code] = location.id

        loc("DOCK-01", "RCV", "dock")
        loc("QUA-01", "QUA", "quarantine")
        loc("PACK-01", "PAK", "pack_bench")
        loc("SHIP-01", "SHP", "staging")
        loc("KIT-01", "KIT", "floor")
        for aisle in (1, 2):
            for bay in (1, 2, 3):
                for level in (1, 2):
                    code = f"A{aisle:02d}-{bay:02d}-{level}"
                    loc(
                        code,
                        "PCK" if level == 1 else "STO",
                        aisle=aisle,
                        bay=bay,
                        position=bay * 1.5,
                        side="L" if bay % 2 else "R",
                        level=level,
                        pickable=level == 1,
                        capacity_units=500,
                    )
        items = [
            ("PLAIN", "Plain widget", {}),
            (
                "LOT",
                "Yoghurt 500 g",
                {
                    "lot_tracked": True,
                    "expiry_tracked": True,
                    "allocation": "fefo",
                    "allow_mixed_lots": False,
                },
            ),
            ("SER", "Scanner gun", {"serial_tracked": True}),
            ("KIT", "Starter kit", {"is_kit": True}),
        ]
        for n, (sku, description, flags) in enumerate(items, start=1):
            item = Item(sku=sku, description=description, gtin=gtin(n), reorder_point=10, **flags)
            item.barcodes.append(ItemBarcode(barcode=gtin(n), pack_level="each", units=1))
            item.barcodes.append(ItemBarcode(barcode=gtin(100 + n), pack_level="case", units=12))
            s.add(item)
            s.flush()
            wh.items[sku] = item.id
        for role in Role:
            op = Operator(
                badge=f"OP{role.value.upper()}",
                name=f"{role.value.title()} Tester",
                pin_hash=_pin_hash(),
                roles=role.value,
                language="en",
            )
            s.add(op)
            s.flush()
            wh.operators[role.value] = op.id
        for code, kind in [("LPN0001", "pallet"), ("TOTE01", "tote"), ("TOTE02", "tote")]:
            c = Container(code=code, kind=kind)
            s.add(c)
            s.flush()
            wh.containers[code] = c.id
        s.add(Station(code="ST01", name="Test station", warehouse_id=w.id))
    return wh


def add_purchase_order(
    wh: SmallWarehouse,
    number: str,
    lines: list[tuple[str, int]],
    *,
    supplier_pct: float | None = None,
    kind: str = "po",
) -> int:
    """A purchase order (or ASN) of `lines` (sku, quantity ordered); returns its id."""
    from floor.models import PurchaseOrder, PurchaseOrderLine, Supplier

    with session_scope(wh.engine) as s:
        supplier = None
        if supplier_pct is not None:
            supplier = Supplier(
                code=f"SUP-{number}", name="Supplier", over_receipt_pct=supplier_pct
            )
            s.add(supplier)
            s.flush()
        order = PurchaseOrder(
            number=number,
            kind=kind,
            warehouse_id=wh.warehouse_id,
            supplier_id=supplier.id if supplier else None,
        )
        for n, (sku, quantity) in enumerate(lines, start=1):
            order.lines.append(
                PurchaseOrderLine(line_no=n, item_id=wh.items[sku], quantity_ordered=quantity)
            )
        s.add(order)
        s.flush()
        return order.id


def add_dock(wh: SmallWarehouse, code: str) -> None:
    """A second dock door in the warehouse's receiving zone."""
    with session_scope(wh.engine) as s:
        location = Location(
            warehouse_id=wh.warehouse_id,
            zone_id=wh.zones["RCV"],
            code=code,
            check_digit=location_check_digits(code),
            kind="dock",
        )
        s.add(location)
        s.flush()
        wh.locations[code] = location.id


def add_stock(wh: SmallWarehouse, location: str, sku: str, quantity: int, **key: object) -> None:
    """Receive `quantity` of `sku` at `location` through the ledger (lot=, expiry=, container=)."""
    from floor.stock import ledger

    with session_scope(wh.engine) as s:
        ledger.receive(s, wh.key(location, sku, **key), quantity)  # type: ignore[arg-type]


def barcode(wh: SmallWarehouse, sku: str, pack_level: str = "each") -> str:
    from sqlalchemy import select

    with session_scope(wh.engine) as s:
        return s.scalars(
            select(ItemBarcode.barcode).where(
                ItemBarcode.item_id == wh.items[sku], ItemBarcode.pack_level == pack_level
            )
        ).one()


def add_sales_order(
    wh: SmallWarehouse,
    number: str,
    lines: list[tuple[str, int]],
    *,
    routed: bool = True,
    **fields: object,
) -> int:
    """A sales order of `lines` (sku, quantity); carrier=, priority=, ship_by=, cutoff_at=...

    `routed=False` leaves the warehouse empty (for order routing). Returns its id.
    """
    from floor.models import SalesOrder, SalesOrderLine

    with session_scope(wh.engine) as s:
        order = SalesOrder(
            number=number,
            external_ref=number,
            warehouse_id=wh.warehouse_id if routed else None,
            **fields,
        )
        for n, (sku, quantity) in enumerate(lines, start=1):
            order.lines.append(
                SalesOrderLine(line_no=n, item_id=wh.items[sku], quantity_ordered=quantity)
            )
        s.add(order)
        s.flush()
        return order.id


def add_cart(wh: SmallWarehouse, code: str = "CART01", totes: tuple[str, ...] = ()) -> None:
    """A picking cart and extra totes (TOTE01 and TOTE02 exist already)."""
    with session_scope(wh.engine) as s:
        cart = Container(code=code, kind="cart")
        s.add(cart)
        s.flush()
        wh.containers[code] = cart.id
        for tote_code in totes:
            tote = Container(code=tote_code, kind="tote")
            s.add(tote)
            s.flush()
            wh.containers[tote_code] = tote.id


def add_shipped_order(wh: SmallWarehouse, number: str, lines: list[tuple[str, int]]) -> int:
    """A shipped sales order of `lines` (sku, quantity shipped); returns its id."""
    from floor.models import SalesOrder, SalesOrderLine

    with session_scope(wh.engine) as s:
        order = SalesOrder(
            number=number, external_ref=f"EXT-{number}", warehouse_id=wh.warehouse_id
        )
        for n, (sku, quantity) in enumerate(lines, start=1):
            order.lines.append(
                SalesOrderLine(
                    line_no=n,
                    item_id=wh.items[sku],
                    quantity_ordered=quantity,
                    quantity_picked=quantity,
                    quantity_shipped=quantity,
                )
            )
        s.add(order)
        s.flush()
        return order.id


def add_pick_face(wh: SmallWarehouse, location: str, sku: str, min_qty: int, max_qty: int) -> None:
    from floor.models import PickFace

    with session_scope(wh.engine) as s:
        s.add(
            PickFace(
                location_id=wh.locations[location],
                item_id=wh.items[sku],
                min_qty=min_qty,
                max_qty=max_qty,
            )
        )


def run_at_once(
    count: int, work: Callable[[int], object], timeout: float = 60
) -> list[BaseException]:
    """`work(0)` .. `work(count - 1)` on `count` threads released together; what they raised
    (a thread still running after `timeout` seconds counts as a TimeoutError)."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout)
            work(n)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    errors += [TimeoutError(f"{t.name} still running") for t in threads if t.is_alive()]
    return errors


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    """The statements sent on `engine` inside the block, each on one line: SQLAlchemy's
    (before_cursor_execute) and those run straight on the driver (floor.driver_sql's
    DriverStatement, an executemany counted once), in the order sent."""
    sent: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        sent.append(" ".join(statement.split()))

    originals = {
        name: getattr(DriverStatement, name)
        for name in ("execute", "execute_many", "execute_many_returning")
    }

    def counted(name: str) -> Callable[..., Any]:
        original = originals[name]

        def run(self: DriverStatement, cursor: Any, conn: Any, *args: Any) -> Any:
            if conn.engine is engine:
                count(conn, cursor, self.compiled(conn).sql)
            return original(self, cursor, conn, *args)

        return run

    event.listen(engine, "before_cursor_execute", count)
    for name in originals:
        setattr(DriverStatement, name, counted(name))
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", count)
        for name, original in originals.items():
            setattr(DriverStatement, name, original)


def sent_in_transaction(engine: Engine, work: Callable[[Session], object]) -> tuple[Any, list[str]]:
    """(what `work` returned in one transaction, the statements it sent, one line each)."""
    with statements_sent(engine) as sent:
        result = transaction(engine, work)
    return result, list(sent)
