"""Inbound: goods arriving at the dock and going to their place.

- `receiving`: receipts against a purchase order or ASN, or blind: receipt lines, LPNs.
- `tracking`: the lot, expiry and serial a tracked item's receiving scan must carry.
- `receipt_closing`: closing a receipt and its discrepancies against the purchase order.
- `putaway`: proposing a location by rules and starting the put-away task; confirming it is
  `floor.stock.move_tasks`, shared with replenishment.
- `returns`: customer returns found by order or return authorization, with a disposition.
"""
