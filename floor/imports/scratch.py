"""Scratch storage for one import, in temporary files (deleted when closed) rather than memory,
so a file of millions of rows needs the memory of a batch:

- `FirstSeen`: the line each key (SKU, barcode, location code) was first seen on, so the
  same key twice is a problem naming the first line. A scratch SQLite database: two million
  SKUs in a dict take some 300 MB, in SQLite a few MB of cache.
- `Spool`: the records the first pass checked, a batch at a time, for the second pass to
  write without reading and checking the file again.
"""

from __future__ import annotations

import marshal
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from typing import Any

CHUNK = 500  # keys per lookup statement


class FirstSeen:
    def __init__(self) -> None:
        # "" is a private temporary database on disk, deleted when the connection closes.
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute("PRAGMA cache_size = -16384")  # 16 MiB
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, line INTEGER) WITHOUT ROWID")

    def add(self, keys: Sequence[tuple[str, int]]) -> list[int | None]:
        """Note `keys` (key, line), in file order; for each, the line it was first seen on when
        that is an earlier one (earlier in this batch too), else None."""
        first: dict[str, tuple[int, int]] = {}  # key -> (index in keys, line)
        for index, (key, line) in enumerate(keys):
            first.setdefault(key, (index, line))
        earlier: dict[str, int] = {}
        unique = list(first)
        for start in range(0, len(unique), CHUNK):
            chunk = unique[start : start + CHUNK]
            marks = ",".join("?" * len(chunk))
            earlier.update(
                self._db.execute(f"SELECT key, line FROM seen WHERE key IN ({marks})", chunk)
            )
        self._db.executemany(
            "INSERT INTO seen VALUES (?, ?)",
            [(key, line) for key, (_index, line) in first.items() if key not in earlier],
        )
        found: list[int | None] = []
        for index, (key, _line) in enumerate(keys):
            if key in earlier:
                found.append(earlier[key])
            else:
                first_index, first_line = first[key]
                found.append(None if first_index == index else first_line)
        return found

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> FirstSeen:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Spool:
    """Batches of plain records (tuples, dicts, text, numbers: what `marshal` writes), in the
    order added, read back by iterating."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.batches = 0
        self.records = 0

    def add(self, records: list[Any]) -> None:
        data = marshal.dumps(records)
        self._file.write(len(data).to_bytes(8, "little"))
        self._file.write(data)
        self.batches += 1
        self.records += len(records)

    def __iter__(self) -> Iterator[list[Any]]:
        self._file.seek(0)
        for _batch in range(self.batches):
            size = int.from_bytes(self._file.read(8), "little")
            yield marshal.loads(self._file.read(size))

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
