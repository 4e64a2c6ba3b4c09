"""GS1 element strings: split into (AI, value) pairs, check them, and spot a missing GS.

The AI table (formats, patterns, which AIs need a separator) is biip's own (see
`biip_ai_table`). The loop is
ours, because floor needs two things biip does not give: knowing whether each
variable-length field was ended by GS, and speed (biip.parse does a few thousand
messages a second; a station parsing a burst of scans wants more). Tests check that both
agree on every well-formed message.

Check digits, dates and the pairs of AIs that must never share a barcode follow the GS1
Barcode Syntax Dictionary (GS1 AISBL, Apache-2.0: `csum`, `yymmd0` and `ex=` entries).
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
# Where the GS1 check digit sits in a value: (first digit, end) of the number it closes
# (Syntax Dictionary `csum` components; (8003) starts with a fixed 0, (253), (255), (8006)
# and (8026) go on after the checked number).
CHECK_DIGIT_SPANS = {
    "00": (0, 18),
    "01": (0, 14),
    "02": (0, 14),
    "253": (0, 13),
    "255": (0, 13),
    "402": (0, 17),
    **{f"41{n}": (0, 13) for n in range(8)},
    "8003": (1, 14),
    "8006": (0, 14),
    "8017": (0, 18),
    "8018": (0, 18),
    "8026": (0, 14),
}
CHECKED_AIS = frozenset(CHECK_DIGIT_SPANS)
# Pairs of AIs that must not appear together (Syntax Dictionary `ex=`); a measure AI also
# excludes the other decimal positions of its own measure (3100 with 3102).
_EXCLUDES = {
    "01": ("02", "255", "37"),
    "21": ("235",),
    "255": ("01", "02", "415", "8006", "8020", "8026"),
    "420": ("421",),
    "421": ("4307",),
    "422": ("426",),
    "423": ("426",),
    "424": ("426",),
    "425": ("426",),
    "4330": ("4331",),
    "4332": ("4333",),
    "8006": ("01", "37"),
    "8017": ("8018",),
    "8026": ("02", "8006"),
}
INVALID_PAIRS = frozenset(
    frozenset((ai, other)) for ai, others in _EXCLUDES.items() for other in others
)
# Give up looking for another reading after this many steps and call the scan ambiguous.
_SEARCH_BUDGET = 20_000
# Places in a tail already found not to read on (cleared for each scan).
_FAILED: set[tuple[str, int, frozenset[str], bool]] = set()

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
    fixed: bool  # one length only (no "..", no optional part)
    checked: bool  # its value carries a check digit or a date: random text rarely passes


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
        fixed=".." not in entry.format and "[" not in entry.format,
        checked=code in CHECK_DIGIT_SPANS or code in DATE_AIS,
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
    fixed_length: int = 0  # length of the value's fixed part before a variable-length tail


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
        value, fixed_length = _value(entry, match)
        pos = match.end()
        at_end = pos == end
        ended_by_gs = not at_end and text[pos] == GS
        elements.append(
            Element(entry.code, value, entry.variable, ended_by_gs, at_end, fixed_length)
        )
        if entry.variable and not at_end and not ended_by_gs:
            if not text[pos].isprintable():  # a control character: no separator lost there
                raise ElementError(
                    N_("the value of {name} ({ai}) has the wrong format"),
                    name=ai_name(entry.code),
                    ai=entry.code,
                )
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


def is_ai(code: str) -> bool:
    """True when `code` is a GS1 application identifier (as biip's table knows them)."""
    return code in _TABLE


def read_element(ai: str, value: str) -> Element:
    """One element from its AI and value, as a GS1 Digital Link gives them; raises
    ElementError when the value does not fit the AI's format (characters, lengths)."""
    entry = _TABLE.get(ai)
    if entry is None:
        raise ElementError(N_("no GS1 application identifier at {text}"), text=ai[:8])
    match = entry.pattern.fullmatch(ai + value)
    if match is None:
        raise ElementError(
            N_("the value of {name} ({ai}) has the wrong format"), name=ai_name(ai), ai=ai
        )
    value, fixed_length = _value(entry, match)
    return Element(ai, value, entry.variable, True, False, fixed_length)


def _value(entry: _Ai, match: re.Match[str]) -> tuple[str, int]:
    """The value of a matched element and the length of its fixed part: a GRAI (8003) is
    a fixed 14 digits and then a serial of 0 to 16 characters."""
    if entry.single_group:
        return match.group(1), 0
    groups = [group or "" for group in match.groups()]
    value = "".join(groups)
    return value, len(value) - len(groups[-1])


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
    span = CHECK_DIGIT_SPANS.get(ai)
    if span is not None and not is_valid_gs1_number(element.value[span[0] : span[1]]):
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


def swallowed_element(elements: list[Element], today: date) -> Element | None:
    """The last element when it may have swallowed further elements whose GS was lost.

    Only for a scan from a scanner not known to send GS, whose last element is a
    variable-length field at the end (a correct barcode has no GS after it). The scan is
    ambiguous only when the field's value also reads, from some point on, as further
    element strings that are valid (patterns and lengths, check digits, real dates, no AI
    twice, no pair GS1 forbids) and among them one whose content is checked: a real date
    or a key with a right check digit, which random text rarely passes. A lot such as
    "ABC21XYZ" or a serial such as "12310456" is read whole: splitting it only gives more
    free text, or a field such as a variant (20) or a weight that any digits fill. The
    search starts after the value's fixed part (the 14 digits of a GRAI).
    """
    last = elements[-1]
    if not last.variable or not last.at_end:
        return None
    entry = _TABLE[last.ai]
    used = {element.ai: element.value for element in elements[:-1]}
    if last.ai in used:
        return None
    value = last.value
    budget = [_SEARCH_BUDGET]
    _FAILED.clear()
    for cut in range(max(last.fixed_length, 1), len(value) - 1):
        head = value[:cut]
        if not entry.pattern.fullmatch(last.ai + head):
            continue
        tail = value[cut:]
        if not tail[:2].isdigit():
            continue
        if _reads_with_evidence(tail, 0, {**used, last.ai: head}, today, budget, False):
            return last
    return None


def _reads_with_evidence(
    text: str, pos: int, used: dict[str, str], today: date, budget: list[int], evidence: bool
) -> bool:
    """True when text[pos:] reads as valid element strings (all GS lost) with, over the
    whole reading, at least one element with a date or a check digit. Runs out of budget
    as True (ambiguous: the safe side)."""
    if pos == len(text):
        return evidence
    budget[0] -= 1
    if budget[0] < 0:
        return True
    # The same place reached with the same AIs so far reads the same way: remember it.
    seen = (text, pos, frozenset(used), evidence)
    if seen in _FAILED:
        return False
    found = _search(text, pos, used, today, budget, evidence)
    if not found:
        _FAILED.add(seen)
    return found


def _search(
    text: str, pos: int, used: dict[str, str], today: date, budget: list[int], evidence: bool
) -> bool:
    entry = _lookup(text, pos)
    if entry is None or entry.code in used:
        return False
    if any(
        frozenset((entry.code, ai)) in INVALID_PAIRS or _same_measure(entry.code, ai) for ai in used
    ):
        return False
    start = pos + len(entry.code)
    longest = entry.pattern.match(text, pos)  # greedy: the longest value that fits
    if longest is None:
        return False
    if entry.variable and not entry.fixed:
        ends: range | list[int] = range(longest.end(), start, -1)
    else:
        ends = [longest.end()]
    for stop in ends:
        match = entry.pattern.fullmatch(text, pos, stop)
        if match is None:
            continue
        value, _fixed = _value(entry, match)
        try:
            check_element(Element(entry.code, value, entry.variable, False, False), today)
        except ElementError:
            continue
        if _reads_with_evidence(
            text, stop, {**used, entry.code: value}, today, budget, evidence or entry.checked
        ):
            return True
    return False


def _same_measure(ai: str, other: str) -> bool:
    """Two decimal positions of one measure, such as 3102 and 3103 (`ex=310n`)."""
    return len(ai) == 4 == len(other) and ai[:3] == other[:3] and ai[0] == "3" and ai != other
