"""The shipped catalogs: every entry well-formed, placeholders kept, and fr/sr really switch."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from floor.i18n import LOCALE_DIR, _, language

CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/floor.po"))


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_catalogs_for_french_and_serbian_are_shipped() -> None:
    assert {path.parts[-3] for path in CATALOGS} >= {"fr", "sr"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_every_entry_is_well_formed(path: Path) -> None:
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=path.parts[-3])
    assert len(catalog) > 0
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(isinstance(m, str) and m.strip() for m in ids), message.id
        assert all(s for s in strings), f"untranslated: {message.id!r}"
        assert "fuzzy" not in message.flags, message.id
        for text in strings:
            assert _fields(text) == _fields(ids[0]), f"placeholders differ: {message.id!r}"
            params: dict[str, object] = {
                name: 0 if spec else "X"  # a number for a placeholder with a format spec
                for _, name, spec, _ in string.Formatter().parse(ids[0])
                if name is not None
            }
            text.format(**params)  # no stray braces


def test_serbian_is_cyrillic() -> None:
    with language("sr"):
        text = _("Scan your badge")
    assert text != "Scan your badge"
    assert all(not ("a" <= ch.lower() <= "z") for ch in text), text


@pytest.mark.parametrize(
    ("code", "expected"), [("en", "Scan your badge"), ("fr", "Scannez votre badge")]
)
def test_switching_language_changes_the_login_prompt(code: str, expected: str) -> None:
    with language(code):
        assert _("Scan your badge") == expected
        assert _("Operator badge {code}", code="OP1001").endswith("OP1001")


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_no_msgid_is_both_in_use_and_obsolete(path: Path) -> None:
    """msgfmt (and any gettext tool a translator uses) refuses a file defining a msgid twice."""
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=path.parts[-3])
    active = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert not active & set(catalog.obsolete)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_format_specs_are_kept(path: Path) -> None:
    """A placeholder's format spec ({byte:02X}) is kept in the translation, so numbers read
    the same in every language."""
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=path.parts[-3])

    def specs(text: str) -> set[tuple[str, str]]:
        return {(n, s) for _, n, s, _ in string.Formatter().parse(text) if n is not None and s}

    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert specs(text) == specs(ids[0]), message.id
