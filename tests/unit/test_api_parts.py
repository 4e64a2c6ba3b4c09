"""The API's parts that need no database: the rate limit's token bucket, the cache of keys
found, webhook signing and its check, the retry backoff, feed cursors, the grouping of
orders sent at the same time."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path

import pytest

from floor.api import delivery, feeds, keys
from floor.api.app import GroupWriter
from floor.api.keys import KeyCache, KeyInfo, RateLimiter, SharedRateLimiter, hash_key
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


def test_the_shared_buckets_are_one_budget_for_every_process_that_maps_them(
    tmp_path: Path,
) -> None:
    path = str(tmp_path / "buckets")
    SharedRateLimiter.create(path)
    now = [100.0]
    first = SharedRateLimiter(path, rate=1.0, burst=3, clock=lambda: now[0])
    second = SharedRateLimiter(path, rate=1.0, burst=3, clock=lambda: now[0])
    assert [first.take(7), second.take(7), first.take(7)] == [0.0, 0.0, 0.0]
    assert second.take(7) == pytest.approx(1.0) and first.take(8) == 0.0
    now[0] += 1.0
    assert second.take(7) == 0.0 and first.take(7) > 0
    # another key in the same slot (7 + SLOTS) has a bucket of its own
    assert all(first.take(7 + SharedRateLimiter.SLOTS) == 0.0 for _n in range(3))
    first.close()
    second.close()


def test_the_shared_buckets_start_again_when_every_slot_is_taken(tmp_path: Path) -> None:
    class Small(SharedRateLimiter):
        SLOTS = 2

    path = str(tmp_path / "buckets")
    Small.create(path)
    bucket = Small(path, rate=0.0, burst=1, clock=lambda: 5.0)
    assert bucket.take(1) == 0.0 and bucket.take(2) == 0.0
    assert bucket.take(1) > 0  # spent, no refill
    assert bucket.take(3) == 0.0  # a third key: the table starts again, every bucket full
    assert bucket.take(1) == 0.0
    bucket.close()


class _Recorded:
    """A group write that records each group's size and takes `seconds` (in the thread pool)."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds, self.sizes = seconds, list[int]()

    def __call__(self, group: list[int]) -> list[int | Exception]:
        self.sizes.append(len(group))
        time.sleep(self.seconds)
        return [n * 10 for n in group]


def test_a_lone_order_and_a_lone_client_wait_for_nobody() -> None:
    """Whatever the pause, an order alone is written at once, and so is each of a client
    sending one order after another (the group before held only its own)."""
    write = _Recorded()
    writer = GroupWriter(write, pause=30.0)

    async def one_client() -> list[int | Exception]:
        return [await writer.write(n) for n in range(20)]

    started = time.monotonic()
    assert asyncio.run(writer.write(7)) == 70
    assert asyncio.run(one_client()) == [n * 10 for n in range(20)]
    assert time.monotonic() - started < 5  # a single pause would be 30 s
    assert write.sizes == [1] * 21


@pytest.mark.parametrize("pause", [0.0, 0.2])
def test_clients_answered_together_are_written_together_again(pause: float) -> None:
    """Four clients each sending its next order once answered: without a pause they take
    turns in two groups (those answered come back while the others are written); with one,
    the group waits for them and all four go together."""
    write = _Recorded(0.02)
    writer = GroupWriter(write, pause=pause, recent=1.0)

    async def client(n: int) -> list[int | Exception]:
        answers = []
        for i in range(8):
            await asyncio.sleep(n * 0.002)  # its round trip
            answers.append(await writer.write(n * 100 + i))
        return answers

    async def clients() -> list[list[int | Exception]]:
        return list(await asyncio.gather(*(client(n) for n in range(4))))

    answers = asyncio.run(clients())
    assert answers == [[(n * 100 + i) * 10 for i in range(8)] for n in range(4)]
    assert sum(write.sizes) == 32
    if pause:  # the first alone (nothing written before), the last without the first client
        assert write.sizes == [1, 4, 4, 4, 4, 4, 4, 4, 3], write.sizes
    else:
        assert 1 in write.sizes[1:-1] and len(write.sizes) > 12, write.sizes


def test_a_group_waits_no_longer_than_its_pause_for_a_client_that_stopped() -> None:
    write = _Recorded(0.01)
    writer = GroupWriter(write, pause=0.05, recent=1.0)

    async def client(n: int, orders: int) -> list[int | Exception]:
        return [await writer.write(n) for _ in range(orders)]

    async def clients() -> None:
        await asyncio.gather(client(1, 1), client(2, 5))

    started = time.monotonic()
    asyncio.run(clients())
    assert sum(write.sizes) == 6
    assert time.monotonic() - started < 1
