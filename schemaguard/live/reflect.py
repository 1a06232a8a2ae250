"""The live side: reflect the whole schema in bulk, read-only, and build a Schema."""

from __future__ import annotations

import fnmatch
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..schema.defaults import is_sequence_default
from ..schema.snapshot import Check, Column, ForeignKey, Index, Schema, Table, UniqueConstraint
from .connect import database_error
from .urls import redact

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from .database import Database

# Tables that belong to migration tools or to schemaguard itself, not to the application.
BOOKKEEPING_TABLES = ("alembic_version", "schemaguard_*", "SequelizeMeta", "sqlite_*")


def is_bookkeeping(name: str) -> bool:
    return _matcher(BOOKKEEPING_TABLES)(name) is not None


@lru_cache(maxsize=64)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], re.Match[str] | None]:
    """One compiled expression for a set of fnmatch patterns (case-sensitive, like fnmatchcase):
    asked once per table, thousands of times."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns)).match


def reflect_live(
    bind: Database | Engine | Connection | str,
    *,
    schema: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    include_bookkeeping: bool = False,
    method: str = "auto",
) -> Schema:
    """Reflect the live schema with a constant number of statements, whatever the table count.

    `bind` is the command's Database handle, an Engine or Connection, or a URL. `method`: "catalog"
    reads the catalog with a few hand-written queries where the database's module has such a path
    (schemaguard.dialects.postgresql; PostgreSQL 12+ through psycopg 3); "inspector" uses
    SQLAlchemy's bulk inspector calls (get_multi_*), on every dialect; "auto" (the default) takes
    the catalog path where it is available. Both give the same Schema.
    """
    from .database import Database

    if method not in ("auto", "catalog", "inspector"):
        raise ValueError(f"unknown reflection method {method!r}: use auto, catalog or inspector")
    database = Database.open(bind)
    try:
        with database.read_only() as conn:
            live = _reflect(conn, schema, include, exclude, include_bookkeeping, method)
            facts = database.facts
            # The server's name folding (and MySQL's implicit TIMESTAMP defaults, and whether it
            # records index directions) travel with the snapshot: the diff gets them as data.
            if facts.lower_case_table_names is None:
                return live
            return replace(live, lower_case_table_names=facts.lower_case_table_names,
                           explicit_defaults_for_timestamp=facts.explicit_defaults_for_timestamp,
                           index_directions=facts.index_directions)
    finally:
        if database is not bind:
            database.close()


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

    from ..dialects import dialect_of

    dialect = conn.dialect
    ours = dialect_of(dialect)
    url = conn.engine.url
    if method != "inspector":
        try:
            fast = ours.reflect_catalog(
                conn, schema, lambda name: table_wanted(name, include, exclude, bookkeeping), redact(url)
            )
        except DBAPIError as exc:
            raise database_error(exc, url) from exc
        if fast is not None:
            return fast
        if method == "catalog":
            raise UsageError(
                f"the catalog reflection is not available for {dialect.name}+{dialect.driver} here"
                " (PostgreSQL needs 12 or later through psycopg 3; MySQL a login that can read"
                " information_schema.REFERENTIAL_CONSTRAINTS)",
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
            # SQLite cannot reflect expression indexes; its dialect module reads them (inspected_extras).
            warnings.simplefilter("ignore", SAWarning)
            columns = insp.get_multi_columns(schema=schema, filter_names=names)
            pks = insp.get_multi_pk_constraint(schema=schema, filter_names=names)
            fks: Mapping[Any, list[Any]] = insp.get_multi_foreign_keys(schema=schema, filter_names=names)
            indexes = insp.get_multi_indexes(schema=schema, filter_names=names)
            uniques = insp.get_multi_unique_constraints(schema=schema, filter_names=names)
            checks: Mapping[Any, list[Any]] | None = None
            if ours.compares_checks:
                own_checks = ours.checks_by_table(conn, schema)
                checks = _checks(insp, schema, names) if own_checks is None else {
                    (schema, t): [{"name": k.name, "sqltext": k.expression} for k in ks] for t, ks in own_checks.items()
                }
        expression_indexes, inline_uniques, fks = ours.inspected_extras(conn, fks)
        collations = ours.index_collations(conn, schema)
        own_options = ours.index_element_options(conn, schema)
        generated = ours.generated_columns(conn, schema)
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
                _merge_uniques(uniques.get(key, []), inline_uniques.get(name, [])),
                expression_indexes.get(name, []),
                dialect,
                None if checks is None else checks.get(key, []),
                collations,
                generated,
                own_options,
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


def _checks(insp: Any, schema: str | None, names: list[str]) -> Mapping[Any, list[Any]] | None:
    """The CHECK constraints the inspector reads (SQLite: parsed out of the CREATE TABLE text);
    None where the dialect cannot read them (they are not compared then)."""
    try:
        return insp.get_multi_check_constraints(schema=schema, filter_names=names)  # type: ignore[no-any-return]
    except NotImplementedError:
        return None


def _identity(identity: Mapping[str, Any] | None) -> str | None:
    if not identity:
        return None
    return "always" if identity.get("always") else "by default"


def _generated(table: str, column: Mapping[str, Any], read: Mapping[tuple[str, str], str] | None,
               dialect: Any) -> str | None:
    """A generated column's folded expression: as the dialect module read it where it does (SQLite:
    the inspector's own reading breaks on a table with two of them), else the inspector's."""
    from ..schema.expressions import generated_expression

    if read is not None:
        text = read.get((table, column["name"]))
    else:
        computed = column.get("computed")
        text = computed.get("sqltext") if computed else None
    return generated_expression(str(text), dialect.name) if text is not None else None


def _merge_uniques(
    reflected: Sequence[Mapping[str, Any]], inline: list[tuple[str, ...]]
) -> list[Mapping[str, Any]]:
    seen = {frozenset(u.get("column_names") or ()) for u in reflected}
    extra: list[Mapping[str, Any]] = [
        {"name": None, "column_names": list(cols)} for cols in inline if frozenset(cols) not in seen
    ]
    return list(reflected) + extra


def _table(
    name: str,
    cols: Sequence[Mapping[str, Any]],
    pk: Mapping[str, Any],
    fks: Sequence[Mapping[str, Any]],
    idxs: Sequence[Mapping[str, Any]],
    uqs: Sequence[Mapping[str, Any]],
    extra_indexes: list[Index],
    dialect: Any,
    cks: Sequence[Mapping[str, Any]] | None = None,
    collations: Mapping[tuple[str, str], list[str]] | None = None,
    generated: Mapping[tuple[str, str], str] | None = None,
    own_options: Mapping[tuple[str, str], tuple[str, ...]] | None = None,
) -> Table:
    from ..dialects import dialect_of
    from ..schema.expressions import element_options, normalize_expression

    ours = dialect_of(dialect)
    pk_cols = tuple(pk.get("constrained_columns") or ())
    columns = []
    for c in cols:
        type_text = ours.canonical_type(c["type"], dialect)
        raw_default = c.get("default")
        auto = ours.live_autoincrement(c, pk_cols, type_text)
        columns.append(
            Column(
                name=c["name"],
                type=type_text,
                nullable=bool(c["nullable"]) and c["name"] not in pk_cols,
                default=None if is_sequence_default(raw_default) else ours.normalize_default(raw_default, type_text),
                autoincrement=auto,
                identity=_identity(c.get("identity")),
                generated=_generated(name, c, generated, dialect),
                comment=c.get("comment"),
            )
        )
    # MySQL's inspector reports a UNIQUE KEY both as a unique index and as a unique constraint
    # that names it (duplicates_index): it is one thing, reported as the constraint.
    behind_uniques = {u.get("duplicates_index") for u in uqs} - {None}
    indexes = []
    replaced = {x.name for x in extra_indexes}
    for i in idxs:
        if i.get("duplicates_constraint") or (i.get("unique") and i.get("name") in behind_uniques):
            continue  # the index behind a UNIQUE constraint: reported as the constraint
        if i.get("name") in replaced:
            continue  # read by the dialect module from the index's own SQL
        names = i.get("column_names") or []
        exprs = i.get("expressions") or []
        sorting = i.get("column_sorting") or {}
        ops = (i.get("dialect_options") or {}).get(f"{dialect.name}_ops") or {} if ours.index_operator_classes else {}
        colls = (collations or {}).get((name, i.get("name") or ""), [])
        parts, options = [], []
        for pos, col in enumerate(names):
            if col is not None:
                parts.append(col)
                written = col
            elif pos < len(exprs):
                parts.append(normalize_expression(exprs[pos]))
                written = exprs[pos]
            else:
                continue
            order = sorting.get(written) or ()
            options.append(element_options(
                descending="desc" in order,
                nulls="FIRST" if "nulls_first" in order else ("LAST" if "nulls_last" in order else None),
                collation=(colls[pos] or None) if pos < len(colls) else None,
                opclass=ops.get(written),
            ))
        if not parts:
            continue
        own = (own_options or {}).get((name, i.get("name") or ""))
        if own is not None and len(own) == len(parts):
            options = list(own)  # read by the dialect module (the inspector has no DESC there)
        indexes.append(Index(name=i.get("name"), columns=tuple(parts), unique=bool(i.get("unique")),
                             options=tuple(options) if any(options) else ()))
    indexes.extend(extra_indexes)
    uniques = []
    for u in uqs:
        columns_of = tuple(u.get("column_names") or ())
        own = (own_options or {}).get((name, u.get("name") or ""))
        if own is not None and any(own) and len(own) == len(columns_of):
            # A unique key with a DESC or prefix element (MySQL): a unique index with its options,
            # as the models declare it, so that the options are compared.
            indexes.append(Index(name=u.get("name"), columns=columns_of, unique=True, options=tuple(own)))
        else:
            uniques.append(UniqueConstraint(name=u.get("name"), columns=columns_of))
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
                ondelete=ours.fk_action((opts.get("ondelete") or "NO ACTION").upper()),
                onupdate=ours.fk_action((opts.get("onupdate") or "NO ACTION").upper()),
            )
        )
    return Table(
        name=name,
        columns=tuple(columns),
        primary_key=pk_cols,
        indexes=tuple(sorted(indexes, key=lambda i: (str(i.name), i.columns))),
        uniques=tuple(sorted(uniques, key=lambda u: u.columns)),
        foreign_keys=tuple(sorted(foreign_keys, key=lambda f: f.columns)),
        checks=None if cks is None else tuple(sorted(
            (Check(name=k.get("name"), expression=str(k.get("sqltext") or "")) for k in cks),
            key=lambda k: (k.name or "", k.expression))),
    )
