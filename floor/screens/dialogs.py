"""Dialogs over a station screen: asking before the station program quits.

Ctrl+C asks (QuitDialog): the yes key (Y, or the language's own letter: O in French, Д in
Serbian) or Ctrl+C again quits; N, Esc or F10 goes back to the screen as it was. Enter
answers nothing, so a scan that ends in Enter cannot quit the station. Ctrl+Q quits at once.
While a dialog is shown, scans wait (the app hands them to the station screen afterwards).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from floor.i18n import N_, _, language

if TYPE_CHECKING:
    from floor.app import FloorApp

# i18n: the key that answers "yes" in a yes/no question: one letter
YES_LETTER = N_("y")
# i18n: the key that answers "no" in a yes/no question: one letter
NO_LETTER = N_("n")


class QuitDialog(ModalScreen[bool]):
    """Quit the station program? Dismissed with True (quit) or False (stay)."""

    DEFAULT_CSS = """
    QuitDialog {
        align: center middle;
        background: $background 60%;
    }
    QuitDialog > Vertical {
        width: auto;
        max-width: 90%;
        height: auto;
        padding: 0 1;
        border: heavy $warning;
        background: $panel;
    }
    QuitDialog #question {
        text-style: bold;
    }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="question")
            yield Static("", id="answers")

    def on_mount(self) -> None:
        app: FloorApp = self.app  # type: ignore[assignment]
        with language(app.station.language):
            yes, no = _(YES_LETTER).upper(), _(NO_LETTER).upper()
            self.query_one("#question", Static).update(_("Quit floor at this station?"))
            self.query_one("#answers", Static).update(
                _("{yes} quit   {no} or Esc stay", yes=yes, no=no)
            )
            self._yes = {"y", _(YES_LETTER).lower()}
            self._no = {"n", _(NO_LETTER).lower()}

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        char = (event.character or "").lower()
        if event.key == "ctrl+c" or char in self._yes:
            self.dismiss(True)
        elif event.key in ("escape", "f10") or char in self._no:
            self.dismiss(False)
