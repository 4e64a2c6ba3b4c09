"""Countries as stores write them: an ISO 3166 code, or a name in English or the store's language.

Store exports write the ship-to country as a code ("FR") or as a name ("France", "United
States", "Србија", "États-Unis"). A name is looked up in two tables, both installed with
floor: pycountry's ISO 3166 names (English: short, official and common names, and the
three-letter codes) and Babel's CLDR territory names in the languages floor speaks and the
usual store languages (`LANGUAGES`). Names are compared case-folded, with spaces tidied;
a name two tables give different codes is left out rather than guessed. What no table knows
is refused, so a parcel never goes to a guessed country.
"""

from __future__ import annotations

import unicodedata
from functools import cache

import pycountry
from babel import Locale

# floor's own languages (English, French, Serbian in both scripts) and the languages most
# stores export in; CLDR names of each.
LANGUAGES = ("en", "fr", "sr", "sr_Latn", "de", "es", "it", "nl", "pt", "pl")
# Kosovo's code, in use by carriers and CLDR though not (yet) in ISO 3166-1.
EXTRA = frozenset({"XK"})
# Codes ISO 3166 reserves for a country written otherwise: UK is GB.
ALIASES = {"UK": "GB"}


def _key(name: str) -> str:
    text = unicodedata.normalize("NFC", name).casefold()
    return " ".join(text.replace("’", "'").split())


@cache
def _table() -> dict[str, str]:
    codes = {country.alpha_2 for country in pycountry.countries} | EXTRA
    found: dict[str, set[str]] = {}

    def add(name: str | None, code: str) -> None:
        if name:
            found.setdefault(_key(name), set()).add(code)

    for country in pycountry.countries:
        code = country.alpha_2
        add(country.alpha_3, code)
        add(country.name, code)
        add(getattr(country, "official_name", None), code)
        add(getattr(country, "common_name", None), code)
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if code in codes:
                add(name, code)
    return {key: next(iter(names)) for key, names in found.items() if len(names) == 1}


def country_code(value: str) -> str | None:
    """The two-letter ISO code for `value` (a code or a known name); None when unknown."""
    text = value.strip()
    if len(text) == 2 and text.isascii() and text.isalpha():
        code = ALIASES.get(text.upper(), text.upper())
        known = code in EXTRA or pycountry.countries.get(alpha_2=code) is not None
        return code if known else None
    return _table().get(_key(text))
