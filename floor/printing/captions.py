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
        # i18n: title of the document a carrier's driver signs for the day's cartons
        "manifest": _("Carrier manifest"),
        "manifest_number": _("Manifest {number}"),
        "opened_closed": _("Opened {opened}, closed {closed}"),
        # i18n: column heading: the row number on a manifest
        "line_no": _("#"),
        # i18n: column heading: how many units a carton holds
        "units": _("Units"),
        # i18n: column heading: a carton's weight in kilograms
        "weight_kg": _("kg"),
        "manifest_totals": _("Cartons: {cartons}   Units: {units}   Weight: {kg} kg"),
        "driver_signature": _("Driver's signature"),
        "signed_at": _("Date and time"),
        "shipper_signature": _("Shipper's signature"),
    }
