"""Pruning the outbox: delivered events past their retention are deleted with their
deliveries, by `floor api events prune` and in batches; an event some receiver has not
taken yet is kept however old; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select, update

from floor import outbox
from floor.api import delivery
from floor.cli import main
from floor.db import session_scope, transaction
from floor.models import ApiEvent, WebhookDelivery, utcnow
from tests.support import SmallWarehouse


def cli(engine: Engine, capsys: pytest.CaptureFixture[str], *args: str, ok: bool = True) -> str:
    capsys.readouterr()
    code = main(["--database-url", engine.url.render_as_string(hide_password=False), *args])
    out, err = capsys.readouterr()
    assert (code == 0) is ok, err
    return out if ok else err


def _event(wh: SmallWarehouse, kind: str, subject: str, age_days: int, delivered: bool) -> int:
    """An event `age_days` old; its deliveries taken when `delivered`."""
    event_id = transaction(wh.engine, lambda s: outbox.emit(s, kind, subject, {"n": subject}))
    then = utcnow() - dt.timedelta(days=age_days)
    with session_scope(wh.engine) as s:
        s.execute(update(ApiEvent).where(ApiEvent.id == event_id).values(created_at=then))
        if delivered:
            s.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.event_id == event_id)
                .values(delivered_at=then + dt.timedelta(minutes=1), attempts=1)
            )
    return event_id


def _left(wh: SmallWarehouse) -> tuple[list[str], int]:
    with session_scope(wh.engine) as s:
        subjects = list(s.scalars(select(ApiEvent.subject).order_by(ApiEvent.id)))
        return subjects, len(s.scalars(select(WebhookDelivery.id)).all())


def test_delivered_events_past_retention_are_pruned_never_undelivered_ones(
    warehouse: SmallWarehouse, capsys: pytest.CaptureFixture[str]
) -> None:
    wh = warehouse
    transaction(
        wh.engine,
        lambda s: delivery.add_subscription(s, "http://127.0.0.1:9/hook", [outbox.STOCK_LOW]),
    )
    _event(wh, outbox.STOCK_LOW, "old-delivered", 40, delivered=True)
    _event(wh, outbox.STOCK_LOW, "old-waiting", 40, delivered=False)
    _event(wh, outbox.STOCK_LOW, "recent-delivered", 3, delivered=True)
    _event(wh, outbox.ORDER_EXCEPTION, "old-unsubscribed", 40, delivered=False)  # no delivery
    assert _left(wh) == (
        ["old-delivered", "old-waiting", "recent-delivered", "old-unsubscribed"],
        3,
    )

    assert "expected a number of days or hours" in cli(
        wh.engine, capsys, "api", "events", "prune", "--older-than", "soon", ok=False
    )
    out = cli(wh.engine, capsys, "api", "events", "prune")  # the default: 30 days
    assert out.strip() == "2 delivered events older than 30 days pruned (1 deliveries)"
    assert _left(wh) == (["old-waiting", "recent-delivered"], 2)
    assert "0 delivered events" in cli(wh.engine, capsys, "api", "events", "prune")

    # a shorter age by hand: the recent delivered one goes, the waiting one stays
    out = cli(wh.engine, capsys, "api", "events", "prune", "--older-than", "2d")
    assert out.startswith("1 delivered events older than 2 days pruned")
    assert _left(wh) == (["old-waiting"], 1)

    # once taken, it goes too
    with session_scope(wh.engine) as s:
        s.execute(update(WebhookDelivery).values(delivered_at=utcnow()))
    assert delivery.prune_delivered(wh.engine, older_than=dt.timedelta(days=30)).events == 1
    assert _left(wh) == ([], 0)


def test_pruning_goes_in_batches(warehouse: SmallWarehouse) -> None:
    wh = warehouse
    for n in range(5):
        _event(wh, outbox.STOCK_LOW, f"e{n}", 31, delivered=True)
    _event(wh, outbox.STOCK_LOW, "today", 0, delivered=True)
    report = delivery.prune_delivered(wh.engine, older_than=dt.timedelta(days=30), batch=2)
    assert (report.events, report.deliveries) == (5, 0)
    assert _left(wh) == (["today"], 0)


def test_the_retention_setting() -> None:
    assert delivery.retention_days({}) == delivery.RETENTION_DAYS == 30
    assert delivery.retention_days({"events_retention_days": 7}) == 7
    with pytest.raises(Exception, match="events_retention_days"):
        delivery.retention_days({"events_retention_days": 0})
    assert delivery.parse_age("12h") == dt.timedelta(hours=12)
    assert delivery.parse_age("45") == dt.timedelta(days=45)


def test_the_deliverer_prunes_about_once_an_hour(
    warehouse: SmallWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from floor.commands import CommandError
    from floor.commands import api as api_cmd
    from floor.config import Settings

    wh = warehouse
    ctx = SimpleNamespace(engine=wh.engine, settings=Settings(sections={"api": {}}))
    with pytest.raises(CommandError, match="events_retention_days"):
        bad = SimpleNamespace(
            engine=wh.engine, settings=Settings(sections={"api": {"events_retention_days": 0}})
        )
        api_cmd._Pruner(bad)  # type: ignore[arg-type]
    prune = api_cmd._Pruner(ctx)  # type: ignore[arg-type]
    _event(wh, outbox.STOCK_LOW, "first", 31, delivered=True)
    prune()  # the first round prunes
    assert _left(wh) == ([], 0)
    _event(wh, outbox.STOCK_LOW, "second", 31, delivered=True)
    prune()  # within the hour: not again
    assert _left(wh)[0] == ["second"]
    monkeypatch.setattr(api_cmd, "PRUNE_EVERY", 0.0)
    prune()
    assert _left(wh)[0] == []
