"""Count approval (supervisors): the counts waiting for a decision, with expected, counted and
difference. Scan a location (or move with the arrow keys) to choose one; F2 approves it (the
stock is adjusted by the difference), F3 rejects it (a new count is made); F5 refreshes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen, Keyed
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.scanning import Scan
    from floor.stock.counting import CountOutcome

KEYS = (Key("F2", N_("Approve")), Key("F3", N_("Reject")), keys.REFRESH, keys.CHOOSE, keys.BACK)


class CountApprovalScreen(FlowScreen):
    FLOW: ClassVar[str] = "count_approval"
    TITLE: ClassVar[str] = N_("Count approval")
    ROLES: ClassVar[tuple[str, ...]] = ("supervisor", "admin")
    MENU_ORDER: ClassVar[int] = 410
    KEYED: ClassVar[dict[str, Keyed]] = {"": Keyed.NUMBER}  # digits choose a row
    KEYS: ClassVar[dict[str, tuple[Key, ...]]] = {"": KEYS}

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.selected = 0

    def on_mount(self) -> None:
        with self.in_language():
            self.render_rows()
        self.load()

    def load(self, then: str | None = None) -> None:
        from floor.stock import counting

        warehouse, actor = self.station.warehouse_id, self.station.actor

        def got(rows: list[dict[str, Any]]) -> None:
            self.rows = rows
            self.selected = min(self.selected, max(len(rows) - 1, 0))
            self.render_rows()
            if then:
                self.accept(then)

        self.call_service(lambda s: counting.pending_approvals(s, warehouse, actor=actor), got)

    @property
    def current(self) -> dict[str, Any] | None:
        return self.rows[self.selected] if 0 <= self.selected < len(self.rows) else None

    def render_rows(self) -> None:
        row = self.current
        if row is None:
            self.prompt(_("No counts waiting for approval"), _("F5 look again"))
            self.show_lines([])
            return
        self.prompt(
            _("{location} {sku}: approve?", location=row["location"], sku=row["sku"]),
            _("F2 approve, F3 reject, or scan a location"),
        )
        compact = self.floor_app.compact
        lines = (
            []
            if compact
            else [f"  {_('Location'):<12} {_('Item'):<14} {'±':>6}  {_('expected/counted')}"]
        )
        head = len(lines)
        for n, r in enumerate(self.rows):
            mark = ">" if n == self.selected else " "
            what = f"{r['sku']} {r['lot']}".strip() + (" ADPR" if r.get("extra") else "")
            variance = f"{r['variance']:+d}" if isinstance(r["variance"], int) else "?"
            if compact:
                lines.append(f"{mark}{r['location'][:10]:<10} {what[:14]:<14} {variance:>5}")
            else:
                lines.append(
                    f"{mark} {r['location']:<12} {what[:14]:<14} {variance:>6}  "
                    f"({r['expected']}/{r['counted']})"
                )
        self.show_lines(lines, selected=self.selected, head=head)

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        if scan.kind is ScanKind.LOCATION and scan.code:
            for n, row in enumerate(self.rows):
                if row["location"] == scan.code:
                    self.selected = n
                    self.render_rows()
                    self.accept(_("{location} {sku}", location=row["location"], sku=row["sku"]))
                    return
            self.reject(
                _("No count waits for approval at {location}", location=scan.code),
                ", ".join(sorted({r["location"] for r in self.rows})) or None,
            )
        else:
            super().on_scan(scan, raw)

    def handle_other_key(self, key: str) -> None:
        if key in ("up", "down") and self.rows:
            step = -1 if key == "up" else 1
            self.selected = (self.selected + step) % len(self.rows)
            with self.in_language():
                self.render_rows()

    def decide(self, approve: bool) -> None:
        from floor.stock import counting

        row = self.current
        if row is None:
            self.reject(_("No counts waiting for approval"))
            return
        task_id, actor = int(row["task_id"]), self.station.actor

        def decided(outcome: CountOutcome) -> None:
            words = (
                _("{location} {sku}: approved, stock corrected", **_where(row))
                if approve
                else _("{location} {sku}: rejected, a new count will follow", **_where(row))
            )
            self.load(then=words)

        self.call_service(
            lambda s: counting.approve_count(s, task_id, actor=actor, approve=approve), decided
        )

    def on_command(self, command: Command, quantity: int | None) -> None:
        if command is Command.CONFIRM:
            self.decide(True)
        elif command is Command.SHORT:
            self.decide(False)
        elif command is Command.DONE:
            self.load()
        elif command is Command.QUANTITY and quantity and 1 <= quantity <= len(self.rows):
            self.selected = quantity - 1
            self.render_rows()
        else:
            super().on_command(command, quantity)


def _where(row: dict[str, Any]) -> dict[str, str]:
    return {"location": row["location"], "sku": row["sku"]}
