"""The board's settings, from the `[board]` section of floor.toml (or FLOOR_BOARD__* variables).

```toml
[board]
heartbeat_seconds = 5          # how often a station reports in
offline_after_seconds = 15     # a station silent this long shows offline
refresh_seconds = 1.0          # how often a board reads what changed
alerts_refresh_seconds = 30    # stock alerts (reorder point, expiry) are read less often
expiring_days = 7              # lots expiring within this many days are shown
shift_starts = ["06:00", "14:00", "22:00"]   # local time; "this shift" began at the latest
rate_window_minutes = 15       # picking rate and finish time: the last N minutes
rejected_in_a_row = 3          # this many rejected scans in a row at a station is an exception
chart_bucket_minutes = 10      # one bar of the throughput chart
```
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from floor.config import ConfigError
from floor.i18n import _


@dataclass(frozen=True)
class BoardSettings:
    heartbeat_seconds: float = 5.0
    offline_after_seconds: float = 15.0
    refresh_seconds: float = 1.0
    alerts_refresh_seconds: float = 30.0
    expiring_days: int = 7
    shift_starts: tuple[dt.time, ...] = (dt.time(6), dt.time(14), dt.time(22))
    rate_window_minutes: int = 15
    rejected_in_a_row: int = 3
    chart_bucket_minutes: int = 10

    @classmethod
    def from_section(cls, section: dict[str, Any]) -> BoardSettings:
        values: dict[str, Any] = {}
        for name, kind, low in (
            ("heartbeat_seconds", float, 0.5),
            ("offline_after_seconds", float, 1.0),
            ("refresh_seconds", float, 0.2),
            ("alerts_refresh_seconds", float, 1.0),
            ("expiring_days", int, 0),
            ("rate_window_minutes", int, 1),
            ("rejected_in_a_row", int, 2),
            ("chart_bucket_minutes", int, 1),
        ):
            if name not in section:
                continue
            try:
                value = kind(section[name])
            except (TypeError, ValueError):
                value = None
            if value is None or value < low:
                raise ConfigError(
                    _(
                        "[board] {key}: expected a number of at least {low}, not {value!r}",
                        key=name,
                        low=low,
                        value=section[name],
                    )
                )
            values[name] = value
        if "shift_starts" in section:
            values["shift_starts"] = _shift_starts(section["shift_starts"])
        return cls(**values)

    def shift_start(self, now: dt.datetime) -> dt.datetime:
        """When the shift going on at `now` began (local time), as an aware UTC datetime."""
        local = now.astimezone()
        starts = []
        for back in (0, 1):
            day = local.date() - dt.timedelta(days=back)
            for at in self.shift_starts:
                starts.append(dt.datetime.combine(day, at).astimezone())
        begun = [s for s in starts if s <= local]
        return max(begun).astimezone(dt.UTC) if begun else now - dt.timedelta(hours=8)


def _shift_starts(value: Any) -> tuple[dt.time, ...]:
    texts = [value] if isinstance(value, str) else list(value or [])
    times = []
    for text in texts:
        try:
            times.append(dt.time.fromisoformat(str(text).strip()))
        except ValueError:
            raise ConfigError(
                _('[board] shift_starts: expected times like "06:00", not {value!r}', value=text)
            ) from None
    if not times:
        raise ConfigError(_('[board] shift_starts: expected at least one time like "06:00"'))
    return tuple(sorted(times))
