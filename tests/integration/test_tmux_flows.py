"""The station app driven in tmux (scripts/tmux-receive-putaway.sh) through one receipt and
one put-away, as a person would: badge and PIN typed, wedge scans, keypad quantity, F5.

Needs tmux (scripts/test-deps.sh installs it); skipped without it, except under CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "tmux-receive-putaway.sh"


@pytest.fixture
def tmux() -> str:
    path = shutil.which("tmux")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but tmux is not installed (scripts/test-deps.sh installs it)")
        pytest.skip("needs tmux (Debian: apt-get install tmux, or scripts/test-deps.sh)")
    return path


def capture(out: Path, name: str) -> str:
    found = sorted(out.glob(f"[0-9][0-9]-{name}.txt"))
    assert len(found) == 1, f"capture {name}: {found}"
    return found[0].read_text()


@pytest.mark.slow
def test_receive_and_put_away_in_tmux(tmux: str, tmp_path: Path) -> None:
    out = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLOOR_", "TMUX"))}
    env["PYTHON"] = sys.executable
    done = subprocess.run(
        ["bash", str(SCRIPT), str(out), "80x24"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"

    received = capture(out, "received")
    assert re.search(r"✔ 12 x SKU-\d{4} received to DOCK-\d\d", received), received
    closed = capture(out, "closed")
    assert "Receipt RC0000001 closed" in closed
    assert re.search(r"short +SKU-\d{4} 12/\d+", closed), closed
    assert "Closed with" in closed

    proposed = capture(out, "proposed")
    match = re.search(r"Go to ([A-Z0-9-]+), scan the location", proposed)
    assert match, proposed
    target = match.group(1)
    assert f"To         {target}" in proposed

    wrong = capture(out, "wrong-location")
    assert re.search(rf"✘ Wrong location A01-01-[12]: expected {target}\b", wrong), wrong
    assert f"Expected: {target}" in wrong

    confirmed = capture(out, "put-away")
    assert f"✔ 12 put away at {target}" in confirmed, confirmed
    assert "Scan your badge" in capture(out, "logged-out")

    check = (out / "check.txt").read_text()
    assert "invariants: ok" in check
    assert "left on the dock: 0" in check
    assert "check: ok" in check
