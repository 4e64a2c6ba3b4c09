"""A closed carton's shipping label and packing slip, as queued by the close: rendered,
rasterised and decoded with zbarimg; the label's GS1-128 is (00) and the carton's SSCC."""

from __future__ import annotations

import zlib
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from floor.db import session_scope, transaction
from floor.models import PrintJob, PrintJobReference
from floor.outbound import pack_close, packing
from floor.printing.carton_documents import CartonDocuments
from floor.printing.settings import PrinterSettings
from tests.integration.test_label_decode import c128, decode_pdf, gs1_128, pytestmark  # noqa: F401
from tests.pack_support import SETTINGS, packer, picked_order, prepare_packing
from tests.support import SmallWarehouse, gtin


def test_the_queued_label_scans_as_the_cartons_sscc(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    prepare_packing(warehouse)
    picked_order(warehouse, "SO1", [("PLAIN", 2)], "TOTE01")
    me = packer(warehouse)
    view = transaction(
        warehouse.engine, lambda s: packing.start(s, warehouse.warehouse_id, "TOTE01", actor=me)
    )
    carton_id = view.carton.carton_id
    for _ in range(2):
        transaction(warehouse.engine, lambda s: packing.pack_scan(s, carton_id, gtin(1), actor=me))
    printer = CartonDocuments(PrinterSettings(kind="folder", format="pdf"))
    closed = transaction(
        warehouse.engine,
        lambda s: pack_close.close_carton(
            s, carton_id, 470, settings=SETTINGS, printer=printer, actor=me, scan_id="close-l"
        ),
    )
    with session_scope(warehouse.engine) as s:
        documents = {
            row.template: zlib.decompress(row.document)
            for row in s.scalars(select(PrintJob).where(PrintJob.job_key.in_(closed.print_jobs)))
        }
        references = set(s.scalars(select(PrintJobReference.reference)))
    assert references == {closed.sscc, "SO1"}  # a reprint finds them by SSCC or order
    (tmp_path / "label").mkdir()
    (tmp_path / "slip").mkdir()
    label = decode_pdf(documents["shipping"], tmp_path / "label")
    assert label == Counter({gs1_128(("00", closed.sscc)): 1})  # no tracking number yet
    slip = decode_pdf(documents["packing-slip"], tmp_path / "slip")
    assert slip == Counter({c128("SO1"): 1})
