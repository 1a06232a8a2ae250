"""Opening a database: an engine as its dialect says (a SQLite file read-only), read-only
connections, and connection errors as one sentence without the password (exit 3)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..errors import DatabaseError, UsageError
from .urls import parse_url, redact, scrub

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine


def create_engine_for(url: str | URL, *, readonly: bool = True, pool_size: int | None = None) -> Engine:
    """An engine for a URL, opened as its database's module says (a SQLite file read-only, and
    never created, when `readonly`); `pool_size` keeps that many connections for reuse."""
    from sqlalchemy.engine import URL as URLType
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    from ..dialects import dialect_of

    parsed = url if isinstance(url, URLType) else parse_url(url)
    try:
        return dialect_of(parsed).create_engine(parsed, readonly=readonly, pool_size=pool_size)
    except NoSuchModuleError as exc:
        raise UsageError(
            f"unsupported database URL scheme {parsed.drivername!r}",
            hint="use postgresql://, sqlite:/// or install the SQLAlchemy dialect for it",
        ) from exc
    except (ArgumentError, ImportError) as exc:
        raise UsageError(
            f"cannot use database URL {redact(parsed)}: {scrub(str(exc), parsed)}",
            hint="check the URL and that its driver is installed",
        ) from exc


@contextmanager
def readonly_connection(engine: Engine) -> Iterator[Connection]:
    """A connection that cannot write: a READ ONLY transaction where the database has one (SQLite
    files are opened `mode=ro` instead)."""
    from ..dialects import dialect_of

    conn = connect(engine)
    try:
        dialect_of(engine).begin_read_only(conn)
        yield conn
    finally:
        try:
            conn.rollback()
        finally:
            conn.close()


def connect(engine: Engine) -> Connection:
    """Connect, turning driver errors into one sentence without the password (exit 3)."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    try:
        return engine.connect()
    except (OperationalError, DBAPIError) as exc:
        raise database_error(exc, engine.url) from exc


def database_error(exc: BaseException, url: URL) -> DatabaseError:
    from ..dialects import dialect_of

    orig = getattr(exc, "orig", exc)
    text = dialect_of(url).error_detail(orig) or str(orig)
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    detail = lines[0] if lines else exc.__class__.__name__
    # psycopg puts the useful reason ("password authentication failed", "database ... does not
    # exist") after the "connection ... failed:" prefix; keep the part that says why.
    if "failed:" in detail:
        detail = detail.split("failed:", 1)[1].strip() or detail
    detail = re.sub(r"^FATAL:\s*", "", detail)
    return DatabaseError(
        f"cannot connect to {redact(url)}: {scrub(detail, url)}",
        hint="check that the server is up and the URL, user and password are right",
    )
