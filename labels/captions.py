"""Fixed words printed on labels, in English. Callers pass translations as a mapping.

labels/ knows no language: floor/ translates these (with its own `_`) and hands them over,
so a French station prints "Destinataire" where the default says "Ship to".
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_CAPTIONS: dict[str, str] = {
    "ship_from": "From",
    "ship_to": "Ship to",
    "carrier": "Carrier",
    "service": "Service",
    "tracking": "Tracking number",
    "order": "Order",
    "weight": "Weight",
    "weight_value": "{kg} kg",
    "carton": "Carton {n} of {m}",
    "sscc": "SSCC",
    "content": "Content",
    "count": "Count",
    "lot": "Lot",
    "expiry": "Expiry",
    "lpn": "Licence plate",
    "location": "Location",
    "sku": "SKU",
    "gtin": "GTIN",
    "kit": "Kit",
    "components": "Components",
    "assembled": "Assembled {date} {by}",
    "check_digit": "Check",
    "packing_slip": "Packing slip",
    "order_date": "Order date",
    "line_sku": "SKU",
    "line_description": "Description",
    "line_ordered": "Ordered",
    "line_shipped": "Shipped",
    "notes": "Notes",
    "page": "Page {n} of {m}",
    "continued": "Continued on the next page",
    "manifest": "Carrier manifest",
    "manifest_number": "Manifest {number}",
    "opened_closed": "Opened {opened}, closed {closed}",
    "line_no": "#",
    "units": "Units",
    "weight_kg": "kg",
    "manifest_totals": "Cartons: {cartons}   Units: {units}   Weight: {kg} kg",
    "driver_signature": "Driver's signature",
    "signed_at": "Date and time",
    "shipper_signature": "Shipper's signature",
}


class Captions:
    """Caption lookup with English fallback; `get("carton", n=1, m=3)` formats."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self._table = {**DEFAULT_CAPTIONS, **(overrides or {})}

    def get(self, key: str, /, **params: object) -> str:
        text = self._table[key]
        return text.format(**params) if params else text
