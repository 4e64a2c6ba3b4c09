"""Tracked items at receiving: the lot, expiry and serial number a scan must carry.

A tracked item scanned without its lot or expiry is refused with `TrackingMissing`, which
names what is missing, so a screen can ask for it to be keyed (`parse_expiry` reads a keyed
date). A serial-tracked item is received one unit per serial, and a serial already received
is refused; a serial scanned with an item that is not serial tracked is dropped.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.errors import Conflict, InvalidInput
from floor.i18n import _
from floor.models import Item, SerialNumber


class TrackingMissing(InvalidInput):
    """A tracked item was scanned without its lot and/or expiry; `missing` names which."""

    def __init__(
        self, message: str, *, sku: str, missing: tuple[str, ...], expected: str | None = None
    ) -> None:
        super().__init__(message, expected=expected)
        self.sku = sku
        self.missing = missing


def parse_expiry(text: str, *, today: dt.date | None = None) -> dt.date:
    """A keyed expiry date: YYYY-MM-DD, or YYMMDD as in GS1 (day 00 = last day of the
    month). Anything else is refused naming both formats."""
    from floor.scanning.element_strings import gs1_date

    value = text.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return dt.date.fromisoformat(value)
        if re.fullmatch(r"\d{6}", value):
            return gs1_date(value, today or dt.date.today())
    except ValueError:
        pass
    raise InvalidInput(
        _("Expiry: expected a date as YYYY-MM-DD or YYMMDD, got {value}", value=value),
        expected=_("a date as YYYY-MM-DD or YYMMDD"),
    )


def _tracking(
    session: Session,
    item: Item,
    total: int,
    lot: str | None,
    expiry: dt.date | None,
    serial: str | None,
) -> tuple[str, dt.date | None, str]:
    lot_text = (lot or "").strip()
    missing = tuple(
        name
        for name, needed in (
            ("lot", item.lot_tracked and not lot_text),
            ("expiry", item.expiry_tracked and expiry is None),
        )
        if needed
    )
    if missing == ("lot", "expiry"):
        raise TrackingMissing(
            _("{sku} needs its lot and expiry: scan the GS1 label or key them", sku=item.sku),
            sku=item.sku,
            missing=missing,
            expected=_("a lot number"),
        )
    if missing == ("lot",):
        raise TrackingMissing(
            _("{sku} is lot tracked: scan or key its lot", sku=item.sku),
            sku=item.sku,
            missing=missing,
            expected=_("a lot number"),
        )
    if missing == ("expiry",):
        raise TrackingMissing(
            _("{sku} needs an expiry date", sku=item.sku),
            sku=item.sku,
            missing=missing,
            expected=_("an expiry date"),
        )
    serial_text = (serial or "").strip()
    if item.serial_tracked:
        if not serial_text:
            raise InvalidInput(
                _("{sku} is serial tracked: scan each serial number", sku=item.sku),
                # i18n: keep "(01)" and "(21)": what is keyed, as printed under the barcode
                expected=_("its label's barcode with the serial, or key (01)GTIN(21)serial"),
            )
        if total != 1:
            raise InvalidInput(
                _("Serial-tracked {sku} is received one unit per serial", sku=item.sku),
                expected=_("a quantity of 1"),
            )
        taken = session.scalars(
            select(SerialNumber.id).where(
                SerialNumber.item_id == item.id, SerialNumber.serial == serial_text
            )
        ).first()
        if taken is not None:
            raise Conflict(
                _(
                    "Serial {serial} of {sku} was already received",
                    serial=serial_text,
                    sku=item.sku,
                ),
                expected=_("a serial number not yet received"),
            )
    elif serial_text:
        serial_text = ""
    return lot_text, expiry if item.expiry_tracked or expiry else None, serial_text
