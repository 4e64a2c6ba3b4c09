"""A transfer from the demo warehouse to a second warehouse, end to end, on SQLite and
PostgreSQL, through the `floor` commands and the services the screens call:

`floor transfer create`; a wave of it built and released at the source; picked onto a cart;
packed into two cartons (each closed with its SSCC); shipped; in transit in `floor transfer
show` and `floor stock` at both ends; the cartons received at the destination by scanning
their SSCCs (one refused at the wrong warehouse, one refused before it shipped, one scanned
twice refused); the receipt closes with no discrepancy; balances right, the ledger's
invariants hold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from floor.cli import main
from floor.db import session_scope, transaction
from floor.demo import build_demo
from floor.errors import Conflict
from floor.inbound import receipt_closing, sscc_receiving
from floor.models import (
    Balance,
    Item,
    Location,
    Operator,
    PackedCarton,
    PurchaseOrder,
    SalesOrder,
    Warehouse,
    Zone,
)
from floor.outbound import carts, pack_close, packing, picking
from floor.outbound.pack_settings import PackingSettings
from floor.outbound.shipping import confirm_shipment
from floor.outbound.wave_release import release_wave
from floor.outbound.waves import WaveRules, build_wave
from floor.stock import ledger
from floor.stock.ledger import Actor

SETTINGS = PackingSettings(gs1_company_prefix="0614141", sscc_extension_digit=0)


class Site:
    """The demo warehouse (DEMO) and a second one (WH2) with a dock, the `floor` command."""

    def __init__(self, engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
        self.engine, self.capsys = engine, capsys
        self.url = engine.url.render_as_string(hide_password=False)
        with session_scope(engine) as s:
            self.demo = s.scalar(select(Warehouse.id).where(Warehouse.code == "DEMO"))
            wh2 = Warehouse(code="WH2", name="Second warehouse")
            s.add(wh2)
            s.flush()
            zone = Zone(warehouse_id=wh2.id, code="RCV", name="Dock", kind="receiving")
            s.add(zone)
            s.flush()
            s.add(Location(warehouse_id=wh2.id, zone_id=zone.id, code="W2-DOCK", kind="dock"))
            self.wh2 = wh2.id
            self.ops = dict(s.execute(select(Operator.badge, Operator.id)).all())

    def actor(self, badge: str, station: str) -> Actor:
        return Actor(self.ops[badge], station)

    def do(self, work: Any) -> Any:
        return transaction(self.engine, work)

    def cli(self, *args: str, ok: bool = True) -> str:
        self.capsys.readouterr()
        code = main(["--database-url", self.url, *args])
        out, err = self.capsys.readouterr()
        assert (code == 0) is ok, err
        return out if ok else err


def _two_items(site: Site) -> list[tuple[str, str]]:
    """(SKU, GTIN) of two untracked items with at least 5 available at pickable locations."""
    with session_scope(site.engine) as s:
        rows = s.execute(
            select(Item.sku, Item.gtin)
            .join(Balance, Balance.item_id == Item.id)
            .join(Location, Location.id == Balance.location_id)
            .where(
                Location.warehouse_id == site.demo,
                Location.pickable,
                Balance.quantity - Balance.reserved >= 5,
                ~Item.lot_tracked,
                ~Item.expiry_tracked,
                ~Item.serial_tracked,
                ~Item.is_kit,
            )
            .order_by(Item.sku)
        ).all()
    chosen: list[tuple[str, str]] = []
    for sku, gtin in rows:
        if sku not in {c[0] for c in chosen}:
            chosen.append((sku, gtin))
    assert len(chosen) >= 2
    return chosen[:2]


def _on_hand(site: Site, sku: str, warehouse_id: int) -> int:
    with session_scope(site.engine) as s:
        item_id = s.scalar(select(Item.id).where(Item.sku == sku))
        return sum(
            b.quantity
            for b in s.scalars(
                select(Balance)
                .join(Location, Location.id == Balance.location_id)
                .where(Balance.item_id == item_id, Location.warehouse_id == warehouse_id)
            )
        )


def _pick(site: Site, number: str, tote: str) -> None:
    picker = site.ops["OP1001"]
    cart = site.do(lambda s: carts.claim_cart(s, picker, site.demo, "CART0001"))
    assert [slot.order for slot in cart.slots] == [number]
    site.do(lambda s: carts.assign_tote(s, picker, tote))
    while (view := site.do(lambda s: picking.next_pick(s, picker))) is not None:
        task = view.task_id
        with session_scope(site.engine) as s:
            gtin = s.scalar(select(Item.gtin).where(Item.sku == view.sku))
        site.do(lambda s, v=view, t=task: picking.confirm_location(s, picker, t, code=v.location))
        site.do(lambda s, v=view, t=task, g=gtin: picking.confirm_item(s, picker, t, g, v.lot))
        site.do(lambda s, v=view, t=task: picking.confirm_pick(s, picker, t, v.remaining, tote))


def _pack_two_cartons(site: Site, tote: str, units: list[list[str]]) -> list[str]:
    """Each list of GTINs (one per unit) packed into a carton of its own and closed."""
    packer = site.actor("OP1003", "PACK01")
    view = site.do(lambda s: packing.start(s, site.demo, tote, actor=packer))
    assert view.carton is not None
    carton_id = view.carton.carton_id
    ssccs = []
    for n, gtins in enumerate(units):
        for gtin in gtins:
            site.do(lambda s, g=gtin, c=carton_id: packing.pack_scan(s, c, g, actor=packer))
        grams = site.do(
            lambda s, c=carton_id: packing.expected_weight(s, s.get(PackedCarton, c))[0]
        )
        closed = site.do(
            lambda s, g=grams, n=n, c=carton_id: pack_close.close_carton(
                s,
                c,
                g,
                settings=SETTINGS,
                printer=None,
                actor=packer,
                scan_id=f"tr-close-{n}",
            )
        )
        ssccs.append(closed.sscc)
        if closed.view is not None and closed.view.carton is not None:
            carton_id = closed.view.carton.carton_id
    assert closed.order_packed
    return ssccs


def _receive(site: Site, warehouse_id: int, sscc: str, scan_id: str) -> Any:
    receiver = site.actor("OP1002", "ST01")
    return site.do(
        lambda s: sscc_receiving.receive_sscc(
            s, warehouse_id=warehouse_id, sscc=sscc, actor=receiver, scan_id=scan_id
        )
    )


def test_a_transfer_from_pick_to_receipt_by_sscc(
    engine: Engine, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    build_demo(engine)
    site = Site(engine, capsys)
    (a, gtin_a), (b, gtin_b) = _two_items(site)
    before = {sku: _on_hand(site, sku, site.demo) for sku in (a, b)}

    # refused, creating nothing: the same warehouse, an unknown SKU, a bad file line
    assert "not back to DEMO" in site.cli(
        "transfer", "create", "--from", "DEMO", "--to", "DEMO", f"{a}=1", ok=False
    )
    assert "No item with SKU NOPE" in site.cli(
        "transfer", "create", "--from", "DEMO", "--to", "WH2", "NOPE=1", ok=False
    )
    bad = tmp_path / "lines.csv"
    bad.write_text(f"sku,quantity\n{a},3\n{b},two\n", encoding="utf-8")
    err = site.cli(
        "transfer", "create", "--from", "DEMO", "--to", "WH2", "--file", str(bad), ok=False
    )
    assert f"{bad}:3: column quantity: expected a whole number above zero" in err
    assert "No transfer" in site.cli("transfer", "list")

    good = tmp_path / "more.json"
    good.write_text(json.dumps([{"sku": b, "quantity": 2}]), encoding="utf-8")
    out = site.cli(
        "transfer",
        "create",
        "--from",
        "DEMO",
        "--to",
        "WH2",
        f"{a}=3",
        "--file",
        str(good),
        "--priority",
        "10",
    )
    assert out.startswith("TR000001: DEMO to WH2, 2 lines, 5 units")
    number = "TR000001"
    with session_scope(engine) as s:
        order = s.scalars(select(SalesOrder).where(SalesOrder.number == number)).one()
        assert (order.channel, order.warehouse_id) == ("transfer", site.demo)
        inbound = s.scalars(select(PurchaseOrder).where(PurchaseOrder.number == number)).one()
        assert (inbound.kind, inbound.warehouse_id) == ("transfer", site.wh2)

    # at the source: a wave, picking, packing into two cartons
    supervisor = site.actor("OP1006", "SUP01")
    wave = site.do(lambda s: build_wave(s, site.demo, WaveRules(min_priority=10), supervisor))
    site.do(lambda s: release_wave(s, wave.id, actor=supervisor, cart_size=1))
    _pick(site, number, "TOTE0001")
    ssccs = _pack_two_cartons(site, "TOTE0001", [[gtin_a] * 3, [gtin_b] * 2])
    with pytest.raises(Conflict, match="has not been shipped yet"):
        _receive(site, site.wh2, ssccs[0], "early")
    assert "not shipped yet" in site.cli("transfer", "list")

    # shipped: the stock leaves the source and is in transit
    shipper = site.actor("OP1010", "DOCK01")
    for n, sscc in enumerate(ssccs, start=1):
        site.do(
            lambda s, sscc=sscc, n=n: confirm_shipment(
                s,
                warehouse_id=site.demo,
                sscc=sscc,
                carrier="OWN",
                tracking_number=f"{number}-{n}",
                actor=shipper,
            )
        )
    assert {sku: _on_hand(site, sku, site.demo) for sku in (a, b)} == {
        a: before[a] - 3,
        b: before[b] - 2,
    }
    shown = site.cli("transfer", "show", number)
    assert "in transit (order at the source: shipped); 5 units in transit" in shown
    for sscc in ssccs:
        assert sscc in shown
    shown = json.loads(site.cli("transfer", "show", number, "--json"))
    assert {line["sku"]: line["in_transit"] for line in shown["lines"]} == {a: 3, b: 2}
    for warehouse in ("DEMO", "WH2"):
        stock = site.cli("stock", "--warehouse", warehouse)
        assert "In transit (shipped on transfers, not yet received):" in stock
        tail = stock.split("In transit (shipped on transfers, not yet received):")[1]
        assert [row.split() for row in tail.strip().splitlines()[1:]] == sorted(
            [[a, "3"], [b, "2"]]
        )

    # at the destination: each carton received by its SSCC
    with pytest.raises(Conflict, match="to warehouse WH2"):
        _receive(site, site.demo, ssccs[0], "wrong-warehouse")
    first = _receive(site, site.wh2, ssccs[0], "rcv-1")
    assert (first.source, first.purchase_order, first.units, first.lpn) == (
        "transfer",
        number,
        3,
        ssccs[0],
    )
    assert "2 units in transit" in site.cli("transfer", "show", number)
    with pytest.raises(Conflict, match="already received on"):
        _receive(site, site.wh2, ssccs[0], "rcv-again")
    second = _receive(site, site.wh2, ssccs[1], "rcv-2")
    assert second.receipt_id == first.receipt_id and second.units == 2
    receiver = site.actor("OP1002", "ST01")
    closed = site.do(lambda s: receipt_closing.close_receipt(s, first.receipt_id, actor=receiver))
    assert closed.discrepancies == []

    assert {sku: _on_hand(site, sku, site.wh2) for sku in (a, b)} == {a: 3, b: 2}
    assert "received (order at the source: shipped); 0 units in transit" in site.cli(
        "transfer", "show", number
    )
    assert "In transit" not in site.cli("stock", "--warehouse", "WH2")
    listed = site.cli("transfer", "list", "--status", "received")
    assert number in listed
    with session_scope(engine) as s:
        dock = s.scalar(select(Location.id).where(Location.code == "W2-DOCK"))
        assert sum(b.quantity for b in ledger.balances_at(s, dock)) == 5
        assert ledger.invariant_violations(s) == []
