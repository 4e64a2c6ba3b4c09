"""Outbound: orders out of the building.

- `order_routing`: the warehouse for orders that came without one.
- `wave_rules`, `waves`: which orders go together; building, holding and cancelling waves.
- `wave_release`: releasing a wave: allocation, one reservation posting, pick tasks in carts.
- `wave_progress`: how far each wave is (status views); a wave is done when nothing is live.
- `pick_sequence`: a cart's picks in walking order along the aisles (release and claim).
- `allocation`: which balances fill an order line (FEFO/FIFO, fewest locations).
- `routing/`: pick paths through the aisles (exact and heuristic).
- `carts`: claiming a cart of pick tasks and putting a tote in each order slot.
- `picking`: cluster picking onto a cart of totes: location, item, quantity, tote per pick.
- `short_picks`: fewer units than asked at the location (BIDP/BIDF): reallocate or record.
- `cartonization`: which cartons to pack an order in, and which units in each (pure; its
  geometry in `carton_fit`, the exact optimum of small orders in `cartonization_exact`).
- `containers`: numbered carts, totes, pallets and cartons; carton types.
- `packing`: the pack bench: an order from a tote, its open carton, verified unit scans;
  `pack_verify` checks each unit (item, extra, lot, serial); `pack_close` closes a carton
  (weight, SSCC from `sscc`, ledger, paperwork from `pack_paperwork`), reopens and unpacks;
  `pack_settings` is `[packing]` (SSCC prefix, weight tolerance).
- `shipping`: the dock: a closed carton onto the carrier's manifest with its tracking
  number, its stock out through the ledger, quantity shipped and the order's status;
  `manifests` closes a carrier's manifest and gives it as plain data for its PDF and CSV.
- `order_view`: where an order is (lines, totes, cartons, tracking numbers), read-only.
"""
