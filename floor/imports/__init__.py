"""Importing items, locations, orders, purchase orders and carton types from CSV, JSON and
Shopify exports.

Reading and validating a file is pure (no database) and yields plain records plus every
`ImportProblem` found; only a file with no problems, whose references all resolve, is
written, in one transaction. `run_import` is the entry point.

The runner is imported on first use (PEP 562), so `floor.imports.kinds` stays light for the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from floor.imports.kinds import KINDS
from floor.imports.problems import ImportProblem, ImportRejected

if TYPE_CHECKING:
    from floor.imports.runner import ImportOutcome, run_import

__all__ = ["KINDS", "ImportOutcome", "ImportProblem", "ImportRejected", "run_import"]


def __getattr__(name: str) -> Any:
    if name in ("ImportOutcome", "run_import"):
        from floor.imports import runner

        return getattr(runner, name)
    raise AttributeError(f"module 'floor.imports' has no attribute {name!r}")
