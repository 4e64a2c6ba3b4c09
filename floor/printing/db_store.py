"""Print jobs in the shared database: every station and the supervisor see every station's jobs.

One row per job in `print_jobs` (job_key = the job id; status, attempts, last_error, printer);
the references a reprint finds it by in `print_job_references`; the document itself in
`print_jobs.document`, zlib-compressed, so any station can reprint it. To keep the database
small, `forget_documents()` drops the document of jobs printed more than
`[printer] keep_documents_days` ago (default 14); the row stays, a reprint then says so.

Each call opens its own short session, so the print thread and the UI workers never share one.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session, undefer

from floor.db import read_only, transaction
from floor.models import PrintJob as PrintJobRow
from floor.models import PrintJobReference
from floor.printing.jobs import JobStatus, PrintJob

REFERENCE_LENGTH = 80


def _to_datetime(stamp: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return dt.datetime.now(dt.UTC)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _to_stamp(value: dt.datetime) -> str:
    if value.tzinfo is None:  # SQLite gives naive datetimes back; they were stored as UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def _references(job: PrintJob) -> list[str]:
    seen: list[str] = []
    for ref in job.references:
        ref = ref.strip()[:REFERENCE_LENGTH]
        if ref and ref not in seen:
            seen.append(ref)
    return seen


def _job(row: PrintJobRow, with_document: bool) -> PrintJob:
    data = row.data or {}
    document = b""
    if with_document and row.document:
        document = zlib.decompress(row.document)
    return PrintJob(
        document=document,
        format=row.format,
        template=row.template,
        station=row.station,
        references=tuple(data.get("references", [row.reference] if row.reference else [])),
        id=row.job_key,
        status=JobStatus(row.status),
        attempts=row.attempts,
        error=row.last_error,
        reprint_of=data.get("reprint_of", ""),
        printer=row.printer,
        created_at=_to_stamp(row.created_at),
        updated_at=_to_stamp(row.updated_at),
    )


class DatabasePrintJobStore:
    """A PrintJobStore over the print_jobs table (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- writes -------------------------------------------------------------------------

    def add(self, job: PrintJob) -> None:
        refs = _references(job)

        def work(s: Session) -> None:
            row = PrintJobRow(
                job_key=job.id,
                station=job.station,
                template=job.template[:40],
                format=job.format,
                reference=refs[0] if refs else "",
                printer=job.printer[:200],
                status=job.status.value,
                attempts=job.attempts,
                last_error=job.error,
                data={"references": refs, "reprint_of": job.reprint_of},
                created_at=_to_datetime(job.created_at),
                updated_at=_to_datetime(job.updated_at),
                document=zlib.compress(job.document, 6),
            )
            s.add(row)
            s.flush()
            s.add_all(PrintJobReference(print_job_id=row.id, reference=r) for r in refs)

        transaction(self.engine, work)

    def update(self, job_id: str, status: JobStatus, *, attempts: int, error: str = "") -> PrintJob:
        def work(s: Session) -> PrintJob:
            row = s.scalars(
                select(PrintJobRow).where(PrintJobRow.job_key == job_id).options(undefer("*"))
            ).one_or_none()
            if row is None:
                raise KeyError(job_id)
            row.status = status.value
            row.attempts = attempts
            row.last_error = error
            row.updated_at = dt.datetime.now(dt.UTC)
            s.flush()
            return _job(row, with_document=True)

        return transaction(self.engine, work)

    def claim(self, job_id: str, attempts: int) -> PrintJob | None:
        def work(s: Session) -> PrintJob | None:
            done = s.execute(
                update(PrintJobRow)
                .where(
                    PrintJobRow.job_key == job_id,
                    PrintJobRow.status == JobStatus.WAITING.value,
                )
                .values(
                    status=JobStatus.PRINTING.value,
                    attempts=attempts,
                    updated_at=dt.datetime.now(dt.UTC),
                )
            )
            if done.rowcount != 1:
                return None
            return self._get(s, job_id)

        return transaction(self.engine, work)

    def forget_documents(self, printed_before: dt.datetime) -> int:
        """Drop the documents of jobs printed before `printed_before`; how many were dropped."""

        def work(s: Session) -> int:
            done = s.execute(
                update(PrintJobRow)
                .where(
                    PrintJobRow.status == JobStatus.PRINTED.value,
                    PrintJobRow.updated_at < printed_before,
                    PrintJobRow.document.is_not(None),
                )
                .values(document=None)
            )
            return int(done.rowcount or 0)

        return transaction(self.engine, work)

    def delete_before(self, created_before: dt.datetime) -> int:
        """Remove jobs (and their references) created before `created_before`."""

        def work(s: Session) -> int:
            old = select(PrintJobRow.id).where(PrintJobRow.created_at < created_before)
            s.execute(delete(PrintJobReference).where(PrintJobReference.print_job_id.in_(old)))
            done = s.execute(delete(PrintJobRow).where(PrintJobRow.created_at < created_before))
            return int(done.rowcount or 0)

        return transaction(self.engine, work)

    # -- reads --------------------------------------------------------------------------

    def _get(self, s: Session, job_id: str) -> PrintJob | None:
        row = s.scalars(
            select(PrintJobRow).where(PrintJobRow.job_key == job_id).options(undefer("*"))
        ).one_or_none()
        return _job(row, with_document=True) if row is not None else None

    def get(self, job_id: str) -> PrintJob | None:
        with read_only(self.engine) as s:
            return self._get(s, job_id)

    def list(
        self, statuses: Iterable[JobStatus] | None = None, station: str | None = None
    ) -> list[PrintJob]:
        query = select(PrintJobRow).order_by(PrintJobRow.created_at, PrintJobRow.id)
        if statuses is not None:
            query = query.where(PrintJobRow.status.in_([s.value for s in statuses]))
        if station is not None:
            query = query.where(PrintJobRow.station == station)
        with read_only(self.engine) as s:
            return [_job(row, with_document=False) for row in s.scalars(query)]

    def recent(self, limit: int = 50, station: str | None = None) -> list[PrintJob]:
        query = (
            select(PrintJobRow)
            .order_by(PrintJobRow.created_at.desc(), PrintJobRow.id.desc())
            .limit(limit)
        )
        if station is not None:
            query = query.where(PrintJobRow.station == station)
        with read_only(self.engine) as s:
            return [_job(row, with_document=False) for row in s.scalars(query)]

    def find_by_reference(self, reference: str) -> PrintJob | None:
        key = reference.strip()[:REFERENCE_LENGTH]
        query = (
            select(PrintJobRow)
            .join(PrintJobReference, PrintJobReference.print_job_id == PrintJobRow.id)
            .where(PrintJobReference.reference == key)
            .order_by(PrintJobRow.created_at.desc(), PrintJobRow.id.desc())
            .limit(1)
            .options(undefer("*"))
        )
        with read_only(self.engine) as s:
            row = s.scalars(query).first()
            return _job(row, with_document=True) if row is not None else None

    def count(self, statuses: Iterable[JobStatus], station: str | None = None) -> dict[str, int]:
        """Jobs per status, counted in the database (the status bar asks every few seconds)."""
        query = (
            select(PrintJobRow.status, func.count())
            .where(PrintJobRow.status.in_([s.value for s in statuses]))
            .group_by(PrintJobRow.status)
        )
        if station is not None:
            query = query.where(PrintJobRow.station == station)
        with read_only(self.engine) as s:
            return {status: int(n) for status, n in s.execute(query)}
