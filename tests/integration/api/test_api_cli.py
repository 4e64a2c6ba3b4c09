"""`floor api keys` and `floor api webhooks` from the shell, and `floor api` warning when it
listens beyond localhost."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from floor.cli import main
from floor.db import read_only
from floor.models import ApiKey, WebhookSubscription


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_keys_create_list_revoke(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(engine)
    assert (
        main(["--database-url", url, "api", "keys", "create", "--scope", "write", "--name", "erp"])
        == 0
    )
    out = capsys.readouterr()
    key = out.out.strip()
    assert key.startswith("floor_") and "shown once" in out.err
    with read_only(engine) as s:
        row = s.scalars(select(ApiKey)).one()
        assert row.key_hash != key and key not in row.key_hash and row.scope == "write"
    assert main(["--database-url", url, "api", "keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert key[:12] in listing and "erp" in listing and key not in listing
    assert main(["--database-url", url, "api", "keys", "revoke", key[:12]]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["--database-url", url, "api", "keys", "revoke", "nope"]) == 1
    assert "Unknown API key nope" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--database-url", url, "api", "keys", "create", "--scope", "admin"])


def test_webhooks_add_and_list(engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    url = _url(engine)
    argv = ["--database-url", url, "api", "webhooks", "add", "https://erp.example/hooks"]
    assert main([*argv, "--events", "shipment.confirmed", "stock.low"]) == 0
    secret = capsys.readouterr().out.strip()
    with read_only(engine) as s:
        sub = s.scalars(select(WebhookSubscription)).one()
        assert sub.secret == secret and sub.events == ["shipment.confirmed", "stock.low"]
    assert main([*argv, "--events", "order.shipped"]) == 1
    assert "order.exception" in capsys.readouterr().err  # names the known events
    assert main(["--database-url", url, "api", "webhooks", "list"]) == 0
    assert "https://erp.example/hooks" in capsys.readouterr().out
    assert main(["--database-url", url, "api", "webhooks", "deliver"]) == 0
    assert "0 delivered" in capsys.readouterr().out


def test_listening_beyond_localhost_warns(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    served: list[tuple[str, int]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, host, port, **kw: served.append((host, port)))
    url = _url(sqlite_engine)
    assert main(["--database-url", url, "api", "--no-deliver"]) == 0
    assert "warning" not in capsys.readouterr().err
    assert (
        main(["--database-url", url, "api", "--host", "0.0.0.0", "--port", "9000", "--no-deliver"])
        == 0
    )
    assert "reverse proxy with TLS" in capsys.readouterr().err
    assert served == [("127.0.0.1", 8080), ("0.0.0.0", 9000)]


def test_workers_default_to_one_on_sqlite_and_hand_uvicorn_the_app_by_name(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json
    import os

    import uvicorn

    from floor.api.app import WORKER_CONFIG_ENV
    from floor.commands.api import default_workers

    assert default_workers("sqlite") == 1 and default_workers("postgresql") >= 1
    served: list[tuple[object, dict]] = []

    def run(app: object, host: str, port: int, **kw: object) -> None:
        config = {}
        if kw.get("workers"):  # what each worker reads, while the command serves
            with open(os.environ[WORKER_CONFIG_ENV]) as found:
                config = json.load(found)
            assert os.path.getsize(config["buckets"]) > 0
        served.append((app, {**kw, **config}))

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.delenv(WORKER_CONFIG_ENV, raising=False)
    url = _url(sqlite_engine)
    assert main(["--database-url", url, "api", "--no-deliver"]) == 0
    assert "worker processes: 1" in capsys.readouterr().out
    argv = ["--database-url", url, "api", "--no-deliver", "--workers", "2", "--key-cache", "1"]
    assert main([*argv, "--rate", "3", "--burst", "4"]) == 0
    out = capsys.readouterr()
    assert "worker processes: 2" in out.out and "SQLite" in out.err
    (one, _kw), (named, kw) = served
    assert not isinstance(one, str) and named == "floor.api.app:worker_app"
    assert kw["factory"] is True and kw["workers"] == 2
    assert (kw["rate"], kw["burst"], kw["key_cache_seconds"]) == (3.0, 4, 1.0)
    assert kw["database_url"] == url and not os.path.exists(kw["buckets"])  # removed after
    assert WORKER_CONFIG_ENV not in os.environ
    assert main(["--database-url", url, "api", "--workers", "0"]) == 1
