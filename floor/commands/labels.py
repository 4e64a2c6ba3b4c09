"""`floor labels`: render label templates to PDF or ZPL files, location sheets, samples."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

from floor.commands import CommandContext, CommandError

TEMPLATE_NAMES = (
    "shipping",
    "logistic",
    "lpn",
    "item",
    "kit",
    "locations",
    "packing-slip",
    "barcode-sheet",
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "labels",
        help="render labels (shipping, GS1 logistic, LPN, item, kit, locations, packing slip)",
        description="Render label templates to PDF or ZPL files, without printing them.",
    )
    p.set_defaults(handler=lambda args, ctx: (p.print_help(ctx.out), 0)[1])
    labels_sub = p.add_subparsers(dest="labels_command", metavar="ACTION", title="actions")

    r = labels_sub.add_parser(
        "render",
        help="render one template to a file",
        description="Render TEMPLATE from a JSON data file (or its sample data) to PDF or ZPL.",
    )
    r.add_argument(
        "template",
        choices=TEMPLATE_NAMES,
        metavar="TEMPLATE",
        help=f"one of {', '.join(TEMPLATE_NAMES)}",
    )
    r.add_argument(
        "--data",
        metavar="FILE.json",
        help="label data as JSON (default: the template's sample data)",
    )
    _output_options(r)
    r.set_defaults(handler=render_handler)

    loc = labels_sub.add_parser(
        "locations",
        help="a sheet of rack labels for an aisle",
        description="Rack labels (barcode, code, check digit) for the locations of an aisle, "
        "from the database, or for the codes given with --code.",
    )
    loc.add_argument(
        "--aisle",
        metavar="AISLE",
        help="aisle: codes starting with these letters, or the aisle number",
    )
    loc.add_argument(
        "--code",
        action="append",
        default=[],
        metavar="CODE",
        help="a location code (repeat); skips the database",
    )
    _output_options(loc)
    loc.set_defaults(handler=locations_handler)

    s = labels_sub.add_parser(
        "sample",
        help="every template with sample data",
        description="Render every template with its sample data (French and Serbian addresses).",
    )
    s.add_argument(
        "--out-dir",
        metavar="DIR",
        default="labels-sample",
        help="folder for the files (default: labels-sample)",
    )
    s.add_argument(
        "--format",
        choices=("pdf", "zpl", "both"),
        default="both",
        help="what to write (default: both)",
    )
    s.add_argument(
        "--png", action="store_true", help="also write a PNG of each PDF page (needs pdftoppm)"
    )
    s.add_argument(
        "--json", action="store_true", help="also write each template's sample data as JSON"
    )
    s.set_defaults(handler=sample_handler)


def _output_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=("pdf", "zpl"),
        default="pdf",
        help="PDF for paper and screens, ZPL for thermal printers",
    )
    p.add_argument(
        "--size",
        metavar="SIZE",
        help="page size: 4x6, a6, 4x2, a4 or letter (default: the template's own)",
    )
    p.add_argument("--dpi", type=int, default=203, help="printer resolution for ZPL (default: 203)")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="file to write (default: TEMPLATE.pdf or .zpl here; - for stdout)",
    )


def _render(label: object, args: argparse.Namespace) -> bytes:
    from floor.printing.captions import label_captions
    from labels import LabelDataError, render_pdf, render_zpl

    try:
        if args.format == "zpl":
            return render_zpl(label, args.size, label_captions(), dpi=args.dpi).encode("utf-8")
        return render_pdf(label, args.size, label_captions())
    except LabelDataError as exc:
        raise CommandError(f"bad label data: {exc}") from None


def _write(
    document: bytes, args: argparse.Namespace, default_name: str, ctx: CommandContext
) -> None:
    target = args.output or f"{default_name}.{args.format}"
    if target == "-":
        ctx.out.write(document.decode("utf-8") if args.format == "zpl" else "")
        if args.format == "pdf":
            import sys

            sys.stdout.buffer.write(document)
        return
    path = Path(target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(document)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    ctx.out.write(f"{path}\n")


def render_handler(args: argparse.Namespace, ctx: CommandContext) -> int:
    from labels import LabelDataError
    from labels.loader import from_dict
    from labels.render import TEMPLATES
    from labels.samples import SAMPLES

    template = TEMPLATES[args.template]
    if args.data:
        try:
            data = json.loads(Path(args.data).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"cannot read {args.data}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise CommandError(f"{args.data}: expected JSON label data: {exc}") from None
        try:
            label = from_dict(template.data_type, data)
        except LabelDataError as exc:
            raise CommandError(f"bad label data in {args.data}: {exc}") from None
    else:
        label = SAMPLES[args.template]()
    _write(_render(label, args), args, args.template, ctx)
    return 0


def _locations_from_database(ctx: CommandContext, aisle: str) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from floor.gs1 import location_check_digits
    from floor.models import Location, Warehouse

    with ctx.engine.connect() as conn:
        query = (
            select(Location.code, Location.check_digit, Location.aisle)
            .join(Warehouse, Warehouse.id == Location.warehouse_id)
            .where(Warehouse.code == ctx.settings.warehouse)
            .order_by(Location.code)
        )
        rows = conn.execute(query).all()
    if aisle.isdigit():
        chosen = [r for r in rows if r.aisle == int(aisle)]
    else:
        pattern = re.compile(rf"^{re.escape(aisle)}(?![A-Za-z])", re.IGNORECASE)
        chosen = [r for r in rows if pattern.match(r.code)]
    return [(r.code, r.check_digit or location_check_digits(r.code)) for r in chosen]


def locations_handler(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.gs1 import location_check_digits
    from labels.model import LocationLabel, LocationSheet

    if args.code:
        pairs = [(code, location_check_digits(code)) for code in args.code]
    elif args.aisle:
        pairs = _locations_from_database(ctx, args.aisle)
        if not pairs:
            raise CommandError(
                f"no locations in aisle {args.aisle!r} of warehouse {ctx.settings.warehouse}: "
                "expected codes starting with the aisle letters or an aisle number"
            )
    else:
        raise CommandError("expected --aisle AISLE or at least one --code CODE")
    title = f"{ctx.settings.warehouse} · {args.aisle}" if args.aisle else ctx.settings.warehouse
    sheet = LocationSheet(tuple(LocationLabel(code, check) for code, check in pairs), title=title)
    if args.size is None and args.format == "pdf":
        args.size = "a4"
    _write(_render(sheet, args), args, f"locations-{args.aisle or 'codes'}", ctx)
    return 0


def sample_handler(args: argparse.Namespace, ctx: CommandContext) -> int:
    import shutil
    import subprocess

    from labels.loader import to_dict
    from labels.render import PDF_ONLY
    from labels.samples import SAMPLES

    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    formats = ("pdf", "zpl") if args.format == "both" else (args.format,)
    if args.png and shutil.which("pdftoppm") is None:
        raise CommandError("--png needs pdftoppm (Debian: apt-get install poppler-utils)")
    for name, make in SAMPLES.items():
        label = make()
        for fmt in formats:
            if fmt == "zpl" and name in PDF_ONLY:
                continue
            opts = argparse.Namespace(format=fmt, size=None, dpi=203)
            path = out / f"{name}.{fmt}"
            path.write_bytes(_render(label, opts))
            ctx.out.write(f"{path}\n")
            if fmt == "pdf" and args.png:
                subprocess.run(
                    ["pdftoppm", "-r", "100", "-png", str(path), str(out / name)], check=True
                )
        if args.json:
            path = out / f"{name}.json"
            path.write_text(
                json.dumps(to_dict(label), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
            ctx.out.write(f"{path}\n")
    return 0
