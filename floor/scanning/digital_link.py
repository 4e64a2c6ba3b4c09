"""GS1 Digital Link: a web address (printed as a QR code or DataMatrix) carrying GS1 data.

`https://{any domain}/{optional path prefix}/{key AI}/{value}/{qualifier AI}/{value}...
?{AI}={value}&...`: the rightmost GS1 primary key in the path starts the GS1 part; its key
qualifiers follow in the path in their set order; other GS1 data (data attributes) sit in
the query string; query parameters whose name is not all digits are not GS1 data and are
ignored, as is a fragment (`#...`).

Refused, with a reason naming the problem (GS1 Digital Link standard: URI syntax, as the
GS1 Barcode Syntax Engine checks it): characters a URI cannot hold, no domain, no primary
key, a key qualifier out of order or in the query string, an empty value, an all-digit
query name that is no AI, an AI given twice (with the same value or, worse, with another
one: `/10/ABC?10=XYZ` must not quietly become lot XYZ), and values that fail their AI's
format, check digit or date. Key and qualifier table: the Syntax Dictionary's `dlpkey`.
"""

from __future__ import annotations

from urllib.parse import unquote

from floor.i18n import N_
from floor.scanning.element_strings import Element, ElementError, ai_name, is_ai, read_element

URI_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"
)
BAD_DOMAIN_CHARACTERS = frozenset("_~?#@!$&'()*+,;=%")
SCHEMES = ("https://", "HTTPS://", "http://", "HTTP://")
# Primary keys and the orders their key qualifiers may follow them in (any of each list,
# in that order; one list only): Syntax Dictionary `dlpkey`.
PRIMARY_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "00": (),
    "01": (("22", "10", "21"), ("235",)),
    "253": (),
    "255": (),
    "401": (),
    "402": (),
    "414": (("254",), ("7040",)),
    "415": (("8020",),),
    "417": (("7040",),),
    "8003": (),
    "8004": (("7040",),),
    "8006": (("22", "10", "21"),),
    "8010": (("8011",),),
    "8013": (),
    "8017": (("8019",),),
    "8018": (("8019",),),
}


def valid_path(ais: list[str]) -> bool:
    """A primary key followed by some of one of its qualifier lists, in order."""
    if not ais or ais[0] not in PRIMARY_KEYS:
        return False
    qualifiers = ais[1:]
    if not qualifiers:
        return True
    for allowed in PRIMARY_KEYS[ais[0]]:
        remaining = iter(allowed)
        if all(qualifier in remaining for qualifier in qualifiers):
            return True
    return False


def digital_link_elements(uri: str) -> list[Element]:
    """The element strings of a GS1 Digital Link URI, path first, then query string order.
    Raises ElementError with an operator reason when the URI breaks the standard."""
    if any(char not in URI_CHARACTERS for char in uri):
        raise ElementError(N_("the web address has characters a URI cannot hold"))
    scheme = next((scheme for scheme in SCHEMES if uri.startswith(scheme)), None)
    if scheme is None:
        raise ElementError(N_("a GS1 Digital Link starts with http:// or https://"))
    rest = uri[len(scheme) :].split("#", 1)[0]
    domain, slash, rest = rest.partition("/")
    if not domain or not slash or BAD_DOMAIN_CHARACTERS.intersection(domain):
        raise ElementError(N_("the web address has no valid domain name"))
    path, _, query = rest.partition("?")
    pairs = _path_pairs(path.split("/"))
    path_ais = [ai for ai, _ in pairs]
    if not valid_path(path_ais):
        raise ElementError(
            N_("the path {ais} is not a GS1 key followed by its key qualifiers in order"),
            ais="".join(f"({ai})" for ai in path_ais),
        )
    given: dict[str, str] = {}
    elements: list[Element] = []
    for ai, value in [*pairs, *_query_pairs(query)]:
        if ai in given:
            if given[ai] == value:
                raise ElementError(N_("{name} ({ai}) is given twice"), name=ai_name(ai), ai=ai)
            raise ElementError(
                N_("{name} ({ai}) is given twice, as {first} and as {second}"),
                name=ai_name(ai),
                ai=ai,
                first=given[ai],
                second=value,
            )
        given[ai] = value
        if len(elements) >= len(pairs) and _belongs_in_path(path_ais, ai):
            raise ElementError(
                N_("{name} ({ai}) belongs in the path after the key, not in the query string"),
                name=ai_name(ai),
                ai=ai,
            )
        elements.append(read_element(ai, value))
    return elements


def _path_pairs(segments: list[str]) -> list[tuple[str, str]]:
    """(AI, value) pairs from the rightmost primary key to the end of the path; what comes
    before it is the site's own path prefix."""
    start = None
    index = len(segments) - 2
    while index >= 0:
        ai = segments[index]
        if not (ai.isascii() and ai.isdigit() and is_ai(ai)):
            break
        if ai in PRIMARY_KEYS:
            start = index
            break
        index -= 2
    if start is None:
        raise ElementError(N_("the web address has no GS1 key (GTIN, SSCC, ...) in its path"))
    pairs: list[tuple[str, str]] = []
    for position in range(start, len(segments), 2):
        ai = segments[position]
        value = _decode(segments[position + 1], ai, query=False)
        pairs.append((ai, _gtin_14(ai, value)))
    return pairs


def _query_pairs(query: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for part in query.split("&"):
        name, equals, raw_value = part.partition("=")
        if not equals or not (name.isascii() and name.isdigit()):
            continue  # not GS1 data: another service's parameter
        if not is_ai(name):
            raise ElementError(
                N_("{ai} in the query string is not a GS1 application identifier"), ai=name
            )
        pairs.append((name, _gtin_14(name, _decode(raw_value, name, query=True))))
    return pairs


def _decode(value: str, ai: str, query: bool) -> str:
    if not value:
        raise ElementError(
            N_("{name} ({ai}) has an empty value in the web address"), name=ai_name(ai), ai=ai
        )
    if query:
        value = value.replace("+", " ")  # a space in a query value, but a "+" in the path
    try:
        decoded = unquote(value, errors="strict") if "%" in value else value
    except UnicodeDecodeError:
        decoded = "\x00"
    if "\x00" in decoded:
        raise ElementError(N_("the web address has characters a URI cannot hold"))
    return decoded


def _gtin_14(ai: str, value: str) -> str:
    """A GTIN-8, -12 or -13 written without its leading zeros (as in the standard's own
    `https://brand.example.com/01/9520123456788`) is the same GTIN-14."""
    if ai == "01" and len(value) in (8, 12, 13) and value.isascii() and value.isdigit():
        return value.zfill(14)
    return value


def _belongs_in_path(path_ais: list[str], ai: str) -> bool:
    """A query AI that would make a valid key-qualifier path somewhere after the key."""
    return any(
        valid_path([*path_ais[:position], ai, *path_ais[position:]])
        for position in range(1, len(path_ais) + 1)
    )
