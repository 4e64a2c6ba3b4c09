"""Pack bench benchmark: closing a carton, against rendering its two documents alone.

Closing a carton (floor.outbound.pack_close.close_carton) is one transaction: the weight
check, the next SSCC from the counter row, the carton container, the ledger posting of its
units from the tote into the carton, the carton and its rows, the shipping label and the
packing slip rendered for the station's printer and queued as print jobs, and the order's
status. The baseline, measured in the same run on the same cartons, is the bare rendering
of those two documents (labels.render_pdf / render_zpl of the same paperwork), which the
close includes; the difference is what the database work costs.

Each order (three lines, four units) is picked into its own tote as picking leaves it,
then started and scanned at the bench (not timed); only the close is timed. The closes
alternate with the baseline renderings, one of each per carton, single-threaded. It prints
p50 and p95 of both, their difference and ratio, and checks the SSCCs (unique, check digit)
and the ledger's invariants. Target: close p95 at most 50 ms. The CPU time the close
takes in this process (without the PostgreSQL server's) and the load average are printed
too: on a shared machine the wall time is mostly waiting for a core.

    .venv/bin/python -m bench.packing                  # 500 cartons, SQLite and PostgreSQL
    .venv/bin/python -m bench.packing --quick          # 100 cartons
    .venv/bin/python -m bench.packing --format zpl     # a thermal printer's documents

PostgreSQL runs when FLOOR_BENCH_DATABASE_URL or FLOOR_TEST_DATABASE_URL is set; the
benchmark creates a database of its own there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from sqlalchemy import Engine, func, select

from bench.ledger import Database, pg_url
from floor.db import session_scope, transaction
from floor.gs1 import is_valid_gs1_number, location_check_digits, with_check_digit
from floor.models import (
    Address,
    CartonType,
    Container,
    Item,
    ItemBarcode,
    Location,
    Operator,
    OrderStatus,
    PackedCarton,
    SalesOrder,
    SalesOrderLine,
    Task,
    Warehouse,
)
from floor.outbound import pack_close, packing
from floor.outbound.pack_paperwork import carton_paperwork
from floor.outbound.pack_settings import PackingSettings
from floor.printing.carton_documents import CartonDocuments
from floor.printing.settings import PrinterSettings
from floor.stock import ledger
from floor.stock.ledger import Actor

TARGET_P95_MS = 50.0
SETTINGS = PackingSettings(gs1_company_prefix="0614141", sscc_extension_digit=9)
STATION = "PACK01"
# sku, description, length, width, height (mm), kg, units per order
ITEMS = (
    ("BENCH-MUG", "Mug, stoneware", 120, 90, 100, 0.35, 2),
    ("BENCH-BOOK", "Book, paperback", 200, 130, 25, 0.3, 1),
    ("BENCH-LAMP", "Desk lamp", 300, 160, 120, 1.2, 1),
)
CARTONS = (
    ("B-S", 250, 180, 120, 5000, 150),
    ("B-M", 350, 250, 200, 10000, 300),
    ("B-L", 450, 350, 300, 20000, 550),
)


def _address(name: str, city: str) -> Address:
    return Address(name=name, line1="12 rue de la Paix", city=city, postcode="75002", country="FR")


def seed(engine: Engine, orders: int) -> tuple[int, int]:
    """A warehouse with a pack bench, three items with sizes, carton types, a packer, and
    `orders` orders, each picked into its own tote. Returns (warehouse id, packer id)."""
    with session_scope(engine) as s:
        wh = Warehouse(code="BENCH", name="Bench warehouse", address=_address("Bench DC", "Lyon"))
        s.add(wh)
        s.flush()
        bench = Location(
            warehouse_id=wh.id,
            code="PACK-01",
            check_digit=location_check_digits("PACK-01"),
            kind="pack_bench",
        )
        s.add(bench)
        items = []
        for n, (sku, description, length, width, height, kg, _units) in enumerate(ITEMS, 1):
            code = with_check_digit(f"0614141{n:06d}")
            item = Item(
                sku=sku,
                description=description,
                gtin=code,
                length_mm=length,
                width_mm=width,
                height_mm=height,
                weight_kg=kg,
            )
            item.barcodes.append(ItemBarcode(barcode=code, pack_level="each", units=1))
            items.append(item)
        s.add_all(items)
        for n, (code, length, width, height, max_g, tare) in enumerate(CARTONS, 1):
            s.add(
                CartonType(
                    code=code,
                    description=code,
                    length_mm=length,
                    width_mm=width,
                    height_mm=height,
                    max_weight_g=max_g,
                    tare_weight_g=tare,
                    barcode=with_check_digit(f"0614141{900 + n:06d}"),
                )
            )
        packer = Operator(badge="OPBENCH", name="Bench Packer", pin_hash="x", roles="packer")
        s.add(packer)
        s.flush()
        for n in range(orders):
            tote = Container(code=f"BTOTE{n:05d}", kind="tote", location_id=bench.id)
            order = SalesOrder(
                number=f"BSO{n:05d}",
                external_ref=f"BSO{n:05d}",
                warehouse_id=wh.id,
                carrier="UPS",
                service="Standard",
                status=OrderStatus.PICKED.value,
                ship_to=_address(f"Client {n}", "Paris"),
            )
            for line_no, (item, spec) in enumerate(zip(items, ITEMS, strict=True), 1):
                units = spec[6]
                order.lines.append(
                    SalesOrderLine(
                        line_no=line_no,
                        item_id=item.id,
                        quantity_ordered=units,
                        quantity_allocated=units,
                        quantity_picked=units,
                        status="picked",
                    )
                )
            s.add_all([tote, order])
            s.flush()
            changes = []
            for line, spec in zip(order.lines, ITEMS, strict=True):
                changes.append(
                    ledger.Change(
                        ledger.StockKey(bench.id, line.item_id, "", None, tote.id), spec[6]
                    )
                )
                s.add(
                    Task(
                        warehouse_id=wh.id,
                        kind="pick",
                        status="done",
                        item_id=line.item_id,
                        to_location_id=bench.id,
                        to_container_id=tote.id,
                        order_line_id=line.id,
                        quantity=spec[6],
                        quantity_done=spec[6],
                    )
                )
            ledger.post(s, "receive", changes, reason="bench")
        return wh.id, packer.id


def _ready(engine: Engine, warehouse_id: int, actor: Actor, n: int) -> int:
    """Start order n at the bench and scan its units in; the open carton's id."""
    view = transaction(
        engine, lambda s: packing.start(s, warehouse_id, f"BTOTE{n:05d}", actor=actor)
    )
    assert view.carton is not None
    carton_id = view.carton.carton_id
    for n_item, spec in enumerate(ITEMS, 1):
        code = with_check_digit(f"0614141{n_item:06d}")
        for _ in range(spec[6]):
            transaction(engine, lambda s, c=code: packing.pack_scan(s, carton_id, c, actor=actor))
    return carton_id


def _expected(engine: Engine, carton_id: int) -> int:
    with session_scope(engine) as s:
        carton = s.get(PackedCarton, carton_id)
        assert carton is not None
        return packing.expected_weight(s, carton)[0]


def _paperwork(engine: Engine, carton_id: int):  # type: ignore[no-untyped-def]
    with session_scope(engine) as s:
        carton = s.get(PackedCarton, carton_id)
        assert carton is not None
        order = s.get(SalesOrder, carton.order_id)
        assert order is not None
        return carton_paperwork(s, carton, order, "baseline")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(backend: str, cartons: int, fmt: str) -> dict[str, float]:
    db = Database(backend, "pack", admin_url=pg_url())
    try:
        t0 = time.perf_counter()
        warehouse_id, packer_id = seed(db.engine, cartons)
        actor = Actor(packer_id, STATION)
        printer = CartonDocuments(PrinterSettings(kind="folder", format=fmt))
        seeded = time.perf_counter() - t0
        closes: list[float] = []
        close_cpu: list[float] = []
        renders: list[float] = []
        ssccs: list[str] = []
        for n in range(cartons):
            carton_id = _ready(db.engine, warehouse_id, actor, n)
            grams = _expected(db.engine, carton_id)
            start, cpu = time.perf_counter(), time.process_time()
            closed = transaction(
                db.engine,
                lambda s, c=carton_id, g=grams, k=n: pack_close.close_carton(
                    s, c, g, settings=SETTINGS, printer=printer, actor=actor, scan_id=f"close-{k}"
                ),
            )
            closes.append((time.perf_counter() - start) * 1000)
            close_cpu.append((time.process_time() - cpu) * 1000)
            ssccs.append(closed.sscc)
            paperwork = _paperwork(db.engine, carton_id)
            start = time.perf_counter()
            printer.render(paperwork)
            renders.append((time.perf_counter() - start) * 1000)
        with session_scope(db.engine) as s:
            violations = ledger.invariant_violations(s)
            packed = s.scalar(
                select(func.count())
                .select_from(SalesOrder)
                .where(SalesOrder.status == OrderStatus.PACKED.value)
            )
        assert len(set(ssccs)) == cartons and all(is_valid_gs1_number(x) for x in ssccs)
        assert violations == [] and packed == cartons
        return {
            "seed_s": seeded,
            "close_p50": statistics.median(closes),
            "close_p95": pct(closes, 95),
            "cpu_p50": statistics.median(close_cpu),
            "cpu_p95": pct(close_cpu, 95),
            "render_p50": statistics.median(renders),
            "render_p95": pct(renders, 95),
        }
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.packing", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 cartons instead of 500")
    parser.add_argument("--cartons", type=int, default=None)
    parser.add_argument("--format", choices=("pdf", "zpl"), default="pdf")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    cartons = args.cartons or (100 if args.quick else 500)
    backends = [b for b in args.backends.split(",") if b]
    if "postgresql" in backends and not pg_url():
        print("postgresql: skipped (set FLOOR_BENCH_DATABASE_URL or FLOOR_TEST_DATABASE_URL)")
        backends.remove("postgresql")
    print(f"close carton, {cartons} cartons of 4 units (3 lines), documents as {args.format}")
    print(
        f"{'backend':<11} {'close p50':>10} {'close p95':>10} {'render p50':>11} "
        f"{'render p95':>11} {'p50 db':>8} {'p95 ratio':>10}  target p95 <= {TARGET_P95_MS:.0f} ms"
    )
    for backend in backends:
        load = os.getloadavg()[0]
        r = run(backend, cartons, args.format)
        verdict = "ok" if r["close_p95"] <= TARGET_P95_MS else "OVER"
        print(
            f"{backend:<11} {r['close_p50']:>8.1f}ms {r['close_p95']:>8.1f}ms "
            f"{r['render_p50']:>9.1f}ms {r['render_p95']:>9.1f}ms "
            f"{r['close_p50'] - r['render_p50']:>6.1f}ms "
            f"{r['close_p95'] / r['render_p95']:>9.2f}x  {verdict}"
        )
        print(
            f"{'':<11} close CPU (this process) p50 {r['cpu_p50']:.1f} ms, p95 "
            f"{r['cpu_p95']:.1f} ms; load average {load:.1f} -> {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores; seeded in {r['seed_s']:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
