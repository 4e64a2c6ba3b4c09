"""Sample data for every template: `floor labels sample`, the docs pictures and the tests.

Addresses are French and Serbian (Cyrillic) on purpose: they prove the fonts cover them.
"""

from __future__ import annotations

from datetime import date

from labels import gs1
from labels.model import (
    Address,
    BarcodeSheet,
    CarrierManifest,
    ItemLabel,
    KitComponent,
    KitLabel,
    LocationLabel,
    LocationSheet,
    LogisticLabel,
    LpnLabel,
    ManifestLine,
    PackingSlip,
    PackingSlipLine,
    ScannerTestSheet,
    SheetBarcode,
    ShippingLabel,
    TestBarcode,
)

WAREHOUSE = Address(
    name="Entrepôt Démo",
    company="Floor Logistique SARL",
    line1="12 rue de l'Industrie",
    postcode="69007",
    city="Lyon",
    country="France",
)
CUSTOMER_FR = Address(
    name="Hélène Côté-Lefèvre",
    line1="8 place de la Comédie, 3ᵉ étage",
    postcode="34000",
    city="Montpellier",
    country="France",
)
CUSTOMER_SR = Address(
    name="Јован Јовановић",
    company="Ђурђевак д.о.о.",
    line1="Булевар ослобођења 46",
    postcode="21000",
    city="Нови Сад",
    country="Србија",
)


def sscc(serial: int, extension: str = "1", prefix: str = "0614141") -> str:
    body = f"{extension}{prefix}{serial:0{16 - len(prefix)}d}"
    return body + gs1.check_digit(body)


def gtin(item_reference: str, prefix: str = "0614141") -> str:
    body = f"{prefix}{item_reference}".zfill(12)
    return body + gs1.check_digit(body)


def case_gtin(indicator: str = "1", item_reference: str = "00019") -> str:
    """GTIN-14 of a case of the sample item: indicator digit, then the GTIN-13 body."""
    body = indicator + gtin(item_reference)[:-1]
    return body + gs1.check_digit(body)


def shipping(n: int = 1, to: Address = CUSTOMER_SR) -> ShippingLabel:
    return ShippingLabel(
        ship_from=WAREHOUSE,
        ship_to=to,
        carrier="DHL Express",
        service="Economy Select",
        tracking_number=f"JD01460000{n:08d}",
        order_reference=f"SO-2024-{n:05d}",
        weight_kg=12.5,
        carton_number=1,
        carton_count=2,
        sscc=sscc(123456788 + n),
    )


def logistic() -> LogisticLabel:
    return LogisticLabel(
        sscc=sscc(900000001),
        ship_from=WAREHOUSE,
        ship_to=CUSTOMER_FR,
        gtin=case_gtin(),
        count=48,
        lot="LOT-2405A",
        expiry=date(2026, 12, 31),
        order_reference="SO-2024-00042",
    )


def lpn() -> LpnLabel:
    return LpnLabel(
        lpn="LPN000123",
        kind="pallet",
        warehouse="DEMO",
        location="REC-01",
        contents=("48 × Café moulu 250 g (SKU CAF-250)", "12 × Чај од нане (SKU TEA-MINT)"),
    )


def item() -> ItemLabel:
    return ItemLabel(
        gtin=gtin("00019"),
        sku="CAF-250",
        description="Café moulu pur arabica, 250 g",
        lot="L2405A",
        expiry=date(2026, 6, 30),
    )


def kit() -> KitLabel:
    return KitLabel(
        kit_id="KIT-000042",
        kit_sku="GIFT-BOX-S",
        description="Coffret découverte : café, thé et biscuits",
        components=(
            KitComponent("CAF-250", "Café moulu 250 g", 1),
            KitComponent("TEA-MINT", "Чај од нане", 2),
            KitComponent("BIS-ALM", "Biscuits aux amandes", 1),
        ),
        assembled_on=date(2024, 5, 14),
        assembled_by="OP-07",
    )


def location_code_check(code: str) -> str:
    """Two-digit sample check digits; real ones come from the warehouse's locations."""
    return f"{sum((i + 1) * ord(ch) for i, ch in enumerate(code)) % 97:02d}"


def locations(aisle: str = "A") -> LocationSheet:
    codes = [f"{aisle}-{bay:02d}-{level}" for bay in range(1, 5) for level in range(1, 5)]
    return LocationSheet(
        tuple(LocationLabel(code, location_code_check(code)) for code in codes),
        title=f"Aisle {aisle}",
    )


def packing_slip(lines: int = 40) -> PackingSlip:
    names = [
        "Café moulu pur arabica 250 g",
        "Чај од нане, 20 кесица",
        "Biscuits aux amandes",
        "Confiture d'abricot extra, pot en verre de 370 g, recette traditionnelle",
        "Мед од багрема 450 г",
    ]
    return PackingSlip(
        order_reference="SO-2024-00042",
        order_date=date(2024, 5, 14),
        ship_from=WAREHOUSE,
        ship_to=CUSTOMER_FR,
        lines=tuple(
            PackingSlipLine(
                f"SKU-{i:04d}", names[i % len(names)], 1 + i % 3, 1 + i % 3 + (i % 7 == 0)
            )
            for i in range(1, lines + 1)
        ),
        carrier="DHL Express",
        service="Economy Select",
        notes="Livrer à l'accueil. Хвала!",
    )


def manifest(cartons: int = 12) -> CarrierManifest:
    places = [
        "Hélène Côté-Lefèvre, 34000 Montpellier, FR",
        "Јован Јовановић, 21000 Нови Сад, RS",
        "Boulangerie Dupré, 69002 Lyon, FR",
    ]
    return CarrierManifest(
        manifest_number="DHL-000042",
        carrier="DHL Express",
        ship_from=tuple(WAREHOUSE.lines()),
        opened="2024-05-14 08:02 UTC",
        closed="2024-05-14 17:45 UTC",
        cartons=tuple(
            ManifestLine(
                sscc=sscc(123456700 + i),
                order_reference=f"SO-2024-{40 + i // 2:05d}",
                tracking_number=f"JD01460000{i:08d}",
                service="Economy Select",
                ship_to=places[i % len(places)],
                units=1 + i % 4,
                weight_kg=round(0.8 + 0.35 * i, 2),
            )
            for i in range(1, cartons + 1)
        ),
    )


def barcode_sheet() -> BarcodeSheet:
    return BarcodeSheet(
        title="Demo warehouse barcodes",
        badges=(
            SheetBarcode("BADGE:OP-07", "Operator Ana"),
            SheetBarcode("BADGE:SUP-01", "Supervisor Luc"),
        ),
        locations=(
            SheetBarcode("A-01-1", "A-01-1"),
            SheetBarcode("A-01-2", "A-01-2"),
            SheetBarcode("REC-01", "Receiving dock"),
        ),
        items=(
            SheetBarcode(f"(01){gtin('00019').zfill(14)}", "CAF-250 coffee", "gs1-128"),
            SheetBarcode(
                f"(01){gtin('00019').zfill(14)}(10)L2405A(17)260630",
                "CAF-250 lot L2405A",
                "gs1-128",
            ),
            SheetBarcode(
                "https://id.gs1.org/01/" + gtin("00026").zfill(14), "TEA-MINT Digital Link", "qr"
            ),
        ),
        commands=tuple(
            SheetBarcode(f"CMD:{word}", word.replace(":", " ").title())
            for word in ("CONFIRM", "SHORT", "SKIP", "CANCEL", "DONE", "QTY:5")
        ),
    )


def scanner_test() -> ScannerTestSheet:
    """The self-test sheet's barcodes with one note (floor fills in the notes, translated)."""
    return ScannerTestSheet(
        title="floor scanner self-test",
        intro="Scan each barcode once.",
        barcodes=(
            TestBarcode("gs1-128", "(01)09501101530003(10)AB12(21)XYZ987", "GS1-128"),
            TestBarcode(
                "gs1-datamatrix", "(01)09501101530003(17)281231(10)BATCH7(21)4711", "DataMatrix"
            ),
            TestBarcode("ean13", "5901234123457", "EAN-13"),
            TestBarcode("code128", "Floor-QZY-az09", "Code 128"),
        ),
        notes=(("GS separator (FNC1)", "The scanner must send FNC1 as GS (ASCII 29)."),),
    )


SAMPLES = {
    "shipping": shipping,
    "logistic": logistic,
    "lpn": lpn,
    "item": item,
    "kit": kit,
    "locations": locations,
    "packing-slip": packing_slip,
    "manifest": manifest,
    "barcode-sheet": barcode_sheet,
    "scanner-test": scanner_test,
}
