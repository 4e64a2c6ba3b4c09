"""Translation coverage: placeholders kept, catalogs load and switch, and every msgid translated.

The coverage test (`test_every_msgid_in_the_code_is_translated`) runs the extractor in check
mode over floor/ as it is on disk. Engineers add `_()` strings faster than translations land,
so by default it only PRINTS how many msgids are untranslated per language and passes; it
fails on untranslated msgids only when FLOOR_I18N_STRICT=1 is set (for release builds and the
translation pass). Placeholder mismatches always fail.
"""

from __future__ import annotations

import importlib.util
import os
import string
import sys
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.pofile import read_po

from floor.i18n import LOCALE_DIR, _, language, ngettext

ROOT = Path(__file__).resolve().parents[2]
EXTRACTOR = ROOT / "scripts" / "i18n-extract.py"
CATALOGS = sorted(LOCALE_DIR.glob("*/LC_MESSAGES/floor.po"))


def _extractor() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_extract", EXTRACTOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("i18n_extract", module)
    spec.loader.exec_module(module)
    return module


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _read(path: Path):
    with path.open("rb") as fh:
        return read_po(fh, locale=path.parts[-3])


# (a) placeholders ------------------------------------------------------------------------


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_every_translation_keeps_the_placeholders_of_its_msgid(path: Path) -> None:
    differ = []
    for message in _read(path):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = _fields(ids[0])
        for text in strings:
            if text and _fields(text) != wanted:
                differ.append((ids[0], text))
    assert differ == []


def test_the_extractor_check_flags_a_changed_placeholder() -> None:
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="fr")
    catalog.add("Go to {location}", "Allez en {emplacement}")
    catalog.add("Scan {sku}", "Scannez {sku}")
    catalog.add("Box", "")
    untranslated, mismatched = _extractor().problems(catalog)
    assert mismatched == ["Go to {location}"]
    assert untranslated == ["Box"]


def test_the_extractor_keeps_the_first_argument_as_msgid(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "m.py").write_text(
        "from floor.i18n import _, N_, ngettext\n"
        "A = N_('Marked')\n"
        "def f(x):\n"
        "    return _('Expected {location}', location=x) + f\"{_('Inside'):<10}\"\n"
        "def g(n):\n"
        "    return ngettext('{n} tote', '{n} totes', n)\n",
        encoding="utf-8",
    )
    extractor = _extractor()
    extractor.ROOT = tmp_path
    template = extractor.extract(package)
    ids = {m.id for m in template if m.id}
    assert ids == {"Marked", "Expected {location}", "Inside", ("{n} tote", "{n} totes")}


# (b) catalogs parse and switch -------------------------------------------------------------


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parts[-3])
def test_every_catalog_parses_with_babel(path: Path) -> None:
    catalog = _read(path)
    assert len(catalog) > 100
    assert catalog.num_plurals == {"fr": 2, "sr": 3}[path.parts[-3]]
    for message in catalog:
        if message.pluralizable:
            assert len(message.string) == catalog.num_plurals, message.id


@pytest.mark.parametrize(
    ("code", "msgid", "params", "expected"),
    [
        ("fr", "Scan the location", {}, "Scannez l'emplacement"),  # picking, put-away
        ("fr", "Replenishment", {}, "Réapprovisionnement"),  # screens/replenishment
        ("fr", "Cycle count", {}, "Inventaire tournant"),  # screens/counting
        ("fr", "Wave {wave} held", {"wave": "W7"}, "Vague W7 bloquée"),  # screens/waves
        ("fr", "{sku} needs an expiry date", {"sku": "A1"}, "A1 exige une date de péremption"),
        ("sr", "Put-away", {}, "Одлагање"),  # screens/putaway
        ("sr", "Returns", {}, "Повраћаји"),  # screens/returns
        ("sr", "Receiving", {}, "Пријем"),  # screens/receiving
        ("sr", "Scale: {problem}", {"problem": "x"}, "Вага: x"),  # devices/scale
        ("en", "Scan the location", {}, "Scan the location"),
    ],
)
def test_switching_language_translates_strings_of_several_modules(
    code: str, msgid: str, params: dict, expected: str
) -> None:
    with language(code):
        assert _(msgid, **params) == expected


def test_plural_forms_follow_the_language() -> None:
    singular = "Nothing imported: {n} problem in {file}"
    plural = "Nothing imported: {n} problems in {file}"
    with language("fr"):
        assert ngettext(singular, plural, 1, file="a.csv") == "Rien importé : 1 problème dans a.csv"
        assert ngettext(singular, plural, 3, file="a.csv").startswith("Rien importé : 3 problèmes")
    with language("sr"):
        one, few, many = (ngettext(singular, plural, n, file="f") for n in (21, 3, 5))
        assert "проблем у" in one and "проблема" in few and "проблема" in many


# (c) coverage ------------------------------------------------------------------------------


def test_every_msgid_in_the_code_is_translated(capsys: pytest.CaptureFixture[str]) -> None:
    """Fails on untranslated msgids only with FLOOR_I18N_STRICT=1; otherwise reports them.

    Other engineers are still adding strings, so a freshly wrapped `_()` is not a test failure
    by default: the count per language is printed (see `pytest -s` or the captured output)
    and the test passes. Placeholder mismatches between msgid and translation always fail.
    """
    extractor = _extractor()
    template = extractor.extract()
    total = sum(1 for m in template if m.id)
    report = {}
    mismatches = {}
    for code in extractor.LANGUAGES:
        catalog, _added, _dropped = extractor.merge(extractor.load(code), template)
        untranslated, mismatched = extractor.problems(catalog)
        report[code] = untranslated
        mismatches[code] = mismatched
    with capsys.disabled():
        counts = ", ".join(f"{code}: {len(ids)}" for code, ids in report.items())
        print(f"\ni18n coverage: {total} msgids; untranslated {counts}")
        for code, ids in report.items():
            for msgid in ids:
                print(f"  untranslated [{code}] {msgid!r}")
    assert mismatches == {code: [] for code in extractor.LANGUAGES}
    if os.environ.get("FLOOR_I18N_STRICT") == "1":
        assert report == {code: [] for code in extractor.LANGUAGES}


def test_a_msgid_that_comes_back_gets_its_old_translation() -> None:
    """A file read mid-edit drops msgids; they stay as #~ entries and come back translated."""
    from babel.messages.catalog import Catalog

    extractor = _extractor()
    catalog = Catalog(locale="fr")
    catalog.add("Scan the cart", "Scannez le chariot")
    empty = Catalog()
    catalog, _added, dropped = extractor.merge(catalog, empty)
    assert dropped == ["Scan the cart"] and "Scan the cart" in catalog.obsolete
    template = Catalog()
    template.add("Scan the cart")
    catalog, added, _dropped = extractor.merge(catalog, template)
    assert added == ["Scan the cart"]
    assert catalog["Scan the cart"].string == "Scannez le chariot"
