"""Forecast math on series whose answers are known: Croston and SBA, SES with a weekday
profile, seasonal naive, MASE, classification and backtests."""

from __future__ import annotations

import math
import random

import pytest

from floor.planning.forecast import (
    Backtest,
    accuracy,
    average_demand_interval,
    backtest,
    classify,
    croston,
    forecast,
    from_first_demand,
    mase,
    seasonal_naive,
    ses,
    weekday_profile,
)


def intermittent(seed: int, days: int = 365, chance: float = 0.2) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(1, 6) if rng.random() < chance else 0 for _ in range(days)]


def smooth_weekly(seed: int, weeks: int = 52) -> list[float]:
    """Six working days around 20 units, none on the seventh, with noise."""
    rng = random.Random(seed)
    return [0.0 if d % 7 == 6 else max(0.0, rng.gauss(20, 4)) for d in range(weeks * 7)]


def test_croston_on_a_regular_intermittent_series() -> None:
    series = [0, 0, 3] * 3  # three units every third day: one a day on average
    rate, sigma = croston(series, 0.1, sba=False)
    assert rate == pytest.approx(1.0)
    # one-step errors after the first demand: -1, -1, +2 twice over
    assert sigma == pytest.approx(math.sqrt(2))
    rate_sba, _ = croston(series, 0.1, sba=True)
    assert rate_sba == pytest.approx(0.95)  # SBA: times (1 - alpha / 2)


def test_croston_starts_at_the_mean_size_and_interval_then_learns_from_each_demand() -> None:
    # mean size 3, mean interval 5 / 2 = 2.5; the second demand (2, after 3 days) moves
    # the size to 2.5 and the interval to 2.75
    rate, _ = croston([0, 4, 0, 0, 2], 0.5, sba=False)
    assert rate == pytest.approx(2.5 / 2.75)
    rate_sba, _ = croston([0, 4, 0, 0, 2], 0.5, sba=True)
    assert rate_sba == pytest.approx(2.5 / 2.75 * 0.75)
    assert croston([0, 0, 0], 0.1) == (0.0, 0.0)


def test_ses_level_and_error() -> None:
    assert ses([10, 10, 10]) == (10.0, 0.0)
    level, sigma = ses([0, 10], 0.5)
    assert (level, sigma) == (5.0, 10.0)


def test_weekday_profile_and_ses_forecast_keep_the_day_off_at_zero() -> None:
    series = [12.0 if d % 7 else 0.0 for d in range(1, 36)]  # every 7th day is off
    profile = weekday_profile(series)
    assert profile[6] == 0.0  # the last day was off: the 7th day from now is off again
    assert profile[:6] == pytest.approx([7 / 6] * 6)
    fc = forecast(series, 14, method="ses")
    assert fc.daily[6] == 0.0 and fc.daily[13] == 0.0
    assert fc.daily[:6] == pytest.approx((12.0,) * 6)
    assert fc.total(7) == pytest.approx(72.0)
    assert weekday_profile([1.0] * 10) == [1.0] * 7  # too short for a profile: flat


def test_seasonal_naive_repeats_the_last_week() -> None:
    assert seasonal_naive(list(range(1, 15)), 10) == [8, 9, 10, 11, 12, 13, 14, 8, 9, 10]
    assert seasonal_naive([2, 4], 3) == [3.0, 3.0, 3.0]  # under a week: its mean
    assert seasonal_naive([], 2) == [0.0, 0.0]


def test_mase_is_scaled_by_the_in_sample_seasonal_naive_error() -> None:
    assert mase([11, 12], [10, 10], list(range(1, 11)), season=1) == pytest.approx(1.5)
    training = [0] * 7 + [7] * 7  # seasonal naive errs by 7 each day in sample
    assert mase([7, 7], [0, 0], training) == pytest.approx(1.0)
    assert mase([7, 7], [7, 7], training) == 0.0
    assert mase([1], [0], [5] * 20) is None  # a history that never changed has no scale


def test_classification_by_average_demand_interval() -> None:
    assert average_demand_interval([0, 0, 0, 5] * 10) == 4.0
    assert classify([0, 0, 0, 5] * 10) == "intermittent"
    assert classify([5] * 28) == "smooth"
    assert classify([0] * 28) == "none"
    assert forecast([0] * 28, 5).method == "zero"
    assert forecast([0, 0, 0, 5] * 10, 5).method == "sba"
    assert forecast(smooth_weekly(1), 5).method == "ses"


def test_negative_days_count_as_no_demand() -> None:
    # more returned than shipped on a day is not negative demand
    assert forecast([3, -5, 3, 3], 2, method="ses").daily[0] > 0
    assert classify([-2, -2, -2]) == "none"


def test_sba_beats_seasonal_naive_on_intermittent_demand() -> None:
    results = [backtest(intermittent(seed)) for seed in range(40)]
    summary = accuracy(results)
    assert summary.scored == 40
    assert summary.mase is not None and summary.baseline_mase is not None
    # MAE-based scores reward forecasting zero on intermittent series, so the margin is
    # modest; a flat rate still beats last week's same day
    assert summary.ratio is not None and summary.ratio < 1.0
    assert {r.method for r in results} == {"sba"}


def test_ses_with_profile_beats_seasonal_naive_on_smooth_weekly_demand() -> None:
    summary = accuracy([backtest(smooth_weekly(seed)) for seed in range(20)])
    assert summary.ratio is not None and summary.ratio < 0.9


def test_backtest_of_short_or_flat_history_is_not_scored() -> None:
    assert backtest([1, 2, 3], horizon=28).mase is None
    flat = backtest([4.0] * 100)
    assert flat.mase is None and flat.baseline_mase is None
    summary = accuracy([flat, Backtest("sba", 0.5, 1.0, 1, 1)])
    assert (summary.series, summary.scored, summary.ratio) == (2, 1, 0.5)
    assert accuracy([]).ratio is None


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValueError, match="method"):
        forecast([1, 2], 3, method="magic")


def test_history_starts_at_the_first_demand() -> None:
    # a new item: nothing for 300 days (not sold yet), then 4 a day
    series = [0] * 300 + [4] * 60
    assert from_first_demand(series) == [4] * 60
    assert from_first_demand([0, 0]) == [0, 0]
    fc = forecast(series, 7)
    assert fc.method == "ses" and fc.total() == pytest.approx(28.0)
