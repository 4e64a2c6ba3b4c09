"""The API's routes (FastAPI): authentication, rate limit, and one service call per request.

Every route but POST /orders is a plain function FastAPI runs in its thread pool, after the
key is checked on the event loop (a key found in the last few seconds is trusted without a
query, keys.KeyCache; else the key table is read in the thread pool) and a token taken from
the key's bucket; it calls one floor service in its own unit of work, as a screen does.
POST /orders, the hot route, is taken before FastAPI's stack (hot_orders.FloorApi),
parsed on the event loop and written by group commit (GroupWriter): orders sent at the same
time to one process share one transaction, each answered as if alone. Domain errors become
HTTP answers (hot_orders.error_answer): not found 404, bad input 422 (naming the field),
conflict 409; a refused import 422 with every problem.
"""

import asyncio
import contextlib
import dataclasses
import datetime as dt
import json
import math
import os
import threading
from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Body, Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, select

from floor import __version__
from floor.api import feeds, intake, intake_group, keys
from floor.api.hot_orders import (
    Answer,
    ApiError,
    FloorApi,
    HotOrders,
    accepted_answer,
    api_error_answer,
    floor_error_answer,
    rejected_answer,
)
from floor.api.keys import KeyCache, KeyInfo, Limiter, RateLimiter, SharedRateLimiter
from floor.db import read_only
from floor.errors import FloorError, NotFound
from floor.i18n import _
from floor.imports.problems import ImportRejected
from floor.models import SalesOrder
from floor.outbound.order_view import order_view
from floor.planning.levels import DEFAULT_SERVICE_LEVEL
from floor.planning.low_stock import low_stock_items
from floor.planning.suggestions import suggest
from floor.stock.stock_report import find_warehouse, stock_lines

PREFIX = "/api/v1"

ORDER_EXAMPLE = {
    "number": "SO-1001",
    "external_ref": "shop-1001",
    "channel": "webshop",
    "carrier": "UPS",
    "ship_to": {
        "name": "Ana Anić",
        "line1": "Kneza Miloša 1",
        "city": "Beograd",
        "postcode": "11000",
        "country": "RS",
    },
    "lines": [{"sku": "SKU-0001", "quantity": 2}],
}
PURCHASE_ORDER_EXAMPLE = {
    "number": "PO-5001",
    "supplier": "ACME",
    "expected_on": "2026-12-24",
    "lines": [{"sku": "SKU-0001", "quantity": 48, "lot": ""}],
}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def _object_body(description: str, example: dict[str, Any]) -> Any:
    return Body(
        description=description,
        openapi_examples={"example": {"value": example}},
    )


def _response(answer: Answer) -> JSONResponse:
    status, body, headers = answer
    return JSONResponse(body, status_code=status, headers=headers)


def _accepted(accepted: intake.Accepted) -> JSONResponse:
    return _response(accepted_answer(accepted))


T = TypeVar("T")
A = TypeVar("A")


class GroupWriter(Generic[T, A]):
    """Group commit for the requests of one process: what they hand to `write` at about the
    same time is written by one call, in one transaction, rather than one each.

    On the event loop, a request adds its item and awaits its answer. While no group is
    being written, the first item starts one, alone; items arriving meanwhile wait and go
    together in the next group (up to `most`), handed to `write` in the thread pool, which
    answers each item in order (an answer or the exception for that item alone). Under load
    the groups grow by themselves; one request alone waits for nobody.

    Clients that send their next order as soon as they are answered would otherwise split
    into two groups taking turns (1, 3, 1, 3: those answered come back while the others are
    being written). So a group started within `recent` seconds of the last one's answers
    waits up to `pause` seconds for as many items as were in flight then (the last group and
    those waiting behind it); a lone client, or a server idle for `recent`, never waits."""

    def __init__(
        self,
        write: Callable[[list[T]], list[A | Exception]],
        most: int = 64,
        pause: float = 0.001,
        recent: float = 0.005,
    ) -> None:
        self._write, self._most, self._pause, self._recent = write, most, pause, recent
        self._waiting: list[tuple[T, asyncio.Future[A | Exception]]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._writing = False
        self._task: asyncio.Task[None] | None = None  # held: the loop keeps weak references
        self._answered = -math.inf  # loop time the last group was answered
        self._in_flight = 0  # items of the last group and those waiting when it was answered
        self._enough: asyncio.Future[None] | None = None  # set when `_wanted` are waiting
        self._wanted = 0

    async def write(self, item: T) -> A | Exception:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (the test client starts one each time)
            self._loop, self._waiting, self._writing = loop, [], False
            self._answered, self._enough = -math.inf, None
        answer: asyncio.Future[A | Exception] = loop.create_future()
        self._waiting.append((item, answer))
        enough = self._enough
        if enough is not None and len(self._waiting) >= self._wanted and not enough.done():
            enough.set_result(None)
        if not self._writing:
            self._writing = True
            self._task = loop.create_task(self._drain())
        return await answer

    async def _gather(self, loop: asyncio.AbstractEventLoop) -> None:
        self._wanted = min(self._in_flight, self._most)
        if len(self._waiting) >= self._wanted or loop.time() - self._answered > self._recent:
            return
        self._enough = loop.create_future()
        try:
            await asyncio.wait((self._enough,), timeout=self._pause)
        finally:
            self._enough = None

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        group: list[tuple[T, asyncio.Future[A | Exception]]] = []
        try:
            while self._waiting:
                await self._gather(loop)
                group, self._waiting = self._waiting[: self._most], self._waiting[self._most :]
                try:
                    answers = await run_in_threadpool(self._write, [item for item, _ in group])
                except Exception as failed:  # `write` answers each; not expected
                    answers = [failed] * len(group)
                for (_item, future), answer in zip(group, answers, strict=True):
                    if not future.done():
                        future.set_result(answer)
                self._answered, self._in_flight = loop.time(), len(group) + len(self._waiting)
                group = []
        finally:
            self._writing = False
            for _item, future in group:  # cancelled (the server stopping)
                future.cancel()


def create_app(
    engine: Engine,
    *,
    warehouse: str,
    rate: float = 20.0,
    burst: int = 40,
    limiter: Limiter | None = None,
    key_cache_seconds: float = keys.KEY_CACHE_SECONDS,
) -> FastAPI:
    """The API over `engine`; `warehouse` is the code used when a request names none. A key
    found is trusted for `key_cache_seconds` without asking the database again (0: every
    request asks; see keys.KeyCache)."""
    app = FloorApi(
        title="floor API",
        version=__version__,
        description="Orders in, order status, stock, movements and shipments out, for an "
        "order system or ERP. Authenticate with `Authorization: Bearer <key>` "
        "(`floor api keys create`). See docs/api.md.",
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
    )
    bucket: Limiter = limiter or RateLimiter(rate, burst)
    known = KeyCache(key_cache_seconds)
    # SQLite lets one transaction write at a time, and a writer that finds the lock taken
    # polls for it with growing sleeps (its busy handler): eight clients at once left some
    # orders waiting 100 ms for a lock free most of that time. The API's own writers queue
    # on this lock instead; writers of other processes still meet the busy timeout.
    writing = threading.Lock() if engine.dialect.name == "sqlite" else contextlib.nullcontext()

    @app.exception_handler(ApiError)
    def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return _response(api_error_answer(exc))

    @app.exception_handler(ImportRejected)
    def _rejected(_request: Request, exc: ImportRejected) -> JSONResponse:
        return _response(rejected_answer(exc))

    @app.exception_handler(FloorError)
    def _floor_error(_request: Request, exc: FloorError) -> JSONResponse:
        return _response(floor_error_answer(exc))

    def _lookup(token: str) -> KeyInfo | None:
        with read_only(engine) as session:
            found = keys.authenticate(session, token)
        if found is not None:
            known.put(token, found)
        return found

    async def _key(request: Request, scope: str) -> KeyInfo:
        # The headers are read here rather than declared as parameters: FastAPI's
        # validation of two optional headers on every request cost more than the rest of
        # its routing (the schema names them: _security below).
        headers = request.headers
        token = headers.get("x-api-key") or ""
        authorization = headers.get("authorization")
        if authorization and authorization[:7].lower() == "bearer ":
            token = authorization[7:].strip()
        return await _key_of(token, scope)

    async def _key_of(token: str, scope: str) -> KeyInfo:
        # on the event loop: a key seen lately costs no thread and no query; else the
        # query runs in the thread pool
        found = None
        if token:
            found = known.get(token) or await run_in_threadpool(_lookup, token)
        if found is None:
            raise ApiError(
                401,
                {"error": "unauthorized", "message": "an API key: Authorization: Bearer <key>"},
                {"WWW-Authenticate": "Bearer"},
            )
        wait = bucket.take(found.id)
        if wait:
            raise ApiError(
                429,
                {"error": "rate_limited", "message": f"too many requests; retry in {wait:.1f} s"},
                {"Retry-After": str(max(1, math.ceil(wait)))},
            )
        if not found.allows(scope):
            raise ApiError(
                403, {"error": "forbidden", "message": "this key is read-only; a write key"}
            )
        return found

    async def reader(request: Request) -> KeyInfo:
        return await _key(request, keys.READ)

    async def writer(request: Request) -> KeyInfo:
        return await _key(request, keys.WRITE)

    Reader = Annotated[KeyInfo, Depends(reader)]
    Writer = Annotated[KeyInfo, Depends(writer)]

    def _warehouse_id(session: Any, code: str | None) -> int:
        return find_warehouse(session, code or warehouse)

    def _add_orders(group: list[intake.OrderIn]) -> list[intake.Accepted | Exception]:
        with writing:
            return intake_group.add_orders(engine, group)

    orders_in = GroupWriter(_add_orders)

    async def _take(body: Any, key: KeyInfo) -> intake.Accepted:
        answer = await orders_in.write(intake.parse_order(body, key, warehouse))
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def _write_key(token: str) -> KeyInfo:
        return await _key_of(token, keys.WRITE)

    # a JSON object sent as application/json is taken by FloorApi before FastAPI (see
    # hot_orders); any other body comes to the route below, for FastAPI's own answers
    app.hot_orders = HotOrders(f"{PREFIX}/orders", _write_key, _take)

    async def post_order(
        key: Writer,
        body: Annotated[
            dict[str, Any],
            _object_body(
                "One sales order, as a record of `floor import orders` JSON, plus `channel` "
                "(default api) and `warehouse`. Sent again (same channel and external_ref): "
                "200, unchanged.",
                ORDER_EXAMPLE,
            ),
        ],
    ) -> JSONResponse:
        return _accepted(await _take(body, key))

    app.router.add_api_route(
        f"{PREFIX}/orders", post_order, methods=["POST"], status_code=201, tags=["orders"]
    )

    @app.post(f"{PREFIX}/orders/batch", tags=["orders"])
    def post_orders(
        key: Writer,
        body: Annotated[
            dict[str, Any],
            _object_body(
                f"Up to {intake.MAX_BATCH} sales orders in one transaction, all or nothing: "
                "`{channel, warehouse, orders: [order, ...]}`, each order as in POST /orders "
                "(the batch's channel and warehouse apply to all). Problems are named "
                "`orders[i].field`. Orders already there are left as they are.",
                {"channel": "webshop", "orders": [ORDER_EXAMPLE]},
            ),
        ],
    ) -> dict[str, Any]:
        with writing:
            accepted = intake.post_orders(engine, body, key, warehouse)
        return {"created": accepted.created, "unchanged": accepted.unchanged}

    @app.get(f"{PREFIX}/orders/{{number}}", tags=["orders"])
    def get_order(number: str, key: Reader) -> dict[str, Any]:
        """Where the order is: lines ordered, picked, packed, shipped; totes; cartons with
        SSCCs and tracking numbers."""
        with read_only(engine) as session:
            return _plain(order_view(session, number))

    @app.get(f"{PREFIX}/orders", tags=["orders"])
    def find_order(
        key: Reader,
        channel: Annotated[str, Query()],
        external_ref: Annotated[str, Query()],
    ) -> dict[str, Any]:
        """The order a channel knows by its own reference."""
        with read_only(engine) as session:
            number = session.scalar(
                select(SalesOrder.number).where(
                    SalesOrder.channel == channel, SalesOrder.external_ref == external_ref
                )
            )
            if number is None:
                raise NotFound(
                    _("No {channel} order {ref}", channel=channel, ref=external_ref),
                    expected=_("a channel and its external reference"),
                )
            return _plain(order_view(session, number))

    @app.get(f"{PREFIX}/stock", tags=["stock"])
    def get_stock(
        key: Reader,
        sku: str | None = None,
        location: str | None = None,
        lot: str | None = None,
        warehouse: str | None = None,
    ) -> dict[str, Any]:
        """Stock on hand by location, item, lot, expiry and container."""
        with read_only(engine) as session:
            lines = stock_lines(
                session, _warehouse_id(session, warehouse), sku=sku, location=location, lot=lot
            )
            return {"lines": [{**_plain(line), "available": line.available} for line in lines]}

    @app.get(f"{PREFIX}/stock/low", tags=["stock"])
    def get_low_stock(key: Reader, warehouse: str | None = None) -> dict[str, Any]:
        """Items whose on-hand total is below their reorder point (typed on the item, or
        computed by purchasing)."""
        with read_only(engine) as session:
            found = low_stock_items(session, _warehouse_id(session, warehouse))
            return {"items": [item.to_json() for item in found]}

    def _feed(page: feeds.Page) -> JSONResponse:
        # the page is plain JSON already: dumped as it is, not walked again by FastAPI's
        # encoder (which took longer than reading the thousand rows)
        body = {"items": page.rows, "next_cursor": page.next_cursor, "more": page.more}
        return JSONResponse(body)

    @app.get(f"{PREFIX}/movements", tags=["feeds"], response_model=dict[str, Any])
    def get_movements(
        key: Reader,
        cursor: str = "",
        limit: Annotated[int, Query(ge=1, le=feeds.MAX_LIMIT)] = feeds.DEFAULT_LIMIT,
    ) -> JSONResponse:
        """Ledger movements after `cursor` (the next_cursor of the page before), oldest
        first; each one exactly once, whatever order transactions commit in."""
        with read_only(engine) as session:
            return _feed(feeds.movements_since(session, cursor, limit))

    @app.get(f"{PREFIX}/shipments", tags=["feeds"], response_model=dict[str, Any])
    def get_shipments(
        key: Reader,
        cursor: str = "",
        limit: Annotated[int, Query(ge=1, le=feeds.MAX_LIMIT)] = feeds.DEFAULT_LIMIT,
    ) -> JSONResponse:
        """Cartons shipped after `cursor`, oldest first (order, SSCC, tracking number)."""
        with read_only(engine) as session:
            return _feed(feeds.shipments_since(session, cursor, limit))

    @app.get(f"{PREFIX}/events", tags=["feeds"], response_model=dict[str, Any])
    def get_events(
        key: Reader,
        cursor: str = "",
        limit: Annotated[int, Query(ge=1, le=feeds.MAX_LIMIT)] = feeds.DEFAULT_LIMIT,
    ) -> JSONResponse:
        """Every webhook event after `cursor`: the same events the webhooks deliver, to pull
        instead (or to catch up)."""
        with read_only(engine) as session:
            return _feed(feeds.events_since(session, cursor, limit))

    @app.post(f"{PREFIX}/purchase-orders", status_code=201, tags=["purchasing"])
    def post_purchase_order(
        key: Writer,
        body: Annotated[
            dict[str, Any],
            _object_body(
                "One purchase order (or ASN, kind asn), as a record of `floor import "
                "purchase-orders` JSON. Sent again (same number): 200, unchanged.",
                PURCHASE_ORDER_EXAMPLE,
            ),
        ],
    ) -> JSONResponse:
        with writing:
            accepted = intake.post_purchase_order(engine, body, key, warehouse)
        return _accepted(accepted)

    @app.get(f"{PREFIX}/purchasing/suggestions", tags=["purchasing"])
    def get_suggestions(
        key: Reader,
        warehouse: str | None = None,
        supplier: str | None = None,
        service_level: Annotated[float, Query(gt=0.5, lt=1)] = DEFAULT_SERVICE_LEVEL,
        all_items: bool = False,
    ) -> dict[str, Any]:
        """Reorder suggestions from purchasing (`floor purchasing suggest`): per item, the
        forecast over the supplier's lead time, safety stock, position and what to order
        now; only items to order unless `all_items`."""
        with read_only(engine) as session:
            found = suggest(
                session,
                _warehouse_id(session, warehouse),
                supplier=supplier,
                service_level=service_level,
            )
            return {"suggestions": [s.to_json() for s in found if all_items or s.quantity > 0]}

    @app.get(f"{PREFIX}/health", tags=["meta"])
    def health() -> dict[str, str]:
        """No key needed: the API answers (load balancers)."""
        return {"status": "ok", "version": __version__}

    def _security() -> dict[str, Any]:
        """The schema, with how a key is sent (every route but health)."""
        if app.openapi_schema is None:
            schema = FastAPI.openapi(app)
            schema.setdefault("components", {})["securitySchemes"] = {
                "bearer": {"type": "http", "scheme": "bearer", "description": "floor_..."},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            }
            for path, operations in schema.get("paths", {}).items():
                if path != f"{PREFIX}/health":
                    for operation in operations.values():
                        operation["security"] = [{"bearer": []}, {"apiKey": []}]
        return app.openapi_schema  # type: ignore[return-value]

    app.openapi = _security  # type: ignore[method-assign]
    return app


# `floor api --workers N`: uvicorn starts N processes that each import the app by name, so
# the command leaves what they need in a file (the database URL: readable by its owner only)
# named by this environment variable, next to the rate limit's shared buckets.
WORKER_CONFIG_ENV = "FLOOR_API_WORKER_CONFIG"


def write_worker_config(
    directory: str,
    *,
    database_url: str,
    warehouse: str,
    rate: float,
    burst: int,
    key_cache_seconds: float,
) -> str:
    """The settings file of the worker processes in `directory`, with an empty table of
    rate-limit buckets beside it; its path (for WORKER_CONFIG_ENV)."""
    buckets = os.path.join(directory, "buckets")
    SharedRateLimiter.create(buckets)
    path = os.path.join(directory, "worker.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(
            {
                "database_url": database_url,
                "warehouse": warehouse,
                "rate": rate,
                "burst": burst,
                "key_cache_seconds": key_cache_seconds,
                "buckets": buckets,
            },
            out,
        )
    return path


def worker_app() -> FastAPI:
    """The app one worker process of `floor api --workers N` serves (uvicorn's factory):
    its own engine, the key cache of its own, the rate limit's buckets shared."""
    from floor.db import create_floor_engine

    with open(os.environ[WORKER_CONFIG_ENV]) as found:
        config = json.load(found)
    return create_app(
        create_floor_engine(config["database_url"]),
        warehouse=config["warehouse"],
        limiter=SharedRateLimiter(config["buckets"], config["rate"], config["burst"]),
        key_cache_seconds=config["key_cache_seconds"],
    )


__all__ = ["create_app", "worker_app", "write_worker_config"]
