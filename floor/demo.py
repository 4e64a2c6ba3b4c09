"""The demo warehouse: a realistic small site to try floor on, built from a fixed seed.

10 aisles x 20 bays x 4 levels of rack (levels 1-2 are pick faces, 3-4 reserve) with check
digits, a dock, quarantine, pack benches, shipping and kitting; about 500 items with valid
GTINs (some lot and expiry tracked, some serial tracked, a few kits); stock received through
the ledger; open purchase orders; about 200 open orders, some to French and Serbian
(Cyrillic) addresses, and a few orders shipped last week (to try returns on); picking carts
and totes (numbered as `floor containers create` does); the carton types packers choose
from; and one operator per role whose badge and PIN the command prints.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from floor.db import session_scope
from floor.gs1 import location_check_digits, with_check_digit
from floor.models import (
    Address,
    CartonType,
    Customer,
    Item,
    ItemBarcode,
    KitComponent,
    Location,
    Operator,
    OrderStatus,
    PickFace,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
    SerialNumber,
    Station,
    Supplier,
    Warehouse,
    Zone,
)
from floor.operators import hash_pin
from floor.outbound.containers import create_containers
from floor.stock import ledger as inv

DEMO_WAREHOUSE = "DEMO"
COMPANY_PREFIX = "0614141"
SEED = 20261201
AISLES, BAYS, LEVELS = 10, 20, 4
BAY_WIDTH_M = 1.3
CARTS, TOTES = 4, 24  # four carts of four orders each, with totes to spare


@dataclass(frozen=True)
class DemoOperator:
    badge: str
    name: str
    pin: str
    roles: str
    language: str


DEMO_OPERATORS = (
    DemoOperator("OP1001", "Pat Picker", "1001", "picker", "en"),
    DemoOperator("OP1002", "Rita Receiver", "1002", "receiver", "en"),
    DemoOperator("OP1003", "Paul Packer", "1003", "packer", "en"),
    DemoOperator("OP1004", "Kim Kitter", "1004", "kitter", "en"),
    DemoOperator("OP1005", "Chloé Compteur", "1005", "counter", "fr"),
    DemoOperator("OP1006", "Милица Супервизор", "1006", "supervisor", "sr"),
    DemoOperator("OP1007", "Ada Admin", "1007", "admin", "en"),
    DemoOperator("OP1008", "Élodie Lefèvre", "1008", "picker receiver", "fr"),
    DemoOperator("OP1009", "Никола Јовановић", "1009", "picker packer", "sr"),
)

COMMAND_BARCODES = (
    ("CMD:CONFIRM", "Confirm"),
    ("CMD:SHORT", "Short pick"),
    ("CMD:SKIP", "Skip"),
    ("CMD:CANCEL", "Cancel"),
    ("CMD:DONE", "Done"),
    ("CMD:QTY:1", "Quantity 1"),
    ("CMD:QTY:5", "Quantity 5"),
    ("CMD:QTY:12", "Quantity 12"),
)

_ADDRESSES = [
    # name, company, line1, line2, city, postcode, province, country, phone
    (
        "Élodie Lefèvre",
        "",
        "12 rue de l'Église",
        "Bâtiment B, 3ᵉ étage",
        "Paris",
        "75008",
        "",
        "FR",
        "+33 1 42 68 53 00",
    ),
    (
        "François Dupré",
        "Boulangerie Dupré",
        "4 place du Marché",
        "",
        "Lyon",
        "69002",
        "",
        "FR",
        "+33 4 78 00 00 00",
    ),
    ("Zoë Gaël Noël", "", "27 avenue Jean-Jaurès", "", "Montréal", "H2X 1Y4", "QC", "CA", ""),
    (
        "Милош Јовановић",
        "",
        "Кнез Михаилова 12",
        "стан 4",
        "Београд",
        "11000",
        "",
        "RS",
        "+381 11 123 4567",
    ),
    (
        "Јелена Петровић",
        "Пекара Петровић д.о.о.",
        "Булевар ослобођења 45",
        "",
        "Нови Сад",
        "21000",
        "",
        "RS",
        "+381 21 456 789",
    ),
    ("Đorđe Šćepanović", "", "Njegoševa 7", "", "Niš", "18000", "", "RS", ""),
    (
        "Jane Smith",
        "Acme Retail Ltd",
        "221B Baker Street",
        "",
        "London",
        "NW1 6XE",
        "",
        "GB",
        "+44 20 7946 0000",
    ),
    (
        "John Doe",
        "",
        "1600 Pennsylvania Avenue NW",
        "Suite 200",
        "Washington",
        "20500",
        "DC",
        "US",
        "+1 202 555 0100",
    ),
    (
        "Jürgen Müller",
        "Müller & Söhne GmbH",
        "Königstraße 15",
        "",
        "Stuttgart",
        "70173",
        "",
        "DE",
        "",
    ),
    ("María José Núñez", "", "Calle de Alcalá 48", "", "Madrid", "28014", "", "ES", ""),
]
# code, description, inner length x width x height (mm), max packed weight (g), tare (g)
CARTON_TYPES = (
    ("MAILER-S", "Padded mailer, small", 230, 165, 40, 1000, 25),
    ("MAILER-L", "Padded mailer, large", 350, 250, 60, 2000, 60),
    ("BOX-XS", "Box XS", 160, 120, 80, 2000, 70),
    ("BOX-S", "Box S", 250, 180, 120, 5000, 150),
    ("BOX-FLAT", "Flat box (books, frames)", 420, 310, 80, 8000, 220),
    ("BOX-M", "Box M", 350, 250, 200, 10000, 300),
    ("BOX-L", "Box L, double wall", 450, 350, 300, 20000, 550),
    ("BOX-XL", "Box XL, double wall", 600, 400, 400, 30000, 900),
)
CARTON_TYPE_REF = 90000  # the carton supplier's GTINs: item_gtin(CARTON_TYPE_REF + n)

_CARRIERS = [
    ("UPS", "Standard"),
    ("UPS", "Express"),
    ("DHL", "Parcel"),
    ("COLISSIMO", "Domicile"),
    ("POSTA-RS", "Paket"),
]
_WORDS = [
    "Widget",
    "Gadget",
    "Bracket",
    "Bolt",
    "Cable",
    "Lamp",
    "Filter",
    "Sensor",
    "Valve",
    "Hinge",
    "Tape",
    "Glue",
    "Brush",
    "Mug",
    "Bottle",
    "Notebook",
    "Charger",
    "Battery",
]
_ADJECTIVES = ["small", "large", "blue", "red", "steel", "oak", "eco", "pro", "mini", "heavy"]


@dataclass
class DemoSummary:
    warehouse: str
    locations: int = 0
    items: int = 0
    lot_items: int = 0
    serial_items: int = 0
    kits: int = 0
    units_on_hand: int = 0
    purchase_orders: int = 0
    orders: int = 0
    shipped_orders: tuple[str, ...] = ()
    carts: tuple[str, ...] = ()
    totes: tuple[str, ...] = ()
    carton_types: int = 0
    operators: tuple[DemoOperator, ...] = DEMO_OPERATORS
    badges: list[tuple[str, str]] = field(default_factory=list)


def demo_exists(engine: Engine) -> bool:
    with session_scope(engine) as s:
        return s.scalar(select(Warehouse.id).where(Warehouse.code == DEMO_WAREHOUSE)) is not None


def location_code(aisle: int, bay: int, level: int) -> str:
    return f"A{aisle:02d}-{bay:02d}-{level}"


def item_gtin(ref: int) -> str:
    return with_check_digit(f"0{COMPANY_PREFIX}{ref:05d}")


def case_gtin(ref: int) -> str:
    return with_check_digit(f"1{COMPANY_PREFIX}{ref:05d}")


def build_demo(
    engine: Engine, *, progress: Callable[[str], None] = lambda _msg: None
) -> DemoSummary:
    """Builds the demo warehouse in one transaction (all or nothing)."""
    rng = random.Random(SEED)
    summary = DemoSummary(DEMO_WAREHOUSE)
    with session_scope(engine) as s:
        progress("layout")
        wh, locations, zones = _layout(s, summary)
        progress("operators")
        _operators(s, wh)
        progress("items")
        items = _items(s, rng, summary)
        progress("stock")
        _stock(s, rng, items, locations, zones, summary)
        progress("purchase orders")
        _purchase_orders(s, rng, wh, items, summary)
        progress("orders")
        _orders(s, rng, wh, items, summary)
        progress("shipped orders")
        _shipped_orders(s, wh, items, summary)
        progress("carts and totes")
        _containers(s, summary)
    return summary


def _layout(
    s: Session, summary: DemoSummary
) -> tuple[Warehouse, dict[str, Location], dict[str, Zone]]:
    address = Address(
        name="floor demo DC",
        company="Floor Demo Ltd",
        line1="1 Dock Road",
        city="Rotterdam",
        postcode="3011 AA",
        country="NL",
    )
    wh = Warehouse(code=DEMO_WAREHOUSE, name="Demo distribution centre", address=address)
    s.add(wh)
    s.flush()
    zones: dict[str, Zone] = {}
    for code, kind, name in [
        ("RCV", "receiving", "Receiving dock"),
        ("PCK", "pick", "Pick faces"),
        ("STO", "storage", "Reserve storage"),
        ("PAK", "pack", "Pack benches"),
        ("SHP", "ship", "Shipping"),
        ("QUA", "quarantine", "Quarantine"),
        ("KIT", "kitting", "Kitting"),
    ]:
        zones[code] = Zone(warehouse_id=wh.id, code=code, name=name, kind=kind)
        s.add(zones[code])
    s.flush()
    locations: dict[str, Location] = {}

    def add(code: str, zone: str, kind: str, **extra: object) -> None:
        loc = Location(
            warehouse_id=wh.id,
            zone_id=zones[zone].id,
            code=code,
            check_digit=location_check_digits(code),
            kind=kind,
            **extra,
        )
        locations[code] = loc
        s.add(loc)

    for n in range(1, 5):
        add(f"DOCK-{n:02d}", "RCV", "dock")
    for n in range(1, 3):
        add(f"QUA-{n:02d}", "QUA", "quarantine")
    for n in range(1, 5):
        add(f"PACK-{n:02d}", "PAK", "pack_bench")
    for n in range(1, 3):
        add(f"SHIP-{n:02d}", "SHP", "staging")
    add("KIT-01", "KIT", "floor")
    for aisle in range(1, AISLES + 1):
        for bay in range(1, BAYS + 1):
            for level in range(1, LEVELS + 1):
                pick = level <= 2
                add(
                    location_code(aisle, bay, level),
                    "PCK" if pick else "STO",
                    "rack",
                    aisle=aisle,
                    bay=bay,
                    position=(bay - 0.5) * BAY_WIDTH_M,
                    side="L" if bay % 2 else "R",
                    level=level,
                    block=0,
                    pickable=pick,
                    capacity_units=200 if pick else 1000,
                    capacity_weight_kg=150.0 if pick else 1000.0,
                )
    s.flush()
    for code, kind in [
        ("ST01", "receiving"),
        ("PICK01", "picking"),
        ("PACK01", "packing"),
        ("SUP01", "supervisor"),
    ]:
        s.add(Station(code=code, name=code, warehouse_id=wh.id, kind=kind))
    summary.locations = len(locations)
    summary.badges = [(op.badge, op.name) for op in DEMO_OPERATORS]
    return wh, locations, zones


def _operators(s: Session, wh: Warehouse) -> None:
    for op in DEMO_OPERATORS:
        s.add(
            Operator(
                badge=op.badge,
                name=op.name,
                pin_hash=hash_pin(op.pin),
                roles=op.roles,
                language=op.language,
            )
        )
    s.flush()


def _items(s: Session, rng: random.Random, summary: DemoSummary) -> list[Item]:
    items: list[Item] = []
    for ref in range(1, 501):
        kind = (
            "kit" if ref > 495 else rng.choices(["plain", "lot", "serial"], weights=[80, 15, 5])[0]
        )
        word = _WORDS[ref % len(_WORDS)]
        desc = f"{word} {rng.choice(_ADJECTIVES)} {ref:03d}"
        item = Item(
            sku=f"SKU-{ref:04d}",
            description=desc if kind != "kit" else f"Starter kit {ref}",
            gtin=item_gtin(ref),
            uom="EA",
            item_class=rng.choice(["A", "B", "B", "C", "C", "C"]),
            weight_kg=round(rng.uniform(0.05, 4.0), 3),
            length_mm=rng.randint(50, 400),
            width_mm=rng.randint(30, 300),
            height_mm=rng.randint(10, 250),
            lot_tracked=kind == "lot",
            expiry_tracked=kind == "lot",
            allocation="fefo" if kind == "lot" else "fifo",
            allow_mixed_lots=kind != "lot",
            serial_tracked=kind == "serial",
            is_kit=kind == "kit",
            reorder_point=rng.choice([5, 10, 20, 50]),
            over_receipt_pct=5.0,
        )
        item.barcodes.append(ItemBarcode(barcode=item_gtin(ref), pack_level="each", units=1))
        if kind == "plain":
            item.barcodes.append(ItemBarcode(barcode=case_gtin(ref), pack_level="case", units=12))
        items.append(item)
        s.add(item)
    s.flush()
    summary.items = len(items)
    summary.lot_items = sum(i.lot_tracked for i in items)
    summary.serial_items = sum(i.serial_tracked for i in items)
    components = [i for i in items if not (i.is_kit or i.serial_tracked or i.lot_tracked)]
    for kit in (i for i in items if i.is_kit):
        for comp in rng.sample(components, rng.randint(2, 4)):
            s.add(
                KitComponent(
                    kit_item_id=kit.id, component_item_id=comp.id, quantity=rng.randint(1, 3)
                )
            )
        summary.kits += 1
    s.flush()
    return items


def _stock(
    s: Session,
    rng: random.Random,
    items: list[Item],
    locations: dict[str, Location],
    zones: dict[str, Zone],
    summary: DemoSummary,
) -> None:
    pick_faces = [loc for loc in locations.values() if loc.pickable]
    reserve = [loc for loc in locations.values() if loc.kind == "rack" and not loc.pickable]
    rng.shuffle(pick_faces)
    rng.shuffle(reserve)
    today = dt.date.today()
    serial_no = 0
    stocked = [i for i in items if not i.is_kit]
    receipts: list[list[inv.Change]] = []
    for n, item in enumerate(stocked):
        face = pick_faces[n % len(pick_faces)]
        s.add(PickFace(location_id=face.id, item_id=item.id, min_qty=10, max_qty=120))
        changes: list[inv.Change] = []
        if item.serial_tracked:
            qty = rng.randint(2, 6)
            changes.append(inv.Change(inv.StockKey(face.id, item.id), qty))
            for _ in range(qty):
                serial_no += 1
                s.add(
                    SerialNumber(item_id=item.id, serial=f"SN{serial_no:07d}", location_id=face.id)
                )
        elif item.lot_tracked:
            for lot_n in range(2):
                lot = f"L{item.id:04d}{chr(65 + lot_n)}"
                expiry = today + dt.timedelta(days=30 + 60 * lot_n + rng.randint(0, 20))
                changes.append(
                    inv.Change(inv.StockKey(face.id, item.id, lot, expiry), rng.randint(10, 60))
                )
        else:
            changes.append(inv.Change(inv.StockKey(face.id, item.id), rng.randint(5, 120)))
            if n % 3 == 0:
                spot = reserve[n % len(reserve)]
                changes.append(inv.Change(inv.StockKey(spot.id, item.id), rng.randint(48, 240)))
        receipts.append(changes)
    # one receipt per item, all in this transaction: their balances locked in the ledger's order
    inv.lock_keys(s, [c.key for changes in receipts for c in changes])
    for changes in receipts:
        inv.post(s, "receive", changes, reason="demo", reference="demo stock")
        summary.units_on_hand += sum(c.quantity for c in changes)


def _shipped_orders(s: Session, wh: Warehouse, items: list[Item], summary: DemoSummary) -> None:
    """Orders that left last week, so a return can be authorized and received right away."""
    plain = [i for i in items if not (i.lot_tracked or i.serial_tracked or i.is_kit)]
    shipped_on = dt.date.today() - dt.timedelta(days=7)
    numbers = []
    for n in range(201, 204):
        name, company, line1, line2, city, postcode, province, country, phone = _ADDRESSES[
            n % len(_ADDRESSES)
        ]
        address = Address(
            name=name,
            company=company,
            line1=line1,
            line2=line2,
            city=city,
            postcode=postcode,
            province=province,
            country=country,
            phone=phone,
        )
        s.add(address)
        s.flush()
        order = SalesOrder(
            number=f"SO{n:06d}",
            channel="demo",
            external_ref=f"DEMO-{n:06d}",
            warehouse_id=wh.id,
            ship_to_id=address.id,
            carrier="UPS",
            service="Standard",
            ship_by=shipped_on,
            status=OrderStatus.SHIPPED.value,
        )
        for line_no, item in enumerate(plain[n - 201 : n - 201 + 2], start=1):
            order.lines.append(
                SalesOrderLine(
                    line_no=line_no,
                    item_id=item.id,
                    quantity_ordered=2,
                    quantity_picked=2,
                    quantity_shipped=2,
                    status="shipped",
                )
            )
        s.add(order)
        numbers.append(order.number)
    s.flush()
    summary.shipped_orders = tuple(numbers)


def _containers(s: Session, summary: DemoSummary) -> None:
    summary.carts = create_containers(s, "cart", CARTS).codes
    summary.totes = create_containers(s, "tote", TOTES).codes
    for n, (code, description, length, width, height, heaviest, tare) in enumerate(
        CARTON_TYPES, start=1
    ):
        s.add(
            CartonType(
                code=code,
                description=description,
                length_mm=length,
                width_mm=width,
                height_mm=height,
                max_weight_g=heaviest,
                tare_weight_g=tare,
                barcode=item_gtin(CARTON_TYPE_REF + n),
            )
        )
    s.flush()
    summary.carton_types = len(CARTON_TYPES)


def _purchase_orders(
    s: Session, rng: random.Random, wh: Warehouse, items: list[Item], summary: DemoSummary
) -> None:
    suppliers = [
        Supplier(code="SUP-ACME", name="Acme Components", over_receipt_pct=5.0),
        Supplier(code="SUP-LAIT", name="Laiterie Normande SA", over_receipt_pct=0.0),
        Supplier(code="SUP-BG", name="Београдска фабрика д.о.о.", over_receipt_pct=10.0),
    ]
    s.add_all(suppliers)
    s.flush()
    buyable = [i for i in items if not i.is_kit]
    for n in range(1, 11):
        po = PurchaseOrder(
            number=f"PO{n:05d}",
            kind="asn" if n % 4 == 0 else "po",
            warehouse_id=wh.id,
            supplier_id=suppliers[n % 3].id,
            expected_on=dt.date.today() + dt.timedelta(days=n % 5),
        )
        for line_no, item in enumerate(rng.sample(buyable, rng.randint(3, 8)), start=1):
            po.lines.append(
                PurchaseOrderLine(
                    line_no=line_no,
                    item_id=item.id,
                    quantity_ordered=rng.choice([12, 24, 48, 60, 100]),
                )
            )
        s.add(po)
    summary.purchase_orders = 10
    s.flush()


def _orders(
    s: Session, rng: random.Random, wh: Warehouse, items: list[Item], summary: DemoSummary
) -> None:
    sellable = [i for i in items if not i.serial_tracked]
    now = dt.datetime.now(dt.UTC)
    for n in range(1, 201):
        name, company, line1, line2, city, postcode, province, country, phone = _ADDRESSES[
            n % len(_ADDRESSES)
        ]
        address = Address(
            name=name,
            company=company,
            line1=line1,
            line2=line2,
            city=city,
            postcode=postcode,
            province=province,
            country=country,
            phone=phone,
        )
        customer = Customer(code=f"CUST-{n:05d}", name=name, email=f"customer{n}@example.com")
        s.add_all([address, customer])
        s.flush()
        customer.address_id = address.id
        carrier, service = _CARRIERS[n % len(_CARRIERS)]
        order = SalesOrder(
            number=f"SO{n:06d}",
            channel="demo",
            external_ref=f"DEMO-{n:06d}",
            warehouse_id=wh.id,
            customer_id=customer.id,
            ship_to_id=address.id,
            carrier=carrier,
            service=service,
            priority=rng.randint(1, 9),
            ship_by=dt.date.today() + dt.timedelta(days=rng.randint(0, 4)),
            cutoff_at=now.replace(hour=16, minute=0, second=0, microsecond=0)
            + dt.timedelta(days=rng.randint(0, 3)),
        )
        for line_no, item in enumerate(rng.sample(sellable, rng.randint(1, 5)), start=1):
            order.lines.append(
                SalesOrderLine(line_no=line_no, item_id=item.id, quantity_ordered=rng.randint(1, 4))
            )
        s.add(order)
    summary.orders = 200
    s.flush()
