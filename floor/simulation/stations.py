"""Virtual stations: each kind is a small state machine that makes one scan's service call per
step, as a person at a real station would, through the real services.

A step returns what it did: a scan applied (a service call, timed), idle (no work for this
kind just now), or raises (the error is counted by kind). Work a station needs before it can
scan (a purchase order to receive, totes for a cart, orders for a wave) is made by the
station itself in an untimed "setup" transaction, as the office or the demo would.

Kinds: receiver (receive a PO at its own dock door, close it, put each item away), picker
(claim a cart, a tote per order, then location, item and quantity for each pick; now and then
a short pick), counter (blind counts: what the ledger says is there, now and then off by two),
supervisor (approve or reject the counts waiting, build and release a wave when picking work
runs low, make count tasks). Packer and shipper are floor/simulation/pack_ship.py. A kind
plugs in with `register_kind`; see KINDS.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from floor.db import transaction
from floor.gs1 import location_check_digits
from floor.models import (
    Balance,
    Item,
    ItemBarcode,
    Location,
    PurchaseOrder,
    PurchaseOrderLine,
    SalesOrder,
    SalesOrderLine,
    Task,
    TaskKind,
    TaskStatus,
    Zone,
    ZoneKind,
)
from floor.stock.ledger import SYSTEM, Actor

AWAITING_APPROVAL = "awaiting_approval"  # floor.stock.counting


class Idle(Exception):
    """No work for this station just now: it waits for its next turn (not an error)."""


@dataclass
class StationContext:
    """What a virtual station knows: the database, who and where it is, its random source."""

    engine: Engine
    warehouse_id: int
    station: str
    operator_id: int
    rng: random.Random
    run_tag: str
    timed: Callable[[str, Callable[[Session], Any]], Any]  # a scan's service call, timed
    state: dict[str, Any] = field(default_factory=dict)
    # this station's place among the stations of its kind: work that comes in a line (totes
    # to pack, cartons to ship) is shared out by lane, as each bench has its own conveyor
    lane: int = 0
    lanes: int = 1
    every: float = 3.0  # seconds between this station's turns

    @property
    def actor(self) -> Actor:
        return Actor(self.operator_id, self.station)

    def setup(self, work: Callable[[Session], Any]) -> Any:
        """Untimed preparation (documents the office would have made)."""
        return transaction(self.engine, work)

    def scan_id(self) -> str:
        return uuid.uuid4().hex


StepFunction = Callable[[StationContext], str]


@dataclass(frozen=True)
class StationKind:
    name: str
    roles: str  # the simulated operator's roles
    step: StepFunction
    weight: int  # share in the default mix


KINDS: dict[str, StationKind] = {}
_counter = itertools.count(1)

# Totes a packer emptied (their order packed): this process's pickers take these before they
# make new ones, as totes come back from the pack benches on a real floor. Each is put here
# once, by the packer that emptied it, and taken once (deque appends and pops are atomic).
EMPTIED_TOTES: deque[str] = deque(maxlen=100_000)


# What does not change during a run, read once per process: the plain items with their
# barcodes (what the simulation buys) and each SKU's GTIN (what a picker or packer scans).
_PLAIN_ITEMS: list[tuple[int, str]] = []
_GTINS: dict[str, str] = {}


def gtins(ctx: StationContext, skus: Iterable[str]) -> dict[str, str]:
    """The GTIN of each SKU (those that have one), read from the database once per SKU."""
    wanted = set(skus)
    missing = wanted - _GTINS.keys()
    if missing:
        query = select(Item.sku, Item.gtin).where(Item.sku.in_(sorted(missing)))
        found = ctx.setup(lambda s: {sku: gtin for sku, gtin in s.execute(query)})
        for sku in missing:  # "" for none: not read again
            _GTINS[sku] = found.get(sku) or ""
    return {sku: _GTINS[sku] for sku in wanted if _GTINS[sku]}


def register_kind(name: str, roles: str, step: StepFunction, weight: int = 0) -> None:
    """Add a kind of virtual station (packer, shipper...): `step(ctx)` makes one scan's service
    call through `ctx.timed(what, work)` and returns what it did; raises Idle without work.
    `weight` is its share in the default mix (0: only when asked for with --mix)."""
    KINDS[name] = StationKind(name, roles, step, weight)


# --- receiver ---------------------------------------------------------------------------------


def _plain_items(session: Session, limit: int = 400) -> list[tuple[int, str]]:
    """(item id, each barcode) of items with no lot, serial or kit: what the simulation buys
    and sells."""
    return list(
        session.execute(
            select(Item.id, ItemBarcode.barcode)
            .join(ItemBarcode, ItemBarcode.item_id == Item.id)
            .where(
                Item.lot_tracked.is_(False),
                Item.serial_tracked.is_(False),
                Item.is_kit.is_(False),
                ItemBarcode.units == 1,
            )
            .order_by(Item.id)
            .limit(limit)
        )
    )


def _new_purchase_order(ctx: StationContext) -> tuple[str, list[tuple[str, int]]]:
    """A purchase order of three plain items: its number, and (barcode, quantity) of each
    line, in line order, as the receiver will scan them."""
    number = f"SIM{ctx.run_tag}-{ctx.station[-7:]}-{next(_counter)}"[:40]
    if not _PLAIN_ITEMS:
        _PLAIN_ITEMS.extend(ctx.setup(_plain_items))
    items = ctx.rng.sample(_PLAIN_ITEMS, 3)
    lines = [(barcode, ctx.rng.choice([12, 24, 36])) for _item_id, barcode in items]

    def work(s: Session) -> None:
        order = PurchaseOrder(number=number, warehouse_id=ctx.warehouse_id)
        for n, ((item_id, _barcode), (_b, quantity)) in enumerate(
            zip(items, lines, strict=True), start=1
        ):
            order.lines.append(
                PurchaseOrderLine(line_no=n, item_id=item_id, quantity_ordered=quantity)
            )
        s.add(order)

    ctx.setup(work)
    return number, lines


def _my_dock(ctx: StationContext) -> str | None:
    """The dock door this receiving station works at: the warehouse's docks shared out by
    lane (the demo has four), as a site's receiving stations stand at their own doors."""
    docks = ctx.setup(
        lambda s: list(
            s.scalars(
                select(Location.code)
                .join(Zone, Zone.id == Location.zone_id)
                .where(
                    Location.warehouse_id == ctx.warehouse_id,
                    Zone.kind == ZoneKind.RECEIVING.value,
                    ~Location.blocked,
                )
                .order_by(Location.code)
            )
        )
    )
    return docks[ctx.lane % len(docks)] if docks else None


def receiver_step(ctx: StationContext) -> str:
    from floor.inbound import putaway, receipt_closing, receiving

    st = ctx.state
    if st.get("putaway"):  # barcodes received, to put away one by one
        if "task" in st:
            task = st.pop("task")
            ctx.timed(
                "putaway.confirm",
                lambda s: putaway.confirm_putaway(
                    s,
                    task.task_id,
                    actor=ctx.actor,
                    location_code=task.to_location,
                    check_digits=location_check_digits(task.to_location or ""),  # rack label
                    scan_id=ctx.scan_id(),
                ),
            )
            return "putaway.confirm"
        barcode = st["putaway"].pop()
        try:
            st["task"] = ctx.timed(
                "putaway.start",
                lambda s: putaway.start_putaway(
                    s,
                    warehouse_id=ctx.warehouse_id,
                    scanned=barcode,
                    actor=ctx.actor,
                    scan_id=ctx.scan_id(),
                ),
            )
        except Exception as exc:
            if type(exc).__name__ == "NotFound":  # another receiver put it away already
                return "putaway.none"
            raise
        return "putaway.start"
    if "receipt" not in st:
        number, lines = _new_purchase_order(ctx)
        summary = ctx.timed(
            "receiving.open",
            lambda s: receiving.open_receipt(
                s,
                warehouse_id=ctx.warehouse_id,
                actor=ctx.actor,
                purchase_order_number=number,
                scan_id=ctx.scan_id(),
            ),
        )
        st["receipt"] = summary.receipt_id
        st["lines"] = lines
        st["received"] = []
        return "receiving.open"
    if st["lines"]:
        barcode, quantity = st["lines"].pop(0)
        receipt = st["receipt"]
        if "dock" not in st:
            st["dock"] = _my_dock(ctx)
        ctx.timed(
            "receiving.scan",
            lambda s: receiving.receive_scan(
                s,
                receipt,
                barcode=barcode,
                quantity=quantity,
                actor=ctx.actor,
                scan_id=ctx.scan_id(),
                dock_code=st["dock"],
            ),
        )
        st["received"].append(barcode)
        return "receiving.scan"
    receipt = st.pop("receipt")
    ctx.timed(
        "receiving.close",
        lambda s: receipt_closing.close_receipt(s, receipt, actor=ctx.actor, scan_id=ctx.scan_id()),
    )
    st["putaway"] = st.pop("received")
    return "receiving.close"


# --- picker -----------------------------------------------------------------------------------


def _new_totes(ctx: StationContext, n: int) -> list[str]:
    from floor.outbound.containers import create_containers

    return list(ctx.setup(lambda s: create_containers(s, "tote", n, actor=SYSTEM).codes))


def picker_step(ctx: StationContext) -> str:
    from floor.outbound import carts, picking, short_picks

    st = ctx.state
    me = ctx.operator_id
    if "cart" not in st:
        st["cart"] = _new_cart(ctx)
    view = st.get("view")
    if view is None:
        # the cart as the last claim or tote scan returned it (kept while its picks go on, as
        # the picking screen keeps it), else as it is now
        cart = st.get("cart_view") or ctx.setup(lambda s: carts.current_cart(s, me))
        st["cart_view"] = cart
        if cart is None:
            try:
                st["cart_view"] = ctx.timed(
                    "pick.claim_cart",
                    lambda s: carts.claim_cart(
                        s, me, ctx.warehouse_id, st["cart"], scan_id=ctx.scan_id()
                    ),
                )
            except Exception as exc:
                if type(exc).__name__ == "NotFound":
                    raise Idle from None
                raise
            return "pick.claim_cart"
        if cart.next_slot is not None:
            totes = st.setdefault("totes", [])
            if not totes:
                try:
                    totes.append(EMPTIED_TOTES.popleft())
                except IndexError:
                    totes.extend(_new_totes(ctx, 4))
            tote = totes.pop()
            st["cart_view"] = ctx.timed(
                "pick.assign_tote",
                lambda s: carts.assign_tote(s, me, tote, scan_id=ctx.scan_id()),
            )
            return "pick.assign_tote"
        view = ctx.setup(lambda s: picking.next_pick(s, me))
        if view is None:  # the cart is done: the next turn looks for the next one
            st.pop("cart_view", None)
            raise Idle
        st["view"] = view
        st["step"] = "location"
    step = st["step"]
    if step == "location":
        st["view"] = ctx.timed(
            "pick.location",
            lambda s: picking.confirm_location(
                s, me, view.task_id, code=view.location, scan_id=ctx.scan_id()
            ),
        )
        st["step"] = "item"
        return "pick.location"
    if step == "item":
        gtin = gtins(ctx, [view.sku]).get(view.sku)
        st["view"] = ctx.timed(
            "pick.item",
            lambda s: picking.confirm_item(
                s, me, view.task_id, gtin or "", view.lot or None, scan_id=ctx.scan_id()
            ),
        )
        st["step"] = "quantity"
        return "pick.item"
    st.pop("view")
    if ctx.rng.random() < 0.02:  # nothing there: a full pick denial
        ctx.timed(
            "pick.short",
            lambda s: short_picks.short_pick(s, me, view.task_id, 0, scan_id=ctx.scan_id()),
        )
        return "pick.short"
    ctx.timed(
        "pick.confirm",
        lambda s: picking.confirm_pick(
            s, me, view.task_id, view.remaining, view.tote, scan_id=ctx.scan_id()
        ),
    )
    return "pick.confirm"


def _new_cart(ctx: StationContext) -> str:
    from floor.outbound.containers import create_containers

    return ctx.setup(lambda s: create_containers(s, "cart", 1, actor=SYSTEM).codes[0])


# --- counter ----------------------------------------------------------------------------------


def counter_step(ctx: StationContext) -> str:
    from floor.stock import counting

    st = ctx.state
    task = st.pop("task", None)
    if task is None:
        task = ctx.timed(
            "count.next",
            lambda s: counting.next_count_task(
                s, ctx.warehouse_id, actor=ctx.actor, scan_id=ctx.scan_id()
            ),
        )
        if task is None:
            raise Idle
        st["task"] = task
        return "count.next"

    def there(s: Session) -> int:
        query = (
            select(func.coalesce(func.sum(Balance.quantity), 0))
            .join(Location, Location.id == Balance.location_id)
            .join(Item, Item.id == Balance.item_id)
            .where(Location.code == task.location, Item.sku == task.sku)
        )
        if task.lot:
            query = query.where(Balance.lot == task.lot)
        return int(s.scalar(query) or 0)

    counted = ctx.setup(there)
    if ctx.rng.random() < 0.05:
        counted = max(counted - 2, 0)
    ctx.timed(
        "count.submit",
        lambda s: counting.submit_count(
            s, task.task_id, counted, actor=ctx.actor, scan_id=ctx.scan_id()
        ),
    )
    return "count.submit"


# --- supervisor -------------------------------------------------------------------------------

OPEN_PICKS_WANTED = 40  # build and release a wave when fewer open picks than this wait
# One supervisor of a process makes a wave at a time: the others, finding picking work low
# at the same moment, would each make 24 orders and a wave (most of which then found the
# orders taken: "wave.none"), as one supervisor on a floor releases the next wave, not all.
_WAVING = threading.Lock()


def supervisor_step(ctx: StationContext) -> str:
    from floor.outbound import wave_release, waves
    from floor.stock import counting
    from floor.stock.count_scheduling import create_count_tasks_by_location

    def look(s: Session) -> tuple[int | None, int, int]:
        """The board at a glance, in one read: the oldest count waiting for approval, the
        open picks and the open counts."""
        pending = s.scalars(
            select(Task.id)
            .where(Task.kind == TaskKind.COUNT.value, Task.status == AWAITING_APPROVAL)
            .order_by(Task.id)
            .limit(1)
        ).first()
        if pending is not None:
            return pending, 0, 0
        open_picks = s.scalar(
            select(func.count())
            .select_from(Task)
            .where(
                Task.kind == TaskKind.PICK.value,
                Task.status == TaskStatus.OPEN.value,
                Task.warehouse_id == ctx.warehouse_id,
            )
        )
        if (open_picks or 0) < OPEN_PICKS_WANTED:
            return None, open_picks or 0, 0
        open_counts = s.scalar(
            select(func.count())
            .select_from(Task)
            .where(Task.kind == TaskKind.COUNT.value, Task.status == TaskStatus.OPEN.value)
        )
        return None, open_picks or 0, open_counts or 0

    pending, open_picks, open_counts = ctx.setup(look)
    if pending is not None:
        approve = ctx.rng.random() < 0.8
        try:
            ctx.timed(
                "count.approve",
                lambda s: counting.approve_count(
                    s, pending, actor=ctx.actor, approve=approve, scan_id=ctx.scan_id()
                ),
            )
        except Exception as exc:
            if type(exc).__name__ == "Conflict":  # another supervisor decided it meanwhile
                return "count.decided"
            raise
        return "count.approve"
    if open_picks < OPEN_PICKS_WANTED:
        if not _WAVING.acquire(blocking=False):
            raise Idle  # another supervisor here is making the next wave
        try:
            _new_orders(ctx, 24)
            try:
                code = ctx.timed(
                    "wave.build",
                    lambda s: (
                        waves.build_wave(
                            s, ctx.warehouse_id, waves.WaveRules(max_orders=24), ctx.actor
                        ).code
                    ),
                )
            except Exception as exc:
                if type(exc).__name__ == "NotFound":  # another supervisor waved them meanwhile
                    return "wave.none"
                raise
            ctx.timed(
                "wave.release",
                lambda s: wave_release.release_wave(s, code, ctx.actor, cart_size=4),
            )
        finally:
            _WAVING.release()
        return "wave.release"
    if open_counts < 5:
        locations = ctx.setup(
            lambda s: list(
                s.scalars(
                    select(Location.id)
                    .where(Location.warehouse_id == ctx.warehouse_id, Location.pickable.is_(True))
                    .order_by(func.random())
                    .limit(3)
                )
            )
        )
        ctx.timed(
            "count.create",
            lambda s: create_count_tasks_by_location(s, locations, actor=ctx.actor),
        )
        return "count.create"
    raise Idle


def _new_orders(ctx: StationContext, n: int) -> None:
    """Sales orders for plain items that have free stock at a pick face."""
    tag = f"SIM{ctx.run_tag}-{ctx.station[-7:]}-{next(_counter)}"

    def work(s: Session) -> None:
        stocked = list(
            s.scalars(
                select(Balance.item_id)
                .join(Location, Location.id == Balance.location_id)
                .join(Item, Item.id == Balance.item_id)
                .where(
                    Location.warehouse_id == ctx.warehouse_id,
                    Location.pickable.is_(True),
                    Balance.quantity - Balance.reserved >= 4,
                    Item.lot_tracked.is_(False),
                    Item.serial_tracked.is_(False),
                )
                .distinct()
                .limit(300)
            )
        )
        if not stocked:
            raise Idle
        for k in range(n):
            number = f"{tag}-{k}"[:40]
            order = SalesOrder(
                number=number,
                external_ref=number,
                channel="simulation",
                warehouse_id=ctx.warehouse_id,
                priority=5,
                ship_by=dt.date.today(),
            )
            for line_no, item_id in enumerate(
                ctx.rng.sample(stocked, min(len(stocked), ctx.rng.randint(1, 3))), start=1
            ):
                order.lines.append(
                    SalesOrderLine(
                        line_no=line_no, item_id=item_id, quantity_ordered=ctx.rng.randint(1, 2)
                    )
                )
            s.add(order)

    ctx.setup(work)


register_kind("receiver", "receiver", receiver_step, weight=25)
register_kind("picker", "picker", picker_step, weight=50)
register_kind("counter", "counter", counter_step, weight=15)
register_kind("supervisor", "supervisor", supervisor_step, weight=10)
# packer and shipper: floor/simulation/pack_ship.py (imported by the runner)

__all__ = ["EMPTIED_TOTES", "KINDS", "Idle", "StationContext", "StationKind", "register_kind"]
