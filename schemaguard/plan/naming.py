"""Names first: the names each step uses (a renamed table or column has its new name once the
rename ran), the renames themselves, and the naming findings that DDL never fixes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..drift.diff import Change
from .builder import Builder

# Findings that are never fixed with DDL: the model's mapping is what is wrong.
NAMING_KINDS = (
    "table_name_case",
    "column_name_style",
    "foreign_key_target_case",
    "foreign_key_target_missing",
    "mixed_naming_convention",
    "foreign_key_type_mismatch",
)


def resolve_names(b: Builder, changes: Sequence[Change]) -> None:
    """Steps on a renamed table or column use the names it has when they run (the new one in
    alter mode, which renames; the database's in safe mode, which does not)."""
    for c in changes:
        old = c.details.get("renamed_from")
        if c.kind == "table_missing" and old and b.mode == "alter":
            b.table_names[old] = c.table or old
        elif c.kind == "column_missing" and old and c.table is not None and c.column is not None:
            if b.mode == "alter":
                b.column_names[(c.table, old)] = c.column
            else:
                b.column_names[(c.table, c.column)] = old
        elif c.kind == "column_name_style" and c.table is not None:
            b.column_names[(c.table, c.declared.name)] = c.live.name
            b.declared_column_names[(c.table, c.live.name)] = c.declared.name


def skip_naming(b: Builder, c: Change) -> None:
    from ..rules import BY_KIND

    try:
        hint = BY_KIND[c.kind].hint(c)
    except Exception:  # noqa: BLE001 - a hint is a courtesy; the reason stands without it
        hint = "map the model to the database's names"
    b.skip(c.kind, c, f"naming: never fixed with DDL; fix the model's mapping ({hint})")


def rename_table(b: Builder, c: Change, old: str) -> None:
    if b.mode == "safe":
        b.skip("rename_table", c, f"safe mode never renames: rename {old} to {c.table} with --mode alter")
        return
    b.step("rename_table", c.table or "", None,
           b.render.alembic(lambda op: op.rename_table(old, c.table, schema=b.schema_of(c))),
           hazards=["rename_table"],
           undo=lambda op: op.rename_table(c.table, old, schema=b.schema_of(c)))


def rename_column(b: Builder, c: Change, old: str) -> None:
    table = c.table or ""
    if b.mode == "safe":
        b.skip("rename_column", c, f"safe mode never renames: rename {old} to {c.column} with --mode alter")
        return
    new = c.column
    existing: dict[str, Any] = {}
    if b.db.restates_column_on_alter:
        # CHANGE old new restates the whole column: as the database has it.
        found = b.existing_column(table, old)
        if found is None:
            b.skip("rename_column", c, f"the database's definition of {old} could not be read, and "
                   f"{b.db.title} restates the whole column to rename it")
            return
        existing = found
    b.step("rename_column", b.target(table), new,
           b.online(b.render.alembic(lambda op: op.alter_column(
               b.target(table), old, new_column_name=new, schema=b.schema_of(c), **existing)), "rename_column"),
           hazards=["rename_column"],
           undo=lambda op: op.alter_column(b.target(table), new, new_column_name=old, schema=b.schema_of(c),
                                           **existing))
