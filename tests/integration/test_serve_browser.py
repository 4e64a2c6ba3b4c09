"""`floor serve` in headless Chromium: the page shows the login screen, a supervisor logs in
through the page (badge, PIN, the board's number in the menu), and the board shows; checked
by the terminal output the page received and the page's title, with a screenshot.

Chromium comes from Debian (scripts/test-deps.sh). Without it this test skips on a developer
machine; with CI=true it fails instead. FLOOR_BROWSER_SCREENSHOT=path keeps the screenshot
(docs/images/board-browser.png is made that way).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from floor.operators import effective_roles
from floor.screens import flows_for
from floor.screens.board import BoardScreen
from tests.cdp import Browser, chromium_path
from tests.support import build_small_warehouse


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _need_chromium() -> None:
    if chromium_path() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but chromium is missing: scripts/test-deps.sh installs it")
        pytest.skip("chromium is not installed (Debian package chromium; scripts/test-deps.sh)")


def _board_number() -> int:
    from floor.models import Operator

    supervisor = Operator(badge="x", name="x", pin_hash="", roles="supervisor")
    flows = flows_for(effective_roles(supervisor))
    return [f.FLOW for f in flows].index(BoardScreen.FLOW) + 1


def _wait_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"floor serve exited: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("floor serve did not listen")


@pytest.mark.slow
def test_floor_serve_shows_the_board_after_logging_in_through_the_page(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    _need_chromium()
    build_small_warehouse(sqlite_engine)
    port = _free_port()
    env = {
        **os.environ,
        "FLOOR_DATABASE_URL": sqlite_engine.url.render_as_string(hide_password=False),
        "FLOOR_WAREHOUSE": "TST",
        "FLOOR_LANGUAGE": "en",
        "FLOOR_DATA_DIR": str(tmp_path / "data"),
        "FLOOR_CONFIG": str(tmp_path / "none.toml"),
    }
    (tmp_path / "none.toml").write_text("")
    server = subprocess.Popen(
        [sys.executable, "-m", "floor", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    shot = Path(os.environ.get("FLOOR_BROWSER_SCREENSHOT") or tmp_path / "board.png")
    try:
        _wait_port(port, server)
        asyncio.run(_drive(port, shot))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    assert shot.stat().st_size > 10_000


async def _drive(port: int, shot: Path) -> None:
    browser = Browser(1280, 800)
    try:
        await browser.open()
        await browser.call("Page.navigate", url=f"http://127.0.0.1:{port}/")
        assert await browser.wait_for_text("Scan your badge", 60), browser.terminal_text()[-2000:]
        # the page: textual-serve's terminal is there and has received the app's first bytes
        page = await browser.call(
            "Runtime.evaluate",
            expression="document.body.classList.contains('-first-byte') "
            "&& document.querySelector('.xterm') !== null",
        )
        assert page["result"]["value"] is True
        await browser.click(640, 400)
        await browser.type_text("OPSUPERVISOR")  # a burst, as a scanner sends it
        await browser.press_enter()
        assert await browser.wait_for_text("Key in your PIN"), browser.terminal_text()[-2000:]
        await browser.type_text("1234")
        await browser.press_enter()
        assert await browser.wait_for_text("Choose a task"), browser.terminal_text()[-2000:]
        await browser.type_text(str(_board_number()))
        await browser.press_enter()
        assert await browser.wait_for_text("Supervisor board"), browser.terminal_text()[-2000:]
        assert await browser.wait_for_text("Stations and pickers")
        await asyncio.sleep(1.0)  # the first refresh is drawn
        await browser.screenshot(shot)
    finally:
        await browser.close()


def test_floor_serve_listens_on_localhost_and_warns_for_another_host(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import textual_serve.server

    from floor.cli import main
    from floor.commands.serve import app_command

    served: list[dict] = []

    class FakeServer:
        def __init__(self, command: str, **options: object) -> None:
            served.append({"command": command, **options})

        def serve(self) -> None:
            pass

    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FLOOR_")}
    monkeypatch.setattr(os, "environ", environment)  # what serve sets stays in this test
    url = f"sqlite:///{tmp_path / 'floor.db'}"
    assert main(["--database-url", url, "serve"]) == 0
    assert served[0]["host"] == "127.0.0.1" and served[0]["port"] == 8000
    assert "warning" not in capsys.readouterr().err
    assert main(["--database-url", url, "serve", "--host", "0.0.0.0", "--port", "9000"]) == 0
    assert "reverse proxy with TLS" in capsys.readouterr().err
    assert served[1]["host"] == "0.0.0.0" and served[1]["port"] == 9000
    # each browser tab: its own keyboard-only station; the URL goes by the environment
    assert served[0]["command"].endswith("run --scanner none --station WEB-$$")
    assert url not in served[0]["command"] and environment["FLOOR_DATABASE_URL"] == url
    assert "--config /etc/floor.toml" in app_command("/etc/floor.toml", "WEB")
