"""Label data from JSON-like dicts (for `floor labels render --data FILE.json`).

`from_dict(ShippingLabel, data)` builds the nested dataclasses; dates are ISO strings,
lists become tuples. A missing or mistyped field raises LabelDataError naming it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date
from typing import Any, get_args, get_origin, get_type_hints

from labels.errors import LabelDataError


def _convert(kind: Any, value: Any, where: str) -> Any:
    origin = get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = get_args(kind)
        if value is None and type(None) in options:
            return None
        inner = [o for o in options if o is not type(None)]
        return _convert(inner[0], value, where)
    if origin is typing.Literal:
        if value not in get_args(kind):
            allowed = ", ".join(repr(a) for a in get_args(kind))
            raise LabelDataError(where, f"expected one of {allowed}, got {value!r}")
        return value
    if origin is tuple:
        if not isinstance(value, list | tuple):
            raise LabelDataError(where, f"expected a list, got {value!r}")
        item_kind = get_args(kind)[0]
        if len(get_args(kind)) == 2 and get_args(kind)[1] is Ellipsis:
            return tuple(_convert(item_kind, v, f"{where}[{i}]") for i, v in enumerate(value))
        return tuple(
            _convert(k, v, f"{where}[{i}]")
            for i, (k, v) in enumerate(zip(get_args(kind), value, strict=False))
        )
    if dataclasses.is_dataclass(kind):
        return from_dict(kind, value, where)  # type: ignore[arg-type]
    if kind is date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise LabelDataError(where, f"expected a date like 2026-12-31, got {value!r}") from None
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise LabelDataError(where, f"expected a number, got {value!r}")
        return float(value)
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise LabelDataError(where, f"expected a whole number, got {value!r}")
        return value
    if kind is str:
        if not isinstance(value, str | int):
            raise LabelDataError(where, f"expected text, got {value!r}")
        return str(value)
    return value


def from_dict(cls: type, data: Any, where: str = "") -> Any:
    if not isinstance(data, dict):
        raise LabelDataError(where or cls.__name__, f"expected an object, got {data!r}")
    hints = get_type_hints(cls)
    values = {}
    names = {f.name for f in dataclasses.fields(cls)}
    for key in data:
        if key not in names:
            raise LabelDataError(f"{where}.{key}" if where else key, "unknown field")
    for f in dataclasses.fields(cls):
        path = f"{where}.{f.name}" if where else f.name
        if f.name not in data:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise LabelDataError(path, "is required")
            continue
        values[f.name] = _convert(hints[f.name], data[f.name], path)
    return cls(**values)


def to_dict(obj: Any) -> Any:
    """The inverse, for `floor labels sample --json`: dates as ISO strings."""
    if dataclasses.is_dataclass(obj):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, tuple | list):
        return [to_dict(v) for v in obj]
    if isinstance(obj, date):
        return obj.isoformat()
    return obj
