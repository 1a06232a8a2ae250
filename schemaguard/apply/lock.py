"""One sync at a time per database: the database-wide lock a sync holds from before it reads the
live schema until it has committed, and the bounds on every wait.

How the lock is taken is the database's own (schemaguard.dialects: a PostgreSQL advisory lock on a
connection of its own, SQLite's write lock held by the sync's transaction); this module holds it
for the length of a sync and turns a wait past its bound into exit 5.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import LockUnavailable, UsageError
from .failures import SyncLockTimeout

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from ..live.database import Database

_UNITS_MS = {"ms": 1, "s": 1000, "min": 60_000, "h": 3_600_000}


def duration_ms(text: str, option: str = "timeout") -> int:
    """Milliseconds from `500ms`, `5s`, `5min`, `1h` (a bare number is milliseconds)."""
    m = re.fullmatch(r"\s*(\d+)\s*(ms|s|min|h)?\s*", str(text))
    if not m:
        raise UsageError(f"invalid {option} {text!r}", hint="write it as 500ms, 5s, 5min or 1h")
    return int(m.group(1)) * _UNITS_MS[m.group(2) or "ms"]


@dataclass(frozen=True)
class Bounds:
    """How long a sync's steps may wait for a table's lock (`lock_timeout` as the user wrote it, and in
    milliseconds), how long one statement may run, and how often a step that gave up is tried again."""

    lock_timeout: str
    lock_ms: int
    statement_ms: int
    retries: int


@dataclass
class HeldLock:
    """The sync lock while it is held: its connection, and whether taking it meant waiting (another
    sync had it: what it applied need not be applied again)."""

    connection: Connection
    waited: bool
    # The steps run in the lock's own transaction (SQLite's write lock).
    in_transaction: bool


@contextmanager
def sync_lock(database: Database, wait: str) -> Iterator[HeldLock]:
    """Hold the database-wide sync lock for the block, waiting at most `wait` (--lock-wait) for it.
    Raises SyncLockTimeout (exit 5) past the bound; always releases the lock and its connection."""
    wait_ms = duration_ms(wait, "--lock-wait")
    dialect = database.dialect
    conn = database.connect()
    try:
        try:
            waited, release = dialect.take_sync_lock(conn, wait_ms)
        except LockUnavailable as exc:
            raise SyncLockTimeout(exc, wait) from None
        try:
            yield HeldLock(conn, waited, dialect.sync_lock_is_transaction)
        finally:
            release()
    finally:
        conn.close()
