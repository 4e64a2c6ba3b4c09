"""Operators (admins): list the site's operators, add one, set a PIN, roles or language, disable
or enable one. Thin: every change is a service of floor/operator_admin.py, recorded in the
admin audit with this admin and station.

The list: arrows move, a scanned (or keyed) badge or F2 chooses an operator, F3 adds one.
A chosen operator: key 1 new PIN, 2 roles, 3 language, 4 disable or enable. Roles: key a
role's number to switch it on or off, F2 saves. A PIN is keyed twice, masked, never
journaled, and the operator changes it at their next login. Esc goes back one step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import LANGUAGES, N_, _
from floor.models import Role
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.admin_audit import ChangedBy
    from floor.app import ScanTicket
    from floor.devices import RawScan
    from floor.errors import FloorError
    from floor.operator_admin import OperatorView
    from floor.scanning import Scan

LIST = "list"
CHOSEN = "chosen"
PIN = "pin"
PIN_AGAIN = "pin_again"
ROLES = "roles"
LANGUAGE = "language"
ACTIVE = "active"
NEW_BADGE = "new_badge"
NEW_NAME = "new_name"
NEW_ROLES = "new_roles"
NEW_LANGUAGE = "new_language"
NEW_PIN = "new_pin"
NEW_PIN_AGAIN = "new_pin_again"

PIN_STEPS = (PIN, PIN_AGAIN, NEW_PIN, NEW_PIN_AGAIN)
TYPED_STEPS = (*PIN_STEPS, NEW_NAME)
ALL_ROLES = tuple(r.value for r in Role)
ACTIONS = (N_("New PIN"), N_("Roles"), N_("Language"))


class OperatorAdminScreen(FlowScreen):
    FLOW: ClassVar[str] = "operators"
    TITLE: ClassVar[str] = N_("Operators")
    ROLES: ClassVar[tuple[str, ...]] = (Role.ADMIN.value,)
    MENU_ORDER: ClassVar[int] = 900

    def __init__(self) -> None:
        super().__init__()
        self.step = LIST
        self.operators: list[OperatorView] = []
        self.selected = 0
        self.chosen: OperatorView | None = None
        self.draft: dict[str, Any] = {}
        self.roles: set[str] = set()
        self._pin: str | None = None

    @property
    def by(self) -> ChangedBy:
        from floor.admin_audit import ChangedBy

        return ChangedBy(self.station.operator_id, self.station.station_code)

    def on_mount(self) -> None:
        self.load()

    # Steps and what they show.

    def go(self, step: str) -> None:
        self.step = step
        self.entry = ""
        if step not in (PIN_AGAIN, NEW_PIN_AGAIN):
            self._pin = None
        with self.in_language():
            self.refresh_texts()

    def refresh_texts(self) -> None:
        self.TYPED_ONLY = self.step in TYPED_STEPS  # type: ignore[misc]
        self.MASK_ENTRY = self.step in PIN_STEPS  # type: ignore[misc]
        self.ENTRY_LABEL = (  # type: ignore[misc]
            N_("PIN:")
            if self.step in PIN_STEPS
            else N_("Name:")
            if self.step == NEW_NAME
            else N_("Badge:")
            if self.step in (LIST, NEW_BADGE)
            else N_("Key in:")
        )
        super().refresh_texts()
        self.render_step()

    def keys(self) -> Sequence[Key]:
        if self.step == LIST:
            return (Key("F2", N_("Open")), Key("F3", N_("Add")), keys.CHOOSE, keys.BACK)
        if self.step in (ROLES, NEW_ROLES):
            return (Key("1-7", N_("On/off")), Key("F2", N_("Save")), keys.BACK)
        if self.step == ACTIVE:
            return (Key("F2", N_("Confirm")), keys.BACK)
        return (keys.ENTER_OK, keys.BACK)

    def render_step(self) -> None:
        render = getattr(self, f"_render_{self.step}", None)
        if render is not None:
            render()

    def _render_list(self) -> None:
        self.prompt(
            _("Scan the badge of an operator, or choose one"),
            _("F2 choose, F3 add an operator, Esc back"),
        )
        compact = self.floor_app.compact
        visible = 7 if compact else 12
        first = max(0, self.selected - visible + 1)
        lines = []
        for n, op in enumerate(self.operators[first : first + visible], start=first):
            mark = ">" if n == self.selected else " "
            state = "" if op.active else " " + _("(disabled)")
            if compact:
                lines.append(f"{mark}{op.badge[:10]:<10} {op.name[:16]}{state}")
            else:
                lines.append(
                    f"{mark} {op.badge:<12} {op.name[:22]:<22} {op.roles[:26]:<26} "
                    f"{op.language}{state}"
                )
        if not self.operators:
            lines.append(_("No operators yet: F3 adds one"))
        self.show_lines(lines)

    def _operator_lines(self, op: OperatorView) -> list[str]:
        lines = [f"{op.badge}  {op.name}", f"{_('Roles')}: {op.roles}"]
        lines.append(f"{_('Language')}: {LANGUAGES.get(op.language, op.language)}")
        state = _("active") if op.active else _("disabled")
        if op.must_change_pin:
            state += ", " + _("PIN to change at next login")
        lines.append(state)
        return lines

    def _render_chosen(self) -> None:
        op = self.chosen
        if op is None:
            return
        self.prompt(
            _("What to change for {name}?", name=op.name), _("Key a number; Esc back to the list")
        )
        actions = [_(a) for a in ACTIONS] + [_("Enable") if not op.active else _("Disable")]
        lines = [*self._operator_lines(op), ""]
        lines += [f"{n} {action}" for n, action in enumerate(actions, start=1)]
        self.show_lines(lines)

    def _render_pin(self) -> None:
        name = self.chosen.name if self.chosen else ""
        self.prompt(
            _("Key in a new PIN for {name}", name=name),
            _("4 to 12 digits; they choose their own at their next login"),
        )
        self.show_lines([])

    def _render_pin_again(self) -> None:
        self.prompt(_("Key in the new PIN again"), _("Esc to start again"))
        self.show_lines([])

    _render_new_pin = _render_pin
    _render_new_pin_again = _render_pin_again

    def _render_roles(self) -> None:
        name = self.chosen.name if self.chosen and self.step == ROLES else self.draft.get("name")
        self.prompt(
            _("Roles of {name}", name=name or ""),
            _("Key a role's number to switch it on or off; F2 saves"),
        )
        self.show_lines(
            [
                f"{n} {'✔' if role in self.roles else '·'} {role}"
                for n, role in enumerate(ALL_ROLES, start=1)
            ]
        )

    _render_new_roles = _render_roles

    def _render_language(self) -> None:
        self.prompt(_("Language of the screens"), _("Key its number"))
        self.show_lines(
            [f"{n} {name} ({code})" for n, (code, name) in enumerate(LANGUAGES.items(), start=1)]
        )

    _render_new_language = _render_language

    def _render_active(self) -> None:
        op = self.chosen
        if op is None:
            return
        question = (
            _("Disable {name}? They can no longer log in", name=op.name)
            if op.active
            else _("Enable {name}? They can log in again", name=op.name)
        )
        self.prompt(question, _("F2 yes, Esc no"))
        self.show_lines(self._operator_lines(op))

    def _render_new_badge(self) -> None:
        self.prompt(_("Scan or key in the new operator's badge"), _("Esc back to the list"))
        self.show_lines([])

    def _render_new_name(self) -> None:
        self.prompt(
            _("Key in the name of {badge}", badge=self.draft.get("badge", "")),
            _("then Enter"),
        )
        self.show_lines([])

    # Loading and choosing.

    def load(self, then: str | None = None, select_badge: str | None = None) -> None:
        from floor.operator_admin import list_operators

        operator_id = self.station.operator_id

        def got(operators: list[OperatorView]) -> None:
            self.operators = operators
            badges = [op.badge for op in operators]
            if select_badge in badges:
                self.selected = badges.index(select_badge)  # type: ignore[arg-type]
            self.selected = min(self.selected, max(len(operators) - 1, 0))
            if self.chosen is not None:
                self.chosen = next((op for op in operators if op.badge == self.chosen.badge), None)
            with self.in_language():
                self.render_step()
            if then:
                self.accept(then)

        self.call_service(lambda s: list_operators(s, operator_id), got)

    def choose(self, badge: str) -> None:
        op = next((op for op in self.operators if op.badge == badge), None)
        if op is None:
            self.reject(_("No operator has badge {badge}", badge=badge), _("an operator's badge"))
            return
        self.selected = self.operators.index(op)
        self.chosen = op
        self.go(CHOSEN)

    # Scans, keys and commands.

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        if scan.ok and scan.kind is ScanKind.BADGE and scan.code:
            self.badge_given(scan.code)
            if ticket.outcome is None and not ticket.pending:
                ticket.accept(scan.describe())
            return
        super().handle_scan(scan, raw, ticket)

    def badge_given(self, badge: str) -> None:
        if self.step == LIST:
            self.choose(badge)
        elif self.step == NEW_BADGE:
            self.new_badge(badge)
        else:
            self.reject(_("No badge is asked for here"), self.expected_text or None)

    def handle_typed(self, text: str) -> None:
        if self.step in PIN_STEPS:
            self.pin_typed(text)
        elif self.step == NEW_NAME:
            self.name_typed(text)
        elif self.step in (LIST, NEW_BADGE) and not text.isdigit():
            self.badge_given(text.strip().upper())
        else:
            super().handle_typed(text)

    def handle_other_key(self, key: str) -> None:
        if self.step == LIST and key in ("up", "down") and self.operators:
            step = -1 if key == "up" else 1
            self.selected = (self.selected + step) % len(self.operators)
            with self.in_language():
                self.render_step()

    def on_command(self, command: Command, quantity: int | None) -> None:
        step = self.step
        if command is Command.CANCEL:
            self.back()
        elif command is Command.CONFIRM and step == LIST and self.operators:
            self.choose(self.operators[self.selected].badge)
        elif command is Command.SHORT and step == LIST:
            self.draft = {}
            self.roles = set()
            self.go(NEW_BADGE)
        elif command is Command.CONFIRM and step in (ROLES, NEW_ROLES):
            self.roles_done()
        elif command is Command.CONFIRM and step == ACTIVE:
            self.switch_active()
        elif command is Command.QUANTITY and quantity is not None:
            self.number(quantity)
        else:
            super().on_command(command, quantity)

    def back(self) -> None:
        step = self.step
        if step == LIST:
            self.leave()
        elif step in (PIN, PIN_AGAIN, ROLES, LANGUAGE, ACTIVE):
            self.go(CHOSEN)
        else:
            self.chosen = None
            self.go(LIST)

    def number(self, n: int) -> None:
        step = self.step
        if step == CHOSEN and self.chosen is not None:
            if not 1 <= n <= 4:
                self.reject(_("There is no choice {number}", number=n), _("1, 2, 3 or 4"))
            elif n == 1:
                self.go(PIN)
            elif n == 2:
                self.roles = set(self.chosen.roles.split())
                self.go(ROLES)
            else:
                self.go(LANGUAGE if n == 3 else ACTIVE)
        elif step in (ROLES, NEW_ROLES):
            if not 1 <= n <= len(ALL_ROLES):
                self.reject(
                    _("There is no role {number}", number=n),
                    _("a number from 1 to {last}", last=len(ALL_ROLES)),
                )
                return
            self.roles ^= {ALL_ROLES[n - 1]}
            with self.in_language():
                self.render_step()
        elif step in (LANGUAGE, NEW_LANGUAGE):
            codes = list(LANGUAGES)
            if not 1 <= n <= len(codes):
                self.reject(
                    _("There is no language {number}", number=n),
                    _("a number from 1 to {last}", last=len(codes)),
                )
            elif step == LANGUAGE:
                self.change("set_language", codes[n - 1], _language_words)
            else:
                self.draft["language"] = codes[n - 1]
                self.go(NEW_PIN)
        else:
            self.reject(_("No number is asked for here"), self.expected_text or None)

    # Changes (each one service call).

    def change(self, service: str, value: Any, words: Any) -> None:
        """Call floor.operator_admin.<service>(session, badge, value, by=...) for the chosen
        operator; back to its actions with `words(operator)` in green."""
        from floor import operator_admin

        op = self.chosen
        if op is None:
            return
        call, badge, by = getattr(operator_admin, service), op.badge, self.by

        def done(updated: OperatorView) -> None:
            self.chosen = updated
            self.go(CHOSEN)
            self.load(then=words(updated))

        self.call_service(lambda s: call(s, badge, value, by=by), done, on_error=self._refused)

    def _refused(self, error: FloorError) -> None:
        if self.step in PIN_STEPS:
            self.go(PIN if self.step in (PIN, PIN_AGAIN) else NEW_PIN)
        self.reject(str(error), error.expected)

    def roles_done(self) -> None:
        if not self.roles:
            self.reject(_("An operator needs at least one role"), _("a role's number"))
            return
        roles = " ".join(sorted(self.roles))
        if self.step == NEW_ROLES:
            self.draft["roles"] = roles
            self.go(NEW_LANGUAGE)
            return
        self.change("set_roles", roles, _roles_words)

    def switch_active(self) -> None:
        from floor.operator_admin import disable_operator, enable_operator

        op = self.chosen
        if op is None:
            return
        service = disable_operator if op.active else enable_operator
        badge, by = op.badge, self.by

        def done(updated: OperatorView) -> None:
            self.chosen = updated
            words = (
                _("{name} can log in again", name=updated.name)
                if updated.active
                else _("{name} can no longer log in", name=updated.name)
            )
            self.go(CHOSEN)
            self.load(then=words)

        self.call_service(lambda s: service(s, badge, by=by), done, on_error=self._refused)

    def pin_typed(self, pin: str) -> None:
        from floor.operators import pin_problem

        if self._pin is None:
            problem = pin_problem(pin)
            if problem:
                self.reject(problem, _("a PIN of 4 to 12 digits"))
                return
            self._pin = pin
            self.go(PIN_AGAIN if self.step == PIN else NEW_PIN_AGAIN)
            return
        if pin != self._pin:
            self.go(PIN if self.step == PIN_AGAIN else NEW_PIN)
            self.reject(_("The two PINs differ: key in the new PIN again"), _("a new PIN"))
            return
        if self.step == PIN_AGAIN:
            self.change("set_pin", pin, _pin_words)
        else:
            self.add(pin)

    # Adding an operator: badge, name, roles, language, PIN twice.

    def new_badge(self, badge: str) -> None:
        from floor.operator_admin import normalise_badge, taken_badges

        language = self.station.scan_language

        def work(session: Any) -> tuple[str, str | None]:
            code = normalise_badge(badge, language)
            return code, taken_badges(session, [code]).get(code)

        def checked(result: tuple[str, str | None]) -> None:
            code, holder = result
            if holder is not None:
                self.reject(
                    _("Badge {badge} is already {name}'s", badge=code, name=holder),
                    _("a badge no operator has"),
                )
                return
            self.draft = {"badge": code}
            self.go(NEW_NAME)

        self.call_service(work, checked)

    def name_typed(self, text: str) -> None:
        from floor.errors import InvalidInput
        from floor.operator_admin import check_name

        try:
            self.draft["name"] = check_name(text)
        except InvalidInput as exc:
            self.reject(str(exc), exc.expected)
            return
        self.roles = set()
        self.go(NEW_ROLES)

    def add(self, pin: str) -> None:
        from floor.operator_admin import add_operator

        draft, by, language = dict(self.draft), self.by, self.station.scan_language

        def work(session: Any) -> OperatorView:
            return add_operator(
                session,
                badge=draft["badge"],
                name=draft["name"],
                pin=pin,
                roles=draft["roles"],
                language=draft.get("language", "en"),
                by=by,
                scan_language=language,
            )

        def added(op: OperatorView) -> None:
            self.draft = {}
            self.chosen = None
            self.go(LIST)
            self.load(
                then=_(
                    "{name} added ({badge}): they choose their own PIN at their first login",
                    name=op.name,
                    badge=op.badge,
                ),
                select_badge=op.badge,
            )

        self.call_service(work, added, on_error=self._refused)


def _language_words(op: OperatorView) -> str:
    return _("Language of {name}: {language}", name=op.name, language=op.language)


def _roles_words(op: OperatorView) -> str:
    return _("Roles of {name}: {roles}", name=op.name, roles=op.roles)


def _pin_words(op: OperatorView) -> str:
    return _("New PIN for {name}: they choose their own at their next login", name=op.name)
