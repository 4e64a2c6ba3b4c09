"""Printing for the floor apps: printer settings per station, transports, a print queue.

`PrintService` takes a job and returns at once; a background thread delivers it to the
station's printer (a folder, a CUPS queue, or a raw TCP port 9100), retries failures with
backoff and records every status change in a `PrintJobStore` (in the shared database for
the station app: floor/printing/db_store.py; in the data dir for `floor print`).
"""

from __future__ import annotations

from floor.printing.jobs import JobStatus, PrintJob
from floor.printing.service import (
    PrintCounts,
    PrintingDisabled,
    PrintService,
    ReprintError,
    open_print_service,
)
from floor.printing.settings import PrinterSettings, load_printer_settings
from floor.printing.store import InMemoryPrintJobStore, JsonLinesPrintJobStore, PrintJobStore
from floor.printing.transports import PrintError

__all__ = [
    "InMemoryPrintJobStore",
    "JobStatus",
    "JsonLinesPrintJobStore",
    "PrintCounts",
    "PrintError",
    "PrintJob",
    "PrintJobStore",
    "PrintService",
    "PrinterSettings",
    "PrintingDisabled",
    "ReprintError",
    "load_printer_settings",
    "open_print_service",
]
