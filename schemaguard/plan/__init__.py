"""Plans: the diff's changes turned into ordered, hazard-annotated DDL steps for one sync mode.

SQL is rendered by SQLAlchemy's DDL compiler (CREATE/DROP TABLE, CREATE INDEX) and by Alembic
operations in offline mode (column and constraint changes), never by formatting strings; the
columns, types and defaults come from the declared MetaData, not from the snapshot's type text.
Nothing here touches a database: `build_plan` is pure, `make_plan` reflects read-only as `check`.

The plan is built in phases, one module each, in the order `plan_phases` below lists them:
naming.py (names first, renames), tables.py, columns.py, indexes.py (and unique constraints),
foreign_keys.py, checks.py (CHECK constraints, enum labels), rebuild.py (SQLite table rebuilds), force.py (the force reset); builder.py holds
the state they share, render.py the DDL rendering, measuring.py and lookups.py what is read from
the live database. What a database does differently is asked of its Dialect (schemaguard.dialects).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..drift.diff import Change
from ..errors import UsageError
from . import checks, columns, force, foreign_keys, indexes, key_indexes, naming, tables
from .builder import TYPE_CHANGES, Builder
from .lookups import existing_types_and_sequences, live_lookups
from .measuring import EXACT_COUNT_LIMIT, measure
from .naming import NAMING_KINDS
from .rebuild import add_rebuild_steps
from .steps import LiveLookups, Plan, ReferencingKey, Skipped, Step

if TYPE_CHECKING:
    from sqlalchemy import MetaData
    from sqlalchemy import Table as SATable
    from sqlalchemy.engine import Dialect as SADialect

__all__ = [
    "EXACT_COUNT_LIMIT",
    "MODES",
    "NAMING_KINDS",
    "LiveLookups",
    "Plan",
    "ReferencingKey",
    "Skipped",
    "Step",
    "build_plan",
    "make_plan",
    "measure",
]

MODES = ("safe", "alter", "force")

# The phase each change kind is planned in (safe/alter modes).
HANDLERS: dict[str, Callable[[Builder, Change], None]] = {
    "table_missing": tables.on_table_missing,
    "table_extra": tables.on_table_extra,
    "column_missing": columns.on_column_missing,
    "column_extra": columns.on_column_extra,
    # Native enum labels in another order (drift/diff.py): a type rebuild, never planned.
    "type_mismatch": lambda b, c: (checks.on_enum_order if c.details.get("enum_order") else columns.on_type_mismatch)(b, c),
    "nullable_mismatch": columns.on_nullable_mismatch,
    "default_mismatch": columns.on_default_mismatch,
    "primary_key_mismatch": columns.on_primary_key_mismatch,
    "index_missing": indexes.on_index_missing,
    "index_extra": indexes.on_index_extra,
    "unique_missing": indexes.on_unique_missing,
    "unique_extra": indexes.on_unique_extra,
    "foreign_key_missing": foreign_keys.on_foreign_key_missing,
    "foreign_key_extra": foreign_keys.on_foreign_key_extra,
    "foreign_key_mismatch": foreign_keys.on_foreign_key_mismatch,
    "check_missing": checks.on_check_missing,
    "check_extra": checks.on_check_extra,
    "check_mismatch": checks.on_check_mismatch,
    # An inline ENUM (MySQL) gets its labels by a restatement of its column's type.
    "enum_label_missing": lambda b, c: (columns.on_enum_labels_in_type if b.db.enum_labels_in_column_type
                                        else checks.on_enum_label_missing)(b, c),
    "enum_label_extra": checks.on_enum_label_extra,
}

# Migra-style: the order steps run in, whatever order they were planned in (within a phase, the
# order planned).
RUN_ORDER = (
    # New enum labels first, and nothing later in the same transaction uses them where the
    # database forbids it (checks.defer_uses_of_new_labels).
    ("add_enum_label",),
    ("drop_constraint", "drop_index", "drop_check"),
    ("drop_table",),
    ("create_table",),
    ("rename_table", "rename_column"),  # rename_table first: columns are renamed in the table's new name
    ("add_column",),
    # With it, a table rebuild: after the tables its keys reference exist, before the indexes and
    # uniques that it would otherwise drop with the old table.
    ("alter_column",),
    ("create_index",),
    ("add_unique",),
    ("add_foreign_key",),
    # Once every column it reads exists with its final type.
    ("add_check",),
)
_PHASE = {kind: phase for phase, kinds in enumerate(RUN_ORDER) for kind in kinds}


def plan_phases(b: Builder, changes: Sequence[Change]) -> list[Step]:
    """The phases of a plan in the order they are decided (each may use what an earlier one
    decided), then its steps in the order they run."""
    # Names first: every later step names a table or column as it is named when the step runs.
    naming.resolve_names(b, changes)
    if b.mode == "force":
        reset = force.tables_to_reset(b, changes)
        kept = force.release_referencing_keys(b, reset)  # keys of kept tables that would block the drops
        force.drop_tables(b, reset)
        tables.create_tables(b, reset.ordered)
        force.restore_referencing_keys(b, kept, reset)
    else:
        # Drops, renames, column changes, indexes and uniques, one change at a time.
        for c in _type_before_default(changes):
            handler = HANDLERS.get(c.kind)
            if c.kind in NAMING_KINDS:
                naming.skip_naming(b, c)
            elif handler is None:
                b.skip(c.kind, c, f"{c.kind} is not planned by this version of schemaguard")
            else:
                handler(b, c)
        # Foreign keys once the columns, types and uniques they depend on are decided.
        foreign_keys.add_keys_that_can_hold(b)
        tables.create_tables(b, (n for n in tables.declared_order(b) if n in b.created))
        # One rebuild per table, once every change to it is known (databases that alter by rebuild).
        add_rebuild_steps(b)
        checks.defer_uses_of_new_labels(b)
    # Among the drops, foreign keys first: an index or unique one of them uses can then go.
    steps = sorted(b.steps, key=lambda s: (_PHASE["alter_column" if "rebuild" in s.details else s.kind],
                                           s.kind == "rename_column", s.drops_foreign_key is None))
    if b.mode != "force":
        key_indexes.keep_keys_indexed(b, steps)
    return steps


def _type_before_default(changes: Sequence[Change]) -> list[Change]:
    """The changes in their order, except that a column's type change comes before its default
    change (the diff gives them so): whether the default is planned depends on whether the type
    change is (Builder.types_kept)."""
    typed: dict[tuple[str | None, str | None], list[Change]] = {}
    for c in changes:
        if c.kind in TYPE_CHANGES:
            typed.setdefault((c.table, c.column), []).append(c)
    out: list[Change] = []
    moved: set[int] = set()
    for c in changes:
        if c.kind == "default_mismatch":
            for t in typed.get((c.table, c.column), ()):
                if id(t) not in moved:
                    moved.add(id(t))
                    out.append(t)
        if id(c) not in moved:
            moved.add(id(c))
            out.append(c)
    return out


def build_plan(
    changes: Sequence[Change],
    mode: str,
    dialect: SADialect | str,
    metadata_tables: Mapping[str, SATable],
    *,
    schema: str | None = None,
    existing_types: Iterable[str] = (),
    live: LiveLookups | None = None,
    existing_sequences: Iterable[str] = (),
    live_schema: Any = None,
    server: Any = None,
) -> Plan:
    """The ordered steps that bring the live schema towards the declared one in `mode`.

    `metadata_tables` maps each compared declared table's name to its SQLAlchemy Table: columns,
    types and defaults are rendered from those objects. `schema` qualifies every statement.
    `live` reads what a snapshot does not hold (LiveLookups): without it, SQLite changes that need
    a rebuild are skipped and some steps have no downgrade. `server` is the live server's
    ServerFacts (its version decides the online-DDL clauses; None writes none).
    """
    from ..dialects import dialect_named, sqlalchemy_dialect

    if mode not in MODES:
        raise UsageError(f"unknown plan mode {mode!r}", hint="use safe, alter or force")
    if isinstance(dialect, str):
        dialect = sqlalchemy_dialect(dialect)
        if server is not None:
            # DDL as this server spells it (MariaDB drops a CHECK by DROP CONSTRAINT, MySQL by DROP CHECK).
            dialect_named(dialect.name).for_server(dialect, server)
    builder = Builder(mode, dialect, metadata_tables, schema, existing_types, live, existing_sequences, live_schema,
                      server)
    steps = plan_phases(builder, changes)
    plan = Plan(mode=mode, dialect=dialect.name, steps=steps, skipped=builder.skipped)
    if not builder.db.transactional_ddl:
        plan.atomic = False
        plan.notes.append(
            f"not atomic: {builder.db.title} commits each DDL statement, so a step that fails leaves the steps "
            "before it applied; sync undoes those in reverse order and checks the result (a step marked "
            "as one that cannot be undone needs --yes)")
    return plan


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
    from sqlalchemy.engine import Connection

    from ..checking.check import _dialect_of, _select, load_live
    from ..drift.diff import diff
    from ..live.database import Database
    from ..schema.snapshot import Schema, is_snapshot_file, load_snapshot
    from ..sources.declared import declared_snapshot, declared_tables, load_target

    if mode not in MODES:
        raise UsageError(f"unknown plan mode {mode!r}", hint="use safe, alter or force")
    if isinstance(db, str) and is_snapshot_file(db):
        db = load_snapshot(db)
    # One handle serves the reflection, the database's lookups and the measurements (a snapshot
    # has none). A Connection the caller hands in is reflected as it is; the lookups and the
    # measurements open read-only connections of their own on its engine, as they always did.
    database = None if isinstance(db, Schema) else Database.open(db.engine if isinstance(db, Connection) else db)
    metadatas = _metadatas(models, load_target)
    dialect = _dialect_of(database if database is not None else db)
    declared = declared_snapshot(metadatas, dialect, schema=schema,
                                 label=", ".join(m for m in _labels(models)))
    try:
        live = load_live(db if isinstance(db, (Schema, Connection)) else database,
                         schema=schema if schema is not None else declared.schema, include=include,
                         exclude=exclude, include_bookkeeping=include_bookkeeping)
        compared, outside, _notes = _select(declared, live, include, exclude)
        wanted = {(t.schema, t.name) for t in compared.tables}
        sa_tables = {t.name: t for t in declared_tables(metadatas) if (t.schema, t.name) in wanted}
        measured_schema = schema if schema is not None else live.schema
        types: list[str] = []
        sequences: list[str] = []
        lookups = None
        if database is not None:
            # The database's own questions (which types exist, an index's definition...) are its
            # Dialect's; the handle is the one read from here and by measure() below.
            types, sequences = existing_types_and_sequences(database, measured_schema)
            lookups = live_lookups(database, measured_schema, live)
        plan = build_plan(diff(compared, live, outside=outside), mode, live.dialect, sa_tables, schema=schema,
                          existing_types=types, live=lookups, existing_sequences=sequences, live_schema=live,
                          server=database.facts if database is not None else None)
        plan.database = live.label
        plan.declared, plan.live = compared, live
        if database is not None:
            measure(plan, database, measured_schema)
        return plan
    finally:
        if database is not None and database is not db:
            database.close()


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

