"""Foreign keys: dropped (or replaced) where the mode allows it, and added last, only where the
database can hold the key once the rest of the plan ran."""

from __future__ import annotations

from typing import Any

from sqlalchemy.schema import AddConstraint, DropConstraint, DropIndex

from ..drift.diff import Change
from .builder import SAFE_NEVER_ALTERS, SAFE_NEVER_DROPS, Builder
from .render import action, foreign_key, generated_name


def on_foreign_key_missing(b: Builder, c: Change) -> None:
    b.fk_adds.append(c)


def on_foreign_key_extra(b: Builder, c: Change) -> None:
    if b.mode == "safe":
        b.skip("drop_constraint", c, SAFE_NEVER_DROPS)
        return
    _drop(b, c)


def on_foreign_key_mismatch(b: Builder, c: Change) -> None:
    if b.mode == "safe":
        b.skip("drop_constraint", c, SAFE_NEVER_ALTERS + " or constraint")
        return
    before = len(b.steps)
    if _drop(b, c):
        # The old key is dropped only if the new one can be added (see add_keys_that_can_hold).
        b.replaced_fks[id(c)] = b.steps[before:]
        b.fk_adds.append(c)


def add_keys_that_can_hold(b: Builder) -> None:
    """Add each foreign key unless the database would refuse it once the rest of the plan ran: a
    column of the key, or the one it references, is not added; the referenced columns have no
    primary key or unique constraint of their own; the two sides' types cannot be compared.
    A key that replaces the database's one (foreign_key_mismatch) keeps the old one then."""
    for c in b.fk_adds:
        if not _can_hold(b, c):
            for step in b.replaced_fks.pop(id(c), []):
                if step in b.steps:
                    b.steps.remove(step)
            # A table rebuild that would have dropped it is left out too.
            b.drop_from_rebuilds(c)


def _can_hold(b: Builder, c: Change) -> bool:
    table = c.table or ""
    fk = c.declared
    if b.blocked_by_missing_column("add_foreign_key", c, fk.columns):
        return False
    ref_live = str(c.details.get("table") or fk.ref_table)
    ref_declared = list(c.details.get("columns") or fk.ref_columns)
    missing = [x for x in ref_declared if (ref_live, x) in b.not_added or (fk.ref_table, x) in b.not_added]
    if missing:
        b.skip("add_foreign_key", c, f"the column {', '.join(missing)} it references in {fk.ref_table} is not "
               "added by this plan (see above)")
        return False
    live_ref = b.live_table(ref_live)
    requires = None
    if live_ref is not None and fk.ref_table not in b.created:
        ref_cols = frozenset(b.col(ref_live, x) for x in ref_declared)
        keys = [frozenset(live_ref.primary_key)] + [frozenset(u.columns) for u in live_ref.uniques]
        keys += [frozenset(i.columns) for i in live_ref.indexes if i.unique]
        if ref_cols not in keys:
            if (b.target(ref_live), ref_cols) not in b.uniques_added:
                b.skip("add_foreign_key", c, f"{fk.ref_table} ({', '.join(sorted(ref_cols))}) has no primary key "
                       "or unique constraint in the database, and this plan does not add one: the key needs "
                       "one to reference")
                return False
            requires = (b.target(ref_live), ref_cols)
        local_live = b.live_table(table)
        for mine, theirs in zip(fk.columns, ref_declared, strict=False):
            a = _final_type(b, table, local_live, mine, c.declared_table)
            r = _final_type(b, ref_live, live_ref, theirs, None, declared_table_name=fk.ref_table)
            if a and r and not b.db.foreign_key_types_comparable(a, r):
                b.skip("add_foreign_key", c, f"{table}.{mine} ({a}) cannot reference {fk.ref_table}.{theirs} "
                       f"({r}) once this plan ran: {b.db.foreign_key_types_rule}; change one of the types first")
                return False
            ca = _final_collation(b, table, local_live, mine, a)
            cr = _final_collation(b, ref_live, live_ref, theirs, r)
            if ca and cr and ca.lower() != cr.lower():
                b.skip("add_foreign_key", c, f"{table}.{mine} (collation {ca}) cannot reference {fk.ref_table}.{theirs} "
                       f"(collation {cr}): {b.db.title} needs one collation on both sides of a key (errno 150); "
                       "give one of the columns the other's collation first")
                return False
    before = len(b.steps)
    _add(b, c, table)
    if requires is not None and len(b.steps) > before:
        b.steps[-1].requires_unique = requires
    return True


def _final_collation(b: Builder, table: str, live_table: Any, column: str, type_text: str | None) -> str | None:
    """The collation a character column of the key compares by once the plan ran, where the
    database needs one on both sides (LiveLookups.collation); None where it does not matter."""
    import re

    if b.live.collation is None or not type_text:
        return None
    stated = re.search(r"\bCOLLATE\s+(\S+)", type_text, re.IGNORECASE)
    if stated:
        return stated.group(1)
    if not re.match(r"^\s*(?:NATIONAL\s+)?(?:VAR)?CHAR\b", type_text, re.IGNORECASE) or live_table is None:
        return None
    live_name = b.col(table, column)
    if live_table.column(live_name) is not None and (b.target(table), live_name) not in b.type_changed:
        return b.live.collation(table, live_name)
    return b.live.collation(table, None)  # a changed or added column takes the table's default


def _final_type(b: Builder, table: str, live_table: Any, column: str, declared_table: Any,
                declared_table_name: str | None = None) -> str | None:
    """A column's type once the plan ran: the declared one where the plan adds the column or
    changes its type, else the database's."""
    live_name = b.col(table, column)
    live_col = live_table.column(live_name) if live_table is not None else None
    if live_col is not None and (b.target(table), live_name) not in b.type_changed:
        return str(live_col.type) if live_col.type else None
    if declared_table is not None:
        found = declared_table.column(column)
        return str(found.type) if found is not None and found.type else None
    sa_table = b.tables.get(declared_table_name or table)
    if sa_table is None or column not in sa_table.c:
        return None
    from ..dialects import canonical_type

    return canonical_type(sa_table.c[column].type, b.dialect)


def _add(b: Builder, c: Change, table: str) -> None:
    fk = c.declared
    ref_live = str(c.details.get("table") or fk.ref_table)
    ref_cols = [b.col(ref_live, x) for x in (c.details.get("columns") or fk.ref_columns)]
    ref_table = b.target(ref_live)
    local = [b.col(table, x) for x in fk.columns]
    ref_schema = c.details.get("schema") or b.schema_of(c)
    hazards = ["add_foreign_key_validating"] if b.db.validates_new_foreign_keys else []
    if b.db.alters_by_rebuild:
        if any("." in n for n in (*local, *ref_cols, ref_table)):
            # Alembic's batch mode names key columns as "table.column" strings: a dot inside a
            # name is misread, and the key would silently be left out of the rebuilt table.
            b.skip("add_foreign_key", c, f"a table or column name containing '.' cannot be keyed in a {b.db.title} "
                   "table rebuild; add this foreign key by hand")
            return
        b.rebuild(c, "add_foreign_key", c.column,
                  f"add FOREIGN KEY ({', '.join(local)}) REFERENCES {ref_table} ({', '.join(ref_cols)})",
                  apply=lambda batch: batch.create_foreign_key(
                      fk.name or generated_name("fk", b.target(table), [*local, ref_table]),
                      ref_table, local, ref_cols,
                      ondelete=action(fk.ondelete), onupdate=action(fk.onupdate)))
        return
    # Named, so that a downgrade (or a person) can drop it by that name.
    name = fk.name or generated_name("fk", b.target(table), [*local, ref_table])
    fkc = foreign_key(name, b.target(table), b.schema_of(c), local, ref_table, ref_schema, ref_cols,
                      ondelete=action(fk.ondelete), onupdate=action(fk.onupdate))
    undo = b.render.ddl(DropConstraint(fkc))
    if b.db.foreign_key_makes_index and not _indexed(b, table, local):
        # The database makes an index named after the key for it; dropping the key leaves the index.
        from sqlalchemy import Index

        undo += b.render.ddl(DropIndex(Index(name, *[fkc.table.c[n] for n in local])))
    step = b.step("add_foreign_key", b.target(table), c.column, b.render.ddl(AddConstraint(fkc)),
                  hazards=hazards, undo=undo)
    step.references = (b.schema_of(c), tuple(local), ref_schema, ref_table, tuple(ref_cols))


def _indexed(b: Builder, table: str, columns: list[str]) -> bool:
    """An index of the table (the database's, or one this plan adds before the key) starts with the
    key's columns in their order: the database uses it for the key and makes none of its own."""
    live = b.live_table(table)
    leading: list[tuple[str, ...]] = [cols for t, cols in b.indexes_added if t == b.target(table)]
    if live is not None:
        leading += [tuple(live.primary_key)] + [tuple(u.columns) for u in live.uniques]
        leading += [tuple(i.columns) for i in live.indexes if (b.target(table), i.name) not in b.indexes_dropped]
    want = tuple(columns)
    return any(tuple(x.lower() for x in cols[:len(want)]) == tuple(x.lower() for x in want) for cols in leading)


def _drop(b: Builder, c: Change) -> bool:
    name = c.live.name
    if b.db.alters_by_rebuild:
        from .rebuild import omit_foreign_key

        live = c.live
        b.rebuild(c, "drop_constraint", c.column,
                  f"drop FOREIGN KEY ({', '.join(live.columns)}) REFERENCES {live.ref_table}",
                  omit=omit_foreign_key(list(live.columns), live.ref_table, name))
        return True
    if name is None:
        b.skip("drop_constraint", c, "the foreign key has no name")
        return False
    table = b.target(c.table or "")
    live = c.live
    drop = b.online(b.render.alembic(lambda op: op.drop_constraint(name, table, type_="foreignkey",
                                                                    schema=b.schema_of(c))), "drop_foreign_key")
    undo = b.render.ddl(AddConstraint(foreign_key(
        name, table, b.schema_of(c), [b.col(c.table or "", x) for x in live.columns],
        b.target(live.ref_table), live.ref_schema or b.schema_of(c), list(live.ref_columns),
        ondelete=action(live.ondelete), onupdate=action(live.onupdate))))
    own = _own_index(b, c)
    if own is not None:
        # The index the database made for the key stays when the key goes: it goes too (the models
        # do not have it), and the undo puts it back, by its name, before the key that uses it.
        definition = b.live.index_sql(c.table or "", own.name) if b.live.index_sql else None
        if definition is None:
            b.skip("drop_constraint", c, f"the definition of index {own.name}, which the database made for the "
                   "key and which would stay behind, could not be read to restore it")
            return False
        from sqlalchemy import Column, Index, MetaData, Table

        stub = Table(table, MetaData(), *[Column(x) for x in own.columns], schema=b.schema_of(c))
        drop += b.online(b.render.ddl(DropIndex(Index(own.name, *[stub.c[x] for x in own.columns]))), "drop_index")
        undo = [definition, *undo]
        b.indexes_dropped.add((table, own.name))
    step = b.step("drop_constraint", table, c.column, drop, undo=undo)
    step.drops_foreign_key = name
    b.foreign_keys_dropped.setdefault(c.table or "", {})[name] = own.name if own is not None else None
    return True


def _own_index(b: Builder, c: Change) -> Any:
    """The live index the database made for a foreign key being dropped (Dialect.implied_index), when
    no other key of the table keeps using it and the models do not declare it."""
    if not b.db.foreign_key_makes_index:
        return None
    live = b.live_table(c.table or "")
    if live is None:
        return None
    from dataclasses import replace

    others = [fk for fk in live.foreign_keys if fk.name != c.live.name and tuple(fk.columns) == tuple(c.live.columns)]
    if others:
        return None
    alone = replace(live, foreign_keys=(c.live,))
    declared = b.sa_table(c)
    declared_names = {i.name for i in declared.indexes} if declared is not None else set()
    return next((i for i in live.indexes if tuple(i.columns) == tuple(c.live.columns) and i.name
                 and i.name not in declared_names and b.db.implied_index(alone, i)), None)
