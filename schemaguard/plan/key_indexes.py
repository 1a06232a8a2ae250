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
  before dropping the new index (which the key would otherwise refuse). Safe mode drops nothing: the
  database drops its own index or keeps one made by hand, and the undo puts it back if it is gone.

The steps are read in the order they run, keeping each table's indexes and keys as they stand, by
their live column names (drops run before renames, index creations after: each step's statements
name the columns as they are when it runs). An index over a prefix of a column (`name(10)`) cannot
serve a key.
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
    columns: tuple[str, ...]  # live names, lowercase
    # made by the database for a key (Dialect.implied_index): it drops it when another index can serve
    made_for_key: bool = False
    # an index over a prefix of a column cannot serve a key
    serves: bool = True


@dataclass
class _Table:
    indexes: list[_Index] = field(default_factory=list)
    keys: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (name, live columns)
    created: set[str] = field(default_factory=set)  # names of the indexes the plan creates here


def keep_keys_indexed(b: Builder, steps: Sequence[Step]) -> None:
    """Rewrite, in place, the index steps after which a foreign key would lose its index."""
    if not b.db.foreign_key_makes_index or b.live_schema is None:
        return
    tables: dict[str, _Table] = {}
    for step in steps:
        effect = step.index_effect
        if effect is None:
            continue
        if effect.live_table not in tables:
            tables[effect.live_table] = _table(b, effect.live_table, steps)
        state = tables[effect.live_table]
        if effect.adds:
            _adding(b, step, effect, state)
        else:
            _dropping(b, step, effect, state)


def _table(b: Builder, name: str, steps: Sequence[Step]) -> _Table:
    """The live table's indexes and keys as they are once the plan's drops of keys have run (those
    run first)."""
    live = b.live_table(name)
    state = _Table()
    if live is None:
        return state

    def low(columns: Sequence[str]) -> tuple[str, ...]:
        return tuple(x.lower() for x in columns)

    dropped = b.foreign_keys_dropped.get(name, {})
    if live.primary_key:
        state.indexes.append(_Index("PRIMARY", low(live.primary_key)))
    state.indexes += [_Index(u.name or "", low(u.columns)) for u in live.uniques]
    for idx in live.indexes:
        if idx.name in dropped.values():
            continue  # went with its key
        state.indexes.append(_Index(idx.name or "", low(idx.columns), serves=not any("(" in o for o in idx.options)))
    state.keys = [(fk.name or "", low(fk.columns)) for fk in live.foreign_keys if fk.name not in dropped]
    for index in state.indexes:
        live_index = next((i for i in live.indexes if i.name == index.name), None)
        index.made_for_key = live_index is not None and b.db.implied_index(live, live_index) and any(
            index.columns == cols and _serving(state.indexes, cols) == [index] for _n, cols in state.keys)
    state.created = {s.index_effect.name.lower() for s in steps
                     if s.index_effect is not None and s.index_effect.adds and s.index_effect.live_table == name}
    return state


def _serving(indexes: Sequence[_Index], key: tuple[str, ...]) -> list[_Index]:
    """The indexes a key can use: whole columns, starting with the key's."""
    return [i for i in indexes if i.serves and i.columns[:len(key)] == key]


def _dropping(b: Builder, step: Step, effect: IndexEffect, state: _Table) -> None:
    left = [i for i in state.indexes if i.name != effect.name]
    adds: list[str] = []
    drops: list[str] = []
    made: list[_Index] = []
    for key_name, key in state.keys:
        if _serving(left + made, key):
            continue
        # The key would be left without an index: one for it is added in the same statement, over
        # the columns as named now (the drops run before the plan's renames).
        taken = {i.name.lower() for i in left + made} | {effect.name.lower()} | state.created
        name = next(n for n in _names_for(key_name, key) if n.lower() not in taken)
        adds.append(_create_index(b, effect, name, _spelled(b, effect.live_table, key, renamed=False)))
        drops.append(_drop_index(b, effect, name))
        made.append(_Index(name, key))
    combined = b.db.one_alter_table([*adds, effect.statement]) if adds else None
    if adds and combined is None:
        return  # left as it is: the database says what it refuses
    state.indexes = left + made
    if combined is not None:
        step.statements = b.online([combined], effect.operation)
        step.undo = [*step.undo, *drops]
        step.details["keeps_foreign_key_index"] = [i.name for i in made]


def _adding(b: Builder, step: Step, effect: IndexEffect, state: _Table) -> None:
    new = tuple(_live_name(b, effect.live_table, x).lower() for x in effect.columns)
    entry = _Index(effect.name, new, serves=not effect.prefix)
    statements = [effect.statement]
    undo_first: list[str] = []
    gone: list[_Index] = []
    replaced: list[str] = []
    for _key_name, key in state.keys:
        if not entry.serves or new[:len(key)] != key:
            continue
        own = [i for i in _serving(state.indexes, key) if i.made_for_key and i not in gone]
        if len(own) != 1 or own[0].name.lower() == effect.name.lower():
            continue
        index = own[0]
        columns = _spelled(b, effect.live_table, index.columns, renamed=True)
        restore = _create_index(b, effect, index.name, columns)
        if _declared_stand_in(b, effect, index.columns, state):
            # A declared index is this one: it stays, dropped and re-added by name (made by hand
            # now, the database keeps it).
            statements[:0] = [_drop_index(b, effect, index.name), restore]
            index.made_for_key = False
        elif b.mode == "safe":
            # Safe mode drops nothing: the database drops its own index or keeps one made by hand;
            # the undo puts it back where it is gone.
            gone.append(index)
            undo_first.append(b.db.create_index_if_missing(restore, b.flavor) or restore)
            replaced.append(index.name)
        else:
            # The new index serves the key instead (what the database does by itself).
            statements.insert(0, _drop_index(b, effect, index.name))
            gone.append(index)
            undo_first.append(restore)
            replaced.append(index.name)
    if len(statements) > 1:
        combined = b.db.one_alter_table(statements)
        if combined is None:
            return
        step.statements = b.online([combined], effect.operation)
    if undo_first:
        together = b.db.one_alter_table([*undo_first, *step.undo]) if b.mode != "safe" else None
        step.undo = [together] if together is not None else [*undo_first, *step.undo]
        step.details["replaces_key_index"] = replaced
    state.indexes = [i for i in state.indexes if i not in gone] + [entry]


def _declared_stand_in(b: Builder, effect: IndexEffect, columns: tuple[str, ...], state: _Table) -> bool:
    """The models declare an index (or unique) over exactly these columns, which the database's own
    index for a key matched: not one this plan creates (that one is not standing on it)."""
    declared = b.tables.get(effect.declared_table) if effect.declared_table else None
    if declared is None:
        return False
    for idx in declared.indexes:
        if idx.name is not None and str(idx.name).lower() in state.created:
            continue
        names = tuple(_live_name(b, effect.live_table, b.col(effect.live_table, getattr(e, "name", ""))).lower()
                      for e in idx.expressions)
        if names == columns:
            return True
    return False


def _live_name(b: Builder, live_table: str, name: str) -> str:
    """The live name of a column named `name` once the plan's renames ran."""
    live = b.live_table(live_table)
    for (table, old), new in b.column_names.items():
        if table == live_table and new.lower() == name.lower() and old.lower() != new.lower() \
                and live is not None and live.column(old) is not None:
            return old
    return name


def _spelled(b: Builder, live_table: str, lowered: tuple[str, ...], *, renamed: bool) -> list[str]:
    """Live column names (kept lowercased) as written: as they are, or after the plan's renames."""
    live = b.live_table(live_table)
    spelled = {c.name.lower(): c.name for c in live.columns} if live else {}
    names = [spelled.get(x, x) for x in lowered]
    return [b.col(live_table, x) for x in names] if renamed else names


def _names_for(key_name: str, key: tuple[str, ...]) -> list[str]:
    """Names Dialect.implied_index reads as a key's own index: the key's, or its first column's."""
    return [n for n in (key_name, key[0], *(f"{key[0]}_{k}" for k in range(2, 100))) if n]


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
