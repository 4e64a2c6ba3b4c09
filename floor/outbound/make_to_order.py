"""Make to order: who may make what a wave cannot allocate, instead of the order going short.

Outbound knows nothing of how items are made. A process that makes items (kitting:
floor.kitting.assemble_to_order) registers a `Maker` here; wave release asks the makers
about every short line, and an order whose shortage some maker took on leaves the wave to
wait for it (backordered, outcome "awaiting_kit") instead of going short. A later wave
allocates what was made. The dependency points from the maker to outbound, never back.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session


class Maker(Protocol):
    def __call__(
        self, session: Session, warehouse_id: int, item_id: int, quantity: int, order_id: int
    ) -> bool:
        """Take on making `quantity` of the item for the order; True when it will be made
        (a work order exists or was created in this transaction)."""
        ...


_MAKERS: list[Maker] = []


def register(maker: Maker) -> Maker:
    """Add a maker (idempotent: registering the same function twice keeps one)."""
    if maker not in _MAKERS:
        _MAKERS.append(maker)
    return maker


def will_make(
    session: Session, warehouse_id: int, item_id: int, quantity: int, order_id: int
) -> bool:
    """Whether a registered maker takes on the shortage."""
    return any(maker(session, warehouse_id, item_id, quantity, order_id) for maker in _MAKERS)


__all__ = ["Maker", "register", "will_make"]
