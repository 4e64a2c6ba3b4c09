"""Where print jobs and their status are kept: a Protocol and two small implementations.

`InMemoryPrintJobStore` for tests and single runs; `JsonLinesPrintJobStore` appends one
JSON line per change to <data dir>/print-jobs.jsonl and keeps documents beside it, so a
restarted station (or `floor print jobs` in another process) sees the same jobs.
`DatabasePrintJobStore` (floor/printing/db_store.py) keeps them in the shared database, so
every station and the supervisor see every station's jobs.

`list` and `recent` may leave `document` empty (a store need not load every document to
list jobs); `get`, `claim` and `find_by_reference` always carry it.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Protocol

from floor.printing.jobs import JobStatus, PrintJob, now


class PrintJobStore(Protocol):
    def add(self, job: PrintJob) -> None:
        """Record a new job (its status is usually WAITING)."""

    def update(self, job_id: str, status: JobStatus, *, attempts: int, error: str = "") -> PrintJob:
        """Record a status change; returns the job as it now is. KeyError if unknown."""

    def get(self, job_id: str) -> PrintJob | None: ...

    def list(
        self, statuses: Iterable[JobStatus] | None = None, station: str | None = None
    ) -> list[PrintJob]:
        """Jobs, oldest first, optionally only those with one of `statuses` or at `station`."""

    def find_by_reference(self, reference: str) -> PrintJob | None:
        """The most recent job printed for an order, carton or tracking reference."""

    def recent(self, limit: int = 50, station: str | None = None) -> list[PrintJob]:
        """The newest `limit` jobs, newest first, optionally only those of `station`."""

    def claim(self, job_id: str, attempts: int) -> PrintJob | None:
        """WAITING -> PRINTING with `attempts`, only if the job is still waiting; the job
        as it now is, or None when another print thread (or process) took it first."""


def _select(
    jobs: Iterable[PrintJob], statuses: Iterable[JobStatus] | None, station: str | None
) -> list[PrintJob]:
    wanted = set(statuses) if statuses is not None else None
    return [
        j
        for j in jobs
        if (wanted is None or j.status in wanted) and (station is None or j.station == station)
    ]


def _newest(jobs: Iterable[PrintJob], limit: int, station: str | None) -> list[PrintJob]:
    mine = [j for j in jobs if station is None or j.station == station]
    return sorted(mine, key=lambda j: j.created_at, reverse=True)[:limit]


def _latest(jobs: Iterable[PrintJob], reference: str) -> PrintJob | None:
    key = reference.strip()
    found = [j for j in jobs if key in j.references]
    return max(found, key=lambda j: j.created_at, default=None)


class InMemoryPrintJobStore:
    def __init__(self) -> None:
        self._jobs: dict[str, PrintJob] = {}
        self._lock = threading.Lock()

    def add(self, job: PrintJob) -> None:
        with self._lock:
            self._jobs[job.id] = job

    def update(self, job_id: str, status: JobStatus, *, attempts: int, error: str = "") -> PrintJob:
        with self._lock:
            job = replace(
                self._jobs[job_id], status=status, attempts=attempts, error=error, updated_at=now()
            )
            self._jobs[job_id] = job
            return job

    def get(self, job_id: str) -> PrintJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def list(
        self, statuses: Iterable[JobStatus] | None = None, station: str | None = None
    ) -> list[PrintJob]:
        with self._lock:
            return _select(list(self._jobs.values()), statuses, station)

    def find_by_reference(self, reference: str) -> PrintJob | None:
        with self._lock:
            return _latest(self._jobs.values(), reference)

    def recent(self, limit: int = 50, station: str | None = None) -> list[PrintJob]:
        with self._lock:
            return _newest(self._jobs.values(), limit, station)

    def claim(self, job_id: str, attempts: int) -> PrintJob | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.status is not JobStatus.WAITING:
                return None
            job = replace(job, status=JobStatus.PRINTING, attempts=attempts, updated_at=now())
            self._jobs[job_id] = job
            return job


class JsonLinesPrintJobStore:
    """Append-only log: {"event": "add", ...job} and {"event": "update", "id", ...} lines."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / "print-jobs.jsonl"
        self.documents = self.folder / "print-jobs"
        self._lock = threading.Lock()
        self._jobs: dict[str, dict] = {}
        self._offset = 0

    def _document_path(self, job_id: str, fmt: str) -> Path:
        return self.documents / f"{job_id}.{fmt}"

    def _refresh(self) -> None:
        if not self.path.exists():
            return
        with self.path.open("rb") as fh:
            fh.seek(self._offset)
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break  # a line another process is still writing
                self._offset += len(raw)
                try:
                    record = json.loads(raw)
                except ValueError:
                    continue
                if record.pop("event", None) == "add":
                    self._jobs[record["id"]] = record
                elif record.get("id") in self._jobs:
                    self._jobs[record["id"]].update(record)

    def _append(self, record: dict) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(record, ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    def _job(self, record: dict) -> PrintJob:
        path = self._document_path(record["id"], record["format"])
        document = path.read_bytes() if path.exists() else b""
        fields = {k: v for k, v in record.items() if k in PrintJob.__dataclass_fields__}
        fields["references"] = tuple(fields.get("references", ()))
        fields["status"] = JobStatus(fields["status"])
        return PrintJob(document=document, **{k: v for k, v in fields.items() if k != "document"})

    def add(self, job: PrintJob) -> None:
        with self._lock:
            self._refresh()
            self.documents.mkdir(parents=True, exist_ok=True)
            tmp = self._document_path(job.id, job.format).with_suffix(".tmp")
            tmp.write_bytes(job.document)
            tmp.replace(self._document_path(job.id, job.format))
            record = {k: v for k, v in asdict(job).items() if k != "document"}
            record["status"] = job.status.value
            record["references"] = list(job.references)
            self._append({"event": "add", **record})
            self._refresh()

    def update(self, job_id: str, status: JobStatus, *, attempts: int, error: str = "") -> PrintJob:
        with self._lock:
            self._refresh()
            if job_id not in self._jobs:
                raise KeyError(job_id)
            change = {
                "id": job_id,
                "status": status.value,
                "attempts": attempts,
                "error": error,
                "updated_at": now(),
            }
            self._append({"event": "update", **change})
            self._refresh()
            return self._job(self._jobs[job_id])

    def get(self, job_id: str) -> PrintJob | None:
        with self._lock:
            self._refresh()
            record = self._jobs.get(job_id)
            return self._job(record) if record else None

    def list(
        self, statuses: Iterable[JobStatus] | None = None, station: str | None = None
    ) -> list[PrintJob]:
        with self._lock:
            self._refresh()
            return _select([self._job(r) for r in self._jobs.values()], statuses, station)

    def find_by_reference(self, reference: str) -> PrintJob | None:
        with self._lock:
            self._refresh()
            key = reference.strip()
            found = [r for r in self._jobs.values() if key in r.get("references", ())]
            best = max(found, key=lambda r: r["created_at"], default=None)
            return self._job(best) if best else None

    def recent(self, limit: int = 50, station: str | None = None) -> list[PrintJob]:
        with self._lock:
            self._refresh()
            return _newest([self._job(r) for r in self._jobs.values()], limit, station)

    def claim(self, job_id: str, attempts: int) -> PrintJob | None:
        """Within one process only: the log has no lock another process would respect."""
        with self._lock:
            self._refresh()
            record = self._jobs.get(job_id)
            if record is None or record["status"] != JobStatus.WAITING.value:
                return None
        return self.update(
            job_id, JobStatus.PRINTING, attempts=attempts, error=record.get("error", "")
        )
