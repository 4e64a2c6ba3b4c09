"""The forecasting engines: the built-in one always; statsforecast only where the optional
extra is installed (floor[forecast]), checked against the built-in answers."""

from __future__ import annotations

import pytest

from floor.planning.engines import (
    EngineUnavailable,
    backtest_many,
    forecast_many,
    statsforecast_available,
)
from tests.unit.planning.test_forecast import intermittent, smooth_weekly


def test_builtin_engine_forecasts_and_backtests_by_key() -> None:
    series = {1: intermittent(1), 2: smooth_weekly(2), 3: [0] * 60}
    forecasts = forecast_many(series, 14)
    assert {k: f.method for k, f in forecasts.items()} == {1: "sba", 2: "ses", 3: "zero"}
    assert all(len(f.daily) == 14 for f in forecasts.values())
    tests = backtest_many(series, 28)
    assert tests[1].mase is not None and tests[3].mase is None
    with pytest.raises(ValueError, match="engine"):
        forecast_many(series, 14, engine="prophet")


@pytest.mark.skipif(statsforecast_available(), reason="statsforecast is installed here")
def test_statsforecast_engine_says_how_to_install_it() -> None:
    with pytest.raises(EngineUnavailable, match=r"floor\[forecast\]"):
        forecast_many({1: [1, 2, 3]}, 7, engine="statsforecast")


@pytest.mark.skipif(
    not statsforecast_available(), reason="the floor[forecast] extra is not installed"
)
def test_statsforecast_engine_agrees_with_the_builtin_methods() -> None:
    series = {1: intermittent(3), 2: smooth_weekly(4)}
    builtin = forecast_many(series, 14)
    theirs = forecast_many(series, 14, engine="statsforecast")
    assert (theirs[1].method, theirs[2].method) == ("sf_sba", "sf_ses")
    # the same family of methods: daily rates within a fifth of each other
    for key in series:
        assert theirs[key].total() == pytest.approx(builtin[key].total(), rel=0.2)
        assert theirs[key].sigma > 0
    tests = backtest_many(series, 28, engine="statsforecast")
    assert all(t.mase is not None and t.baseline_mase is not None for t in tests.values())
