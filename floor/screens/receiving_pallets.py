"""Receiving a whole pallet by its SSCC: a part of the receiving screen (screens/receiving.py).

A scan of a pallet label's SSCC (00), at the document step or among the items, receives
everything on the pallet in one go (floor.inbound.sscc_receiving): what an ASN or a
transfer lists for it, else what the label says (content GTIN (02), count (37), lot (10),
expiry (17)). At the document step it opens the receipt of the pallet's ASN or transfer
(a blind one for a pallet known only by its label). When nothing lists the SSCC and its
barcode carries no contents, the screen asks for the label's contents barcode; Esc drops
the pallet. A pallet received before is refused naming when.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from floor.i18n import _, ngettext

if TYPE_CHECKING:
    from floor.devices import RawScan
    from floor.errors import FloorError
    from floor.inbound.receiving import ReceiptSummary
    from floor.inbound.sscc_receiving import SsccReceived
    from floor.scanning import Scan

PALLET = "pallet"  # an SSCC no document lists: its label's contents barcode, please


class PalletReceiving:
    """The pallet steps of ReceivingScreen (a mixin: it uses the screen's state and calls)."""

    pallet: str | None = None  # the SSCC waiting for its contents barcode
    receipt: ReceiptSummary | None
    step: str

    def on_pallet(self, scan: Scan, raw: RawScan) -> None:
        """A logistic-unit scan: its SSCC (with or without contents), or the contents
        barcode of the pallet the screen asked about."""
        screen: Any = self
        if scan.sscc is None and self.pallet is None:
            screen.reject(
                _(
                    "{scan}: scan the pallet's SSCC (00) to receive the pallet whole",
                    scan=scan.describe(),
                ),
                screen.expected_text or None,
            )
            return
        sscc = scan.sscc or self.pallet
        if scan.sscc is not None and self.pallet is not None and scan.sscc != self.pallet:
            self.pallet = None  # another pallet: this one is dropped
        self.receive_pallet(str(sscc), scan, raw.scan_id)

    def receive_pallet(self, sscc: str, scan: Scan, scan_id: str) -> None:
        from floor.inbound import receiving, sscc_receiving

        screen: Any = self
        receipt_id = self.receipt.receipt_id if self.receipt and self.step != "document" else None
        actor, warehouse_id = screen.station.actor, screen.station.warehouse_id
        dock = screen.policy().dock  # the station's dock door, else the warehouse's first
        contents = {
            "content_gtin": scan.content_gtin,
            "count": scan.count,
            "lot": scan.lot,
            "expiry": scan.expiry,
        }

        def work(session: Any) -> tuple[SsccReceived, ReceiptSummary]:
            done = sscc_receiving.receive_sscc(
                session,
                warehouse_id=warehouse_id,
                sscc=sscc,
                actor=actor,
                receipt_id=receipt_id,
                scan_id=scan_id,
                dock_code=dock,
                **contents,
            )
            return done, receiving.receipt_summary(session, done.receipt_id)

        screen.call_service(
            work, self.pallet_received, on_error=lambda err: self.pallet_refused(err, sscc)
        )

    def pallet_received(self, result: tuple[SsccReceived, ReceiptSummary]) -> None:
        screen: Any = self
        done, self.receipt = result
        self.pallet = None
        screen.arm(None)
        screen.go("item")
        if done.source == "transfer":  # a carton another warehouse shipped here
            text = ngettext(
                "Carton {sscc} of {number}: {n} unit received",
                "Carton {sscc} of {number}: {n} units received",
                done.units,
                sscc=done.sscc,
                number=done.purchase_order or "",
            )
        else:
            text = ngettext(
                "Pallet {sscc}: {n} unit received onto {lpn}",
                "Pallet {sscc}: {n} units received onto {lpn}",
                done.units,
                sscc=done.sscc,
                lpn=done.lpn,
            )
        lines = ", ".join(f"{line['quantity']} x {line['sku']}" for line in done.lines)
        screen.accept(f"{text} ({lines})")

    def pallet_refused(self, error: FloorError, sscc: str) -> None:
        from floor.inbound.sscc_receiving import SsccContentsUnknown

        screen: Any = self
        if isinstance(error, SsccContentsUnknown):
            self.pallet = sscc
            screen.go(PALLET)
            screen.accept(str(error))
            return
        self.pallet = None
        if self.step == PALLET:
            screen.go("item" if self.receipt else "document")
        screen.reject(str(error), error.expected)

    def drop_pallet(self) -> None:
        screen: Any = self
        self.pallet = None
        screen.go("item" if self.receipt else "document")
        screen.accept(_("Pallet dropped"))

    def pallet_prompt(self) -> None:
        screen: Any = self
        screen.prompt(
            _("Scan the contents barcode of pallet {sscc}", sscc=self.pallet or ""),
            _("the label's (02) content and (37) count; Esc drops the pallet"),
        )
