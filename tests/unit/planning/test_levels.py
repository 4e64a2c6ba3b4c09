"""Safety stock, reorder point, order-up-to level and order quantity from known numbers."""

from __future__ import annotations

import pytest

from floor.planning.forecast import Forecast
from floor.planning.levels import levels, order_quantity, service_factor


def test_service_factor_is_the_normal_quantile() -> None:
    assert service_factor(0.95) == pytest.approx(1.6449, abs=1e-4)
    assert service_factor(0.5) == pytest.approx(0.0)
    for bad in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match="service level"):
            service_factor(bad)


def test_levels_from_a_flat_forecast() -> None:
    fc = Forecast("ses", (2.0,) * 30, 1.0)
    got = levels(fc, lead_time_days=9, service_level=0.95, review_days=7)
    assert got.demand_over_lead_time == pytest.approx(18.0)
    assert got.safety_stock == 5  # ceil(1.645 * 1.0 * sqrt(9)) = ceil(4.93)
    assert got.reorder_point == 23
    assert got.order_up_to == 37  # 2 * (9 + 7) + 5
    higher = levels(fc, lead_time_days=9, service_level=0.99, review_days=7)
    assert higher.safety_stock == 7  # ceil(2.326 * 3)
    with pytest.raises(ValueError, match="cover"):
        levels(fc, lead_time_days=28, review_days=7)


def test_no_demand_means_no_stock_needed() -> None:
    got = levels(Forecast("zero", (0.0,) * 21, 0.0), 14)
    assert (got.safety_stock, got.reorder_point, got.order_up_to) == (0, 0, 0)
    assert order_quantity(0, 0, 0) == 0


def test_order_quantity_rounds_up_to_packs_and_minimum() -> None:
    assert order_quantity(20, 23, 37) == 17
    assert order_quantity(20, 23, 37, pack_size=12) == 24
    assert order_quantity(20, 23, 37, pack_size=12, min_order=30) == 36
    assert order_quantity(23, 23, 37) == 14  # at the reorder point: order
    assert order_quantity(24, 23, 37) == 0  # above it: not yet
    assert order_quantity(-5, 23, 37) == 42  # reserved above on hand
    with pytest.raises(ValueError, match="pack size"):
        order_quantity(0, 1, 2, pack_size=0)
