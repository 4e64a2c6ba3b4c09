"""GS1 element strings: split into (AI, value) pairs, check them, and spot a missing GS.

The AI table (formats, patterns, which AIs need a separator) is biip's own (see
`biip_ai_table`). The loop is
ours, because floor needs two things biip does not give: knowing whether each
variable-length field was ended by GS, and speed (biip.parse does a few thousand
messages a second; a station parsing a burst of scans wants more). Tests check that both
agree on every well-formed message.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from biip import ParseError
from biip.gs1_application_identifiers import GS1ApplicationIdentifier

from floor.gs1 import is_valid_gs1_number
from floor.i18n import N_

GS = "\x1d"
POUND_KG = Decimal("0.45359237")
DATE_AIS = frozenset({"11", "12", "13", "15", "16", "17"})
CHECKED_AIS = frozenset({"00", "01", "02", "410", "411", "412", "413", "414", "415", "416"})
# AIs whose value often follows a lot without its GS on badly set-up scanners.
LIKELY_NEXT_VARIABLE = frozenset({"10", "21"})

AI_NAMES = {
    "00": N_("SSCC"),
    "01": N_("GTIN"),
    "02": N_("content GTIN"),
    "10": N_("lot"),
    "11": N_("production date"),
    "15": N_("best before"),
    "17": N_("expiry"),
    "21": N_("serial"),
    "30": N_("variable count"),
    "37": N_("count"),
    "400": N_("order number"),
}


@dataclass(frozen=True, slots=True)
class _Ai:
    code: str
    title: str
    variable: bool
    pattern: re.Pattern[str]
    single_group: bool
    value_format: str  # GS1's format of the value, after the AI: "N..8", "X..20", "N6"


def biip_ai_table() -> dict[str, GS1ApplicationIdentifier]:
    """biip's AI table: its module's table when it still has one (instant), else found
    through the public `GS1ApplicationIdentifier.extract` for every 2- to 4-digit code
    (a third of a second), so a biip release that renames its private table still works."""
    from biip import gs1_application_identifiers as module

    table = getattr(module, "_GS1_APPLICATION_IDENTIFIERS", None)
    if isinstance(table, dict) and table:
        return dict(table)
    return ais_by_extract()


def ais_by_extract() -> dict[str, GS1ApplicationIdentifier]:
    found: dict[str, GS1ApplicationIdentifier] = {}
    for digits in (2, 3, 4):
        for n in range(10**digits):
            code = f"{n:0{digits}d}"
            try:
                ai = GS1ApplicationIdentifier.extract(code)
            except ParseError:  # no AI starts this code
                continue
            if ai.ai == code:
                found[code] = ai
    return found


_TABLE: dict[str, _Ai] = {
    code: _Ai(
        code=code,
        title=entry.data_title,
        variable=entry.separator_required,
        pattern=re.compile(entry.pattern.removeprefix("^").removesuffix("$")),
        single_group=re.compile(entry.pattern).groups == 1,
        value_format=entry.format.partition("+")[2],
    )
    for code, entry in biip_ai_table().items()
}


@dataclass(frozen=True, slots=True)
class Element:
    ai: str
    value: str
    variable: bool
    ended_by_gs: bool
    at_end: bool


class ElementError(Exception):
    """An element string could not be read; args: (message, params dict)."""

    def __init__(self, message: str, **params: str) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class SeparatorMissing(ElementError):
    """A variable-length field ran past its maximum length with no GS after it."""


def ai_name(ai: str) -> str:
    """The operator word for an AI, untranslated (N_); its GS1 data title otherwise."""
    if ai in AI_NAMES:
        return AI_NAMES[ai]
    entry = _TABLE.get(ai)
    return entry.title if entry else ai


_UP_TO = re.compile(r"([NX])\.\.(\d+)")


def _empty_value(ai: str) -> ElementError:
    """A value that is empty: GS1 has no AI whose value may be (biip's table lets (30) and
    (7004) be, which would give a count of nothing); name the AI and what it takes."""
    params = {"name": ai_name(ai), "ai": ai}
    value_format = _TABLE[ai].value_format if ai in _TABLE else ""
    up_to = _UP_TO.fullmatch(value_format)
    if up_to is not None and up_to[1] == "N":
        return ElementError(
            N_("{name} ({ai}): expected 1 to {max} digits, got nothing"), max=up_to[2], **params
        )
    if up_to is not None:
        return ElementError(
            N_("{name} ({ai}): expected 1 to {max} characters, got nothing"),
            max=up_to[2],
            **params,
        )
    return ElementError(
        N_("{name} ({ai}): expected a value ({format}), got nothing"),
        format=value_format,
        **params,
    )


_TWO_DIGIT = {code: entry for code, entry in _TABLE.items() if len(code) == 2}


def _lookup(text: str, pos: int) -> _Ai | None:
    entry = _TWO_DIGIT.get(text[pos : pos + 2])
    if entry is not None:
        return entry
    return _TABLE.get(text[pos : pos + 3]) or _TABLE.get(text[pos : pos + 4])


def split_elements(text: str) -> list[Element]:
    """Split a GS1 element string message; raises ElementError naming what is wrong."""
    elements: list[Element] = []
    pos = 0
    end = len(text)
    while pos < end:
        if text[pos] == GS:
            pos += 1
            continue
        entry = _lookup(text, pos)
        if entry is None:
            raise ElementError(N_("no GS1 application identifier at {text}"), text=text[pos:][:8])
        stop = text.find(GS, pos)
        if stop < 0:
            stop = end
        match = entry.pattern.match(text, pos, stop)
        if match is None:
            raise ElementError(
                N_("the value of {name} ({ai}) has the wrong format"),
                name=ai_name(entry.code),
                ai=entry.code,
            )
        if entry.single_group:
            value = match.group(1)
        else:
            value = "".join([group for group in match.groups() if group is not None])
        pos = match.end()
        at_end = pos == end
        ended_by_gs = not at_end and text[pos] == GS
        elements.append(Element(entry.code, value, entry.variable, ended_by_gs, at_end))
        if entry.variable and not at_end and not ended_by_gs:
            raise SeparatorMissing(
                N_(
                    "GS separator missing after {name} ({ai}), or its value is longer than "
                    "allowed; set the scanner to transmit GS (FNC1)"
                ),
                name=ai_name(entry.code),
                ai=entry.code,
            )
    if not elements:
        raise ElementError(N_("no GS1 data"))
    return elements


@lru_cache(maxsize=4096)
def gs1_date(value: str, today: date) -> date:
    """A GS1 YYMMDD date; day 00 is the last day of the month (GS1 General Specs 7.12)."""
    year = int(value[0:2])
    month = int(value[2:4])
    day = int(value[4:6])
    this_year = today.year % 100
    century = today.year - this_year
    if 51 <= year - this_year <= 99:
        century -= 100
    elif -99 <= year - this_year <= -50:
        century += 100
    year += century
    if day == 0:
        day = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
    return date(year, month, day)


def check_element(element: Element, today: date) -> None:
    """Raise ElementError when a value is empty, fails its check digit or is not a real date."""
    ai = element.ai
    if not element.value:
        raise _empty_value(ai)
    if ai in CHECKED_AIS and not is_valid_gs1_number(element.value):
        raise ElementError(
            N_("the check digit of {name} {value} is wrong"),
            name=ai_name(ai),
            value=element.value,
        )
    if ai in DATE_AIS:
        try:
            gs1_date(element.value, today)
        except ValueError:
            raise ElementError(
                N_("{name} ({ai}) {value} is not a real date"),
                name=ai_name(ai),
                ai=ai,
                value=element.value,
            ) from None


def measure(ai: str, value: str) -> Decimal:
    """The decimal value of a measure AI (31nn..36nn): the fourth digit places the point."""
    decimals = int(ai[3])
    units = value[: len(value) - decimals] or "0"
    return Decimal(f"{units}.{value[len(value) - decimals :]}") if decimals else Decimal(units)


def _tail_reads_as_elements(tail: str, seen: set[str], today: date) -> tuple[bool, bool]:
    """(reads fully as valid elements with no repeated AI, has a checked fixed-length one)."""
    try:
        elements = split_elements(tail)
        for element in elements:
            check_element(element, today)
    except (ElementError, ValueError):
        return False, False
    ais = [element.ai for element in elements]
    if len(set(ais)) != len(ais) or seen.intersection(ais):
        return False, False
    strong = any(
        not element.variable and (element.ai in DATE_AIS or element.ai in CHECKED_AIS)
        for element in elements
    )
    return True, strong


def missing_separator(text: str, elements: list[Element], today: date) -> Element | None:
    """The variable-length element that probably swallowed the next one, if any.

    Only for scans with no GS at all: a scanner that sends GS marks every field end, so
    there a variable-length value at the end is simply the last field. Without GS, a
    variable-length value is suspect when part of it reads as further valid element
    strings: a dated or check-digited fixed-length element, or a lot or serial.
    """
    if GS in text:
        return None
    seen = {element.ai for element in elements}
    for element in elements:
        if not element.variable or not element.at_end:
            continue
        value = element.value
        for start in range(1, len(value) - 1):
            if not value[start].isdigit() or not value[start + 1].isdigit():
                continue
            reads, strong = _tail_reads_as_elements(value[start:], seen, today)
            if reads and (strong or value[start : start + 2] in LIKELY_NEXT_VARIABLE):
                return element
    return None
