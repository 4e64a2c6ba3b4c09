"""Outbound: orders out of the building.

- `order_routing`: the warehouse for orders that came without one.
- `wave_rules`, `waves`: which orders go together, building, releasing and cancelling waves.
- `allocation`: which balances fill an order line (FEFO/FIFO, fewest locations).
- `routing/`: pick paths through the aisles (exact and heuristic).
- `picking`: cluster picking onto a cart of totes.
- `cartonization`: which cartons to pack an order in, and which units in each (pure; its
  geometry in `carton_fit`, the exact optimum of small orders in `cartonization_exact`).
"""
