"""A print job and its status: waiting -> printing -> printed, or failed after its retries."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from floor.i18n import N_, _


class JobStatus(enum.StrEnum):
    WAITING = "waiting"
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return _(_STATUS_LABELS[self])


_STATUS_LABELS = {
    JobStatus.WAITING: N_("Waiting"),
    JobStatus.PRINTING: N_("Printing"),
    JobStatus.PRINTED: N_("Printed"),
    JobStatus.FAILED: N_("Print failed"),
}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_job_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class PrintJob:
    """A rendered document for one printer. `references` are what reprint finds it by
    (order reference, carton SSCC, tracking number...)."""

    document: bytes
    format: str
    template: str
    station: str
    references: tuple[str, ...] = ()
    id: str = field(default_factory=new_job_id)
    status: JobStatus = JobStatus.WAITING
    attempts: int = 0
    error: str = ""
    reprint_of: str = ""
    printer: str = ""  # the printer it went to, as PrinterSettings.describe() says
    created_at: str = field(default_factory=now)
    updated_at: str = field(default_factory=now)

    def summary(self) -> str:
        refs = ", ".join(self.references) or "-"
        return f"{self.id} {self.status.value:<8} {self.template:<13} {refs}"
