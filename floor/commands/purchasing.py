"""`floor purchasing`: demand forecasts, reorder suggestions and purchase orders made from them.

`forecast` prints each item's forecast (and, with --backtest, its accuracy against the
seasonal naive baseline, in the same run); `suggest` prints what to order now; `create`
turns accepted suggestions into purchase orders, one per supplier; `reorder-points`
records the computed reorder points the supervisor board's stock alerts use. The services
are floor/planning/; see docs/purchasing.md.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from floor.commands import CLI_STATION, CommandContext, CommandError, run_service
from floor.i18n import N_, _

DESCRIPTION = N_(
    "Forecast each item's demand from what the warehouse shipped (returns netted), suggest "
    "what to order from which supplier (demand over the supplier's lead time plus safety "
    "stock for a service level, minus on hand and open purchase orders, plus what is "
    "reserved; whole packs, at least the minimum order), and turn accepted suggestions "
    "into purchase orders that receiving works against. Suppliers, their lead times, pack "
    "sizes and minimum order quantities come from `floor import suppliers`."
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "purchasing",
        help=_("demand forecasts, reorder suggestions, purchase orders from them"),
        description=_(DESCRIPTION),
    )

    def show_help(args: argparse.Namespace, ctx: CommandContext) -> int:
        p.print_help(ctx.out)
        return 0

    p.set_defaults(handler=show_help)
    actions = p.add_subparsers(dest="purchasing_command", metavar="ACTION", title=_("actions"))

    fc = actions.add_parser(
        "forecast",
        help=_("each item's demand forecast; --backtest: its accuracy (MASE)"),
        description=_(
            "Forecast the daily demand of every item that shipped in the history window (or "
            "of --item): Croston/SBA for intermittent demand, exponential smoothing with a "
            "weekday profile for steady demand. --backtest holds out the last 28 days, "
            "forecasts them from the days before, and scores the method and the seasonal "
            "naive baseline (same weekday last week) by MASE in the same run."
        ),
    )
    _common(fc)
    fc.add_argument("--item", metavar="SKU", nargs="+", help=_("only these items"))
    fc.add_argument(
        "--horizon", type=_positive, default=28, metavar="DAYS", help=_("days ahead (default 28)")
    )
    fc.add_argument(
        "--backtest", action="store_true", help=_("score against the seasonal naive baseline")
    )
    fc.set_defaults(handler=cmd_forecast)

    sg = actions.add_parser(
        "suggest",
        help=_("what to order now, per item and supplier"),
        description=_(
            "Suggest what to order now: for each item, the demand forecast over its "
            "supplier's lead time plus safety stock (z x sigma x sqrt(lead time) for the "
            "service level) is its reorder point; at or below it (on hand - reserved + on "
            "order), order up to the reorder point plus one review period's demand, at least "
            "the minimum order quantity, in whole packs. Lists only items to order unless "
            "--every-item."
        ),
    )
    _common(sg)
    _levels(sg)
    sg.add_argument("--supplier", metavar="CODE", help=_("only items bought from this supplier"))
    sg.add_argument("--item", metavar="SKU", nargs="+", help=_("only these items"))
    sg.add_argument(
        "--every-item", action="store_true", help=_("also items that need no order now")
    )
    sg.set_defaults(handler=cmd_suggest)

    rp = actions.add_parser(
        "reorder-points",
        help=_("compute and record reorder points (for the board's stock alerts)"),
        description=_(
            "Compute every planned item's reorder point and order-up-to level and record "
            "them; the supervisor board's stock alerts use them for items without a reorder "
            "point typed in. Run it nightly (create records them too)."
        ),
    )
    _common(rp)
    _levels(rp)
    rp.set_defaults(handler=cmd_reorder_points)

    cr = actions.add_parser(
        "create",
        help=_("turn suggestions into purchase orders, one per supplier"),
        description=_(
            "Create purchase orders for the suggestions to order now, of the items named "
            "(or --all), one per supplier, expected after the lead time; receiving works "
            "against them. Running it again orders nothing more: open purchase orders count "
            "as on order."
        ),
    )
    _common(cr)
    _levels(cr)
    cr.add_argument("--supplier", metavar="CODE", help=_("only this supplier's items"))
    which = cr.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help=_("every suggestion to order now"))
    which.add_argument("items", metavar="SKU", nargs="*", default=[], help=_("items to order"))
    cr.set_defaults(handler=cmd_create)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--warehouse", metavar="CODE", help=_("warehouse code (default: the configured one)")
    )
    p.add_argument(
        "--history-days",
        type=_positive,
        default=365,
        metavar="DAYS",
        help=_("days of history, ending yesterday (default 365)"),
    )
    p.add_argument(
        "--engine",
        choices=("builtin", "statsforecast"),
        default="builtin",
        help=_("forecasting code: builtin, or statsforecast when installed (floor[forecast])"),
    )
    p.add_argument("--json", action="store_true", help=_("JSON instead of a table"))


def _levels(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--service-level",
        type=service_level,
        default=0.95,
        metavar="PCT",
        help=_("chance of not running out before goods arrive: 95, 95%% or 0.95 (default 95%%)"),
    )
    p.add_argument(
        "--review-days",
        type=_positive,
        default=7,
        metavar="DAYS",
        help=_("days between orders, covered by each order (default 7)"),
    )


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            _("expected a whole number above zero, got {got}", got=text)
        )
    return value


def service_level(text: str) -> float:
    """95, 95% or 0.95 as 0.95; strictly between 0 and 100 %."""
    raw = text.strip().rstrip("%")
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if value >= 1 or text.strip().endswith("%"):
        value /= 100
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(
            _("expected a service level between 0 and 100%, like 95, got {got}", got=text)
        )
    return value


def _warehouse(ctx: CommandContext, args: argparse.Namespace) -> tuple[str, int]:
    from floor.db import read_only
    from floor.errors import FloorError
    from floor.stock.stock_report import find_warehouse

    code = args.warehouse or ctx.settings.warehouse
    with read_only(ctx.engine) as session:
        try:
            return code, find_warehouse(session, code)
        except FloorError as exc:
            raise CommandError(str(exc)) from None


def _read(ctx: CommandContext, work):  # type: ignore[no-untyped-def]
    from floor.db import read_only
    from floor.errors import FloorError
    from floor.planning.engines import EngineUnavailable

    try:
        with read_only(ctx.engine) as session:
            return work(session)
    except (FloorError, EngineUnavailable) as exc:
        raise CommandError(str(exc)) from None


def _number(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def cmd_forecast(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.commands.stock import table
    from floor.planning.item_forecasts import item_forecasts

    code, warehouse_id = _warehouse(ctx, args)
    report = _read(
        ctx,
        lambda s: item_forecasts(
            s,
            warehouse_id,
            skus=args.item,
            history_days=args.history_days,
            horizon=args.horizon,
            with_backtest=args.backtest,
            engine=args.engine,
        ),
    )
    summary = report.accuracy
    if args.json:
        data: dict[str, Any] = {
            "warehouse": code,
            "history": [report.start.isoformat(), report.end.isoformat()],
            "horizon_days": report.horizon,
            "items": [row.to_json() for row in report.items],
        }
        if summary is not None:
            data["backtest"] = {
                "series": summary.series,
                "scored": summary.scored,
                "mase": summary.mase,
                "baseline_mase": summary.baseline_mase,
                "ratio": summary.ratio,
            }
        print(json.dumps(data, ensure_ascii=False, indent=2), file=ctx.out)
        return 0
    print(
        _(
            "{code}: demand {start} to {end}, forecast for {days} days",
            code=code,
            start=report.start.isoformat(),
            end=report.end.isoformat(),
            days=report.horizon,
        ),
        file=ctx.out,
    )
    if not report.items:
        print(_("No item shipped in that time"), file=ctx.out)
        return 0
    headers = [_("SKU"), _("Demand"), _("Method"), _("Units"), _("Days"), _("Per day")]
    headers.append(_("Next {days} days", days=report.horizon))
    if summary is not None:
        headers += [_("MASE"), _("Baseline MASE")]
    rows = []
    for row in report.items:
        cells: list[object] = [
            row.sku,
            row.demand_class,
            row.method,
            row.history_units,
            row.demand_days,
            _number(row.per_day),
            _number(row.horizon_units, 1),
        ]
        if summary is not None:
            test = row.backtest
            cells += [_number(test and test.mase), _number(test and test.baseline_mase)]
        rows.append(cells)
    print(table(headers, rows, {3, 4, 5, 6, 7, 8}), file=ctx.out)
    if summary is not None:
        if summary.ratio is None:
            print(_("Backtest: no item has enough varied history to score"), file=ctx.out)
        else:
            print(
                _(
                    "Backtest over the last 28 days of {scored} of {series} items: MASE "
                    "{mase} against {baseline} for seasonal naive (ratio {ratio}; below 1 "
                    "is better than the baseline)",
                    scored=summary.scored,
                    series=summary.series,
                    mase=_number(summary.mase, 3),
                    baseline=_number(summary.baseline_mase, 3),
                    ratio=_number(summary.ratio, 3),
                ),
                file=ctx.out,
            )
    return 0


def _suggest(ctx: CommandContext, args: argparse.Namespace, warehouse_id: int, **kw: Any):  # type: ignore[no-untyped-def]
    from floor.planning.suggestions import suggest

    return _read(
        ctx,
        lambda s: suggest(
            s,
            warehouse_id,
            service_level=args.service_level,
            review_days=args.review_days,
            history_days=args.history_days,
            engine=args.engine,
            **kw,
        ),
    )


def cmd_suggest(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.commands.stock import table

    code, warehouse_id = _warehouse(ctx, args)
    found = _suggest(ctx, args, warehouse_id, supplier=args.supplier, skus=args.item)
    shown = found if args.every_item else [s for s in found if s.quantity > 0]
    if args.json:
        data = {
            "warehouse": code,
            "service_level": args.service_level,
            "review_days": args.review_days,
            "suggestions": [s.to_json() for s in shown],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2), file=ctx.out)
        return 0
    if not shown:
        print(_("Nothing to order in {code} now", code=code), file=ctx.out)
        return 0
    rows = [
        (
            s.sku,
            s.supplier or _("(none)"),
            f"{s.lead_time_days}{'*' if s.lead_time_assumed else ''}",
            s.method,
            _number(s.daily_demand),
            s.safety_stock,
            s.reorder_point,
            s.order_up_to,
            s.on_hand,
            s.reserved,
            s.on_order,
            s.in_transit,
            f"{s.pack_size}/{s.min_order_qty}",
            s.quantity,
        )
        for s in shown
    ]
    headers = [
        _("SKU"),
        _("Supplier"),
        _("Lead"),
        _("Method"),
        _("Per day"),
        _("Safety"),
        _("Reorder pt"),
        _("Up to"),
        _("On hand"),
        _("Reserved"),
        _("On order"),
        _("In transit"),
        _("Pack/MOQ"),
        _("Order"),
    ]
    print(table(headers, rows, {2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}), file=ctx.out)
    to_order = [s for s in shown if s.quantity > 0]
    level = format(args.service_level * 100, "g")
    print(
        _(
            "{n} items to order, {units} units, service level {level}%",
            n=len(to_order),
            units=sum(s.quantity for s in to_order),
            level=level,
        ),
        file=ctx.out,
    )
    if any(s.lead_time_assumed for s in shown):
        print(_("* lead time assumed: the supplier has none recorded"), file=ctx.out)
    if any(not s.supplier for s in to_order):
        print(
            _("Items with no supplier are not ordered: see `floor import suppliers`"),
            file=ctx.out,
        )
    return 0


def cmd_reorder_points(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.planning.suggestions import save_reorder_points, suggest

    code, warehouse_id = _warehouse(ctx, args)

    def work(session: Any) -> int:
        found = suggest(
            session,
            warehouse_id,
            service_level=args.service_level,
            review_days=args.review_days,
            history_days=args.history_days,
            engine=args.engine,
        )
        return save_reorder_points(session, warehouse_id, found, args.service_level)

    count = _write(ctx, work)
    if args.json:
        print(json.dumps({"warehouse": code, "recorded": count}), file=ctx.out)
        return 0
    print(_("{code}: reorder points recorded for {n} items", code=code, n=count), file=ctx.out)
    return 0


def _write(ctx: CommandContext, work):  # type: ignore[no-untyped-def]
    from floor.planning.engines import EngineUnavailable

    try:
        return run_service(ctx, work)
    except EngineUnavailable as exc:
        raise CommandError(str(exc)) from None


def cmd_create(args: argparse.Namespace, ctx: CommandContext) -> int:
    from floor.planning.purchasing import create_purchase_orders
    from floor.stock.ledger import Actor

    if not args.all and not args.items:
        raise CommandError(_("Name the items to order, or --all"))
    code, warehouse_id = _warehouse(ctx, args)
    created = _write(
        ctx,
        lambda s: create_purchase_orders(
            s,
            warehouse_id,
            Actor(None, CLI_STATION),
            skus=None if args.all else args.items,
            supplier=args.supplier,
            service_level=args.service_level,
            engine=args.engine,
        ),
    )
    if args.json:
        data = {
            "warehouse": code,
            "purchase_orders": [
                {
                    "number": o.number,
                    "supplier": o.supplier,
                    "expected_on": o.expected_on.isoformat(),
                    "lines": [{"sku": sku, "quantity": n} for sku, n in o.lines],
                }
                for o in created.orders
            ],
            "no_supplier": created.no_supplier,
        }
        print(json.dumps(data, ensure_ascii=False, indent=2), file=ctx.out)
        return 0
    for order in created.orders:
        print(
            _(
                "{number}: {supplier}, {lines} lines, {units} units, expected {date}",
                number=order.number,
                supplier=order.supplier,
                lines=len(order.lines),
                units=order.units,
                date=order.expected_on.isoformat(),
            ),
            file=ctx.out,
        )
    if created.no_supplier:
        print(
            _(
                "Not ordered, no supplier sells them: {skus}",
                skus=", ".join(created.no_supplier),
            ),
            file=ctx.out,
        )
    if not created.orders:
        print(_("Nothing to order in {code} now", code=code), file=ctx.out)
    return 0
