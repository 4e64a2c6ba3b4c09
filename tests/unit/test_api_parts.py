"""The API's parts that need no database: the rate limit's token bucket, the cache of keys
found, webhook signing and its check, the retry backoff, feed cursors."""

from __future__ import annotations

import datetime as dt

import pytest

from floor.api import delivery, feeds, keys
from floor.api.keys import KeyCache, KeyInfo, RateLimiter, hash_key
from floor.errors import InvalidInput


def test_the_bucket_lets_a_burst_through_then_the_rate() -> None:
    now = [100.0]
    bucket = RateLimiter(rate=2.0, burst=3, clock=lambda: now[0])
    assert [bucket.take(1) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(1) == pytest.approx(0.5)  # one token comes in half a second
    assert bucket.take(2) == 0.0  # another key has its own bucket
    now[0] += 0.5
    assert bucket.take(1) == 0.0
    now[0] += 100  # never more than the burst saved up
    assert [bucket.take(1) == 0.0 for _ in range(4)] == [True, True, True, False]


def test_a_key_found_is_trusted_for_its_seconds_and_forgotten_when_one_is_revoked() -> None:
    now = [100.0]
    cache = KeyCache(5.0, clock=lambda: now[0])
    info = KeyInfo(1, "erp", keys.WRITE, "floor_abcdef", dt.datetime(2026, 1, 1), None)
    assert cache.get("floor_a") is None  # never found: the database is asked
    cache.put("floor_a", info)
    assert cache.get("floor_a") == info
    assert cache.get("floor_b") is None  # another key is not this one
    now[0] += 4.9
    assert cache.get("floor_a") == info
    now[0] += 0.2  # its seconds are over: asked again
    assert cache.get("floor_a") is None
    cache.put("floor_a", info)
    keys._forget_keys()  # a key revoked in this process: every key is asked again
    assert cache.get("floor_a") is None
    off = KeyCache(0, clock=lambda: now[0])
    off.put("floor_a", info)
    assert off.get("floor_a") is None


def test_a_signature_verifies_only_with_its_secret_body_and_a_recent_time() -> None:
    body = b'{"id":1}'
    header = delivery.sign("s3cret", 1_800_000_000, body)
    assert header.startswith("t=1800000000,v1=")
    assert delivery.verify("s3cret", header, body, now=1_800_000_100)
    assert not delivery.verify("other", header, body, now=1_800_000_100)
    assert not delivery.verify("s3cret", header, b'{"id":2}', now=1_800_000_100)
    assert not delivery.verify("s3cret", header, body, now=1_800_000_000 + 301)  # replayed late
    assert not delivery.verify("s3cret", "v1=abc", body)


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [delivery.backoff(n) for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert delivery.backoff(30) == 3600


def test_cursors_read_back_and_bad_ones_are_refused() -> None:
    assert feeds.parse_cursor("") == feeds.parse_cursor("0") == feeds.Cursor(0, 0)
    assert feeds.parse_cursor(str(feeds.Cursor(812, 9))) == feeds.Cursor(812, 9)
    assert feeds.Cursor(1, 99) < feeds.Cursor(2, 1)  # the transaction id first
    for bad in ("12", "a.b", "1.2.3", "-1.2"):
        with pytest.raises(InvalidInput, match="cursor"):
            feeds.parse_cursor(bad)


def test_a_key_is_kept_as_its_sha256() -> None:
    assert hash_key("floor_x") == hash_key("floor_x") != hash_key("floor_y")
    assert len(hash_key("floor_x")) == 64
