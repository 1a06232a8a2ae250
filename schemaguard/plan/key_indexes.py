"""Every foreign key keeps an index, where the database makes and drops a key's index by itself
(InnoDB: Dialect.foreign_key_makes_index).

InnoDB needs an index that starts with a key's columns at every moment. It makes one for a key
that has none (named after the key or its first column), and drops that index of its own accord
when an index is created that can stand in for it. Two plan steps go wrong on that:

- dropping the only index a key uses is refused (error 1553, "needed in a foreign key constraint"):
  the step adds an index for the key in the same ALTER TABLE, and its undo drops it again;
- creating an index that leads with a key's columns silently drops the key's own index. Where a
  declared index stood in for that one (the same columns), it would now be missing: the step drops
  and re-adds it by name in the same ALTER TABLE (an index made by hand stays). Otherwise the step
  drops it explicitly, so that the outcome does not depend on who made it, and its undo puts it back
  before dropping the new index (which the key would otherwise refuse).

The steps are read in the order they run, keeping each table's indexes and keys as they stand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .builder import Builder
from .steps import IndexEffect, Step


@dataclass
class _Index:
    name: str
    columns: tuple[str, ...]  # lowercase, as named when the steps run
    unique: bool = False
    # made by the database for a key (Dialect.implied_index): it drops it when another index can serve
    made_for_key: bool = False


@dataclass
class _Table:
    indexes: list[_Index] = field(default_factory=list)
    keys: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (name, columns)


def keep_keys_indexed(b: Builder, steps: Sequence[Step]) -> None:
    """Rewrite, in place, the index steps after which a foreign key would lose its index."""
    if not b.db.foreign_key_makes_index or b.live_schema is None:
        return
    tables: dict[str, _Table] = {}
    for step in steps:
        effect = step.index_effect
        if effect is None:
            continue
        state = tables.get(effect.live_table) or tables.setdefault(effect.live_table, _table(b, effect.live_table))
        if effect.adds:
            _adding(b, step, effect, state)
        else:
            _dropping(b, step, effect, state)


def _table(b: Builder, name: str) -> _Table:
    """The live table's indexes and keys as they are once the plan's drops of keys have run (those
    run first), with every column as named when the index steps run."""
    live = b.live_table(name)
    state = _Table()
    if live is None:
        return state

    def now(columns: Sequence[str]) -> tuple[str, ...]:
        return tuple(b.col(name, x).lower() for x in columns)

    dropped = b.foreign_keys_dropped.get(name, {})
    if live.primary_key:
        state.indexes.append(_Index("PRIMARY", now(live.primary_key), unique=True))
    state.indexes += [_Index(u.name or "", now(u.columns), unique=True) for u in live.uniques]
    for idx in live.indexes:
        if idx.name in dropped.values():
            continue  # went with its key
        state.indexes.append(_Index(idx.name or "", now(idx.columns), unique=bool(idx.unique)))
    state.keys = [(fk.name or "", now(fk.columns)) for fk in live.foreign_keys if fk.name not in dropped]
    for index in state.indexes:
        live_index = next((i for i in live.indexes if i.name == index.name), None)
        index.made_for_key = live_index is not None and b.db.implied_index(live, live_index) and any(
            index.columns == cols and _serving(state, cols) == [index] for _n, cols in state.keys)
    return state


def _serving(state: _Table, key: tuple[str, ...]) -> list[_Index]:
    """The indexes a key can use: those that start with its columns."""
    return [i for i in state.indexes if i.columns[:len(key)] == key]


def _dropping(b: Builder, step: Step, effect: IndexEffect, state: _Table) -> None:
    state.indexes = [i for i in state.indexes if i.name != effect.name]
    adds: list[str] = []
    drops: list[str] = []
    for key_name, key in state.keys:
        if _serving(state, key):
            continue
        # The key would be left without an index: one for it is added in the same statement.
        taken = {i.name.lower() for i in state.indexes} | {effect.name.lower()}
        name = next(n for n in _names_for(key_name, key) if n.lower() not in taken)
        adds.append(_create_index(b, effect, name, _columns_in_effect(b, effect.live_table, key)))
        drops.append(_drop_index(b, effect, name))
        state.indexes.append(_Index(name, key))
    if not adds:
        return
    combined = b.db.one_alter_table([*adds, effect.statement])
    if combined is not None:
        step.statements = b.online([combined], effect.operation)
        step.undo = [*step.undo, *drops]
        step.details["keeps_foreign_key_index"] = [_name_of(a) for a in adds]


def _adding(b: Builder, step: Step, effect: IndexEffect, state: _Table) -> None:
    new = tuple(x.lower() for x in effect.columns)
    statements = [effect.statement]
    undo_first: list[str] = []
    for _key_name, key in state.keys:
        if new[:len(key)] != key:
            continue
        own = [i for i in _serving(state, key) if i.made_for_key]
        if len(own) != 1 or own[0].name.lower() == effect.name.lower():
            continue
        index = own[0]
        columns = _columns_in_effect(b, effect.live_table, index.columns)
        # The database would drop it now: drop it here, whoever made it.
        statements.insert(0, _drop_index(b, effect, index.name))
        if _declared_stand_in(b, effect, index.columns):
            # A declared index is this one: it stays, re-added by name (made by hand now, it stays).
            statements.insert(1, _create_index(b, effect, index.name, columns))
            index.made_for_key = False
        else:
            # The new index serves the key instead (what InnoDB does by itself); said in the plan.
            state.indexes.remove(index)
            undo_first.append(_create_index(b, effect, index.name, columns))
            step.details.setdefault("replaces_key_index", []).append(index.name)
    if len(statements) == 1:
        state.indexes.append(_Index(effect.name, new, unique=False))
        return
    combined = b.db.one_alter_table(statements)
    if combined is None:
        return
    step.statements = b.online([combined], effect.operation)
    if undo_first:
        undone = b.db.one_alter_table([*undo_first, *step.undo])
        step.undo = [undone] if undone is not None else [*undo_first, *step.undo]
    state.indexes.append(_Index(effect.name, new, unique=False))


def _declared_stand_in(b: Builder, effect: IndexEffect, columns: tuple[str, ...]) -> bool:
    """The models declare an index (or unique) over exactly these columns, which the database's own
    index for a key matched."""
    declared = b.tables.get(effect.declared_table) if effect.declared_table else None
    if declared is None:
        return False
    for idx in declared.indexes:
        names = tuple(b.col(effect.live_table, getattr(e, "name", "")).lower() for e in idx.expressions)
        if names == columns:
            return True
    return False


def _name_of(create: str) -> str:
    return create.split(" ON ")[0].split()[-1].strip("`")


def _names_for(key_name: str, key: tuple[str, ...]) -> list[str]:
    """Names Dialect.implied_index reads as a key's own index: the key's, or its first column's."""
    return [n for n in (key_name, key[0], *(f"{key[0]}_{k}" for k in range(2, 100))) if n]


def _columns_in_effect(b: Builder, live_table: str, lowered: tuple[str, ...]) -> list[str]:
    """The columns' names as written (the state keeps them lowercased)."""
    live = b.live_table(live_table)
    spelled = {b.col(live_table, c.name).lower(): b.col(live_table, c.name) for c in live.columns} if live else {}
    return [spelled.get(x, x) for x in lowered]


def _stub(b: Builder, effect: IndexEffect, columns: Sequence[str]) -> Any:
    from sqlalchemy import Column, MetaData, Table

    return Table(b.target(effect.live_table), MetaData(), *[Column(x) for x in columns], schema=effect.schema)


def _create_index(b: Builder, effect: IndexEffect, name: str, columns: Sequence[str]) -> str:
    from sqlalchemy import Index
    from sqlalchemy.schema import CreateIndex

    stub = _stub(b, effect, columns)
    return b.render.ddl(CreateIndex(Index(name, *[stub.c[x] for x in columns])))[0]


def _drop_index(b: Builder, effect: IndexEffect, name: str) -> str:
    from sqlalchemy import Index
    from sqlalchemy.schema import DropIndex

    stub = _stub(b, effect, ["x"])
    return b.render.ddl(DropIndex(Index(name, stub.c.x)))[0]
