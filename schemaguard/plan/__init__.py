"""Plans: the diff's changes turned into ordered, hazard-annotated DDL steps for one sync mode.

SQL is rendered by SQLAlchemy's DDL compiler (CREATE/DROP TABLE, CREATE INDEX) and by Alembic
operations in offline mode (column and constraint changes), never by formatting strings; the
columns, types and defaults come from the declared MetaData, not from the snapshot's type text.
Nothing here touches a database: `build_plan` is pure, `make_plan` reflects read-only as `check`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import AddConstraint, DropConstraint

from ..drift.diff import Change
from ..errors import UsageError
from ..schema.types import is_narrowing

if TYPE_CHECKING:
    from sqlalchemy import MetaData
    from sqlalchemy import Table as SATable
    from sqlalchemy.engine import Dialect, Engine

MODES = ("safe", "alter", "force")

# Findings that are never fixed with DDL: the model's mapping is what is wrong.
NAMING_KINDS = (
    "table_name_case",
    "column_name_style",
    "foreign_key_target_case",
    "foreign_key_target_missing",
    "mixed_naming_convention",
    "foreign_key_type_mismatch",
)

# Migra-style phases: the order steps run in, whatever order the changes came in.
PHASES = (
    "drop_constraint",  # drop_constraint and drop_index
    "drop_table",
    "create_table",
    "rename",  # rename_table before rename_column: columns are renamed in the table's new name
    "add_column",
    "alter_column",
    "create_index",
    "add_unique",
    "add_foreign_key",
)
_PHASE_OF = {
    "drop_constraint": "drop_constraint",
    "drop_index": "drop_constraint",
    "drop_table": "drop_table",
    "create_table": "create_table",
    "rename_table": "rename",
    "rename_column": "rename",
    "add_column": "add_column",
    "alter_column": "alter_column",
    "create_index": "create_index",
    "add_unique": "add_unique",
    "add_foreign_key": "add_foreign_key",
}

SAFE_NEVER_DROPS = "destructive: safe mode never drops"
SAFE_NEVER_ALTERS = "safe mode never alters an existing column"
ALTER_NEVER_DESTROYS = "destructive: alter mode never runs destructive steps"
SQLITE_REBUILD = "SQLite needs a table rebuild"
# Kinds a rebuild step is named after, most telling first.
_REBUILD_KINDS = ("alter_column", "add_foreign_key", "drop_constraint", "add_column")


@dataclass
class Step:
    """One DDL step. `statements` are the SQL statements without their terminator."""

    kind: str
    table: str
    column: str | None
    statements: list[str]
    destructive: bool = False
    hazards: list[str] = field(default_factory=list)
    # Data-aware numbers measured on the live database (see measure()): "rows" a drop loses,
    # "nulls" that make SET NOT NULL fail, and whether a number is the catalog's "estimate".
    details: dict[str, Any] = field(default_factory=dict)
    # The statements that undo this step (an Alembic revision's downgrade), or why it cannot be.
    undo: list[str] = field(default_factory=list, repr=False)
    irreversible: str | None = field(default=None, repr=False)
    # add_unique over a column this plan adds with a default: every existing row gets the same
    # value, so the step fails on a table with two rows or more (measure() checks, and skips it).
    same_value_in_every_row: str | None = field(default=None, repr=False)
    # add_foreign_key over columns whose only unique constraint an add_unique of this plan makes:
    # (table, columns) of that constraint (measure() skips the key when it skips the constraint).
    requires_unique: tuple[str, frozenset[str]] | None = field(default=None, repr=False)

    @property
    def sql(self) -> str:
        return "\n".join(s + ";" for s in self.statements)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "table": self.table,
            "column": self.column,
            "sql": self.sql,
            "destructive": self.destructive,
            "hazards": list(self.hazards),
        }
        if self.details:
            out["details"] = dict(self.details)
        return out


@dataclass
class Skipped:
    """A change the mode will not make, and why. `finding` is the finding kind it leaves behind."""

    kind: str
    table: str | None
    column: str | None
    reason: str
    finding: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "table": self.table, "column": self.column, "reason": self.reason}


@dataclass
class Plan:
    mode: str
    dialect: str
    steps: list[Step] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    database: str = ""
    # The two sides that were compared (for reports that draw them, such as the ER diagram).
    declared: Any = field(default=None, repr=False)
    live: Any = field(default=None, repr=False)

    def to_dict(self, environment: str = "production", allowed: bool = True) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "environment": environment,
            "allowed": allowed,
            "steps": [s.to_dict() for s in self.steps],
            "skipped": [s.to_dict() for s in self.skipped],
        }

    @property
    def statements(self) -> list[str]:
        return [stmt for s in self.steps for stmt in s.statements]


@dataclass(frozen=True)
class ReferencingKey:
    """A PostgreSQL foreign key that references a table of the compared schema, as the catalog has
    it: the referencing table's schema and name, and everything needed to put the key back."""

    schema: str
    table: str
    name: str
    columns: tuple[str, ...]
    ref_schema: str
    ref_table: str
    ref_columns: tuple[str, ...]
    ondelete: str = "NO ACTION"
    onupdate: str = "NO ACTION"
    deferrable: bool = False
    initially_deferred: bool = False
    match_full: bool = False
    # The referencing table is partitioned: PostgreSQL cannot add a NOT VALID key to it.
    partitioned: bool = False

    @property
    def other_schema(self) -> str | None:
        """The referencing table's schema when it is not the referenced tables' own."""
        return self.schema if self.schema not in ("", self.ref_schema) else None


@dataclass
class LiveLookups:
    """What a plan reads from the live database beyond the snapshot, when it has one: a table to
    rebuild (SQLite), a column's type as SQLAlchemy reflects it and an index's own CREATE
    statement (both for the downgrade of an Alembic revision)."""

    rebuild_source: Callable[[str], Any] | None = None
    column_type: Callable[[str, str], Any] | None = None
    index_sql: Callable[[str, str], str | None] | None = None
    # Whether a table has rows (True/False), None when that cannot be had quickly.
    has_rows: Callable[[str], bool | None] | None = None
    # PostgreSQL: every foreign key, from any schema, that references one of these tables of the
    # compared schema (a force reset must release the ones whose tables it keeps).
    referencing_keys: Callable[[Sequence[str]], list[ReferencingKey]] | None = None


# --- rendering -------------------------------------------------------------------------------


class _Collect:
    """An Alembic offline output buffer that keeps each statement apart."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def write(self, text: str) -> None:
        text = "\n".join(line.rstrip() for line in text.strip().splitlines())
        if text:
            self.items.append(text.removesuffix(";").rstrip())

    def flush(self) -> None:
        pass


class _Renderer:
    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    def ddl(self, construct: Any) -> list[str]:
        text = str(construct.compile(dialect=self.dialect)).strip().removesuffix(";").rstrip()
        # Only whitespace is touched: SQLAlchemy indents with tabs and leaves spaces at line ends.
        return ["\n".join(line.rstrip() for line in text.replace("\t", "    ").splitlines())]

    def alembic(self, call: Callable[[Any], None]) -> list[str]:
        from alembic.migration import MigrationContext
        from alembic.operations import Operations

        buf = _Collect()
        ctx = MigrationContext.configure(
            dialect_name=self.dialect.name, opts={"as_sql": True, "output_buffer": buf}
        )
        call(Operations(ctx))
        return buf.items


# --- the plan --------------------------------------------------------------------------------


class _Builder:
    def __init__(
        self,
        mode: str,
        dialect: Dialect,
        tables: Mapping[str, SATable],
        schema: str | None,
        existing_types: Iterable[str] = (),
        live: LiveLookups | None = None,
        existing_sequences: Iterable[str] = (),
        live_schema: Any = None,
    ) -> None:
        self.mode = mode
        # The live Schema (snapshot): its keys decide what a force reset must release first.
        self.live_schema = live_schema
        # PostgreSQL sequences that exist (or that an earlier step of this plan creates).
        self.sequences_present: set[str] = set(existing_sequences)
        # SQLite: live table name -> the changes its rebuild makes (see schemaguard.plan.rebuild).
        self.rebuilds: dict[str, list[Any]] = {}
        self.live = live or LiveLookups()
        self.rebuild_source = self.live.rebuild_source
        # the enum types the last enum_types() call creates (dropped again by the step's undo)
        self.enums_created: list[Any] = []
        # PostgreSQL enum types that exist (or that an earlier step of this plan creates).
        self.types_present: set[str] = set(existing_types)
        self.dialect = dialect
        self.pg = dialect.name == "postgresql"
        self.sqlite = dialect.name == "sqlite"
        self.tables = tables
        self.schema = schema
        self.render = _Renderer(dialect)
        self.steps: list[Step] = []
        self.skipped: list[Skipped] = []
        self.created: set[str] = set()
        # live table name -> the name it has once the plan's renames ran
        self.table_names: dict[str, str] = {}
        # (live table, live column) -> the models' name, where the two differ only in style
        self.declared_column_names: dict[tuple[str, str], str] = {}
        # (live table name, declared column name) -> the column's name when its step runs
        self.column_names: dict[tuple[str, str], str] = {}
        # (live table name, declared column name) of missing columns this plan does not add
        self.not_added: set[tuple[str, str]] = set()
        # Foreign keys to add, decided once every other change is planned (they depend on the
        # columns, types and unique constraints the rest of the plan leaves).
        self.fk_adds: list[Change] = []
        # foreign_key_mismatch: the steps that drop the database's key, by id of the change.
        self.replaced_fks: dict[int, list[Step]] = {}
        # (table, column) whose type this plan changes to the declared one.
        self.type_changed: set[tuple[str, str]] = set()
        # (table, columns) of the unique constraints and unique indexes this plan adds.
        self.uniques_added: set[tuple[str, frozenset[str]]] = set()
        # (table, column) -> the Column an add_column step adds (folded into a rebuild on SQLite)
        self.added_columns: dict[tuple[str, str], Any] = {}
        # (table, column) -> the default an added column gives every existing row
        self.added_defaults: dict[tuple[str, str], str] = {}

    # helpers
    def step(self, kind: str, table: str, column: str | None, statements: list[str],
             hazards: Iterable[str] = (), destructive: bool = False,
             undo: Callable[[Any], None] | list[str] | str | None = None) -> Step:
        """Add a step. `undo` is how to reverse it: Alembic operations (rendered like the step),
        ready statements, or a string saying why it cannot be reversed."""
        step = Step(kind, table, column, statements, destructive, list(hazards))
        if isinstance(undo, str) or undo is None:
            step.irreversible = undo or "schemaguard does not know how to reverse this step"
        elif isinstance(undo, list):
            step.undo = undo
        else:
            try:
                step.undo = self.render.alembic(undo)
            except Exception as exc:  # noqa: BLE001 - a downgrade is a courtesy; the step stands
                step.irreversible = f"cannot render its reverse: {str(exc).splitlines()[0]}"
        self.steps.append(step)
        return step

    def skip(self, kind: str, c: Change, reason: str, column: str | None = None) -> None:
        # Named as the table will be named once the plan's renames ran (what a check finds then).
        table = self.target(c.table) if c.table is not None else None
        self.skipped.append(Skipped(kind, table, column if column is not None else c.column, reason, c.kind))
        if kind == "add_column" and c.table and c.declared is not None:
            self.not_added.add((c.table, c.declared.name))

    def blocked_by_missing_column(self, kind: str, c: Change, columns: Iterable[str]) -> bool:
        """Skip an index, unique or key over a column that this plan does not add: creating it
        would fail (PostgreSQL) or, worse, index a string constant (SQLite)."""
        missing = [col for col in columns if (c.table or "", col) in self.not_added]
        if missing:
            self.skip(kind, c, f"its column {', '.join(missing)} is not added by this plan (see above)")
        return bool(missing)

    def enum_types(self, columns: Iterable[Any]) -> list[str]:
        """CREATE TYPE for the native enums the columns use that the database does not have yet:
        CREATE TABLE does not create them (create_all does it in a separate event)."""
        if not self.pg:
            return []
        from sqlalchemy import Enum
        from sqlalchemy.dialects.postgresql import CreateEnumType

        out: list[str] = []
        self.enums_created = []
        for col in columns:
            t = col.type
            if isinstance(t, Enum) and t.native_enum and t.name and t.name not in self.types_present:
                self.types_present.add(t.name)
                self.enums_created.append(t)
                out.extend(self.render.ddl(CreateEnumType(t)))
        return out

    def sequences(self, columns: Iterable[Any]) -> tuple[list[str], list[str]]:
        """CREATE SEQUENCE for the explicit `Sequence()` defaults of the columns that the database
        lacks (CREATE TABLE does not create them; create_all does, in a separate event), and the
        DROP SEQUENCE statements that undo them."""
        from sqlalchemy import Sequence
        from sqlalchemy.schema import CreateSequence, DropSequence

        if not self.dialect.supports_sequences:
            return [], []
        up: list[str] = []
        down: list[str] = []
        for col in columns:
            seq = col.default
            if not isinstance(seq, Sequence) or (seq.optional and self.dialect.sequences_optional):
                continue
            if seq.name in self.sequences_present:
                continue
            self.sequences_present.add(seq.name)
            up += self.render.ddl(CreateSequence(seq))
            down += self.render.ddl(DropSequence(seq))
        return up, down

    def enum_drops(self, types: Iterable[Any]) -> list[str]:
        from sqlalchemy.dialects.postgresql import DropEnumType

        return [stmt for t in types for stmt in self.render.ddl(DropEnumType(t))]

    def rebuild(self, c: Change, kind: str, column: str | None, what: str, *, hazards: Iterable[str] = (),
                apply: Callable[[Any], None] | None = None, omit: Callable[[Any], None] | None = None) -> None:
        """A change SQLite makes only by rebuilding the table: collected per table, rendered in finish()."""
        from .rebuild import Op

        self.rebuilds.setdefault(c.table or "", []).append(Op(kind, column, what, list(hazards), apply, omit, c))

    def drop_from_rebuilds(self, c: Change) -> None:
        """Take a change's operations out of the SQLite rebuilds (its key is kept as it is)."""
        for table, ops in list(self.rebuilds.items()):
            kept = [op for op in ops if op.change is not c]
            if kept:
                self.rebuilds[table] = kept
            else:
                del self.rebuilds[table]

    def finish_rebuilds(self) -> None:
        """One rebuild step per SQLite table, holding every change to that table that needs it and
        the table's other column additions (a rebuild copies the table as it was read)."""
        from .rebuild import Op, Source, render

        for live_table, ops in self.rebuilds.items():
            target = self.target(live_table)
            reason: str | None = None
            if target != live_table:
                reason = f"this plan also renames the table to {target}; sync again after the rename"
            elif any(s.kind == "rename_column" and s.table == target for s in self.steps):
                reason = "this plan also renames columns of the table; sync again after the renames"
            elif self.rebuild_source is None:
                reason = "the table can only be read for a rebuild from a live database"
            src = self.rebuild_source(live_table) if reason is None and self.rebuild_source else None
            if isinstance(src, str):
                reason = src
            if reason is not None or not isinstance(src, Source):
                for op in ops:
                    self.skip(op.kind, op.change, f"{SQLITE_REBUILD}, which cannot be done here: {reason}",
                              column=op.column)
                continue
            added = [s for s in self.steps if s.kind == "add_column" and s.table == target]
            for s in added:
                ops.append(Op("add_column", s.column, f"add column {s.column}",
                              apply=_adder(self.added_columns[(target, s.column or "")])))
            dropped = [s.details.get("index") for s in self.steps if s.kind == "drop_index" and s.table == target]
            self.steps = [s for s in self.steps if s not in added]
            statements = render(src, ops, target=target, schema=self.schema, alembic=self.render.alembic,
                                dropped_indexes=[d for d in dropped if d])
            kinds = {op.kind for op in ops}
            columns = {op.column for op in ops}
            hazards = list(dict.fromkeys(h for op in ops for h in op.hazards))
            step = Step(next(k for k in _REBUILD_KINDS if k in kinds), target,
                        columns.pop() if len(columns) == 1 else None, statements, hazards=hazards,
                        irreversible="a SQLite table rebuild is not reversed automatically")
            step.details["rebuild"] = [op.what for op in ops]
            self.steps.append(step)

    def target(self, live_table: str) -> str:
        return self.table_names.get(live_table, live_table)

    def col(self, live_table: str, name: str) -> str:
        return self.column_names.get((live_table, name), name)

    def sa_table(self, c: Change) -> SATable | None:
        d = c.declared_table
        return self.tables.get(d.name) if d is not None else None

    def sa_column(self, c: Change) -> Any:
        t = self.sa_table(c)
        name = getattr(c.declared, "name", None)
        if t is None or name is None or name not in t.c:
            return None
        return t.c[name]

    def schema_of(self, c: Change) -> str | None:
        d = c.declared_table
        return self.schema_for(d.name) if d is not None else self.schema

    def never(self, kind: str, c: Change) -> None:
        """The reason a drift change is not run in this mode (safe/alter)."""
        destructive = kind in ("drop_table", "drop_column")
        if self.mode == "safe":
            self.skip(kind, c, SAFE_NEVER_DROPS if kind.startswith("drop") else SAFE_NEVER_ALTERS)
        elif destructive:
            self.skip(kind, c, ALTER_NEVER_DESTROYS)

    # the phases are assigned per step kind; build order does not matter
    def build(self, changes: Sequence[Change]) -> None:
        # Names first: steps on a renamed table or column use the names it has when they run (the
        # new one in alter mode, which renames; the database's in safe mode, which does not).
        for c in changes:
            old = c.details.get("renamed_from")
            if c.kind == "table_missing" and old and self.mode == "alter":
                self.table_names[old] = c.table or old
            elif c.kind == "column_missing" and old and c.table is not None and c.column is not None:
                if self.mode == "alter":
                    self.column_names[(c.table, old)] = c.column
                else:
                    self.column_names[(c.table, c.column)] = old
            elif c.kind == "column_name_style" and c.table is not None:
                self.column_names[(c.table, c.declared.name)] = c.live.name
                self.declared_column_names[(c.table, c.live.name)] = c.declared.name
        if self.mode == "force":
            self.build_force(changes)
            return
        for c in changes:
            handler = getattr(self, f"on_{c.kind}", None)
            if c.kind in NAMING_KINDS:
                self.skip(c.kind, c, self.naming_reason(c))
            elif handler is None:
                self.skip(c.kind, c, f"{c.kind} is not planned by this version of schemaguard")
            else:
                handler(c)
        for c in self.fk_adds:
            self.add_fk_if_it_can_hold(c)

    def naming_reason(self, c: Change) -> str:
        from ..rules import BY_KIND

        try:
            hint = BY_KIND[c.kind].hint(c)
        except Exception:  # noqa: BLE001 - a hint is a courtesy; the reason stands without it
            hint = "map the model to the database's names"
        return f"naming: never fixed with DDL; fix the model's mapping ({hint})"

    # --- tables ---
    def on_table_missing(self, c: Change) -> None:
        old = c.details.get("renamed_from")
        if old:
            if self.mode == "safe":
                self.skip("rename_table", c, f"safe mode never renames: rename {old} to {c.table} with --mode alter")
                return
            self.step("rename_table", c.table or "", None,
                      self.render.alembic(lambda op: op.rename_table(old, c.table, schema=self.schema_of(c))),
                      hazards=["rename_table"],
                      undo=lambda op: op.rename_table(c.table, old, schema=self.schema_of(c)))
            return
        if c.table is not None:
            self.created.add(c.table)

    def on_table_extra(self, c: Change) -> None:
        self.never("drop_table", c)

    # --- columns ---
    def on_column_missing(self, c: Change) -> None:
        table = c.table or ""
        old = c.details.get("renamed_from")
        if old:
            if self.mode == "safe":
                self.skip("rename_column", c, f"safe mode never renames: rename {old} to {c.column} with --mode alter")
                return
            new = c.column
            self.step("rename_column", self.target(table), new,
                      self.render.alembic(lambda op: op.alter_column(
                          self.target(table), old, new_column_name=new, schema=self.schema_of(c))),
                      hazards=["rename_column"],
                      undo=lambda op: op.alter_column(self.target(table), new, new_column_name=old,
                                                      schema=self.schema_of(c)))
            return
        col = self.sa_column(c)
        if col is None:
            self.skip("add_column", c, "the declared column was not found in the models")
            return
        empty = False
        if not c.declared.nullable and c.declared.default is None:
            rows = self.live.has_rows(table) if self.live.has_rows is not None else None
            if rows is not False:
                self.skip("add_column", c, "add_not_null_column_without_default: a NOT NULL column without a "
                          "default cannot be added to a table that has rows"
                          + (" (this one has)" if rows else " (this one may have: it could not be counted)")
                          + "; give it a server_default, or add it nullable, backfill it, then set NOT NULL")
                return
            empty = True  # the table is empty now: the step works, and says what it relies on
        new_col = _bare_column(col)
        if self.sqlite and c.declared.default is not None and not _constant(c.declared.default):
            # SQLite's ADD COLUMN takes only a constant default: the table is rebuilt with it.
            self.rebuild(c, "add_column", col.name, f"add column {col.name} DEFAULT {c.declared.default}",
                         apply=lambda b: b.add_column(new_col))
            return
        self.added_columns[(self.target(table), col.name)] = new_col
        if c.declared.default is not None and c.declared.default.lower() != "null":
            self.added_defaults[(self.target(table), col.name)] = c.declared.default
        enums = self.enum_types([new_col])
        created = list(self.enums_created)
        seqs, seq_drops = self.sequences([col])
        self.step("add_column", self.target(table), col.name,
                  enums + seqs
                  + self.render.alembic(lambda op: op.add_column(self.target(table), new_col, schema=self.schema_of(c))),
                  hazards=["add_not_null_column_without_default"] if empty else [],
                  undo=self.render.alembic(lambda op: op.drop_column(self.target(table), col.name, schema=self.schema_of(c)))
                  + seq_drops + self.enum_drops(created))

    def on_column_extra(self, c: Change) -> None:
        self.never("drop_column", c)

    def on_type_mismatch(self, c: Change) -> None:
        if is_narrowing(c.declared.type, c.live.type):
            if self.mode == "safe":
                self.skip("alter_column", c, f"{SAFE_NEVER_ALTERS} (type {c.live.type} -> {c.declared.type})")
            else:
                self.skip("alter_column", c, f"{ALTER_NEVER_DESTROYS} (narrowing_type_change "
                          f"{c.live.type} -> {c.declared.type})")
            return
        # On PostgreSQL most type changes rewrite the whole table under an ACCESS EXCLUSIVE lock.
        rewrites = not (self.pg and _metadata_only(c.live.type, c.declared.type))
        self.alter(c, ["column_type_change"] if rewrites else [], type_=True,
                   what=f"type {c.live.type} -> {c.declared.type}")

    def on_nullable_mismatch(self, c: Change) -> None:
        self.alter(c, ["set_not_null"] if not c.declared.nullable else [], nullable=True,
                   what="set NOT NULL" if not c.declared.nullable else "drop NOT NULL")

    def on_default_mismatch(self, c: Change) -> None:
        if c.details.get("autoincrement"):
            self.skip("alter_column", c, "making an existing key column auto-numbered is not planned yet; "
                      "add the sequence or identity in a migration")
            return
        self.alter(c, [], default=True, what=f"default {c.live.default} -> {c.declared.default}")

    def on_primary_key_mismatch(self, c: Change) -> None:
        self.skip("alter_column", c, "changing a primary key is not planned: it rebuilds the key's index and "
                  "every foreign key that references it; write that migration by hand")

    def alter(self, c: Change, hazards: list[str], *, type_: bool = False, nullable: bool = False,
              default: bool = False, what: str = "") -> None:
        if self.mode == "safe":
            self.skip("alter_column", c, f"{SAFE_NEVER_ALTERS} ({what})")
            return
        col = self.sa_column(c)
        if col is None:
            self.skip("alter_column", c, "the declared column was not found in the models")
            return
        table = self.target(c.table or "")
        name = self.col(c.table or "", c.column or col.name)
        kw: dict[str, Any] = {} if self.sqlite else {"schema": self.schema_of(c)}
        if type_:
            kw["type_"] = col.type
        if nullable:
            kw["nullable"] = bool(c.declared.nullable)
        if default:
            kw["server_default"] = col.server_default.arg if col.server_default is not None else None
        if self.sqlite:
            self.rebuild(c, "alter_column", name, f"{name}: {what}", hazards=hazards,
                         apply=lambda b: b.alter_column(name, **kw))
            return
        back: dict[str, Any] = {"schema": kw["schema"]}
        reason: str | None = None
        if type_:
            live_type = self.live.column_type(c.table or "", c.live.name) if self.live.column_type else None
            if live_type is None:
                reason = f"the database's type of {name} ({c.live.type}) could not be read to restore it"
            back["type_"] = live_type
        if nullable:
            back["nullable"] = bool(c.live.nullable)
        if default:
            from sqlalchemy import text

            back["server_default"] = text(c.live.default) if c.live.default is not None else None
        self.step("alter_column", table, name,
                  self.render.alembic(lambda op: op.alter_column(table, name, **kw)), hazards=hazards,
                  undo=reason if reason else (lambda op: op.alter_column(table, name, **back)))
        if type_:
            self.type_changed.add((table, name))

    # --- indexes and constraints ---
    def on_index_missing(self, c: Change) -> None:
        table = c.table or ""
        if self.blocked_by_missing_column("create_index", c, c.declared.columns):
            return
        sa_idx = self.find_index(c)
        if sa_idx is None:
            self.skip("create_index", c, "the declared index was not found in the models")
            return
        cols = [self.index_element(table, e) for e in sa_idx.expressions]
        name = sa_idx.name
        hazards = ["create_index_blocking"] if self.pg else []
        partial = any(v is not None for k, v in sa_idx.dialect_kwargs.items() if k.endswith("_where"))
        if sa_idx.unique and all(isinstance(x, str) for x in cols) and not partial:
            self.uniques_added.add((self.target(table), frozenset(cols)))
        self.step("create_index", self.target(table), c.column,
                  self.render.alembic(lambda op: op.create_index(
                      name, self.target(table), cols, unique=bool(sa_idx.unique), schema=self.schema_of(c))),
                  hazards=hazards,
                  undo=lambda op: op.drop_index(name, table_name=self.target(table), schema=self.schema_of(c)))

    def find_index(self, c: Change) -> Any:
        t = self.sa_table(c)
        if t is None:
            return None
        for idx in t.indexes:
            if c.declared.name is not None and idx.name == c.declared.name:
                return idx
        return None

    def index_element(self, table: str, expr: Any) -> Any:
        from sqlalchemy import Column, text

        from ..sources.declared import _unordered

        inner = _unordered(expr)
        if isinstance(inner, Column):
            return self.col(table, inner.name)
        if isinstance(inner, str):
            return self.col(table, inner)
        compiler = self.dialect.statement_compiler(self.dialect, None)
        return text(str(compiler.process(expr, include_table=False, literal_binds=True)))

    def on_index_extra(self, c: Change) -> None:
        if self.mode == "safe":
            self.skip("drop_index", c, SAFE_NEVER_DROPS)
            return
        name = c.live.name
        if self.sqlite and name is not None and name.startswith("sqlite_autoindex"):
            # A column-level UNIQUE: its automatic index goes with the constraint, in a rebuild.
            from .rebuild import omit_unique

            cols = list(c.live.columns)
            self.rebuild(c, "drop_constraint", c.column, f"drop UNIQUE ({', '.join(cols)})",
                         omit=omit_unique(cols, None))
            return
        if name is None:
            self.skip("drop_index", c, "the index has no name to drop it by")
            return
        table = self.target(c.table or "")
        own = self.live.index_sql(c.table or "", name) if self.live.index_sql else None
        step = self.step("drop_index", table, c.column,
                         self.render.alembic(lambda op: op.drop_index(name, table_name=table, schema=self.schema_of(c))),
                         undo=[own] if own else f"the database's definition of index {name} could not be read")
        step.details["index"] = name

    def on_unique_missing(self, c: Change) -> None:
        table = c.table or ""
        if self.blocked_by_missing_column("add_unique", c, c.declared.columns):
            return
        cols = [self.col(table, x) for x in c.declared.columns]
        name = c.declared.name or _generated_name("uq", self.target(table), cols)
        hazards = ["create_index_blocking"] if self.pg else []
        if self.sqlite:
            # SQLite cannot add a constraint to a table; a unique index enforces the same thing.
            ops: Callable[[Any], None] = lambda op: op.create_index(  # noqa: E731
                name, self.target(table), cols, unique=True, schema=self.schema_of(c))
            undo: Callable[[Any], None] = lambda op: op.drop_index(  # noqa: E731
                name, table_name=self.target(table), schema=self.schema_of(c))
        else:
            ops = lambda op: op.create_unique_constraint(  # noqa: E731
                name, self.target(table), cols, schema=self.schema_of(c))
            undo = lambda op: op.drop_constraint(  # noqa: E731
                name, self.target(table), type_="unique", schema=self.schema_of(c))
        step = self.step("add_unique", self.target(table), c.column, self.render.alembic(ops), hazards=hazards,
                         undo=undo)
        step.details["columns"] = cols
        self.uniques_added.add((self.target(table), frozenset(cols)))
        filled = [(col, self.added_defaults[(self.target(table), col)]) for col in cols
                  if (self.target(table), col) in self.added_defaults]
        if filled and len(filled) == len(cols):
            step.same_value_in_every_row = ", ".join(f"{col} = {d}" for col, d in filled)

    def on_unique_extra(self, c: Change) -> None:
        from ..schema.snapshot import Index

        if self.mode == "safe":
            self.skip("drop_constraint", c, SAFE_NEVER_DROPS)
            return
        table = self.target(c.table or "")
        name = c.live.name
        if isinstance(c.live, Index):
            self.on_index_extra(c)
            return
        if self.sqlite:
            from .rebuild import omit_unique

            cols = list(c.live.columns)
            self.rebuild(c, "drop_constraint", c.column, f"drop UNIQUE {name + ' ' if name else ''}({', '.join(cols)})",
                         omit=omit_unique(cols, name))
            return
        if name is None:
            self.skip("drop_constraint", c, "the constraint has no name")
            return
        cols = list(c.live.columns)
        self.step("drop_constraint", table, c.column,
                  self.render.alembic(lambda op: op.drop_constraint(name, table, type_="unique",
                                                                    schema=self.schema_of(c))),
                  undo=lambda op: op.create_unique_constraint(name, table, cols, schema=self.schema_of(c)))

    def on_foreign_key_missing(self, c: Change) -> None:
        self.fk_adds.append(c)

    def add_fk_if_it_can_hold(self, c: Change) -> None:
        """Add a foreign key unless the database would refuse it once the rest of the plan ran: a
        column of the key, or the one it references, is not added; the referenced columns have no
        primary key or unique constraint of their own; the two sides' types cannot be compared.
        A key that replaces the database's one (foreign_key_mismatch) keeps the old one then."""
        if not self.fk_can_hold(c):
            for step in self.replaced_fks.pop(id(c), []):
                if step in self.steps:
                    self.steps.remove(step)
            # A SQLite rebuild that would have dropped it is left out too.
            self.drop_from_rebuilds(c)

    def fk_can_hold(self, c: Change) -> bool:
        table = c.table or ""
        fk = c.declared
        if self.blocked_by_missing_column("add_foreign_key", c, fk.columns):
            return False
        ref_live = str(c.details.get("table") or fk.ref_table)
        ref_declared = list(c.details.get("columns") or fk.ref_columns)
        missing = [x for x in ref_declared if (ref_live, x) in self.not_added or (fk.ref_table, x) in self.not_added]
        if missing:
            self.skip("add_foreign_key", c, f"the column {', '.join(missing)} it references in {fk.ref_table} is not "
                      "added by this plan (see above)")
            return False
        live_ref = self.live_table(ref_live)
        requires = None
        if live_ref is not None and fk.ref_table not in self.created:
            ref_cols = frozenset(self.col(ref_live, x) for x in ref_declared)
            keys = [frozenset(live_ref.primary_key)] + [frozenset(u.columns) for u in live_ref.uniques]
            keys += [frozenset(i.columns) for i in live_ref.indexes if i.unique]
            if ref_cols not in keys:
                if (self.target(ref_live), ref_cols) not in self.uniques_added:
                    self.skip("add_foreign_key", c, f"{fk.ref_table} ({', '.join(sorted(ref_cols))}) has no primary key "
                              "or unique constraint in the database, and this plan does not add one: the key needs "
                              "one to reference")
                    return False
                requires = (self.target(ref_live), ref_cols)
            if self.pg:
                local_live = self.live_table(table)
                for mine, theirs in zip(fk.columns, ref_declared, strict=False):
                    a = self.final_type(table, local_live, mine, c.declared_table)
                    b = self.final_type(ref_live, live_ref, theirs, None, declared_table_name=fk.ref_table)
                    if a and b and not _comparable(a, b):
                        self.skip("add_foreign_key", c, f"{table}.{mine} ({a}) cannot reference {fk.ref_table}.{theirs} "
                                  f"({b}) once this plan ran: PostgreSQL has no comparison between the two types; "
                                  "change one of the types first")
                        return False
        before = len(self.steps)
        self.add_fk(c, table)
        if requires is not None and len(self.steps) > before:
            self.steps[-1].requires_unique = requires
        return True

    def live_table(self, name: str) -> Any:
        return self.live_schema.table(name) if self.live_schema is not None else None

    def final_type(self, table: str, live_table: Any, column: str, declared_table: Any,
                   declared_table_name: str | None = None) -> str | None:
        """A column's type once the plan ran: the declared one where the plan adds the column or
        changes its type, else the database's."""
        live_name = self.col(table, column)
        live_col = live_table.column(live_name) if live_table is not None else None
        if live_col is not None and (self.target(table), live_name) not in self.type_changed:
            return str(live_col.type) if live_col.type else None
        if declared_table is not None:
            found = declared_table.column(column)
            return str(found.type) if found is not None and found.type else None
        sa_table = self.tables.get(declared_table_name or table)
        if sa_table is None or column not in sa_table.c:
            return None
        from ..dialects import canonical_type

        return canonical_type(sa_table.c[column].type, self.dialect)

    def add_fk(self, c: Change, table: str) -> None:
        fk = c.declared
        ref_live = str(c.details.get("table") or fk.ref_table)
        ref_cols = [self.col(ref_live, x) for x in (c.details.get("columns") or fk.ref_columns)]
        ref_table = self.target(ref_live)
        local = [self.col(table, x) for x in fk.columns]
        ref_schema = c.details.get("schema") or self.schema_of(c)
        hazards = ["add_foreign_key_validating"] if self.pg else []
        if self.sqlite and any("." in n for n in (*local, *ref_cols, ref_table)):
            # Alembic's batch mode names key columns as "table.column" strings: a dot inside a
            # name is misread, and the key would silently be left out of the rebuilt table.
            self.skip("add_foreign_key", c, "a table or column name containing '.' cannot be keyed in a SQLite "
                      "table rebuild; add this foreign key by hand")
            return
        if self.sqlite:
            self.rebuild(c, "add_foreign_key", c.column,
                         f"add FOREIGN KEY ({', '.join(local)}) REFERENCES {ref_table} ({', '.join(ref_cols)})",
                         apply=lambda b: b.create_foreign_key(
                             fk.name or _generated_name("fk", self.target(table), [*local, ref_table]),
                             ref_table, local, ref_cols,
                             ondelete=_action(fk.ondelete), onupdate=_action(fk.onupdate)))
            return
        # Named, so that a downgrade (or a person) can drop it by that name.
        name = fk.name or _generated_name("fk", self.target(table), [*local, ref_table])
        fkc = _foreign_key(name, self.target(table), self.schema_of(c), local, ref_table, ref_schema, ref_cols,
                           ondelete=_action(fk.ondelete), onupdate=_action(fk.onupdate))
        self.step("add_foreign_key", self.target(table), c.column, self.render.ddl(AddConstraint(fkc)),
                  hazards=hazards, undo=self.render.ddl(DropConstraint(fkc)))

    def on_foreign_key_extra(self, c: Change) -> None:
        if self.mode == "safe":
            self.skip("drop_constraint", c, SAFE_NEVER_DROPS)
            return
        self.drop_fk(c)

    def drop_fk(self, c: Change) -> bool:
        name = c.live.name
        if self.sqlite:
            from .rebuild import omit_foreign_key

            live = c.live
            self.rebuild(c, "drop_constraint", c.column,
                         f"drop FOREIGN KEY ({', '.join(live.columns)}) REFERENCES {live.ref_table}",
                         omit=omit_foreign_key(list(live.columns), live.ref_table, name))
            return True
        if name is None:
            self.skip("drop_constraint", c, "the foreign key has no name")
            return False
        table = self.target(c.table or "")
        live = c.live
        self.step("drop_constraint", table, c.column,
                  self.render.alembic(lambda op: op.drop_constraint(name, table, type_="foreignkey",
                                                                    schema=self.schema_of(c))),
                  undo=self.render.ddl(AddConstraint(_foreign_key(
                      name, table, self.schema_of(c), [self.col(c.table or "", x) for x in live.columns],
                      self.target(live.ref_table), live.ref_schema or self.schema_of(c), list(live.ref_columns),
                      ondelete=_action(live.ondelete), onupdate=_action(live.onupdate)))))
        return True

    def on_foreign_key_mismatch(self, c: Change) -> None:
        if self.mode == "safe":
            self.skip("drop_constraint", c, SAFE_NEVER_ALTERS + " or constraint")
            return
        before = len(self.steps)
        if self.drop_fk(c):
            # The old key is dropped only if the new one can be added (see add_fk_if_it_can_hold).
            self.replaced_fks[id(c)] = self.steps[before:]
            self.fk_adds.append(c)

    # --- whole tables ---
    def create_tables(self, names: Iterable[str]) -> None:
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

        wanted = [self.tables[n] for n in names if n in self.tables]
        if not wanted:
            return
        md = _copy(self.tables.values(), self.schema)
        copies = [md.tables[_key(t, self.schema)] for t in wanted]
        wanted_ids = {id(t) for t in copies}
        ordered = _sorted_with_constraints(copies, sort_tables_and_constraints)
        # (None, [fks]) closes the list: keys of a cycle, added once every table exists. SQLite
        # accepts a key to a table that does not exist yet, so there they stay inline.
        later = [f for t, fks in ordered if t is None for f in fks if id(f.table) in wanted_ids]
        deferred = {id(f) for f in later} if not self.sqlite else set()
        for table, _fkcs in ordered:
            if table is None:
                continue
            inline = [f for f in table.foreign_key_constraints if id(f) not in deferred]
            try:
                sql = self.render.ddl(CreateTable(table, include_foreign_key_constraints=inline))
                seqs, seq_drops = self.sequences(table.columns)
                sql = self.enum_types(table.columns) + seqs + sql
                undo = self.render.ddl(DropTable(table)) + seq_drops + self.enum_drops(self.enums_created)
            except Exception as exc:  # noqa: BLE001 - e.g. a foreign key to a table that exists nowhere
                self.skipped.append(Skipped("create_table", table.name, None,
                                            f"cannot render CREATE TABLE: {str(exc).splitlines()[0]}",
                                            "table_missing"))
                continue
            self.step("create_table", table.name, None, sql, undo=undo)
            for idx in sorted(table.indexes, key=lambda i: str(i.name)):
                self.step("create_index", table.name, _single(idx), self.render.ddl(CreateIndex(idx)),
                          undo=self.render.ddl(DropIndex(idx)))
        for fkc in later:
            if id(fkc) in deferred:
                self.step("add_foreign_key", fkc.table.name, None, self.render.ddl(AddConstraint(fkc)),
                          undo=self.render.ddl(DropConstraint(fkc)) if fkc.name
                          else "the foreign key has no name to drop it by")

    def build_force(self, changes: Sequence[Change]) -> None:
        from sqlalchemy import MetaData, Table
        from sqlalchemy.schema import DropTable, sort_tables

        missing = {c.table for c in changes if c.kind == "table_missing" and not c.details.get("renamed_from")}
        live_name: dict[str, str] = {}
        for c in changes:
            if c.kind == "table_missing" and c.details.get("renamed_from") and c.table:
                live_name[c.table] = str(c.details["renamed_from"])
            elif c.kind == "table_name_case" and c.declared_table is not None and c.table:
                live_name[c.declared_table.name] = c.table
            elif c.kind == "table_extra":
                self.skip("drop_table", c, "force mode drops and recreates only the declared tables")
        try:
            ordered = [t.name for t in sort_tables(list(self.tables.values()))]
        except SQLAlchemyError:
            # A foreign key to a table that exists nowhere (ForeignKey("Users.id") with a table
            # users): keep the models' order; that table's CREATE is skipped with the reason.
            ordered = list(self.tables)
        md = MetaData()
        drops = [(name, live_name.get(name, name)) for name in reversed(ordered) if name not in missing]
        declared_name = {live: name for name, live in drops}
        kept_keys = self.release_foreign_keys(declared_name)
        for name, live in self.drop_order(drops):
            self.step("drop_table", live, None, self.render.ddl(DropTable(Table(live, md, schema=self.schema_for(name)))),
                      hazards=["force_reset", "drop_table"], destructive=True,
                      undo="the dropped rows cannot be brought back")
        self.create_tables(ordered)
        # The keys of the tables that stay, put back on the new tables; NOT VALID, because the
        # rows they reference are gone: new rows are checked, old ones are left as they are.
        for key in kept_keys:
            ref_name = declared_name.get(key.ref_table, key.ref_table)
            # The new table's columns have the models' names (`id` where the database said `"Id"`).
            ref_columns = [self.declared_column_names.get((key.ref_table, c), c) for c in key.ref_columns]
            fkc = _foreign_key(key.name, key.table, self.key_schema(key, declared_name), list(key.columns),
                               ref_name, self.schema_for(ref_name), ref_columns,
                               ondelete=_action(key.ondelete), onupdate=_action(key.onupdate),
                               deferrable=key.deferrable or None,
                               initially="DEFERRED" if key.initially_deferred else None,
                               match="FULL" if key.match_full else None)
            hazards: list[str] = []
            if key.partitioned:
                # PostgreSQL refuses NOT VALID on a partitioned table: the key is validated, and
                # fails (rolling the reset back) if the table holds rows that referenced the old rows.
                hazards = ["add_foreign_key_validating"]
            else:
                fkc.dialect_options["postgresql"]["not_valid"] = True
            step = self.step("add_foreign_key", key.table, key.columns[0] if len(key.columns) == 1 else None,
                             self.render.ddl(AddConstraint(fkc)), hazards=hazards,
                             undo=self.render.ddl(DropConstraint(fkc)))
            step.details["not_valid"] = not key.partitioned
            if key.other_schema:
                step.details["schema"] = key.other_schema

    def release_foreign_keys(self, declared_name: Mapping[str, str]) -> list[ReferencingKey]:
        """PostgreSQL refuses to drop a table that a kept table's foreign key references (a table
        the models do not declare, one left out of the comparison, or a table of another schema):
        drop those keys first, as steps of their own, and return them to be put back. SQLite drops
        the table regardless (the sync turns foreign_keys off, so no ON DELETE action fires on the
        kept table's rows). `declared_name`: the dropped tables, live name -> declared name."""
        if not self.pg:
            return []
        dropped = set(declared_name)
        if self.live.referencing_keys is not None:
            keys = self.live.referencing_keys(sorted(dropped))
            # The reset drops these tables (in the schema whose tables it drops): their own keys go
            # with them.
            homes = {k.ref_schema for k in keys}
            kept = [k for k in keys if not (k.schema in homes and k.table in dropped)]
        elif self.live_schema is not None:
            # No database to ask (a plan from a snapshot): the keys the live snapshot holds.
            kept = [
                ReferencingKey(table.schema or "", table.name, fk.name, fk.columns, fk.ref_schema or "",
                               fk.ref_table, fk.ref_columns, fk.ondelete, fk.onupdate)
                for table in self.live_schema.tables if table.name not in dropped
                for fk in table.foreign_keys
                if fk.ref_table in dropped and fk.ref_schema in (None, table.schema, self.schema) and fk.name
            ]
        else:
            return []
        for key in kept:
            stub = self.render.ddl(DropConstraint(_foreign_key(
                key.name, key.table, self.key_schema(key, declared_name), list(key.columns), key.ref_table,
                None, list(key.ref_columns))))
            step = self.step("drop_constraint", key.table, key.columns[0] if len(key.columns) == 1 else None,
                             stub, undo="the key is put back by this plan (NOT VALID) after the reset")
            step.details["references"] = key.ref_table
            if key.other_schema:
                step.details["schema"] = key.other_schema
        return kept

    def key_schema(self, key: ReferencingKey, declared_name: Mapping[str, str]) -> str | None:
        """The schema to name a released key's table with: a table of the dropped tables' own
        schema as the plan names those (`schema_for`), another schema's always by name."""
        return key.other_schema or self.schema_for(declared_name.get(key.ref_table, key.ref_table))

    def drop_order(self, drops: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The drops ordered by the live database's keys (a referencing table before the table it
        references), which may differ from the models' keys; the models' order breaks ties."""
        if self.live_schema is None:
            return drops
        by_live = {live: (name, live) for name, live in drops}
        refs = {t.name: {fk.ref_table for fk in t.foreign_keys if fk.ref_table in by_live and fk.ref_table != t.name}
                for t in self.live_schema.tables if t.name in by_live}
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

    def schema_for(self, declared_name: str) -> str | None:
        t = self.tables.get(declared_name)
        return self.schema if self.schema is not None else (t.schema if t is not None else None)

    def finish(self, changes: Sequence[Change]) -> list[Step]:
        if self.mode != "force":
            self.create_tables(n for n in self._declared_order() if n in self.created)
            self.finish_rebuilds()
        order = {p: i for i, p in enumerate(PHASES)}
        rename_rank = {"rename_table": 0, "rename_column": 1}
        # A SQLite rebuild runs with the alterations: after the tables its keys reference exist,
        # before the indexes and uniques that it would otherwise drop with the old table.
        return sorted(
            self.steps,
            key=lambda s: (order["alter_column" if "rebuild" in s.details else _PHASE_OF[s.kind]],
                           rename_rank.get(s.kind, 0)),
        )

    def _declared_order(self) -> list[str]:
        from sqlalchemy.schema import sort_tables

        try:
            return [t.name for t in sort_tables(list(self.tables.values()))]
        except Exception:  # noqa: BLE001
            return list(self.tables)


def build_plan(
    changes: Sequence[Change],
    mode: str,
    dialect: Dialect | str,
    metadata_tables: Mapping[str, SATable],
    *,
    schema: str | None = None,
    existing_types: Iterable[str] = (),
    live: LiveLookups | None = None,
    existing_sequences: Iterable[str] = (),
    live_schema: Any = None,
) -> Plan:
    """The ordered steps that bring the live schema towards the declared one in `mode`.

    `metadata_tables` maps each compared declared table's name to its SQLAlchemy Table: columns,
    types and defaults are rendered from those objects. `schema` qualifies every statement.
    `live` reads what a snapshot does not hold (LiveLookups): without it, SQLite changes that need
    a rebuild are skipped and some steps have no downgrade.
    """
    from ..dialects import sqlalchemy_dialect

    if mode not in MODES:
        raise UsageError(f"unknown plan mode {mode!r}", hint="use safe, alter or force")
    if isinstance(dialect, str):
        dialect = sqlalchemy_dialect(dialect)
    builder = _Builder(mode, dialect, metadata_tables, schema, existing_types, live, existing_sequences,
                       live_schema)
    builder.build(changes)
    steps = builder.finish(changes)
    return Plan(mode=mode, dialect=dialect.name, steps=steps, skipped=builder.skipped)


def make_plan(
    db: Any,
    models: Any,
    *,
    mode: str = "safe",
    schema: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    include_bookkeeping: bool = False,
) -> Plan:
    """Load the models and the live schema (read-only, as `check` does) and plan `mode`.

    `models` must be SQLAlchemy models (a target string, MetaData, declarative base or a list of
    them): a plan renders DDL from the model objects, which a snapshot file does not hold.
    """
    from sqlalchemy.engine import Connection, Engine

    from ..checking.check import _dialect_of, _select, load_live
    from ..drift.diff import diff
    from ..live.reflect import create_engine_for
    from ..schema.snapshot import is_snapshot_file, load_snapshot
    from ..sources.declared import declared_snapshot, declared_tables, load_target

    if mode not in MODES:
        raise UsageError(f"unknown plan mode {mode!r}", hint="use safe, alter or force")
    if isinstance(db, str) and is_snapshot_file(db):
        db = load_snapshot(db)
    metadatas = _metadatas(models, load_target)
    dialect = _dialect_of(db)
    declared = declared_snapshot(metadatas, dialect, schema=schema,
                                 label=", ".join(m for m in _labels(models)))
    # One read-only engine serves the reflection, the enum-type lookup and the measurements.
    engine: Engine | None = None
    if isinstance(db, str):
        engine = create_engine_for(db)
    elif isinstance(db, (Engine, Connection)):
        engine = db if isinstance(db, Engine) else db.engine
    try:
        live = load_live(engine if isinstance(db, str) else db,
                         schema=schema if schema is not None else declared.schema, include=include,
                         exclude=exclude, include_bookkeeping=include_bookkeeping)
        compared, outside, _notes = _select(declared, live, include, exclude)
        wanted = {(t.schema, t.name) for t in compared.tables}
        tables = {t.name: t for t in declared_tables(metadatas) if (t.schema, t.name) in wanted}
        measured_schema = schema if schema is not None else live.schema
        types, sequences = (
            _existing_types_and_sequences(engine, measured_schema)
            if engine is not None and live.dialect == "postgresql"
            else ([], [])
        )
        lookups = _lookups(engine, live.dialect, measured_schema, live) if engine is not None else None
        plan = build_plan(diff(compared, live, outside=outside), mode, live.dialect, tables, schema=schema,
                          existing_types=types, live=lookups, existing_sequences=sequences, live_schema=live)
        plan.database = live.label
        plan.declared, plan.live = compared, live
        if engine is not None:
            measure(plan, engine, measured_schema)
        return plan
    finally:
        if isinstance(db, str) and engine is not None:
            engine.dispose()


def _lookups(engine: Engine, dialect: str, schema: str | None, live: Any = None) -> LiveLookups:
    """LiveLookups over a read-only connection opened when a plan first needs one."""
    import sqlalchemy as sa

    from ..live.reflect import readonly_connection
    from .rebuild import reader

    columns: dict[str, dict[str, Any]] = {}

    def column_type(table: str, column: str) -> Any:
        if table not in columns:
            with readonly_connection(engine) as conn:
                columns[table] = {c["name"]: c["type"] for c in sa.inspect(conn).get_columns(table, schema=schema)}
        return columns[table].get(column)

    def index_sql(table: str, name: str) -> str | None:
        with readonly_connection(engine) as conn:
            if dialect == "postgresql":
                regclass = _regclass(conn, name, schema)
                return conn.execute(sa.text("SELECT pg_get_indexdef(to_regclass(:n))"), {"n": regclass}).scalar()
            if dialect == "sqlite":
                return conn.execute(
                    sa.text("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = :n AND tbl_name = :t"),
                    {"n": name, "t": table},
                ).scalar()
        return None

    def has_rows(table: str) -> bool | None:
        """One row is enough to know (LIMIT 1, not a count); None when it cannot be read in 2 s."""
        from sqlalchemy.exc import DBAPIError

        with readonly_connection(engine) as conn:
            if dialect == "postgresql":
                conn.exec_driver_sql("SET LOCAL statement_timeout = 2000")
            try:
                found = conn.execute(sa.select(sa.literal(1)).select_from(sa.table(table, schema=schema)).limit(1)).first()
            except DBAPIError:
                return None
            return found is not None

    def referencing_keys(tables: Sequence[str]) -> list[ReferencingKey]:
        from ..dialects.postgresql import _FK_ACTIONS

        with readonly_connection(engine) as conn:
            version = conn.dialect.server_version_info or (11,)
            prep = conn.dialect.identifier_preparer
            # conparentid is PostgreSQL 11's (before it, partitions had no keys of their own);
            # ON DELETE SET NULL (columns) is 15's.
            sql = _REFERENCING_KEYS.format(
                own="k.conparentid = 0" if version >= (11,) else "true",
                set_columns=_ATTNAMES.format(nums="k.confdelsetcols", rel="k.conrelid") if version >= (15,) else "NULL",
            )
            rows = conn.exec_driver_sql(sql, {"schema": schema, "tables": list(tables)}).all()
        out = []
        for (nsp, rel, relkind, name, cols, ref_nsp, ref_rel, ref_cols, upd, dele, match, deferrable, deferred,
             set_cols) in rows:
            ondelete = _FK_ACTIONS.get(dele, "NO ACTION")
            if set_cols and ondelete in ("SET NULL", "SET DEFAULT"):
                ondelete += " (" + ", ".join(prep.quote(c) for c in set_cols) + ")"
            out.append(ReferencingKey(nsp, rel, name, tuple(cols), ref_nsp, ref_rel, tuple(ref_cols),
                                      ondelete=ondelete, onupdate=_FK_ACTIONS.get(upd, "NO ACTION"),
                                      deferrable=bool(deferrable), initially_deferred=bool(deferred),
                                      match_full=match == "f", partitioned=relkind == "p"))
        return out

    return LiveLookups(
        rebuild_source=reader(engine, schema, live) if dialect == "sqlite" else None,
        column_type=column_type,
        index_sql=index_sql,
        has_rows=has_rows,
        referencing_keys=referencing_keys if dialect == "postgresql" else None,
    )


# Column names for an array of column numbers, in the array's order.
_ATTNAMES = (
    "ARRAY(SELECT a.attname FROM unnest({nums}) WITH ORDINALITY u(attnum, i) "
    "JOIN pg_catalog.pg_attribute a ON a.attrelid = {rel} AND a.attnum = u.attnum ORDER BY u.i)"
)

# The foreign keys, from any schema, that reference the named tables of the compared schema
# (without one, the tables the search path shows, as the plan's unqualified DROP TABLE finds them).
# {own}: a partition's copy of its parent's key goes with the parent's.
_REFERENCING_KEYS = """
SELECT n.nspname, c.relname, c.relkind, k.conname,
       """ + _ATTNAMES.format(nums="k.conkey", rel="k.conrelid") + """,
       rn.nspname, rt.relname,
       """ + _ATTNAMES.format(nums="k.confkey", rel="k.confrelid") + """,
       k.confupdtype, k.confdeltype, k.confmatchtype, k.condeferrable, k.condeferred,
       {set_columns}
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_class rt ON rt.oid = k.confrelid
JOIN pg_catalog.pg_namespace rn ON rn.oid = rt.relnamespace
WHERE k.contype = 'f' AND {own}
  AND rt.relname = ANY(%(tables)s)
  AND CASE WHEN %(schema)s::text IS NULL THEN pg_catalog.pg_table_is_visible(rt.oid)
           ELSE rn.nspname = %(schema)s::text END
ORDER BY n.nspname, c.relname, k.conname
"""


def _existing_types_and_sequences(engine: Engine, schema: str | None) -> tuple[list[str], list[str]]:
    """Names of the enum types and the sequences the PostgreSQL database has (read-only)."""
    import sqlalchemy as sa

    from ..live.reflect import readonly_connection

    with readonly_connection(engine) as conn:
        insp = sa.inspect(conn)
        enums = [e["name"] for e in insp.get_enums(schema=schema if schema is not None else "*")]  # type: ignore[attr-defined]
        return enums, list(insp.get_sequence_names(schema=schema))


# Above this many rows (by the catalog's estimate) a table is not counted exactly.
EXACT_COUNT_LIMIT = 100_000


def measure(plan: Plan, bind: Any, schema: str | None = None, *, time_limit_ms: int = 2000) -> None:
    """Put numbers on the hazards that depend on data: rows a drop_table/drop_column loses, NULLs
    that make SET NOT NULL fail. Cheap queries, read-only: the catalog's estimate for large
    PostgreSQL tables, exact counts for small ones, each bounded by `time_limit_ms`; a number that
    cannot be had in time is left out rather than waited for."""
    import sqlalchemy as sa
    from sqlalchemy.exc import DBAPIError

    from ..live.reflect import readonly_connection

    wanted = [s for s in plan.steps if s.kind in ("drop_table", "drop_column") or "set_not_null" in s.hazards
              or s.same_value_in_every_row or (s.kind == "add_unique" and s.details.get("columns"))]
    if not wanted:
        return
    with readonly_connection(bind) as conn:
        pg = conn.dialect.name == "postgresql"
        if pg:
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(time_limit_ms)}")
        insp = sa.inspect(conn)
        for step in wanted:
            if not insp.has_table(step.table, schema=schema):
                continue
            table = sa.table(step.table, *([sa.column(step.column)] if step.column else []), schema=schema)
            try:
                estimate = _estimate(conn, step.table, schema) if pg else None
                if step.same_value_in_every_row:
                    rows = estimate if estimate is not None and estimate > EXACT_COUNT_LIMIT else conn.execute(
                        sa.select(sa.func.count()).select_from(table)).scalar()
                    if int(rows or 0) > 1:
                        _skip_duplicate_unique(plan, step, int(rows or 0))
                elif step.kind in ("drop_table", "drop_column"):
                    if estimate is not None and estimate > EXACT_COUNT_LIMIT:
                        step.details.update(rows=estimate, estimate=True)
                    else:
                        rows = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                        step.details.update(rows=int(rows or 0), estimate=False)
                elif step.kind == "add_unique":
                    if estimate is None or estimate <= EXACT_COUNT_LIMIT:
                        cols: list[Any] = [sa.column(c) for c in step.details["columns"]]
                        groups = (sa.select(*cols).select_from(sa.table(step.table, *cols, schema=schema))
                                  .where(sa.and_(*[c.is_not(None) for c in cols]))
                                  .group_by(*cols).having(sa.func.count() > 1).subquery())
                        dups = conn.execute(sa.select(sa.func.count()).select_from(groups)).scalar()
                        step.details.update(duplicates=int(dups or 0))
                elif step.column and (estimate is None or estimate <= EXACT_COUNT_LIMIT):
                    nulls = conn.execute(
                        sa.select(sa.func.count()).select_from(table).where(table.c[step.column].is_(None))
                    ).scalar()
                    step.details.update(nulls=int(nulls or 0))
            except DBAPIError:
                # Over the time limit (or unreadable): roll back to keep the transaction usable.
                conn.rollback()
                if pg:
                    conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(time_limit_ms)}")


def _skip_duplicate_unique(plan: Plan, step: Step, rows: int) -> None:
    plan.steps.remove(step)
    plan.skipped.append(Skipped(
        "add_unique", step.table, step.column,
        f"every one of the table's {rows:,} rows gets the new column's default ({step.same_value_in_every_row}), "
        "so the unique constraint would fail: add the column, backfill distinct values, then add the constraint",
        "unique_missing",
    ))
    needed = (step.table, frozenset(step.details.get("columns") or ()))
    for fk in [s for s in plan.steps if s.kind == "add_foreign_key" and s.requires_unique == needed]:
        plan.steps.remove(fk)
        plan.skipped.append(Skipped(
            "add_foreign_key", fk.table, fk.column,
            f"it references {step.table} ({', '.join(sorted(needed[1]))}), whose unique constraint is skipped above",
            "foreign_key_missing",
        ))


def _estimate(conn: Any, table: str, schema: str | None) -> int | None:
    import sqlalchemy as sa

    row = conn.execute(
        sa.text("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:name)"),
        {"name": _regclass(conn, table, schema)},
    ).first()
    if row is None or row[0] is None or row[0] < 0:
        return None
    return int(row[0])


def _regclass(conn: Any, table: str, schema: str | None) -> str:
    prep = conn.dialect.identifier_preparer
    name = prep.quote_identifier(table)
    return f"{prep.quote_identifier(schema)}.{name}" if schema else name


def _constant(default: str) -> bool:
    """A normalized server default that SQLite's ADD COLUMN accepts: a number, a string, a
    boolean or NULL; not an expression such as current_timestamp."""
    return bool(re.fullmatch(r"-?\d+(\.\d+)?|'(?:[^']|'')*'|true|false|null", default.strip(), re.IGNORECASE))


def _sorted_with_constraints(tables: list[SATable], sort: Callable[..., Any]) -> list[tuple[Any, list[Any]]]:
    """Tables in dependency order with the keys of cycles last, as SQLAlchemy sorts them; when a
    foreign key cannot be resolved (its target exists nowhere), the given order, every key inline."""
    try:
        return list(sort(tables))
    except SQLAlchemyError:
        return [(t, []) for t in tables] + [(None, [])]


def _labels(models: Any) -> list[str]:
    items = models if isinstance(models, (list, tuple)) else [models]
    return [i if isinstance(i, str) else type(i).__name__ for i in items]


def _metadatas(models: Any, load_target: Callable[[str], tuple[list[MetaData], list[Any]]]) -> list[MetaData]:
    from sqlalchemy import MetaData

    from ..schema.snapshot import Schema, is_snapshot_file

    items = models if isinstance(models, (list, tuple)) else [models]
    if not items:
        raise UsageError("no models given", hint="pass --models package.module:Base or set models in the config")
    out: list[MetaData] = []
    for item in items:
        if isinstance(item, Schema) or (isinstance(item, str) and is_snapshot_file(item)):
            raise UsageError(
                "a plan needs the SQLAlchemy models, not a snapshot file",
                hint="pass --models package.module:Base (or path/to/models.py:Base)",
            )
        if isinstance(item, str):
            out.extend(load_target(item)[0])
        elif isinstance(item, MetaData):
            out.append(item)
        elif isinstance(getattr(item, "metadata", None), MetaData):
            out.append(item.metadata)
        else:
            raise UsageError(f"{item!r} is not SQLAlchemy models", hint="pass a MetaData or a declarative base")
    return list({id(m): m for m in out}.values())


# --- small helpers ---------------------------------------------------------------------------


def _bare_column(col: Any) -> Any:
    """A copy of a declared column for ADD COLUMN, without its keys and indexes: those are separate
    steps of the plan (foreign key, unique, index), so they are never created twice."""
    from sqlalchemy import Column

    default = col.server_default
    return Column(
        col.name,
        col.type,
        nullable=col.nullable,
        server_default=default.arg if default is not None and hasattr(default, "arg") else None,
        comment=col.comment,
    )


def _copy(tables: Iterable[SATable], schema: str | None) -> MetaData:
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


def _key(table: SATable, schema: str | None) -> str:
    s = schema if schema is not None else table.schema
    return f"{s}.{table.name}" if s else table.name


def _single(idx: Any) -> str | None:
    cols = [e for e in idx.expressions if hasattr(e, "name")]
    return cols[0].name if len(idx.expressions) == 1 and cols else None


def _foreign_key(name: str | None, table: str, schema: str | None, columns: Sequence[str], ref_table: str,
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


# PostgreSQL type families whose members a foreign key can compare (measured on PostgreSQL 15: a
# key column may reference a column of its own family or, numbers, of a wider one).
_FK_FAMILIES = {
    "SMALLINT": "int", "INTEGER": "int", "BIGINT": "int",
    "NUMERIC": "numeric", "DECIMAL": "numeric",
    "REAL": "float", "DOUBLE PRECISION": "float", "FLOAT": "float",
    "VARCHAR": "text", "CHARACTER VARYING": "text", "TEXT": "text", "CHAR": "text", "CHARACTER": "text",
    "DATE": "datetime", "TIMESTAMP": "datetime", "TIMESTAMPTZ": "datetime",
    "TIMESTAMP WITH TIME ZONE": "datetime", "TIMESTAMP WITHOUT TIME ZONE": "datetime",
    "UUID": "uuid", "BOOLEAN": "boolean",
}
_FK_WIDER = {("int", "numeric"), ("int", "float"), ("numeric", "float")}


def _comparable(local: str, referenced: str) -> bool:
    """Whether PostgreSQL can build a foreign key from a column of type `local` to one of type
    `referenced` (canonical texts). Types outside the known families are given the benefit of
    the doubt: the database decides, and a refusal rolls the sync back."""
    a = _FK_FAMILIES.get(local.split("(")[0].strip().upper())
    b = _FK_FAMILIES.get(referenced.split("(")[0].strip().upper())
    if a is None or b is None:
        return True
    return a == b or (a, b) in _FK_WIDER


def _metadata_only(live: str, declared: str) -> bool:
    """PostgreSQL changes these types in the catalog only, without rewriting the table or its
    indexes: a longer VARCHAR, VARCHAR to TEXT or to an unbounded VARCHAR (binary-coercible)."""

    def varchar(t: str) -> int | None | bool:  # the length; None unbounded; False not character
        m = re.fullmatch(r"(?:CHARACTER VARYING|VARCHAR)(?:\((\d+)\))?", t.strip().upper())
        if m:
            return int(m.group(1)) if m.group(1) else None
        return t.strip().upper() == "TEXT" and None  # TEXT: unbounded; anything else: False

    old, new = varchar(live), varchar(declared)
    if old is False or new is False:
        return False
    if new is None:  # to TEXT or unbounded VARCHAR
        return True
    return isinstance(old, int) and new >= old


def _adder(column: Any) -> Callable[[Any], None]:
    return lambda batch: batch.add_column(column)


def _action(action: str) -> str | None:
    return None if action == "NO ACTION" else action


def _generated_name(prefix: str, table: str, columns: Sequence[str]) -> str:
    return f"{prefix}_{table}_{'_'.join(columns)}"[:63]
