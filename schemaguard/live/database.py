"""One live database for a whole command: its URL parsed once, one engine, the connections, and what
the server says about itself.

`check`, `plan`, `sync` and a fleet each open a `Database` once, from what the user gave (a URL, an
Engine, a Connection, or a handle already open), and pass that object down to reflection, the
plan's lookups and measurements, and the applying transaction. Nothing below opens the database a
second time or parses its URL again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine
    from sqlalchemy.engine import Dialect as SADialect

    from ..dialects import Dialect


@dataclass(frozen=True)
class ServerFacts:
    """What the server reports about itself, read once on the first connection."""

    version: tuple[Any, ...] | None
    default_schema: str | None
    # MySQL/MariaDB (Dialect.server_settings): "mariadb" or "mysql", lower_case_table_names,
    # explicit_defaults_for_timestamp, and whether index element directions are recorded.
    flavor: str | None = None
    lower_case_table_names: int | None = None
    explicit_defaults_for_timestamp: bool | None = None
    index_directions: bool | None = None


class Database:
    """A live database and the one engine (or connection) a command uses on it. The engine is made
    on first use, so that naming a database costs nothing until it is read."""

    def __init__(
        self,
        url: URL,
        *,
        engine: Engine | None = None,
        connection: Connection | None = None,
        readonly: bool = True,
        pool_size: int | None = None,
    ) -> None:
        from ..dialects import dialect_of

        self.url = url
        self.dialect: Dialect = dialect_of(engine.dialect if engine is not None else url)
        self._engine = engine
        # The handle makes the engine itself from a URL: it is disposed of when the handle closes.
        self.owned = engine is None
        # A Connection the caller handed in: used as it is (its transaction is the caller's).
        self.connection = connection
        self._readonly = readonly
        self._pool_size = pool_size
        self._facts: ServerFacts | None = None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, db: Any, *, readonly: bool = True, pool_size: int | None = None) -> Database:
        """A handle on `db`: a URL (parsed here, once), an Engine or Connection (used as given), or
        a Database (returned as it is). `readonly` opens a SQLite file read-only; `pool_size` keeps
        that many server connections for reuse (a fleet)."""
        from sqlalchemy.engine import URL as URLType
        from sqlalchemy.engine import Connection, Engine

        from .urls import parse_url

        if isinstance(db, Database):
            return db
        if isinstance(db, Engine):
            return cls(db.url, engine=db)
        if isinstance(db, Connection):
            return cls(db.engine.url, engine=db.engine, connection=db)
        url = db if isinstance(db, URLType) else parse_url(db)
        return cls(url, readonly=readonly, pool_size=pool_size)

    # --- what it is ------------------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The command's one engine on this database, made on first use."""
        if self._engine is None:
            from .connect import create_engine_for

            with self._lock:  # a fleet's threads share one handle per database
                if self._engine is None:
                    self._engine = create_engine_for(self.url, readonly=self._readonly, pool_size=self._pool_size)
        return self._engine

    def with_engine(self) -> Database:
        """The handle with its engine made now (before threads share it, or to fail early)."""
        _ = self.engine
        return self

    @property
    def compile_dialect(self) -> SADialect:
        """The SQLAlchemy dialect the models are compiled for: the engine's once there is one, else
        SQLAlchemy's dialect for the URL's database (no driver loaded, nothing connected)."""
        if self._engine is not None:
            return self._engine.dialect
        from ..dialects import sqlalchemy_dialect

        return sqlalchemy_dialect(self.url.get_backend_name())

    @property
    def label(self) -> str:
        """The URL as the user wrote it, without its password."""
        from .urls import redact

        return redact(self.url)

    @property
    def facts(self) -> ServerFacts:
        """The server's version and default schema, asked once."""
        if self._facts is None:
            with self.read_only() as conn:
                self._facts = _read_facts(conn)
        return self._facts

    # --- connections -----------------------------------------------------------------------------

    @contextmanager
    def read_only(self) -> Iterator[Connection]:
        """A connection that cannot write (a READ ONLY transaction where the database has one; a
        SQLite file opened read-only). A connection the caller handed in is used as it is."""
        if self.connection is not None:
            yield self.connection
            return
        from .connect import readonly_connection

        with readonly_connection(self.engine) as conn:
            if self._facts is None:
                self._facts = _read_facts(conn)
            yield conn

    def connect(self) -> Connection:
        """A new connection for writing; errors become one sentence without the password (exit 3)."""
        from .connect import connect

        return connect(self.engine)

    def close(self) -> None:
        """Release the engine's connections if this handle made the engine."""
        if self.owned and self._engine is not None:
            self._engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Database({self.label})"


def _read_facts(conn: Connection) -> ServerFacts:
    from ..dialects import dialect_of

    dialect = conn.dialect
    return ServerFacts(
        version=getattr(dialect, "server_version_info", None),
        default_schema=getattr(dialect, "default_schema_name", None),
        **dialect_of(dialect).server_settings(conn),
    )
