"""Indexes and unique constraints: created over the names in effect when they run (never over a
column the plan does not add), dropped with their definition kept for the downgrade."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..drift.diff import Change
from .builder import SAFE_NEVER_DROPS, Builder
from .render import generated_name
from .steps import IndexEffect, Step


def on_index_missing(b: Builder, c: Change) -> None:
    table = c.table or ""
    if b.blocked_by_missing_column("create_index", c, c.declared.columns):
        return
    sa_idx = _find_index(b, c)
    if sa_idx is None:
        b.skip("create_index", c, "the declared index was not found in the models")
        return
    twin = c.details.get("differs_from")
    if b.mode == "safe" and twin is not None and twin.name == sa_idx.name:
        # The live index of that name covers the same elements in another order, collation or
        # operator class: replacing it means dropping it first, which safe mode never does.
        b.skip("create_index", c, f"index {sa_idx.name} exists with other element options; replacing it "
               "drops it first, which safe mode never does (alter mode drops and re-creates it)")
        return
    cols = [_index_element(b, table, e) for e in sa_idx.expressions]
    name = sa_idx.name
    hazards = ["create_index_blocking"] if b.db.index_build_blocks_writes else []
    partial = any(v is not None for k, v in sa_idx.dialect_kwargs.items() if k.endswith("_where"))
    if sa_idx.unique and all(isinstance(x, str) for x in cols) and not partial:
        b.uniques_added.add((b.target(table), frozenset(cols)))
    if all(isinstance(x, str) for x in cols):
        b.indexes_added.add((b.target(table), tuple(cols)))
    # A FULLTEXT or SPATIAL index (a prefix option) is built under a shared lock at best: no clause.
    plain = not any(v for k, v in sa_idx.dialect_kwargs.items() if k.endswith("_prefix"))
    # The prefix lengths of MySQL's elements (mysql_length) belong to the index as declared: without
    # them the index differs again, and one on a TEXT column is refused.
    lengths = {k: v for k, v in sa_idx.dialect_kwargs.items() if k.endswith("_length") and v is not None}
    create = b.render.alembic(lambda op: op.create_index(
        name, b.target(table), cols, unique=bool(sa_idx.unique), schema=b.schema_of(c), **lengths))
    step = b.step("create_index", b.target(table), c.column,
                  b.online(create, "create_index") if plain else create, hazards=hazards,
                  undo=lambda op: op.drop_index(name, table_name=b.target(table), schema=b.schema_of(c)))
    if plain and name and len(create) == 1 and all(isinstance(x, str) for x in cols):
        step.index_effect = IndexEffect(table, name, tuple(cols), True, "create_index", create[0],
                                        b.schema_of(c), _declared_name(c), prefix=bool(lengths))


def _find_index(b: Builder, c: Change) -> Any:
    t = b.sa_table(c)
    if t is None:
        return None
    for idx in t.indexes:
        if c.declared.name is not None and idx.name == c.declared.name:
            return idx
    return None


def _index_element(b: Builder, table: str, expr: Any) -> Any:
    from sqlalchemy import Column, text

    from ..sources.declared import _unordered

    inner = _unordered(expr)
    # A bare column goes by the name in effect; one with DESC, NULLS or COLLATE keeps them (an
    # ascending index is not the one declared), rendered as CREATE INDEX would.
    if inner is expr and isinstance(inner, Column):
        return b.col(table, inner.name)
    if isinstance(inner, str):
        return b.col(table, inner)
    compiler = b.dialect.statement_compiler(b.dialect, None)
    return text(str(compiler.process(expr, include_table=False, literal_binds=True)))


def on_index_extra(b: Builder, c: Change) -> None:
    if b.mode == "safe":
        b.skip("drop_index", c, SAFE_NEVER_DROPS)
        return
    name = c.live.name
    if name is not None and b.db.is_implicit_index(name):
        # A column-level UNIQUE: its automatic index goes with the (unnamed) constraint.
        _drop_unique_in_rebuild(b, c, None)
        return
    if name is None:
        b.skip("drop_index", c, "the index has no name to drop it by")
        return
    table = b.target(c.table or "")
    own = b.live.index_sql(c.table or "", name) if b.live.index_sql else None
    drop = b.render.alembic(lambda op: op.drop_index(name, table_name=table, schema=b.schema_of(c)))
    step = b.step("drop_index", table, c.column, b.online(drop, "drop_index"),
                  undo=[own] if own
                  else f"the database's definition of index {name} could not be read")
    _effect(b, c, step, drop, "drop_index")
    step.details["index"] = name
    b.indexes_dropped.add((table, name))


def on_unique_missing(b: Builder, c: Change) -> None:
    table = c.table or ""
    if b.blocked_by_missing_column("add_unique", c, c.declared.columns):
        return
    cols = [b.col(table, x) for x in c.declared.columns]
    name = c.declared.name or generated_name("uq", b.target(table), cols)
    hazards = ["create_index_blocking"] if b.db.index_build_blocks_writes else []
    if b.db.adds_unique_as_index:
        # The database cannot add a constraint to a table; a unique index enforces the same thing.
        ops: Callable[[Any], None] = lambda op: op.create_index(  # noqa: E731
            name, b.target(table), cols, unique=True, schema=b.schema_of(c))
        undo: Callable[[Any], None] = lambda op: op.drop_index(  # noqa: E731
            name, table_name=b.target(table), schema=b.schema_of(c))
    else:
        ops = lambda op: op.create_unique_constraint(  # noqa: E731
            name, b.target(table), cols, schema=b.schema_of(c))
        undo = lambda op: op.drop_constraint(  # noqa: E731
            name, b.target(table), type_="unique", schema=b.schema_of(c))
    add = b.render.alembic(ops)
    step = b.step("add_unique", b.target(table), c.column, b.online(add, "add_unique"), hazards=hazards, undo=undo)
    if len(add) == 1:
        step.index_effect = IndexEffect(table, name, tuple(cols), True, "add_unique", add[0], b.schema_of(c),
                                        _declared_name(c))
    step.details["columns"] = cols
    b.uniques_added.add((b.target(table), frozenset(cols)))
    b.indexes_added.add((b.target(table), tuple(cols)))
    filled = [(col, b.added_defaults[(b.target(table), col)]) for col in cols
              if (b.target(table), col) in b.added_defaults]
    if filled and len(filled) == len(cols):
        step.same_value_in_every_row = ", ".join(f"{col} = {d}" for col, d in filled)


def on_unique_extra(b: Builder, c: Change) -> None:
    from ..schema.snapshot import Index

    if b.mode == "safe":
        b.skip("drop_constraint", c, SAFE_NEVER_DROPS)
        return
    table = b.target(c.table or "")
    name = c.live.name
    if isinstance(c.live, Index):
        on_index_extra(b, c)
        return
    if b.db.alters_by_rebuild:
        _drop_unique_in_rebuild(b, c, name)
        return
    if name is None:
        b.skip("drop_constraint", c, "the constraint has no name")
        return
    cols = list(c.live.columns)
    drop = b.render.alembic(lambda op: op.drop_constraint(name, table, type_="unique", schema=b.schema_of(c)))
    step = b.step("drop_constraint", table, c.column, b.online(drop, "drop_unique"),
                  undo=lambda op: op.create_unique_constraint(name, table, cols, schema=b.schema_of(c)))
    _effect(b, c, step, drop, "drop_unique")


def _effect(b: Builder, c: Change, step: Step, statements: list[str], operation: str) -> None:
    """The live index a step drops (plan/key_indexes.py keeps every foreign key indexed)."""
    if len(statements) == 1 and c.live.name:
        step.index_effect = IndexEffect(c.table or "", c.live.name, tuple(c.live.columns), False, operation,
                                        statements[0],
                                        b.schema_of(c), _declared_name(c))


def _declared_name(c: Change) -> str | None:
    return c.declared_table.name if c.declared_table is not None else None


def _drop_unique_in_rebuild(b: Builder, c: Change, name: str | None) -> None:
    """A unique constraint dropped by rebuilding its table without it."""
    from .rebuild import omit_unique

    cols = list(c.live.columns)
    b.rebuild(c, "drop_constraint", c.column, f"drop UNIQUE {name + ' ' if name else ''}({', '.join(cols)})",
              omit=omit_unique(cols, name))
