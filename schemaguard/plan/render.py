"""DDL rendered by SQLAlchemy's compiler and Alembic's offline operations, and the SQLAlchemy
objects the steps render: bare columns, copied tables, foreign keys between stub tables."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import MetaData
    from sqlalchemy import Table as SATable
    from sqlalchemy.engine import Dialect as SADialect


class Collect:
    """An Alembic offline output buffer that keeps each statement apart."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def write(self, text: str) -> None:
        text = "\n".join(line.rstrip() for line in text.strip().splitlines())
        if text:
            self.items.append(text.removesuffix(";").rstrip())

    def flush(self) -> None:
        pass


class Renderer:
    def __init__(self, dialect: SADialect) -> None:
        self.dialect = dialect

    def ddl(self, construct: Any) -> list[str]:
        text = str(construct.compile(dialect=self.dialect)).strip().removesuffix(";").rstrip()
        # Only whitespace is touched: SQLAlchemy indents with tabs and leaves spaces at line ends.
        return ["\n".join(line.rstrip() for line in text.replace("\t", "    ").splitlines())]

    def alembic(self, call: Callable[[Any], None]) -> list[str]:
        from alembic.migration import MigrationContext
        from alembic.operations import Operations

        buf = Collect()
        ctx = MigrationContext.configure(
            dialect_name=self.dialect.name, opts={"as_sql": True, "output_buffer": buf}
        )
        call(Operations(ctx))
        return buf.items


def bare_column(col: Any) -> Any:
    """A copy of a declared column for ADD COLUMN, without its keys and indexes: those are separate
    steps of the plan (foreign key, unique, index), so they are never created twice."""
    from sqlalchemy import Column

    default = col.server_default
    # A generated column stays generated, an identity column an identity (never added as a plain
    # column that the application would then have to fill).
    extra = [item._copy() for item in (col.computed, col.identity) if item is not None]
    return Column(
        col.name,
        col.type,
        *extra,
        nullable=col.nullable,
        server_default=default.arg if default is not None and hasattr(default, "arg") and col.computed is None else None,
        comment=col.comment,
    )


def copy_tables(tables: Iterable[SATable], schema: str | None) -> MetaData:
    """The declared tables copied into one MetaData (in `schema` when one is given), so that foreign
    keys between them resolve and the declared models are never modified."""
    from sqlalchemy import MetaData

    md = MetaData()
    for t in tables:
        if schema is not None:
            t.to_metadata(md, schema=schema)
        else:
            t.to_metadata(md)
    return md


def table_key(table: SATable, schema: str | None) -> str:
    s = schema if schema is not None else table.schema
    return f"{s}.{table.name}" if s else table.name


def single_column(idx: Any) -> str | None:
    cols = [e for e in idx.expressions if hasattr(e, "name")]
    return cols[0].name if len(idx.expressions) == 1 and cols else None


def foreign_key(name: str | None, table: str, schema: str | None, columns: Sequence[str], ref_table: str,
                ref_schema: str | None, ref_columns: Sequence[str], **options: Any) -> Any:
    """A ForeignKeyConstraint between stub tables, built from Column objects: SQLAlchemy and
    Alembic read "table.column" strings, which a dot inside a name would break."""
    from sqlalchemy import Column, ForeignKeyConstraint, MetaData, Table

    md = MetaData()
    local = Table(table, md, *[Column(n) for n in columns], schema=schema)
    if (ref_table, ref_schema) == (table, schema):
        remote = local
        for n in ref_columns:
            if n not in remote.c:
                remote.append_column(Column(n))
    else:
        remote = Table(ref_table, md, *[Column(n) for n in ref_columns], schema=ref_schema)
    fkc = ForeignKeyConstraint([local.c[n] for n in columns], [remote.c[n] for n in ref_columns], name=name,
                               **{k: v for k, v in options.items() if v is not None})
    local.append_constraint(fkc)
    return fkc


def action(action: str) -> str | None:
    """An ON DELETE/ON UPDATE action as SQLAlchemy takes it (NO ACTION: none written)."""
    return None if action == "NO ACTION" else action


def generated_name(prefix: str, table: str, columns: Sequence[str]) -> str:
    return f"{prefix}_{table}_{'_'.join(columns)}"[:63]
