"""A carrier manifest's documents: the PDF the driver signs and the CSV for the carrier.

`manifest_document` turns the manifest's report (floor.outbound.manifests) into the plain
data of labels' "manifest" template; `write_manifest_files` writes both files into a folder
as manifest-CARRIER-NNNNNN.pdf and .csv. The CSV goes through floor.csv_cells, one row per
carton.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from floor.csv_cells import CsvWriter

if TYPE_CHECKING:
    from floor.outbound.manifests import ManifestReport

CSV_COLUMNS = [
    "manifest",
    "carrier",
    "status",
    "closed_at",
    "order",
    "sscc",
    "tracking_number",
    "service",
    "ship_to_name",
    "ship_to_postcode",
    "ship_to_city",
    "ship_to_country",
    "units",
    "weight_kg",
    "carton_type",
    "length_mm",
    "width_mm",
    "height_mm",
    "shipped_at",
]


def _utc(value: dt.datetime) -> dt.datetime:
    """Stored times are UTC; SQLite gives them back without the zone."""
    return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _when(value: dt.datetime | None) -> str:
    return _utc(value).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _iso(value: dt.datetime | None) -> str:
    return _utc(value).isoformat(timespec="seconds") if value else ""


def _kg(grams: int | None) -> float:
    return round((grams or 0) / 1000, 3)


def manifest_document(report: ManifestReport) -> Any:
    """The labels.model.CarrierManifest of `report`."""
    from labels.model import CarrierManifest, ManifestLine

    return CarrierManifest(
        manifest_number=report.number,
        carrier=report.carrier,
        ship_from=report.ship_from,
        opened=_when(report.created_at),
        closed=_when(report.closed_at),
        cartons=tuple(
            ManifestLine(
                sscc=c.sscc,
                order_reference=c.order,
                tracking_number=c.tracking_number,
                service=c.service,
                ship_to=", ".join(
                    p
                    for p in (
                        c.ship_to_name,
                        " ".join(x for x in (c.ship_to_postcode, c.ship_to_city) if x),
                        c.ship_to_country,
                    )
                    if p
                ),
                units=c.units,
                weight_kg=_kg(c.weight_g),
            )
            for c in report.cartons
        ),
    )


def manifest_pdf(report: ManifestReport, size: str | None = None) -> bytes:
    """The manifest as PDF, its fixed words in the current language."""
    from floor.printing.captions import label_captions
    from labels import render_pdf

    return render_pdf(manifest_document(report), size, label_captions())


def manifest_rows(report: ManifestReport) -> list[dict[str, Any]]:
    return [
        {
            "manifest": report.number,
            "carrier": report.carrier,
            "status": report.status,
            "closed_at": _iso(report.closed_at),
            "order": c.order,
            "sscc": c.sscc,
            "tracking_number": c.tracking_number,
            "service": c.service,
            "ship_to_name": c.ship_to_name,
            "ship_to_postcode": c.ship_to_postcode,
            "ship_to_city": c.ship_to_city,
            "ship_to_country": c.ship_to_country,
            "units": c.units,
            "weight_kg": _kg(c.weight_g),
            "carton_type": c.carton_type,
            "length_mm": c.length_mm,
            "width_mm": c.width_mm,
            "height_mm": c.height_mm,
            "shipped_at": _iso(c.shipped_at),
        }
        for c in report.cartons
    ]


def write_manifest_csv(report: ManifestReport, stream: TextIO) -> int:
    writer = CsvWriter(stream, CSV_COLUMNS)
    writer.writeheader()
    rows = manifest_rows(report)
    for row in rows:
        writer.writerow(row)
    return len(rows)


def manifest_file_stem(report: ManifestReport) -> str:
    carrier = re.sub(r"[^A-Za-z0-9]+", "-", report.carrier).strip("-") or "carrier"
    return f"manifest-{carrier}-{report.id:06d}"


def write_manifest_files(
    report: ManifestReport, directory: Path, size: str | None = None
) -> tuple[Path, Path]:
    """Write the manifest's PDF and CSV into `directory` (made if missing); their paths.
    Raises OSError when the folder cannot be written, LabelDataError on bad data."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = manifest_file_stem(report)
    pdf_path, csv_path = directory / f"{stem}.pdf", directory / f"{stem}.csv"
    document = manifest_pdf(report, size)
    pdf_path.write_bytes(document)
    with csv_path.open("w", encoding="utf-8", newline="") as stream:
        write_manifest_csv(report, stream)
    return pdf_path, csv_path


__all__ = [
    "CSV_COLUMNS",
    "manifest_document",
    "manifest_pdf",
    "manifest_rows",
    "write_manifest_csv",
    "write_manifest_files",
]
