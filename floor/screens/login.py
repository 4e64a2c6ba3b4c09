"""Login: scan (or key in) a badge, then key in the PIN. F9 changes the screen's language.

The PIN is typed, never journaled: while it is asked for, even a fast burst of keys is
treated as typing. Three wrong PINs send the operator back to the badge step.

The badge step does not say whether a badge exists (no name, no "unknown badge"): badge and
PIN are checked together, and a wrong one of either gets the same refusal. A locked badge
(floor/logins.py: too many failed logins in a row, on any station) is refused at the badge
step already, with the time it may try again.

An operator whose PIN an admin set (a new one, a reset or an import) chooses their own
before the menu: the new PIN, then the same again, both masked and never journaled
(floor.operator_admin.change_own_pin). Esc there goes back to the badge step, not logged in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from floor.i18n import LANGUAGES, N_, _
from floor.scanning import ScanKind
from floor.screens import keys
from floor.screens.base import StationScreen
from floor.screens.keys import Key

if TYPE_CHECKING:
    from floor.app import ScanTicket
    from floor.db import Session
    from floor.devices import RawScan
    from floor.errors import FloorError
    from floor.logins import LoginRefused
    from floor.scanning import Scan
    from floor.station import OperatorLogin

MAX_PIN_TRIES = 3


class LoginScreen(StationScreen):
    SCREEN_NAME: ClassVar[str] = "login"
    ENTRY_LABEL: ClassVar[str] = N_("Badge:")

    def __init__(self, message: str | None = None, kind: str = "info") -> None:
        super().__init__()
        self.badge: str | None = None
        self.tries = 0
        # the first-login PIN change: the login waiting for it, the PIN given, the new one
        self.changing: OperatorLogin | None = None
        self._given_pin = ""
        self._new_pin: str | None = None
        self._language_before = "en"
        self.TYPED_ONLY = False  # type: ignore[misc]
        self._message = (message, kind)

    def on_mount(self) -> None:
        message, kind = self._message
        if message:
            self.feedback(message, kind)

    def screen_title(self) -> str:
        return _("floor · Station {station}", station=self.station.station_code)

    def keys(self) -> list[Key]:
        back = [keys.BACK] if self.badge is not None else []
        return [keys.ENTER_OK, *back, Key("F9", LANGUAGES[self.station.language]), keys.QUIT]

    def refresh_texts(self) -> None:
        super().refresh_texts()
        self._show_step()

    def _show_step(self) -> None:
        if self.badge is None:
            self.ENTRY_LABEL = N_("Badge:")  # type: ignore[misc]
            self.MASK_ENTRY = False  # type: ignore[misc]
            self.prompt(_("Scan your badge"), _("or key in your badge number and press Enter"))
            self.show_lines(self._demo_hint())
        elif self.changing is not None:
            self.ENTRY_LABEL = N_("New PIN:")  # type: ignore[misc]
            self.MASK_ENTRY = True  # type: ignore[misc]
            self.show_lines([])
            if self._new_pin is None:
                self.prompt(
                    _("Choose your own PIN"),
                    _(
                        "{name}, the PIN you were given works only once: key in a new one, "
                        "4 to 12 digits",
                        name=self.changing.name,
                    ),
                )
            else:
                self.prompt(_("Key in the new PIN again"), _("Esc to start again from your badge"))
        else:
            self.ENTRY_LABEL = N_("PIN:")  # type: ignore[misc]
            self.MASK_ENTRY = True  # type: ignore[misc]
            self.show_lines([])
            self.prompt(
                _("Key in your PIN"),
                _("Badge {badge}. Enter to log in, Esc to start again", badge=self.badge),
            )
        self.TYPED_ONLY = self.badge is not None  # type: ignore[misc]
        self._show_entry()

    def _demo_hint(self) -> list[str]:
        from floor.demo import DEMO_OPERATORS, DEMO_WAREHOUSE

        if self.station.warehouse_code != DEMO_WAREHOUSE:
            return []
        picker, admin = DEMO_OPERATORS[0], DEMO_OPERATORS[6]
        return [
            _("Demo warehouse: try badge {badge}, PIN {pin}", badge=picker.badge, pin=picker.pin),
            _(
                "or {badge}, PIN {pin} (admin); `floor demo` lists them all",
                badge=admin.badge,
                pin=admin.pin,
            ),
        ]

    # Badge step.

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: ScanTicket) -> None:
        if scan.kind is not ScanKind.BADGE or not scan.code:
            # "Not recognised: X is not a code this site uses" ends in a clause of its own
            self.reject(_("{scan}: not an operator badge", scan=scan.describe()), _("your badge"))
            return
        self.check_badge(scan.code)

    def check_badge(self, badge: str) -> None:
        """Ask for the PIN, unless the badge is locked (known or not: no hint either way)."""
        from floor.logins import lock_refusal

        def work(session: Session) -> LoginRefused | None:
            return lock_refusal(session, badge)

        def checked(refusal: LoginRefused | None) -> None:
            if refusal is not None:
                self.reject(str(refusal), _("your badge"))
                return
            self.badge = badge
            self.tries = 0
            self.entry = ""
            self._show_step()

        self.call_service(work, checked)

    def handle_typed(self, text: str) -> None:
        if self.badge is None:
            self.floor_app.inject_scan(text.strip().upper(), source="keyboard")
        elif self.changing is not None:
            self.new_pin_typed(text)
        else:
            self.submit_login(self.badge, text)

    # PIN step.

    def submit_login(self, badge: str, pin: str) -> None:
        """Check badge and PIN in a thread worker; on success the station session begins."""
        from floor.station import log_in

        code = self.station.station_code
        lockout = self.station.lockout
        self.badge = badge

        def work(session: Session) -> OperatorLogin | LoginRefused:
            return log_in(session, code, badge, pin, lockout)

        self._given_pin = pin
        self.call_service(work, self._login_checked, on_error=self._login_refused)

    def _login_checked(self, result: OperatorLogin | LoginRefused) -> None:
        from floor.logins import LoginRefused

        if isinstance(result, LoginRefused):
            self._login_refused(result)
        elif result.must_change_pin:
            self.changing = result
            self._new_pin = None
            self.entry = ""
            self._language_before = self.station.language
            self.station.language = result.language  # asked in the operator's language
            with self.in_language():
                self.refresh_texts()
        else:
            self._given_pin = ""
            self.floor_app.begin_session(result)

    # First login: the operator's own PIN, twice.

    def new_pin_typed(self, pin: str) -> None:
        from floor.operators import pin_problem

        login = self.changing
        if login is None:
            return
        if self._new_pin is None:
            problem = pin_problem(pin)
            if problem:
                self.reject(problem, _("a new PIN"))
                return
            if pin == self._given_pin:
                self.reject(_("Choose a PIN other than the one you were given"), _("a new PIN"))
                return
            self._new_pin = pin
            self._show_step()
            return
        if pin != self._new_pin:
            self._new_pin = None
            self._show_step()
            self.reject(_("The two PINs differ: choose your new PIN again"), _("a new PIN"))
            return
        from floor.operator_admin import change_own_pin

        given, code = self._given_pin, self.station.station_code

        def work(session: Session) -> None:
            change_own_pin(session, login.operator_id, given, pin, station=code)

        def changed(_result: None) -> None:
            self.changing = None
            self._given_pin = ""
            self._new_pin = None
            app = self.floor_app
            app.begin_session(login)
            with self.in_language():
                saved = _("Your new PIN is saved")
            app.screen.call_after_refresh(app.screen.feedback, saved, "accepted")  # type: ignore[attr-defined]

        def refused(error: FloorError) -> None:
            self._new_pin = None
            self._show_step()
            self.reject(str(error), error.expected)

        self.call_service(work, changed, on_error=refused)

    def _abandon_pin_change(self) -> None:
        """Esc while choosing a new PIN: back to the badge step, the station not in use."""
        from floor.station import log_out

        login, code = self.changing, self.station.station_code
        self.changing = None
        self._given_pin = ""
        self._new_pin = None
        self.badge = None
        self.entry = ""
        self.station.language = self._language_before
        self.query_one("#feedback").clear()  # type: ignore[attr-defined]
        with self.in_language():
            self.refresh_texts()
        if login is not None:
            self.call_service(lambda s: log_out(s, code, login.operator_id), lambda _r: None)

    def _login_refused(self, error: FloorError) -> None:
        self._given_pin = ""
        self.tries += 1
        expected = error.expected
        locked = getattr(error, "locked_until", None) is not None
        if self.tries >= MAX_PIN_TRIES or locked:
            self.badge = None
            self.tries = 0
            expected = _("your badge")  # the screen asks for the badge again, not the PIN
        self.entry = ""
        self._show_step()
        self.reject(str(error), expected)

    def handle_command(self, name: str, quantity: int | None = None) -> None:
        if name == "cancel" and self.changing is not None:
            self._abandon_pin_change()
        elif name == "cancel" and self.badge is not None:
            self.badge = None
            self.entry = ""
            self.query_one("#feedback").clear()  # type: ignore[attr-defined]
            self._show_step()

    def handle_other_key(self, key: str) -> None:
        if key == "f9":
            codes = list(LANGUAGES)
            station = self.station
            station.language = codes[(codes.index(station.language) + 1) % len(codes)]
            with self.in_language():
                self.refresh_texts()
