"""Public entry points: label data in, PDF bytes or ZPL text out.

    render_pdf(label, size="4x6") -> bytes
    render_pdf_many(labels) -> bytes            # one PDF, a page (or more) per label
    render_zpl(label, dpi=203) -> str

Each template has a default size and the sizes it allows; the data is validated and every
page laid out before anything is drawn, so bad data never gives half a document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from labels import model
from labels.captions import Captions
from labels.errors import LabelDataError
from labels.layout import PAGE_SIZES, Page
from labels.templates import (
    barcode_sheet,
    item,
    kit,
    locations,
    logistic,
    lpn,
    manifest,
    packing_slip,
    scanner_test,
    shipping,
)


@dataclass(frozen=True)
class Template:
    name: str
    data_type: type
    layout: Callable[[Any, float, float, Captions], list[Page]]
    pdf_sizes: tuple[str, ...]
    zpl_size: str
    description: str


# printed on an office printer, never a thermal one: its GS1 DataMatrix is drawn in PDF only
PDF_ONLY = frozenset({"scanner-test"})

TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template(
            "shipping",
            model.ShippingLabel,
            shipping.layout,
            ("4x6", "a6"),
            "4x6",
            "shipping label: addresses, carrier, tracking number, SSCC",
        ),
        Template(
            "logistic",
            model.LogisticLabel,
            logistic.layout,
            ("4x6", "a6"),
            "4x6",
            "GS1 logistic label of a pallet or case: SSCC and content",
        ),
        Template(
            "lpn",
            model.LpnLabel,
            lpn.layout,
            ("4x6", "a6", "4x2"),
            "4x6",
            "licence plate (LPN) of a pallet, case or tote",
        ),
        Template(
            "item",
            model.ItemLabel,
            item.layout,
            ("4x2", "4x6"),
            "4x2",
            "item label: GTIN barcode, SKU, description, Digital Link QR",
        ),
        Template(
            "kit",
            model.KitLabel,
            kit.layout,
            ("4x6", "a6"),
            "4x6",
            "kit label: kit id and SKU, components",
        ),
        Template(
            "locations",
            model.LocationSheet,
            locations.layout,
            ("a4", "letter"),
            "4x2",
            "sheet of rack labels: location barcode, code, check digit",
        ),
        Template(
            "packing-slip",
            model.PackingSlip,
            packing_slip.layout,
            ("a4", "letter"),
            "4x6",
            "packing slip: order lines, page n of m",
        ),
        Template(
            "manifest",
            model.CarrierManifest,
            manifest.layout,
            ("a4", "letter"),
            "a4",
            "carrier manifest: the day's cartons for one carrier, totals, signatures",
        ),
        Template(
            "barcode-sheet",
            model.BarcodeSheet,
            barcode_sheet.layout,
            ("a4", "letter"),
            "4x6",
            "demo barcode sheet: badges, locations, items, commands",
        ),
        Template(
            "scanner-test",
            model.ScannerTestSheet,
            scanner_test.layout,
            ("a4", "letter"),
            "a4",
            "scanner self-test sheet: GS1-128, GS1 DataMatrix, EAN-13, Code 128; settings in words",
        ),
    )
}


def template_for(label: object) -> Template:
    for template in TEMPLATES.values():
        if type(label) is template.data_type:
            return template
    raise LabelDataError("label", f"no template for {type(label).__name__}")


def layout_pages(
    label: object, size: str | None, captions: Mapping[str, str] | None, thermal: bool = False
) -> list[Page]:
    """Validate, then lay out every page; raises LabelDataError before anything is drawn."""
    template = template_for(label)
    label.validate()  # type: ignore[attr-defined]
    allowed = (template.zpl_size, *template.pdf_sizes) if thermal else template.pdf_sizes
    chosen = size or (template.zpl_size if thermal else template.pdf_sizes[0])
    if chosen not in allowed:
        raise LabelDataError(
            "size", f"{template.name} prints on {', '.join(allowed)}, not {chosen!r}"
        )
    width, height = PAGE_SIZES[chosen]
    return template.layout(label, width, height, Captions(captions))


def render_pdf(
    label: object, size: str | None = None, captions: Mapping[str, str] | None = None
) -> bytes:
    from labels.pdf import pdf_bytes

    pages = layout_pages(label, size, captions)
    return pdf_bytes(pages, title=template_for(label).name)


def render_pdf_many(
    labels: Iterable[object], size: str | None = None, captions: Mapping[str, str] | None = None
) -> bytes:
    """Many labels in one PDF, laid out one at a time to keep memory flat.

    A bad label anywhere raises LabelDataError and no PDF is returned at all.
    """
    from labels.pdf import pdf_bytes

    pages = (page for label in labels for page in layout_pages(label, size, captions))
    return pdf_bytes(pages, title="labels")


def render_zpl(
    label: object,
    size: str | None = None,
    captions: Mapping[str, str] | None = None,
    dpi: int = 203,
) -> str:
    from labels.zpl import zpl_text

    if dpi not in (152, 203, 300, 600):
        raise LabelDataError("dpi", f"expected 152, 203, 300 or 600, got {dpi!r}")
    return zpl_text(layout_pages(label, size, captions, thermal=True), dpi)
