"""Output closed early (`floor stock --low | head -1`): every command ends quietly, without a
BrokenPipeError traceback, with the status a shell gives a process ended by SIGPIPE."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import Engine, insert

from floor.cli import SIGPIPE_STATUS
from floor.db import session_scope
from floor.models import Item
from tests.support import build_small_warehouse


def _floor(url: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FLOOR_WAREHOUSE": "TST", "PYTHONUNBUFFERED": ""}
    return subprocess.Popen(
        [sys.executable, "-m", "floor", "--database-url", url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def test_a_long_listing_piped_into_head_ends_quietly(sqlite_engine: Engine) -> None:
    build_small_warehouse(sqlite_engine)
    with session_scope(sqlite_engine) as s:  # 3000 items under their reorder point
        s.execute(
            insert(Item),
            [
                {"sku": f"LOW-{n:05d}", "description": "x" * 40, "reorder_point": 5}
                for n in range(3000)
            ],
        )
    url = sqlite_engine.url.render_as_string(hide_password=False)
    shell = subprocess.run(
        f"{sys.executable} -m floor --database-url '{url}' stock --low | head -1",
        shell=True,
        capture_output=True,
        env={**os.environ, "FLOOR_WAREHOUSE": "TST"},
        timeout=120,
    )
    assert shell.returncode == 0 and shell.stdout.count(b"\n") == 1
    assert shell.stderr == b""
    process = _floor(url, "stock", "--low")
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    assert first.split()[0] == b"SKU"
    process.stdout.close()  # head has read its line and gone
    err = process.stderr.read()
    assert process.wait(timeout=120) == SIGPIPE_STATUS
    assert err == b""


def test_help_into_a_closed_pipe_ends_quietly(sqlite_engine: Engine) -> None:
    url = sqlite_engine.url.render_as_string(hide_password=False)
    process = _floor(url, "--help")
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # closed before anything was written
    err = process.stderr.read()
    assert process.wait(timeout=120) in (0, SIGPIPE_STATUS)
    assert b"Traceback" not in err and b"BrokenPipeError" not in err
