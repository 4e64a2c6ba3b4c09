"""What the API serves from features built elsewhere: purchasing's reorder suggestions.

Purchasing (forecasts, reorder suggestions) is its own package; the API asks for its
suggestions through `reorder_suggestions`, which looks for
`floor.purchasing.suggestions.suggest(session, warehouse_id)` and, when purchasing is not
installed, says so (the endpoint answers 501). Nothing here computes a suggestion.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import asdict, is_dataclass
from typing import Any

from sqlalchemy.orm import Session

SUGGESTIONS_MODULE = "floor.purchasing.suggestions"


class FeatureMissing(Exception):
    """The feature an endpoint serves is not part of this installation."""


def suggestions_available() -> bool:
    try:
        return importlib.util.find_spec(SUGGESTIONS_MODULE) is not None
    except ModuleNotFoundError:  # floor.purchasing itself is missing
        return False


def reorder_suggestions(session: Session, warehouse_id: int) -> list[dict[str, Any]]:
    """Purchasing's reorder suggestions for the warehouse, as plain JSON objects."""
    if not suggestions_available():
        raise FeatureMissing(SUGGESTIONS_MODULE)
    module = importlib.import_module(SUGGESTIONS_MODULE)
    found = module.suggest(session, warehouse_id)
    return [asdict(s) if is_dataclass(s) and not isinstance(s, type) else dict(s) for s in found]
