"""Kitting: bills of materials, kit work orders, the kitting bench, kits taken apart.

- `bom.py`: a kit's bill of materials (components and quantity per kit), read and replaced
  (the import), with the cycle check (a kit never contains itself, directly or not);
- `work_orders.py`: kit and de-kit work orders: create, list, release (components or kits
  allocated FEFO/FIFO and brought to the bench on pick tasks of a cluster of their own,
  claimed with a cart like a wave's), park (stop for today), cancel; leftovers go back on
  put-away tasks;
- `bench.py`: the kitting bench: components scanned against the bill of materials, a kit
  produced through the ledger in one transaction (components consumed, kit produced with
  its lot and earliest expiry, its label queued), idempotent by scan id;
- `dekitting.py`: a kit taken apart: consumed, its components produced with their lots,
  a damaged one into quarantine with a reason;
- `assemble_to_order.py`: the maker wave release asks (floor.outbound.make_to_order) when
  it cannot allocate enough finished kits of an assemble-to-order kit.

Kitting uses outbound's picking engine (allocation, clusters, tasks): floor.kitting imports
floor.outbound and floor.stock, never the reverse; outbound learns of kitting only through
the maker registered here, on import of this package.
"""

from __future__ import annotations

from floor.kitting import assemble_to_order as _assemble_to_order

_assemble_to_order.register()
