"""`floor containers`: create numbered carts, totes, pallets and cartons and print their labels;
list containers; list carton types. Runs as the system (no operator)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from floor.commands import CommandContext, CommandError, run_service
from floor.i18n import _, ngettext

# as floor.outbound.containers.CREATABLE_KINDS and floor.models.ContainerKind (a test checks)
CREATE_KINDS = ("cart", "tote", "pallet", "carton")
LIST_KINDS = ("pallet", "case", "tote", "carton", "cart")
LABEL_SIZES = ("4x6", "a6", "4x2")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "containers",
        help=_("create and label carts, totes, pallets and cartons; list them and carton types"),
        description=_(
            "Carts, totes, pallets and cartons carry a barcode label before they are used. "
            "Create them numbered after the highest code of their kind, each kind with its "
            "prefix from the site scan language (CART, TOTE, LPN, CTN by default), and print "
            "their labels; list containers and the carton types packers choose from."
        ),
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="containers_command", metavar="ACTION", title=_("actions"))

    create = actions.add_parser(
        "create",
        help=_("create numbered containers and print or save their labels"),
        description=_(
            "Create COUNT containers of KIND with the next free numbers of the kind's scan "
            "prefix (CART0001, TOTE0001, LPN0000001, CTN000001 by default); two people "
            "creating at once get distinct codes. --print sends one label each to this "
            "station's printer; -o writes them all to one PDF. Prints the new codes."
        ),
    )
    create.add_argument(
        "--kind", required=True, choices=CREATE_KINDS, help=_("what to create (required)")
    )
    create.add_argument(
        "--count",
        required=True,
        type=int,
        metavar="N",
        help=_("how many, 1 to 500 (required)"),
    )
    create.add_argument(
        "--print",
        action="store_true",
        dest="print_labels",
        help=_("print a label for each on this station's printer ([printer] in floor.toml)"),
    )
    create.add_argument(
        "-o",
        "--output",
        metavar="FILE.pdf",
        help=_("also write every label to this PDF, one page each"),
    )
    create.add_argument(
        "--size",
        choices=LABEL_SIZES,
        help=_("label size (default: the printer's, or 4x6 for the PDF)"),
    )
    create.add_argument(
        "--wait",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help=_("with --print: how long to wait for the printer (default: 30)"),
    )
    create.set_defaults(handler=cmd_create)

    listing = actions.add_parser(
        "list",
        help=_("list containers by kind"),
        description=_(
            "List containers with where they are, the units they hold and how many "
            "containers are inside them."
        ),
    )
    listing.add_argument("--kind", choices=LIST_KINDS, help=_("only containers of this kind"))
    listing.add_argument(
        "--empty",
        action="store_true",
        help=_("only containers holding no stock and no other container"),
    )
    listing.set_defaults(handler=cmd_list)

    types = actions.add_parser(
        "carton-types",
        aliases=["types"],
        help=_("list the carton types packers choose from"),
        description=_(
            "List the carton types, smallest first: inner size, the most a packed carton may "
            "weigh, the empty carton's weight and the barcode to scan. Import them with "
            "`floor import carton-types FILE` (docs/imports.md)."
        ),
    )
    types.set_defaults(handler=cmd_carton_types)


# --- create ----------------------------------------------------------------------------------


def _check_output(path: str) -> Path:
    """The PDF to write, refused before anything is created when it cannot be written."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise CommandError(_("No such folder: {folder}", folder=str(folder)))
    if target.is_dir():
        raise CommandError(_("{path} is a folder: expected a file name", path=path))
    return target


def _print_service(ctx: CommandContext) -> Any:
    from floor.config import ConfigError
    from floor.printing import PrintingDisabled, open_print_service

    try:
        return open_print_service(ctx.settings, resume=False, engine=ctx.engine)
    except PrintingDisabled:
        raise CommandError(
            _(
                "Station {station} does not print ([printer] kind = none): "
                "use -o FILE.pdf or another station",
                station=ctx.settings.station,
            )
        ) from None
    except ConfigError as exc:
        raise CommandError(_("Printer settings: {problem}", problem=str(exc))) from None


def _created_text(kind: str, n: int) -> str:
    sentences = {
        "cart": ngettext("{n} cart created:", "{n} carts created:", n),
        "tote": ngettext("{n} tote created:", "{n} totes created:", n),
        "pallet": ngettext("{n} pallet created:", "{n} pallets created:", n),
        "carton": ngettext("{n} carton created:", "{n} cartons created:", n),
    }
    return sentences[kind]


def cmd_create(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.config import ConfigError
    from floor.outbound.containers import container_kind_label, create_containers
    from floor.scanning import ScanLanguage

    try:
        language = ScanLanguage.from_settings(ctx.settings)
    except ConfigError as exc:
        raise CommandError(str(exc)) from None
    target = _check_output(args.output) if args.output else None
    service = _print_service(ctx) if args.print_labels else None
    try:
        created = run_service(
            ctx, lambda s: create_containers(s, args.kind, args.count, language=language)
        )
        print(_created_text(created.kind, len(created.codes)), file=ctx.out)
        for code in created.codes:
            print(f"  {code}", file=ctx.out)
        from labels.model import LpnLabel

        word = container_kind_label(created.kind)
        labels = [
            LpnLabel(lpn=code, kind=word, warehouse=ctx.settings.warehouse)
            for code in created.codes
        ]
        if target is not None:
            _write_pdf(labels, target, args.size, ctx)
        if service is not None:
            return _print(service, labels, args, ctx)
        return 0
    finally:
        if service is not None:
            service.close()


def _write_pdf(labels: list[Any], target: Path, size: str | None, ctx: CommandContext) -> None:
    from floor.printing.captions import label_captions
    from labels import LabelDataError, render_pdf_many

    try:
        document = render_pdf_many(labels, size, label_captions())
    except LabelDataError as exc:
        raise CommandError(
            _(
                "The containers were created, but their labels cannot be made: {problem}",
                problem=exc,
            )
        ) from None
    try:
        target.write_bytes(document)
    except OSError as exc:
        raise CommandError(
            _("Cannot write {path}: {problem}", path=str(target), problem=exc.strerror or exc)
        ) from None
    print(
        ngettext(
            "{n} label written to {path}",
            "{n} labels written to {path}",
            len(labels),
            path=str(target),
        ),
        file=ctx.out,
    )


def _print(service: Any, labels: list[Any], args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.printing import JobStatus
    from labels import LabelDataError

    try:
        jobs = [service.print_label(label, (label.lpn,), args.size) for label in labels]
    except LabelDataError as exc:
        raise CommandError(
            _(
                "The containers were created, but their labels cannot be made: {problem}",
                problem=exc,
            )
        ) from None
    printer = service.transport.describe()
    service.wait_idle(args.wait)
    statuses = [service.store.get(job_id).status for job_id in jobs]
    printed = statuses.count(JobStatus.PRINTED)
    print(
        ngettext(
            "{n} label printed on {printer}",
            "{n} labels printed on {printer}",
            printed,
            printer=printer,
        ),
        file=ctx.out,
    )
    if printed == len(jobs):
        return 0
    failed = statuses.count(JobStatus.FAILED)
    waiting = len(jobs) - printed - failed
    problems = []
    if failed:
        problems.append(
            ngettext(
                "{n} label failed: floor print jobs --status failed lists it",
                "{n} labels failed: floor print jobs --status failed lists them",
                failed,
            )
        )
    if waiting:
        problems.append(
            ngettext(
                "{n} label still waiting for the printer: see floor print jobs",
                "{n} labels still waiting for the printer: see floor print jobs",
                waiting,
            )
        )
    raise CommandError("; ".join(problems))


# --- list ------------------------------------------------------------------------------------


def cmd_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.outbound.containers import container_kind_label, list_containers

    rows = run_service(ctx, lambda s: list_containers(s, kind=args.kind, empty=args.empty))
    if not rows:
        print(_("No empty containers") if args.empty else _("No containers"), file=ctx.out)
        return 0
    header = (_("code"), _("kind"), _("location"), _("units"), _("inside"))
    print(
        f"{header[0]:<16} {header[1]:<8} {header[2]:<12} {header[3]:>7} {header[4]:>6}",
        file=ctx.out,
    )
    for row in rows:
        print(
            f"{row.code:<16} {container_kind_label(row.kind):<8} {row.location or '-':<12} "
            f"{row.units:>7} {row.children:>6}",
            file=ctx.out,
        )
    print(ngettext("{n} container", "{n} containers", len(rows)), file=ctx.out)
    return 0


# --- carton types ----------------------------------------------------------------------------


def cmd_carton_types(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.outbound.containers import carton_types

    views = run_service(ctx, carton_types)
    if not views:
        print(_("No carton types: import them with floor import carton-types FILE"), file=ctx.out)
        return 0
    header = (
        _("code"),
        _("inner size (mm)"),
        _("max (g)"),
        _("tare (g)"),
        _("barcode"),
        _("description"),
    )
    print(
        f"{header[0]:<12} {header[1]:<16} {header[2]:>8} {header[3]:>8} {header[4]:<16} "
        f"{header[5]}",
        file=ctx.out,
    )
    for v in views:
        size = f"{v.length_mm}x{v.width_mm}x{v.height_mm}"
        print(
            f"{v.code:<12} {size:<16} {v.max_weight_g:>8} {v.tare_weight_g:>8} {v.barcode:<16} "
            f"{v.description}",
            file=ctx.out,
        )
    print(ngettext("{n} carton type", "{n} carton types", len(views)), file=ctx.out)
    return 0
