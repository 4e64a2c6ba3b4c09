"""Webhooks: events written to the outbox in the change's own transaction (rolled back with
it), delivered to a real local receiver that fails and then takes them, signed verifiably,
never dropped while the receiver is down; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import socket
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from floor import outbox
from floor.api import delivery, feeds
from floor.api.app import create_app
from floor.db import read_only, session_scope, transaction
from floor.models import (
    ApiEvent,
    ComputedReorderPoint,
    Item,
    PackedCarton,
    WebhookDelivery,
    WebhookSubscription,
)
from floor.outbound import short_picks
from floor.stock import ledger
from floor.stock.ledger import Change
from tests.integration.api.conftest import TestClient, make_key
from tests.integration.outbound import test_picking as picking_support
from tests.ship_support import packed_order, prepare_packing, ship
from tests.support import SmallWarehouse, add_stock


class Receiver:
    """A local HTTP receiver: answers each POST with the next of `answers` (then 200)."""

    def __init__(self, answers: list[int]) -> None:
        self.answers = answers
        self.got: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.got.append((dict(self.headers), body))
                status = outer.answers.pop(0) if outer.answers else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver([500])
    yield r
    r.close()


def _subscribe(wh: SmallWarehouse, url: str, *events: str) -> str:
    _sub, secret = transaction(
        wh.engine, lambda s: delivery.add_subscription(s, url, list(events or outbox.EVENTS))
    )
    return secret


def _events(wh: SmallWarehouse, kind: str | None = None) -> list[ApiEvent]:
    with session_scope(wh.engine) as s:
        query = select(ApiEvent).order_by(ApiEvent.id)
        if kind:
            query = query.where(ApiEvent.kind == kind)
        return list(s.scalars(query))


def test_a_shipment_is_told_in_its_transaction_and_not_when_rolled_back(
    warehouse: SmallWarehouse,
) -> None:
    wh = warehouse
    prepare_packing(wh)
    _subscribe(wh, "http://127.0.0.1:9/hook", outbox.SHIPMENT_CONFIRMED)
    (first,) = packed_order(wh, "SO1", [("PLAIN", 2)], "TOTE01")

    class Boom(Exception):
        pass

    from floor.outbound.shipping import confirm_shipment
    from floor.stock.ledger import Actor

    with pytest.raises(Boom), session_scope(wh.engine) as s:
        confirm_shipment(
            s,
            warehouse_id=wh.warehouse_id,
            sscc=first,
            carrier="UPS",
            tracking_number="1Z999AA10123456784",
            actor=Actor(wh.operators["shipper"], "ST01"),
        )
        assert len(s.scalars(select(ApiEvent)).all()) == 1  # written with the shipment
        raise Boom
    assert _events(wh) == []
    with session_scope(wh.engine) as s:
        assert s.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
        assert s.scalar(select(PackedCarton.status)) == "closed"

    ship(wh, first, "1Z999AA10123456784")
    (event,) = _events(wh, outbox.SHIPMENT_CONFIRMED)
    assert event.subject == "SO1"
    data = event.payload
    assert (data["sscc"], data["tracking_number"], data["carrier"]) == (
        first,
        "1Z999AA10123456784",
        "UPS",
    )
    assert data["contents"] == [{"sku": "PLAIN", "lot": "", "quantity": 2}]
    with session_scope(wh.engine) as s:
        assert s.scalar(select(func.count()).select_from(WebhookDelivery)) == 1
    with read_only(wh.engine) as s:
        page = feeds.shipments_since(s, "")
    assert [(r["order"], r["sscc"]) for r in page.rows] == [("SO1", first)]
    # through the API: the order's status with its carton and tracking number, the feed
    key = make_key(wh, "read")
    with TestClient(create_app(wh.engine, warehouse="TST")) as client:
        headers = {"Authorization": f"Bearer {key}"}
        view = client.get("/api/v1/orders/SO1", headers=headers).json()
        assert view["status"] == "shipped"
        assert [(c["sscc"], c["tracking_number"], c["carrier"]) for c in view["cartons"]] == [
            (first, "1Z999AA10123456784", "UPS")
        ]
        shipped = client.get("/api/v1/shipments", headers=headers).json()
        assert [r["tracking_number"] for r in shipped["items"]] == ["1Z999AA10123456784"]
        again = client.get(
            "/api/v1/shipments", headers=headers, params={"cursor": shipped["next_cursor"]}
        )
        assert again.json()["items"] == []


def test_stock_falling_below_its_reorder_point_is_told_once(warehouse: SmallWarehouse) -> None:
    wh = warehouse  # every test item's reorder point is 10
    add_stock(wh, "A01-01-1", "PLAIN", 12)
    add_stock(wh, "A01-02-1", "PLAIN", 3)
    key = wh.key("A01-01-1", "PLAIN")
    with session_scope(wh.engine) as s:  # a move inside the warehouse: the total stays 15
        ledger.move(s, key, 5, wh.locations["A02-01-1"])
    assert _events(wh) == []
    with session_scope(wh.engine) as s:  # 15 -> 10: at the point, not below
        ledger.post(s, "adjust", [Change(key, -5)], reason="damaged")
    assert _events(wh) == []
    with session_scope(wh.engine) as s:  # 10 -> 8
        ledger.post(s, "adjust", [Change(key, -2)], reason="damaged")
    (event,) = _events(wh, outbox.STOCK_LOW)
    assert event.payload == {"warehouse": "TST", "sku": "PLAIN", "on_hand": 8, "reorder_point": 10}
    with session_scope(wh.engine) as s:  # already below: not told again
        ledger.post(s, "adjust", [Change(wh.key("A01-02-1", "PLAIN"), -1)], reason="damaged")
    assert len(_events(wh, outbox.STOCK_LOW)) == 1


def test_a_reorder_point_planning_computed_is_told_too(warehouse: SmallWarehouse) -> None:
    """An item with no point typed in falls through the one purchasing computed for the
    warehouse (`floor purchasing reorder-points`)."""
    wh = warehouse
    with session_scope(wh.engine) as s:
        item = s.get(Item, wh.items["PLAIN"])
        assert item is not None
        item.reorder_point = None
        s.add(ComputedReorderPoint(warehouse_id=wh.warehouse_id, item_id=item.id, reorder_point=6))
    add_stock(wh, "A01-01-1", "PLAIN", 7)
    with session_scope(wh.engine) as s:  # 7 -> 5: below the computed 6
        ledger.post(s, "adjust", [Change(wh.key("A01-01-1", "PLAIN"), -2)], reason="damaged")
    (event,) = _events(wh, outbox.STOCK_LOW)
    assert event.payload == {"warehouse": "TST", "sku": "PLAIN", "on_hand": 5, "reorder_point": 6}


def test_a_short_pick_is_told_as_an_order_exception(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    picking_support._setup(wh)
    me = picking_support._picker(wh)
    from floor.outbound import carts, picking

    picking_support._do(
        wh, lambda s: carts.start_cart(s, me, wh.warehouse_id, "CART01", ["TOTE01", "TOTE02"])
    )
    view = picking_support._walk_to(wh, me, "PLAIN")
    picking_support._do(
        wh, lambda s: picking.confirm_location(s, me, view.task_id, code="A01-01-1")
    )
    picking_support._do(wh, lambda s: short_picks.short_pick(s, me, view.task_id, 0))
    (event,) = _events(wh, outbox.ORDER_EXCEPTION)
    data = event.payload
    assert (data["exception"], data["code"], data["sku"], data["location"]) == (
        "short_pick",
        "BIDF",
        "PLAIN",
        "A01-01-1",
    )
    assert data["missing"] == view.quantity and event.subject == data["order"] != ""


def _emit(wh: SmallWarehouse, n: int = 1) -> None:
    with session_scope(wh.engine) as s:
        for i in range(n):
            outbox.emit(s, outbox.STOCK_LOW, f"SKU{i}", {"sku": f"SKU{i}"})


def test_a_delivery_refused_is_retried_with_backoff_until_taken(
    warehouse: SmallWarehouse, receiver: Receiver
) -> None:
    wh = warehouse
    secret = _subscribe(wh, receiver.url, outbox.STOCK_LOW)
    _subscribe(wh, receiver.url, outbox.SHIPMENT_CONFIRMED)  # not this event
    _emit(wh)
    now = dt.datetime.now(dt.UTC)
    first = delivery.deliver_due(wh.engine, now=now)
    assert (first.delivered, first.failed) == (0, 1)  # the receiver answered 500
    assert delivery.deliver_due(wh.engine, now=now + dt.timedelta(seconds=5)).failed == 0
    with session_scope(wh.engine) as s:
        row = s.scalars(select(WebhookDelivery)).one()
        assert (row.attempts, row.last_error, row.delivered_at) == (1, "HTTP 500", None)
    later = delivery.deliver_due(wh.engine, now=now + dt.timedelta(seconds=11))
    assert (later.delivered, later.failed) == (1, 0)
    assert delivery.deliver_due(wh.engine, now=now + dt.timedelta(hours=2)).delivered == 0
    assert len(receiver.got) == 2
    headers, body = receiver.got[-1]
    assert delivery.verify(secret, headers[delivery.SIGNATURE_HEADER], body)
    assert not delivery.verify("another secret", headers[delivery.SIGNATURE_HEADER], body)
    assert not delivery.verify(secret, headers[delivery.SIGNATURE_HEADER], body + b" ")
    document = json.loads(body)
    assert document["type"] == "stock.low" and document["data"] == {"sku": "SKU0"}
    assert headers["Floor-Event-Id"] == str(document["id"])


def test_nothing_is_lost_while_the_receiver_is_down(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _subscribe(wh, f"http://127.0.0.1:{port}/hook", outbox.STOCK_LOW)
    _emit(wh, 3)
    now = dt.datetime.now(dt.UTC)
    for attempt in range(1, 4):
        report = delivery.deliver_due(wh.engine, now=now)
        assert (report.delivered, report.failed) == (0, 3)
        now += dt.timedelta(seconds=delivery.backoff(attempt) + 1)
    with session_scope(wh.engine) as s:
        rows = s.scalars(select(WebhookDelivery)).all()
        assert {(r.attempts, r.delivered_at) for r in rows} == {(3, None)}
    up = Receiver([])
    try:
        with session_scope(wh.engine) as s:
            for sub in s.scalars(select(WebhookSubscription)):
                sub.url = up.url  # the receiver is back (at another port here)
        report = delivery.deliver_due(wh.engine, now=now)
        assert (report.delivered, report.failed) == (3, 0)
        ids = sorted(json.loads(body)["id"] for _h, body in up.got)
        assert ids == [e.id for e in _events(wh)]
    finally:
        up.close()
    assert [s.pending for s in transaction(wh.engine, delivery.list_subscriptions)] == [0]


def test_a_redirect_is_not_a_delivery(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    moved = Receiver([302])
    try:
        _subscribe(wh, moved.url, outbox.STOCK_LOW)
        _emit(wh)
        now = dt.datetime.now(dt.UTC)
        assert delivery.deliver_due(wh.engine, now=now).failed == 1
        with session_scope(wh.engine) as s:
            assert s.scalars(select(WebhookDelivery.last_error)).one() == "HTTP 302"
        assert delivery.deliver_due(wh.engine, now=now + dt.timedelta(seconds=11)).delivered == 1
        assert len(moved.got) == 2  # the same POST again, never a GET elsewhere
    finally:
        moved.close()
