"""Import benchmark: peak memory and time of `floor import items` on CSV and JSON files of
100,000, 1 million and 2 million rows, with the time per row so linearity shows.

Each import runs in a child process on a freshly migrated database; the parent reads the
child's own peak resident memory (`ru_maxrss`) from `os.wait4`, so what is measured is the
real process peak, interpreter and libraries included. The child times the import itself,
wall and CPU (`time.process_time`): the machine is shared, and wall time under load says
more about the neighbours than about the import, so the time per row is CPU time.

Baseline, in the same run, on the same files, also in a child process: the rows loaded by
the bare driver with no checks at all (CSV: `csv.reader`; JSON: `json.load` of the whole
file, the naive way; then `sqlite3` / `psycopg` executemany in one transaction). The
ratio floor / raw is printed for time, and the baseline's memory shows what reading a JSON
file whole costs.

The files are generated in a temporary folder (items with SKU, description, weight and
reorder point: about 35 bytes a row in CSV, 95 in JSON) and deleted afterwards.

    .venv/bin/python -m bench.imports                       # 100k, 1M, 2M rows; SQLite
    .venv/bin/python -m bench.imports --quick               # 50k and 200k rows
    .venv/bin/python -m bench.imports --sizes 100000,1000000 --backends sqlite,postgresql
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PG_ADMIN = os.environ.get("FLOOR_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SIZES = (100_000, 1_000_000, 2_000_000)
QUICK = (50_000, 200_000)
TARGET_MB = 300


# --- the files ------------------------------------------------------------------------------


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("sku,description,weight_kg,reorder_point\n")
        for n in range(rows):
            out.write(f"SKU-{n:07d},Widget {n:07d},0.25,{n % 100}\n")


def write_json(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for n in range(rows):
            end = ",\n" if n < rows - 1 else "\n"
            out.write(
                f'{{"sku": "SKU-{n:07d}", "description": "Widget {n:07d}", '
                f'"weight_kg": 0.25, "reorder_point": {n % 100}}}{end}'
            )
        out.write("]\n")


# --- databases ------------------------------------------------------------------------------


class Databases:
    """A migrated template per backend; `fresh()` gives a copy for one run.

    The parent never imports floor or SQLAlchemy (the migration and the PostgreSQL
    statements run in child processes): on Linux a child's `ru_maxrss` starts from the
    resident size of the process it was started from (it is kept across exec), so the
    parent stays small (about 10 MB) for the children's peaks to be their own.
    """

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self.folder = folder
        self.count = 0
        self.name = f"floor_bench_imports_{os.getpid()}"
        if backend == "sqlite":
            self.template = folder / "template.db"
            _database_child("create", f"sqlite:///{self.template}")
        else:
            _database_child("create", self.name)

    def fresh(self) -> str:
        self.count += 1
        if self.backend == "sqlite":
            path = self.folder / f"run{self.count}.db"
            shutil.copyfile(self.template, path)
            return f"sqlite:///{path}"
        return _database_child("copy", self.name, f"{self.name}_{self.count}")

    def drop(self, url: str) -> None:
        if self.backend == "sqlite":
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        else:
            _database_child("drop", url.rsplit("/", 1)[1].split("?")[0])

    def close(self) -> None:
        if self.backend == "postgresql":
            _database_child("drop", self.name)


def _database_child(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bench.imports", "--database", *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def database(action: str, name: str, copy: str = "") -> None:
    """In a child: make a migrated database (a SQLite URL or a PostgreSQL name), copy one
    (PostgreSQL, by template; prints the copy's URL) or drop one."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from floor.db import create_floor_engine, upgrade

    def url_of(database: str) -> str:
        return make_url(PG_ADMIN).set(database=database).render_as_string(hide_password=False)

    if action == "create" and name.startswith("sqlite"):
        engine = create_floor_engine(name)
        upgrade(engine)
        engine.dispose()
        return
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        if action == "create":
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            c.execute(text(f'CREATE DATABASE "{name}"'))
        elif action == "copy":
            c.execute(text(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"'))
            print(url_of(copy))
        else:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    if action == "create":
        engine = create_floor_engine(url_of(name))
        upgrade(engine)
        engine.dispose()


# --- one measured run, in a child process --------------------------------------------------


@dataclass
class Run:
    wall: float  # the import itself, timed by the child
    cpu: float  # CPU time of the import itself (process_time in the child)
    peak_mb: float  # the child's peak resident memory, from wait4
    rows: int


def measure(mode: str, path: Path, url: str) -> Run:
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.imports", "--child", mode, str(path), url],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    output = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)  # this child's own rusage
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{mode} import of {path.name} failed ({child.returncode})")
    result = json.loads(output.strip().splitlines()[-1])
    return Run(
        wall=result["wall"],
        cpu=result["cpu"],
        peak_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        rows=result["rows"],
    )


def child(mode: str, path: Path, url: str) -> None:
    """In the child: import `path` (floor, or the raw baseline) and print rows and wall time."""
    if mode == "floor":
        from floor.db import create_floor_engine
        from floor.imports import run_import

        engine = create_floor_engine(url)
        start, cpu = time.perf_counter(), time.process_time()
        outcome = run_import(engine, "items", path, warehouse="")
        rows = outcome.created + outcome.updated
    else:
        start, cpu = time.perf_counter(), time.process_time()
        rows = raw_load(path, url)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(json.dumps({"wall": wall, "cpu": cpu, "rows": rows}))


def raw_load(path: Path, url: str) -> int:
    """The baseline: the rows into `items` by the bare driver, no checks, one transaction."""
    import csv

    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            rows = [(sku, text, float(weight), int(point)) for sku, text, weight, point in reader]
    else:
        with path.open(encoding="utf-8") as f:
            rows = [
                (r["sku"], r["description"], r["weight_kg"], r["reorder_point"])
                for r in json.load(f)
            ]
    sql = (
        "INSERT INTO items (sku, description, uom, item_class, weight_kg, reorder_point, "
        "lot_tracked, expiry_tracked, serial_tracked, allow_mixed_lots, allocation, is_kit) "
        "VALUES ({0}, {0}, 'EA', '', {0}, {0}, false, false, false, true, 'fifo', false)"
    )
    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN")
        conn.executemany(sql.format("?"), rows)
        conn.execute("COMMIT")
        conn.close()
    else:
        import psycopg
        from sqlalchemy.engine import make_url

        u = make_url(url)
        with psycopg.connect(
            host=u.host, port=u.port or 5432, user=u.username, dbname=u.database
        ) as conn:
            conn.cursor().executemany(sql.format("%s"), rows)
    return len(rows)


# --- the report -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK}")
    parser.add_argument("--sizes", help="comma-separated row counts (default 100k, 1M, 2M)")
    parser.add_argument("--backends", default="sqlite", help="sqlite,postgresql")
    parser.add_argument("--formats", default="csv,json")
    parser.add_argument("--no-raw", action="store_true", help="skip the raw baseline")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "FILE", "URL"), help=argparse.SUPPRESS)
    parser.add_argument("--database", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.child[2])
        return
    if args.database:
        database(*args.database)
        return
    sizes = QUICK if args.quick else SIZES
    if args.sizes:
        sizes = tuple(int(n) for n in args.sizes.split(","))
    formats = args.formats.split(",")
    print(
        "floor import items: time and peak memory per child process "
        f"(load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores)"
    )
    print(
        f"  {'backend':<10} {'fmt':<4} {'rows':>9} {'file MB':>8} | {'wall s':>7} {'cpu s':>7} "
        f"{'cpu µs/row':>10} {'peak MB':>8} | {'raw cpu s':>9} {'raw MB':>7} {'floor/raw':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="floor-bench-imports-") as folder_name:
        folder = Path(folder_name)
        for backend in args.backends.split(","):
            databases = Databases(backend, folder)
            try:
                per_row: dict[str, list[float]] = {fmt: [] for fmt in formats}
                peaks: list[float] = []
                for rows in sizes:
                    for fmt in formats:
                        path = folder / f"items-{rows}.{fmt}"
                        (write_csv if fmt == "csv" else write_json)(path, rows)
                        url = databases.fresh()
                        run = measure("floor", path, url)
                        databases.drop(url)
                        assert run.rows == rows, (run.rows, rows)
                        raw = None
                        if not args.no_raw:
                            url = databases.fresh()
                            raw = measure("raw", path, url)
                            databases.drop(url)
                        per_row[fmt].append(run.cpu / rows * 1e6)
                        peaks.append(run.peak_mb)
                        raw_part = (
                            f"{raw.cpu:>9.1f} {raw.peak_mb:>7.0f} {run.cpu / raw.cpu:>9.1f}"
                            if raw
                            else f"{'-':>9} {'-':>7} {'-':>9}"
                        )
                        print(
                            f"  {backend:<10} {fmt:<4} {rows:>9} "
                            f"{path.stat().st_size / 1e6:>8.1f} | {run.wall:>7.1f} "
                            f"{run.cpu:>7.1f} {per_row[fmt][-1]:>10.1f} {run.peak_mb:>8.0f} | "
                            f"{raw_part}",
                            flush=True,
                        )
                        path.unlink()
                for fmt in formats:
                    times = per_row[fmt]
                    if len(times) > 1:
                        print(
                            f"  {backend} {fmt}: cpu per row at {sizes[-1]:,} rows / at "
                            f"{sizes[0]:,} rows = {times[-1] / times[0]:.2f} (1.00 is linear)"
                        )
                verdict = "met" if max(peaks) < TARGET_MB else "NOT met"
                print(
                    f"  {backend}: largest peak {max(peaks):.0f} MB; "
                    f"target < {TARGET_MB} MB {verdict}"
                )
            finally:
                databases.close()
    parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  (this parent process peaked at {parent:.0f} MB: no child can measure below that)")


if __name__ == "__main__":
    main()
