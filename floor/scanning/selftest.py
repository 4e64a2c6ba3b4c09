"""The scanner self-test: what a scanner sends for the four barcodes of the test sheet, read
back into a profile of that scanner (pure; no database, no Textual).

The sheet (`floor scanner sheet`) holds barcodes whose content is known here, so comparing
what arrived with what was printed tells:

- **GS**: whether the FNC1 between a variable-length field and the next arrives as GS
  (0x1D), is dropped, or comes as something else (a substitute such as `^]` or `|`);
- **AIM**: whether each scan starts with its AIM symbology identifier (`]C1`, `]d2`, ...);
- **terminator**: what ends a scan (CR, LF, CRLF, Tab, nothing), when the reader saw it;
- **keyboard layout**: a scanner typing US key codes into an AZERTY or QWERTZ host (digits
  come as `&é"'(`, y and z swapped), or caps lock on (letters in the wrong case).

`infer_profile` takes the captured scans in any order; a scan that is not a sheet barcode
under any of these readings is reported as such, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from floor.i18n import N_, _
from floor.scanning.layout import AZERTY_TO_US, QWERTZ_TO_US

GS = "\x1d"


@dataclass(frozen=True)
class SheetCode:
    """One barcode of the test sheet: what is printed and what a scanner should send."""

    key: str  # "gs1-128", "gs1-datamatrix", "ean13", "code128"
    symbology: str  # labels.model.TestSymbology
    name: str  # N_(), shown to the operator
    hri: str  # printed text; the barcode data for ean13 and code128
    sent: str  # what a scanner sends without AIM prefix: GS between GS1 fields
    aim: str  # the AIM symbology identifier a scanner puts first when set to

    @property
    def gs1(self) -> bool:
        return GS in self.sent


# A lot (10) is variable-length, so a GS must follow it; the Code 128 holds letters a
# keyboard layout moves (Q, Z, Y, a, z, the dash) and both cases (caps lock).
SHEET: tuple[SheetCode, ...] = (
    SheetCode(
        "gs1-128",
        "gs1-128",
        N_("GS1-128"),
        "(01)09501101530003(10)AB12(21)XYZ987",
        "0109501101530003" + "10AB12" + GS + "21XYZ987",
        "]C1",
    ),
    SheetCode(
        "gs1-datamatrix",
        "gs1-datamatrix",
        N_("GS1 DataMatrix"),
        "(01)09501101530003(17)281231(10)BATCH7(21)4711",
        "0109501101530003" + "17281231" + "10BATCH7" + GS + "214711",
        "]d2",
    ),
    SheetCode("ean13", "ean13", N_("EAN-13"), "5901234123457", "5901234123457", "]E0"),
    SheetCode("code128", "code128", N_("Code 128"), "Floor-QZY-az09", "Floor-QZY-az09", "]C0"),
)
SHEET_BY_KEY = {code.key: code for code in SHEET}

TERMINATORS: tuple[tuple[str, str], ...] = (
    ("\r\n", "CRLF"),
    ("\r", "CR"),
    ("\n", "LF"),
    ("\t", "TAB"),
)
AIM_RE = re.compile(r"^\][A-Za-z][0-9A-Za-z]")

# How a host keyboard layout changes what a US-layout scanner types, read back; the AIM
# bracket "]" is the key that types "$" on AZERTY and "+" on QWERTZ.
_AZERTY = dict(AZERTY_TO_US) | {ord("$"): "]"}
_QWERTZ = dict(QWERTZ_TO_US) | {ord("+"): "]"}
READINGS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("", lambda text: text),
    ("AZERTY", lambda text: text.translate(_AZERTY)),
    ("QWERTZ", lambda text: text.translate(_QWERTZ)),
    ("caps lock", lambda text: text.swapcase()),
)


@dataclass(frozen=True)
class Capture:
    """One scan as the reader got it. `terminated`: the reader kept the suffix (it cut scans
    by an idle gap); False when the suffix was already taken off (a station cuts at its own)."""

    raw: bytes
    terminated: bool = True


@dataclass(frozen=True)
class Reading:
    """What one capture was: the sheet code (or None), and how it came."""

    raw: str  # as received, GS shown as <GS>
    code: str | None = None  # SheetCode.key
    aim: str | None = None  # the identifier sent, if any
    terminator: str | None = None  # CR, LF, CRLF, TAB, NONE; None: not seen
    gs: str | None = None  # GS1 codes: "\x1d" sent, "" dropped, else the substitute
    leading_gs: bool = False
    layout: str = ""  # "", "AZERTY", "QWERTZ", "caps lock"
    check_digit: bool = True  # EAN-13: False when it came as its first 12 digits


@dataclass(frozen=True)
class ScannerProfile:
    """What this scanner sends, from the readings of one self-test."""

    sends_gs: bool | None  # None: no GS1 barcode was read
    gs_substitute: str | None  # None: GS sent (or not known); "": dropped; else what comes
    aim: str  # "all", "none", "some"
    terminator: str | None  # CR, LF, CRLF, TAB, NONE, "mixed"; None: not seen
    layout: str  # "" or AZERTY, QWERTZ, caps lock
    readings: tuple[Reading, ...] = ()
    missing: tuple[str, ...] = ()  # sheet codes not read
    ean_check_digit: bool | None = None  # the EAN-13 came with its check digit (None: not read)
    wrong_aim: tuple[tuple[str, str], ...] = field(default=())  # (code, identifier sent)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sends_gs": self.sends_gs,
            "gs_substitute": self.gs_substitute,
            "aim": self.aim,
            "terminator": self.terminator,
            "layout": self.layout,
            "ean_check_digit": self.ean_check_digit,
            "missing": list(self.missing),
            "wrong_aim": [list(pair) for pair in self.wrong_aim],
            "readings": [
                {
                    "raw": r.raw,
                    "code": r.code,
                    "aim": r.aim,
                    "terminator": r.terminator,
                    "gs": r.gs,
                    "layout": r.layout,
                }
                for r in self.readings
            ],
        }


def show(text: str) -> str:
    """Control characters made visible: GS as <GS>, CR as <CR>, ..."""
    names = {GS: "<GS>", "\r": "<CR>", "\n": "<LF>", "\t": "<TAB>", "\x1e": "<RS>", "\x04": "<EOT>"}
    return "".join(names.get(ch, f"<{ord(ch):02X}>" if ord(ch) < 32 else ch) for ch in text)


def _match(text: str, code: SheetCode) -> str | None:
    """What stands where the code has its GS ("\\x1d", "" or a substitute), or "-" for a code
    without GS that matched ("." for an EAN-13 without its check digit); None when `text` is
    not this code."""
    parts = code.sent.split(GS)
    if code.key == "ean13" and text == code.sent[:-1]:
        return "."
    if len(parts) == 1:
        return "-" if text == code.sent else None
    head, tail = parts[0], parts[-1]
    if not (text.startswith(head) and text.endswith(tail)) or len(text) < len(head) + len(tail):
        return None
    middle = text[len(head) : len(text) - len(tail)]
    return middle if len(middle) <= 6 else None


def read_capture(capture: Capture) -> Reading:
    """Which sheet code one capture is, and how it came (see the module docstring)."""
    text = capture.raw.decode("utf-8", "replace")
    terminator: str | None = None
    if capture.terminated:
        terminator = "NONE"
        for suffix, name in TERMINATORS:
            if text.endswith(suffix):
                terminator, text = name, text[: -len(suffix)]
                break
    for layout, meant_from in READINGS:
        meant = meant_from(text)
        aim_match = AIM_RE.match(meant)
        aim = aim_match.group(0) if aim_match else None
        body = meant[3:] if aim else meant
        leading = body.startswith(GS)
        body = body.removeprefix(GS)
        for code in SHEET:
            between = _match(body, code)
            if between is None:
                continue
            return Reading(
                raw=show(capture.raw.decode("utf-8", "replace")),
                code=code.key,
                aim=aim,
                terminator=terminator,
                gs=None if between in ("-", ".") else between,
                leading_gs=leading,
                layout=layout,
                check_digit=between != ".",
            )
    return Reading(raw=show(capture.raw.decode("utf-8", "replace")), terminator=terminator)


def infer_profile(captures: Sequence[Capture | Reading]) -> ScannerProfile:
    """The profile from the captured scans of the sheet (any order; the last reading of a
    code counts, scans of no sheet code are kept as readings but decide nothing)."""
    readings = tuple(c if isinstance(c, Reading) else read_capture(c) for c in captures)
    by_code: dict[str, Reading] = {r.code: r for r in readings if r.code}
    gs_seen = [r.gs for key, r in by_code.items() if SHEET_BY_KEY[key].gs1 and r.gs is not None]
    sends_gs = None if not gs_seen else all(gs == GS for gs in gs_seen)
    substitute = next((gs for gs in gs_seen if gs != GS), None)
    with_aim = [r for r in by_code.values() if r.aim]
    aim = "none" if not with_aim else "all" if len(with_aim) == len(by_code) else "some"
    wrong = tuple(
        (key, r.aim) for key, r in by_code.items() if r.aim and r.aim != SHEET_BY_KEY[key].aim
    )
    ends = {r.terminator for r in by_code.values() if r.terminator is not None}
    terminator = None if not ends else ends.pop() if len(ends) == 1 else "mixed"
    layouts = [r.layout for r in by_code.values() if r.layout]
    return ScannerProfile(
        sends_gs=sends_gs,
        gs_substitute=substitute,
        aim=aim,
        terminator=terminator,
        layout=layouts[0] if layouts else "",
        readings=readings,
        missing=tuple(code.key for code in SHEET if code.key not in by_code),
        wrong_aim=wrong,
        ean_check_digit=by_code["ean13"].check_digit if "ean13" in by_code else None,
    )


def code_name(key: str) -> str:
    return _(SHEET_BY_KEY[key].name) if key in SHEET_BY_KEY else key


def summary(profile: ScannerProfile) -> list[str]:
    """The profile in lines for the operator (translated)."""
    if profile.sends_gs is None:
        gs = _("GS separator: not tested (no GS1 barcode read)")
    elif profile.sends_gs:
        gs = _("GS separator: sent")
    elif profile.gs_substitute:
        gs = _("GS separator: {sent} sent instead", sent=show(profile.gs_substitute))
    else:
        gs = _("GS separator: dropped")
    aim = {
        "all": _("AIM symbology identifiers: sent"),
        "none": _("AIM symbology identifiers: not sent"),
        "some": _("AIM symbology identifiers: sent for some barcodes only"),
    }[profile.aim]
    if profile.terminator is None:
        end = _("Suffix: not seen here (the station cuts scans at its own suffix)")
    elif profile.terminator == "mixed":
        end = _("Suffix: differs from barcode to barcode")
    elif profile.terminator == "NONE":
        end = _("Suffix: none")
    else:
        end = _("Suffix: {suffix}", suffix=profile.terminator)
    layout = (
        _("Keyboard: {layout} damage (the scanner's keyboard country is not the station's)",
          layout=profile.layout)
        if profile.layout
        else _("Keyboard: characters arrive as printed")
    )  # fmt: skip
    lines = [gs, aim, end, layout]
    if profile.ean_check_digit is False:
        lines.append(_("EAN-13: sent without its check digit"))
    if profile.missing:
        names = ", ".join(code_name(key) for key in profile.missing)
        lines.append(_("Not read: {names}", names=names))
    return lines


def advice(profile: ScannerProfile, expected_terminator: str | None = None) -> list[str]:
    """How to fix what the test found, in words (translated); empty when nothing is wrong."""
    out: list[str] = []
    if profile.sends_gs is False and profile.gs_substitute:
        out.append(
            _(
                "The scanner sends {sent} where a GS1 barcode has FNC1: set it to transmit "
                'FNC1 as GS (0x1D, ASCII 29) itself, often named "GS1-128 FNC1 substitution" '
                'or "transmit <GS>"; on a keyboard wedge as ctrl+].',
                sent=show(profile.gs_substitute),
            )
        )
    elif profile.sends_gs is False:
        out.append(
            _(
                'The scanner drops the GS separator: turn on "transmit FNC1 as GS" (often '
                '"GS1-128 FNC1 substitution" or "transmit <GS>"), or use it in serial '
                "(USB COM / CDC-ACM) mode; until then a lot or serial with more data after it "
                "may be refused as ambiguous."
            )
        )
    if profile.aim != "all":
        out.append(
            _(
                'Turn on AIM symbology identifiers ("transmit AIM ID", "symbology '
                'identifier: AIM") for every symbology: floor then tells GS1 data from '
                "plain codes."
            )
        )
    for key, sent in profile.wrong_aim:
        out.append(
            _(
                "The {name} came with {sent}: the scanner does not read it as GS1; turn on "
                "GS1-128 (UCC/EAN-128) and GS1 DataMatrix decoding.",
                name=code_name(key),
                sent=sent,
            )
            if SHEET_BY_KEY[key].gs1
            else _("The {name} came with {sent}, not {aim}.", name=code_name(key), sent=sent,
                   aim=SHEET_BY_KEY[key].aim)
        )  # fmt: skip
    if profile.terminator == "NONE" or profile.terminator == "TAB":
        out.append(_("Set the scanner's suffix to Enter (CR): floor ends a scan there by default."))
    elif profile.terminator == "mixed":
        out.append(_("Set one suffix, Enter (CR), for every symbology."))
    elif (
        expected_terminator
        and profile.terminator
        and profile.terminator != expected_terminator.upper()
    ):
        out.append(
            _(
                "The scanner ends scans with {sent}, the station expects {expected}: set "
                'terminator = "{sent}" in [scanner] or change the scanner\'s suffix.',
                sent=profile.terminator,
                expected=expected_terminator.upper(),
            )
        )
    if profile.ean_check_digit is False:
        out.append(
            _(
                'Turn on "transmit EAN-13 check digit" (and UPC-A\'s): 12 digits could be a '
                "UPC-A or an EAN-13 without its check digit, two different products, so floor "
                "refuses them."
            )
        )
    if profile.layout == "caps lock":
        out.append(_("Letters arrive in the wrong case: turn caps lock off on the station."))
    elif profile.layout:
        out.append(
            _(
                "The scanner types for a US keyboard and the station has {layout}: set the "
                "scanner's keyboard country to the station's, or use it in serial mode.",
                layout=profile.layout,
            )
        )
    return out
