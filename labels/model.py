"""The data each label template takes: plain frozen dataclasses, no database, no UI.

`validate()` on each raises `LabelDataError` naming the field (for example
"ship_to.name" or "lines[3].quantity") before anything is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from labels import gs1
from labels.code128 import Code128Error, encode
from labels.errors import LabelDataError

Symbology = Literal["code128", "gs1-128", "qr"]


def _required(name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise LabelDataError(name, "is required")


def _code128(name: str, value: str, max_length: int = 48) -> None:
    _required(name, value)
    if len(value) > max_length:
        raise LabelDataError(
            name, f"at most {max_length} characters fit a barcode, got {len(value)}"
        )
    try:
        encode(value)
    except Code128Error as exc:
        raise LabelDataError(name, f"cannot be a barcode: {exc}") from None


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    country: str
    line2: str = ""
    postcode: str = ""
    region: str = ""
    company: str = ""
    phone: str = ""

    def lines(self) -> list[str]:
        """Address lines as printed: empty parts left out, postcode before the city."""
        place = " ".join(p for p in (self.postcode, self.city) if p)
        if self.region:
            place = f"{place}, {self.region}" if place else self.region
        parts = [self.name, self.company, self.line1, self.line2, place, self.country]
        return [p for p in parts if p]

    def validate(self, prefix: str) -> None:
        for name in ("name", "line1", "city", "country"):
            _required(f"{prefix}.{name}", getattr(self, name))


@dataclass(frozen=True)
class ShippingLabel:
    ship_from: Address
    ship_to: Address
    carrier: str
    service: str
    tracking_number: str
    order_reference: str
    weight_kg: float
    carton_number: int
    carton_count: int
    sscc: str

    def validate(self) -> None:
        self.ship_from.validate("ship_from")
        self.ship_to.validate("ship_to")
        _required("carrier", self.carrier)
        _required("service", self.service)
        if self.tracking_number:  # empty: packed before the carrier gave one
            _code128("tracking_number", self.tracking_number, 40)
        _required("order_reference", self.order_reference)
        if not isinstance(self.weight_kg, int | float) or not 0 < self.weight_kg <= 2000:
            raise LabelDataError(
                "weight_kg", f"must be above 0 and at most 2000, got {self.weight_kg!r}"
            )
        _cartons(self.carton_number, self.carton_count)
        gs1.sscc("sscc", self.sscc)


def _cartons(number: int, count: int) -> None:
    if not isinstance(count, int) or count < 1:
        raise LabelDataError("carton_count", f"must be 1 or more, got {count!r}")
    if not isinstance(number, int) or not 1 <= number <= count:
        raise LabelDataError("carton_number", f"must be from 1 to {count}, got {number!r}")


@dataclass(frozen=True)
class LogisticLabel:
    """GS1 logistic label of a pallet or case: SSCC and what it holds."""

    sscc: str
    ship_from: Address
    gtin: str
    count: int
    lot: str = ""
    expiry: date | None = None
    ship_to: Address | None = None
    order_reference: str = ""

    def content_elements(self) -> list[tuple[str, str]]:
        """Content as one element string: (02), (17), (37), then (10) as the last field."""
        out = [("02", gs1.gtin14("gtin", self.gtin))]
        if self.expiry:
            out.append(("17", gs1.yymmdd(self.expiry)))
        out.append(("37", str(self.count)))
        if self.lot:
            out.append(("10", self.lot))
        return out

    def validate(self) -> None:
        gs1.sscc("sscc", self.sscc)
        self.ship_from.validate("ship_from")
        if self.ship_to is not None:
            self.ship_to.validate("ship_to")
        gs1.gtin14("gtin", self.gtin)
        if not isinstance(self.count, int) or not 1 <= self.count <= 99_999_999:
            raise LabelDataError("count", f"must be from 1 to 99999999, got {self.count!r}")
        if self.lot:
            gs1.validate([("10", self.lot)], "lot")
        if self.expiry is not None and not isinstance(self.expiry, date):
            raise LabelDataError("expiry", f"must be a date, got {self.expiry!r}")


@dataclass(frozen=True)
class LpnLabel:
    """Licence plate of a pallet, case or tote. An 18-digit SSCC prints as GS1-128 (00)."""

    lpn: str
    kind: str = "pallet"
    warehouse: str = ""
    location: str = ""
    contents: tuple[str, ...] = ()

    @property
    def is_sscc(self) -> bool:
        return len(self.lpn) == 18 and self.lpn.isdigit()

    def validate(self) -> None:
        if self.is_sscc:
            gs1.sscc("lpn", self.lpn)
        else:
            _code128("lpn", self.lpn, 30)
        _required("kind", self.kind)


@dataclass(frozen=True)
class ItemLabel:
    gtin: str
    sku: str
    description: str
    lot: str = ""
    expiry: date | None = None
    digital_link_base: str = "https://id.gs1.org"

    def elements(self) -> list[tuple[str, str]]:
        out = [("01", gs1.gtin14("gtin", self.gtin))]
        if self.expiry:
            out.append(("17", gs1.yymmdd(self.expiry)))
        if self.lot:
            out.append(("10", self.lot))
        return out

    def digital_link(self) -> str:
        from urllib.parse import quote

        url = f"{self.digital_link_base.rstrip('/')}/01/{gs1.gtin14('gtin', self.gtin)}"
        if self.lot:
            url += f"/10/{quote(self.lot, safe='')}"
        if self.expiry:
            url += f"?17={gs1.yymmdd(self.expiry)}"
        return url

    def validate(self) -> None:
        gs1.gtin14("gtin", self.gtin)
        _code128("sku", self.sku, 30)
        _required("description", self.description)
        if self.lot:
            gs1.validate([("10", self.lot)], "lot")


@dataclass(frozen=True)
class KitComponent:
    sku: str
    description: str
    quantity: int


@dataclass(frozen=True)
class KitLabel:
    kit_id: str
    kit_sku: str
    description: str
    components: tuple[KitComponent, ...]
    assembled_on: date | None = None
    assembled_by: str = ""

    def validate(self) -> None:
        _code128("kit_id", self.kit_id, 30)
        _code128("kit_sku", self.kit_sku, 30)
        _required("description", self.description)
        if not self.components:
            raise LabelDataError("components", "a kit needs at least one component")
        for i, c in enumerate(self.components):
            _required(f"components[{i}].sku", c.sku)
            if not isinstance(c.quantity, int) or c.quantity < 1:
                raise LabelDataError(
                    f"components[{i}].quantity", f"must be 1 or more, got {c.quantity!r}"
                )


@dataclass(frozen=True)
class LocationLabel:
    """One rack label: the location barcode, its code in large type and its check digit."""

    code: str
    check_digit: str
    description: str = ""

    def validate(self, prefix: str = "") -> None:
        _code128(f"{prefix}code", self.code, 24)
        if (
            not (self.check_digit.isascii() and self.check_digit.isdigit())
            or not 1 <= len(self.check_digit) <= 3
        ):
            raise LabelDataError(
                f"{prefix}check_digit", f"must be 1 to 3 digits, got {self.check_digit!r}"
            )


@dataclass(frozen=True)
class LocationSheet:
    locations: tuple[LocationLabel, ...]
    title: str = ""

    def validate(self) -> None:
        if not self.locations:
            raise LabelDataError("locations", "no locations to print")
        for i, loc in enumerate(self.locations):
            loc.validate(f"locations[{i}].")


@dataclass(frozen=True)
class PackingSlipLine:
    sku: str
    description: str
    quantity: int
    quantity_ordered: int | None = None


@dataclass(frozen=True)
class PackingSlip:
    order_reference: str
    order_date: date
    ship_from: Address
    ship_to: Address
    lines: tuple[PackingSlipLine, ...]
    carrier: str = ""
    service: str = ""
    notes: str = ""

    def validate(self) -> None:
        _code128("order_reference", self.order_reference, 30)
        if not isinstance(self.order_date, date):
            raise LabelDataError("order_date", f"must be a date, got {self.order_date!r}")
        self.ship_from.validate("ship_from")
        self.ship_to.validate("ship_to")
        if not self.lines:
            raise LabelDataError("lines", "a packing slip needs at least one line")
        for i, line in enumerate(self.lines):
            _required(f"lines[{i}].sku", line.sku)
            if not isinstance(line.quantity, int) or line.quantity < 0:
                raise LabelDataError(
                    f"lines[{i}].quantity", f"must be 0 or more, got {line.quantity!r}"
                )
            ordered = line.quantity_ordered
            if ordered is not None and (not isinstance(ordered, int) or ordered < line.quantity):
                raise LabelDataError(
                    f"lines[{i}].quantity_ordered",
                    f"must be at least the quantity shipped ({line.quantity}), got {ordered!r}",
                )


@dataclass(frozen=True)
class ManifestLine:
    """One carton handed to the carrier: its SSCC, order, tracking number and where it goes."""

    sscc: str
    order_reference: str
    tracking_number: str
    service: str = ""
    ship_to: str = ""  # one line: name, postcode and city, country
    units: int = 0
    weight_kg: float = 0.0


@dataclass(frozen=True)
class CarrierManifest:
    """A carrier's end-of-day manifest: every carton handed over, totals, signatures."""

    manifest_number: str
    carrier: str
    ship_from: tuple[str, ...]  # address lines, name first
    opened: str  # as printed, e.g. "2026-12-06 08:12 UTC"
    closed: str
    cartons: tuple[ManifestLine, ...]

    @property
    def units(self) -> int:
        return sum(c.units for c in self.cartons)

    @property
    def weight_kg(self) -> float:
        return round(sum(c.weight_kg for c in self.cartons), 3)

    def validate(self) -> None:
        _code128("manifest_number", self.manifest_number, 30)
        _required("carrier", self.carrier)
        if not self.ship_from or not all(isinstance(x, str) for x in self.ship_from):
            raise LabelDataError("ship_from", "is required (address lines)")
        if not self.cartons:
            raise LabelDataError("cartons", "a manifest needs at least one carton")
        for i, carton in enumerate(self.cartons):
            gs1.sscc(f"cartons[{i}].sscc", carton.sscc)
            _required(f"cartons[{i}].order_reference", carton.order_reference)
            _required(f"cartons[{i}].tracking_number", carton.tracking_number)
            if not isinstance(carton.units, int) or carton.units < 0:
                raise LabelDataError(
                    f"cartons[{i}].units", f"must be 0 or more, got {carton.units!r}"
                )
            if not isinstance(carton.weight_kg, int | float) or carton.weight_kg < 0:
                raise LabelDataError(
                    f"cartons[{i}].weight_kg", f"must be 0 or more, got {carton.weight_kg!r}"
                )


@dataclass(frozen=True)
class SheetBarcode:
    """One barcode of the demo sheet. For gs1-128, `data` is an HRI string "(01)...(10)..."."""

    data: str
    caption: str = ""
    symbology: Symbology = "code128"

    def elements(self) -> list[tuple[str, str]]:
        import re

        pairs = re.findall(r"\((\d{2,4})\)([^(]+)", self.data)
        return [(ai, value.strip()) for ai, value in pairs]


@dataclass(frozen=True)
class BarcodeSheet:
    """The demo barcode sheet: badges, locations, carts and totes, items and command barcodes."""

    title: str
    badges: tuple[SheetBarcode, ...] = ()
    locations: tuple[SheetBarcode, ...] = ()
    items: tuple[SheetBarcode, ...] = ()
    commands: tuple[SheetBarcode, ...] = ()
    containers: tuple[SheetBarcode, ...] = ()
    section_titles: tuple[str, str, str, str, str] = (
        "Badges",
        "Locations",
        "Carts and totes",
        "Items",
        "Commands",
    )

    def sections(self) -> list[tuple[str, str, tuple[SheetBarcode, ...]]]:
        names = ("badges", "locations", "containers", "items", "commands")
        return [
            (name, title, getattr(self, name))
            for name, title in zip(names, self.section_titles, strict=True)
            if getattr(self, name)
        ]

    def validate(self) -> None:
        _required("title", self.title)
        if not self.sections():
            raise LabelDataError("badges", "the sheet has no barcodes")
        for name, _title, entries in self.sections():
            for i, entry in enumerate(entries):
                where = f"{name}[{i}].data"
                if entry.symbology == "code128":
                    _code128(where, entry.data, 40)
                elif entry.symbology == "gs1-128":
                    elements = entry.elements()
                    if "".join(f"({a}){v}" for a, v in elements) != entry.data.replace(" ", ""):
                        raise LabelDataError(
                            where, f"expected GS1 HRI like (01)...(10)..., got {entry.data!r}"
                        )
                    gs1.validate(elements, where)
                elif entry.symbology == "qr":
                    _required(where, entry.data)
                    if len(entry.data.encode()) > 500:
                        raise LabelDataError(where, "at most 500 bytes fit a QR code on the sheet")
                else:
                    raise LabelDataError(
                        f"{name}[{i}].symbology", f"unknown symbology {entry.symbology!r}"
                    )


TestSymbology = Literal["gs1-128", "gs1-datamatrix", "ean13", "code128"]


@dataclass(frozen=True)
class TestBarcode:
    """One barcode of the scanner test sheet. GS1 symbologies take an HRI string
    "(01)...(10)..."; EAN-13 its 13 digits; Code 128 plain ASCII text."""

    symbology: TestSymbology
    data: str
    caption: str = ""

    def elements(self) -> list[tuple[str, str]]:
        return SheetBarcode(self.data, symbology="gs1-128").elements()


@dataclass(frozen=True)
class ScannerTestSheet:
    """The scanner self-test sheet: a few barcodes with known content, then paragraphs
    (heading, text) on the scanner settings they test. All text comes translated."""

    title: str
    intro: str
    barcodes: tuple[TestBarcode, ...]
    notes: tuple[tuple[str, str], ...] = ()

    def validate(self) -> None:
        from labels import datamatrix, ean13

        _required("title", self.title)
        if not self.barcodes:
            raise LabelDataError("barcodes", "the sheet has no barcodes")
        for i, entry in enumerate(self.barcodes):
            where = f"barcodes[{i}].data"
            if entry.symbology in ("gs1-128", "gs1-datamatrix"):
                elements = entry.elements()
                if "".join(f"({a}){v}" for a, v in elements) != entry.data.replace(" ", ""):
                    raise LabelDataError(
                        where, f"expected GS1 HRI like (01)...(10)..., got {entry.data!r}"
                    )
                gs1.validate(elements, where)
                if entry.symbology == "gs1-datamatrix":
                    try:
                        datamatrix.encode(gs1.transmitted(elements)[3:], gs1=True)
                    except datamatrix.DataMatrixError as exc:
                        raise LabelDataError(where, str(exc)) from None
            elif entry.symbology == "ean13":
                try:
                    ean13.encode(entry.data)
                except ean13.Ean13Error as exc:
                    raise LabelDataError(where, str(exc)) from None
            elif entry.symbology == "code128":
                _code128(where, entry.data, 40)
            else:
                raise LabelDataError(
                    f"barcodes[{i}].symbology", f"unknown symbology {entry.symbology!r}"
                )


Label = (
    ShippingLabel
    | LogisticLabel
    | LpnLabel
    | ItemLabel
    | KitLabel
    | LocationSheet
    | PackingSlip
    | CarrierManifest
    | BarcodeSheet
    | ScannerTestSheet
)

__all__ = [
    "Address",
    "BarcodeSheet",
    "CarrierManifest",
    "ItemLabel",
    "KitComponent",
    "KitLabel",
    "Label",
    "LocationLabel",
    "LocationSheet",
    "LogisticLabel",
    "LpnLabel",
    "ManifestLine",
    "PackingSlip",
    "PackingSlipLine",
    "ScannerTestSheet",
    "SheetBarcode",
    "ShippingLabel",
    "TestBarcode",
]
