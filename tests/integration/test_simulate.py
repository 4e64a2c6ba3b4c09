"""`floor simulate` on SQLite for a few seconds: virtual receivers, pickers, packers, shippers,
counters and a supervisor go through the real services without errors, and the ledger
invariants hold; an order goes from wave to truck."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, func, select

from floor.cli import main
from floor.db import read_only
from floor.demo import build_demo
from floor.models import (
    CartonStatus,
    Location,
    PackedCarton,
    Receipt,
    ReceiptLine,
    ScanJournalEntry,
    StationHeartbeat,
)
from floor.simulation.runner import mix_for


@pytest.mark.slow
def test_simulate_on_sqlite_applies_scans_without_errors(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    build_demo(sqlite_engine)
    url = sqlite_engine.url.render_as_string(hide_password=False)
    mix = "picker=2,receiver=2,packer=2,shipper=1,counter=1,supervisor=1"
    args = ["--database-url", url, "simulate", "--stations", "9", "--scan-every", "100ms"]
    assert main([*args, "--mix", mix, "--minutes", "0.15", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["errors"] == {}, report["error_samples"]
    assert report["invariant_violations"] == []
    assert report["scans"] > 50 and report["transactions_per_second"] > 0
    assert report["latency_ms"]["p50"] <= report["latency_ms"]["p95"] <= report["latency_ms"]["p99"]
    steps = report["steps"]
    for step in (
        "receiving.scan",
        "putaway.confirm",
        "wave.release",
        "pick.location",
        "pack.start",
        "pack.scan",
        "pack.close",
        "ship.check",
        "ship.confirm",
    ):
        assert steps.get(step), steps
    assert report["stations"] == {
        "picker": 2,
        "receiver": 2,
        "packer": 2,
        "shipper": 1,
        "counter": 1,
        "supervisor": 1,
    }
    assert set(report["latency_by_kind_ms"]) == set(report["stations"])
    with read_only(sqlite_engine) as s:  # journaled and reporting in, as real stations do
        assert s.scalar(select(func.count()).select_from(ScanJournalEntry)) == report["scans"]
        assert s.scalar(select(func.count()).select_from(StationHeartbeat)) == 9
        docks = s.scalars(  # each receiver at its own dock door
            select(Location.code)
            .join(ReceiptLine, ReceiptLine.location_id == Location.id)
            .join(Receipt, Receipt.id == ReceiptLine.receipt_id)
            .where(Receipt.station.like("SIM-%"))
            .distinct()
        ).all()
        assert sorted(docks) == ["DOCK-01", "DOCK-02"]
        shipped = s.scalars(
            select(PackedCarton).where(PackedCarton.status == CartonStatus.SHIPPED.value)
        ).all()  # packed at a bench, with an SSCC, onto a manifest with a tracking number
        assert len(shipped) == steps["ship.confirm"]
        assert all(c.sscc and c.tracking_number and c.manifest_id for c in shipped)


def test_the_station_mix() -> None:
    assert mix_for(1) == ["picker"]
    assert mix_for(6) == ["picker", "receiver", "packer", "counter", "supervisor", "shipper"]
    fifty = mix_for(50)
    assert [fifty.count(k) for k in ("picker", "receiver", "packer", "counter")] == [18, 10, 8, 6]
    assert fifty.count("supervisor") == 4 and fifty.count("shipper") == 4
    assert mix_for(3, {"picker": 1}) == ["picker"] * 3
    with pytest.raises(KeyError):
        mix_for(3, {"kitter": 1})


def test_simulate_refuses_unknown_kinds_and_times(
    sqlite_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    url = sqlite_engine.url.render_as_string(hide_password=False)
    assert main(["--database-url", url, "simulate", "--mix", "kitter=1"]) == 1
    assert "unknown station kind kitter" in capsys.readouterr().err
    assert main(["--database-url", url, "simulate", "--scan-every", "soon"]) == 1
    assert "--scan-every" in capsys.readouterr().err


@pytest.mark.slow
def test_simulate_reports_the_scans_after_the_warm_up_apart_and_restores_the_switch_interval(
    sqlite_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    import floor.simulation.runner as runner

    build_demo(sqlite_engine)
    monkeypatch.setattr(runner, "WARM_UP_SECONDS", 2.0)
    before = sys.getswitchinterval()
    report = runner.simulate(
        sqlite_engine.url.render_as_string(hide_password=False),
        "DEMO",
        stations=3,
        every=0.1,
        seconds=4,
        mix={"picker": 1, "receiver": 1, "counter": 1},
    )
    assert sys.getswitchinterval() == before
    steady = report.steady_latency_ms
    assert 0 < steady["n"] < report.scans  # scans of the first 2 s are left out, not the rest
    assert steady["p50"] <= steady["p95"] <= steady["p99"]
