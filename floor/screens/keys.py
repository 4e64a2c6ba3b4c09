"""The keys a screen shows in its footer: the key's name and what it does on that screen.

Each screen shows only the keys it answers to, declared, not drawn: a flow screen maps its
steps to their keys in `KEYS` (the step "" stands for every step not named), and a screen
whose keys depend on more than its step overrides `keys()`. The footer is redrawn whenever
the prompt changes, so it follows the step by itself. A new screen writes, say:

    KEYS = {"": (keys.BACK,), PACKING: (Key("F2", N_("Close carton")), keys.QUANTITY, keys.BACK)}

Key names that are words (Enter, Esc, Del) are translated like the prompts; F-keys, `*` and
arrows are not. On a 40-column RF gun the short labels are used and, if the keys still do
not fit, the last ones are left out, except those marked `keep` (Esc, Ctrl+Q): a way back
and a way out are always shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from floor.i18n import N_, _


@dataclass(frozen=True)
class Key:
    """A footer entry. `name` and the labels are msgids (N_); F-key names stay as they are."""

    name: str
    label: str
    short: str = ""  # the label at 40 columns; "" = the label
    keep: bool = False  # never left out when the footer is too narrow

    def shown(self, compact: bool) -> tuple[str, str, bool]:
        """(name, label, keep), translated, for KeyHints."""
        label = self.short if compact and self.short else self.label
        return _(self.name), _(label), self.keep


# i18n: the name of a key in the footer, as printed on the keyboard
ENTER = N_("Enter")
# i18n: the name of a key in the footer, as printed on the keyboard
ESC = N_("Esc")
# i18n: the name of a key in the footer, as printed on the keyboard (Delete)
DEL = N_("Del")
# i18n: the name of a key in the footer, as printed on the keyboard
CTRL_Q = N_("Ctrl+Q")

BACK = Key(ESC, N_("Back"), keep=True)
LOG_OUT = Key(ESC, N_("Log out"), keep=True)
QUIT = Key(CTRL_Q, N_("Quit"), keep=True)
ENTER_OK = Key(ENTER, N_("OK"))
QUANTITY = Key("*", N_("Qty"))  # the quantity key (F6 too), where the step asks for a code
CHOOSE = Key("↑↓", N_("Choose"))
REFRESH = Key("F5", N_("Refresh"))
