"""Which code forecasts: the built-in pure-Python methods (always there), or statsforecast.

statsforecast (Nixtla) is a well-kept library of the same family (CrostonSBA, seasonal
exponential smoothing, compiled with numba). It pulls numba, llvmlite, numpy, pandas, scipy
and statsmodels, hundreds of megabytes and a compile step on first use, for a warehouse
app whose stations never forecast; so it is an optional extra (`pip install floor[forecast]`)
and floor works the same without it. With it installed, `engine="statsforecast"` uses its
models for the same classification (intermittent: CrostonSBA; smooth: seasonal
exponential smoothing with a weekly season); the safety stock's σ comes from its in-sample
fitted values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from floor.i18n import _
from floor.planning.forecast import (
    SEASON,
    Backtest,
    Forecast,
    backtest,
    classify,
    clean,
    forecast,
    from_first_demand,
    mase,
    seasonal_naive,
)

ENGINES = ("builtin", "statsforecast")


class EngineUnavailable(RuntimeError):
    """The forecasting engine asked for is not installed."""


def statsforecast_available() -> bool:
    try:
        import statsforecast  # noqa: F401
    except ImportError:
        return False
    return True


def _check(engine: str) -> None:
    if engine not in ENGINES:
        raise ValueError(f"engine: expected one of {', '.join(ENGINES)}, got {engine!r}")
    if engine == "statsforecast" and not statsforecast_available():
        raise EngineUnavailable(
            _(
                "statsforecast is not installed: {command} (or use the builtin engine)",
                command="pip install 'floor[forecast]'",
            )
        )


def forecast_many(
    series: Mapping[int, Sequence[float]], horizon: int, *, engine: str = "builtin"
) -> dict[int, Forecast]:
    """A forecast of `horizon` days for every series, by key."""
    _check(engine)
    if engine == "builtin":
        return {key: forecast(values, horizon) for key, values in series.items()}
    return {key: _statsforecast(values, horizon) for key, values in series.items()}


def backtest_many(
    series: Mapping[int, Sequence[float]], horizon: int, *, engine: str = "builtin"
) -> dict[int, Backtest]:
    """Each series backtested over its last `horizon` days, against seasonal naive."""
    _check(engine)
    if engine == "builtin":
        return {key: backtest(values, horizon) for key, values in series.items()}
    results: dict[int, Backtest] = {}
    for key, values in series.items():
        y = from_first_demand(clean(values))
        training, actual = y[:-horizon], y[-horizon:]
        if len(training) <= SEASON or len(actual) < horizon:
            results[key] = Backtest("statsforecast", None, None, sum(actual), 0.0)
            continue
        predicted = _statsforecast(training, horizon)
        results[key] = Backtest(
            predicted.method,
            mase(actual, predicted.daily, training),
            mase(actual, seasonal_naive(training, horizon), training),
            sum(actual),
            predicted.total(),
        )
    return results


def _statsforecast(values: Sequence[float], horizon: int) -> Forecast:  # pragma: no cover
    import numpy as np
    from statsforecast.models import CrostonSBA, SeasonalExponentialSmoothingOptimized

    y = from_first_demand(clean(values))
    kind = classify(y)
    if kind == "none" or len(y) < 2 * SEASON:
        return forecast(y, horizon)  # nothing to fit: the built-in answer
    model: Any
    if kind == "intermittent":
        model, method = CrostonSBA(), "sf_sba"
    else:
        model, method = SeasonalExponentialSmoothingOptimized(season_length=SEASON), "sf_ses"
    out = model.forecast(y=np.asarray(y, dtype=float), h=horizon, fitted=True)
    mean = [max(0.0, float(v)) for v in out["mean"]]
    errors = [
        a - float(f) for a, f in zip(y, out.get("fitted", []), strict=False) if not math.isnan(f)
    ]
    sigma = math.sqrt(sum(e * e for e in errors) / len(errors)) if errors else 0.0
    return Forecast(method, tuple(mean), sigma)
