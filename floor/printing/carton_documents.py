"""A closed carton's shipping label and packing slip, rendered and queued in the close.

`CartonDocuments` is the pack bench's CartonPrinter (floor.outbound.pack_paperwork): it
renders the two documents for the station's printer (PDF or ZPL, its label size) and adds
them to `print_jobs` as waiting jobs in the caller's session, so they commit with the
carton or not at all. The station's print service (floor.printing.service) finds waiting
jobs of its station in the database and prints them in its own thread; `poll_now()` on it
makes that immediate. A job's key is the close's key plus the template, unique in
`print_jobs`, so the same close never queues a document twice.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.orm import Session

from floor.config import Settings
from floor.errors import InvalidInput
from floor.i18n import _
from floor.models import PrintJob as PrintJobRow
from floor.models import PrintJobReference
from floor.outbound.pack_paperwork import CartonPaperwork, PaperAddress
from floor.printing.jobs import JobStatus
from floor.printing.settings import PrinterSettings, load_printer_settings

SLIP_SIZE_ON_PDF = "a4"
_JOBS = PrintJobRow.__table__
_REFERENCES = PrintJobReference.__table__


@dataclass(frozen=True)
class Rendered:
    template: str
    format: str
    document: bytes


def _address(address: PaperAddress):  # type: ignore[no-untyped-def]
    from labels.model import Address

    return Address(
        name=address.name,
        line1=address.line1,
        city=address.city,
        country=address.country,
        line2=address.line2,
        postcode=address.postcode,
        region=address.region,
        company=address.company,
        phone=address.phone,
    )


def shipping_label(paperwork: CartonPaperwork):  # type: ignore[no-untyped-def]
    from labels.model import ShippingLabel

    return ShippingLabel(
        ship_from=_address(paperwork.ship_from),
        ship_to=_address(paperwork.ship_to),
        carrier=paperwork.carrier or "—",
        service=paperwork.service or "—",
        tracking_number=paperwork.tracking_number,
        order_reference=paperwork.order_number,
        weight_kg=paperwork.weight_kg,
        carton_number=paperwork.carton_no,
        carton_count=paperwork.carton_count,
        sscc=paperwork.sscc,
    )


def packing_slip(paperwork: CartonPaperwork):  # type: ignore[no-untyped-def]
    from labels.model import PackingSlip, PackingSlipLine

    return PackingSlip(
        order_reference=paperwork.order_number,
        order_date=paperwork.order_date,
        ship_from=_address(paperwork.ship_from),
        ship_to=_address(paperwork.ship_to),
        lines=tuple(
            PackingSlipLine(line.sku, line.description, line.quantity, line.quantity_ordered)
            for line in paperwork.lines
        ),
        carrier=paperwork.carrier,
        service=paperwork.service,
        notes=paperwork.notes,
    )


class CartonDocuments:
    """Renders a carton's documents for one printer and queues them in a session."""

    def __init__(
        self, printer: PrinterSettings, templates: tuple[str, ...] = ("shipping", "packing-slip")
    ) -> None:
        self.printer = printer
        self.templates = templates  # shipping re-queues the label alone (ShippedCartonLabels)

    @classmethod
    def for_station(cls, settings: Settings, station: str) -> CartonDocuments | None:
        """The station's, or None when it does not print (`kind = "none"`)."""
        printer = load_printer_settings(settings, station)
        return cls(printer) if printer.enabled else None

    def render(self, paperwork: CartonPaperwork) -> list[Rendered]:
        """The shipping label and the packing slip; InvalidInput naming a missing field."""
        from floor.printing.captions import label_captions
        from labels import LabelDataError, render_pdf, render_zpl

        captions = label_captions()
        documents = [
            (template, make(paperwork))
            for template, make in (("shipping", shipping_label), ("packing-slip", packing_slip))
            if template in self.templates
        ]
        out = []
        for template, data in documents:
            try:
                if self.printer.format == "zpl":
                    body = render_zpl(data, None, captions, dpi=self.printer.dpi).encode("utf-8")
                else:
                    size = self.printer.size if template == "shipping" else SLIP_SIZE_ON_PDF
                    body = render_pdf(data, size, captions)
            except LabelDataError as exc:
                raise InvalidInput(
                    _(
                        "The {document} of order {order} cannot be printed: {problem}",
                        document=template,
                        order=paperwork.order_number,
                        problem=str(exc),
                    ),
                    expected=_("the order's addresses complete"),
                ) from exc
            out.append(Rendered(template, self.printer.format, body))
        return out

    def queue(self, session: Session, paperwork: CartonPaperwork) -> list[str]:
        """Render and add the documents as waiting print jobs of the station; their keys.

        Two INSERTs (the jobs, their references) on the session's connection, in its
        transaction. The column holds zlib data; a PDF is stored at level 0, as its
        streams are compressed already (level 1 takes milliseconds to save 5 %), ZPL text
        at level 6."""
        now = dt.datetime.now(dt.UTC)
        references = [r for r in (paperwork.sscc, paperwork.order_number) if r]
        printer = self.printer.describe()[:200]
        rows = [
            {
                "job_key": f"{paperwork.job_key}-{document.template}"[:64],
                "station": paperwork.station,
                "template": document.template,
                "format": document.format,
                "reference": references[0] if references else "",
                "printer": printer,
                "status": JobStatus.WAITING.value,
                "attempts": 0,
                "last_error": "",
                "data": {"references": references, "reprint_of": ""},
                "created_at": now,
                "updated_at": now,
                "document": zlib.compress(document.document, 0 if document.format == "pdf" else 6),
            }
            for document in self.render(paperwork)
        ]
        jobs = _JOBS.c
        ids = (
            session.execute(insert(_JOBS).returning(jobs.id, sort_by_parameter_order=True), rows)
            .scalars()
            .all()
        )
        session.execute(
            insert(_REFERENCES),
            [{"print_job_id": job_id, "reference": r} for job_id in ids for r in references],
        )
        return [row["job_key"] for row in rows]


__all__ = ["CartonDocuments", "Rendered", "packing_slip", "shipping_label"]
