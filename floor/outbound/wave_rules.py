"""Wave rules as keyed in: one field per rule, each parsed and checked on its own.

The supervisor's waves screen (and anything else that takes rules as text) keys each rule
as text. `parse_field` turns one field's text into its value or raises InvalidInput naming
what was expected; `rules_from` builds the WaveRules. Times are keyed in station-local time
and kept in UTC, the way order cut-offs are stored. No UI and no database here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from floor.errors import InvalidInput
from floor.i18n import N_, _
from floor.outbound.waves import WaveRules

_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


@dataclass(frozen=True)
class RuleField:
    """One rule of the form: the WaveRules attribute, its label and what to key in."""

    name: str
    label: str  # N_
    expected: str  # N_: what to key in, shown as the detail line and in rejections
    parse: Callable[[str], Any]
    placeholder: str = ""  # N_: the format, shown in the empty chosen field


def _whole(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValueError(text)
    return int(text)


def _priority(text: str) -> int:
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def _litres(text: str) -> float:
    value = float(text.replace(",", "."))
    if not value > 0 or value != value or value == float("inf"):
        raise ValueError(text)
    return value


def _code(text: str) -> str:
    if len(text) > 40 or any(ch.isspace() for ch in text):
        raise ValueError(text)
    return text


def _zone(text: str) -> str:
    return _code(text).upper()


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _local_to_utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)  # a naive value is taken as station-local time


def _cutoff(text: str, today: Callable[[], dt.date] = dt.date.today) -> dt.datetime:
    found = _TIME.match(text)
    if found:
        hour, minute = int(found[1]), int(found[2])
        return _local_to_utc(dt.datetime.combine(today(), dt.time(hour, minute)))
    if not re.match(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}$", text):
        raise ValueError(text)
    day, time = re.split(r"[ T]", text)
    hour, minute = (int(part) for part in time.split(":"))
    return _local_to_utc(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute)))


FIELDS: tuple[RuleField, ...] = (
    RuleField("carrier", N_("Carrier"), N_("a carrier code, like UPS"), _code, N_("UPS")),
    RuleField(
        "cutoff_before",
        N_("Cut-off before"),
        N_("a date and time like 2026-06-01 15:00, or a time like 15:00 for today"),
        _cutoff,
        N_("YYYY-MM-DD HH:MM"),
    ),
    RuleField(
        "min_priority",
        N_("Min priority"),
        N_("a whole number, like 5 (higher is more urgent)"),
        _priority,
        N_("N"),
    ),
    RuleField(
        "ship_by_before",
        N_("Ship by before"),
        N_("a date like 2026-06-01"),
        _date,
        N_("YYYY-MM-DD"),
    ),
    RuleField("zone", N_("Zone"), N_("a zone code of this warehouse, like PCK"), _zone, N_("PCK")),
    RuleField("max_orders", N_("Max orders"), N_("a whole number above zero"), _whole, N_("N")),
    RuleField("max_lines", N_("Max lines"), N_("a whole number above zero"), _whole, N_("N")),
    RuleField(
        "max_volume_l",
        N_("Max volume (l)"),
        N_("litres above zero, like 250"),
        _litres,
        N_("litres"),
    ),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}


def parse_field(name: str, text: str) -> Any:
    """The value of one rule keyed as `text`; InvalidInput naming what was expected."""
    field = FIELDS_BY_NAME[name]
    cleaned = text.strip()
    try:
        if not cleaned:
            raise ValueError(text)
        return field.parse(cleaned)
    except ValueError:
        expected = _(field.expected)
        raise InvalidInput(
            _(
                "{field}: expected {expected}, got {value}",
                field=_(field.label),
                expected=expected,
                value=cleaned or "''",
            ),
            expected=expected,
        ) from None


def rules_from(values: Mapping[str, Any]) -> WaveRules:
    """WaveRules from parsed field values (missing or None: the rule does not filter)."""
    return WaveRules(**{f.name: values.get(f.name) for f in FIELDS})


def shown(name: str, value: Any) -> str:
    """A parsed value as the form shows it (times back in station-local time)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
