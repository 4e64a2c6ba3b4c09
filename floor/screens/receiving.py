"""Receiving: scan the PO/ASN (or F2 for a blind receipt), then items; F5 closes the receipt.

Keys at the item step: digits + Enter (or a CMD:QTY barcode) set the packs of the next scan,
an LPN label receives onto that LPN, F4 makes a new LPN (its label data is returned for the
printer), F3 marks the next scan damaged (it goes to quarantine), F5 closes and shows the
discrepancies, Esc goes back to the menu (the receipt stays open and resumes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from floor.i18n import N_, _
from floor.scanning import Command, ScanKind
from floor.screens.flow import FlowScreen

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.receiving import LpnCreated, ReceiptClosed, ReceiptSummary, Received
    from floor.scanning import Scan

DOCUMENT = "document"
ITEM = "item"
DAMAGE_REASON = "damaged at receipt"


class ReceivingScreen(FlowScreen):
    FLOW: ClassVar[str] = "receiving"
    TITLE: ClassVar[str] = N_("Receiving")
    ROLES: ClassVar[tuple[str, ...]] = ("receiver",)
    MENU_ORDER: ClassVar[int] = 100

    def __init__(self) -> None:
        super().__init__()
        self.step = DOCUMENT
        self.receipt: ReceiptSummary | None = None
        self.lpn: str | None = None
        self.packs: int | None = None
        self.damaged = False

    def on_mount(self) -> None:
        from floor import receiving

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
        if self.step == DOCUMENT or self.receipt is None:
            self.prompt(_("Scan the purchase order or ASN"), _("F2 blind receipt (no document)"))
            return
        mode = []
        if self.packs:
            mode.append(_("next scan x{n}", n=self.packs))
        if self.damaged:
            mode.append(_("DAMAGED"))
        if self.lpn:
            mode.append(_("onto {lpn}", lpn=self.lpn))
        self.prompt(_("Scan an item"), " · ".join(mode) or _("F4 new LPN, F3 damaged, F5 close"))
        doc = self.receipt.purchase_order or _("blind")
        lines = [f"{self.receipt.number}  {doc}"]
        width = 12 if self.floor_app.compact else 24
        for line in self.receipt.lines[: 5 if self.floor_app.compact else 12]:
            ordered = "" if line["ordered"] is None else f"/{line['ordered']}"
            lines.append(f"{line['sku'][:width]:<{width}} {line['received']}{ordered}")
        self.show_lines(lines)

    def on_scan(self, scan: Scan, raw: RawScan) -> None:
        from floor import receiving

        actor, scan_id = self.station.actor, raw.scan_id
        warehouse_id = self.station.warehouse_id
        if self.step == DOCUMENT and scan.kind is ScanKind.PURCHASE_ORDER and scan.code:
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
        elif self.step == ITEM and scan.kind is ScanKind.PRODUCT and scan.gtin and self.receipt:
            self.receive(scan, scan_id)
        else:
            self.reject(
                _("{scan}: not expected here", scan=scan.describe()), self.expected_text or None
            )

    def receive(self, scan: Scan, scan_id: str) -> None:
        from floor import receiving

        assert self.receipt is not None
        receipt_id, actor = self.receipt.receipt_id, self.station.actor
        packs, damaged, lpn = self.packs, self.damaged, self.lpn
        kwargs: dict[str, Any] = {
            "barcode": scan.gtin,
            "quantity": packs,
            "count": scan.count,
            "lot": scan.lot,
            "expiry": scan.expiry,
            "serial": scan.serial,
            "lpn_code": lpn,
            "damaged": damaged,
            "reason": DAMAGE_REASON if damaged else "",
        }

        def work(session: Any) -> tuple[Received, ReceiptSummary]:
            done = receiving.receive_scan(
                session, receipt_id, actor=actor, scan_id=scan_id, **kwargs
            )
            return done, receiving.receipt_summary(session, receipt_id)

        self.call_service(work, self.received)

    def opened(self, summary: ReceiptSummary) -> None:
        self.receipt = summary
        self.go(ITEM)
        self.accept(_("Receipt {number} open", number=summary.number))

    def received(self, result: tuple[Received, ReceiptSummary]) -> None:
        done, self.receipt = result
        self.packs, self.damaged = None, False
        self.go(ITEM)
        where = done.lpn or done.location
        self.accept(
            _("{n} x {sku} received to {where}", n=done.quantity, sku=done.sku, where=where)
        )

    def on_command(self, command: Command, quantity: int | None) -> None:
        from floor import receiving

        actor, warehouse_id = self.station.actor, self.station.warehouse_id
        if command is Command.CONFIRM and self.step == DOCUMENT:
            self.call_service(
                lambda s: receiving.open_receipt(s, warehouse_id=warehouse_id, actor=actor),
                self.opened,
            )
        elif command is Command.QUANTITY and self.step == ITEM and quantity:
            self.packs = quantity
            self.render_step()
            self.accept(_("Next scan counts {n} packs", n=quantity))
        elif command is Command.SHORT and self.step == ITEM:
            self.damaged = not self.damaged
            self.render_step()
            self.accept(_("Next scan is damaged") if self.damaged else _("Not damaged"))
        elif command is Command.SKIP and self.step == ITEM:
            self.call_service(
                lambda s: receiving.create_lpn(s, warehouse_id=warehouse_id, actor=actor),
                self.lpn_made,
            )
        elif command is Command.DONE and self.step == ITEM and self.receipt:
            receipt_id = self.receipt.receipt_id
            self.call_service(
                lambda s: receiving.close_receipt(s, receipt_id, actor=actor), self.closed
            )
        else:
            super().on_command(command, quantity)

    def lpn_made(self, made: LpnCreated) -> None:
        self.lpn = made.code
        self.go(ITEM)
        self.accept(_("New LPN {lpn}: put its label on the pallet", lpn=made.code))

    def closed(self, done: ReceiptClosed) -> None:
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
            _("Closed with {n} discrepancies", n=len(done.discrepancies))
            if done.discrepancies
            else _("Closed: all as expected")
        )
