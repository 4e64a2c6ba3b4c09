"""API keys and the rate limit per key.

A key is `floor_` and 32 random bytes (URL-safe base64), shown once when it is made. Only
its SHA-256 is kept: a key that random cannot be guessed from its hash, so a slow password
hash (scrypt, as for PINs) would only slow every request down. A key is read-only (`read`)
or may also send orders and purchase orders in (`write`); a revoked key is refused from
the next request on in this process; every other process serving the API (each worker of
`floor api --workers N`) refuses it once its cache of keys lately seen has let it go
(KEY_CACHE_SECONDS, 5 s, or `floor api --key-cache`).

The rate limit is a token bucket per key: `burst` requests at once, then `rate` a second.
One process keeps its buckets in memory (RateLimiter); the worker processes of `floor api
--workers N` share theirs in a small file each maps (SharedRateLimiter), so a key has one
budget whichever worker its requests reach.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import mmap
import os
import secrets
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from floor.errors import InvalidInput, NotFound
from floor.i18n import _
from floor.models import ApiKey, utcnow

READ = "read"
WRITE = "write"
SCOPES = (READ, WRITE)
KEY_PREFIX = "floor_"
KEY_CACHE_SECONDS = 5.0  # how long a server trusts a key it found without asking again
_revocations = 0  # keys revoked in this process: a KeyCache forgets everything when it moves


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class KeyInfo:
    id: int
    name: str
    scope: str
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    def allows(self, scope: str) -> bool:
        return self.scope == WRITE or scope == READ

    @property
    def station(self) -> str:
        """How the audit log names writes made with this key (its station column)."""
        return f"api:{self.prefix}"[:20]

    @property
    def operator_id(self) -> None:
        return None


def _info(key: ApiKey) -> KeyInfo:
    return KeyInfo(key.id, key.name, key.scope, key.prefix, key.created_at, key.revoked_at)


def create_key(session: Session, scope: str, name: str = "") -> tuple[str, KeyInfo]:
    """A new key with `scope`: the key itself (shown once, never stored) and its record."""
    if scope not in SCOPES:
        raise InvalidInput(_("Unknown scope {scope}", scope=scope), expected=_("read or write"))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        name=name[:60], scope=scope, key_hash=hash_key(key), prefix=key[:12], created_at=utcnow()
    )
    session.add(row)
    session.flush()
    return key, _info(row)


def list_keys(session: Session) -> list[KeyInfo]:
    return [_info(k) for k in session.scalars(select(ApiKey).order_by(ApiKey.id))]


def revoke_key(session: Session, which: str) -> KeyInfo:
    """Revoke the key with id or prefix `which` (as `floor api keys list` shows them)."""
    match = ApiKey.prefix == which
    if which.isdigit():
        match = or_(match, ApiKey.id == int(which))
    query = select(ApiKey).where(match)
    key = session.scalars(query).first()
    if key is None:
        raise NotFound(
            _("Unknown API key {key}", key=which),
            expected=_("a key's id or prefix (floor api keys list)"),
        )
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        _forget_keys()  # now, and again once committed: no request caches it in between
        event.listen(session, "after_commit", _forget_keys, once=True)
    return _info(key)


def _forget_keys(*_session: object) -> None:
    global _revocations
    _revocations += 1


def authenticate(session: Session, key: str) -> KeyInfo | None:
    """The key's record when `key` is a key not revoked, else None."""
    if not key.startswith(KEY_PREFIX):
        return None
    row = session.scalars(select(ApiKey).where(ApiKey.key_hash == hash_key(key))).first()
    if row is None or row.revoked_at is not None:
        return None
    return _info(row)


class KeyCache:
    """Keys found lately, by their hash, each trusted for `seconds` without a query: the
    API reads the key table once per key every few seconds instead of once per request.
    Keys not found are not kept (a wrong key costs its query every time, and nobody can fill
    the cache). A key revoked in this process is forgotten at once; one revoked elsewhere is
    refused once its `seconds` are over."""

    def __init__(
        self, seconds: float = KEY_CACHE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.seconds, self.clock = seconds, clock
        self._found: dict[str, tuple[KeyInfo, float]] = {}  # hash -> (key, trusted until)
        self._seen = _revocations
        self._lock = threading.Lock()

    def get(self, key: str) -> KeyInfo | None:
        with self._lock:
            if self._seen != _revocations:
                self._found.clear()
                self._seen = _revocations
            hit = self._found.get(hash_key(key))
            if hit is None or hit[1] <= self.clock():
                return None
            return hit[0]

    def put(self, key: str, info: KeyInfo) -> None:
        if self.seconds <= 0:
            return
        with self._lock:
            if len(self._found) >= 10_000:  # many keys: start again rather than grow
                self._found.clear()
            self._found[hash_key(key)] = (info, self.clock() + self.seconds)


class Limiter(Protocol):
    def take(self, key_id: int) -> float:
        """0 when the request may go; else the seconds until it may (Retry-After)."""
        ...


def _refill(
    tokens: float, at: float, now: float, rate: float, burst: int
) -> tuple[float, float, float]:
    """The bucket after a request at `now`: (tokens, at, wait); wait 0 when it may go."""
    tokens = min(float(burst), tokens + (now - at) * rate)
    if tokens >= 1:
        return tokens - 1, now, 0.0
    return tokens, now, (1 - tokens) / rate if rate > 0 else math.inf


class RateLimiter:
    """A token bucket per key: `burst` requests at once, refilled at `rate` per second."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self.clock = rate, burst, clock
        self._buckets: dict[int, tuple[float, float]] = {}  # key id -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key_id: int) -> float:
        """0 when the request may go; else the seconds until it may (Retry-After)."""
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.get(key_id, (float(self.burst), now))
            tokens, at, wait = _refill(tokens, at, now, self.rate, self.burst)
            self._buckets[key_id] = (tokens, at)
            return wait


class SharedRateLimiter:
    """RateLimiter's buckets kept in the file `path`, shared by every process that maps it:
    the worker processes of one `floor api --workers N` (one machine; the clock is the
    system's monotonic clock, the same in every process). A bucket is taken under an
    exclusive lock on the file (flock), so two workers never both spend its last token.

    The file holds SLOTS buckets (key id, tokens, when), found by the key's id; with more
    keys in use than that, the table starts again (every key a full bucket), as the key
    cache does. `create` makes the file; the processes open it with the same rate and burst.
    """

    SLOTS = 4096
    _BUCKET = struct.Struct("<qdd")  # key id (0: free), tokens, at

    def __init__(
        self, path: str, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        import fcntl

        self.rate, self.burst, self.clock = rate, burst, clock
        self._flock, self._exclusive, self._unlock = fcntl.flock, fcntl.LOCK_EX, fcntl.LOCK_UN
        self._fd = os.open(path, os.O_RDWR)
        self._map = mmap.mmap(self._fd, self.SLOTS * self._BUCKET.size)
        self._lock = threading.Lock()  # flock is the process's: its threads take turns here

    @classmethod
    def create(cls, path: str) -> None:
        """An empty table of buckets at `path` (readable by its owner only)."""
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, bytes(cls.SLOTS * cls._BUCKET.size))
        finally:
            os.close(fd)

    def take(self, key_id: int) -> float:
        """0 when the request may go; else the seconds until it may (Retry-After)."""
        size, bucket = self._BUCKET.size, self._BUCKET
        with self._lock:
            self._flock(self._fd, self._exclusive)
            try:
                now = self.clock()
                for probe in range(self.SLOTS):
                    offset = ((key_id + probe) % self.SLOTS) * size
                    found, tokens, at = bucket.unpack_from(self._map, offset)
                    if found in (key_id, 0):
                        break
                else:  # full: start again
                    self._map[:] = bytes(len(self._map))
                    found, offset = 0, (key_id % self.SLOTS) * size
                if found != key_id:
                    tokens, at = float(self.burst), now
                tokens, at, wait = _refill(tokens, at, now, self.rate, self.burst)
                bucket.pack_into(self._map, offset, key_id, tokens, at)
                return wait
            finally:
                self._flock(self._fd, self._unlock)

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)
