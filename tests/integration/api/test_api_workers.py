"""`floor api --workers 2` as it runs: a real server of two processes on localhost, whose
rate limit holds for a key across both, and which refuses a key revoked elsewhere within the
key cache's bound."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from floor.api import keys
from floor.db import transaction

KEY_CACHE = 1.0  # seconds the server trusts a key found (--key-cache)
BURST = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _status(port: int, key: str) -> int:
    """GET an order that is not there on a new connection (so the requests spread over the
    workers): 404 once the key and the rate limit let it through."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/api/v1/orders/NOPE", headers={"Authorization": f"Bearer {key}"})
        return conn.getresponse().status
    finally:
        conn.close()


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in found.read_text().split()] if found.exists() else []


@pytest.fixture
def server(engine: Engine) -> Iterator[int]:
    port = _free_port()
    url = engine.url.render_as_string(hide_password=False)
    root = Path(__file__).resolve().parents[3]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]),
    }
    command = [sys.executable, "-m", "floor", "--database-url", url, "api", "--workers", "2"]
    command += ["--port", str(port), "--rate", "0.01", "--burst", str(BURST)]
    command += ["--key-cache", str(KEY_CACHE), "--no-deliver"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/api/v1/health")
                if conn.getresponse().status == 200 and len(_children(proc.pid)) >= 2:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "floor api --workers 2 did not start"
            time.sleep(0.2)
        yield port
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_a_keys_rate_limit_holds_across_worker_processes(engine: Engine, server: int) -> None:
    key, _info = transaction(engine, lambda s: keys.create_key(s, "read", "erp"))
    answers = [_status(server, key) for _n in range(3 * BURST)]
    # one budget for the key whichever process answers: a bucket per process would let
    # up to twice the burst through
    assert answers.count(404) == BURST and answers.count(429) == 2 * BURST


def test_a_key_revoked_elsewhere_is_refused_by_every_worker_within_the_cache_bound(
    engine: Engine, server: int
) -> None:
    key, info = transaction(engine, lambda s: keys.create_key(s, "read", "erp"))
    for _n in range(4):  # found and cached by the workers
        assert _status(server, key) in (404, 429)
    transaction(engine, lambda s: keys.revoke_key(s, str(info.id)))
    revoked = time.monotonic()
    time.sleep(KEY_CACHE + 0.2)
    answers = [_status(server, key) for _n in range(BURST)]
    assert answers == [401] * BURST, answers
    assert time.monotonic() - revoked < KEY_CACHE + 5
