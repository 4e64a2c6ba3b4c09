"""Bills of materials: read kit rows (CSV or JSON) into records, then replace the kits' bills.

A row is one component of one kit: kit_sku, component_sku, quantity (per kit, at least 1).
The rows of a kit in the file are its whole bill: it replaces what the database had. Every
SKU must be an item already; a kit may hold another kit, but no kit may contain itself,
directly or through another kit (checked against every bill, the file's in place of the
database's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.i18n import _
from floor.imports.fields import Fields
from floor.imports.problems import ImportProblem, Problems
from floor.imports.source import Source
from floor.kitting import bom
from floor.models import Item, KitComponent

REQUIRED = ("kit_sku", "component_sku", "quantity")


@dataclass
class KitRecord:
    line: int
    kit_sku: str
    component_sku: str
    quantity: int


def parse(table: Source, advance: Callable[[], None] = lambda: None) -> list[KitRecord]:
    problems = table.problems
    if table.columns:
        table.require_columns(REQUIRED)
        if problems:
            return []
    records: list[KitRecord] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        advance()
        f = Fields(table.file, row, problems)
        before = len(f.problems)
        kit = f.text("kit_sku", Item.sku, required=True).strip()
        component = f.text("component_sku", Item.sku, required=True).strip()
        quantity = f.integer("quantity", KitComponent.quantity, required=True, minimum=1)
        if len(f.problems) > before or quantity is None:
            continue
        if kit == component:
            f.problem("component_sku", _("a component other than the kit itself"), component)
            continue
        if (kit, component) in seen:
            f.problem(
                "component_sku",
                _("a component not already on line {line}", line=seen[(kit, component)]),
                component,
            )
            continue
        seen[(kit, component)] = row.line
        records.append(KitRecord(row.line, kit, component, quantity))
    return records


@dataclass
class KitsApplied:
    kits: int = 0
    components: int = 0


def apply(
    session: Session,
    file: str,
    records: list[KitRecord],
    problems: Problems,
    advance: Callable[[], None] = lambda: None,
) -> KitsApplied:
    """Resolve the SKUs, check for a kit inside itself, and replace each kit's bill."""
    skus = {r.kit_sku for r in records} | {r.component_sku for r in records}
    ids = dict(session.execute(select(Item.sku, Item.id).where(Item.sku.in_(skus))).all())
    for record in records:
        for name, sku in (("kit_sku", record.kit_sku), ("component_sku", record.component_sku)):
            if sku not in ids:
                problems.append(ImportProblem(file, record.line, name, _("a SKU of an item"), sku))
    if problems:
        return KitsApplied()
    given: dict[str, dict[str, int]] = {}
    first_line: dict[str, int] = {}
    for record in records:
        given.setdefault(record.kit_sku, {})[record.component_sku] = record.quantity
        first_line.setdefault(record.kit_sku, record.line)
    bills = {**bom.all_bills(session), **given}
    cycle = bom.find_cycle(bills)
    if cycle:
        kit = next((sku for sku in cycle if sku in given), cycle[0])
        at = cycle.index(kit)
        cycle = [*cycle[at:-1], *cycle[:at], kit]  # from the file's kit round to it
        problems.append(
            ImportProblem(
                file,
                first_line.get(kit, records[0].line if records else 1),
                "component_sku",
                _("a kit that does not contain itself: {path}", path=" → ".join(cycle)),
                kit,
            )
        )
        return KitsApplied()
    for _record in records:
        advance()
    bom.replace_bills(
        session,
        {
            ids[kit]: {ids[comp]: qty for comp, qty in components.items()}
            for kit, components in given.items()
        },
    )
    return KitsApplied(kits=len(given), components=len(records))
