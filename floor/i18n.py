"""The translation function for every string an operator reads.

`_("Scan the location")` translates into the language of the current context (the operator
logged in at this station, or the configured default). Catalogs are the .po files under
floor/locale/<lang>/LC_MESSAGES/floor.po, compiled in memory with Babel on first use, so
no build step is needed. Languages: en (source), fr, sr (Serbian, Cyrillic).

Placeholders use str.format names: `_("Expected {location}").format(location=...)`, or
`_("Expected {location}", location=...)` which formats after translating.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "floor"
LANGUAGES = {"en": "English", "fr": "Français", "sr": "Српски"}
DEFAULT_LANGUAGE = "en"

_current: ContextVar[str] = ContextVar("floor_language", default=DEFAULT_LANGUAGE)
_process_default = [DEFAULT_LANGUAGE]


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if language == DEFAULT_LANGUAGE or not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=language)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def normalise_language(language: str | None) -> str:
    code = (language or DEFAULT_LANGUAGE).split("_")[0].split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def set_default_language(language: str | None) -> None:
    """The language used where no operator context set one (CLI, threads)."""
    _process_default[0] = normalise_language(language)
    _current.set(_process_default[0])


def current_language() -> str:
    return _current.get()


@contextmanager
def language(code: str | None) -> Iterator[None]:
    token = _current.set(normalise_language(code))
    try:
        yield
    finally:
        _current.reset(token)


def gettext_for(language_code: str, message: str) -> str:
    return _catalog(normalise_language(language_code)).gettext(message)


def _(message: str, /, **params: Any) -> str:
    text = _catalog(_current.get()).gettext(message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, /, **params: Any) -> str:
    text = _catalog(_current.get()).ngettext(singular, plural, n)
    return text.format(n=n, **params)


def N_(message: str) -> str:
    """Marks a string for translation where it is defined; translate it where it is shown."""
    return message


def by_status(
    status: str, sentences: Mapping[str, str], otherwise: str, label: str, **params: Any
) -> str:
    """The whole sentence (marked with N_) for `status`, translated; for a status without one,
    `otherwise` with `{status}` filled by `label` (so no translated word is glued into a
    sentence where a sentence of its own exists)."""
    sentence = sentences.get(status)
    return _(sentence, **params) if sentence else _(otherwise, status=label, **params)
