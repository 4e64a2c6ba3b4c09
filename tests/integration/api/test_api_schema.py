"""Property-based requests generated from the API's own OpenAPI schema (schemathesis, in the
test extra), on SQLite: whatever a client sends that the schema allows, the API never
answers with a server error."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

from floor.api.app import create_app
from floor.api.keys import RateLimiter
from tests.integration.api.conftest import make_key
from tests.support import SmallWarehouse, build_small_warehouse


@pytest.fixture
def keyed(sqlite_engine: Engine) -> tuple[SmallWarehouse, str]:
    wh = build_small_warehouse(sqlite_engine)
    return wh, make_key(wh, "write")


@pytest.fixture
def api_schema(keyed: tuple[SmallWarehouse, str]):  # type: ignore[no-untyped-def]
    wh, _key = keyed
    app = create_app(wh.engine, warehouse="TST", limiter=RateLimiter(1e9, 10**9))
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_errors(case, keyed: tuple[SmallWarehouse, str]) -> None:  # type: ignore[no-untyped-def]
    _wh, key = keyed
    response = case.call(headers={"Authorization": f"Bearer {key}"})
    assert response.status_code < 500 or response.status_code == 501, response.text
