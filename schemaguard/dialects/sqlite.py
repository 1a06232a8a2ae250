"""SQLite: the embedded default. Files open read-only for a check, DDL runs in an explicit
transaction (Python's sqlite3 module would commit it on its own), the inspector's reading is
completed from sqlite_master and the pragmas, and type names fall to their affinity.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import DatabaseError, LockUnavailable
from ..schema.expressions import closing_parenthesis, index_element, split_elements
from ..schema.snapshot import Index
from .base import COLLATE, Dialect

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine
    from sqlalchemy.engine import Dialect as SADialect

_SQLITE_ALIASES = {
    "INT": "INTEGER",
    "BOOL": "BOOLEAN",
    "NVARCHAR": "VARCHAR",
    # One storage class, an 8-byte float, whatever the column says; the inspector itself reads
    # DOUBLE PRECISION back as REAL.
    "DOUBLE PRECISION": "REAL",
    "DOUBLE": "REAL",
    "FLOAT": "REAL",
    # SQLite stores these alike and SQLAlchemy reads them back alike (DateTime, Numeric); schemas
    # written by other tools (Rails, Django) spell them TIMESTAMP and DECIMAL.
    "TIMESTAMP": "DATETIME",
    "DECIMAL": "NUMERIC",
}

# Where SQLite differs: it has no lock levels, and it makes these changes by rebuilding the table.
HAZARD_ADVICE = {
    "column_type_change": "SQLite rebuilds the table: every row is copied while the database is locked for "
    "writes; values that do not convert make it fail",
    "set_not_null": "SQLite rebuilds the table: every row is copied, and any NULL makes it fail",
    "create_index_blocking": "the database is locked for writes while the index builds",
}


class SQLite(Dialect):
    name: ClassVar[str] = "sqlite"
    title: ClassVar[str] = "SQLite"
    rowid_autoincrement: ClassVar[bool] = True
    # The inspector does not report collations: they are left out of the comparison.
    compares_collations: ClassVar[bool] = False
    check_sql: ClassVar[str | None] = "sqlite"

    def create_engine(self, url: URL, *, readonly: bool, pool_size: int | None = None) -> Engine:
        """A file opens read-only (`mode=ro`) when `readonly`, and is never created then; a fleet's
        pool is not needed for a file."""
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        path = url.database
        if not readonly or path in (None, "", ":memory:"):
            return create_engine(url, poolclass=NullPool)
        import os

        if path.startswith("file:"):
            # sqlite:///file:app.db?mode=ro&uri=true: SQLAlchemy keeps the query apart from
            # the database; rebuild the URI with mode=ro forced (never rw/rwc/memory).
            uri, fs_path = _sqlite_uri(path, url.query)
        else:
            uri, fs_path = "file:" + _quote_path(path) + "?mode=ro", path
        if not os.path.exists(fs_path):
            raise DatabaseError(
                f"the SQLite database file {fs_path} does not exist",
                hint="check the path in the database URL (sqlite:///relative.db or sqlite:////absolute.db)",
            )

        def connect() -> sqlite3.Connection:
            return sqlite3.connect(uri, uri=True)

        return create_engine(url, creator=connect, poolclass=NullPool)

    def begin_ddl(self, conn: Connection, *, foreign_keys_off: bool = False, begin: bool = True) -> Callable[[], None]:
        """Python's sqlite3 module commits DDL on its own unless it is put in autocommit mode and
        given an explicit BEGIN. A table rebuild drops the old table, which with `foreign_keys` on
        would delete (or cascade to) the rows that reference it: the pragma, a no-op inside a
        transaction, is turned off before BEGIN, as SQLite's own procedure says."""
        raw = conn.connection.driver_connection
        previous = raw.isolation_level  # type: ignore[union-attr]
        raw.isolation_level = None  # type: ignore[union-attr]
        enforced = bool(conn.exec_driver_sql("PRAGMA foreign_keys").scalar()) if foreign_keys_off else False
        if enforced:
            conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        if begin:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        def restore() -> None:
            if enforced:
                raw.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]
            raw.isolation_level = previous  # type: ignore[union-attr]

        return restore

    # --- one sync at a time -------------------------------------------------------------------

    sync_lock_is_transaction: ClassVar[bool] = True
    sync_lock_name: ClassVar[str] = "SQLite's write lock (BEGIN IMMEDIATE)"

    def take_sync_lock(self, conn: Connection, wait_ms: int) -> tuple[bool, Callable[[], None]]:
        """The database file's write lock, taken by BEGIN IMMEDIATE and held by the sync's one
        transaction, in which the steps then run: another sync waits for it, readers do not. The
        operating system releases it when the process ends, and a half-written transaction is
        rolled back from the journal by the next connection. Foreign keys are not enforced while
        the steps run (a rebuild or a reset drops tables others reference); the pragma can only be
        changed outside a transaction, so it is turned off before BEGIN and back on after."""
        restore = self.begin_ddl(conn, foreign_keys_off=True, begin=False)
        previous = conn.exec_driver_sql("PRAGMA busy_timeout").scalar()

        def release() -> None:
            try:
                conn.rollback()  # a no-op after the sync committed
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(previous or 0)}")
            finally:
                restore()

        waited = False
        try:
            try:
                conn.exec_driver_sql("PRAGMA busy_timeout = 0")
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except Exception as exc:
                if self.lock_failure(exc) != "lock":
                    raise
                waited = True
                conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(wait_ms)}")
                try:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                except Exception as again:
                    if self.lock_failure(again) != "lock":
                        raise
                    raise LockUnavailable(self.sync_lock_name + f" on {conn.engine.url.database}") from again
        except BaseException:
            release()
            raise

        return waited, release

    def set_step_timeouts(self, conn: Connection, lock_ms: int, statement_ms: int) -> None:
        # The one lock a step can wait for here: the commit waits for readers to finish.
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {int(lock_ms)}")

    def lock_failure(self, exc: BaseException) -> str | None:
        text = str(getattr(exc, "orig", exc)).lower()
        return "lock" if "database is locked" in text or "database table is locked" in text else None

    def inspected_extras(
        self, conn: Connection, foreign_keys: Mapping[Any, list[Any]]
    ) -> tuple[dict[str, list[Index]], dict[str, list[tuple[str, ...]]], Mapping[Any, list[Any]]]:
        """SQLite cannot reflect expression indexes (read from sqlite_master), shows a column-level
        UNIQUE only through its automatic index, and loses foreign-key actions the pragma keeps."""
        return _sqlite_expression_indexes(conn), _sqlite_inline_uniques(conn), _sqlite_foreign_keys(conn, foreign_keys)

    def generated_columns(self, conn: Connection, schema: str | None) -> dict[tuple[str, str], str] | None:
        """Generated columns (table_xinfo hidden 2: virtual, 3: stored) with their expressions, read
        from the CREATE TABLE text by sqlglot's parser."""
        return _sqlite_generated_columns(conn, schema)

    def live_autoincrement(self, column: Mapping[str, Any], primary_key: Sequence[str], type_text: str | None) -> bool:
        return len(primary_key) == 1 and primary_key[0] == column["name"] and type_text == "INTEGER"

    def fold_type(self, name: str, args: list[str], array: str) -> tuple[str, list[str], str]:
        name = _SQLITE_ALIASES.get(name, name)
        if name == "REAL":
            args = []
        return name, args, array

    def type_as_reflected(self, compiled: str, sa_dialect: SADialect) -> str:
        return _as_sqlite_reflects(compiled, sa_dialect)

    def hazard_advice(self, hazard: str) -> str | None:
        return HAZARD_ADVICE.get(hazard)

    # --- planning ---------------------------------------------------------------------------

    alters_by_rebuild: ClassVar[bool] = True
    adds_unique_as_index: ClassVar[bool] = True
    # SQLite accepts a key to a table that does not exist yet, and cannot add one afterwards
    # without rebuilding the table.
    creates_foreign_keys_inline: ClassVar[bool] = True

    def add_column_takes_default(self, default: str) -> bool:
        # ADD COLUMN takes only a constant default: a number, a string, a boolean or NULL; not an
        # expression such as current_timestamp.
        return bool(_CONSTANT_DEFAULT.fullmatch(default.strip()))

    def is_implicit_index(self, name: str) -> bool:
        return name.startswith("sqlite_autoindex")

    def index_definition(self, conn: Connection, table: str, name: str, schema: str | None) -> str | None:
        import sqlalchemy as sa

        found = conn.execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n AND tbl_name = :t"),
            {"n": name, "t": table},
        )
        return found.scalar()


def _sqlite_uri(path: str, query: Any) -> tuple[str, str]:
    """A read-only SQLite URI for a `file:` database plus the file it names on disk."""
    from urllib.parse import unquote, urlencode

    rest = path[len("file:") :]
    location, _, inline_query = rest.partition("?")
    fs_path = location
    if fs_path.startswith("//"):  # file://host/path: only an empty host or localhost is valid
        fs_path = "/" + fs_path[2:].split("/", 1)[1] if "/" in fs_path[2:] else ""
    params = [(k, v) for k, v in query.items() if k not in ("uri", "mode")]
    if inline_query:
        from urllib.parse import parse_qsl

        params += [(k, v) for k, v in parse_qsl(inline_query) if k not in ("uri", "mode")]
    params.append(("mode", "ro"))
    flat = [(k, x) for k, v in params for x in (v if isinstance(v, tuple) else (v,))]
    return f"file:{location}?{urlencode(flat)}", unquote(fs_path)


def _quote_path(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/:")


def _sqlite_inline_uniques(conn: Connection) -> dict[str, list[tuple[str, ...]]]:
    """Column-level UNIQUE in SQLite (`email TEXT UNIQUE`): only its automatic index shows it."""
    rows = conn.exec_driver_sql(
        "SELECT m.name, il.name, ii.seqno, ii.name FROM sqlite_master AS m "
        "JOIN pragma_index_list(m.name) AS il JOIN pragma_index_info(il.name) AS ii "
        "WHERE m.type = 'table' AND il.origin = 'u' ORDER BY m.name, il.name, ii.seqno"
    ).fetchall()
    grouped: dict[tuple[str, str], list[str]] = {}
    for tbl, idx, _seq, col in rows:
        grouped.setdefault((tbl, idx), []).append(col)
    out: dict[str, list[tuple[str, ...]]] = {}
    for (tbl, _idx), cols in grouped.items():
        out.setdefault(tbl, []).append(tuple(cols))
    return out


def _sqlite_foreign_keys(
    conn: Connection, fks: Mapping[Any, list[Any]]
) -> dict[Any, list[Any]]:
    """SQLite foreign keys as PRAGMA foreign_key_list knows them, names taken from the inspector.

    SQLAlchemy parses the keys out of the CREATE TABLE text: it loses ON DELETE/ON UPDATE when a
    column name holds an escaped quote (`"dq""uote"`) and keeps only one of two keys with the same
    columns and target. The pragma has every key and its actions for certain."""
    rows = conn.exec_driver_sql(
        'SELECT m.name, fk.id, fk."table", fk."from", fk."to", fk.on_update, fk.on_delete '
        "FROM sqlite_master AS m JOIN pragma_foreign_key_list(m.name) AS fk "
        "WHERE m.type = 'table' ORDER BY m.name, fk.id DESC, fk.seq"
    ).fetchall()
    grouped: dict[tuple[str, int], dict[str, Any]] = {}
    for tbl, fk_id, ref_table, col, ref_col, on_update, on_delete in rows:
        fk = grouped.setdefault(
            (tbl, fk_id),
            {"table": tbl, "ref": ref_table, "cols": [], "refs": [],
             "options": {"onupdate": on_update, "ondelete": on_delete}},
        )
        fk["cols"].append(col)
        fk["refs"].append(ref_col)
    out: dict[Any, list[Any]] = {key: [] for key in fks}
    used: set[int] = set()
    for fk in grouped.values():
        key = (None, fk["table"])
        if key not in out:
            continue
        inspected = [
            f for f in fks[key]
            if list(f.get("constrained_columns") or ()) == fk["cols"]
            and str(f.get("referred_table") or "").lower() == str(fk["ref"]).lower()
        ]
        # The pragma numbers keys last-declared first (hence id DESC); the inspector keeps the
        # declared order. A key the inspector dropped takes the name of its twin.
        fallback = inspected[-1] if inspected else {}
        named = next((f for f in inspected if id(f) not in used), fallback)
        used.add(id(named))
        refs = fk["refs"]
        if any(r is None for r in refs):  # REFERENCES parent without columns: its primary key
            refs = list(named.get("referred_columns") or ())
        out[key].append(
            {
                **named,
                "name": named.get("name"),
                "constrained_columns": fk["cols"],
                "referred_schema": named.get("referred_schema"),
                "referred_table": named.get("referred_table", fk["ref"]),
                "referred_columns": refs,
                "options": {**(named.get("options") or {}), **fk["options"]},
            }
        )
    return out


def _sqlite_generated_columns(conn: Connection, schema: str | None) -> dict[tuple[str, str], str]:
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    quoted = '"' + schema.replace('"', '""') + '"' if schema else "main"
    rows = conn.exec_driver_sql(
        f"SELECT m.name, m.sql FROM {quoted}.sqlite_master AS m WHERE m.type = 'table' AND m.sql IS NOT NULL "
        "AND EXISTS (SELECT 1 FROM pragma_table_xinfo(m.name, ?) AS x WHERE x.hidden IN (2, 3))",
        (schema or "main",),
    ).fetchall()
    out: dict[tuple[str, str], str] = {}
    for table, sql in rows:
        try:
            tree = sqlglot.parse_one(sql, read="sqlite")
        except SqlglotError:
            continue
        for coldef in tree.find_all(exp.ColumnDef):
            for constraint in coldef.constraints:
                kind = constraint.args.get("kind")
                if isinstance(kind, exp.ComputedColumnConstraint) and kind.this is not None:
                    out[(table, coldef.name)] = kind.this.sql(dialect="sqlite")
    return out


def _sqlite_expression_indexes(conn: Connection) -> dict[str, list[Index]]:
    rows = conn.exec_driver_sql(
        "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    out: dict[str, list[Index]] = {}
    for tbl, name, sql in rows:
        body = _sqlite_index_body(sql)
        if body is None:
            continue
        # Every element read from the index's own SQL: the inspector drops DESC and COLLATE and
        # skips an index with an expression altogether.
        keys, options = [], []
        for element in split_elements(body, "sqlite"):
            key, opts, _ = index_element(element, "sqlite")
            keys.append(key)
            options.append(opts)
        unique = bool(re.match(r"\s*CREATE\s+UNIQUE", sql, re.IGNORECASE))
        out.setdefault(tbl, []).append(
            Index(name=name, columns=tuple(keys), unique=unique, options=tuple(options) if any(options) else ())
        )
    return out


_SQLITE_INDEX_TABLE = re.compile(
    r"\bON\s+(?:\"(?:[^\"]|\"\")*\"|`(?:[^`]|``)*`|\[[^\]]*\]|[^\s(]+)\s*\(", re.IGNORECASE
)


def _sqlite_index_body(sql: str) -> str | None:
    """The text between the parentheses of `CREATE INDEX ... ON table (...)`, found by balancing
    parentheses and skipping quoted text, so that a partial index's `WHERE b IN (1, 2)` is not
    taken for part of it."""
    m = _SQLITE_INDEX_TABLE.search(sql)
    if not m:
        return None
    end = closing_parenthesis(sql, m.end())
    return sql[m.end() : end] if end is not None else None


def _as_sqlite_reflects(text: str, dialect: SADialect) -> str:
    """A type name read back the way SQLAlchemy's SQLite inspector reads a column's declared type:
    names it does not know fall to their affinity (CLOB is TEXT, DOUBLE PRECISION is REAL).
    Reflected types come back unchanged, so both sides meet in the same spelling."""
    import warnings

    from sqlalchemy import types as sqltypes
    from sqlalchemy.exc import CompileError

    resolve = getattr(dialect, "_resolve_type_affinity", None)
    if resolve is None:
        return text
    # SQLite's table_info gives the type without its COLLATE clause; so does this.
    text = COLLATE.sub("", text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            resolved = resolve(text)
        if isinstance(resolved, sqltypes.NullType):
            return text
        return str(dialect.type_compiler_instance.process(resolved))
    except (CompileError, TypeError, ValueError, AttributeError):  # a private helper: never fatal
        return text


DIALECT = SQLite()


# --- planning ------------------------------------------------------------------------------------

# A normalized server default that SQLite's ADD COLUMN accepts.
_CONSTANT_DEFAULT = re.compile(r"-?\d+(\.\d+)?|'(?:[^']|'')*'|true|false|null", re.IGNORECASE)
