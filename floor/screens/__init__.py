"""Station screens: the shell (login, menu) and one module per floor flow.

A flow is a `FlowScreen` subclass (floor/screens/flow.py) in any module of this package;
`discover_flows()` imports the modules and finds them, so adding a flow is adding a module.
A module that fails to import is logged and left out; the station keeps working.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from floor.screens.flow import FlowScreen

log = logging.getLogger(__name__)

SHELL_MODULES = frozenset(
    {"base", "dialogs", "flow", "keys", "login", "menu", "widgets", "scan_capture"}
)


@cache
def discover_flows() -> tuple[type[FlowScreen], ...]:
    """Every flow screen in floor.screens, by MENU_ORDER then FLOW."""
    from floor.screens.flow import FlowScreen

    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in SHELL_MODULES:
            continue
        try:
            importlib.import_module(f"{__name__}.{info.name}")
        except Exception:
            log.exception("flow module floor.screens.%s could not be loaded", info.name)
    found: dict[str, type[FlowScreen]] = {}
    pending = list(FlowScreen.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.FLOW and cls.__module__.startswith(f"{__name__}.") and cls.FLOW not in found:
            found[cls.FLOW] = cls
    return tuple(sorted(found.values(), key=lambda cls: (cls.MENU_ORDER, cls.FLOW)))


def flows_for(roles: Iterable[str]) -> list[type[FlowScreen]]:
    """The flows an operator with these (effective) roles sees in the menu."""
    held = set(roles)
    return [flow for flow in discover_flows() if not flow.ROLES or held & set(flow.ROLES)]
