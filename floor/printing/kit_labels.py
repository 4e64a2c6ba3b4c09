"""A kit's label, rendered and queued in the transaction that produced the kit.

`KitLabels` is the kitting bench's KitLabelPrinter (floor.kitting.bench): it renders the
kit label (labels template "kit": the kit id as a Code 128 barcode, SKU, components) for
the station's printer (PDF or ZPL) and adds it to `print_jobs` as a waiting job in the
caller's session, so the label commits with the kit or not at all. The station's print
service prints waiting jobs of its station; the job key is unique, so a kit produced once
prints once.
"""

from __future__ import annotations

import datetime as dt
import zlib

from sqlalchemy.orm import Session

from floor.config import Settings
from floor.errors import InvalidInput
from floor.i18n import _
from floor.kitting.bench import KitLabelData
from floor.models import PrintJob as PrintJobRow
from floor.models import PrintJobReference
from floor.printing.jobs import JobStatus
from floor.printing.settings import PrinterSettings, load_printer_settings


def kit_label(data: KitLabelData):  # type: ignore[no-untyped-def]
    from labels.model import KitComponent, KitLabel

    return KitLabel(
        kit_id=data.kit_id,
        kit_sku=data.kit_sku,
        description=data.description or data.kit_sku,
        components=tuple(KitComponent(sku, desc or sku, qty) for sku, desc, qty in data.components),
        assembled_on=data.assembled_on,
        assembled_by=data.assembled_by,
    )


class KitLabels:
    """Renders kit labels for one printer and queues them in a session."""

    def __init__(self, printer: PrinterSettings) -> None:
        self.printer = printer

    @classmethod
    def for_station(cls, settings: Settings, station: str) -> KitLabels | None:
        """The station's, or None when it does not print."""
        printer = load_printer_settings(settings, station)
        return cls(printer) if printer.enabled else None

    def render(self, data: KitLabelData) -> bytes:
        from floor.printing.captions import label_captions
        from labels import LabelDataError, render_pdf, render_zpl

        label = kit_label(data)
        try:
            if self.printer.format == "zpl":
                return render_zpl(label, None, label_captions(), dpi=self.printer.dpi).encode()
            return render_pdf(label, None, label_captions())
        except LabelDataError as exc:
            raise InvalidInput(
                _(
                    "The label of kit {kit} cannot be printed: {problem}",
                    kit=data.kit_id,
                    problem=str(exc),
                ),
                expected=_("a kit SKU and id that fit a barcode"),
            ) from exc

    def queue_kit_label(self, session: Session, label: KitLabelData) -> str:
        document = self.render(label)
        now = dt.datetime.now(dt.UTC)
        references = [label.kit_id]
        row = PrintJobRow(
            job_key=label.job_key[:64],
            station=label.station,
            template="kit",
            format=self.printer.format,
            reference=label.kit_id,
            printer=self.printer.describe()[:200],
            status=JobStatus.WAITING.value,
            attempts=0,
            last_error="",
            data={"references": references, "reprint_of": ""},
            created_at=now,
            updated_at=now,
            # a PDF's streams are compressed already (as for carton documents): stored as is
            document=zlib.compress(document, 0 if self.printer.format == "pdf" else 6),
        )
        session.add(row)
        session.flush()
        session.add_all(PrintJobReference(print_job_id=row.id, reference=r) for r in references)
        session.flush()
        return row.job_key


__all__ = ["KitLabels", "kit_label"]
