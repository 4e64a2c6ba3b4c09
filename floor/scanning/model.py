"""The typed `Scan`: what a raw scan turned out to be, in fields and in operator words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from floor.i18n import N_, _


class ScanKind(StrEnum):
    PRODUCT = "product"
    # A logistic unit (pallet, case on its own label): its SSCC (00), and what the barcode
    # says it holds (content GTIN (02), count (37), lot, dates). The upper barcode of a GS1
    # logistic label carries the contents without the SSCC: also this kind, sscc None.
    SSCC = "sscc"
    LOCATION = "location"
    CHECK_DIGIT = "check_digit"
    LPN = "lpn"
    TOTE = "tote"
    CARTON = "carton"
    CART = "cart"
    BADGE = "badge"
    COMMAND = "command"
    ORDER = "order"
    PURCHASE_ORDER = "purchase_order"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"


class Command(StrEnum):
    CONFIRM = "confirm"
    SHORT = "short"
    SKIP = "skip"
    CANCEL = "cancel"
    DONE = "done"
    QUANTITY = "quantity"


COMMAND_WORDS = {
    Command.CONFIRM: N_("confirm"),
    Command.SHORT: N_("short pick"),
    Command.SKIP: N_("skip"),
    Command.CANCEL: N_("cancel"),
    Command.DONE: N_("done"),
}

CONTAINER_WORDS = {
    ScanKind.LPN: N_("License plate {code}"),
    ScanKind.TOTE: N_("Tote {code}"),
    ScanKind.CARTON: N_("Carton {code}"),
    ScanKind.CART: N_("Cart {code}"),
    ScanKind.BADGE: N_("Operator badge {code}"),
    ScanKind.ORDER: N_("Order {code}"),
    ScanKind.PURCHASE_ORDER: N_("Purchase order {code}"),
}


# AIM symbology identifiers that say the data is GS1 (GS1-128, DataBar, DataMatrix, QR, DotCode)
GS1_SYMBOLOGIES = frozenset({"]C1", "]e0", "]e1", "]e2", "]d2", "]Q3", "]J1"})


@dataclass(frozen=True, slots=True)
class Scan:
    """One scan, parsed. Rejected scans (unknown, ambiguous) carry a reason instead of data.

    `reason` is an untranslated message (marked with N_) and `reason_params` its fields, so
    the same Scan reads right in every operator's language; `rejected_reason` translates.
    """

    kind: ScanKind
    raw: str
    symbology: str | None = None
    gtin: str | None = None
    content_gtin: str | None = None
    lot: str | None = None
    expiry: date | None = None
    best_before: date | None = None
    production_date: date | None = None
    serial: str | None = None
    count: int | None = None
    net_weight_kg: Decimal | None = None
    sscc: str | None = None
    code: str | None = None
    check_digits: str | None = None
    command: Command | None = None
    quantity: int | None = None
    elements: tuple[tuple[str, str], ...] = ()
    reason: str | None = None
    reason_params: tuple[tuple[str, str], ...] = ()
    suggestion: str | None = None

    @property
    def ok(self) -> bool:
        return self.kind not in (ScanKind.UNKNOWN, ScanKind.AMBIGUOUS)

    @property
    def surely_gs1(self) -> bool:
        """GS1 element data for certain: a GS1 symbology identifier, or a GS separator (a
        plain barcode such as "10ABC123" could be either)."""
        return self.symbology in GS1_SYMBOLOGIES or "\x1d" in self.raw

    @property
    def is_logistic_unit(self) -> bool:
        """A pallet or case label (SSCC and/or contents), never a product to pick or count."""
        return self.kind is ScanKind.SSCC

    @property
    def location(self) -> str | None:
        return self.code if self.kind is ScanKind.LOCATION else None

    @property
    def has_check_digits(self) -> bool:
        return self.check_digits is not None

    @property
    def rejected_reason(self) -> str | None:
        if self.reason is None:
            return None
        return _(self.reason, **dict(self.reason_params))

    def describe(self) -> str:
        """What the scan is, in operator words (translated)."""
        kind = self.kind
        if kind is ScanKind.PRODUCT:
            parts = [_("Product {gtin}", gtin=self.gtin or "")]
            if self.lot is not None:
                parts.append(_("lot {lot}", lot=self.lot))
            if self.expiry is not None:
                parts.append(_("expires {date}", date=self.expiry.isoformat()))
            if self.best_before is not None:
                parts.append(_("best before {date}", date=self.best_before.isoformat()))
            if self.serial is not None:
                parts.append(_("serial {serial}", serial=self.serial))
            if self.count is not None:
                parts.append(_("count {count}", count=self.count))
            if self.net_weight_kg is not None:
                parts.append(_("net {weight} kg", weight=self.net_weight_kg))
            text = ", ".join(parts)
        elif kind is ScanKind.SSCC:
            text = self._describe_logistic_unit()
        elif kind is ScanKind.LOCATION:
            if self.check_digits is not None:
                text = _(
                    "Location {code} with check digits {digits}",
                    code=self.code or "",
                    digits=self.check_digits,
                )
            else:
                text = _("Location {code}", code=self.code or "")
        elif kind is ScanKind.CHECK_DIGIT:
            text = _("Check digits {digits}", digits=self.check_digits or "")
        elif kind is ScanKind.COMMAND:
            if self.command is Command.QUANTITY:
                text = _("Quantity {quantity}", quantity=self.quantity)
            else:
                word = _(COMMAND_WORDS[self.command]) if self.command else ""
                text = _("Command: {command}", command=word)
        elif kind in CONTAINER_WORDS:
            text = _(CONTAINER_WORDS[kind], code=self.code or "")
        elif kind is ScanKind.AMBIGUOUS:
            text = _("Ambiguous scan: {reason}", reason=self.rejected_reason or "")
        else:
            text = _("Not recognised: {reason}", reason=self.rejected_reason or "")
        if self.suggestion is not None and not self.ok:
            text += " " + _("Did you mean {suggestion}?", suggestion=self.suggestion)
        return text

    def _describe_logistic_unit(self) -> str:
        if self.sscc is not None:
            parts = [_("Shipping container (SSCC) {sscc}", sscc=self.sscc)]
        else:
            parts = [_("Logistic unit contents (its SSCC is in another barcode)")]
        if self.gtin is not None:
            parts.append(_("trade item {gtin}", gtin=self.gtin))
        if self.content_gtin is not None:
            if self.count is not None:
                parts.append(_("holds {count} x {gtin}", count=self.count, gtin=self.content_gtin))
            else:
                parts.append(_("holds {gtin}", gtin=self.content_gtin))
        elif self.count is not None:
            parts.append(_("count {count}", count=self.count))
        if self.lot is not None:
            parts.append(_("lot {lot}", lot=self.lot))
        if self.expiry is not None:
            parts.append(_("expires {date}", date=self.expiry.isoformat()))
        if self.best_before is not None:
            parts.append(_("best before {date}", date=self.best_before.isoformat()))
        return ", ".join(parts)


def rejected(
    kind: ScanKind,
    raw: str,
    reason: str,
    symbology: str | None = None,
    suggestion: str | None = None,
    **params: object,
) -> Scan:
    return Scan(
        kind=kind,
        raw=raw,
        symbology=symbology,
        reason=reason,
        reason_params=tuple((key, str(value)) for key, value in params.items()),
        suggestion=suggestion,
    )
