"""What a plan reads from the live database beyond the snapshot, over read-only connections of the
command's one Database handle, opened when the plan first needs them; the database-specific
queries are the dialect's."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .steps import LiveLookups, ReferencingKey

if TYPE_CHECKING:
    from ..live.database import Database


def live_lookups(database: Database, schema: str | None, live: Any = None) -> LiveLookups:
    """LiveLookups over a read-only connection opened when a plan first needs one."""
    import sqlalchemy as sa

    from .rebuild import reader

    dialect = database.dialect

    columns: dict[str, dict[str, Any]] = {}

    def column(table: str, name: str) -> dict[str, Any] | None:
        if table not in columns:
            with database.read_only() as conn:
                columns[table] = {str(c["name"]): dict(c) for c in sa.inspect(conn).get_columns(table, schema=schema)}
        found = columns[table].get(name)
        if found is None:  # column names are case-blind on some databases (MySQL)
            found = next((c for n, c in columns[table].items() if n.lower() == name.lower()), None)
        return found

    def column_type(table: str, name: str) -> Any:
        found = column(table, name)
        return found["type"] if found is not None else None

    def index_sql(table: str, name: str) -> str | None:
        with database.read_only() as conn:
            return dialect.index_definition(conn, table, name, schema)

    def has_rows(table: str) -> bool | None:
        """One row is enough to know (LIMIT 1, not a count); None when it cannot be read in 2 s."""
        from sqlalchemy.exc import DBAPIError

        with database.read_only() as conn:
            dialect.limit_statement_time(conn, 2000)
            try:
                found = conn.execute(sa.select(sa.literal(1)).select_from(sa.table(table, schema=schema)).limit(1)).first()
            except DBAPIError:
                return None
            return found is not None

    def referencing_keys(tables: Sequence[str]) -> list[ReferencingKey]:
        with database.read_only() as conn:
            found = dialect.referencing_keys(conn, tables, schema)
        return [ReferencingKey(**key) for key in found]

    def check_violations(table: str, expression: str) -> int | None:
        from .measuring import count_check_violations

        return count_check_violations(database, table, expression, schema)

    collations: dict[tuple[str, str | None], str] | None = None  # read once, when first asked

    def collation(table: str, name: str | None) -> str | None:
        nonlocal collations
        if collations is None:
            with database.read_only() as conn:
                collations = dialect.collations(conn, schema)
        if name is None:
            return collations.get((table, None)) or None
        found = collations.get((table, name))
        if found is None:  # column names are case-blind where collations matter (MySQL)
            found = next((v for (t, n), v in collations.items() if t == table and n is not None
                          and n.lower() == name.lower()), None)
        return found

    return LiveLookups(
        collation=collation if dialect.foreign_key_needs_one_collation else None,
        check_violations=check_violations,
        rebuild_source=reader(database, schema, live) if dialect.alters_by_rebuild else None,
        column_type=column_type,
        column=column,
        index_sql=index_sql,
        has_rows=has_rows,
        referencing_keys=referencing_keys if dialect.releases_referencing_keys else None,
    )


def existing_types_and_sequences(database: Database, schema: str | None) -> tuple[list[str], list[str]]:
    """Names of the enum types and the sequences the database has (read-only), where enums are
    types of their own: the plan creates only the ones that are missing."""
    dialect = database.dialect
    if not dialect.native_enum_types:
        return [], []
    with database.read_only() as conn:
        return dialect.existing_types_and_sequences(conn, schema)
