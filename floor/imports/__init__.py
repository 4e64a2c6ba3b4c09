"""Importing items, locations, orders, purchase orders and carton types from CSV, JSON and
Shopify exports.

Reading and validating a file is pure (no database) and yields plain records plus every
`ImportProblem` found; only a file with no problems, whose references all resolve, is
written, in one transaction. `run_import` is the entry point.
"""

from __future__ import annotations

from floor.imports.problems import ImportProblem, ImportRejected
from floor.imports.runner import KINDS, ImportOutcome, run_import

__all__ = ["KINDS", "ImportOutcome", "ImportProblem", "ImportRejected", "run_import"]
