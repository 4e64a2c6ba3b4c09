"""A shipped carton's label, queued with the shipment for the dock's printer: rendered,
rasterised and decoded with zbarimg, it scans as the carton's SSCC (GS1-128 (00)) and the
carrier's tracking number (Code 128). A refused shipment queues nothing."""

from __future__ import annotations

import zlib
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from floor.db import session_scope
from floor.errors import WrongScan
from floor.models import PrintJob
from floor.printing.settings import PrinterSettings
from floor.printing.shipped_labels import ShippedCartonLabels
from tests.integration.test_label_decode import c128, decode_pdf, gs1_128, pytestmark  # noqa: F401
from tests.ship_support import packed_order, prepare_packing, ship
from tests.support import SmallWarehouse


def test_the_shipped_label_carries_sscc_and_tracking(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    prepare_packing(warehouse)
    [sscc] = packed_order(warehouse, "SO1", [("PLAIN", 2)], "TOTE01")
    [dhl] = packed_order(warehouse, "SO2", [("PLAIN", 1)], "TOTE02", carrier="DHL")
    printer = ShippedCartonLabels(PrinterSettings(kind="folder", format="pdf"), "DOCK1")
    with pytest.raises(WrongScan):
        ship(warehouse, dhl, "1Z9999", printer=printer)
    done = ship(warehouse, sscc, "1Z999AA10123456784", printer=printer, scan_id="t1")
    assert done.print_jobs == (f"ship-{sscc}-shipping",)
    with session_scope(warehouse.engine) as s:
        [job] = s.scalars(select(PrintJob).where(PrintJob.job_key.like("ship-%"))).all()
        assert (job.station, job.template, job.status) == ("DOCK1", "shipping", "waiting")
        document = zlib.decompress(job.document)
    assert decode_pdf(document, tmp_path) == Counter(
        {gs1_128(("00", sscc)): 1, c128("1Z999AA10123456784"): 1}
    )
