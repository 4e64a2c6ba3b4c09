"""API test set-up: the app over the small warehouse, keys of each scope, a test client."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

with warnings.catch_warnings():  # starlette's test client warns about httpx on import
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from floor.api import keys
from floor.api.app import create_app
from floor.api.keys import RateLimiter
from floor.db import transaction
from tests.support import SmallWarehouse


@dataclass
class Api:
    wh: SmallWarehouse
    client: TestClient
    read_key: str
    write_key: str

    def headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.write_key}"}

    def get(self, path: str, key: str | None = None, **params: object):  # type: ignore[no-untyped-def]
        return self.client.get(f"/api/v1{path}", headers=self.headers(key), params=params)

    def post(self, path: str, body: object, key: str | None = None):  # type: ignore[no-untyped-def]
        return self.client.post(f"/api/v1{path}", headers=self.headers(key), json=body)


def make_key(wh: SmallWarehouse, scope: str, name: str = "") -> str:
    key, _info = transaction(wh.engine, lambda s: keys.create_key(s, scope, name or scope))
    return key


@pytest.fixture
def api(warehouse: SmallWarehouse) -> Iterator[Api]:
    app = create_app(warehouse.engine, warehouse="TST", limiter=RateLimiter(1000.0, 1000))
    with TestClient(app) as client:
        yield Api(
            warehouse, client, make_key(warehouse, "read"), make_key(warehouse, "write", "erp")
        )


@contextmanager
def served(app: object) -> Iterator[int]:
    """`app` served by a real uvicorn server on a free localhost port, in a thread, for the
    block: the port."""
    import threading
    import time

    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            time.sleep(0.01)
        yield server.servers[0].sockets[0].getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)
