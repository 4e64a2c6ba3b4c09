"""Receiving: scan the PO/ASN (or F2 for a blind receipt), then items; F5 closes the receipt.

Keys at the item step: the quantity key (`*` or F6), digits and Enter (or a CMD:QTY barcode)
set the packs of the next scan (digits alone are a GTIN or SKU keyed by hand),
an LPN label receives onto that LPN, F4 makes a new LPN (its label goes to the station's
printer when it has one), F3 marks the next scan damaged and asks for the damage reason
(F3 again: not damaged), F5 closes and shows the discrepancies, Esc goes back to the menu
(the receipt stays open and resumes). A station with a `[receiving] dock` receives at that
dock door (items, pallets and new LPNs) and names it in the title.

A tracked item scanned without its lot or expiry asks for them: key (or scan) the lot, then
the expiry as YYYY-MM-DD or YYMMDD; scanning the item's GS1 label instead also does, and
so does a GS1 barcode of the case that carries only the lot and expiry (AI 10, AI 17). A
badge, location or container label scanned as the lot is refused. Esc drops that item.

A pallet label's SSCC, at the document step or among the items, receives the whole pallet
(floor/screens/receiving_pallets.py); new LPNs and their labels are
floor/screens/receiving_lpn.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _, ngettext
from floor.scanning import Command, ScanKind
from floor.screens import keys
from floor.screens.flow import FlowScreen, Keyed, plain_text
from floor.screens.keys import Key
from floor.screens.receiving_lpn import LpnLabels
from floor.screens.receiving_pallets import PALLET, PalletReceiving

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.errors import FloorError
    from floor.inbound.receipt_closing import ReceiptClosed
    from floor.inbound.receiving import ReceiptSummary, Received
    from floor.scanning import Scan

DOCUMENT = "document"
ITEM = "item"
LOT = "lot"
EXPIRY = "expiry"
# the site's own labels, refused as a scanned lot (a lot is read from a plain or GS1 label)
NOT_A_LOT = frozenset(
    {
        ScanKind.BADGE,
        ScanKind.LOCATION,
        ScanKind.LPN,
        ScanKind.TOTE,
        ScanKind.CARTON,
        ScanKind.CART,
        ScanKind.SSCC,
        ScanKind.ORDER,
        ScanKind.PURCHASE_ORDER,
    }
)
DAMAGE = "damage"
UNEXPECTED = "unexpected"  # an item not on the PO: receive it anyway?
EXPIRED = "expired"  # an expiry already past: a supervisor accepts it
EXPIRED_REASON = "expired_reason"  # ... with a reason
CLOSE = "close"  # F5: close with these discrepancies?
HELD = (UNEXPECTED, EXPIRED, EXPIRED_REASON)
KEYED_STEPS = (LOT, EXPIRY)
# Damage reasons by the number keyed; codes of floor.inbound.receiving.DAMAGE_REASONS.
DAMAGE_CHOICES = {1: "transit", 2: "wet", 3: "crushed", 4: "wrong_item", 5: "other"}


class ReceivingScreen(PalletReceiving, LpnLabels, FlowScreen):
    FLOW: ClassVar[str] = "receiving"
    TITLE: ClassVar[str] = N_("Receiving")
    ROLES: ClassVar[tuple[str, ...]] = ("receiver",)
    MENU_ORDER: ClassVar[int] = 100
    KEYED: ClassVar[dict[str, Keyed]] = {
        LOT: Keyed.TEXT,
        EXPIRY: Keyed.TEXT,
        DAMAGE: Keyed.NUMBER,
        EXPIRED_REASON: Keyed.TEXT,
    }
    KEYS: ClassVar[dict[str, tuple[Key, ...]]] = {
        DOCUMENT: (Key("F2", N_("Blind receipt"), N_("Blind")), keys.BACK),
        ITEM: (
            keys.QUANTITY,
            Key("F3", N_("Damaged")),
            Key("F4", N_("New LPN"), N_("LPN")),
            Key("F5", N_("Close")),
            keys.BACK,
        ),
        LOT: (keys.ENTER_OK, Key(keys.ESC, N_("Drop item"), N_("Drop"), keep=True)),
        EXPIRY: (keys.ENTER_OK, Key(keys.ESC, N_("Drop item"), N_("Drop"), keep=True)),
        DAMAGE: (Key("1-5", N_("Reason")), Key(keys.ESC, N_("Not damaged"), keep=True)),
        UNEXPECTED: (
            Key("F2", N_("Receive it"), N_("Receive")),
            Key(keys.ESC, N_("Drop item"), N_("Drop"), keep=True),
        ),
        EXPIRED: (
            Key("F2", N_("Accept"), N_("Accept")),
            Key(keys.ESC, N_("Drop item"), N_("Drop"), keep=True),
        ),
        EXPIRED_REASON: (keys.ENTER_OK, Key(keys.ESC, N_("Drop item"), N_("Drop"), keep=True)),
        CLOSE: (Key("F2", N_("Close it"), N_("Close")), Key(keys.ESC, N_("Go on"), keep=True)),
        PALLET: (Key(keys.ESC, N_("Drop pallet"), N_("Drop"), keep=True),),
    }

    def __init__(self) -> None:
        super().__init__()
        self.step = DOCUMENT
        self.receipt: ReceiptSummary | None = None
        self.lpn: str | None = None
        self.damage_reason = ""  # a DAMAGE_REASONS code when the next scan is damaged
        self.pending: dict[str, Any] | None = None  # the tracked scan waiting for lot/expiry
        self.held: dict[str, Any] | None = None  # a refused scan waiting to be accepted
        self.held_text = ""  # why it is held (the service's words)
        self.approver = ""  # the supervisor's badge scanned to accept it
        self.closing: list[dict] = []  # the discrepancies shown before closing

    def screen_title(self) -> str:
        """The title names the station's dock door (`[receiving] dock`) when it has one."""
        dock = self.policy().dock
        return _("Receiving at dock {dock}", dock=dock) if dock else _(self.TITLE)

    def keys(self) -> Sequence[Key]:
        """At a held item's question F2 shows only to whom it works: a supervisor (an
        expired item; an unexpected one when the site wants a supervisor), else anyone.
        The others wait for a supervisor's badge; F2 would only be refused."""
        shown = super().keys()
        if self.step in (UNEXPECTED, EXPIRED) and self.held and not self.may_accept:
            return tuple(key for key in shown if key.name != "F2")
        return shown

    @property
    def may_accept(self) -> bool:
        """Whether the operator logged in may accept the held item with F2."""
        supervisor = "supervisor" in self.station.operator_roles
        if self.step == EXPIRED:
            return supervisor
        return supervisor or not (self.held and self.held.get("supervisor"))

    @property
    def damaged(self) -> bool:
        return bool(self.damage_reason)

    def on_mount(self) -> None:
        from floor.inbound import receiving

        saved = self.resume_state() or {}
        with self.in_language():
            self.render_step()
        if saved.get("receipt_id"):
            receipt_id = int(saved["receipt_id"])
            self.lpn = saved.get("lpn")

            def resumed(summary: ReceiptSummary) -> None:
                if summary.status == "open":
                    self.receipt = summary
                    self.go(ITEM)

            self.call_service(lambda s: receiving.receipt_summary(s, receipt_id), resumed)

    def go(self, step: str) -> None:
        self.step = step
        if self.receipt is not None and step == ITEM:
            self.save_state({"receipt_id": self.receipt.receipt_id, "lpn": self.lpn})
        self.render_step()

    def render_step(self) -> None:
        from floor.inbound.receiving import DAMAGE_REASONS

        if self.step == PALLET:
            self.pallet_prompt()
            if self.receipt is None:
                return
        elif self.step == DOCUMENT or self.receipt is None:
            self.prompt(
                _("Scan the purchase order or ASN"),
                _("F2 blind receipt, or a pallet's SSCC"),
            )
            return
        if self.step == CLOSE:
            self.render_close()
            return
        if self.step == UNEXPECTED and self.held:
            if self.held.get("supervisor") and "supervisor" not in self.station.operator_roles:
                self.prompt(_("Receive it anyway?"), _("A supervisor scans their badge"))
            else:
                self.prompt(_("Receive it anyway?"), _("F2 receives it as unexpected"))
        elif self.step == EXPIRED and self.held:
            if "supervisor" in self.station.operator_roles:
                self.prompt(_("Accept the expired item?"), _("F2 accepts it, with a reason"))
            else:
                self.prompt(_("Accept the expired item?"), _("A supervisor scans their badge"))
        elif self.step == EXPIRED_REASON and self.held:
            self.prompt(_("Key why it is accepted"), self.held_text)
        elif self.step == LOT and self.pending:
            self.prompt(
                _("Key or scan the lot of {sku}", sku=self.pending["sku"]), _("Esc drops the item")
            )
        elif self.step == EXPIRY and self.pending:
            self.prompt(
                _("Key the expiry of {sku}", sku=self.pending["sku"]),
                _("as YYYY-MM-DD or YYMMDD"),
            )
        elif self.step == PALLET:
            pass
        elif self.step == DAMAGE:
            self.prompt(
                _("Key the damage reason"),
                " ".join(f"{n}={_(DAMAGE_REASONS[code])}" for n, code in DAMAGE_CHOICES.items()),
            )
        else:
            mode = []
            if self.armed:
                mode.append(_("next scan x{n}", n=self.armed))
            if self.damaged:
                mode.append(f"{_('DAMAGED')} ({_(DAMAGE_REASONS[self.damage_reason])})")
            if self.lpn:
                mode.append(_("onto {lpn}", lpn=self.lpn))
            self.prompt(
                _("Scan an item"), " · ".join(mode) or _("F4 new LPN, F3 damaged, F5 close")
            )
        doc = self.receipt.purchase_order or _("blind")
        lines = [f"{self.receipt.number}  {doc}"]
        width = 12 if self.floor_app.compact else 24
        for line in self.receipt.lines:
            ordered = "" if line["ordered"] is None else f"/{line['ordered']}"
            extra = f"  {_('unexpected')}" if line.get("unexpected") else ""
            lines.append(f"{line['sku'][:width]:<{width}} {line['received']}{ordered}{extra}")
        if self.step in HELD and self.held_text:
            lines.insert(1, self.held_text)
        self.show_lines(lines, head=2 if self.step in HELD and self.held_text else 1)

    def render_close(self) -> None:
        """F5 asked: the discrepancies the receipt would close with."""
        assert self.receipt is not None
        words = {"short": _("short"), "over": _("over"), "unexpected": _("unexpected")}
        self.prompt(
            _("Close receipt {number}?", number=self.receipt.number),
            _("F2 closes it, Esc goes on receiving"),
        )
        lines = [
            ngettext("{n} discrepancy", "{n} discrepancies", len(self.closing))
            if self.closing
            else _("All as expected")
        ]
        lines += [
            f"{words[d['kind']]:<11} {d['sku']} {d['received']}/{d['ordered']}"
            for d in self.closing
        ]
        self.show_lines(lines, head=1)

    # Scans.

    def handle_scan(self, scan: Scan, raw: RawScan, ticket: Any) -> None:
        """At the lot and expiry steps a scan that is not a command or the item's GS1 label
        is the lot or date itself (a plain lot barcode reads as an unknown code elsewhere),
        unless it is one of the site's own labels: a badge, location or container is
        refused there, and a lot that looks like one can still be keyed. At a held item's
        question, a supervisor's badge accepts it."""
        if self.step in (UNEXPECTED, EXPIRED) and self.held and scan.kind is ScanKind.BADGE:
            self.approve(scan.code or plain_text(scan.raw))
            if ticket.outcome is None and not ticket.pending:
                self.accept(_("Supervisor {badge}", badge=scan.code or ""))
            return
        if self.step == EXPIRED_REASON and self.held and scan.kind is not ScanKind.COMMAND:
            self.receive_held(expired_reason=plain_text(scan.raw))  # read fast: still the reason
            return
        if self.step in KEYED_STEPS and scan.kind not in (ScanKind.COMMAND, ScanKind.PRODUCT):
            if self.pending and scan.elements and scan.surely_gs1 and not scan.is_logistic_unit:
                self.from_label(scan)  # the case's own lot/expiry barcode, without a GTIN
                if ticket.outcome is None and not ticket.pending:
                    self.accept(scan.raw)
                return
            if self.step == LOT and scan.kind in NOT_A_LOT and self.pending:
                self.reject(
                    _(
                        "{scan} is not a lot: scan the lot of {sku}, or key it if that is the lot",
                        scan=scan.describe(),
                        sku=self.pending["sku"],
                    ),
                    self.expected_text,
                )
                return
            self.keyed(plain_text(scan.raw))
            if ticket.outcome is None and not ticket.pending:
                self.accept(scan.raw)
            return
        super().handle_scan(scan, raw, ticket)

    def on_keyed_text(self, text: str) -> None:
        if self.step == EXPIRED_REASON:
            self.receive_held(expired_reason=text)
            return
        self.keyed(text)  # the lot or the expiry (KEYED)

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        from floor.inbound import receiving

        actor, scan_id = self.station.actor, raw.scan_id
        warehouse_id = self.station.warehouse_id
        if scan.kind is ScanKind.SSCC and self.step in (DOCUMENT, ITEM, PALLET):
            self.on_pallet(scan, raw)  # the whole pallet (receiving_pallets.py)
        elif self.step == DOCUMENT and scan.kind is ScanKind.PURCHASE_ORDER and scan.code:
            number = scan.code
            self.call_service(
                lambda s: receiving.open_receipt(
                    s,
                    warehouse_id=warehouse_id,
                    actor=actor,
                    purchase_order_number=number,
                    scan_id=scan_id,
                ),
                self.opened,
            )
        elif self.step == ITEM and scan.kind is ScanKind.LPN and scan.code:
            self.lpn = scan.code
            self.go(ITEM)
            self.accept(_("Receiving onto {lpn}", lpn=scan.code))
        elif (
            self.step in (ITEM, *KEYED_STEPS)
            and scan.kind is ScanKind.PRODUCT
            and scan.gtin
            and self.receipt
        ):
            if self.pending and scan.gtin != self.pending["barcode"] and self.step != ITEM:
                self.reject(
                    _("{scan}: not expected here", scan=scan.describe()),
                    self.expected_text or None,
                )
                return
            request = self.request_for(scan, scan_id)
            if self.pending and self.step != ITEM:  # the item's GS1 label fills in the rest
                request.update(
                    quantity=self.pending["quantity"],
                    count=self.pending["count"] or scan.count,
                    lot=scan.lot or self.pending["lot"],
                    expiry=scan.expiry or self.pending["expiry"],
                    serial=scan.serial or self.pending["serial"],
                )
            self.receive(request)
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def request_for(self, scan: Scan, scan_id: str) -> dict[str, Any]:
        return {
            "barcode": scan.gtin,
            "quantity": self.armed,
            "count": scan.count,
            "lot": scan.lot,
            "expiry": scan.expiry,
            "serial": scan.serial,
            "lpn_code": self.lpn,
            "damaged": self.damaged,
            "reason": self.damage_reason,
            "scan_id": scan_id,
        }

    def receive(self, request: dict[str, Any]) -> None:
        from floor.inbound import receiving

        assert self.receipt is not None
        receipt_id, actor = self.receipt.receipt_id, self.station.actor
        kwargs = dict(request)

        policy = self.policy()

        def work(session: Any) -> tuple[Received, ReceiptSummary]:
            done = receiving.receive_scan(
                session, receipt_id, actor=actor, policy=policy, dock_code=policy.dock, **kwargs
            )
            return done, receiving.receipt_summary(session, receipt_id)

        self.call_service(
            work, self.received, on_error=lambda err: self.refused(err, dict(request))
        )

    def policy(self) -> Any:
        """The station's `[receiving]` settings (checked when the station opened)."""
        from floor.inbound.receiving_checks import ReceivingPolicy

        return ReceivingPolicy.from_section(self.station.settings.section("receiving"))

    def refused(self, error: FloorError, request: dict[str, Any]) -> None:
        from floor.inbound.receiving_checks import ExpiryPast, NotOnOrder
        from floor.inbound.tracking import TrackingMissing

        if isinstance(error, NotOnOrder | ExpiryPast) and self.step not in HELD:
            # Ask first: the refused attempt changed nothing; accepted, the same scan id goes.
            self.held = {**request, "supervisor": getattr(error, "supervisor", True)}
            self.held_text, self.pending, self.approver = str(error), None, ""
            self.go(UNEXPECTED if isinstance(error, NotOnOrder) else EXPIRED)
            self.feedback(str(error), "info")  # the prompt asks the question, not "Expected:"
            return
        if self.step in HELD:
            self.reject(str(error), error.expected)  # the question stays: Esc drops the item
            return
        if isinstance(error, TrackingMissing):
            # Ask for what the scan lacked; the same scan id is used once it is complete
            # (the refused attempt changed nothing and recorded nothing).
            self.pending = {
                **request,
                "sku": error.sku,
                "needs_expiry": "expiry" in error.missing,
            }
            self.go(LOT if "lot" in error.missing else EXPIRY)
            self.accept(str(error))
            return
        if self.step in KEYED_STEPS:
            self.pending = None
            self.go(ITEM)
        self.reject(str(error), error.expected)

    def keyed(self, text: str) -> None:
        """A lot or an expiry keyed (or scanned as plain text) for the pending item."""
        from floor.errors import InvalidInput
        from floor.inbound.tracking import parse_expiry

        if not self.pending:
            self.go(ITEM)
            return
        value = text.strip()
        if self.step == LOT:
            if not value:
                self.reject(_("The lot is empty"), self.expected_text)
                return
            self.pending["lot"] = value
            if self.pending_needs_expiry:
                self.go(EXPIRY)
                self.accept(_("Lot {lot}", lot=value))
                return
        else:
            try:
                self.pending["expiry"] = parse_expiry(value)
            except InvalidInput as err:
                self.reject(str(err), err.expected)
                return
        self.receive_pending()

    def from_label(self, scan: Scan) -> None:
        """A GS1 barcode with no GTIN at the lot or expiry step: its lot (AI 10) and expiry
        (AI 17) are the pending item's."""
        assert self.pending is not None
        sku = self.pending["sku"]
        if self.step == LOT and scan.lot is None:
            self.reject(
                _("That barcode has no lot: scan the lot of {sku}, or key it", sku=sku),
                self.expected_text,
            )
            return
        if self.step == EXPIRY and scan.expiry is None:
            self.reject(
                _("That barcode has no expiry: key the expiry of {sku}", sku=sku),
                self.expected_text,
            )
            return
        if scan.lot is not None:
            self.pending["lot"] = scan.lot
        if scan.expiry is not None:
            self.pending["expiry"] = scan.expiry
        if self.step == LOT and self.pending_needs_expiry and self.pending.get("expiry") is None:
            self.go(EXPIRY)
            self.accept(_("Lot {lot}", lot=scan.lot))
            return
        self.receive_pending()

    def approve(self, badge: str) -> None:
        """A supervisor's badge at a held item: unexpected, receive it; expired, ask why."""
        self.approver = badge
        if self.step == EXPIRED:
            self.go(EXPIRED_REASON)
        else:
            self.receive_held()

    def receive_held(self, expired_reason: str = "") -> None:
        """Receive the held item now that it is accepted."""
        assert self.held is not None
        request = {k: v for k, v in self.held.items() if k != "supervisor"}
        if self.step == UNEXPECTED:
            request["confirm_unexpected"] = True
        else:
            request["expired_reason"] = expired_reason
            request["confirm_unexpected"] = bool(self.held.get("confirm_unexpected"))
        request["approver_badge"] = self.approver or None
        self.receive(request)

    def drop_held(self) -> None:
        self.held, self.held_text, self.approver = None, "", ""
        self.arm(None)
        self.go(ITEM)
        self.accept(_("Item dropped"))

    def receive_pending(self) -> None:
        """Receive the pending item now that its lot and expiry are known."""
        assert self.pending is not None
        self.receive({k: v for k, v in self.pending.items() if k not in ("sku", "needs_expiry")})

    @property
    def pending_needs_expiry(self) -> bool:
        return bool(self.pending and self.pending.get("needs_expiry"))

    # Results.

    def opened(self, summary: ReceiptSummary) -> None:
        self.receipt = summary
        self.go(ITEM)
        self.accept(_("Receipt {number} open", number=summary.number))

    def received(self, result: tuple[Received, ReceiptSummary]) -> None:
        done, self.receipt = result
        self.damage_reason, self.pending = "", None
        self.held, self.held_text, self.approver = None, "", ""
        self.arm(None)
        self.go(ITEM)
        where = done.lpn or done.location
        text = ngettext(
            "{n} x {sku} received to {where}",
            "{n} x {sku} received to {where}",
            done.quantity,
            sku=done.sku,
            where=where,
        )
        if done.unexpected:
            text += f" ({_('unexpected')})"
        if done.warning:
            self.feedback(f"{text}. {done.warning}", "info")
            ticket = self.floor_app.current_ticket
            if ticket is not None:
                ticket.accept(text)
            return
        self.accept(text)

    # Keys and command barcodes.

    def on_command(self, command: Command, quantity: int | None) -> None:
        from floor.inbound import receipt_closing, receiving

        actor, warehouse_id = self.station.actor, self.station.warehouse_id
        if command is Command.CANCEL and self.step == PALLET:
            self.drop_pallet()
        elif command is Command.CANCEL and self.step in HELD:
            self.drop_held()
        elif command is Command.CONFIRM and self.step == UNEXPECTED:
            self.receive_held()
        elif command is Command.CONFIRM and self.step == EXPIRED:
            if "supervisor" not in self.station.operator_roles:
                self.reject(_("Only a supervisor can accept an expired item"), self.expected_text)
                return
            self.go(EXPIRED_REASON)
        elif command is Command.CANCEL and self.step == CLOSE:
            self.closing = []
            self.go(ITEM)
        elif command is Command.CONFIRM and self.step == CLOSE and self.receipt:
            receipt_id = self.receipt.receipt_id
            self.call_service(
                lambda s: receipt_closing.close_receipt(s, receipt_id, actor=actor), self.closed
            )
        elif command is Command.CANCEL and self.step in (*KEYED_STEPS, DAMAGE):
            self.pending = None
            self.go(ITEM)
            self.accept(_("Item dropped") if self.step != DAMAGE else _("Not damaged"))
        elif command is Command.CONFIRM and self.step == DOCUMENT:
            self.call_service(
                lambda s: receiving.open_receipt(s, warehouse_id=warehouse_id, actor=actor),
                self.opened,
            )
        elif command is Command.QUANTITY and self.step == ITEM and quantity:
            self.arm(quantity)
            self.render_step()
            self.accept(
                ngettext("Next scan counts {n} pack", "Next scan counts {n} packs", quantity)
            )
        elif command is Command.QUANTITY and self.step == DAMAGE:
            code = DAMAGE_CHOICES.get(quantity or 0)
            if code is None:
                self.reject(
                    _("Unknown reason {n}", n=quantity),
                    ", ".join(str(n) for n in DAMAGE_CHOICES),
                )
                return
            self.damage_reason = code
            self.go(ITEM)
            self.accept(_("Next scan is damaged"))
        elif command is Command.SHORT and self.step == ITEM:
            if self.damaged:
                self.damage_reason = ""
                self.render_step()
                self.accept(_("Not damaged"))
            else:
                self.go(DAMAGE)
        elif command is Command.SHORT and self.step == DAMAGE:
            self.go(ITEM)
            self.accept(_("Not damaged"))
        elif command is Command.SKIP and self.step == ITEM:
            dock = self.policy().dock
            self.call_service(
                lambda s: receiving.create_lpn(
                    s, warehouse_id=warehouse_id, actor=actor, dock_code=dock
                ),
                self.lpn_made,
            )
        elif command is Command.DONE and self.step == ITEM and self.receipt:
            receipt_id = self.receipt.receipt_id
            self.call_service(
                lambda s: receipt_closing.discrepancies_of(s, receipt_id), self.ask_close
            )
        else:
            super().on_command(command, quantity)

    def ask_close(self, discrepancies: list[dict]) -> None:
        self.closing = discrepancies
        self.go(CLOSE)

    def closed(self, done: ReceiptClosed) -> None:
        self.closing = []
        self.receipt, self.lpn = None, None
        self.clear_state()
        self.go(DOCUMENT)
        words = {"short": _("short"), "over": _("over"), "unexpected": _("unexpected")}
        lines = [_("Receipt {number} closed", number=done.number)]
        lines += [
            f"{words[d['kind']]:<11} {d['sku']} {d['received']}/{d['ordered']}"
            for d in done.discrepancies
        ]
        self.show_lines(lines)
        self.accept(
            ngettext(
                "Closed with {n} discrepancy",
                "Closed with {n} discrepancies",
                len(done.discrepancies),
            )
            if done.discrepancies
            else _("Closed: all as expected")
        )
