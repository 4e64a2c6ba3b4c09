"""Label rendering speed and memory, against the HTML-to-PDF route (WeasyPrint) in the same run.

    .venv/bin/python -m bench.labels [--count 1000] [--html-count 30] [--memory-count 10000]

1. N shipping labels into one PDF, and into N separate PDF files (each rendered to bytes
   and written with `Path.write_bytes` in the timed loop: labels rendered AND written, one
   process, one thread). Every label is different: its own tracking number, SSCC, order and
   consignee, in turn French (Latin-1), Serbian Cyrillic and Serbian Latin (Latin
   Extended-A), so every font subset is exercised, not one address repeated.
2. The same label as HTML with the same Code 128 / GS1-128 barcodes as inline SVG,
   rendered by WeasyPrint, one document per label (how HTML-based tools print labels).
3. Peak memory (max RSS) of a fresh process rendering 10,000 labels into one PDF, next to
   a fresh process that only imports the modules (the baseline).
"""

from __future__ import annotations

import argparse
import html
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from labels import gs1, render_pdf, render_pdf_many
from labels.code128 import QUIET_MODULES, encode
from labels.model import Address, ShippingLabel
from labels.samples import CUSTOMER_FR, CUSTOMER_SR, shipping

ROOT = Path(__file__).resolve().parents[1]
# (names, streets, cities) per consignee style; combined per label so no two are the same.
PEOPLE: list[tuple[Address, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = [
    (
        CUSTOMER_FR,
        ("Zoé Lemaître", "François Bœuf", "Anaïs Gaëlle Dupré", "Jérôme Noël", "Cécile Périé"),
        ("rue de la Paix", "allée des Châtaigniers", "quai Saint-Honoré", "place de l'Église"),
        ("Besançon", "Nîmes", "Orléans", "Évreux", "Pontoise"),
    ),
    (
        CUSTOMER_SR,
        ("Милош Ђорђевић", "Јелена Љубић", "Његош Шћепановић", "Љубица Џамић", "Жарко Ћирић"),
        ("Булевар ослобођења", "Кнез Михаилова", "Улица Цара Душана", "Његошева"),
        ("Нови Сад", "Београд", "Ниш", "Крагујевац", "Чачак"),
    ),
    (
        replace(CUSTOMER_SR, company="", country="Srbija"),
        ("Đorđe Čolić", "Šćepan Žižić", "Ljiljana Đukić", "Dušan Ćosić", "Nataša Šarić"),
        ("Bulevar oslobođenja", "Čika Ljubina", "Žička", "Đure Jakšića"),
        ("Šabac", "Čačak", "Užice", "Požarevac", "Niš"),
    ),
]


def consignee(n: int) -> Address:
    base, names, streets, cities = PEOPLE[n % len(PEOPLE)]
    k = n // len(PEOPLE)
    return replace(
        base,
        name=names[k % len(names)],
        line1=f"{streets[k % len(streets)]} {n % 97 + 1}",
        city=cities[k % len(cities)],
        postcode=f"{21000 + n % 900}",
    )


def labels_for(count: int) -> list[ShippingLabel]:
    return [shipping(n, consignee(n)) for n in range(1, count + 1)]


def svg_barcode(data: str, height_mm: float, module_mm: float) -> str:
    symbols = encode(data)
    width = (symbols.modules + 2 * QUIET_MODULES) * module_mm
    rects = "".join(
        f'<rect x="{(QUIET_MODULES + x) * module_mm:.3f}" y="0" width="{w * module_mm:.3f}" '
        f'height="{height_mm}"/>'
        for x, w in symbols.bars()
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.2f}mm" height="{height_mm}mm" '
        f'viewBox="0 0 {width:.3f} {height_mm}">{rects}</svg>'
    )


CSS = """
@page { size: 101.6mm 152.4mm; margin: 3mm; }
@font-face { font-family: DejaVu; src: url("%s"); }
body { font-family: DejaVu, sans-serif; font-size: 8pt; margin: 0; }
.to { font-size: 13pt; font-weight: bold; border-top: 0.6mm solid black; padding: 1mm 4mm; }
.row { display: flex; border-top: 0.6mm solid black; } .row div { flex: 1; }
.bar { text-align: center; border-top: 0.6mm solid black; padding-top: 1mm; }
.hri { font-size: 10pt; font-weight: bold; }
"""


def html_label(label: ShippingLabel) -> str:
    e = html.escape
    elements = [("00", label.sscc)]
    return f"""<html><body>
<div class="row"><div>{"<br>".join(e(x) for x in label.ship_from.lines())}</div>
<div><b style="font-size:16pt">{e(label.carrier)}</b><br>{e(label.service)}</div></div>
<div class="to">{"<br>".join(e(x) for x in label.ship_to.lines())}</div>
<div class="row"><div>Order<br><b>{e(label.order_reference)}</b></div>
<div>Weight<br><b>{label.weight_kg:.2f} kg</b></div>
<div><b>Carton {label.carton_number} of {label.carton_count}</b></div></div>
<div class="bar">{svg_barcode(label.tracking_number, 18, 0.42)}<br>{e(label.tracking_number)}</div>
<div class="bar">{svg_barcode(gs1.barcode_data(elements), 28, 0.45)}
<div class="hri">{e(gs1.hri(elements))}</div></div>
</body></html>"""


def timed(fn, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def one_pdf(batch: list[ShippingLabel]) -> None:
    render_pdf_many(batch)


def many_files(batch: list[ShippingLabel], folder: Path) -> None:
    for i, label in enumerate(batch):
        (folder / f"{i:05d}.pdf").write_bytes(render_pdf(label))


def folder_bytes(folder: Path, pattern: str) -> tuple[int, int]:
    """Number of files matching `pattern` in `folder` and their total size in bytes."""
    sizes = [p.stat().st_size for p in folder.glob(pattern)]
    return len(sizes), sum(sizes)


def weasy(batch: list[ShippingLabel], folder: Path) -> None:
    from weasyprint import CSS as WCSS
    from weasyprint import HTML

    from labels.fonts import FONT_DIR

    css = WCSS(string=CSS % (FONT_DIR / "DejaVuSans.ttf").as_uri())
    for i, label in enumerate(batch):
        HTML(string=html_label(label)).write_pdf(folder / f"html-{i:05d}.pdf", stylesheets=[css])


CHILD = """
import resource, sys
from labels import render_pdf_many
from bench.labels import labels_for
count = int(sys.argv[1])
size = len(render_pdf_many(labels_for(count))) if count else 0
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, size)
"""


def child_peak_rss_mb(count: int) -> tuple[float, int]:
    """Max RSS (MB) of a fresh Python rendering `count` labels in one PDF, and the PDF size."""
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(count)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    rss_kb, size = out.stdout.split()
    return int(rss_kb) / 1024, int(size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="labels for the reportlab runs")
    parser.add_argument("--html-count", type=int, default=30, help="labels for the WeasyPrint run")
    parser.add_argument(
        "--memory-count", type=int, default=10_000, help="labels for the memory run"
    )
    args = parser.parse_args(argv)

    batch = labels_for(args.count)
    render_pdf(batch[0])  # font registration and imports out of the timings
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t_one = timed(one_pdf, batch)
        t_files = timed(many_files, batch, folder)
        n_files, files_size = folder_bytes(folder, "0*.pdf")
        html_batch = batch[: args.html_count]
        weasy(html_batch[:1], folder)  # warm-up
        t_html = timed(weasy, html_batch, folder)
    one_rate = args.count / t_one
    files_rate = args.count / t_files
    html_rate = len(html_batch) / t_html
    n, h = args.count, len(html_batch)
    print(f"reportlab, {n} labels -> one PDF:      {t_one:6.2f} s  {one_rate:7.0f} labels/s")
    print(f"reportlab, {n} labels -> {n} files:   {t_files:6.2f} s  {files_rate:7.0f} labels/s")
    print(f"  (rendered and written, one process, one thread; {n_files} files,")
    print(f"   {files_size / max(n_files, 1) / 1e3:.1f} kB a file on average)")
    print(f"WeasyPrint HTML+SVG, {h} labels -> files: {t_html:6.2f} s  {html_rate:7.1f} labels/s")
    print(f"ratio one PDF / HTML:  {one_rate / html_rate:6.1f}x")
    print(f"ratio files / HTML:    {files_rate / html_rate:6.1f}x")
    base_rss, _ = child_peak_rss_mb(0)
    peak_rss, size = child_peak_rss_mb(args.memory_count)
    print(f"peak RSS, imports only:             {base_rss:6.1f} MB")
    print(
        f"peak RSS, {args.memory_count} labels -> one PDF: {peak_rss:6.1f} MB "
        f"(PDF {size / 1e6:.1f} MB)"
    )
    targets = [
        ("at least 200 labels/s (one PDF)", one_rate >= 200),
        ("at least 200 labels/s (files)", files_rate >= 200),
        ("at least 20x the HTML route", min(one_rate, files_rate) / html_rate >= 20),
        (f"peak memory under 200 MB for {args.memory_count}", peak_rss < 200),
    ]
    for text, ok in targets:
        print(f"  [{'ok' if ok else 'MISSED'}] {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
