"""POST /orders taken before FastAPI (floor/api/hot_orders.py): every request is answered
as FastAPI's own route answers it (the same app with the fast path off), on SQLite and
PostgreSQL, through the test client, plain ASGI messages and a real uvicorn server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from floor.api import intake
from floor.api.app import create_app
from floor.api.keys import RateLimiter
from floor.db import session_scope
from floor.models import AuditEntry, SalesOrder, SalesOrderLine
from tests.integration.api.conftest import make_key, served
from tests.support import SmallWarehouse

ORDER = {
    "number": "SO-HOT-1",
    "external_ref": "hot-1",
    "channel": "webshop",
    "ship_to": {"name": "Ana Anić", "city": "Beograd", "postcode": "11000", "country": "RS"},
    "lines": [{"sku": "PLAIN", "quantity": 2}],
}
JSON = "application/json"
# the headers an answer is compared by (uvicorn adds date and server to both)
TOLD = ("content-type", "content-length", "www-authenticate", "retry-after")


def _app(wh: SmallWarehouse, fast: bool, limiter: RateLimiter | None = None) -> Any:
    app = create_app(wh.engine, warehouse="TST", limiter=limiter or RateLimiter(1000.0, 1000))
    if not fast:
        app.hot_orders = None  # every POST /orders through FastAPI's stack and route
    return app


def _forget_orders(wh: SmallWarehouse) -> None:
    with session_scope(wh.engine) as s:
        s.query(AuditEntry).where(AuditEntry.action == "api.order").delete()
        s.query(SalesOrderLine).delete()
        s.query(SalesOrder).delete()


def _orders(wh: SmallWarehouse) -> int:
    with session_scope(wh.engine) as s:
        return int(s.scalar(select(func.count()).select_from(SalesOrder)) or 0)


class Counting:
    """Counts the requests that reach FastAPI's middleware stack."""

    def __init__(self, app: Any) -> None:
        self.app, self.calls = app, 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.calls += 1
        await self.app(scope, receive, send)


@pytest.fixture
def keyed(warehouse: SmallWarehouse) -> dict[str, str]:
    return {
        "write": make_key(warehouse, "write", "erp"),
        "read": make_key(warehouse, "read"),
        "wrong": "floor_wrong",
    }


def _requests(keyed: dict[str, str]) -> list[tuple[str, bytes, dict[str, str]]]:
    """(what, body, headers) of every kind of POST /orders, in the order sent."""

    def headers(key: str | None, content_type: str | None = JSON, **more: str) -> dict[str, str]:
        told = {"Content-Type": content_type} if content_type else {}
        if key:
            told["Authorization"] = f"Bearer {keyed[key]}"
        return {**told, **more}

    def order(**change: Any) -> bytes:
        return json.dumps({**ORDER, **change}).encode()

    return [
        ("created", order(), headers("write")),
        ("again", order(), headers("write")),
        ("X-API-Key", order(), headers(None, **{"X-API-Key": keyed["write"]})),
        ("bearer in capitals", order(), headers(None, Authorization=f"BEARER {keyed['write']}")),
        ("no key", order(), headers(None)),
        ("wrong key", order(), headers("wrong")),
        ("read key", order(), headers("read")),
        (
            "unknown SKU",
            order(number="SO-HOT-2", lines=[{"sku": "NOPE", "quantity": 1}]),
            headers("write"),
        ),
        ("no lines", order(number="SO-HOT-3", lines=[]), headers("write")),
        ("unknown warehouse", order(number="SO-HOT-4", warehouse="NOWHERE"), headers("write")),
        ("number taken", order(external_ref="hot-other"), headers("write")),
        ("bad JSON, no key", b'{"number": ', headers(None)),
        ("bad JSON", b'{"number": ', headers("write")),
        ("an array", b"[1, 2]", headers("write")),
        ("a string, read key", b'"text"', headers("read")),
        ("no body", b"", headers("write")),
        ("not UTF-8", b'{"number": "\xff"}', headers("write")),
        ("text/plain", order(number="SO-HOT-5"), headers("write", "text/plain")),
        ("no content type", order(number="SO-HOT-6"), headers("write", None)),
        (
            "charset",
            order(number="SO-HOT-7", external_ref="hot-7"),
            headers("write", f"{JSON}; charset=utf-8"),
        ),
        ("an empty object", b"{}", headers("write")),
        ("second", order(number="SO-HOT-8", external_ref="hot-8"), headers("write")),
    ]


def _told(answer: Any) -> tuple[int, Any, dict[str, str]]:
    body = answer.json() if answer.headers.get("content-type") == JSON else answer.text
    return answer.status_code, body, {h: answer.headers[h] for h in TOLD if h in answer.headers}


def _sent(wh: SmallWarehouse, app: Any, requests: list[Any]) -> dict[str, Any]:
    with TestClient(app) as client:
        return {
            what: _told(client.post("/api/v1/orders", content=body, headers=headers))
            for what, body, headers in requests
        }


def test_every_post_orders_is_answered_as_fastapis_route_answers_it(
    warehouse: SmallWarehouse, keyed: dict[str, str]
) -> None:
    requests = _requests(keyed)
    fast = _sent(warehouse, _app(warehouse, fast=True), requests)
    _forget_orders(warehouse)
    reference = _sent(warehouse, _app(warehouse, fast=False), requests)
    for what, _body, _headers in requests:
        assert fast[what] == reference[what], what
    codes = {what: told[0] for what, told in fast.items()}
    assert codes["created"] == codes["second"] == 201
    assert codes["again"] == codes["X-API-Key"] == codes["bearer in capitals"] == 200
    assert (codes["no key"], codes["wrong key"], codes["read key"]) == (401, 401, 403)
    assert fast["no key"][2]["www-authenticate"] == "Bearer"
    assert codes["unknown SKU"] == codes["no lines"] == codes["number taken"] == 422
    assert fast["unknown SKU"][1]["problems"][0]["field"] == "lines[0].sku"
    assert codes["unknown warehouse"] == 404
    assert fast["an array"][1]["detail"][0]["type"] == "dict_type"  # FastAPI's own
    assert fast["bad JSON"][1]["detail"][0]["type"] == "json_invalid"
    assert codes["text/plain"] == codes["no content type"] == 422
    assert codes["charset"] == 201
    assert _orders(warehouse) == 3


def test_a_json_object_sent_as_json_never_enters_fastapis_stack(
    warehouse: SmallWarehouse, keyed: dict[str, str]
) -> None:
    app = _app(warehouse, fast=True)
    auth = {"Authorization": f"Bearer {keyed['write']}"}
    with TestClient(app) as client:
        assert client.get("/api/v1/health").status_code == 200  # builds the stack
        app.middleware_stack = counting = Counting(app.middleware_stack)
        assert client.post("/api/v1/orders", json=ORDER, headers=auth).status_code == 201
        assert client.post("/api/v1/orders", json=ORDER).status_code == 401
        assert counting.calls == 0
        assert client.post("/api/v1/orders", json=[ORDER], headers=auth).status_code == 422
        assert client.post("/api/v1/orders/batch", json={"orders": []}, headers=auth).status_code
        assert client.get("/api/v1/orders/SO-HOT-1", headers=auth).status_code == 200
        assert counting.calls == 3


def test_a_key_over_its_rate_is_answered_429_as_fastapi_answers_it(
    warehouse: SmallWarehouse, keyed: dict[str, str]
) -> None:
    told = []
    for fast in (True, False):
        _forget_orders(warehouse)
        limiter = RateLimiter(0.5, 1, clock=lambda: 0.0)
        with TestClient(_app(warehouse, fast, limiter)) as client:
            auth = {"Authorization": f"Bearer {keyed['write']}"}
            told.append(
                [_told(client.post("/api/v1/orders", json=ORDER, headers=auth)) for _ in "12"]
            )
    assert told[0] == told[1]
    (created, refused) = told[0]
    assert created[0] == 201 and refused[0] == 429 and refused[2]["retry-after"] == "2"
    assert refused[1]["error"] == "rate_limited"


def test_an_unexpected_error_is_a_500_and_raised_as_fastapi_does(
    warehouse: SmallWarehouse, keyed: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any) -> Any:
        raise RuntimeError("the parser broke")

    monkeypatch.setattr(intake, "parse_order", broken)
    auth = {"Authorization": f"Bearer {keyed['write']}"}
    told = []
    for fast in (True, False):
        with TestClient(_app(warehouse, fast), raise_server_exceptions=False) as client:
            told.append(_told(client.post("/api/v1/orders", json=ORDER, headers=auth)))
        with TestClient(_app(warehouse, fast)) as client, pytest.raises(RuntimeError):
            client.post("/api/v1/orders", json=ORDER, headers=auth)  # raised: the server logs it
    assert told[0] == told[1]
    assert told[0][:2] == (500, "Internal Server Error")


def _asgi_post(app: Any, chunks: list[bytes], key: str) -> tuple[int, dict[str, str], bytes]:
    """POST /orders as uvicorn hands it over: the body in `chunks`, one message each."""
    headers = [(b"content-type", JSON.encode()), (b"authorization", f"Bearer {key}".encode())]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/v1/orders",
        "raw_path": b"/api/v1/orders",
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 1234),
        "server": ("127.0.0.1", 80),
    }
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
        for i, c in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)  # the client waits for the answer
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start, *bodies = sent
    told = {k.decode(): v.decode() for k, v in start["headers"]}
    return start["status"], told, b"".join(m.get("body", b"") for m in bodies)


@pytest.mark.parametrize("size", [3, 1000])
def test_a_body_sent_in_pieces_is_read_whole_or_replayed_to_fastapi(
    warehouse: SmallWarehouse, keyed: dict[str, str], size: int
) -> None:
    """A body in several messages: an order is read whole; a JSON array, an invalid body and
    a body over FastAPI's body limit reach FastAPI with every piece, for its own answers."""

    def pieces(body: bytes) -> list[bytes]:
        return [body[i : i + size] for i in range(0, len(body), size)]

    def both(body: bytes, limit: int | None = None) -> list[tuple[int, dict[str, str], bytes]]:
        told = []
        for fast in (True, False):
            _forget_orders(warehouse)
            app = _app(warehouse, fast)
            app.max_body_size = limit
            status, headers, content = _asgi_post(app, pieces(body), keyed["write"])
            told.append((status, {k: headers[k] for k in TOLD if k in headers}, content))
        assert told[0] == told[1]
        return told

    order = json.dumps(ORDER).encode()
    assert both(order)[0][0] == 201
    array = both(b"[" + order + b"]")[0]
    assert array[0] == 422 and b"dict_type" in array[2]
    assert both(order[:-1])[0][0] == 422
    assert both(order, limit=len(order) - 1)[0][0] == 413
    assert both(order, limit=len(order))[0][0] == 201


def test_a_real_server_answers_the_fast_path_on_one_connection(
    warehouse: SmallWarehouse,
    keyed: dict[str, str],
    capfd: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Keep-alive across answers of the fast path and of FastAPI, a body sent chunked, and
    an unexpected error: a 500 and the error in the server's log."""
    import http.client

    app = _app(warehouse, fast=True)
    with served(app) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        auth = {"Content-Type": JSON, "Authorization": f"Bearer {keyed['write']}"}

        def ask(body: bytes | Iterator[bytes], headers: dict[str, str] = auth) -> tuple:
            chunked = not isinstance(body, bytes)
            conn.request(
                "POST", "/api/v1/orders", body=body, headers=headers, encode_chunked=chunked
            )
            answer = conn.getresponse()
            content = answer.read()
            assert int(answer.headers["content-length"]) == len(content)
            return answer.status, content

        order = json.dumps(ORDER).encode()
        assert ask(order) == (201, b'{"number":"SO-HOT-1","created":true}')
        assert ask(order)[0] == 200
        assert ask(order, {"Content-Type": JSON})[0] == 401
        assert ask(b"[1]")[0] == 422  # FastAPI's
        pieces = (order[i : i + 7] for i in range(0, len(order), 7))
        assert ask(pieces) == (200, b'{"number":"SO-HOT-1","created":false}')
        with monkeypatch.context() as broken:
            broken.setattr(intake, "parse_order", lambda *_args: 1 / 0)
            assert ask(order) == (500, b"Internal Server Error")
        conn.close()  # uvicorn closes a connection whose app raised (as after FastAPI's 500)
        assert ask(order)[0] == 200
        logged = capfd.readouterr().err
        assert "Exception in ASGI application" in logged and "ZeroDivisionError" in logged
        conn.close()
