#!/usr/bin/env python
"""Extract every translatable string from floor/ and merge it into the fr and sr catalogs.

    .venv/bin/python scripts/i18n-extract.py            # extract, merge, write the .po files
    .venv/bin/python scripts/i18n-extract.py --check    # write nothing; exit 1 on any problem

Keywords: `_` and `N_` (first argument is the msgid, so `_("Expected {location}", location=x)`
extracts "Expected {location}") and `ngettext:1,2` (singular, plural).

Merging keeps every existing translation whose msgid still occurs, adds new msgids with an
empty translation, and keeps msgids no longer in the code as obsolete `#~` entries, whose
translation comes back if the msgid does (a file read mid-edit must not lose work). No fuzzy
matching: a guessed translation is worse than none on a scanner screen. Output is sorted by
msgid, locations are file names without line numbers, and the header is kept as it was, so
re-running on unchanged code changes nothing.

`--check` reports, per language: msgids without a translation (or with a fuzzy one), and
translations whose set of `{placeholders}` differs from the msgid's. It also prints, as
warnings that do not change the exit code, calls whose msgid cannot be extracted (f-strings,
concatenation, `%` or `.format` inside `_()`), because those are never translated.
"""

from __future__ import annotations

import argparse
import ast
import io
import string
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "floor"
LOCALE_DIR = SOURCE_DIR / "locale"
DOMAIN = "floor"
LANGUAGES = ("fr", "sr")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
METHOD_MAP = [("**.py", "python")]
WIDTH = 100


def fields(text: str) -> set[str]:
    """The names of the str.format placeholders in text ({location}, {n}, {qty:>4} -> qty)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def extract(source_dir: Path = SOURCE_DIR) -> Catalog:
    """A template catalog with every msgid in source_dir, locations as relative file names."""
    template = Catalog(domain=DOMAIN, charset="utf-8")
    found = extract_from_dir(
        str(source_dir),
        method_map=METHOD_MAP,
        keywords=KEYWORDS,
        comment_tags=("i18n:", "Translators:"),
        strip_comment_tags=True,
    )
    for filename, _lineno, message, comments, context in found:
        path = (source_dir / filename).relative_to(ROOT).as_posix()
        template.add(message, None, [(path, None)], auto_comments=comments, context=context)
    # Babel's Python extractor does not look inside f-strings on Python < 3.12, so
    # f"{_('Item'):<10} {what}" would be missed: add literal msgids found by the AST.
    for path, message in _ast_msgids(source_dir):
        existing = template.get(message)
        if existing is None:
            template.add(message, None, [(path, None)])
        elif (path, None) not in existing.locations:
            existing.locations.append((path, None))
    return template


def _ast_msgids(source_dir: Path) -> Iterable[tuple[str, str | tuple[str, str]]]:
    for file in sorted(source_dir.rglob("*.py")):
        try:
            tree = ast.parse(file.read_text(encoding="utf-8"), str(file))
        except SyntaxError:
            continue
        path = file.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            spec = KEYWORDS.get(node.func.id, False)
            if spec is False:
                continue
            count = len(spec) if spec else 1
            args = node.args[:count]
            if len(args) == count and all(
                isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value for a in args
            ):
                values = [a.value for a in args]
                yield path, values[0] if count == 1 else (values[0], values[1])


def _po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(language: str) -> Catalog:
    path = _po_path(language)
    if not path.exists():
        return Catalog(locale=language, domain=DOMAIN, charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=language, domain=DOMAIN)


def merge(catalog: Catalog, template: Catalog) -> tuple[Catalog, list[str], list[str]]:
    """catalog updated to template's msgids; returns it with the added and dropped msgids."""
    before = {m.id for m in catalog if m.id}
    after = {m.id for m in template if m.id}
    creation_date = catalog.creation_date
    catalog.update(
        template,
        no_fuzzy_matching=True,
        update_header_comment=False,
        keep_user_comments=True,
        update_creation_date=False,
    )
    catalog.creation_date = creation_date
    # A msgid that comes back (a file read mid-edit, a string reworded and reverted) gets its
    # old translation again from the obsolete (#~) entries, which are kept in the file.
    for message in catalog:
        old = catalog.obsolete.get(message.id if isinstance(message.id, str) else message.id[0])
        if (
            message.id
            and old is not None
            and not _translated(message)
            and _translated(old)
            and isinstance(message.id, tuple) == isinstance(old.id, tuple)
        ):
            message.string = old.string
            del catalog.obsolete[_key(old.id)]
    # An obsolete entry whose msgid is in use again (say, brought in by a merge) would make
    # the file define that msgid twice, which msgfmt refuses.
    for message in catalog:
        if message.id:
            catalog.obsolete.pop(_key(message.id), None)
    added = sorted(map(_key, after - before))
    dropped = sorted(map(_key, before - after))
    return catalog, added, dropped


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def _key(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def render(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(
        buf,
        catalog,
        width=WIDTH,
        sort_output=True,
        include_lineno=False,
        ignore_obsolete=False,
    )
    return buf.getvalue()


def problems(catalog: Catalog) -> tuple[list[str], list[str]]:
    """(untranslated msgids, msgids whose translation changes the placeholder set)."""
    untranslated: list[str] = []
    mismatched: list[str] = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(_key(message.id))
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = fields(ids[0])
        if any(fields(text) != wanted for text in strings):
            mismatched.append(_key(message.id))
    return sorted(untranslated), sorted(mismatched)


class _DynamicMsgids(ast.NodeVisitor):
    """`_()` calls whose first argument is built at run time, so cannot be extracted."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.found: list[str] = []

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in KEYWORDS and node.args:
            arg = node.args[0]
            why = None
            if isinstance(arg, ast.JoinedStr):
                why = "f-string msgid"
            elif isinstance(arg, ast.BinOp):
                why = "msgid built with an operator (+ or %)"
            elif (
                isinstance(arg, ast.Call)
                and isinstance(arg.func, ast.Attribute)
                and arg.func.attr in {"format", "join"}
            ):
                why = f"msgid built with .{arg.func.attr}() before translating"
            if why:
                self.found.append(f"{self.path}:{node.lineno}: {why}")
        self.generic_visit(node)


def dynamic_msgids(source_dir: Path = SOURCE_DIR) -> list[str]:
    found: list[str] = []
    for path in sorted(source_dir.rglob("*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        except SyntaxError as exc:  # another engineer's file mid-edit
            found.append(f"{path.relative_to(ROOT)}:{exc.lineno}: cannot parse ({exc.msg})")
            continue
        visitor = _DynamicMsgids(path.relative_to(ROOT).as_posix())
        visitor.visit(tree)
        found.extend(visitor.found)
    return found


def _print_list(title: str, items: Iterable[str]) -> None:
    items = list(items)
    print(f"{title}: {len(items)}")
    for item in items:
        print(f"  {item!r}" if not item.startswith("floor/") else f"  {item}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 on untranslated msgids"
    )
    parser.add_argument("--quiet", action="store_true", help="print counts, not the msgids")
    args = parser.parse_args(argv)

    template = extract()
    total = sum(1 for m in template if m.id)
    print(f"msgids in floor/: {total}")
    failed = False
    for language in LANGUAGES:
        catalog, added, dropped = merge(load(language), template)
        untranslated, mismatched = problems(catalog)
        shown = (lambda title, items: print(f"{title}: {len(items)}")) if args.quiet else None
        show = shown or _print_list
        print(f"[{language}]")
        if args.check:
            show(f"  untranslated ({language})", untranslated)
            show(f"  placeholders differ ({language})", mismatched)
            failed = failed or bool(untranslated or mismatched)
        else:
            path = _po_path(language)
            data = render(catalog)
            old = path.read_bytes() if path.exists() else b""
            if data != old:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            show(f"  added ({language})", added)
            show(f"  dropped ({language})", dropped)
            print(f"  untranslated ({language}): {len(untranslated)}")
            print(f"  placeholders differ ({language}): {len(mismatched)}")
            print(f"  {'wrote' if data != old else 'unchanged'} {path.relative_to(ROOT)}")
    dynamic = dynamic_msgids()
    if dynamic:
        _print_list("warning: msgids that cannot be extracted", dynamic)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
