"""Forecasting an item's daily demand, in plain Python: always available, no numpy.

Much of a warehouse's demand is intermittent: an item ships on a few days, nothing on the
others. Averaging methods that treat every day alike (simple exponential smoothing) then
swing after each order; Croston's method smooths the size of the orders and the interval
between them separately and forecasts their ratio, and the Syntetos–Boylan approximation
(SBA) removes Croston's known upward bias by the factor (1 − α/2).

Each series is classified by its average interval between demands (ADI, Syntetos–Boylan's
cut-off 1.32): intermittent series get SBA, smooth ones simple exponential smoothing with a
day-of-week profile (a warehouse ships little on Sundays). A series with no demand forecasts
zero. The baseline every method is measured against is the seasonal naive forecast (the
same weekday last week).

Accuracy is the MASE (mean absolute scaled error, Hyndman & Koehler 2006): the mean absolute
error over a held-out horizon divided by the in-sample mean absolute error of the seasonal
naive one-step forecast. Below 1 beats last-week's-same-day in-sample; it stays defined for
series with many zero days, where percentage errors do not.

`statsforecast` (an optional extra: `pip install floor[forecast]`) can replace these
methods for the same classification (`engine="statsforecast"`); see `forecast_engines`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

SEASON = 7  # days: demand repeats by weekday
ALPHA = 0.1  # smoothing constant of Croston/SBA and SES (the literature's usual 0.05 to 0.2)
ADI_CUTOFF = 1.32  # average interval between demands above which a series is intermittent
BACKTEST_DAYS = 28  # the held-out horizon of a backtest
MIN_PROFILE_DAYS = 4 * SEASON  # history needed before a day-of-week profile is used

METHODS = ("auto", "sba", "croston", "ses", "seasonal_naive")


@dataclass(frozen=True)
class Forecast:
    """Daily forecast for `horizon` days, the method used, and the standard deviation of its
    one-step-ahead error on the history (units per day), which sizes safety stock."""

    method: str
    daily: tuple[float, ...]
    sigma: float

    def total(self, days: int | None = None) -> float:
        """Forecast units over the first `days` days (all of them when None)."""
        return sum(self.daily[: len(self.daily) if days is None else days])


def clean(series: Sequence[float]) -> list[float]:
    """A day with more returns than shipments counts as no demand, not negative demand."""
    return [max(0.0, float(y)) for y in series]


def from_first_demand(series: Sequence[float]) -> list[float]:
    """The series from its first day with demand on: the days before, the item was not sold
    yet (new, or not stocked here), and would read as intermittent demand. A series with no
    demand is kept whole."""
    first = next((i for i, y in enumerate(series) if y > 0), 0)
    return list(series[first:])


def average_demand_interval(series: Sequence[float]) -> float:
    """Days per day with demand (ADI); infinite with no demand at all."""
    demand_days = sum(1 for y in series if y > 0)
    return math.inf if demand_days == 0 else len(series) / demand_days


def classify(series: Sequence[float]) -> str:
    """`none` (no demand), `intermittent` (ADI above 1.32) or `smooth`."""
    adi = average_demand_interval(series)
    if math.isinf(adi):
        return "none"
    return "intermittent" if adi > ADI_CUTOFF else "smooth"


def _rmse(errors: Sequence[float]) -> float:
    return math.sqrt(sum(e * e for e in errors) / len(errors)) if errors else 0.0


def croston(
    series: Sequence[float], alpha: float = ALPHA, *, sba: bool = True
) -> tuple[float, float]:
    """Croston's method (SBA when `sba`): the daily rate forecast after the last day, and the
    RMSE of its one-step-ahead forecasts after the first demand.

    The size z and the interval p (in days) are updated only on days with demand; the
    forecast is z / p, times (1 − α/2) for SBA. They start at the history's mean demand size
    and mean interval (the first demand has no interval before it to learn from), and learn
    from every later demand.
    """
    sizes = [y for y in series if y > 0]
    if not sizes:
        return 0.0, 0.0
    factor = 1.0 - alpha / 2.0 if sba else 1.0
    size, interval = sum(sizes) / len(sizes), len(series) / len(sizes)
    first = next(i for i, y in enumerate(series) if y > 0)
    since = 0  # days since the last demand
    errors: list[float] = []
    for y in series[first + 1 :]:
        since += 1
        errors.append(y - factor * size / interval)
        if y > 0:
            size += alpha * (y - size)
            interval += alpha * (since - interval)
            since = 0
    return factor * size / interval, _rmse(errors)


def weekday_profile(series: Sequence[float], season: int = SEASON) -> list[float]:
    """Each position's share of demand relative to the mean (1.0 = average), by position
    modulo `season` counted back from the last day (so it lines up with the forecast days).
    Flat (all 1.0) for short or empty history."""
    n = len(series)
    total = sum(series)
    if n < MIN_PROFILE_DAYS or total <= 0:
        return [1.0] * season
    sums = [0.0] * season
    counts = [0] * season
    for i, y in enumerate(series):
        k = (i - n) % season  # the last day is position season-1, the next day position 0
        sums[k] += y
        counts[k] += 1
    mean = total / n
    return [(sums[k] / counts[k]) / mean if counts[k] else 1.0 for k in range(season)]


def ses(
    series: Sequence[float], alpha: float = ALPHA, profile: Sequence[float] | None = None
) -> tuple[float, float]:
    """Simple exponential smoothing of the deseasonalised series (divided by `profile`): the
    level after the last day, and the RMSE of the one-step forecasts (in units, reseasonalised).
    """
    if not series:
        return 0.0, 0.0
    season = len(profile) if profile else 1
    n = len(series)

    def index(i: int) -> float:
        return profile[(i - n) % season] if profile else 1.0

    # A weekday with no demand in the profile (factor 0) says nothing about the level.
    start = next((i for i in range(n) if index(i) > 0), n)
    if start == n:
        return 0.0, 0.0
    level = series[start] / index(start)
    errors: list[float] = []
    for i in range(start + 1, n):
        factor = index(i)
        errors.append(series[i] - level * factor)
        if factor > 0:
            level += alpha * (series[i] / factor - level)
    return level, _rmse(errors)


def seasonal_naive(series: Sequence[float], horizon: int, season: int = SEASON) -> list[float]:
    """The baseline: each future day repeats the same weekday of the last week seen."""
    if not series:
        return [0.0] * horizon
    if len(series) < season:
        mean = sum(series) / len(series)
        return [mean] * horizon
    last = list(series[-season:])
    return [last[h % season] for h in range(horizon)]


def mase(
    actual: Sequence[float],
    predicted: Sequence[float],
    training: Sequence[float],
    season: int = SEASON,
) -> float | None:
    """Mean absolute scaled error: the forecast's mean absolute error over `actual`, divided
    by the in-sample mean absolute error of the seasonal naive one-step forecast on
    `training`. None when that scale is zero (a training history that never changed)."""
    if not actual or len(training) <= season:
        return None
    scale = sum(abs(training[t] - training[t - season]) for t in range(season, len(training)))
    scale /= len(training) - season
    if scale == 0:
        return None
    mae = sum(abs(a - p) for a, p in zip(actual, predicted, strict=True)) / len(actual)
    return mae / scale


def forecast(
    series: Sequence[float], horizon: int, method: str = "auto", alpha: float = ALPHA
) -> Forecast:
    """Forecast `horizon` days after `series` (daily demand, oldest first) by `method`:
    `auto` picks SBA for intermittent series, SES with a weekday profile for smooth ones,
    zero for none."""
    if method not in METHODS:
        raise ValueError(f"method: expected one of {', '.join(METHODS)}, got {method!r}")
    y = from_first_demand(clean(series))
    kind = classify(y)
    if method == "auto":
        if kind == "none":
            return Forecast("zero", (0.0,) * horizon, 0.0)
        method = "sba" if kind == "intermittent" else "ses"
    if method in ("sba", "croston"):
        rate, sigma = croston(y, alpha, sba=method == "sba")
        return Forecast(method, (rate,) * horizon, sigma)
    if method == "ses":
        profile = weekday_profile(y)
        level, sigma = ses(y, alpha, profile)
        daily = tuple(level * profile[h % SEASON] for h in range(horizon))
        return Forecast(method, daily, sigma)
    baseline = seasonal_naive(y, horizon)
    errors = [y[t] - y[t - SEASON] for t in range(SEASON, len(y))]
    return Forecast("seasonal_naive", tuple(baseline), _rmse(errors))


@dataclass(frozen=True)
class Backtest:
    """One series' backtest: the method's MASE and the seasonal naive baseline's, over the
    last `horizon` days held out (None when the history is too short or never varied)."""

    method: str
    mase: float | None
    baseline_mase: float | None
    actual: float  # units in the held-out days
    predicted: float  # units the method forecast for them


def backtest(
    series: Sequence[float],
    horizon: int = BACKTEST_DAYS,
    method: str = "auto",
    alpha: float = ALPHA,
) -> Backtest:
    """Hold out the last `horizon` days, forecast them from the rest by `method` and by the
    seasonal naive baseline, and score both by MASE on the same scale. The history starts at
    the first demand."""
    y = from_first_demand(clean(series))
    training, actual = y[:-horizon], y[-horizon:]
    if len(training) <= SEASON or len(actual) < horizon:
        return Backtest(method, None, None, sum(actual), 0.0)
    predicted = forecast(training, horizon, method, alpha)
    baseline = seasonal_naive(training, horizon)
    return Backtest(
        predicted.method,
        mase(actual, predicted.daily, training),
        mase(actual, baseline, training),
        sum(actual),
        predicted.total(),
    )


@dataclass(frozen=True)
class Accuracy:
    """Backtests of many series summed up: mean MASE of the method and of the baseline over
    the series where both are defined, and their ratio (below 1: the method is better)."""

    series: int
    scored: int
    mase: float | None
    baseline_mase: float | None

    @property
    def ratio(self) -> float | None:
        if self.mase is None or not self.baseline_mase:
            return None
        return self.mase / self.baseline_mase


def accuracy(results: Sequence[Backtest]) -> Accuracy:
    scored = [r for r in results if r.mase is not None and r.baseline_mase is not None]
    if not scored:
        return Accuracy(len(results), 0, None, None)
    return Accuracy(
        len(results),
        len(scored),
        sum(r.mase for r in scored if r.mase is not None) / len(scored),
        sum(r.baseline_mase for r in scored if r.baseline_mase is not None) / len(scored),
    )
