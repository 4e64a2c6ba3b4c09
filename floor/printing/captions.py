"""The words printed on labels, translated into the station's language for labels/."""

from __future__ import annotations

from floor.i18n import _


def label_captions() -> dict[str, str]:
    return {
        "ship_from": _("From"),
        "ship_to": _("Ship to"),
        "carrier": _("Carrier"),
        "service": _("Service"),
        "tracking": _("Tracking number"),
        "order": _("Order"),
        "weight": _("Weight"),
        "weight_value": _("{kg} kg"),
        "carton": _("Carton {n} of {m}"),
        "sscc": _("SSCC"),
        "content": _("Content"),
        "count": _("Count"),
        "lot": _("Lot"),
        "expiry": _("Expiry"),
        "lpn": _("Licence plate"),
        "location": _("Location"),
        "sku": _("SKU"),
        "gtin": _("GTIN"),
        "kit": _("Kit"),
        "components": _("Components"),
        "assembled": _("Assembled {date} {by}"),
        "check_digit": _("Check"),
        "packing_slip": _("Packing slip"),
        "order_date": _("Order date"),
        "line_sku": _("SKU"),
        "line_description": _("Description"),
        "line_ordered": _("Ordered"),
        "line_shipped": _("Shipped"),
        "notes": _("Notes"),
        "page": _("Page {n} of {m}"),
        "continued": _("Continued on the next page"),
    }
