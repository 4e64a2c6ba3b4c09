"""Webhooks: subscriptions, signing, and delivering the outbox with retries.

Each event of the outbox (floor/outbox.py) has one delivery row per subscriber, written in
the change's own transaction. `deliver_due` sends the deliveries that are due:

1. claim, in a short transaction: the due rows (oldest first; on PostgreSQL `FOR UPDATE
   SKIP LOCKED`, so two deliverers never take the same row) get their next attempt moved a
   lease ahead, so a deliverer that dies mid-way leaves them to be tried again;
2. POST each, outside any transaction (a slow receiver holds no lock and no transaction);
3. record, in a short transaction: a 2xx answer marks it delivered; anything else (refused,
   timed out, 5xx, 4xx) counts an attempt and sets the next one after an exponential
   backoff (10 s, 20 s, 40 s, ... at most an hour). A delivery is never dropped: it is tried
   until the receiver takes it (or the subscription is removed).

So a receiver gets every event at least once, and may get one twice (a crash between
sending and recording): it keeps the event ids it has seen (`Floor-Event-Id`).

Pruning: `prune_delivered` deletes the events older than a retention period (30 days unless
`[api] events_retention_days` says otherwise) every delivery of which was taken, with their
deliveries; an event still waiting for any receiver is never deleted, however old. The
deliverer prunes about once an hour; `floor api events prune` does it by hand.

Signing: `Floor-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the
subscription's secret>`; `verify` is what a receiver does (docs/api.md has it standalone).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, delete, exists, func, select
from sqlalchemy.orm import Session

from floor.db import transaction
from floor.errors import InvalidInput, NotFound
from floor.i18n import _
from floor.models import ApiEvent, WebhookDelivery, WebhookSubscription, utcnow
from floor.outbox import EVENTS

BACKOFF_FIRST = 10.0  # seconds before the second attempt
BACKOFF_MAX = 3600.0
LEASE = dt.timedelta(seconds=120)  # a claimed delivery is retried after this if not recorded
TIMEOUT = 10.0  # seconds a receiver has to answer
RETENTION_DAYS = 30  # delivered events older than this are pruned ([api] events_retention_days)
PRUNE_BATCH = 1000  # events deleted per transaction
TOLERANCE = 300  # seconds a receiver should accept between the timestamp and its clock
SIGNATURE_HEADER = "Floor-Signature"


def backoff(attempts: int) -> float:
    """Seconds to wait after the `attempts`-th failed attempt."""
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(
    secret: str, header: str, body: bytes, now: float | None = None, tolerance: int = TOLERANCE
) -> bool:
    """What a receiver checks: the signature matches and its timestamp is recent."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split(",v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


# --- subscriptions ---


@dataclass(frozen=True)
class Subscription:
    id: int
    url: str
    events: tuple[str, ...]
    active: bool
    pending: int = 0  # deliveries not yet taken by the receiver
    last_error: str = ""


def add_subscription(
    session: Session, url: str, events: Sequence[str], secret: str | None = None
) -> tuple[Subscription, str]:
    """Subscribe `url` to `events`; the subscription and its signing secret (shown once)."""
    if not url.startswith(("http://", "https://")):
        raise InvalidInput(
            _("Webhook URL: expected http:// or https://, got {url}", url=url),
            expected=_("an http:// or https:// URL"),
        )
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        raise InvalidInput(
            _(
                "Webhook events: expected one or more of {known}, got {events}",
                known=", ".join(EVENTS),
                events=", ".join(unknown) or "-",
            ),
            expected=_("one or more of {events}", events=", ".join(EVENTS)),
        )
    secret = secret or secrets.token_urlsafe(32)
    row = WebhookSubscription(
        url=url[:500], events=list(dict.fromkeys(events)), secret=secret, created_at=utcnow()
    )
    session.add(row)
    session.flush()
    return Subscription(row.id, row.url, tuple(row.events), True), secret


def list_subscriptions(session: Session) -> list[Subscription]:
    found: list[Subscription] = []
    for sub in session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id)):
        waiting = (
            WebhookDelivery.subscription_id == sub.id,
            WebhookDelivery.delivered_at.is_(None),
        )
        pending = session.scalar(select(func.count()).where(*waiting)) or 0
        last = session.scalar(
            select(WebhookDelivery.last_error)
            .where(*waiting, WebhookDelivery.last_error != "")
            .order_by(WebhookDelivery.id.desc())
            .limit(1)
        )
        found.append(
            Subscription(sub.id, sub.url, tuple(sub.events), sub.active, pending, last or "")
        )
    return found


def remove_subscription(session: Session, subscription_id: int) -> None:
    """Stop a subscription: no new deliveries, and its pending ones are no longer sent."""
    sub = session.get(WebhookSubscription, subscription_id)
    if sub is None:
        raise NotFound(
            _("Unknown webhook {id}", id=subscription_id),
            expected=_("a webhook id (floor api webhooks list)"),
        )
    sub.active = False


# --- delivering ---


@dataclass(frozen=True)
class _Claimed:
    delivery_id: int
    event_id: int
    kind: str
    url: str
    secret: str
    body: bytes
    attempts: int


Sender = Callable[[str, bytes, dict[str, str]], int]
"""POSTs (url, body, headers); the HTTP status, or raises OSError when there is no answer."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a delivery: urllib would follow a 301/302 with a GET
    and no body, and its 200 would count as delivered."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def http_send(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@dataclass(frozen=True)
class DeliveryReport:
    delivered: int
    failed: int


def _body(event: ApiEvent) -> bytes:
    created = event.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.UTC)
    document = {
        "id": event.id,
        "type": event.kind,
        "subject": event.subject,
        "created_at": created.isoformat(),
        "data": event.payload,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


def _claim(engine: Engine, now: dt.datetime, limit: int) -> list[_Claimed]:
    def work(session: Session) -> list[_Claimed]:
        query = (
            select(WebhookDelivery, ApiEvent, WebhookSubscription)
            .join(ApiEvent, ApiEvent.id == WebhookDelivery.event_id)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(
                WebhookDelivery.delivered_at.is_(None),
                WebhookDelivery.next_attempt_at <= now,
                WebhookSubscription.active.is_(True),
            )
            .order_by(WebhookDelivery.id)
            .limit(limit)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=WebhookDelivery)
        claimed = []
        for delivery, event, sub in session.execute(query):
            delivery.next_attempt_at = now + LEASE
            claimed.append(
                _Claimed(
                    delivery.id,
                    event.id,
                    event.kind,
                    sub.url,
                    sub.secret,
                    _body(event),
                    delivery.attempts,
                )
            )
        return claimed

    return transaction(engine, work)


def _record(engine: Engine, outcomes: list[tuple[_Claimed, str]], now: dt.datetime) -> None:
    def work(session: Session) -> None:
        for claimed, error in outcomes:
            delivery = session.get(WebhookDelivery, claimed.delivery_id)
            if delivery is None:
                continue
            delivery.attempts = claimed.attempts + 1
            if error:
                delivery.last_error = error[:300]
                delivery.next_attempt_at = now + dt.timedelta(seconds=backoff(delivery.attempts))
            else:
                delivery.delivered_at = now
                delivery.last_error = ""

    transaction(engine, work)


def deliver_due(
    engine: Engine,
    *,
    now: dt.datetime | None = None,
    send: Sender = http_send,
    limit: int = 100,
) -> DeliveryReport:
    """Send the deliveries due at `now` (default: the time now); what was delivered."""
    now = now or utcnow()
    claimed = _claim(engine, now, limit)
    outcomes: list[tuple[_Claimed, str]] = []
    for item in claimed:
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "floor-webhooks",
            "Floor-Event-Id": str(item.event_id),
            "Floor-Event": item.kind,
            SIGNATURE_HEADER: sign(item.secret, timestamp, item.body),
        }
        try:
            status = send(item.url, item.body, headers)
            error = "" if 200 <= status < 300 else f"HTTP {status}"
        except OSError as exc:  # refused, unreachable, timed out
            error = str(exc) or type(exc).__name__
        outcomes.append((item, error))
    if outcomes:
        _record(engine, outcomes, now)
    failed = sum(1 for _item, error in outcomes if error)
    return DeliveryReport(len(outcomes) - failed, failed)


# --- pruning ---


@dataclass(frozen=True)
class PruneReport:
    events: int
    deliveries: int


def retention_days(section: dict[str, object]) -> int:
    """The retention in days from the settings' `[api]` table (`events_retention_days`)."""
    value = section.get("events_retention_days", RETENTION_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(
            _(
                "[api] events_retention_days: expected a whole number of days above zero, "
                "got {value}",
                value=value,
            ),
            expected=_("a whole number of days above zero"),
        )
    return value


def parse_age(text: str) -> dt.timedelta:
    """`30d`, `12h` or a bare number of days, as `--older-than` takes it."""
    raw = text.strip().lower()
    unit = raw[-1:] if raw[-1:] in ("d", "h") else "d"
    number = raw[:-1] if raw[-1:] in ("d", "h") else raw
    if not number.isdigit() or int(number) < 1:
        raise InvalidInput(
            _(
                "--older-than: expected a number of days or hours such as 30d or 12h, got {value}",
                value=text,
            ),
            expected=_("30d, 12h"),
        )
    return dt.timedelta(days=int(number)) if unit == "d" else dt.timedelta(hours=int(number))


def prune_delivered(
    engine: Engine,
    *,
    older_than: dt.timedelta = dt.timedelta(days=RETENTION_DAYS),
    now: dt.datetime | None = None,
    batch: int = PRUNE_BATCH,
) -> PruneReport:
    """Delete the events created before `now - older_than` none of whose deliveries is still
    waiting (an event no receiver subscribed to has none), with their deliveries, in
    transactions of `batch` events; what was deleted. An undelivered event is kept."""
    cutoff = (now or utcnow()) - older_than
    waiting = exists().where(
        WebhookDelivery.event_id == ApiEvent.id, WebhookDelivery.delivered_at.is_(None)
    )
    total = PruneReport(0, 0)

    def work(session: Session) -> PruneReport:
        ids = list(
            session.scalars(
                select(ApiEvent.id)
                .where(ApiEvent.created_at < cutoff, ~waiting)
                .order_by(ApiEvent.id)
                .limit(batch)
            )
        )
        if not ids:
            return PruneReport(0, 0)
        gone = session.execute(
            delete(WebhookDelivery)
            .where(WebhookDelivery.event_id.in_(ids), WebhookDelivery.delivered_at.is_not(None))
            .execution_options(synchronize_session=False)
        ).rowcount
        # a delivery not yet taken may have come since the select (a subscription added
        # later never adds one to an old event, but be sure): keep its event
        kept = set(
            session.scalars(
                select(WebhookDelivery.event_id).where(WebhookDelivery.event_id.in_(ids))
            )
        )
        doomed = [i for i in ids if i not in kept]
        if doomed:
            session.execute(
                delete(ApiEvent)
                .where(ApiEvent.id.in_(doomed))
                .execution_options(synchronize_session=False)
            )
        return PruneReport(len(doomed), gone or 0)

    while True:
        step = transaction(engine, work)
        total = PruneReport(total.events + step.events, total.deliveries + step.deliveries)
        if step.events < batch:
            return total
