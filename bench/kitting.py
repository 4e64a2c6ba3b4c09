"""Kitting bench benchmark: producing a kit of 10 components, against the bare ledger postings.

Producing a kit (floor.kitting.bench.produce_kit) is one transaction: the work order locked
and checked, the components found at the bench (earliest expiry first), ONE ledger posting
(kind assemble: ten components consumed, the kit produced), the work order counted, the
kit's build recorded (kit_builds, its component lots), its put-away task, and its label
rendered (PDF, or ZPL with --format zpl) and queued as a print job of the station. The
baseline, measured in the same run on the same database, is the bare ledger posting:
`ledger.assemble` of the same ten components into the same kit item at the same bench, in
a transaction of its own, without the work order, build record, put-away task or label.

The warehouse: a kitting bench, ten component items (one of them twice per kit), a kit
item whose bill of materials takes them, a kitter, one released work order of N kits, and
at the bench enough of every component for the produces and the baselines. Before each
produce the kit on the bench is set as fully scanned (the work order's `progress`, as
`scan_component` leaves it; not timed). Produces and baselines alternate, one of each per
kit, single-threaded. It prints p50 and p95 of both and their ratio, checks the ledger's
invariants, the kits built and the labels queued. Target: produce p95 at most 50 ms. The
CPU time of this process and the load average are printed too: on a shared machine the
wall time is mostly waiting for a core.

    .venv/bin/python -m bench.kitting                  # 500 kits, SQLite and PostgreSQL
    .venv/bin/python -m bench.kitting --quick          # 100 kits
    .venv/bin/python -m bench.kitting --format zpl     # a thermal printer's labels

PostgreSQL runs when FLOOR_BENCH_DATABASE_URL or FLOOR_TEST_DATABASE_URL is set; the
benchmark creates a database of its own there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from sqlalchemy import Engine, func, select, update

from bench.ledger import Database, pg_url
from floor.db import session_scope, transaction
from floor.gs1 import location_check_digits, with_check_digit
from floor.kitting import bench
from floor.models import (
    Item,
    ItemBarcode,
    KitBuild,
    KitComponent,
    KitWorkOrder,
    Location,
    Operator,
    PrintJob,
    Warehouse,
    Zone,
)
from floor.printing.kit_labels import KitLabels
from floor.printing.settings import PrinterSettings
from floor.stock import ledger
from floor.stock.ledger import Actor, StockKey

TARGET_P95_MS = 50.0
STATION = "KIT01"
NUMBER = "KWO-BENCH"
# sku, description, quantity per kit: ten components, eleven units
COMPONENTS = tuple((f"BENCH-C{n:02d}", f"Component {n}", 2 if n == 1 else 1) for n in range(1, 11))


class Seeded:
    def __init__(self, kitter: int, bench_id: int, kit_id: int, parts: list[tuple[int, int]]):
        self.kitter = kitter
        self.bench_id = bench_id
        self.kit_id = kit_id
        self.parts = parts  # (component item id, quantity per kit)


def seed(engine: Engine, kits: int) -> Seeded:
    """The bench, the items, the bill of materials, a kitter, a released work order of
    `kits` kits and the components at the bench for `kits` produces and `kits` baselines."""
    with session_scope(engine) as s:
        wh = Warehouse(code="BENCH", name="Bench warehouse")
        s.add(wh)
        s.flush()
        zone = Zone(warehouse_id=wh.id, code="KIT", name="Kitting", kind="kitting")
        s.add(zone)
        s.flush()
        location = Location(
            warehouse_id=wh.id,
            zone_id=zone.id,
            code="KIT-01",
            check_digit=location_check_digits("KIT-01"),
            kind="floor",
        )
        s.add(location)
        items = []
        for n, (sku, description, _qty) in enumerate(
            (*COMPONENTS, ("BENCH-KIT", "Bench starter kit", 0)), 1
        ):
            code = with_check_digit(f"0614141{n:06d}")
            item = Item(sku=sku, description=description, gtin=code, is_kit=sku == "BENCH-KIT")
            item.barcodes.append(ItemBarcode(barcode=code, pack_level="each", units=1))
            items.append(item)
        s.add_all(items)
        kitter = Operator(badge="OPBENCH", name="Bench Kitter", pin_hash="x", roles="kitter")
        s.add(kitter)
        s.flush()
        kit = items[-1]
        parts = [(item.id, qty) for item, (_sku, _d, qty) in zip(items, COMPONENTS, strict=False)]
        for item_id, qty in parts:
            s.add(KitComponent(kit_item_id=kit.id, component_item_id=item_id, quantity=qty))
        s.add(
            KitWorkOrder(
                number=NUMBER,
                warehouse_id=wh.id,
                kind="kit",
                kit_item_id=kit.id,
                quantity=kits,
                quantity_done=0,
                status="released",
                bench_location_id=location.id,
                releases=0,
                progress={},
            )
        )
        ledger.post(
            s,
            "receive",
            [ledger.Change(StockKey(location.id, i, "", None), 2 * kits * q) for i, q in parts],
            reason="bench",
        )
        return Seeded(kitter.id, location.id, kit.id, parts)


def _scanned(engine: Engine, seeded: Seeded) -> None:
    """The kit on the bench fully scanned, as scan_component leaves it (not timed)."""
    counts = {str(item_id): qty for item_id, qty in seeded.parts}
    with session_scope(engine) as s:
        s.execute(
            update(KitWorkOrder)
            .where(KitWorkOrder.number == NUMBER)
            .values(progress={"counts": counts})
        )


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def run(backend: str, kits: int, fmt: str) -> dict[str, float]:
    db = Database(backend, "kit", admin_url=pg_url())
    try:
        t0 = time.perf_counter()
        seeded = seed(db.engine, kits)
        printer = KitLabels(PrinterSettings(kind="folder", format=fmt))
        actor = Actor(seeded.kitter, STATION)
        seeded_s = time.perf_counter() - t0
        produces: list[float] = []
        produce_cpu: list[float] = []
        postings: list[float] = []
        consumed = [(StockKey(seeded.bench_id, i, "", None), q) for i, q in seeded.parts]
        made = (StockKey(seeded.bench_id, seeded.kit_id, "", None), 1)
        for n in range(kits):
            _scanned(db.engine, seeded)
            start, cpu = time.perf_counter(), time.process_time()
            transaction(
                db.engine,
                lambda s, k=n: bench.produce_kit(
                    s,
                    seeded.kitter,
                    NUMBER,
                    station=STATION,
                    printer=printer,
                    scan_id=f"produce-{k}",
                ),
            )
            produces.append((time.perf_counter() - start) * 1000)
            produce_cpu.append((time.process_time() - cpu) * 1000)
            start = time.perf_counter()
            transaction(
                db.engine,
                lambda s, k=n: ledger.assemble(
                    s, consumed, made, actor=actor, reference="baseline", scan_id=f"bare-{k}"
                ),
            )
            postings.append((time.perf_counter() - start) * 1000)
        with session_scope(db.engine) as s:
            violations = ledger.invariant_violations(s)
            builds = s.scalar(select(func.count()).select_from(KitBuild))
            labels = s.scalar(
                select(func.count()).select_from(PrintJob).where(PrintJob.template == "kit")
            )
            on_hand = ledger.on_hand(s, seeded.kit_id)
            status = s.scalar(select(KitWorkOrder.status).where(KitWorkOrder.number == NUMBER))
        assert violations == [], violations
        assert builds == kits and labels == kits and on_hand == 2 * kits and status == "done"
        return {
            "seed_s": seeded_s,
            "produce_p50": statistics.median(produces),
            "produce_p95": pct(produces, 95),
            "cpu_p50": statistics.median(produce_cpu),
            "cpu_p95": pct(produce_cpu, 95),
            "bare_p50": statistics.median(postings),
            "bare_p95": pct(postings, 95),
        }
    finally:
        db.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.kitting", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 kits instead of 500")
    parser.add_argument("--kits", type=int, default=None)
    parser.add_argument("--format", choices=("pdf", "zpl"), default="pdf")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    kits = args.kits or (100 if args.quick else 500)
    backends = [b for b in args.backends.split(",") if b]
    if "postgresql" in backends and not pg_url():
        print("postgresql: skipped (set FLOOR_BENCH_DATABASE_URL or FLOOR_TEST_DATABASE_URL)")
        backends.remove("postgresql")
    print(f"produce a kit, {kits} kits of 10 components (11 units), labels as {args.format}")
    print(
        f"{'backend':<11} {'produce p50':>12} {'produce p95':>12} {'bare p50':>9} "
        f"{'bare p95':>9} {'p50 ratio':>10} {'p95 ratio':>10}  target p95 <= "
        f"{TARGET_P95_MS:.0f} ms"
    )
    for backend in backends:
        load = os.getloadavg()[0]
        r = run(backend, kits, args.format)
        verdict = "ok" if r["produce_p95"] <= TARGET_P95_MS else "OVER"
        print(
            f"{backend:<11} {r['produce_p50']:>10.1f}ms {r['produce_p95']:>10.1f}ms "
            f"{r['bare_p50']:>7.1f}ms {r['bare_p95']:>7.1f}ms "
            f"{r['produce_p50'] / r['bare_p50']:>9.2f}x {r['produce_p95'] / r['bare_p95']:>9.2f}x"
            f"  {verdict}"
        )
        print(
            f"{'':<11} produce CPU (this process) p50 {r['cpu_p50']:.1f} ms, p95 "
            f"{r['cpu_p95']:.1f} ms; load average {load:.1f} -> {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} cores; seeded in {r['seed_s']:.1f} s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
