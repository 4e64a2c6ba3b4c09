"""`floor simulate` on SQLite for a few seconds: virtual receivers, pickers, counters and a
supervisor go through the real services without errors, and the ledger invariants hold."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, func, select

from floor.cli import main
from floor.db import read_only
from floor.demo import build_demo
from floor.models import ScanJournalEntry, StationHeartbeat
from floor.simulation.runner import mix_for


@pytest.mark.slow
def test_simulate_on_sqlite_applies_scans_without_errors(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    build_demo(sqlite_engine)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    args = ["--database-url", url, "simulate", "--stations", "6", "--scan-every", "150ms"]
    assert main([*args, "--minutes", "0.1", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == {}, report["error_samples"]
    assert report["invariant_violations"] == []
    assert report["scans"] > 50 and report["transactions_per_second"] > 0
    assert report["latency_ms"]["p50"] <= report["latency_ms"]["p95"] <= report["latency_ms"]["p99"]
    steps = report["steps"]
    for step in ("receiving.scan", "putaway.confirm", "wave.release", "pick.location"):
        assert steps.get(step), steps
    assert report["stations"] == {"picker": 2, "receiver": 2, "counter": 1, "supervisor": 1}
    with read_only(sqlite_engine) as s:  # journaled and reporting in, as real stations do
        assert s.scalar(select(func.count()).select_from(ScanJournalEntry)) == report["scans"]
        assert s.scalar(select(func.count()).select_from(StationHeartbeat)) == 6


def test_the_station_mix() -> None:
    assert mix_for(1) == ["picker"]
    assert mix_for(10) == ["picker"] * 4 + ["receiver"] * 2 + ["counter"] * 2 + ["supervisor"] * 2
    assert mix_for(50).count("picker") == 24 and mix_for(50).count("supervisor") == 6
    assert mix_for(3, {"picker": 1}) == ["picker"] * 3
    with pytest.raises(KeyError):
        mix_for(3, {"packer": 1})


def test_simulate_refuses_unknown_kinds_and_times(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "simulate", "--mix", "packer=1"]) == 1
    assert "unknown station kind packer" in capsys.readouterr().err
    assert main(["--database-url", url, "simulate", "--scan-every", "soon"]) == 1
    assert "--scan-every" in capsys.readouterr().err
