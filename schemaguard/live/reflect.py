"""The live side: connect read-only, reflect the whole schema in bulk, and build a Schema."""

from __future__ import annotations

import fnmatch
import re
import sqlite3
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import DatabaseError, UsageError
from ..schema.defaults import is_sequence_default, normalize_default
from ..schema.snapshot import Column, ForeignKey, Index, Schema, Table, UniqueConstraint
from ..schema.types import canonical_type
from .urls import parse_url, redact, scrub

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine

# Tables that belong to migration tools or to schemaguard itself, not to the application.
BOOKKEEPING_TABLES = ("alembic_version", "schemaguard_*", "SequelizeMeta", "sqlite_*")


def is_bookkeeping(name: str) -> bool:
    return _matcher(BOOKKEEPING_TABLES)(name) is not None


@lru_cache(maxsize=64)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """One compiled expression for a set of fnmatch patterns (case-sensitive, like fnmatchcase):
    asked once per table, thousands of times."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns)).match


def create_engine_for(url: str | URL, *, readonly: bool = True) -> Engine:
    """An engine for a URL; SQLite files open read-only (and are never created) when `readonly`."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import URL as URLType
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError
    from sqlalchemy.pool import NullPool

    parsed = url if isinstance(url, URLType) else parse_url(url)
    try:
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            path = parsed.database
            if readonly:
                import os

                if path.startswith("file:"):
                    # sqlite:///file:app.db?mode=ro&uri=true: SQLAlchemy keeps the query apart from
                    # the database; rebuild the URI with mode=ro forced (never rw/rwc/memory).
                    uri, fs_path = _sqlite_uri(path, parsed.query)
                else:
                    uri, fs_path = "file:" + _quote_path(path) + "?mode=ro", path
                if not os.path.exists(fs_path):
                    raise DatabaseError(
                        f"the SQLite database file {fs_path} does not exist",
                        hint="check the path in the database URL (sqlite:///relative.db or sqlite:////absolute.db)",
                    )

                def connect() -> sqlite3.Connection:
                    return sqlite3.connect(uri, uri=True)

                return create_engine(parsed, creator=connect, poolclass=NullPool)
        return create_engine(parsed, poolclass=NullPool)
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


@contextmanager
def readonly_connection(engine: Engine) -> Iterator[Connection]:
    """A connection that cannot write: a READ ONLY transaction on PostgreSQL, `mode=ro` on SQLite."""
    conn = connect(engine)
    try:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        elif engine.dialect.name in ("mysql", "mariadb"):
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
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
    orig = getattr(exc, "orig", exc)
    lines = [ln.strip() for ln in str(orig).strip().splitlines() if ln.strip()]
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


def reflect_live(
    bind: Engine | Connection | str,
    *,
    schema: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    include_bookkeeping: bool = False,
    method: str = "auto",
) -> Schema:
    """Reflect the live schema with a constant number of statements, whatever the table count.

    `method`: "catalog" reads PostgreSQL's catalog with a few hand-written queries
    (schemaguard.dialects.postgresql; PostgreSQL 12+ through psycopg 3); "inspector" uses
    SQLAlchemy's bulk inspector calls (get_multi_*), on every dialect; "auto" (the default) takes
    the catalog path where it is available. Both give the same Schema.
    """
    from sqlalchemy.engine import Engine as EngineType

    if method not in ("auto", "catalog", "inspector"):
        raise ValueError(f"unknown reflection method {method!r}: use auto, catalog or inspector")
    if isinstance(bind, str):
        bind = create_engine_for(bind)
    if isinstance(bind, EngineType):
        with readonly_connection(bind) as conn:
            return _reflect(conn, schema, include, exclude, include_bookkeeping, method)
    return _reflect(bind, schema, include, exclude, include_bookkeeping, method)


def table_wanted(name: str, include: Sequence[str], exclude: Sequence[str], bookkeeping: bool) -> bool:
    if not bookkeeping and is_bookkeeping(name):
        return False
    if include and _matcher(tuple(include))(name) is None:
        return False
    return not exclude or _matcher(tuple(exclude))(name) is None


def _reflect(
    conn: Connection,
    schema: str | None,
    include: Sequence[str],
    exclude: Sequence[str],
    bookkeeping: bool,
    method: str = "auto",
) -> Schema:
    from sqlalchemy import inspect
    from sqlalchemy.exc import DBAPIError, SAWarning

    dialect = conn.dialect
    url = conn.engine.url
    if method != "inspector":
        from ..dialects.postgresql import reflect_catalog, supported

        if supported(conn):
            try:
                return reflect_catalog(
                    conn, schema, lambda name: table_wanted(name, include, exclude, bookkeeping), redact(url)
                )
            except DBAPIError as exc:
                raise database_error(exc, url) from exc
        if method == "catalog":
            raise UsageError(
                f"the catalog reflection needs PostgreSQL 12 or later through psycopg 3, not {dialect.name}+{dialect.driver}",
                hint="reflect with method='inspector' or 'auto'",
            )
    try:
        insp = inspect(conn)
        if schema is not None and schema not in insp.get_schema_names():
            raise UsageError(
                f"schema {schema!r} does not exist in {redact(url)}",
                hint="check --schema or leave it out for the default schema",
            )
        default_schema = insp.default_schema_name
        # Sorted by name: PostgreSQL returns them in no particular order, and a snapshot file must
        # not change when nothing in the database did.
        names = sorted(
            n for n in insp.get_table_names(schema=schema) if table_wanted(n, include, exclude, bookkeeping)
        )
        if not names:
            return Schema(
                dialect=dialect.name,
                tables=(),
                origin="live",
                schema=schema,
                label=redact(url),
                default_schema=default_schema,
            )
        with warnings.catch_warnings():
            # SQLite cannot reflect expression indexes; they are read from sqlite_master below.
            warnings.simplefilter("ignore", SAWarning)
            columns = insp.get_multi_columns(schema=schema, filter_names=names)
            pks = insp.get_multi_pk_constraint(schema=schema, filter_names=names)
            fks: Mapping[Any, list[Any]] = insp.get_multi_foreign_keys(schema=schema, filter_names=names)
            indexes = insp.get_multi_indexes(schema=schema, filter_names=names)
            uniques = insp.get_multi_unique_constraints(schema=schema, filter_names=names)
        sqlite_expr = _sqlite_expression_indexes(conn) if dialect.name == "sqlite" else {}
        sqlite_inline = _sqlite_inline_uniques(conn) if dialect.name == "sqlite" else {}
        if dialect.name == "sqlite":
            fks = _sqlite_foreign_keys(conn, fks)
    except DBAPIError as exc:
        raise database_error(exc, url) from exc
    tables = []
    for name in names:
        key = (schema, name)
        tables.append(
            _table(
                name,
                columns.get(key, []),
                pks.get(key) or {},
                fks.get(key, []),
                indexes.get(key, []),
                _merge_uniques(uniques.get(key, []), sqlite_inline.get(name, [])),
                sqlite_expr.get(name, []),
                dialect,
            )
        )
    return Schema(
        dialect=dialect.name,
        tables=tuple(tables),
        origin="live",
        schema=schema,
        label=redact(url),
        default_schema=default_schema,
    )


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


def _merge_uniques(
    reflected: Sequence[Mapping[str, Any]], inline: list[tuple[str, ...]]
) -> list[Mapping[str, Any]]:
    seen = {frozenset(u.get("column_names") or ()) for u in reflected}
    extra: list[Mapping[str, Any]] = [
        {"name": None, "column_names": list(cols)} for cols in inline if frozenset(cols) not in seen
    ]
    return list(reflected) + extra


def _sqlite_expression_indexes(conn: Connection) -> dict[str, list[Index]]:
    from ..sources.declared import normalize_expression

    rows = conn.exec_driver_sql(
        "SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    out: dict[str, list[Index]] = {}
    for tbl, name, sql in rows:
        body = _sqlite_index_body(sql)
        if body is None or "(" not in body:
            continue  # a plain column index, which the inspector already reported
        unique = bool(re.match(r"\s*CREATE\s+UNIQUE", sql, re.IGNORECASE))
        out.setdefault(tbl, []).append(
            Index(name=name, columns=(normalize_expression(body),), unique=unique)
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
    depth, quote = 1, ""
    for i in range(m.end(), len(sql)):
        ch = sql[i]
        if quote:
            if ch == quote:
                quote = ""  # a doubled quote closes and reopens: the same as staying inside
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return sql[m.end() : i]
    return None


def _table(
    name: str,
    cols: Sequence[Mapping[str, Any]],
    pk: Mapping[str, Any],
    fks: Sequence[Mapping[str, Any]],
    idxs: Sequence[Mapping[str, Any]],
    uqs: Sequence[Mapping[str, Any]],
    extra_indexes: list[Index],
    dialect: Any,
) -> Table:
    from ..sources.declared import normalize_expression

    pk_cols = tuple(pk.get("constrained_columns") or ())
    columns = []
    for c in cols:
        type_text = canonical_type(c["type"], dialect)
        raw_default = c.get("default")
        if dialect.name == "sqlite":
            auto = len(pk_cols) == 1 and pk_cols[0] == c["name"] and type_text == "INTEGER"
        else:
            auto = bool(c.get("identity")) or is_sequence_default(raw_default) or bool(
                c.get("autoincrement") is True and raw_default and is_sequence_default(raw_default)
            )
        columns.append(
            Column(
                name=c["name"],
                type=type_text,
                nullable=bool(c["nullable"]) and c["name"] not in pk_cols,
                default=None if is_sequence_default(raw_default) else normalize_default(raw_default, type_text),
                autoincrement=auto,
            )
        )
    indexes = []
    for i in idxs:
        if i.get("duplicates_constraint"):
            continue  # the index behind a UNIQUE constraint: reported as the constraint
        names = i.get("column_names") or []
        exprs = i.get("expressions") or []
        parts = []
        for pos, col in enumerate(names):
            if col is not None:
                parts.append(col)
            elif pos < len(exprs):
                parts.append(normalize_expression(exprs[pos]))
        if not parts:
            continue
        indexes.append(Index(name=i.get("name"), columns=tuple(parts), unique=bool(i.get("unique"))))
    indexes.extend(extra_indexes)
    uniques = [
        UniqueConstraint(name=u.get("name"), columns=tuple(u.get("column_names") or ()))
        for u in uqs
    ]
    foreign_keys = []
    for f in fks:
        opts = f.get("options") or {}
        foreign_keys.append(
            ForeignKey(
                name=f.get("name"),
                columns=tuple(f.get("constrained_columns") or ()),
                ref_schema=f.get("referred_schema"),
                ref_table=f.get("referred_table") or "",
                ref_columns=tuple(f.get("referred_columns") or ()),
                ondelete=(opts.get("ondelete") or "NO ACTION").upper(),
                onupdate=(opts.get("onupdate") or "NO ACTION").upper(),
            )
        )
    return Table(
        name=name,
        columns=tuple(columns),
        primary_key=pk_cols,
        indexes=tuple(sorted(indexes, key=lambda i: (str(i.name), i.columns))),
        uniques=tuple(sorted(uniques, key=lambda u: u.columns)),
        foreign_keys=tuple(sorted(foreign_keys, key=lambda f: f.columns)),
    )
