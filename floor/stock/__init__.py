"""Stock: what is where, and the only code that changes it.

Every process builds on this package; it imports nothing from `floor.inbound` or
`floor.outbound` (a contract checked by import-linter).

- `ledger`: THE LEDGER. Postings of signed movements; the only code that writes balances.
- `ledger_sql`: the statements a posting runs key by key (on the driver) and its refusals;
  only `ledger` calls it.
- `catalog`: items by barcode or SKU (GTINs in their 14-digit form), locations by code.
- `idempotency`: `once()`, so a scan applied twice changes nothing the second time.
- `move_tasks`: confirming a directed move (put-away, replenishment) at its destination.
- `counting`: cycle counts, recounts and variance approval.
- `count_scheduling`: which counts to make: by location, by item, after a short pick, ABC.
- `replenishment`: pick faces topped up from reserve by min/max.
- `lookup`, `stock_report`: read-only views of stock for the floor and for people.
"""
