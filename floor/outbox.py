"""The outbox: events an order system or ERP is told about, written in the change's transaction.

A service that confirms a shipment, closes a pick short or takes an item's stock below its
reorder point calls `emit` in its own transaction: one `api_events` row (the event, read by
the API's feeds) and one `webhook_deliveries` row per active subscription that wants that
kind of event. The change and its event commit together or not at all, so no event is
told about a change that was rolled back and no change goes untold. Delivering is the API's
job (floor/api/delivery.py), later, with retries: a receiver that is down loses nothing.

It imports only the models, so every process (stock, outbound) may call it; it knows
nothing of HTTP.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from floor.models import ApiEvent, WebhookDelivery, WebhookSubscription, utcnow

SHIPMENT_CONFIRMED = "shipment.confirmed"
STOCK_LOW = "stock.low"
ORDER_EXCEPTION = "order.exception"
EVENTS = (SHIPMENT_CONFIRMED, STOCK_LOW, ORDER_EXCEPTION)


def emit(session: Session, kind: str, subject: str, payload: dict[str, Any]) -> int:
    """Add event `kind` about `subject` (an order number, a SKU) with `payload` (plain JSON),
    and a delivery to each active subscriber of it, in the caller's transaction; its id."""
    now = utcnow()
    event = ApiEvent(kind=kind, subject=str(subject)[:80], payload=payload, created_at=now)
    session.add(event)
    session.flush()
    for subscription_id, events in session.execute(
        select(WebhookSubscription.id, WebhookSubscription.events).where(
            WebhookSubscription.active.is_(True)
        )
    ):
        if kind in (events or ()):
            session.add(
                WebhookDelivery(
                    event_id=event.id, subscription_id=subscription_id, next_attempt_at=now
                )
            )
    return event.id


__all__ = ["EVENTS", "ORDER_EXCEPTION", "SHIPMENT_CONFIRMED", "STOCK_LOW", "emit"]
