"""New LPNs at receiving, a part of the receiving screen (floor/screens/receiving.py).

F4 makes a new LPN (floor.inbound.receiving.create_lpn); the following items go onto it.
When the station has a printer, its label is rendered and queued in a thread worker (the
scan flow never waits for the printer; a failed print shows in red); without one the
screen shows the code to write on the pallet.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING, Any

from floor.i18n import _

if TYPE_CHECKING:
    from floor.inbound.receiving import LpnCreated

log = logging.getLogger(__name__)


class LpnLabels:
    """The new-LPN part of ReceivingScreen (a mixin: it uses the screen's state and calls)."""

    lpn: str | None

    def lpn_made(self, made: LpnCreated) -> None:
        screen: Any = self
        self.lpn = made.code
        screen.go("item")
        service = getattr(screen.floor_app, "print_service", None)
        if service is None:
            screen.accept(_("New LPN {lpn}: write it on the pallet", lpn=made.code))
            return
        self.print_lpn_label(service, made)
        screen.accept(_("New LPN {lpn}: its label is printing", lpn=made.code))

    def print_lpn_label(self, service: Any, made: LpnCreated) -> None:
        """Render and queue the LPN label in a thread; the print service delivers it."""
        screen: Any = self
        data = {k: made.print_request.get(k, "") for k in ("lpn", "kind", "warehouse", "location")}
        app, lang = screen.floor_app, screen.station.language

        def run() -> None:
            from floor.i18n import language
            from labels.model import LpnLabel

            with language(lang):
                try:
                    service.print_label(LpnLabel(**data), references=(made.code,))
                except Exception as exc:
                    log.exception("LPN label %s not printed", made.code)
                    text = _("Label of {lpn} not printed: {error}", lpn=made.code, error=exc)
                    with contextlib.suppress(RuntimeError):  # the app is shutting down
                        app.call_from_thread(self.label_failed, text)

        app.run_worker(run, thread=True, group="print", exit_on_error=False)

    def label_failed(self, text: str) -> None:
        screen: Any = self
        with screen.in_language():
            screen.reject(text)
