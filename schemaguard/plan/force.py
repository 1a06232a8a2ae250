"""The force reset: every declared table dropped and created again. The foreign keys of tables
that stay are released first and put back afterwards; tables are dropped in the live keys' order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.schema import AddConstraint, DropConstraint

from ..drift.diff import Change
from .builder import Builder
from .render import action, foreign_key
from .steps import ReferencingKey
from .tables import declared_order


@dataclass
class Reset:
    """The tables a force reset drops and creates again."""

    # The declared tables' names, referenced tables first: the order they are created in.
    ordered: list[str]
    # (declared name, live name) of the tables that exist, referencing tables first.
    drops: list[tuple[str, str]]

    @property
    def declared_name(self) -> dict[str, str]:
        """The dropped tables, live name -> declared name."""
        return {live: name for name, live in self.drops}


def tables_to_reset(b: Builder, changes: Sequence[Change]) -> Reset:
    """The declared tables (as the database names them); extra tables are left alone."""
    missing = {c.table for c in changes if c.kind == "table_missing" and not c.details.get("renamed_from")}
    live_name: dict[str, str] = {}
    for c in changes:
        if c.kind == "table_missing" and c.details.get("renamed_from") and c.table:
            live_name[c.table] = str(c.details["renamed_from"])
        elif c.kind == "table_name_case" and c.declared_table is not None and c.table:
            live_name[c.declared_table.name] = c.table
        elif c.kind == "table_extra":
            b.skip("drop_table", c, "force mode drops and recreates only the declared tables")
    ordered = declared_order(b)
    drops = [(name, live_name.get(name, name)) for name in reversed(ordered) if name not in missing]
    return Reset(ordered, drops)


def release_referencing_keys(b: Builder, reset: Reset) -> list[ReferencingKey]:
    """Where the database refuses to drop a table that a kept table's foreign key references (a
    table the models do not declare, one left out of the comparison, or a table of another
    schema): drop those keys first, as steps of their own, and return them to be put back. SQLite
    drops the table regardless (the sync turns foreign_keys off, so no ON DELETE action fires on
    the kept table's rows)."""
    if not b.db.releases_referencing_keys:
        return []
    declared_name = reset.declared_name
    dropped = set(declared_name)
    if b.live.referencing_keys is not None:
        keys = b.live.referencing_keys(sorted(dropped))
        # The reset drops these tables (in the schema whose tables it drops): their own keys go
        # with them.
        homes = {k.ref_schema for k in keys}
        kept = [k for k in keys if not (k.schema in homes and k.table in dropped)]
    elif b.live_schema is not None:
        # No database to ask (a plan from a snapshot): the keys the live snapshot holds.
        kept = [
            ReferencingKey(table.schema or "", table.name, fk.name, fk.columns, fk.ref_schema or "",
                           fk.ref_table, fk.ref_columns, fk.ondelete, fk.onupdate)
            for table in b.live_schema.tables if table.name not in dropped
            for fk in table.foreign_keys
            if fk.ref_table in dropped and fk.ref_schema in (None, table.schema, b.schema) and fk.name
        ]
    else:
        return []
    for key in kept:
        stub = b.render.ddl(DropConstraint(foreign_key(
            key.name, key.table, _key_schema(b, key, declared_name), list(key.columns), key.ref_table,
            None, list(key.ref_columns))))
        step = b.step("drop_constraint", key.table, key.columns[0] if len(key.columns) == 1 else None,
                      stub, undo="the key is put back by this plan (NOT VALID) after the reset")
        step.details["references"] = key.ref_table
        if key.other_schema:
            step.details["schema"] = key.other_schema
    return kept


def drop_tables(b: Builder, reset: Reset) -> None:
    from sqlalchemy import MetaData, Table
    from sqlalchemy.schema import DropTable

    md = MetaData()
    for name, live in _drop_order(b, reset.drops):
        b.step("drop_table", live, None, b.render.ddl(DropTable(Table(live, md, schema=b.schema_for(name)))),
               hazards=["force_reset", "drop_table"], destructive=True,
               undo="the dropped rows cannot be brought back")


def restore_referencing_keys(b: Builder, kept: list[ReferencingKey], reset: Reset) -> None:
    """The keys of the tables that stay, put back on the new tables without checking the rows
    already there (NOT VALID): the rows they referenced are gone, new rows are checked."""
    declared_name = reset.declared_name
    for key in kept:
        ref_name = declared_name.get(key.ref_table, key.ref_table)
        # The new table's columns have the models' names (`id` where the database said `"Id"`).
        ref_columns = [b.declared_column_names.get((key.ref_table, c), c) for c in key.ref_columns]
        fkc = foreign_key(key.name, key.table, _key_schema(b, key, declared_name), list(key.columns),
                          ref_name, b.schema_for(ref_name), ref_columns,
                          ondelete=action(key.ondelete), onupdate=action(key.onupdate),
                          deferrable=key.deferrable or None,
                          initially="DEFERRED" if key.initially_deferred else None,
                          match="FULL" if key.match_full else None)
        # PostgreSQL refuses NOT VALID on a partitioned table: the key is validated, and fails
        # (rolling the reset back) if the table holds rows that referenced the old rows.
        not_valid = not key.partitioned and b.db.skip_foreign_key_validation(fkc)
        statements = b.render.ddl(AddConstraint(fkc))
        unchecked = None if not_valid or key.partitioned else b.db.unchecked_foreign_key(statements)
        if unchecked is not None:  # MySQL: foreign_key_checks off for the statement
            statements, not_valid = unchecked, True
        step = b.step("add_foreign_key", key.table, key.columns[0] if len(key.columns) == 1 else None,
                      statements, hazards=[] if not_valid else ["add_foreign_key_validating"],
                      undo=b.render.ddl(DropConstraint(fkc)))
        step.details["not_valid"] = not_valid
        if key.other_schema:
            step.details["schema"] = key.other_schema


def _key_schema(b: Builder, key: ReferencingKey, declared_name: Mapping[str, str]) -> str | None:
    """The schema to name a released key's table with: a table of the dropped tables' own
    schema as the plan names those (`schema_for`), another schema's always by name."""
    return key.other_schema or b.schema_for(declared_name.get(key.ref_table, key.ref_table))


def _drop_order(b: Builder, drops: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The drops ordered by the live database's keys (a referencing table before the table it
    references), which may differ from the models' keys; the models' order breaks ties."""
    if b.live_schema is None:
        return drops
    by_live = {live: (name, live) for name, live in drops}
    refs = {t.name: {fk.ref_table for fk in t.foreign_keys if fk.ref_table in by_live and fk.ref_table != t.name}
            for t in b.live_schema.tables if t.name in by_live}
    out: list[tuple[str, str]] = []
    placed: set[str] = set()
    pending = [live for _, live in drops]
    while pending:
        # A table goes once nothing still waiting references it.
        ready = [t for t in pending if not any(t in refs.get(o, set()) for o in pending if o != t)]
        if not ready:  # a cycle in the live keys: keep the models' order for the rest
            ready = pending[:1]
        for t in ready:
            out.append(by_live[t])
            placed.add(t)
        pending = [t for t in pending if t not in placed]
    return out
