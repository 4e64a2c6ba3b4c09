"""parse_scan: raw scanner bytes to a typed Scan. Pure and fast; never raises."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal

from floor.gs1 import is_valid_gs1_number, upc_e_to_upc_a
from floor.i18n import N_
from floor.scanning.element_strings import (
    GS,
    POUND_KG,
    Element,
    ElementError,
    SeparatorMissing,
    ai_name,
    check_element,
    gs1_date,
    measure,
    split_elements,
    swallowed_element,
)
from floor.scanning.language import DEFAULT_LANGUAGE, ScanLanguage
from floor.scanning.layout import layout_suggestion
from floor.scanning.model import GS1_SYMBOLOGIES, Command, Scan, ScanKind, rejected

GTIN_SYMBOLOGIES = frozenset({"]E0", "]E3", "]E4", "]I1"})
# Digits each EAN/UPC or ITF identifier carries (ISO/IEC 15424 and 15420: ]E0 sends EAN-13,
# UPC-A and UPC-E all as 13 digits, UPC-A with a leading 0; ]E3 adds a 2- or 5-digit
# add-on; ]E4 is EAN-8; ]I1 here is ITF-14). ]E0 with 8 or 6 digits is a UPC-E from a
# scanner set not to expand it: unambiguous, since EAN-8 comes as ]E4.
SYMBOLOGY_DIGITS = {"]E0": "13, 8, 6", "]E3": "13, 15, 18", "]E4": "8", "]I1": "14"}
DIGITAL_LINK_SYMBOLOGIES = frozenset({"]d1", "]Q1", "]d2", "]Q3"})
_AIM = re.compile(r"\][A-Za-z][0-9A-Za-z]")
# A GS1 label's human-readable line keyed by hand: "(01)00614141002986(21)SN-1"
_HRI = re.compile(r"(?:\s*\(\d{2,4}\)\s*[^()\s][^()]*)+")
_HRI_ELEMENT = re.compile(r"\((\d{2,4})\)\s*([^()]*?)\s*(?=\(|$)")
_TRIM = " \r\n\t"
_TODAY = [date.today()]


class _Rules:
    """A ScanLanguage turned into compiled patterns, made once per language."""

    def __init__(self, language: ScanLanguage) -> None:
        self.location = re.compile(language.location_pattern)
        self.code = re.compile(language.code_pattern)
        self.separator = language.check_digit_separator
        self.check_length = language.check_digit_length
        self.quantity_prefix = language.quantity_prefix
        self.max_quantity = language.max_quantity
        self.commands = {text: Command(name) for name, text in language.commands.items()}
        prefixed = [
            (language.lpn_prefix, ScanKind.LPN),
            (language.tote_prefix, ScanKind.TOTE),
            (language.carton_prefix, ScanKind.CARTON),
            (language.cart_prefix, ScanKind.CART),
            (language.badge_prefix, ScanKind.BADGE),
            (language.order_prefix, ScanKind.ORDER),
            (language.purchase_order_prefix, ScanKind.PURCHASE_ORDER),
        ]
        self.prefixed = sorted(prefixed, key=lambda pair: -len(pair[0]))


_RULES: dict[int, tuple[ScanLanguage, _Rules]] = {}


def _rules(language: ScanLanguage) -> _Rules:
    cached = _RULES.get(id(language))
    if cached is not None and cached[0] is language:
        return cached[1]
    rules = _Rules(language)
    _RULES[id(language)] = (language, rules)
    return rules


def decode(raw: bytes | str) -> str:
    """Scanner bytes as text: UTF-8 when valid, otherwise one character per byte."""
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def parse_check_digit(raw: bytes | str, language: ScanLanguage = DEFAULT_LANGUAGE) -> str | None:
    """The check digits when `raw` is exactly a scanned or keyed check digit, else None."""
    text = decode(raw).strip(_TRIM)
    if len(text) == language.check_digit_length and text.isascii() and text.isdigit():
        return text
    return None


def parse_scan(
    raw: bytes | str,
    language: ScanLanguage = DEFAULT_LANGUAGE,
    *,
    expect_check_digit: bool = False,
    scanner_sends_gs: bool = False,
) -> Scan:
    """What a scan is. Never raises: anything unreadable is kind UNKNOWN with a reason.

    `expect_check_digit`: the screen asks for a location check digit, so a bare number of
    `check_digit_length` digits is read as one.
    `scanner_sends_gs`: the station's scanner is known to transmit every FNC1 as GS (a
    scanner self-test found so), so a GS1 scan without GS has no lost separator and a
    variable-length field at its end is never ambiguous.
    """
    try:
        text = decode(raw)
        rules = _rules(language)
        return _parse_text(text, rules, expect_check_digit, hint=True, sends_gs=scanner_sends_gs)
    except Exception as exc:  # a parser bug must not take a station down
        return rejected(
            ScanKind.UNKNOWN,
            decode(raw) if isinstance(raw, str) else raw.decode("latin-1"),
            N_("could not be read ({error})"),
            error=type(exc).__name__,
        )


def _parse_text(
    text: str, rules: _Rules, expect_check_digit: bool, hint: bool, sends_gs: bool = False
) -> Scan:
    raw = text
    # A GS anywhere, even a leading or trailing one, says the scanner sends separators.
    sends_gs = sends_gs or GS in raw
    text = text.strip(_TRIM).lstrip(GS).rstrip(GS)
    if not text:
        return rejected(ScanKind.UNKNOWN, raw, N_("the scan is empty"))
    symbology: str | None = None
    if text[0] == "]" and _AIM.match(text):
        symbology = text[:3]
        text = text[3:].lstrip(GS)
        if not text:
            return rejected(ScanKind.UNKNOWN, raw, N_("the scan is empty"), symbology)

    if symbology in GS1_SYMBOLOGIES and not text.startswith("http"):
        return _gs1_message(raw, text, symbology, sends_gs)
    if symbology in GTIN_SYMBOLOGIES:
        return _ean_upc(raw, text, symbology)
    if text.startswith(("http://", "https://", "HTTP://", "HTTPS://")):
        return _digital_link(raw, text, symbology)

    if text[0] == "(" and _HRI.fullmatch(text):
        # The text under a GS1 barcode, keyed by hand: its AIs in brackets; each element
        # ends with a GS, so a variable-length lot or serial is never ambiguous.
        elements = GS.join(ai + value for ai, value in _HRI_ELEMENT.findall(text))
        return _gs1_message(raw, elements, symbology, True)

    # The site's own codes come before plain GS1 data (AIM-marked GS1 was handled above).
    found = _site_code(raw, text, symbology, rules)
    if found is not None:
        return found
    if text.isascii() and text.isdigit():
        if expect_check_digit and len(text) == rules.check_length:
            return Scan(ScanKind.CHECK_DIGIT, raw, symbology, check_digits=text)
        if GS in raw:  # a GS, even a trailing one, makes these digits GS1 element strings
            return _gs1_message(raw, text, symbology, sends_gs)
        if symbology is None and len(text) == 8:
            found = _eight_digits(raw, text)
            if found is not None:
                return found
        elif len(text) == 8 and is_valid_gs1_number(text):
            return _plain_gtin(raw, text, symbology)
        if len(text) in (12, 13, 14) and is_valid_gs1_number(text):
            return _plain_gtin(raw, text, symbology)
        if len(text) == 18 and is_valid_gs1_number(text):
            return Scan(ScanKind.SSCC, raw, symbology, sscc=text)
        if len(text) == rules.check_length:
            return rejected(
                ScanKind.UNKNOWN,
                raw,
                N_("{digits} looks like check digits, but no location is waiting for them"),
                symbology,
                digits=text,
            )
    if text[0].isdigit():
        scan = _gs1_message(raw, text, symbology, sends_gs)
        if scan.ok or GS in text or symbology is not None:
            return scan
        if text.isdigit() and len(text) in (8, 12, 13, 14, 18):
            return rejected(
                ScanKind.UNKNOWN, raw, N_("the check digit of {value} is wrong"), value=text
            )
        unknown = scan
    else:
        unknown = rejected(
            ScanKind.UNKNOWN, raw, N_("{text} is not a code this site uses"), symbology, text=text
        )
    if hint:
        found_layout = layout_suggestion(
            text,
            lambda meant: _parse_text(meant, rules, expect_check_digit, False, sends_gs).ok,
        )
        if found_layout is not None:
            layout, meant = found_layout
            return rejected(
                ScanKind.UNKNOWN,
                raw,
                N_(
                    "the keyboard layout does not match the scanner (this looks like {layout}); "
                    "set the station keyboard or the scanner to the same layout"
                ),
                symbology,
                suggestion=meant,
                layout=layout,
            )
    return unknown


def _site_code(raw: str, text: str, symbology: str | None, rules: _Rules) -> Scan | None:
    command = rules.commands.get(text)
    if command is not None:
        return Scan(ScanKind.COMMAND, raw, symbology, command=command, code=text)
    if text.startswith(rules.quantity_prefix):
        number = text[len(rules.quantity_prefix) :]
        if not (number.isascii() and number.isdigit()):
            return rejected(
                ScanKind.UNKNOWN,
                raw,
                N_("a quantity barcode needs a whole number after {prefix}"),
                symbology,
                prefix=rules.quantity_prefix,
            )
        quantity = int(number)
        if not 1 <= quantity <= rules.max_quantity:
            return rejected(
                ScanKind.UNKNOWN,
                raw,
                N_("quantity {quantity} is outside 1 to {maximum}"),
                symbology,
                quantity=quantity,
                maximum=rules.max_quantity,
            )
        return Scan(
            ScanKind.COMMAND, raw, symbology, command=Command.QUANTITY, quantity=quantity, code=text
        )

    code, separator, digits = text.partition(rules.separator)
    if rules.location.fullmatch(code):
        if not separator:
            return Scan(ScanKind.LOCATION, raw, symbology, code=code)
        if len(digits) == rules.check_length and digits.isascii() and digits.isdigit():
            return Scan(ScanKind.LOCATION, raw, symbology, code=code, check_digits=digits)
        return rejected(
            ScanKind.UNKNOWN,
            raw,
            N_("location {code} is followed by {digits}, expected {length} check digits"),
            symbology,
            code=code,
            digits=digits,
            length=rules.check_length,
        )

    for prefix, kind in rules.prefixed:
        if text.startswith(prefix) and len(text) > len(prefix):
            rest = text[len(prefix) :]
            if rules.code.fullmatch(rest):
                return Scan(kind, raw, symbology, code=text)
    return None


def _plain_gtin(raw: str, text: str, symbology: str | None) -> Scan:
    if not (text.isascii() and text.isdigit()) or len(text) not in (8, 12, 13, 14):
        return rejected(
            ScanKind.UNKNOWN,
            raw,
            N_("{text} is not a GTIN (8, 12, 13 or 14 digits)"),
            symbology,
            text=text,
        )
    if not is_valid_gs1_number(text):
        return rejected(
            ScanKind.UNKNOWN, raw, N_("the check digit of {value} is wrong"), symbology, value=text
        )
    return Scan(ScanKind.PRODUCT, raw, symbology, gtin=text.zfill(14))


def _ean_upc(raw: str, text: str, symbology: str) -> Scan:
    """A scan marked EAN/UPC or ITF: only the lengths its identifier carries."""
    digits = text.isascii() and text.isdigit()
    if symbology == "]E0" and digits and len(text) in (6, 8):
        upc_a = upc_e_to_upc_a(text)
        if upc_a is None:
            return rejected(
                ScanKind.UNKNOWN,
                raw,
                N_("the check digit of {value} is wrong"),
                symbology,
                value=text,
            )
        return Scan(ScanKind.PRODUCT, raw, symbology, gtin=upc_a.zfill(14))
    if symbology == "]E0" and digits and len(text) == 12:
        return rejected(
            ScanKind.UNKNOWN,
            raw,
            N_(
                "{text} has 12 digits after {aim}: EAN-13 has 13, and a UPC-A is sent "
                "as 13 with a leading 0; set the scanner to transmit UPC-A as EAN-13"
            ),
            symbology,
            text=text,
            aim=symbology,
        )
    if symbology == "]E3" and digits and len(text) in (15, 18):
        text = text[:13]  # the add-on (an issue number, a price) is not the product
    lengths = {"]E0": (13,), "]E3": (13,), "]E4": (8,), "]I1": (14,)}[symbology]
    if not digits or len(text) not in lengths:
        return rejected(
            ScanKind.UNKNOWN,
            raw,
            N_("{text} is not what {aim} carries ({lengths} digits)"),
            symbology,
            text=text,
            aim=symbology,
            lengths=SYMBOLOGY_DIGITS[symbology],
        )
    return _plain_gtin(raw, text, symbology)


def _eight_digits(raw: str, text: str) -> Scan | None:
    """Eight digits without an identifier: an EAN-8 or a UPC-E (number system 0 or 1),
    whichever check digit fits; when both do, the scanner has to say which (AIM
    identifiers) or expand UPC-E itself. Six bare digits are not read as a UPC-E: with no
    check digit to prove it, they are as likely a date (YYMMDD) or a lot keyed at a prompt;
    `]E0` with six digits is."""
    upc_a = upc_e_to_upc_a(text)
    ean_8 = is_valid_gs1_number(text)
    if upc_a is not None and ean_8:
        return rejected(
            ScanKind.AMBIGUOUS,
            raw,
            N_(
                "{text} is both an EAN-8 and a UPC-E ({upc_a}); set the scanner to send "
                "AIM symbology identifiers or to transmit UPC-E as UPC-A"
            ),
            text=text,
            upc_a=upc_a,
        )
    if upc_a is not None:
        return Scan(ScanKind.PRODUCT, raw, None, gtin=upc_a.zfill(14))
    if ean_8:
        return Scan(ScanKind.PRODUCT, raw, None, gtin=text.zfill(14))
    return None


def _gs1_message(raw: str, text: str, symbology: str | None, sends_gs: bool) -> Scan:
    today = _TODAY[0]
    try:
        elements = split_elements(text)
        for element in elements:
            check_element(element, today)
    except SeparatorMissing as exc:
        return rejected(ScanKind.AMBIGUOUS, raw, exc.message, symbology, **exc.params)
    except ElementError as exc:
        return rejected(ScanKind.UNKNOWN, raw, exc.message, symbology, **exc.params)
    if not sends_gs:
        swallowed = swallowed_element(elements, today)
        if swallowed is not None:
            return rejected(
                ScanKind.AMBIGUOUS,
                raw,
                N_(
                    "GS separator missing after {name} ({ai}): cannot tell where {value} ends; "
                    "set the scanner to transmit GS (FNC1)"
                ),
                symbology,
                name=ai_name(swallowed.ai),
                ai=swallowed.ai,
                value=swallowed.value,
            )
    return _from_elements(raw, elements, symbology, today)


def _from_elements(raw: str, elements: list[Element], symbology: str | None, today: date) -> Scan:
    fields: dict[str, object] = {}
    weight: Decimal | None = None
    for element in elements:
        ai, value = element.ai, element.value
        if ai == "01":
            fields["gtin"] = value
        elif ai == "02":
            fields["content_gtin"] = value
        elif ai == "00":
            fields["sscc"] = value
        elif ai == "10":
            fields["lot"] = value
        elif ai == "17":
            fields["expiry"] = gs1_date(value, today)
        elif ai == "15":
            fields["best_before"] = gs1_date(value, today)
        elif ai == "11":
            fields["production_date"] = gs1_date(value, today)
        elif ai == "21":
            fields["serial"] = value
        elif ai in ("37", "30"):
            fields["count"] = int(value)
        elif ai.startswith("310"):
            weight = measure(ai, value)
        elif ai.startswith("320") and weight is None:
            weight = measure(ai, value) * POUND_KG
        elif ai == "400":
            fields["code"] = value
    pairs = tuple((element.ai, element.value) for element in elements)
    if "sscc" in fields or "content_gtin" in fields:
        # A logistic unit (GS1 General Specifications 2.2: (02) only on a logistic unit,
        # with (37)); never a product, even with its own trade item GTIN (01).
        return Scan(
            ScanKind.SSCC,
            raw,
            symbology,
            net_weight_kg=weight,
            elements=pairs,
            **fields,  # type: ignore[arg-type]
        )
    if "gtin" in fields:
        return Scan(
            ScanKind.PRODUCT,
            raw,
            symbology,
            net_weight_kg=weight,
            elements=pairs,
            **fields,  # type: ignore[arg-type]
        )
    if "code" in fields and len(elements) == 1:
        return Scan(ScanKind.ORDER, raw, symbology, elements=pairs, code=str(fields["code"]))
    # Not an item or a container, but a prompt asking for a lot or a date can use it (the
    # case label that carries lot and expiry in a barcode of its own): keep what it says.
    label = {k: v for k, v in fields.items() if k in LABEL_FIELDS}
    return replace(
        rejected(
            ScanKind.UNKNOWN,
            raw,
            N_("GS1 data without a GTIN or SSCC ({elements})"),
            symbology,
            elements=" ".join(f"({ai}){value}" for ai, value in pairs),
        ),
        elements=pairs,
        **label,  # type: ignore[arg-type]
    )


LABEL_FIELDS = frozenset({"lot", "expiry", "best_before", "production_date", "serial", "count"})


def _digital_link(raw: str, text: str, symbology: str | None) -> Scan:
    from floor.scanning.digital_link import digital_link_elements

    today = _TODAY[0]
    try:
        elements = digital_link_elements(text)
        for element in elements:
            check_element(element, today)
    except ElementError as exc:
        return rejected(ScanKind.UNKNOWN, raw, exc.message, symbology, **exc.params)
    return _from_elements(raw, elements, symbology, today)
