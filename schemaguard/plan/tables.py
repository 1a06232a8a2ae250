"""Whole tables: the missing ones created in dependency order (with their indexes, enum types and
sequences), the extra ones dropped only where the mode allows it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from ..drift.diff import Change
from .builder import Builder
from .naming import rename_table
from .render import copy_tables, single_column, table_key
from .steps import Skipped

if TYPE_CHECKING:
    from sqlalchemy import Table as SATable


def on_table_missing(b: Builder, c: Change) -> None:
    old = c.details.get("renamed_from")
    if old:
        rename_table(b, c, old)
        return
    if c.table is not None:
        b.created.add(c.table)


def on_table_extra(b: Builder, c: Change) -> None:
    b.never("drop_table", c)


def create_tables(b: Builder, names: Iterable[str]) -> None:
    """create_table steps in dependency order; FKs of a cycle are added after all the tables."""
    from sqlalchemy.schema import (
        AddConstraint,
        CreateIndex,
        CreateTable,
        DropConstraint,
        DropIndex,
        DropTable,
        sort_tables_and_constraints,
    )

    wanted = [b.tables[n] for n in names if n in b.tables]
    if not wanted:
        return
    md = copy_tables(b.tables.values(), b.schema)
    copies = [md.tables[table_key(t, b.schema)] for t in wanted]
    wanted_ids = {id(t) for t in copies}
    ordered = _sorted_with_constraints(copies, sort_tables_and_constraints)
    # (None, [fks]) closes the list: keys of a cycle, added once every table exists, unless the
    # database creates them inline all the same.
    later = [f for t, fks in ordered if t is None for f in fks if id(f.table) in wanted_ids]
    deferred = {id(f) for f in later} if not b.db.creates_foreign_keys_inline else set()
    for table, _fkcs in ordered:
        if table is None:
            continue
        inline = [f for f in table.foreign_key_constraints if id(f) not in deferred]
        try:
            sql = b.render.ddl(CreateTable(table, include_foreign_key_constraints=inline))
            seqs, seq_drops = b.sequences(table.columns)
            sql = b.enum_types(table.columns) + seqs + sql
            undo = b.render.ddl(DropTable(table)) + seq_drops + b.enum_drops(b.enums_created)
        except Exception as exc:  # noqa: BLE001 - e.g. a foreign key to a table that exists nowhere
            b.skipped.append(Skipped("create_table", table.name, None,
                                     f"cannot render CREATE TABLE: {str(exc).splitlines()[0]}",
                                     "table_missing"))
            continue
        b.step("create_table", table.name, None, sql, undo=undo)
        for idx in sorted(table.indexes, key=lambda i: str(i.name)):
            b.step("create_index", table.name, single_column(idx), b.render.ddl(CreateIndex(idx)),
                   undo=b.render.ddl(DropIndex(idx)))
    for fkc in later:
        if id(fkc) in deferred:
            b.step("add_foreign_key", fkc.table.name, None, b.render.ddl(AddConstraint(fkc)),
                   undo=b.render.ddl(DropConstraint(fkc)) if fkc.name
                   else "the foreign key has no name to drop it by")


def declared_order(b: Builder) -> list[str]:
    """The declared tables' names, referenced tables first (the models' order when that fails)."""
    from sqlalchemy.schema import sort_tables

    try:
        return [t.name for t in sort_tables(list(b.tables.values()))]
    except Exception:  # noqa: BLE001
        # A foreign key to a table that exists nowhere (ForeignKey("Users.id") with a table
        # users): keep the models' order; that table's CREATE is skipped with the reason.
        return list(b.tables)


def _sorted_with_constraints(tables: list[SATable], sort: Callable[..., Any]) -> list[tuple[Any, list[Any]]]:
    """Tables in dependency order with the keys of cycles last, as SQLAlchemy sorts them; when a
    foreign key cannot be resolved (its target exists nowhere), the given order, every key inline."""
    try:
        return list(sort(tables))
    except SQLAlchemyError:
        return [(t, []) for t in tables] + [(None, [])]
