"""The PostgreSQL fast path: read the catalog with a few hand-written queries straight into a Schema.

SQLAlchemy's inspector (`get_multi_*`) reads the catalog in bulk too, but it sends a dozen
statements, builds a dictionary per column, index and key, parses each foreign key back out of
`pg_get_constraintdef` text with a regular expression, and turns every column type into a type
object. At thousands of tables that Python work is most of the time. Here three queries (columns,
constraints, indexes) return plain rows that become the snapshot directly:

- names come from the catalog (`attname`, `conkey`, `confkey`), never parsed out of DDL text;
- a column type is turned into canonical text once per distinct `format_type()` text, through
  SQLAlchemy's own `_reflect_type`, so that enums, domains, arrays and collations read exactly as
  the inspector reads them;
- server defaults are normalized once per distinct text.

The snapshot is the inspector path's, field for field (tests/test_reflect_fast.py holds them
equal on every golden case, on the property-test schemas and on the benchmark's schema). When
this SQLAlchemy's private reflection helpers are not the ones this module knows, or the driver is
not psycopg, `supported()` says no and the caller reflects through the inspector instead.
"""

from __future__ import annotations

import inspect as pyinspect
import operator
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import LockUnavailable, UsageError
from ..schema.defaults import is_sequence_default, normalize_default
from ..schema.expressions import (
    element_options,
    generated_expression,
    normalize_expression,
    strip_check_keyword,
)
from ..schema.snapshot import Check, Column, ForeignKey, Index, Schema, Table, UniqueConstraint
from .base import Dialect

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection

# _reflect_type(format_type, named_type_loader, type_description, collation, collation_schema):
# the signature of SQLAlchemy 2.1 (2.0 passed domains and enums separately).
_REFLECT_TYPE_PARAMS = ("format_type", "named_type_loader", "type_description", "collation", "collation_schema")
# pg_constraint.confupdtype/confdeltype, as pg_get_constraintdef spells them (NO ACTION: not written).
_FK_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

# The tables the inspector reflects (get_table_names): ordinary and partitioned tables, not temporary,
# either in the named schema or, without one, visible on the search path outside pg_catalog.
_TABLES_IN_SCHEMA = "c.relkind IN ('r', 'p') AND c.relpersistence <> 't' AND n.nspname = %(schema)s"
_TABLES_VISIBLE = (
    "c.relkind IN ('r', 'p') AND c.relpersistence <> 't' AND n.nspname <> 'pg_catalog'"
    " AND pg_catalog.pg_table_is_visible(c.oid)"
)
# Constraints and indexes are read for the namespaces those tables can be in (pg_table_is_visible
# costs more than the rest of the filter), then kept for the tables the columns query returned.
_NAMESPACES_VISIBLE = (
    "c.relkind IN ('r', 'p') AND c.relpersistence <> 't' AND n.nspname <> 'pg_catalog'"
    " AND n.nspname = ANY (pg_catalog.current_schemas(false))"
)

# One row per column (one with NULLs for a table without columns). The collation is reported,
# as the inspector does, only where it differs from the type's own. A default is deparsed without
# its table (relid 0): a DEFAULT cannot refer to a column, and naming the table makes a fresh
# server process look up every table of the schema (half this query's time at 5,000 tables). A
# generated column's expression, which does refer to columns, is not a default: it is read apart,
# with its table (only those columns pay for that lookup).
_COLUMNS = """
SELECT c.oid, c.relname, a.attnum, a.attname,
       pg_catalog.format_type(a.atttypid, a.atttypmod),
       a.attnotnull,
       CASE WHEN a.atthasdef AND a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, 0) END,
       CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END,
       a.attidentity::text,
       co.collname,
       CASE WHEN co.oid IS NOT NULL AND NOT pg_catalog.pg_collation_is_visible(co.oid) THEN cn.nspname END,
       ds.description
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_catalog.pg_attrdef d ON a.atthasdef AND d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_type t ON a.attcollation <> 0 AND t.oid = a.atttypid
LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation AND t.typcollation <> a.attcollation
LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace
LEFT JOIN pg_catalog.pg_description ds
       ON ds.objoid = c.oid AND ds.classoid = 'pg_catalog.pg_class'::regclass AND ds.objsubid = a.attnum
WHERE {tables}
"""

# Primary keys, uniques, foreign keys, CHECKs, and exclusion constraints (only to know which
# indexes belong to a constraint). {set_columns}: the text of a foreign key whose ON DELETE names
# columns (PostgreSQL 15), the one thing this module leaves to SQLAlchemy's parser. A CHECK's
# text is the server's own print-back (pg_get_constraintdef), compared by meaning later; an
# inherited CHECK (a partition's copy of its parent's) is the parent's, not the table's own.
_CONSTRAINTS = """
SELECT k.conrelid, k.contype::text, k.conname, k.conkey, k.conindid, k.confrelid, k.confkey,
       k.confupdtype::text, k.confdeltype::text, {set_columns},
       CASE WHEN k.contype = 'c' THEN pg_catalog.pg_get_constraintdef(k.oid, true) END
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE (k.contype IN ('p', 'u', 'f', 'x') OR (k.contype = 'c' AND k.conislocal)) AND {tables}
"""

# Indexes other than primary keys. An expression's text comes from pg_get_indexdef, called only
# for indexes that have one (it is slow), for each key position.
# Per key: indoption's bits (1: DESC, 2: NULLS FIRST); the operator class where it is not the
# default one (as the inspector's postgresql_ops); the collation where it is not the column's own
# (only looked at when some key has a collation other than none or the database default).
_INDEX_COLLATIONS = """CASE WHEN NOT i.indcollation::oid[] <@ ARRAY[0, 100]::oid[] THEN ARRAY(
           SELECT CASE WHEN u.coll IN (0, 100) OR u.coll = a.attcollation THEN '' ELSE co.collname END
           FROM unnest(i.indcollation::oid[], i.indkey::int2[]) WITH ORDINALITY AS u(coll, att, k)
           LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.att AND u.att <> 0
           LEFT JOIN pg_catalog.pg_collation co ON co.oid = u.coll
           WHERE u.coll IS NOT NULL ORDER BY u.k) END"""

_INDEXES = """
SELECT i.indrelid, ic.relname, i.indexrelid, i.indisunique, i.indnkeyatts, i.indkey::int2[],
       CASE WHEN 0 = ANY (i.indkey::int2[]) THEN ARRAY(
           SELECT pg_catalog.pg_get_indexdef(i.indexrelid, g, true)
           FROM pg_catalog.generate_series(1, i.indnkeyatts) AS g ORDER BY g) END,
       i.indoption::int2[],
       ARRAY(SELECT CASE WHEN o.opcdefault THEN '' ELSE o.opcname END
             FROM unnest(i.indclass::oid[]) WITH ORDINALITY AS u(cls, k)
             JOIN pg_catalog.pg_opclass o ON o.oid = u.cls ORDER BY u.k),
       """ + _INDEX_COLLATIONS + """
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
WHERE NOT i.indisprimary AND {tables}
"""

# Tables that foreign keys reference outside the reflected ones (another schema): their names,
# whether the search path sees them, and their column names. Sent only when there are any.
_REFERENCED = """
SELECT r.oid, r.relname, rn.nspname, pg_catalog.pg_table_is_visible(r.oid), a.attnum, a.attname
FROM pg_catalog.pg_class r
JOIN pg_catalog.pg_namespace rn ON rn.oid = r.relnamespace
LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE r.oid = ANY (%(oids)s::oid[])
"""

# The inspector's get_schema_names leaves out every schema whose name starts with pg_.
_SCHEMA_EXISTS = "SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = %(schema)s AND left(nspname, 3) <> 'pg_'"


def supported(conn: Connection) -> bool:
    """True when this connection can be reflected here: PostgreSQL 12 or later through psycopg 3,
    and the SQLAlchemy reflection helpers this module relies on are the known ones."""
    dialect = conn.dialect
    if dialect.name != "postgresql" or dialect.driver != "psycopg":
        return False
    if (getattr(dialect, "server_version_info", None) or (0,)) < (12,):
        return False
    return _type_reader_available(dialect)


def _type_reader_available(dialect: Any) -> bool:
    try:
        from sqlalchemy.dialects.postgresql.base import _NamedTypeLoader  # noqa: F401
    except ImportError:
        return False
    reflect_type = getattr(dialect, "_reflect_type", None)
    if reflect_type is None:
        return False
    try:
        params = tuple(pyinspect.signature(reflect_type).parameters)
    except (TypeError, ValueError):
        return False
    return params == _REFLECT_TYPE_PARAMS


def reflect_catalog(
    conn: Connection, schema: str | None, wanted: Callable[[str], bool], label: str
) -> Schema:
    """The live Schema of `schema` (None: the tables visible on the search path), keeping the
    tables whose names `wanted` accepts."""
    dialect: Any = conn.dialect
    params: dict[str, Any] = {}
    if schema is not None:
        params["schema"] = schema
        if not conn.exec_driver_sql(_SCHEMA_EXISTS, params).scalar():
            raise UsageError(
                f"schema {schema!r} does not exist in {label}",
                hint="check --schema or leave it out for the default schema",
            )
        tables_where = namespaces_where = _TABLES_IN_SCHEMA
    else:
        tables_where, namespaces_where = _TABLES_VISIBLE, _NAMESPACES_VISIBLE
    set_columns = (
        "CASE WHEN k.confdelsetcols IS NOT NULL THEN pg_catalog.pg_get_constraintdef(k.oid, true) END"
        if dialect.server_version_info >= (15,)
        else "NULL"
    )
    # Constraints first: a primary key's columns are NOT NULL whatever the catalog row says, and
    # knowing them (as column numbers) lets the columns be built in one pass.
    constraint_rows = _rows(conn, _CONSTRAINTS.format(set_columns=set_columns, tables=namespaces_where), params)
    # Read once, in order: taken from the result row by row rather than as a list (at 5,000
    # tables, 50,000 rows held at once are about 25 MB of peak memory).
    column_rows = conn.exec_driver_sql(_COLUMNS.format(tables=tables_where), params)
    index_rows = _rows(conn, _INDEXES.format(tables=namespaces_where), params)

    pk_keys: dict[int, list[int]] = {}  # table oid -> its primary key's column numbers, in key order
    for row in constraint_rows:
        if row[1] == "p":
            pk_keys[row[0]] = row[3]

    # Every table the query returned, before include/exclude: oid -> name, attnum -> column name,
    # and its columns as (attnum, Column). A column is built once per distinct catalog row (most
    # schemas repeat `id`, `created_at`...): equal columns are the same frozen object.
    names: dict[int, str] = {}
    attnames: dict[int, dict[int, str]] = {}
    columns_of: dict[int, list[tuple[int, Column]]] = {}
    built: dict[tuple[Any, ...], Column] = {}
    types = _TypeReader(conn)
    no_pk: list[int] = []
    current = -1
    table_names: dict[int, str] = {}
    table_cols: list[tuple[int, Column]] = []
    for row in column_rows:
        oid = row[0]
        if oid != current:
            current = oid
            if oid in names:
                table_names, table_cols = attnames[oid], columns_of[oid]
            else:
                names[oid] = row[1]
                table_names = attnames[oid] = {}
                table_cols = columns_of[oid] = []
            pk = pk_keys.get(oid, no_pk)
        attnum = row[2]
        if attnum is None:
            continue  # a table without columns
        key = (*row[3:], attnum in pk)
        column = built.get(key)
        if column is None:
            column = built[key] = _column(key, types)
        table_names[attnum] = row[3]
        table_cols.append((attnum, column))

    keep = {oid for oid, name in names.items() if wanted(name)}
    if not keep:
        return Schema(dialect=dialect.name, tables=(), origin="live", schema=schema, label=label,
                      default_schema=dialect.default_schema_name)

    uniques: dict[int, list[tuple[tuple[str, ...], str]]] = {}
    checks: dict[int, list[Check]] = {}
    fk_rows: dict[int, list[Any]] = {}
    constraint_indexes: set[int] = set()
    outside: set[int] = set()
    for row in constraint_rows:
        relid, contype = row[0], row[1]
        if relid not in keep:
            continue  # left out, or a table of a schema on the search path that another one hides
        if contype == "f":
            fk_rows.setdefault(relid, []).append(row)
            if row[5] not in names:
                outside.add(row[5])
            continue
        if contype == "c":
            checks.setdefault(relid, []).append(Check(name=row[2], expression=strip_check_keyword(row[10])))
            continue
        constraint_indexes.add(row[4])
        if contype == "u":
            cols = attnames[relid]
            uniques.setdefault(relid, []).append((tuple(map(cols.__getitem__, row[3])), row[2]))

    # Referenced tables that are not among the reflected ones: (name, schema as the inspector
    # names it, column names).
    referenced: dict[int, tuple[str, str | None, dict[int, str]]] = {}
    if outside:
        for oid, relname, nspname, visible, attnum, attname in _rows(conn, _REFERENCED, {"oids": sorted(outside)}):
            entry = referenced.get(oid)
            if entry is None:
                # pg_get_constraintdef qualifies a table the search path does not see; the
                # inspector then takes that schema, else the reflected schema when it is the
                # table's own (never the case outside the reflected tables), else none.
                entry = referenced[oid] = (relname, None if visible else nspname, {})
            if attnum is not None:
                entry[2][attnum] = attname

    indexes: dict[int, list[Index]] = {}
    for relid, name, indexrelid, unique, nkeys, keys, expressions, flags, opclasses, collations in index_rows:
        if relid not in keep or indexrelid in constraint_indexes:
            continue  # left out, or the index behind a constraint: reported as the constraint
        cols = attnames[relid]
        parts, options = [], []
        for pos, attnum in enumerate(keys[:nkeys]):
            if attnum:
                parts.append(cols[attnum])
            elif expressions is not None and pos < len(expressions):
                parts.append(_expression(expressions[pos]))
            else:
                continue
            options.append(_key_options(pos, flags, opclasses, collations))
        if parts:
            indexes.setdefault(relid, []).append(
                Index(name=name, columns=tuple(parts), unique=bool(unique), options=tuple(options) if any(options) else ())
            )

    tables = []
    for oid in sorted(keep, key=names.__getitem__):
        cols = attnames[oid]
        table_cols = columns_of[oid]
        table_cols.sort(key=_FIRST)  # the catalog rows come in no guaranteed order
        pk_key = pk_keys.get(oid)
        foreign_keys = [
            _foreign_key(row, cols, names, attnames, referenced, schema, dialect) for row in fk_rows.get(oid, ())
        ]
        # Ties keep the inspector's order, which is by constraint name.
        foreign_keys.sort(key=_fk_order)
        table_uniques = uniques.get(oid)
        table_indexes = indexes.get(oid)
        tables.append(
            Table(
                name=names[oid],
                columns=tuple(map(_SECOND, table_cols)),
                primary_key=tuple(map(cols.__getitem__, pk_key)) if pk_key else (),
                indexes=tuple(sorted(table_indexes, key=_index_order)) if table_indexes else (),
                uniques=tuple(UniqueConstraint(name=n, columns=c) for c, n in sorted(table_uniques))
                if table_uniques
                else (),
                foreign_keys=tuple(foreign_keys),
                checks=tuple(sorted(checks.get(oid, ()), key=_check_order)),
            )
        )
    return Schema(
        dialect=dialect.name,
        tables=tuple(tables),
        origin="live",
        schema=schema,
        label=label,
        default_schema=dialect.default_schema_name,
    )


def _rows(conn: Connection, sql: str, params: dict[str, Any]) -> Sequence[Any]:
    # Through SQLAlchemy, so that its events (statement counters, the read-only checks of the
    # tests) see every statement.
    return conn.exec_driver_sql(sql, params).all()


_FIRST = operator.itemgetter(0)
_SECOND = operator.itemgetter(1)


def _fk_order(fk: ForeignKey) -> tuple[tuple[str, ...], str]:
    return fk.columns, fk.name or ""


def _check_order(check: Check) -> tuple[str, str]:
    return check.name or "", check.expression


def _index_order(index: Index) -> tuple[str, tuple[str, ...]]:
    return str(index.name), index.columns


def _expression(text: str) -> str:
    return normalize_expression(text)


def _key_options(pos: int, flags: Sequence[int] | None, opclasses: Sequence[str] | None,
                 collations: Sequence[str] | None) -> str:
    """One index key's options from pg_index's per-key arrays (see _INDEXES)."""
    bits = flags[pos] if flags and pos < len(flags) else 0
    descending = bool(bits & 1)
    return element_options(
        descending=descending,
        nulls="FIRST" if bits & 2 else "LAST",
        collation=(collations[pos] or None) if collations and pos < len(collations) else None,
        opclass=(opclasses[pos] or None) if opclasses and pos < len(opclasses) else None,
    )


def index_collations(conn: Connection, schema: str | None) -> dict[tuple[str, str], list[str]]:
    """(table, index) -> each key's collation where it is not the column's own ('' where it is):
    what the inspector does not read, for its path."""
    params: dict[str, Any] = {}
    if schema is not None:
        params["schema"] = schema
    where = _TABLES_IN_SCHEMA if schema is not None else _NAMESPACES_VISIBLE
    sql = (
        "SELECT c.relname, ic.relname, " + _INDEX_COLLATIONS + " FROM pg_catalog.pg_index i "
        "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
        "WHERE NOT i.indcollation::oid[] <@ ARRAY[0, 100]::oid[] AND " + where
    )
    return {(t, ix): list(colls) for t, ix, colls in _rows(conn, sql, params) if colls}


class _TypeReader:
    """Column type text -> (canonical type, domain default, domain NOT NULL), read once per distinct
    `format_type()` text and collation by SQLAlchemy's own `_reflect_type` and `canonical_type`."""

    def __init__(self, conn: Connection) -> None:
        from sqlalchemy.dialects.postgresql.base import _NamedTypeLoader

        dialect: Any = conn.dialect
        self.dialect = dialect
        # Enums and domains are loaded on first need, one statement each, as the inspector does.
        self.loader = _NamedTypeLoader(dialect, conn, {})
        self.cache: dict[tuple[str | None, str | None, str | None], tuple[str | None, str | None, bool]] = {}

    def read(self, format_type: str | None, collation: str | None, collation_schema: str | None
             ) -> tuple[str | None, str | None, bool]:
        key = (format_type, collation, collation_schema)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = self._read(format_type, collation, collation_schema)
        return hit

    def _read(self, format_type: str | None, collation: str | None, collation_schema: str | None
              ) -> tuple[str | None, str | None, bool]:
        from sqlalchemy.dialects.postgresql import DOMAIN
        from sqlalchemy.exc import SAWarning

        with warnings.catch_warnings():
            # An unknown type reads as NullType (no type), as through the inspector.
            warnings.simplefilter("ignore", SAWarning)
            coltype = self.dialect._reflect_type(
                format_type, self.loader, type_description="column", collation=collation,
                collation_schema=collation_schema,
            )
        if isinstance(coltype, DOMAIN):
            # A reflected domain's default is the catalog's text (pg_type.typdefault).
            default = None if coltype.default is None else str(coltype.default)
            return DIALECT.canonical_type(coltype, self.dialect), default, bool(coltype.not_null)
        return DIALECT.canonical_type(coltype, self.dialect), None, False


def _column(key: tuple[Any, ...], types: _TypeReader) -> Column:
    """A Column from a catalog row's fields, exactly as the inspector's dictionary becomes one."""
    name, format_type, not_null, default, generated, identity, coll, coll_schema, comment, in_pk = key
    type_text, domain_default, domain_not_null = types.read(format_type, coll, coll_schema)
    # A domain's default serves a column without one; its NOT NULL holds for every column.
    if not default and domain_default is not None and generated is None:
        default = domain_default
    nullable = not not_null and not domain_not_null
    sequence = is_sequence_default(default)
    return Column(
        name=name,
        type=type_text,
        nullable=nullable and not in_pk,
        default=None if sequence else normalize_default(default, type_text),
        autoincrement=bool(identity) or sequence,
        identity=_IDENTITY.get(identity or ""),
        generated=generated_expression(generated, "postgresql") if generated is not None else None,
        comment=comment,
    )


# pg_attribute.attidentity
_IDENTITY = {"a": "always", "d": "by default"}


def _foreign_key(
    row: Any,
    cols: dict[int, str],
    names: dict[int, str],
    attnames: dict[int, dict[int, str]],
    referenced: dict[int, tuple[str, str | None, dict[int, str]]],
    schema: str | None,
    dialect: Any,
) -> ForeignKey:
    _relid, _type, name, conkey, _indid, refid, confkey, updtype, deltype, condef, _check = row
    if refid in names:
        ref_table, ref_schema, ref_cols = names[refid], schema, attnames[refid]
    else:
        ref_table, ref_schema, ref_cols = referenced[refid]
    onupdate, ondelete = _FK_ACTIONS[updtype], _FK_ACTIONS[deltype]
    if condef is not None:
        # ON DELETE SET NULL (col, ...): read as the inspector reads it, from the definition.
        _c, _s, _t, _r, _m, upd, dele, _d, _i = dialect._parse_fk(condef)
        onupdate, ondelete = (upd or "NO ACTION").upper(), (dele or "NO ACTION").upper()
    return ForeignKey(
        name=name,
        columns=tuple(map(cols.__getitem__, conkey)),
        ref_schema=ref_schema,
        ref_table=ref_table,
        ref_columns=tuple(map(ref_cols.__getitem__, confkey)),
        ondelete=ondelete,
        onupdate=onupdate,
    )

# Spellings that PostgreSQL stores as the same type.
_PG_ALIASES = {
    "FLOAT": "DOUBLE PRECISION",
    "DOUBLE": "DOUBLE PRECISION",
    "FLOAT8": "DOUBLE PRECISION",
    "FLOAT4": "REAL",
    "TIMESTAMP WITHOUT TIME ZONE": "TIMESTAMP",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
    "TIME WITHOUT TIME ZONE": "TIME",
    "TIME WITH TIME ZONE": "TIMETZ",
    "CHARACTER VARYING": "VARCHAR",
    "CHARACTER": "CHAR",
    "INT": "INTEGER",
    "INT4": "INTEGER",
    "INT8": "BIGINT",
    "INT2": "SMALLINT",
    "SERIAL": "INTEGER",
    "BIGSERIAL": "BIGINT",
    "SMALLSERIAL": "SMALLINT",
    "DECIMAL": "NUMERIC",
    "BOOL": "BOOLEAN",
    "NVARCHAR": "VARCHAR",
    "NCHAR": "CHAR",
}


def _fold_postgresql(name: str, args: list[str]) -> tuple[str, list[str]]:
    if name == "FLOAT":
        # PostgreSQL: float(1..24) is real, float(25..53) and plain float are double precision.
        if args and args[0].isdigit() and int(args[0]) <= 24:
            return "REAL", []
        return "DOUBLE PRECISION", []
    if name in ("DOUBLE PRECISION", "REAL"):
        return name, []
    name = _PG_ALIASES.get(name, name)
    if name == "CHAR" and not args:
        args = ["1"]
    return name, args


# The advisory lock every sync of a database takes (pg_advisory_lock(bigint)): the bytes of
# "sgsync01". In pg_locks it shows as locktype 'advisory', classid 1936159609, objid 1851994161,
# objsubid 1.
SYNC_LOCK_KEY = 8315742202343141425

# The session holding the sync lock in this database.
_ADVISORY_HOLDER = """
SELECT a.pid, a.usename, a.application_name, host(a.client_addr), a.state,
       extract(epoch FROM now() - coalesce(a.xact_start, a.backend_start))::int, left(a.query, 80)
FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
  AND l.classid = %(classid)s::oid AND l.objid = %(objid)s::oid
  AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
"""

# The sessions holding a lock on a table (the one a step could not lock), other than this one.
_TABLE_LOCK_HOLDERS = """
SELECT DISTINCT a.pid, a.usename, a.application_name, host(a.client_addr), a.state,
       extract(epoch FROM now() - coalesce(a.xact_start, a.backend_start))::int, left(a.query, 80)
FROM pg_catalog.pg_locks l
JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
JOIN pg_catalog.pg_class c ON c.oid = l.relation
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_catalog.pg_backend_pid()
  AND c.relname = %(table)s
  AND CASE WHEN %(schema)s::text IS NULL THEN pg_catalog.pg_table_is_visible(c.oid)
           ELSE n.nspname = %(schema)s::text END
ORDER BY a.pid
"""


def _advisory_holder(conn: Connection) -> str | None:
    try:
        rows = conn.exec_driver_sql(
            _ADVISORY_HOLDER, {"classid": SYNC_LOCK_KEY >> 32, "objid": SYNC_LOCK_KEY & 0xFFFFFFFF}
        ).all()
        conn.rollback()
    except Exception:  # noqa: BLE001 - naming the holder is a courtesy; the timeout is the error
        return None
    return "; ".join(_session(*row) for row in rows) or None


def _session(pid: int, user: Any, app: Any, addr: Any, state: Any, seconds: Any, query: Any) -> str:
    """One session as an operator finds it in pg_stat_activity."""
    who = ", ".join(p for p in (f"user {user}" if user else "", f"application {app!r}" if app else "",
                               f"from {addr}" if addr else "") if p)
    what = f"{state} for {seconds} s" if state and seconds is not None else (state or "")
    last = f", last query {query.strip()!r}" if query and query.strip() else ""
    return f"pid {pid} ({who}{'; ' if who and what else ''}{what}{last})"


def _unlock(conn: Connection) -> None:
    try:
        conn.exec_driver_sql("SELECT pg_catalog.pg_advisory_unlock(%s)", (SYNC_LOCK_KEY,))
        conn.commit()
    except Exception:  # noqa: BLE001 - the connection is closed next, which releases it anyway
        pass


class PostgreSQL(Dialect):
    name: ClassVar[str] = "postgresql"
    title: ClassVar[str] = "PostgreSQL"

    def with_default_driver(self, url: URL) -> URL:
        # `postgresql://` and `postgres://` get psycopg 3 without the user writing `+psycopg`.
        return url.set(drivername="postgresql+psycopg") if url.drivername == "postgresql" else url

    def as_written(self, url: URL) -> URL:
        return url.set(drivername="postgresql") if url.drivername == "postgresql+psycopg" else url

    def begin_read_only(self, conn: Connection) -> None:
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    def set_step_timeouts(self, conn: Connection, lock_ms: int, statement_ms: int) -> None:
        # SET LOCAL: only for this transaction; a step that waits for a lock gives up instead of
        # queueing every other query behind it.
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(lock_ms)}ms'")
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = '{int(statement_ms)}ms'")

    # --- one sync at a time -------------------------------------------------------------------

    sync_lock_name: ClassVar[str] = f"the advisory lock pg_advisory_lock({SYNC_LOCK_KEY})"

    def take_sync_lock(self, conn: Connection, wait_ms: int) -> tuple[bool, Callable[[], None]]:
        """A session-level advisory lock on its own connection, for the whole sync: the server
        releases it when the connection ends, however the process ends (killed, or the server
        restarted), so it is never left behind. Advisory locks belong to one database, so the key
        is the same everywhere."""
        from sqlalchemy.exc import DBAPIError

        if conn.exec_driver_sql("SELECT pg_catalog.pg_try_advisory_lock(%s)", (SYNC_LOCK_KEY,)).scalar():
            conn.commit()
            return False, lambda: _unlock(conn)
        try:
            # lock_timeout bounds the wait for an advisory lock as for any other.
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait_ms)}ms'")
            conn.exec_driver_sql("SELECT pg_catalog.pg_advisory_lock(%s)", (SYNC_LOCK_KEY,))
            conn.commit()
        except DBAPIError as exc:
            conn.rollback()
            if self.lock_failure(exc) != "lock":
                raise
            raise LockUnavailable(self.sync_lock_name, _advisory_holder(conn)) from exc
        return True, lambda: _unlock(conn)

    def lock_failure(self, exc: BaseException) -> str | None:
        from sqlalchemy.exc import DBAPIError

        code = getattr(getattr(exc, "orig", exc), "sqlstate", None)
        if code == "55P03":  # lock_not_available: lock_timeout ran out
            return "lock"
        if code == "57014":  # query_canceled: statement_timeout ran out
            return "timeout"
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return "connection"
        if code is not None and code[:2] in ("08", "57"):  # connection exceptions, admin shutdown
            return "connection"
        return None

    def lock_holders(self, conn: Connection, table: str, schema: str | None) -> str | None:
        rows = conn.exec_driver_sql(_TABLE_LOCK_HOLDERS, {"table": table, "schema": schema}).all()
        return "; ".join(_session(*row) for row in rows) or None

    def reflect_catalog(
        self, conn: Connection, schema: str | None, wanted: Callable[[str], bool], label: str
    ) -> Schema | None:
        return reflect_catalog(conn, schema, wanted, label) if supported(conn) else None

    def index_collations(self, conn: Connection, schema: str | None) -> dict[tuple[str, str], list[str]]:
        return index_collations(conn, schema)

    def fold_type(self, name: str, args: list[str], array: str) -> tuple[str, list[str], str]:
        name, args = _fold_postgresql(name, args)
        # PostgreSQL does not enforce an array's declared dimensions: INTEGER[][] is INTEGER[].
        return name, args, array[:2]

    def sequelize_enum_is_native(self) -> bool:
        return True

    # --- planning ---------------------------------------------------------------------------

    native_enum_types: ClassVar[bool] = True
    check_sql: ClassVar[str | None] = "postgres"
    native_boolean: ClassVar[bool] = True
    #: ALTER TABLE ... ADD CONSTRAINT ... CHECK ... NOT VALID, then VALIDATE CONSTRAINT: the
    #: validation reads every row under SHARE UPDATE EXCLUSIVE, which lets reads and writes go on.
    validates_checks_separately: ClassVar[bool] = True
    index_build_blocks_writes: ClassVar[bool] = True  # without CONCURRENTLY
    validates_new_foreign_keys: ClassVar[bool] = True  # without NOT VALID
    releases_referencing_keys: ClassVar[bool] = True
    index_nulls_order: ClassVar[bool] = True
    index_operator_classes: ClassVar[bool] = True

    new_enum_label_usable_in_transaction: ClassVar[bool] = False

    def add_enum_label_sql(self, type_sql: str, label: str, before: str | None, after: str | None) -> str | None:
        # IF NOT EXISTS: a sync that runs again after a failure finds the label there. Inside a
        # transaction block since PostgreSQL 12 (the catalog reader's floor too).
        where = f" BEFORE {_literal(before)}" if before is not None else f" AFTER {_literal(after)}" if after else ""
        return f"ALTER TYPE {type_sql} ADD VALUE IF NOT EXISTS {_literal(label)}{where}"

    def enum_type_ddl(self, type_: Any) -> tuple[Any, Any] | None:
        from sqlalchemy.dialects.postgresql import CreateEnumType, DropEnumType

        return CreateEnumType(type_), DropEnumType(type_)

    def type_change_is_metadata_only(self, live: str, declared: str) -> bool:
        return _metadata_only(live, declared)

    def foreign_key_types_comparable(self, local: str, referenced: str) -> bool:
        return _comparable(local, referenced)

    def skip_foreign_key_validation(self, constraint: Any) -> bool:
        # NOT VALID: new rows are checked, the ones already there are left as they are.
        constraint.dialect_options["postgresql"]["not_valid"] = True
        return True

    def existing_types_and_sequences(self, conn: Connection, schema: str | None) -> tuple[list[str], list[str]]:
        import sqlalchemy as sa

        insp = sa.inspect(conn)
        enums = [e["name"] for e in insp.get_enums(schema=schema if schema is not None else "*")]  # type: ignore[attr-defined]
        return enums, list(insp.get_sequence_names(schema=schema))

    def index_definition(self, conn: Connection, table: str, name: str, schema: str | None) -> str | None:
        import sqlalchemy as sa

        found = conn.execute(sa.text("SELECT pg_get_indexdef(to_regclass(:n))"), {"n": _regclass(conn, name, schema)})
        return found.scalar()

    def referencing_keys(self, conn: Connection, tables: Sequence[str], schema: str | None) -> list[dict[str, Any]]:
        version = conn.dialect.server_version_info or (11,)
        prep = conn.dialect.identifier_preparer
        # conparentid is PostgreSQL 11's (before it, partitions had no keys of their own);
        # ON DELETE SET NULL (columns) is 15's.
        sql = _REFERENCING_KEYS.format(
            own="k.conparentid = 0" if version >= (11,) else "true",
            set_columns=_ATTNAMES.format(nums="k.confdelsetcols", rel="k.conrelid") if version >= (15,) else "NULL",
        )
        rows = conn.exec_driver_sql(sql, {"schema": schema, "tables": list(tables)}).all()
        out = []
        for (nsp, rel, relkind, name, cols, ref_nsp, ref_rel, ref_cols, upd, dele, match, deferrable, deferred,
             set_cols) in rows:
            ondelete = _FK_ACTIONS.get(dele, "NO ACTION")
            if set_cols and ondelete in ("SET NULL", "SET DEFAULT"):
                ondelete += " (" + ", ".join(prep.quote(c) for c in set_cols) + ")"
            out.append({
                "schema": nsp, "table": rel, "name": name, "columns": tuple(cols), "ref_schema": ref_nsp,
                "ref_table": ref_rel, "ref_columns": tuple(ref_cols), "ondelete": ondelete,
                "onupdate": _FK_ACTIONS.get(upd, "NO ACTION"), "deferrable": bool(deferrable),
                "initially_deferred": bool(deferred), "match_full": match == "f", "partitioned": relkind == "p",
            })
        return out

    def row_estimate(self, conn: Connection, table: str, schema: str | None) -> int | None:
        import sqlalchemy as sa

        row = conn.execute(
            sa.text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:name)"),
            {"name": _regclass(conn, table, schema)},
        ).first()
        if row is None or row[0] is None or row[0] < 0:
            return None
        return int(row[0])

    def limit_statement_time(self, conn: Connection, milliseconds: int) -> None:
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(milliseconds)}")


DIALECT = PostgreSQL()


# --- planning ------------------------------------------------------------------------------------

# Column names for an array of column numbers, in the array's order.
_ATTNAMES = (
    "ARRAY(SELECT a.attname FROM unnest({nums}) WITH ORDINALITY u(attnum, i) "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = {rel} AND a.attnum = u.attnum ORDER BY u.i)"
)

# The foreign keys, from any schema, that reference the named tables of the compared schema
# (without one, the tables the search path shows, as the plan's unqualified DROP TABLE finds them).
# {own}: a partition's copy of its parent's key goes with the parent's.
_REFERENCING_KEYS = """
SELECT n.nspname, c.relname, c.relkind, k.conname,
       """ + _ATTNAMES.format(nums="k.conkey", rel="k.conrelid") + """,
       rn.nspname, rt.relname,
       """ + _ATTNAMES.format(nums="k.confkey", rel="k.confrelid") + """,
       k.confupdtype, k.confdeltype, k.confmatchtype, k.condeferrable, k.condeferred,
       {set_columns}
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class rt ON rt.oid = k.confrelid
JOIN pg_catalog.pg_namespace rn ON rn.oid = rt.relnamespace
WHERE k.contype = 'f' AND {own}
  AND rt.relname = ANY(%(tables)s)
  AND CASE WHEN %(schema)s::text IS NULL THEN pg_catalog.pg_table_is_visible(rt.oid)
           ELSE rn.nspname = %(schema)s::text END
ORDER BY n.nspname, c.relname, k.conname
"""


def _literal(text: str | None) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _regclass(conn: Connection, table: str, schema: str | None) -> str:
    prep = conn.dialect.identifier_preparer
    name = prep.quote_identifier(table)
    return f"{prep.quote_identifier(schema)}.{name}" if schema else name


# Type families whose members a foreign key can compare (measured on PostgreSQL 15: a key column
# may reference a column of its own family or, numbers, of a wider one).
_FK_FAMILIES = {
    "SMALLINT": "int", "INTEGER": "int", "BIGINT": "int",
    "NUMERIC": "numeric", "DECIMAL": "numeric",
    "REAL": "float", "DOUBLE PRECISION": "float", "FLOAT": "float",
    "VARCHAR": "text", "CHARACTER VARYING": "text", "TEXT": "text", "CHAR": "text", "CHARACTER": "text",
    "DATE": "datetime", "TIMESTAMP": "datetime", "TIMESTAMPTZ": "datetime",
    "TIMESTAMP WITH TIME ZONE": "datetime", "TIMESTAMP WITHOUT TIME ZONE": "datetime",
    "UUID": "uuid", "BOOLEAN": "boolean",
}
_FK_WIDER = {("int", "numeric"), ("int", "float"), ("numeric", "float")}


def _comparable(local: str, referenced: str) -> bool:
    """Whether PostgreSQL can build a foreign key from a column of type `local` to one of type
    `referenced` (canonical texts). Types outside the known families are given the benefit of
    the doubt: the database decides, and a refusal rolls the sync back."""
    a = _FK_FAMILIES.get(local.split("(")[0].strip().upper())
    b = _FK_FAMILIES.get(referenced.split("(")[0].strip().upper())
    if a is None or b is None:
        return True
    return a == b or (a, b) in _FK_WIDER


def _metadata_only(live: str, declared: str) -> bool:
    """PostgreSQL changes these types in the catalog only, without rewriting the table or its
    indexes: a longer VARCHAR, VARCHAR to TEXT or to an unbounded VARCHAR (binary-coercible)."""
    import re

    def varchar(t: str) -> int | None | bool:  # the length; None unbounded; False not character
        m = re.fullmatch(r"(?:CHARACTER VARYING|VARCHAR)(?:\((\d+)\))?", t.strip().upper())
        if m:
            return int(m.group(1)) if m.group(1) else None
        return t.strip().upper() == "TEXT" and None  # TEXT: unbounded; anything else: False

    old, new = varchar(live), varchar(declared)
    if old is False or new is False:
        return False
    if new is None:  # to TEXT or unbounded VARCHAR
        return True
    return isinstance(old, int) and new >= old
