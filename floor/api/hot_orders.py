"""POST /orders, the hot route, answered before FastAPI: an order system sending its orders
one a request is served by a plain ASGI path that reads the body, checks the key, hands the
order to the group writer and sends the answer itself; the errors of every route are
turned into their HTTP answers here, once, for FastAPI's handlers and for this path.

FastAPI's middleware stack, routing, request and response objects cost about as much CPU an
order as the route's own work (issue 17's profile), so `FloorApi` takes POST /orders with
a body sent as `application/json` before them. Anything else, and any body that is not a
JSON object, goes to FastAPI unchanged (the body replayed when it was read), so every such
request gets FastAPI's own answer and the OpenAPI schema still describes the route.
"""

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.types import Message, Receive, Scope, Send

from floor.api.intake import Accepted
from floor.api.keys import KeyInfo
from floor.errors import Conflict, FloorError, NotFound, PermissionDenied
from floor.imports.problems import ImportRejected

# An answer: status, JSON body, extra headers.
Answer = tuple[int, dict[str, Any], dict[str, str]]


class ApiError(Exception):
    """An answer of the API itself rather than of a service (no key, rate limited)."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(body.get("error", ""))
        self.status, self.body, self.headers = status, body, headers or {}


def accepted_answer(accepted: Accepted) -> Answer:
    """201 with the document's number when it was created, 200 when it was already there."""
    return (
        201 if accepted.created else 200,
        {"number": accepted.number, "created": accepted.created},
        {},
    )


def api_error_answer(exc: ApiError) -> Answer:
    return exc.status, exc.body, exc.headers


def rejected_answer(exc: ImportRejected) -> Answer:
    """422 with every problem the importer's checks found."""
    problems = [{"field": p.column, "expected": p.expected, "got": p.got} for p in exc.problems]
    body = {
        "error": "invalid",
        "message": "; ".join(str(p) for p in exc.problems),
        "problems": problems,
    }
    return 422, body, {}


def floor_error_answer(exc: FloorError) -> Answer:
    """Not found 404, conflict 409, not allowed 403, any other refusal 422."""
    status = 422
    if isinstance(exc, NotFound):
        status = 404
    elif isinstance(exc, Conflict):
        status = 409
    elif isinstance(exc, PermissionDenied):
        status = 403
    return status, {"error": type(exc).__name__, "message": str(exc), "expected": exc.expected}, {}


def error_answer(exc: Exception) -> Answer | None:
    """The answer FastAPI's exception handlers give `exc` (the most specific handler, as
    Starlette picks it); None for an unexpected exception."""
    if isinstance(exc, ApiError):
        return api_error_answer(exc)
    if isinstance(exc, ImportRejected):
        return rejected_answer(exc)
    if isinstance(exc, FloorError):
        return floor_error_answer(exc)
    return None


def json_bytes(body: dict[str, Any]) -> bytes:
    """`body` as Starlette's JSONResponse renders it."""
    return json.dumps(
        body, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    ).encode("utf-8")


async def _send(
    send: Send, status: int, body: bytes, content_type: bytes, extra: dict[str, str]
) -> None:
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in extra.items()]
    headers += [(b"content-length", str(len(body)).encode()), (b"content-type", content_type)]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _replay(read: list[Message], receive: Receive) -> Receive:
    """`receive` giving the messages already read first, for FastAPI to read the body."""

    async def again() -> Message:
        if read:
            return read.pop(0)
        return await receive()

    return again


@dataclass(frozen=True)
class HotOrders:
    """What the fast path needs from the app: its path, the key check of a write key from
    the token sent (raising ApiError), and the order's parse and write (raising a floor
    error, as the route does)."""

    path: str
    write_key: Callable[[str], Awaitable[KeyInfo]]
    take: Callable[[dict[str, Any], KeyInfo], Awaitable[Accepted]]

    async def __call__(self, scope: Scope, receive: Receive, send: Send, app: FastAPI) -> None:
        content_type = api_key = authorization = None
        for name, value in scope["headers"]:  # the first of each, as Starlette's Headers.get
            if name == b"content-type":
                content_type = value if content_type is None else content_type
            elif name == b"x-api-key":
                api_key = value if api_key is None else api_key
            elif name == b"authorization":
                authorization = value if authorization is None else authorization
        if content_type != b"application/json":
            return await _fastapi(app, scope, receive, send)
        limit = app.max_body_size
        read: list[Message] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return None
            read.append(message)
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
            if limit is not None and size > limit:  # FastAPI's 413
                return await _fastapi(app, scope, _replay(read, receive), send)
        raw = read[0].get("body", b"") if len(read) == 1 else b"".join(m["body"] for m in read)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:  # FastAPI's json_invalid
            body = None
        if not isinstance(body, dict):
            return await _fastapi(app, scope, _replay(read, receive), send)
        token = (api_key or b"").decode("latin-1")
        if authorization and authorization[:7].lower() == b"bearer ":
            token = authorization[7:].decode("latin-1").strip()
        try:
            answer = accepted_answer(await self.take(body, await self.write_key(token)))
        except Exception as exc:
            found = error_answer(exc)
            if found is None:  # as Starlette's ServerErrorMiddleware: a 500, and raised
                await _send(send, 500, b"Internal Server Error", b"text/plain; charset=utf-8", {})
                raise
            answer = found
        status, content, headers = answer
        await _send(send, status, json_bytes(content), b"application/json", headers)
        return None


async def _fastapi(app: FastAPI, scope: Scope, receive: Receive, send: Send) -> None:
    await FastAPI.__call__(app, scope, receive, send)


class FloorApi(FastAPI):
    """FastAPI, with POST /orders (`hot_orders`, set by create_app) taken before its
    middleware stack."""

    hot_orders: HotOrders | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        hot = self.hot_orders
        if (
            hot is not None
            and scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] == hot.path
            and not scope.get("root_path")
        ):
            await hot(scope, receive, send, self)
        else:
            await super().__call__(scope, receive, send)
