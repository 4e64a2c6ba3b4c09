"""Start-up: the login screen appears without the heavy modules; the scan parser comes after.

Each check runs the station app in a fresh interpreter (this test process has imported
everything already), on the small warehouse in an SQLite file, and reports what was in
sys.modules when the first frame of the login screen was drawn.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.support import SmallWarehouse

HEAVY = ("alembic", "reportlab", "biip", "floor.printing", "floor.scanning.parser", "labels")

SCRIPT = textwrap.dedent(
    """
    import asyncio, json, sys, threading

    from floor.config import Settings
    from floor.app import create_app

    URL, DATA, HEAVY = sys.argv[1], sys.argv[2], sys.argv[3].split(",")


    def loaded():
        return sorted(
            m for m in HEAVY if any(k == m or k.startswith(m + ".") for k in sys.modules)
        )


    async def main():
        settings = Settings(database_url=URL, station="ST01", warehouse="TST", data_dir=DATA)
        app = create_app(settings)
        first = {}
        display = app._display

        def on_display(screen, renderable):
            display(screen, renderable)
            if renderable is not None and not first and type(screen).__name__ == "LoginScreen":
                first["prompt"] = str(screen.query_one("#prompt").render())
                first["modules"] = loaded()

        app._display = on_display
        async with app.run_test(size=(80, 24)) as pilot:
            for _ in range(100):
                await pilot.pause(0.05)
                warming = any(t.name == "floor-warm-up" for t in threading.enumerate())
                if first and "floor.scanning.parser" in sys.modules and not warming:
                    break
            first["after"] = loaded()
            app.inject_scan("OPPICKER")
            await app.workers.wait_for_complete()
            await pilot.pause()
            first["feedback"] = str(screen_text(app))
        print(json.dumps(first))


    def screen_text(app):
        return app.screen.query_one("#feedback").render()


    asyncio.run(main())
    """
)


def run_app(warehouse: SmallWarehouse, tmp_path: Path) -> dict:
    url = warehouse.engine.url.render_as_string(hide_password=False)
    warehouse.engine.dispose()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, url, str(tmp_path / "data"), ",".join(HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_login_screen_shows_before_heavy_modules_load(
    ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    seen = run_app(ui_warehouse, tmp_path)
    assert seen["prompt"] == "Scan your badge"
    assert seen["modules"] == []


def test_scan_parser_is_warmed_up_after_the_first_frame_and_the_first_scan_works(
    ui_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    seen = run_app(ui_warehouse, tmp_path)
    assert "floor.scanning.parser" in seen["after"]
    assert "biip" in seen["after"]
    assert not {"alembic", "reportlab", "floor.printing"} & set(seen["after"])
    assert "✔ Operator badge OPPICKER" in seen["feedback"]  # the first scan works


def test_scanning_package_loads_its_parser_on_first_use() -> None:
    code = (
        "import sys, floor.scanning as s\n"
        "before = 'biip' in sys.modules or 'floor.scanning.parser' in sys.modules\n"
        "from floor.scanning import ScanKind, parse_scan\n"
        "from floor.scanning.parser import parse_scan as direct\n"
        "scan = parse_scan(b'4006381333931', s.DEFAULT_LANGUAGE)\n"
        "print(before, parse_scan is direct, s.decode is not None, scan.kind is ScanKind.PRODUCT)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["False", "True", "True", "True"]
