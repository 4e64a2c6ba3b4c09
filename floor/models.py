"""SQLAlchemy 2 typed models: the warehouse, its stock ledger, documents, operators and tasks.

Quantities are whole base units (each) of the item. Text that people wrote (names,
addresses) is stored as given, any script. Constraints that guard the ledger's invariants
(no negative stock, reserved never above on-hand) live here as CHECK constraints so the
database enforces them whatever the code does.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    FetchedValue,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from floor.i18n import _

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BigInteger ids on PostgreSQL; SQLite only autoincrements INTEGER PRIMARY KEY.
Id = BigInteger().with_variant(Integer, "sqlite")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ZoneKind(enum.StrEnum):
    RECEIVING = "receiving"
    STORAGE = "storage"
    PICK = "pick"
    PACK = "pack"
    SHIP = "ship"
    QUARANTINE = "quarantine"
    KITTING = "kitting"


class LocationKind(enum.StrEnum):
    RACK = "rack"
    SHELF = "shelf"
    FLOOR = "floor"
    DOCK = "dock"
    STAGING = "staging"
    PACK_BENCH = "pack_bench"
    QUARANTINE = "quarantine"


class ContainerKind(enum.StrEnum):
    PALLET = "pallet"
    CASE = "case"
    TOTE = "tote"
    CARTON = "carton"
    CART = "cart"


class Role(enum.StrEnum):
    PICKER = "picker"
    RECEIVER = "receiver"
    PACKER = "packer"
    SHIPPER = "shipper"  # loads cartons onto the carrier's truck at the dock
    KITTER = "kitter"
    COUNTER = "counter"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class TaskKind(enum.StrEnum):
    PUTAWAY = "putaway"
    PICK = "pick"
    COUNT = "count"
    REPLENISH = "replenish"
    MOVE = "move"


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SHORT = "short"
    CANCELLED = "cancelled"


class OrderStatus(enum.StrEnum):
    OPEN = "open"
    ALLOCATED = "allocated"
    PICKING = "picking"
    PICKED = "picked"
    PACKED = "packed"
    PARTIALLY_SHIPPED = "partially_shipped"  # some cartons left, the rest to follow
    SHIPPED = "shipped"
    BACKORDERED = "backordered"
    HELD = "held"
    CANCELLED = "cancelled"


class WaveStatus(enum.StrEnum):
    PLANNED = "planned"
    RELEASED = "released"
    HELD = "held"
    CANCELLED = "cancelled"
    DONE = "done"


def task_status_label(status: str) -> str:
    """A task status in operator words; the raw value if it is none of TaskStatus."""
    labels: dict[str, str] = {
        # i18n: the status of a task (a pick, count, put-away...); lowercase, shown after a colon
        TaskStatus.OPEN: _("open"),
        # i18n: the status of a task: given to an operator
        TaskStatus.ASSIGNED: _("assigned"),
        # i18n: the status of a task
        TaskStatus.IN_PROGRESS: _("in progress"),
        # i18n: the status of a task or of a wave (all its picks done)
        TaskStatus.DONE: _("complete"),
        # i18n: the status of a task closed with fewer units than asked
        TaskStatus.SHORT: _("closed short"),
        # i18n: the status of a task or of a wave
        TaskStatus.CANCELLED: _("cancelled"),
    }
    return labels.get(status, status)


def wave_status_label(status: str) -> str:
    """A wave status in operator words (the waves list); the raw value if it is none of
    WaveStatus."""
    labels: dict[str, str] = {
        # i18n: the status of a wave (orders picked together): built, not yet released
        WaveStatus.PLANNED: _("planned"),
        # i18n: the status of a wave: its carts are on the floor
        WaveStatus.RELEASED: _("released"),
        # i18n: the status of a wave: no more carts handed out for now
        WaveStatus.HELD: _("held"),
        # i18n: the status of a task or of a wave
        WaveStatus.CANCELLED: _("cancelled"),
        # i18n: the status of a task or of a wave (all its picks done)
        WaveStatus.DONE: _("complete"),
    }
    return labels.get(status, status)


def order_status_label(status: str) -> str:
    """An order status in operator words; the raw value if it is none of OrderStatus."""
    labels: dict[str, str] = {
        # i18n: the status of a sales order: received, not yet in a wave
        OrderStatus.OPEN: _("open, not yet released"),
        # i18n: the status of a sales order: stock reserved by a released wave
        OrderStatus.ALLOCATED: _("allocated"),
        # i18n: the status of a sales order: some of its picks done
        OrderStatus.PICKING: _("picking"),
        # i18n: the status of a sales order: every pick done (or closed short)
        OrderStatus.PICKED: _("picked"),
        # i18n: the status of a sales order: everything picked is in closed cartons
        OrderStatus.PACKED: _("packed"),
        # i18n: the status of a sales order: some cartons left with the carrier
        OrderStatus.PARTIALLY_SHIPPED: _("partially shipped"),
        # i18n: the status of a sales order: everything left with the carrier
        OrderStatus.SHIPPED: _("shipped"),
        # i18n: the status of a sales order: waiting for stock
        OrderStatus.BACKORDERED: _("backordered"),
        # i18n: the status of a sales order: stopped until a supervisor looks
        OrderStatus.HELD: _("on hold"),
        # i18n: the status of a sales order
        OrderStatus.CANCELLED: _("order cancelled"),
    }
    return labels.get(status, status)


def _enum(kind: type[enum.StrEnum], length: int = 20) -> String:
    return String(length)


class Warehouse(Base):
    __tablename__ = "warehouses"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"))
    address: Mapped[Address | None] = relationship()


class Zone(Base):
    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("warehouse_id", "code"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(_enum(ZoneKind))


class Location(Base):
    __tablename__ = "locations"
    __table_args__ = (
        UniqueConstraint("warehouse_id", "code"),
        CheckConstraint("capacity_units IS NULL OR capacity_units >= 0", name="capacity_units"),
        Index("ix_locations_zone", "zone_id", "code"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), index=True)
    zone_id: Mapped[int | None] = mapped_column(ForeignKey("zones.id"))
    code: Mapped[str] = mapped_column(String(40))
    check_digit: Mapped[str] = mapped_column(String(4), default="")
    kind: Mapped[str] = mapped_column(_enum(LocationKind), default=LocationKind.RACK)
    # Layout for routing: aisle index, distance along the aisle from the front cross aisle,
    # side (L/R), level (0 = floor), block (between two cross aisles), bay number.
    aisle: Mapped[int | None] = mapped_column(Integer)
    bay: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[float | None] = mapped_column(Float)
    side: Mapped[str] = mapped_column(String(1), default="")
    level: Mapped[int | None] = mapped_column(Integer)
    block: Mapped[int] = mapped_column(Integer, default=0)
    capacity_units: Mapped[int | None] = mapped_column(Integer)
    capacity_volume_l: Mapped[float | None] = mapped_column(Float)
    capacity_weight_kg: Mapped[float | None] = mapped_column(Float)
    pickable: Mapped[bool] = mapped_column(Boolean, default=False)
    blocked: Mapped[bool] = mapped_column(Boolean, default=False)
    zone: Mapped[Zone | None] = relationship()


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    gtin: Mapped[str | None] = mapped_column(String(14), index=True)
    uom: Mapped[str] = mapped_column(String(10), default="EA")
    item_class: Mapped[str] = mapped_column(String(20), default="")
    weight_kg: Mapped[float | None] = mapped_column(Float)
    length_mm: Mapped[float | None] = mapped_column(Float)
    width_mm: Mapped[float | None] = mapped_column(Float)
    height_mm: Mapped[float | None] = mapped_column(Float)
    lot_tracked: Mapped[bool] = mapped_column(Boolean, default=False)
    expiry_tracked: Mapped[bool] = mapped_column(Boolean, default=False)
    serial_tracked: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_mixed_lots: Mapped[bool] = mapped_column(Boolean, default=True)
    reorder_point: Mapped[int | None] = mapped_column(Integer)
    over_receipt_pct: Mapped[float | None] = mapped_column(Float)
    allocation: Mapped[str] = mapped_column(String(10), default="fifo")  # fifo | fefo
    is_kit: Mapped[bool] = mapped_column(Boolean, default=False)
    barcodes: Mapped[list[ItemBarcode]] = relationship(
        back_populates="item", cascade="all, delete-orphan"
    )


class ItemBarcode(Base):
    """A barcode that identifies an item at one pack level (each, inner, case...)."""

    __tablename__ = "item_barcodes"
    __table_args__ = (CheckConstraint("units > 0", name="units_positive"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    barcode: Mapped[str] = mapped_column(String(64), unique=True)
    pack_level: Mapped[str] = mapped_column(String(20), default="each")
    units: Mapped[int] = mapped_column(Integer, default=1)
    item: Mapped[Item] = relationship(back_populates="barcodes")


class PickFace(Base):
    """A location that is the fixed pick face of an item, with min/max for replenishment."""

    __tablename__ = "pick_faces"
    __table_args__ = (
        UniqueConstraint("location_id", "item_id"),
        CheckConstraint("min_qty >= 0 AND max_qty >= min_qty", name="min_max"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    min_qty: Mapped[int] = mapped_column(Integer, default=0)
    max_qty: Mapped[int] = mapped_column(Integer, default=0)


class Container(Base):
    """An LPN: pallet, case, tote, carton or cart; containers nest (case on a pallet)."""

    __tablename__ = "containers"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(_enum(ContainerKind))
    sscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Balance(Base):
    """On-hand and reserved units of one item at one key (location, lot, expiry, container)."""

    __tablename__ = "balances"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("reserved <= quantity", name="reserved_within_quantity"),
        Index(
            "uq_balances_key",
            "location_id",
            "item_id",
            "lot",
            text("coalesce(expiry, '1900-01-01')"),
            text("coalesce(container_id, 0)"),
            unique=True,
        ),
        Index("ix_balances_item", "item_id", "location_id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    expiry: Mapped[dt.date | None] = mapped_column(Date)
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StockTransaction(Base):
    """One ledger operation (receive, move, adjust, ...): who, where, why; owns movements."""

    __tablename__ = "stock_transactions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(40), default="")
    reference: Mapped[str] = mapped_column(String(80), default="")
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    station: Mapped[str] = mapped_column(String(20), default="")
    scan_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )
    movements: Mapped[list[Movement]] = relationship(back_populates="transaction")


class Movement(Base):
    """A signed change of one balance key; a balance is the sum of its movements."""

    __tablename__ = "movements"
    __table_args__ = (
        Index("ix_movements_balance", "balance_id"),
        Index("ix_movements_item", "item_id", "created_at"),
        Index("ix_movements_feed", "xact_id", "id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("stock_transactions.id"), index=True)
    balance_id: Mapped[int] = mapped_column(ForeignKey("balances.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    expiry: Mapped[dt.date | None] = mapped_column(Date)
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    quantity_delta: Mapped[int] = mapped_column(Integer, default=0)
    reserved_delta: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # the writing transaction's id on PostgreSQL, 0 on SQLite: the API's movement feed reads
    # in (xact_id, id) order (floor/api/feeds.py; migration api_0001)
    xact_id: Mapped[int] = mapped_column(BigInteger, server_default=FetchedValue())
    transaction: Mapped[StockTransaction] = relationship(back_populates="movements")


class SerialNumber(Base):
    __tablename__ = "serial_numbers"
    __table_args__ = (UniqueConstraint("item_id", "serial"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    serial: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="in_stock")
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("stock_transactions.id"))


class AppliedScan(Base):
    """A scan id a service has applied, with its result: applying it again returns this."""

    __tablename__ = "applied_scans"
    scan_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    operation: Mapped[str] = mapped_column(String(40))
    result: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Address(Base):
    __tablename__ = "addresses"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    # widths fit what stores export (chan_0001)
    name: Mapped[str] = mapped_column(String(255), default="")
    company: Mapped[str] = mapped_column(String(255), default="")
    line1: Mapped[str] = mapped_column(String(300), default="")
    line2: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(255), default="")
    postcode: Mapped[str] = mapped_column(String(32), default="")
    province: Mapped[str] = mapped_column(String(255), default="")
    country: Mapped[str] = mapped_column(String(2), default="")
    phone: Mapped[str] = mapped_column(String(64), default="")
    email: Mapped[str] = mapped_column(String(320), default="")


class Supplier(Base):
    __tablename__ = "suppliers"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    over_receipt_pct: Mapped[float] = mapped_column(Float, default=0.0)
    # purchasing (migration buy_0001): days from ordering to goods at the dock; None: not known
    lead_time_days: Mapped[int | None] = mapped_column(Integer)


# A purchase order (or ASN, or a transfer's inbound order) still to be received against.
RECEIVABLE_PO_STATUSES = ("open", "partial")


class PurchaseOrder(Base):
    """A purchase order or an advance shipping notice (kind 'asn') expected at a warehouse."""

    __tablename__ = "purchase_orders"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="po")
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")
    expected_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    supplier: Mapped[Supplier | None] = relationship()
    lines: Mapped[list[PurchaseOrderLine]] = relationship(
        back_populates="purchase_order",
        cascade="all, delete-orphan",
        order_by="PurchaseOrderLine.line_no",
    )


class PurchaseOrderLine(Base):
    __tablename__ = "purchase_order_lines"
    __table_args__ = (
        UniqueConstraint("purchase_order_id", "line_no"),
        CheckConstraint("quantity_ordered > 0", name="ordered_positive"),
        CheckConstraint("quantity_received >= 0", name="received_not_negative"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity_ordered: Mapped[int] = mapped_column(Integer)
    quantity_received: Mapped[int] = mapped_column(Integer, default=0)
    lot: Mapped[str] = mapped_column(String(40), default="")
    purchase_order: Mapped[PurchaseOrder] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(200), default="")
    address_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"))


class SalesOrder(Base):
    __tablename__ = "sales_orders"
    __table_args__ = (
        UniqueConstraint("channel", "external_ref"),
        Index("ix_sales_orders_status", "status", "ship_by"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(30), default="manual")
    external_ref: Mapped[str] = mapped_column(String(255))
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    ship_to_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id"))
    carrier: Mapped[str] = mapped_column(String(100), default="")
    service: Mapped[str] = mapped_column(String(255), default="")  # widths: chan_0001
    priority: Mapped[int] = mapped_column(Integer, default=5)
    ship_by: Mapped[dt.date | None] = mapped_column(Date)
    cutoff_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.OPEN)
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ship_to: Mapped[Address | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    lines: Mapped[list[SalesOrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="SalesOrderLine.line_no"
    )


class SalesOrderLine(Base):
    __tablename__ = "sales_order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        CheckConstraint("quantity_ordered > 0", name="ordered_positive"),
        CheckConstraint(
            "quantity_allocated >= 0 AND quantity_picked >= 0 AND quantity_shipped >= 0",
            name="progress_not_negative",
        ),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity_ordered: Mapped[int] = mapped_column(Integer)
    quantity_allocated: Mapped[int] = mapped_column(Integer, default=0)
    quantity_picked: Mapped[int] = mapped_column(Integer, default=0)
    quantity_shipped: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="open")
    # the channel's reference for the line (Amazon order-item-id, Walmart Line#): chan_0001
    external_ref: Mapped[str] = mapped_column(String(80), default="", server_default="")
    order: Mapped[SalesOrder] = relationship(back_populates="lines")
    item: Mapped[Item] = relationship()


class KitComponent(Base):
    """One line of a kit's bill of materials: `quantity` of `component` per kit."""

    __tablename__ = "kit_components"
    __table_args__ = (
        UniqueConstraint("kit_item_id", "component_item_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kit_item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    component_item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(Integer)


class Operator(Base):
    __tablename__ = "operators"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    badge: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    pin_hash: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(200), default="")  # space separated Role values
    language: Mapped[str] = mapped_column(String(5), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # the PIN was set by an admin (or an import): the operator chooses their own at next login
    must_change_pin: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles.split())


class LoginOutcome(enum.StrEnum):
    """What became of a login attempt (or an unlock), as the login audit records it."""

    OK = "ok"
    WRONG_PIN = "wrong_pin"
    UNKNOWN_BADGE = "unknown_badge"
    INACTIVE = "inactive"  # the badge of a disabled operator
    LOCKED = "locked"  # refused without checking the PIN: the badge was locked
    UNLOCKED = "unlocked"  # an admin lifted the lock


class BadgeLockout(Base):
    """Failed logins in a row for one badge as typed, known or not, and until when it is
    locked. One row per badge ever refused or logged in with; a success resets it."""

    __tablename__ = "badge_lockouts"
    __table_args__ = (CheckConstraint("failures >= 0", name="failures_not_negative"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    badge: Mapped[str] = mapped_column(String(40), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class LoginAuditEntry(Base):
    """Every login attempt, failed or not (an unknown badge too), and every unlock: the badge
    as typed, the operator it belongs to, where, when and how it ended. Never the PIN."""

    __tablename__ = "login_audit"
    __table_args__ = (Index("ix_login_audit_badge_at", "badge", "at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    station: Mapped[str] = mapped_column(String(20), default="")
    badge: Mapped[str] = mapped_column(String(40))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # who unlocked: an admin operator (in the app or `floor operators unlock --by`), and
    # the account that ran the command
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    actor: Mapped[str] = mapped_column(String(80), default="")


class AdminAuditEntry(Base):
    """Every change to the site's set-up: operators added, disabled, enabled, their PIN,
    roles or language set (never the PIN itself), warehouses, zones and stations added.
    Who did it: an admin operator in the app (`actor_id`, at `station`), or the system from
    the command line, with the account that ran it (`actor`, user@host)."""

    __tablename__ = "admin_audit"
    __table_args__ = (Index("ix_admin_audit_subject", "subject", "code", "at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    station: Mapped[str] = mapped_column(String(20), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    actor: Mapped[str] = mapped_column(String(80), default="")
    subject: Mapped[str] = mapped_column(String(20))  # operator | warehouse | zone | station
    code: Mapped[str] = mapped_column(String(40))  # the badge or code of what changed
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    action: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(String(400), default="")


class Station(Base):
    __tablename__ = "stations"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    warehouse_id: Mapped[int | None] = mapped_column(ForeignKey("warehouses.id"))
    kind: Mapped[str] = mapped_column(String(20), default="general")
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class StationHeartbeat(Base):
    """A running station's latest report, upserted every few seconds: who is logged in, which
    flow, scanner and database state, app version, last scan. A station whose `beat_at` is
    older than a few beats is offline (floor/board/)."""

    __tablename__ = "station_heartbeats"
    station: Mapped[str] = mapped_column(String(20), primary_key=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    flow: Mapped[str] = mapped_column(String(40), default="")
    scanner: Mapped[bool | None] = mapped_column(Boolean)  # None: keyboard wedge only
    database: Mapped[bool] = mapped_column(Boolean, default=True)
    app_version: Mapped[str] = mapped_column(String(40), default="")
    last_scan_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    beat_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ScanJournalEntry(Base):
    """Every raw scan read at a station, with what it was understood as and its outcome."""

    __tablename__ = "scan_journal"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    scan_id: Mapped[str] = mapped_column(String(64), unique=True)
    station: Mapped[str] = mapped_column(String(20), default="")
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    device: Mapped[str] = mapped_column(String(120), default="")
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    kind: Mapped[str] = mapped_column(String(20), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    screen: Mapped[str] = mapped_column(String(40), default="")
    read_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Wave(Base):
    __tablename__ = "waves"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    status: Mapped[str] = mapped_column(String(20), default=WaveStatus.PLANNED)
    rules: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    released_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ClusterStatus(enum.StrEnum):
    OPEN = "open"  # has open pick tasks, its wave released: a picker may claim it
    CLAIMED = "claimed"
    HELD = "held"  # its wave is held
    DONE = "done"
    CANCELLED = "cancelled"


class PickCluster(Base):
    """One cart's worth of pick tasks of a released wave: the row a picker's claim locks.

    Written at wave release and kept in step with its tasks (claimed, given back, finished,
    held, cancelled), so claiming a cart reads one row by index however many tasks are open.
    """

    __tablename__ = "pick_clusters"
    __table_args__ = (
        UniqueConstraint("wave_id", "code"),
        Index("ix_pick_clusters_queue", "warehouse_id", "status", "released_at", "wave_id", "code"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"))
    code: Mapped[str] = mapped_column(String(40))  # tasks.cluster
    status: Mapped[str] = mapped_column(String(20), default=ClusterStatus.OPEN)
    released_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Task(Base):
    """Work directed to an operator: put away, pick, count, replenish or move."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("quantity >= 0 AND quantity_done >= 0", name="quantities_not_negative"),
        Index("ix_tasks_queue", "kind", "status", "wave_id", "sequence"),
        # only tasks given to someone: with statistics (ANALYZE), SQLite judges an index
        # whose rows are mostly NULL useless and scanned every task for a picker's own
        Index(
            "ix_tasks_assignee",
            "assignee_id",
            "status",
            sqlite_where=text("assignee_id IS NOT NULL"),
            postgresql_where=text("assignee_id IS NOT NULL"),
        ),
        Index("ix_tasks_cluster", "wave_id", "cluster", "status"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=TaskStatus.OPEN)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    expiry: Mapped[dt.date | None] = mapped_column(Date)
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    to_container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    order_line_id: Mapped[int | None] = mapped_column(ForeignKey("sales_order_lines.id"))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id"))
    cluster: Mapped[str] = mapped_column(String(40), default="")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    quantity_done: Mapped[int] = mapped_column(Integer, default=0)
    exception_code: Mapped[str] = mapped_column(String(10), default="")
    reason: Mapped[str] = mapped_column(String(200), default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class PrintJob(Base):
    __tablename__ = "print_jobs"
    __table_args__ = (Index("ix_print_jobs_status", "status", "station"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    job_key: Mapped[str] = mapped_column(String(64), unique=True)
    station: Mapped[str] = mapped_column(String(20), default="")
    template: Mapped[str] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(10), default="pdf")
    reference: Mapped[str] = mapped_column(String(80), default="", index=True)
    printer: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # zlib-compressed document; dropped from printed jobs after [printer] keep_documents_days
    document: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)


class Receipt(Base):
    """Goods arriving at the dock: against a purchase order / ASN, or blind (no document)."""

    __tablename__ = "receipts"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    purchase_order_id: Mapped[int | None] = mapped_column(ForeignKey("purchase_orders.id"))
    status: Mapped[str] = mapped_column(String(20), default="open")
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    station: Mapped[str] = mapped_column(String(20), default="")
    discrepancies: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReceiptLine(Base):
    __tablename__ = "receipt_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"), index=True)
    purchase_order_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("purchase_order_lines.id")
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    expiry: Mapped[dt.date | None] = mapped_column(Date)
    serial: Mapped[str] = mapped_column(String(40), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    damaged: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(String(200), default="")
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("stock_transactions.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReturnLine(Base):
    """An item a customer sent back, and what was done with it (restock, quarantine, scrap)."""

    __tablename__ = "return_lines"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id"), index=True)
    authorization: Mapped[str] = mapped_column(String(40), default="")
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    disposition: Mapped[str] = mapped_column(String(20))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    transaction_id: Mapped[int | None] = mapped_column(ForeignKey("stock_transactions.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FlowState(Base):
    """Where an operator stopped in a flow, so the flow resumes after a crash or logout."""

    __tablename__ = "flow_states"
    __table_args__ = (UniqueConstraint("operator_id", "flow"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    flow: Mapped[str] = mapped_column(String(40))
    station: Mapped[str] = mapped_column(String(20), default="")
    state: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class PrintJobReference(Base):
    """An order, carton, LPN or tracking reference a print job is found by (reprint by scan).
    The job's document is kept zlib-compressed in print_jobs.document (floor/printing/db_store.py).
    """

    __tablename__ = "print_job_references"
    __table_args__ = (UniqueConstraint("print_job_id", "reference"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    print_job_id: Mapped[int] = mapped_column(ForeignKey("print_jobs.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(80), index=True)


class ReturnAuthorization(Base):
    """A return the customer was allowed to send (RA number), found by scanning its number."""

    __tablename__ = "return_authorizations"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CartonType(Base):
    """A carton a packer can choose: inner size (mm), the most it may weigh packed (carton
    and contents) and its own weight (g), and the barcode scanned to choose it."""

    __tablename__ = "carton_types"
    __table_args__ = (
        CheckConstraint(
            "length_mm > 0 AND width_mm > 0 AND height_mm > 0", name="dimensions_positive"
        ),
        CheckConstraint("tare_weight_g >= 0 AND max_weight_g > tare_weight_g", name="weights"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    description: Mapped[str] = mapped_column(String(200), default="")
    length_mm: Mapped[int] = mapped_column(Integer)
    width_mm: Mapped[int] = mapped_column(Integer)
    height_mm: Mapped[int] = mapped_column(Integer)
    max_weight_g: Mapped[int] = mapped_column(Integer)
    tare_weight_g: Mapped[int] = mapped_column(Integer, default=0)
    barcode: Mapped[str] = mapped_column(String(64), unique=True)


class AuditEntry(Base):
    """One supervisor or admin action: what, on what, who, at which station, when, details.

    Written in the same transaction as the action (floor.audit), so an action rolled back
    leaves no entry and an action done always has one.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_time", "created_at"),
        Index("ix_audit_log_action", "action", "created_at"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    action: Mapped[str] = mapped_column(String(40))  # wave.release, count.approve, ...
    subject: Mapped[str] = mapped_column(String(80), default="")  # a wave code, a task...
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    station: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class CartonStatus(enum.StrEnum):
    OPEN = "open"  # being packed at a station (or reopened by a supervisor)
    CLOSED = "closed"  # SSCC assigned, stock in the carton, labels queued
    SHIPPED = "shipped"  # handed to the carrier (set by shipping)


class ManifestStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Manifest(Base):
    """A carrier's end-of-day close-out: the cartons handed over to one carrier."""

    __tablename__ = "manifests"
    __table_args__ = (
        Index("ix_manifests_open", "warehouse_id", "carrier", "status"),
        # one open manifest per carrier (migration ship_0001)
        Index(
            "uq_manifests_open_carrier",
            "warehouse_id",
            "carrier",
            unique=True,
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    carrier: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default=ManifestStatus.OPEN)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))


class PackedCarton(Base):
    """A carton packed for one order at a pack bench.

    Open while the packer scans units into it; closing assigns its SSCC, makes its carton
    container (code = the SSCC) and moves the stock from the totes into it through the
    ledger. Shipping fills tracking number, carrier, service, manifest and shipped_at.
    """

    __tablename__ = "packed_cartons"
    __table_args__ = (
        UniqueConstraint("order_id", "carton_no"),
        Index("ix_packed_cartons_station", "station", "status"),
        Index("ix_packed_cartons_order", "order_id", "status"),
        Index("ix_packed_cartons_tracking", "tracking_number"),  # shipping (ship_0001)
        Index("ix_packed_cartons_shipped_at", "shipped_at"),  # the shipments export
        CheckConstraint("carton_no > 0", name="carton_no_positive"),
        CheckConstraint(
            "weight_measured_g IS NULL OR weight_measured_g >= 0", name="weight_not_negative"
        ),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id"))
    carton_no: Mapped[int] = mapped_column(Integer)  # 1, 2, ... within the order
    # the carton container; made at the first close, its code and sscc are the SSCC
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"), unique=True)
    sscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    carton_type_id: Mapped[int | None] = mapped_column(ForeignKey("carton_types.id"))
    proposed_carton_type_id: Mapped[int | None] = mapped_column(ForeignKey("carton_types.id"))
    status: Mapped[str] = mapped_column(String(20), default=CartonStatus.OPEN)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))  # pack bench
    station: Mapped[str] = mapped_column(String(20), default="")
    packed_by: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    weight_expected_g: Mapped[int | None] = mapped_column(Integer)
    weight_measured_g: Mapped[int | None] = mapped_column(Integer)
    weight_source: Mapped[str] = mapped_column(String(10), default="")  # scale | keyed
    weight_override_reason: Mapped[str] = mapped_column(String(200), default="")
    weight_override_by: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    close_scan_id: Mapped[str | None] = mapped_column(String(64))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    reopened_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reopened_by: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    # filled by shipping
    tracking_number: Mapped[str] = mapped_column(String(60), default="")
    carrier: Mapped[str] = mapped_column(String(40), default="")
    service: Mapped[str] = mapped_column(String(255), default="")  # as the order's (chan_0001)
    manifest_id: Mapped[int | None] = mapped_column(ForeignKey("manifests.id"), index=True)
    shipped_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    shipped_by: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    contents: Mapped[list[PackedCartonLine]] = relationship(
        back_populates="carton", cascade="all, delete-orphan", order_by="PackedCartonLine.id"
    )


class PackedCartonLine(Base):
    """Units of one order line in a carton: item, lot, expiry and, for a serial-tracked
    item, one row per unit with its serial. `in_carton` is False while the units are
    scanned but still in the tote (the carton is open), True once the close moved them."""

    __tablename__ = "packed_carton_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("serial = '' OR quantity = 1", name="one_unit_per_serial"),
        Index("ix_packed_carton_lines_order_line", "order_line_id"),
        Index("ix_packed_carton_lines_serial", "item_id", "serial"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    carton_id: Mapped[int] = mapped_column(
        ForeignKey("packed_cartons.id", ondelete="CASCADE"), index=True
    )
    order_line_id: Mapped[int] = mapped_column(ForeignKey("sales_order_lines.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    expiry: Mapped[dt.date | None] = mapped_column(Date)
    quantity: Mapped[int] = mapped_column(Integer)
    serial: Mapped[str] = mapped_column(String(40), default="")
    serial_number_id: Mapped[int | None] = mapped_column(ForeignKey("serial_numbers.id"))
    # where the units were when scanned (the tote at the drop location)
    from_location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    from_container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    in_carton: Mapped[bool] = mapped_column(Boolean, default=False)
    scan_id: Mapped[str | None] = mapped_column(String(64))
    packed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    carton: Mapped[PackedCarton] = relationship(back_populates="contents")


class SsccCounter(Base):
    """The last SSCC serial reference used per extension digit and GS1 company prefix.

    Closing a carton takes the next one with UPDATE ... RETURNING in its own transaction:
    the row lock makes concurrent benches take turns, and a crash rolls the number back
    together with the carton that would have carried it, so no label ever shows it."""

    __tablename__ = "sscc_counters"
    __table_args__ = (CheckConstraint("last_serial_reference >= 0", name="not_negative"),)
    extension_digit: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    company_prefix: Mapped[str] = mapped_column(String(12), primary_key=True)
    last_serial_reference: Mapped[int] = mapped_column(BigInteger, default=0)


class KitWorkOrderKind(enum.StrEnum):
    KIT = "kit"  # build kits from components
    DEKIT = "dekit"  # take kits apart into their components


class KitWorkOrderStatus(enum.StrEnum):
    PLANNED = "planned"  # made, or parked between two days: nothing reserved for it
    RELEASED = "released"  # components (or kits) reserved and on pick tasks to the bench
    DONE = "done"
    CLOSED_SHORT = "closed_short"
    CANCELLED = "cancelled"


class KitRule(Base):
    """What a kit's bill of materials does not say: whether a wave short of finished kits
    orders them built (assemble to order), and which component's lot a lot-tracked kit
    takes (none: a lot is generated)."""

    __tablename__ = "kit_rules"
    kit_item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    assemble_to_order: Mapped[bool] = mapped_column(Boolean, default=False)
    lot_from_item_id: Mapped[int | None] = mapped_column(ForeignKey("items.id"))


class KitWorkOrder(Base):
    """Build (kind kit) or take apart (kind dekit) `quantity` kits at the kitting bench.

    Each release makes a wave of its own (`wave_id`, the latest) whose pick tasks bring the
    components (or the kits) to the bench; `progress` holds the kit on the bench right now
    (components scanned so far)."""

    __tablename__ = "kit_work_orders"
    __table_args__ = (
        CheckConstraint("quantity > 0 AND quantity_done >= 0", name="quantities"),
        Index("ix_kit_work_orders_status", "status", "due"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    kind: Mapped[str] = mapped_column(String(10), default=KitWorkOrderKind.KIT)
    kit_item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    quantity_done: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default=KitWorkOrderStatus.PLANNED)
    due: Mapped[dt.date | None] = mapped_column(Date)
    bench_location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"))
    wave_id: Mapped[int | None] = mapped_column(ForeignKey("waves.id"))
    releases: Mapped[int] = mapped_column(Integer, default=0)
    source_order_id: Mapped[int | None] = mapped_column(ForeignKey("sales_orders.id"))
    progress: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class KitBuild(Base):
    """One kit produced at the bench: its lot, expiry, LPN and the component lots it holds
    (so taking it apart gives the components their lots back)."""

    __tablename__ = "kit_builds"
    __table_args__ = (Index("ix_kit_builds_lot", "kit_item_id", "lot"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(ForeignKey("kit_work_orders.id"), index=True)
    kit_item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    expiry: Mapped[dt.date | None] = mapped_column(Date)
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    components: Mapped[list] = mapped_column(JSON, default=list)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- scanner self-test ----------------------------------------------------------------------


class ScannerProfileRow(Base):
    """What a station's scanner sends, from its last self-test (`floor scanner test`, or the
    station's *Scanner self-test*): GS or not, AIM identifiers, suffix, keyboard layout. Read
    when the station opens: a scanner known to send GS gets no ambiguity refusal."""

    __tablename__ = "scanner_profiles"
    station: Mapped[str] = mapped_column(String(20), primary_key=True)
    sends_gs: Mapped[bool | None] = mapped_column(Boolean)
    aim: Mapped[str] = mapped_column(String(10), default="")
    terminator: Mapped[str] = mapped_column(String(10), default="")
    layout: Mapped[str] = mapped_column(String(20), default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    tested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- SSCC receiving and transfers between warehouses (migration sscc_0001) -------------------


class AsnUnitLine(Base):
    """What an ASN says one logistic unit (a pallet or case, by its SSCC) holds: one row per
    item, lot and expiry. A scan of the SSCC at receiving receives all of it."""

    __tablename__ = "asn_unit_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_asn_unit_lines_sscc", "sscc"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), index=True)
    sscc: Mapped[str] = mapped_column(String(18))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    lot: Mapped[str] = mapped_column(String(40), default="")
    expiry: Mapped[dt.date | None] = mapped_column(Date)


class SsccReceipt(Base):
    """A logistic unit received whole by one scan of its SSCC; an SSCC is received once.

    `source`: "asn" (an ASN listed its contents), "transfer" (a carton shipped by another
    warehouse of this site), "label" (the label's own content GTIN, count, lot, expiry)."""

    __tablename__ = "sscc_receipts"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    sscc: Mapped[str] = mapped_column(String(18), unique=True)
    receipt_id: Mapped[int] = mapped_column(ForeignKey("receipts.id"), index=True)
    container_id: Mapped[int | None] = mapped_column(ForeignKey("containers.id"))
    source: Mapped[str] = mapped_column(String(10))
    scan_id: Mapped[str | None] = mapped_column(String(64))
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    station: Mapped[str] = mapped_column(String(20), default="")
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TransferOrder(Base):
    """Stock sent from one warehouse to another: a sales order at the source (channel
    "transfer", picked, packed and shipped like any order) and an inbound order of kind
    "transfer" at the destination, received by scanning the shipped cartons' SSCCs. Both
    carry the transfer's number."""

    __tablename__ = "transfer_orders"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    from_warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    to_warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    sales_order_id: Mapped[int] = mapped_column(ForeignKey("sales_orders.id"), unique=True)
    purchase_order_id: Mapped[int] = mapped_column(ForeignKey("purchase_orders.id"), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("operators.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# Purchasing: what each supplier sells us, and the reorder points planning computed.


class SupplierItem(Base):
    """An item a supplier sells: their SKU, the pack it comes in (orders are whole packs), the
    least they take per order, and a lead time when it differs from the supplier's. An item
    sold by several suppliers is bought from the one with the lowest `priority`."""

    __tablename__ = "supplier_items"
    __table_args__ = (
        UniqueConstraint("supplier_id", "item_id"),
        CheckConstraint("pack_size > 0", name="pack_size_positive"),
        CheckConstraint("min_order_qty >= 0", name="min_order_qty_not_negative"),
        CheckConstraint(
            "lead_time_days IS NULL OR lead_time_days >= 0", name="lead_time_not_negative"
        ),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    supplier_sku: Mapped[str] = mapped_column(String(64), default="")
    pack_size: Mapped[int] = mapped_column(Integer, default=1)
    min_order_qty: Mapped[int] = mapped_column(Integer, default=0)
    lead_time_days: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[int] = mapped_column(Integer, default=1)
    supplier: Mapped[Supplier] = relationship()
    item: Mapped[Item] = relationship()


class ComputedReorderPoint(Base):
    """An item's reorder point in a warehouse as planning last computed it (forecast demand
    over the lead time plus safety stock); the board's stock alerts use it where the item has
    no reorder point typed in (`items.reorder_point` wins)."""

    __tablename__ = "computed_reorder_points"
    __table_args__ = (
        UniqueConstraint("warehouse_id", "item_id"),
        CheckConstraint("reorder_point >= 0", name="reorder_point_not_negative"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), index=True)
    reorder_point: Mapped[int] = mapped_column(Integer)
    order_up_to: Mapped[int] = mapped_column(Integer, default=0)
    safety_stock: Mapped[int] = mapped_column(Integer, default=0)
    method: Mapped[str] = mapped_column(String(20), default="")
    service_level: Mapped[float] = mapped_column(Float, default=0.95)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- The HTTP API (floor/api/, floor/outbox.py): keys, webhook subscriptions, the outbox ---


class ApiKey(Base):
    """A key an order system or ERP calls the API with. Only the key's SHA-256 is kept: the
    key itself is shown once, when it is made (`floor api keys create`)."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), default="")
    scope: Mapped[str] = mapped_column(String(10))  # read | write
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # the first characters, to tell keys apart
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class WebhookSubscription(Base):
    """A receiver of webhooks: its URL, the events it wants, the secret its deliveries are
    signed with (HMAC-SHA256; kept as is, since signing needs it)."""

    __tablename__ = "webhook_subscriptions"
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiEvent(Base):
    """Something an order system is told about (a shipment confirmed, stock below its reorder
    point, a short pick), written in the transaction of the change itself. `xact_id` is the
    writing transaction's id on PostgreSQL (0 on SQLite): feeds are read in (xact_id, id)
    order, see floor/api/feeds.py."""

    __tablename__ = "api_events"
    __table_args__ = (
        Index("ix_api_events_feed", "xact_id", "id"),
        Index("ix_api_events_kind_feed", "kind", "xact_id", "id"),
    )
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(80), default="")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    xact_id: Mapped[int] = mapped_column(BigInteger, server_default=FetchedValue())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebhookDelivery(Base):
    """One event to one subscription: tried until the receiver answers 2xx, with backoff."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "delivered_at", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("api_events.id"), index=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(String(300), default="")
