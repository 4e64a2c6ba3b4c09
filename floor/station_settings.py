"""Every setting a station reads, checked when the station starts.

Each flow reads its own section when it needs it: `[receiving]` at the first receipt,
`[packing]` at the first close, `[scale]` when the pack bench opens. A typo there used to
show only then, as a refused scan in the middle of a shift. `check_station_settings` reads
them all at start-up, through the same `from_section` each flow uses, and raises one
ConfigError naming every bad setting, so `floor` refuses to start with a message to fix
the configuration file instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from floor.config import ConfigError, Settings


def _readers() -> list[tuple[str, Callable[[dict[str, Any]], object]]]:
    from floor.board.settings import BoardSettings
    from floor.devices.scale import ScaleSettings
    from floor.devices.wedge import WedgeSettings
    from floor.inbound.receiving_checks import ReceivingPolicy
    from floor.logins import LockoutPolicy
    from floor.outbound.pack_settings import PackingSettings
    from floor.scanning.language import ScanLanguage
    from floor.stock.adjustments import AdjustPolicy
    from floor.stock.move_tasks import CheckPolicy

    def scale(section: dict[str, Any]) -> object:
        return ScaleSettings.from_section(section) if section.get("port") else None

    return [
        ("login", LockoutPolicy.from_section),
        ("scan_language", ScanLanguage.from_section),
        ("receiving", ReceivingPolicy.from_section),
        ("putaway", CheckPolicy.from_section),
        ("adjust", AdjustPolicy.from_section),
        ("packing", PackingSettings.from_section),
        ("board", BoardSettings.from_section),
        ("wedge", WedgeSettings.from_section),
        ("scale", scale),
    ]


def check_station_settings(
    settings: Settings, station: str | None = None, *, printer: bool = True
) -> None:
    """Raise ConfigError naming every section that a flow of `station` would refuse.

    `printer=False` leaves out `[printer]`/`[printers.X]`: reading them imports
    floor.printing, which the app loads only after the login screen is up (`floor` checks
    them before it starts the app, floor/commands/run.py)."""
    problems: list[str] = []
    for name, read in _readers():
        try:
            read(settings.section(name))
        except ConfigError as exc:
            problems.append(str(exc))
    if printer:
        from floor.printing.settings import load_printer_settings

        try:
            load_printer_settings(settings, station or settings.station)
        except ConfigError as exc:
            problems.append(str(exc))
    if problems:
        where = settings.source or "the configuration"
        raise ConfigError(
            f"{where}: {len(problems)} setting(s) to fix before the station starts:\n  "
            + "\n  ".join(problems)
        )
