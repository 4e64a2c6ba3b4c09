"""`floor ship`: confirm cartons onto a carrier's manifest, and close the manifest at the end
of the day (its PDF and CSV). Runs as the system (no operator), like the dock screen's
service; see docs/flows/shipping.md."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from floor.commands import CommandContext, CommandError, run_service
from floor.i18n import _, ngettext

MANIFEST_SIZES = ("a4", "letter")


def register(sub: Any) -> None:
    p = sub.add_parser(
        "ship",
        help=_("ship closed cartons with a carrier; close the carrier's manifest"),
        description=_(
            "Shipping at the dock: put closed cartons (by SSCC, or every closed carton of an "
            "order) on a carrier's manifest with the tracking numbers from the carrier's "
            "labels; their stock leaves the warehouse. At the end of the day close each "
            "carrier's manifest: it is written as PDF and CSV."
        ),
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="ship_command", metavar="ACTION", title=_("actions"))

    confirm = actions.add_parser(
        "confirm",
        help=_("ship a carton (or an order's closed cartons) with a carrier"),
        description=_(
            "Ship the closed carton --sscc (18 digits, or as printed: (00) 1 0614141 ...), or "
            "every closed carton of --order, with --carrier under the tracking number(s) of "
            "the carrier's labels: one --tracking per carton in carton order, or one for all "
            "(a multi-piece shipment). The cartons go on the carrier's open manifest "
            "(--manifest N: only that one, refused once it is closed). Running it again with "
            "the same --scan-id changes nothing."
        ),
    )
    which = confirm.add_mutually_exclusive_group(required=True)
    which.add_argument("--sscc", metavar="SSCC", help=_("the carton's SSCC"))
    which.add_argument("--order", metavar="ORDER", help=_("ship every closed carton of this order"))
    confirm.add_argument("--carrier", required=True, help=_("the carrier, e.g. UPS (required)"))
    confirm.add_argument(
        "--tracking",
        required=True,
        action="append",
        metavar="NUMBER",
        help=_("the tracking number on the carrier's label (required; once per carton)"),
    )
    confirm.add_argument("--service", help=_("the carrier's service (default: the order's)"))
    confirm.add_argument(
        "--manifest", type=int, metavar="N", help=_("the manifest the cartons must go on")
    )
    confirm.add_argument(
        "--scan-id",
        metavar="ID",
        help=_("an id for this confirmation: the same id again changes nothing"),
    )
    _warehouse_option(confirm)
    confirm.set_defaults(handler=cmd_confirm)

    manifest = actions.add_parser(
        "manifest",
        help=_("close, list and write carrier manifests"),
        description=_("A carrier's manifest lists the cartons handed to it since it opened."),
    )

    def manifest_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        manifest.print_help(ctx.out)
        return 0

    manifest.set_defaults(handler=manifest_help)
    steps = manifest.add_subparsers(dest="manifest_command", metavar="ACTION", title=_("actions"))
    close = steps.add_parser(
        "close",
        help=_("close the carrier's open manifest and write its PDF and CSV"),
        description=_(
            "Close the open manifest of --carrier (the driver signs the PDF and leaves) and "
            "write manifest-CARRIER-NNNNNN.pdf and .csv into DIR; the carrier's next carton "
            "opens a new manifest."
        ),
    )
    close.add_argument("--carrier", required=True, help=_("the carrier, e.g. UPS (required)"))
    _documents_options(close)
    _warehouse_option(close)
    close.set_defaults(handler=cmd_manifest_close)

    listing = steps.add_parser("list", help=_("list manifests, newest first"))
    listing.add_argument("--carrier", help=_("only this carrier's"))
    _warehouse_option(listing)
    listing.set_defaults(handler=cmd_manifest_list)

    write = steps.add_parser(
        "write",
        help=_("write a manifest's PDF and CSV again"),
        description=_("Write the PDF and CSV of manifest N (open or closed) into DIR."),
    )
    write.add_argument("manifest_id", type=int, metavar="N", help=_("the manifest's number"))
    _documents_options(write)
    write.set_defaults(handler=cmd_manifest_write)


def _warehouse_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--warehouse", metavar="CODE", help=_("warehouse code (default: the configured one)")
    )


def _documents_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--output-dir",
        metavar="DIR",
        default=".",
        help=_("the folder for the PDF and CSV (default: here)"),
    )
    p.add_argument("--size", choices=MANIFEST_SIZES, help=_("paper size (default: a4)"))


def sscc_from(text: str) -> str:
    """An SSCC as typed: 18 digits, or with its AI and spaces ('(00) 1 0614141 123456789 7')."""
    from floor.gs1 import sscc_in

    sscc = sscc_in(text)
    if sscc is None:
        raise CommandError(
            _("--sscc: expected the 18 digits of an SSCC, got {value}", value=text), 2
        )
    return sscc


def _warehouse(ctx: CommandContext, args: argparse.Namespace) -> int:
    from floor.stock.stock_report import find_warehouse

    return run_service(ctx, lambda s: find_warehouse(s, args.warehouse or ctx.settings.warehouse))


def _status_word(status: str) -> str:
    from floor.models import order_status_label

    return order_status_label(status)


def cmd_confirm(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.outbound.shipping import cartons_to_ship, confirm_shipment
    from floor.stock.ledger import SYSTEM

    warehouse_id = _warehouse(ctx, args)
    trackings: list[str] = args.tracking

    def work(session: Any) -> list[Any]:
        ssccs = (
            [sscc_from(args.sscc)]
            if args.sscc
            else cartons_to_ship(session, warehouse_id, args.order)
        )
        if len(trackings) not in (1, len(ssccs)):
            raise CommandError(
                ngettext(
                    "Order {order} has {n} carton to ship: give one --tracking, or one per carton",
                    "Order {order} has {n} cartons to ship: give one --tracking, or one per carton",
                    len(ssccs),
                    order=args.order,
                ),
                2,
            )
        done = []
        for n, sscc in enumerate(ssccs):
            scan_id = None
            if args.scan_id:
                scan_id = args.scan_id if len(ssccs) == 1 else f"{args.scan_id}-{n + 1}"
            done.append(
                confirm_shipment(
                    session,
                    warehouse_id=warehouse_id,
                    sscc=sscc,
                    carrier=args.carrier,
                    tracking_number=trackings[n if len(trackings) > 1 else 0],
                    service=args.service,
                    manifest_id=args.manifest,
                    actor=SYSTEM,
                    scan_id=scan_id,
                )
            )
        return done

    for shipped in run_service(ctx, work):
        print(
            _(
                "Carton {sscc} of order {order} shipped with {carrier} {service}, tracking "
                "{tracking}; manifest {manifest}",
                sscc=shipped.sscc,
                order=shipped.order,
                carrier=shipped.carrier,
                service=shipped.service,
                tracking=shipped.tracking_number,
                manifest=shipped.manifest_id,
            ),
            file=ctx.out,
        )
    last = shipped
    print(
        _(
            "Order {order}: {status}; manifest {manifest} of {carrier}: {cartons}",
            order=last.order,
            status=_status_word(last.order_status),
            manifest=last.manifest_id,
            carrier=last.carrier,
            cartons=_cartons(last.manifest_cartons),
        ),
        file=ctx.out,
    )
    return 0


def _write_documents(report: Any, args: argparse.Namespace, ctx: CommandContext) -> None:
    from floor.printing.manifests import write_manifest_files
    from labels import LabelDataError

    try:
        pdf, csv = write_manifest_files(report, Path(args.output_dir), args.size)
    except OSError as exc:
        raise CommandError(
            _(
                "Manifest {id} is closed, but its files cannot be written in {folder}: {problem}"
                "; write them with floor ship manifest write {id} -o DIR",
                id=report.id,
                folder=args.output_dir,
                problem=exc.strerror or exc,
            )
        ) from None
    except LabelDataError as exc:
        raise CommandError(
            _("Manifest {id}: its PDF cannot be made: {problem}", id=report.id, problem=exc)
        ) from None
    print(str(pdf), file=ctx.out)
    print(str(csv), file=ctx.out)


def _cartons(n: int) -> str:
    return ngettext("{n} carton", "{n} cartons", n)


def _report_line(report: Any) -> str:
    return _(
        "Manifest {id} of {carrier}: {cartons}, {units}, {kg} kg",
        id=report.id,
        carrier=report.carrier,
        cartons=_cartons(len(report.cartons)),
        units=ngettext("{n} unit", "{n} units", report.units),
        kg=f"{report.weight_g / 1000:.2f}",
    )


def cmd_manifest_close(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.outbound.manifests import close_manifest
    from floor.stock.ledger import SYSTEM

    warehouse_id = _warehouse(ctx, args)
    folder = Path(args.output_dir)
    if folder.exists() and not folder.is_dir():
        raise CommandError(_("{path} is not a folder", path=args.output_dir), 2)
    report = run_service(ctx, lambda s: close_manifest(s, warehouse_id, args.carrier, actor=SYSTEM))
    print(_("Closed: {summary}", summary=_report_line(report)), file=ctx.out)
    _write_documents(report, args, ctx)
    return 0


def cmd_manifest_write(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.outbound.manifests import manifest_report

    report = run_service(ctx, lambda s: manifest_report(s, args.manifest_id))
    print(_report_line(report), file=ctx.out)
    _write_documents(report, args, ctx)
    return 0


def manifest_status_label(status: str) -> str:
    labels = {
        # i18n: the status of a carrier manifest: cartons are still being added
        "open": _("loading"),
        # i18n: the status of a carrier manifest: the driver signed it and left
        "closed": _("closed"),
    }
    return labels.get(status, status)


def cmd_manifest_list(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.outbound.manifests import list_manifests

    warehouse_id = _warehouse(ctx, args)
    rows = run_service(ctx, lambda s: list_manifests(s, warehouse_id, carrier=args.carrier))
    if not rows:
        print(_("No manifests yet: they open with a carrier's first carton"), file=ctx.out)
        return 0
    head = (_("Manifest"), _("Carrier"), _("Status"), _("Cartons"), _("Opened"), _("Closed"))
    print(
        f"{head[0]:>8}  {head[1]:<12} {head[2]:<10} {head[3]:>7}  {head[4]:<16}  {head[5]}",
        file=ctx.out,
    )
    for m in rows:
        opened = m.created_at.strftime("%Y-%m-%d %H:%M")
        closed = m.closed_at.strftime("%Y-%m-%d %H:%M") if m.closed_at else "-"
        print(
            f"{m.id:>8}  {m.carrier:<12} {manifest_status_label(m.status):<10} {m.cartons:>7}  "
            f"{opened:<16}  {closed}",
            file=ctx.out,
        )
    return 0
