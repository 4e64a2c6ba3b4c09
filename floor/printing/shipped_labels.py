"""A shipped carton's label again, now with the carrier's tracking number as a barcode.

The pack bench prints the shipping label at the close, before the carrier gave a tracking
number (its tracking band is empty). When the dock confirms the carton, floor.outbound.
shipping hands it to `ShippedCartonLabels`, which renders the shipping label alone (SSCC
as GS1-128 (00), tracking number as Code 128) and queues it for the dock station's printer
in the shipment's own transaction, under the job key `ship-SSCC-shipping`: a shipment that
rolls back queues nothing, and a carton ships (and so prints) once.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from floor.config import Settings
from floor.models import PackedCarton, SalesOrder
from floor.outbound.pack_paperwork import carton_paperwork
from floor.printing.carton_documents import CartonDocuments
from floor.printing.settings import PrinterSettings, load_printer_settings


class ShippedCartonLabels:
    """floor.outbound.shipping's ShippingLabelPrinter for one station's printer."""

    def __init__(self, printer: PrinterSettings, station: str) -> None:
        self.documents = CartonDocuments(printer, templates=("shipping",))
        self.station = station

    @classmethod
    def for_station(cls, settings: Settings, station: str) -> ShippedCartonLabels | None:
        """The station's, or None when it does not print (`kind = "none"`)."""
        printer = load_printer_settings(settings, station)
        return cls(printer, station) if printer.enabled else None

    def queue_shipping_label(
        self, session: Session, carton: PackedCarton, order: SalesOrder
    ) -> list[str]:
        paperwork = carton_paperwork(session, carton, order, f"ship-{carton.sscc}")
        paperwork = replace(paperwork, station=self.station)  # the dock prints it
        return self.documents.queue(session, paperwork)


__all__ = ["ShippedCartonLabels"]
