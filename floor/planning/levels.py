"""Reorder point, order-up-to level and order quantity of one item: plain arithmetic, no database.

- Demand over the lead time: the forecast summed over the supplier's lead time (days).
- Safety stock for a service level (the chance of not running out before the goods
  arrive): z × σ × √(lead time), z the standard normal quantile of the service level (1.645
  at 95 %), σ the standard deviation of the forecast's one-step daily error on the history.
- Reorder point (the "min"): demand over the lead time plus safety stock.
- Order-up-to level (the "max"): demand over the lead time and one review period (how
  often orders are placed) plus safety stock.
- Stock position: on hand − reserved (promised to orders) + on order (open purchase orders
  not yet received). At or below the reorder point, order up to the order-up-to level:
  the difference, at least the supplier's minimum order quantity, rounded up to whole packs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from floor.planning.forecast import Forecast

DEFAULT_SERVICE_LEVEL = 0.95
DEFAULT_REVIEW_DAYS = 7


def service_factor(service_level: float) -> float:
    """z for a cycle service level strictly between 0 and 1 (0.95 → 1.645)."""
    if not 0 < service_level < 1:
        raise ValueError(f"service level: expected between 0 and 1, got {service_level}")
    return NormalDist().inv_cdf(service_level)


@dataclass(frozen=True)
class Levels:
    demand_over_lead_time: float
    safety_stock: int
    reorder_point: int
    order_up_to: int


def levels(
    forecast: Forecast,
    lead_time_days: int,
    service_level: float = DEFAULT_SERVICE_LEVEL,
    review_days: int = DEFAULT_REVIEW_DAYS,
) -> Levels:
    """The item's levels from its forecast (at least `lead_time_days + review_days` long)."""
    if len(forecast.daily) < lead_time_days + review_days:
        raise ValueError("the forecast must cover the lead time and the review period")
    z = service_factor(service_level)
    demand = forecast.total(lead_time_days)
    safety = max(0, math.ceil(z * forecast.sigma * math.sqrt(lead_time_days) - 1e-9))
    reorder_point = math.ceil(demand + safety - 1e-9)
    order_up_to = max(
        reorder_point, math.ceil(forecast.total(lead_time_days + review_days) + safety - 1e-9)
    )
    return Levels(demand, safety, reorder_point, order_up_to)


def order_quantity(
    position: int, reorder_point: int, order_up_to: int, pack_size: int = 1, min_order: int = 0
) -> int:
    """Units to order: none while the position is above the reorder point (or nothing is
    needed); else up to the order-up-to level, at least `min_order`, in whole packs."""
    if pack_size < 1:
        raise ValueError(f"pack size: expected at least 1, got {pack_size}")
    need = order_up_to - position
    if position > reorder_point or need <= 0:
        return 0
    units = max(need, min_order)
    return math.ceil(units / pack_size) * pack_size
