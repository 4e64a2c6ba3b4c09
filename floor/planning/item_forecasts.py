"""Each item's forecast for a warehouse from its demand history, and, when asked, its backtest
against the seasonal naive baseline in the same run (what `floor purchasing forecast`
prints). Read-only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.errors import NotFound
from floor.i18n import _
from floor.models import Item, utcnow
from floor.planning.engines import backtest_many, forecast_many
from floor.planning.forecast import (
    BACKTEST_DAYS,
    Accuracy,
    Backtest,
    accuracy,
    classify,
    clean,
    from_first_demand,
)
from floor.planning.history import daily_series

HISTORY_DAYS = 365
HORIZON_DAYS = 28


@dataclass(frozen=True)
class ItemForecast:
    sku: str
    description: str
    demand_class: str  # smooth, intermittent, none
    method: str
    history_units: int  # net units over the history
    demand_days: int  # days with demand in the history
    per_day: float  # forecast units per day over the horizon
    horizon_units: float  # forecast units over the horizon
    backtest: Backtest | None = None

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "sku": self.sku,
            "description": self.description,
            "class": self.demand_class,
            "method": self.method,
            "history_units": self.history_units,
            "demand_days": self.demand_days,
            "per_day": round(self.per_day, 3),
            "horizon_units": round(self.horizon_units, 2),
        }
        if self.backtest is not None:
            data["mase"] = self.backtest.mase
            data["baseline_mase"] = self.backtest.baseline_mase
            data["backtest_actual"] = self.backtest.actual
            data["backtest_predicted"] = round(self.backtest.predicted, 2)
        return data


@dataclass(frozen=True)
class ForecastReport:
    start: dt.date
    end: dt.date
    horizon: int
    items: list[ItemForecast]
    accuracy: Accuracy | None  # over every item backtested, when asked


def item_forecasts(
    session: Session,
    warehouse_id: int,
    *,
    skus: Sequence[str] | None = None,
    history_days: int = HISTORY_DAYS,
    horizon: int = HORIZON_DAYS,
    with_backtest: bool = False,
    backtest_days: int = BACKTEST_DAYS,
    today: dt.date | None = None,
    engine: str = "builtin",
) -> ForecastReport:
    """Forecasts of the items with demand in the history (or of `skus`, each of which must
    be an item), by SKU; history ends yesterday."""
    end = (today or utcnow().date()) - dt.timedelta(days=1)
    items: dict[int, Item]
    if skus is not None:
        items = {i.id: i for i in session.scalars(select(Item).where(Item.sku.in_(list(skus))))}
        missing = sorted(set(skus) - {i.sku for i in items.values()})
        if missing:
            raise NotFound(
                _("No item with SKU {sku}", sku=", ".join(missing)),
                expected=_("the SKU of an item"),
            )
    history = daily_series(
        session,
        warehouse_id,
        end,
        history_days,
        item_ids=list(items) if skus is not None else None,
    )
    if skus is None:
        items = {i.id: i for i in session.scalars(select(Item).where(Item.id.in_(list(history))))}
    series = {item_id: history.get(item_id, [0] * history_days) for item_id in items}
    forecasts = forecast_many(series, horizon, engine=engine)
    tests = backtest_many(series, backtest_days, engine=engine) if with_backtest else {}
    rows = [
        ItemForecast(
            item.sku,
            item.description,
            classify(from_first_demand(clean(series[item_id]))),
            forecasts[item_id].method,
            sum(series[item_id]),
            sum(1 for y in series[item_id] if y > 0),
            forecasts[item_id].total() / horizon if horizon else 0.0,
            forecasts[item_id].total(),
            tests.get(item_id),
        )
        for item_id, item in sorted(items.items(), key=lambda pair: pair[1].sku)
    ]
    return ForecastReport(
        end - dt.timedelta(days=history_days - 1),
        end,
        horizon,
        rows,
        accuracy(list(tests.values())) if with_backtest else None,
    )
