"""The HTTP API through FastAPI's test client, on SQLite and PostgreSQL: keys and scopes,
orders in (idempotent, the importers' checks), order status, stock, the movement feed,
purchase orders in, the rate limit, the OpenAPI schema."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from floor.api import keys
from floor.api.app import create_app
from floor.api.keys import RateLimiter
from floor.db import session_scope, transaction
from floor.models import AuditEntry, Item, PurchaseOrder, SalesOrder, SalesOrderLine
from floor.stock import ledger
from tests.integration.api.conftest import Api, make_key, served
from tests.support import SmallWarehouse, add_stock

ORDER = {
    "number": "SO-API-1",
    "external_ref": "shop-1",
    "channel": "webshop",
    "carrier": "UPS",
    "ship_to": {"name": "Ana Anić", "city": "Beograd", "postcode": "11000", "country": "RS"},
    "lines": [{"sku": "PLAIN", "quantity": 2}, {"sku": "LOT", "quantity": 1}],
}


def _orders(wh: SmallWarehouse) -> int:
    with session_scope(wh.engine) as s:
        return int(s.scalar(select(func.count()).select_from(SalesOrder)) or 0)


def test_a_key_is_required_and_a_wrong_or_revoked_one_refused(api: Api) -> None:
    assert api.client.get("/api/v1/stock").status_code == 401
    answer = api.client.get("/api/v1/stock", headers={"Authorization": "Bearer floor_nope"})
    assert answer.status_code == 401 and answer.headers["WWW-Authenticate"] == "Bearer"
    assert api.get("/stock").status_code == 200
    assert api.client.get("/api/v1/stock", headers={"X-API-Key": api.read_key}).status_code == 200
    prefix = api.read_key[:12]
    transaction(api.wh.engine, lambda s: keys.revoke_key(s, prefix))
    assert api.get("/stock", key=api.read_key).status_code == 401
    assert api.client.get("/api/v1/health").status_code == 200  # no key needed


def test_a_read_key_cannot_write(api: Api) -> None:
    answer = api.post("/orders", ORDER, key=api.read_key)
    assert answer.status_code == 403
    assert api.post("/purchase-orders", {}, key=api.read_key).status_code == 403
    assert _orders(api.wh) == 0


def test_an_order_posted_twice_is_added_once_and_audited_with_its_key(api: Api) -> None:
    first = api.post("/orders", ORDER)
    assert first.status_code == 201 and first.json() == {"number": "SO-API-1", "created": True}
    again = api.post("/orders", {**ORDER, "number": "SO-API-1"})
    assert again.status_code == 200 and again.json() == {"number": "SO-API-1", "created": False}
    assert _orders(api.wh) == 1
    with session_scope(api.wh.engine) as s:
        order = s.scalars(select(SalesOrder)).one()
        assert (order.channel, order.external_ref, order.carrier) == ("webshop", "shop-1", "UPS")
        assert order.ship_to is not None and order.ship_to.city == "Beograd"
        lines = s.scalars(select(SalesOrderLine.quantity_ordered).order_by(SalesOrderLine.line_no))
        assert lines.all() == [2, 1]
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "api.order")).all()
        assert len(entries) == 1
        assert entries[0].subject == "SO-API-1" and entries[0].details["key_name"] == "erp"
        assert entries[0].station == f"api:{api.write_key[:12]}"
    status = api.get("/orders/SO-API-1", key=api.read_key).json()
    assert status["status"] == "open" and [line["ordered"] for line in status["lines"]] == [2, 1]
    found = api.get("/orders", channel="webshop", external_ref="shop-1").json()
    assert found["number"] == "SO-API-1"
    assert api.get("/orders/NOPE").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": [{"sku": "NOPE", "quantity": 1}]}, "lines[0].sku"),
        ({"lines": [{"sku": "PLAIN", "quantity": 0}]}, "lines[0].quantity"),
        ({"lines": []}, "lines"),
        ({"number": ""}, "number"),
        ({"ship_by": "next week"}, "ship_by"),
        ({"channel": 7}, "channel"),
    ],
)
def test_a_bad_order_is_refused_naming_the_field_and_nothing_is_written(
    api: Api, change: dict, field: str
) -> None:
    answer = api.post("/orders", {**ORDER, **change})
    assert answer.status_code == 422, answer.text
    assert field in [p["field"] for p in answer.json()["problems"]]
    assert _orders(api.wh) == 0


def test_stock_by_item_location_and_lot(api: Api) -> None:
    import datetime as dt

    add_stock(api.wh, "A01-01-1", "PLAIN", 7)
    add_stock(api.wh, "A02-02-1", "LOT", 5, lot="L1", expiry=dt.date(2030, 1, 1))
    add_stock(api.wh, "A02-03-1", "LOT", 3, lot="L2", expiry=dt.date(2030, 2, 1))
    every = api.get("/stock", key=api.read_key).json()["lines"]
    assert {(x["location"], x["sku"], x["lot"], x["quantity"]) for x in every} == {
        ("A01-01-1", "PLAIN", "", 7),
        ("A02-02-1", "LOT", "L1", 5),
        ("A02-03-1", "LOT", "L2", 3),
    }
    assert [x["quantity"] for x in api.get("/stock", sku="LOT", lot="L2").json()["lines"]] == [3]
    at = api.get("/stock", location="A01-01-1").json()["lines"]
    assert [(x["sku"], x["available"]) for x in at] == [("PLAIN", 7)]
    assert api.get("/stock", warehouse="NOPE").status_code == 404
    low = api.get("/stock/low").json()["items"]  # every test item's reorder point is 10
    assert {(x["sku"], x["on_hand"]) for x in low} >= {("PLAIN", 7), ("LOT", 8)}


def test_movements_paged_by_cursor_each_once(api: Api) -> None:
    for n in range(5):
        add_stock(api.wh, "A01-01-1", "PLAIN", n + 1)
    with session_scope(api.wh.engine) as s:
        ledger.move(s, api.wh.key("A01-01-1", "PLAIN"), 2, api.wh.locations["A01-02-1"])
    seen: list[int] = []
    cursor = ""
    for _ in range(10):
        page = api.get("/movements", key=api.read_key, cursor=cursor, limit=2).json()
        seen += [row["id"] for row in page["items"]]
        cursor = page["next_cursor"]
        if not page["more"]:
            break
    assert len(seen) == 7 and len(set(seen)) == 7 and seen == sorted(seen)
    assert api.get("/movements", cursor=cursor).json()["items"] == []  # nothing new
    add_stock(api.wh, "A01-01-1", "PLAIN", 1)
    newer = api.get("/movements", cursor=cursor).json()["items"]
    assert [(m["kind"], m["sku"], m["quantity_delta"]) for m in newer] == [("receive", "PLAIN", 1)]
    last = api.get("/movements", cursor=cursor).json()
    assert last["next_cursor"] == newer[0]["cursor"]
    assert api.get("/movements", cursor="yesterday").status_code == 422
    assert api.get("/movements", limit=0).status_code == 422


def test_purchase_orders_in_once_with_the_importers_checks(api: Api) -> None:
    body = {"number": "PO-1", "supplier": "ACME", "lines": [{"sku": "PLAIN", "quantity": 48}]}
    assert api.post("/purchase-orders", body).status_code == 201
    assert api.post("/purchase-orders", body).json() == {"number": "PO-1", "created": False}
    bad = api.post("/purchase-orders", {**body, "number": "PO-2", "kind": "gift"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "kind"
    with session_scope(api.wh.engine) as s:
        assert s.scalars(select(PurchaseOrder.number)).all() == ["PO-1"]
        assert s.scalar(select(func.count()).where(AuditEntry.action == "api.purchase_order")) == 1


def test_suggestions_and_low_stock_come_from_purchasing(api: Api) -> None:
    with session_scope(api.wh.engine) as s:
        item = s.scalars(select(Item).where(Item.sku == "PLAIN")).one()
        item.reorder_point = 1_000  # far above what is on hand
    answer = api.get("/purchasing/suggestions")
    assert answer.status_code == 200, answer.text
    (plain,) = [s for s in answer.json()["suggestions"] if s["sku"] == "PLAIN"]
    assert plain["reorder_point"] == 1_000 and plain["quantity"] > 0
    assert plain["position"] == plain["on_hand"] - plain["reserved"] + plain["on_order"]
    low = api.get("/stock/low").json()["items"]
    assert ("PLAIN", 1_000, "typed") in [
        (i["sku"], i["reorder_point"], i["reorder_point_source"]) for i in low
    ]


def test_the_openapi_schema_is_served(api: Api) -> None:
    schema = api.client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/orders", "/api/v1/movements", "/api/v1/shipments"} <= set(schema["paths"])
    # how a key is sent: a bearer token or X-API-Key, on every route but health
    assert set(schema["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    assert schema["paths"]["/api/v1/orders"]["post"]["security"] == [{"bearer": []}, {"apiKey": []}]
    assert "security" not in schema["paths"]["/api/v1/health"]["get"]


def test_a_key_over_its_rate_gets_429_with_retry_after(warehouse: SmallWarehouse) -> None:
    now = [0.0]
    limiter = RateLimiter(0.5, 2, clock=lambda: now[0])
    key = make_key(warehouse, "read")
    other = make_key(warehouse, "read")
    with TestClient(create_app(warehouse.engine, warehouse="TST", limiter=limiter)) as client:
        ask = lambda k: client.get("/api/v1/stock", headers={"Authorization": f"Bearer {k}"})  # noqa: E731
        assert [ask(key).status_code for _ in range(2)] == [200, 200]
        refused = ask(key)
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "2"
        assert ask(other).status_code == 200  # a bucket per key
        now[0] = 2.0
        assert ask(key).status_code == 200


def test_a_real_server_on_localhost_takes_an_order_and_tells_its_status(
    warehouse: SmallWarehouse,
) -> None:
    import http.client
    import json

    key = make_key(warehouse, "write")
    app = create_app(warehouse.engine, warehouse="TST")
    with served(app) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

        def ask(method: str, path: str, body: object = None, auth: bool = True) -> tuple:
            headers = {"Content-Type": "application/json"}
            if auth:
                headers["Authorization"] = f"Bearer {key}"
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, f"/api/v1{path}", body=data, headers=headers)
            answer = conn.getresponse()
            return answer.status, json.loads(answer.read() or b"null")

        assert ask("POST", "/orders", ORDER, auth=False)[0] == 401
        assert ask("POST", "/orders", ORDER) == (201, {"number": "SO-API-1", "created": True})
        status, view = ask("GET", "/orders/SO-API-1")
        assert status == 200 and view["channel"] == "webshop" and view["cartons"] == []
        conn.close()


def test_a_batch_of_orders_is_all_or_nothing_and_idempotent(api: Api) -> None:
    def order(n: int, **change: object) -> dict:
        return {"number": f"B{n}", "external_ref": f"b-{n}", **ORDER_LINES, **change}

    bad = api.post(
        "/orders/batch",
        {"channel": "erp", "orders": [order(1), order(2, lines=[{"sku": "NOPE", "quantity": 1}])]},
    )
    assert bad.status_code == 422
    assert [p["field"] for p in bad.json()["problems"]] == ["orders[1].lines[0].sku"]
    twice = api.post("/orders/batch", {"orders": [order(1), order(2, external_ref="b-1")]})
    assert [p["field"] for p in twice.json()["problems"]] == ["orders[1].external_ref"]
    assert api.post("/orders/batch", {"orders": []}).status_code == 422
    assert _orders(api.wh) == 0
    batch = {"channel": "erp", "orders": [order(1), order(2)]}
    first = api.post("/orders/batch", batch)
    assert first.status_code == 200 and first.json() == {"created": ["B1", "B2"], "unchanged": []}
    again = api.post("/orders/batch", {"channel": "erp", "orders": [order(2), order(3)]})
    assert again.json() == {"created": ["B3"], "unchanged": ["B2"]}
    assert _orders(api.wh) == 3
    with session_scope(api.wh.engine) as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "api.order")) == 3


ORDER_LINES = {"lines": [{"sku": "PLAIN", "quantity": 1}]}


def test_orders_sent_at_once_by_several_clients_are_all_taken_each_once(api: Api) -> None:
    """Eight clients at once (the API's writers queue on SQLite; on PostgreSQL the same order
    sent by all eight is created once, the others told it was there, whichever statement of
    the importer's checks sees it committed)."""
    import threading

    answers: list[tuple[str, int]] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        mine = []
        for i in range(3):
            body = {**ORDER, "number": f"SO-AT-{n}-{i}", "external_ref": f"at-{n}-{i}"}
            mine.append((body["number"], api.post("/orders", body).status_code))
        same = {**ORDER, "number": "SO-AT-SAME", "external_ref": "at-same"}
        mine.append(("same", api.post("/orders", same).status_code))
        with lock:
            answers.extend(mine)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(code for number, code in answers if number != "same") == [201] * 24
    assert sorted(code for number, code in answers if number == "same") == [200] * 7 + [201]
    assert _orders(api.wh) == 25
    with session_scope(api.wh.engine) as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "api.order")) == 25


def _stored(wh: SmallWarehouse, number: str) -> tuple[dict, dict | None, list[dict]]:
    """The order `number` as stored: its columns, its address's, its lines' (ids and what
    names it left out)."""
    from floor.models import Address

    def plain(row: object, *leave: str) -> dict:
        columns = row.__table__.columns  # type: ignore[attr-defined]
        return {c.name: getattr(row, c.key) for c in columns if c.name not in {"id", *leave}}

    with session_scope(wh.engine) as s:
        order = s.scalars(select(SalesOrder).where(SalesOrder.number == number)).one()
        address = s.get(Address, order.ship_to_id) if order.ship_to_id else None
        lines = [plain(line, "order_id") for line in order.lines]
        leave = ("number", "external_ref", "ship_to_id", "created_at")
        return plain(order, *leave), plain(address) if address else None, lines


@pytest.mark.parametrize("ship_to", [True, False])
def test_an_order_posted_is_stored_as_the_importer_stores_it(api: Api, ship_to: bool) -> None:
    """The API writes one order on its own path (floor.api.intake._add_order); what it stores
    is what `floor import orders` stores for the same record, and it refuses what the
    importer refuses with the same problems."""
    from floor.api.intake import BodySource
    from floor.imports import orders
    from floor.imports.problems import Problems

    body = {
        **ORDER,
        "service": "Express",
        "priority": 2,
        "ship_by": "2026-12-24",
        "notes": "gate 3",
        "lines": [
            {"sku": "PLAIN", "quantity": 2},
            {"sku": "LOT", "quantity": 1},
            {"sku": "PLAIN", "quantity": 4},
        ],
    }
    if not ship_to:
        del body["ship_to"]
    assert api.post("/orders", body).status_code == 201
    imported = {**body, "number": "SO-IMP-1", "external_ref": "imp-1"}
    del imported["channel"]
    parsed = orders.parse_json(BodySource(imported))

    def work(s):  # type: ignore[no-untyped-def]
        from floor.stock.stock_report import find_warehouse

        found = Problems()
        orders.apply(s, "f", find_warehouse(s, "TST"), "webshop", parsed.records, found)
        assert not found

    transaction(api.wh.engine, work)
    assert _stored(api.wh, "SO-API-1") == _stored(api.wh, "SO-IMP-1")
    # the same number under another reference: the importer's problem, nothing written
    clash = api.post("/orders", {**body, "external_ref": "shop-2"})
    assert clash.status_code == 422
    assert "it is webshop order shop-1" in clash.json()["problems"][0]["expected"]
    unknown = api.post(
        "/orders",
        {
            **body,
            "number": "SO-API-3",
            "external_ref": "shop-3",
            "lines": [{"sku": "PLAIN", "quantity": 1}, {"sku": "NOPE", "quantity": 1}],
        },
    )
    assert unknown.status_code == 422
    assert [p["field"] for p in unknown.json()["problems"]] == ["lines[1].sku"]
    assert _orders(api.wh) == 2
