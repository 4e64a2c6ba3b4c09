"""A produced kit's label is queued in the produce's transaction for the station's printer
and decodes (pdftoppm + zbarimg) to the kit id; a retried produce queues nothing more."""

from __future__ import annotations

import zlib
from pathlib import Path

from sqlalchemy import select

from floor.db import session_scope, transaction
from floor.kitting import bench
from floor.models import PrintJob
from floor.printing.kit_labels import KitLabels
from floor.printing.settings import PrinterSettings
from tests.integration.kitting.support import create_and_release, import_bom, pick_everything
from tests.integration.test_label_decode import c128, decode_pdf, pytestmark  # noqa: F401
from tests.support import SmallWarehouse, add_stock, barcode


def test_kit_label_is_queued_with_the_kit_and_decodes(
    warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    wh = warehouse
    add_stock(wh, "A01-01-1", "PLAIN", 10)
    import_bom(wh, tmp_path, [("KIT", "PLAIN", 2)])
    number = create_and_release(wh, "KIT", 1)
    pick_everything(wh)
    me = wh.operators["kitter"]
    for _n in range(2):
        transaction(wh.engine, lambda s: bench.scan_component(s, me, number, barcode(wh, "PLAIN")))
    printer = KitLabels(PrinterSettings(kind="folder", folder=tmp_path / "out"))

    def produce(s):  # type: ignore[no-untyped-def]
        return bench.produce_kit(s, me, number, station="KIT01", printer=printer, scan_id="k1")

    made = transaction(wh.engine, produce)
    assert transaction(wh.engine, produce).label_job == made.label_job
    with session_scope(wh.engine) as s:
        jobs = list(s.scalars(select(PrintJob)))
        assert [(j.template, j.station, j.status) for j in jobs] == [("kit", "KIT01", "waiting")]
        document = zlib.decompress(jobs[0].document or b"")
    assert decode_pdf(document, tmp_path)[c128(made.kit_id)] == 1
    assert made.kit_id == f"{number}-001"
