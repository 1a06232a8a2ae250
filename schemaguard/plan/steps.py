"""What a plan is made of: its steps, the changes it skips, and what it reads from the live database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Table as SATable


@dataclass(frozen=True)
class IndexEffect:
    """One index a step creates (`adds`) or drops on a live table, with the step's statement as
    rendered before any online-DDL clause."""

    live_table: str
    name: str
    columns: tuple[str, ...]  # as named when the step runs
    adds: bool
    operation: str  # the online-DDL operation of the step (Dialect.online_ddl)
    statement: str
    schema: str | None = None
    declared_table: str | None = None  # the models' table, where the step has one
    prefix: bool = False  # an element is a prefix of its column (mysql_length): it cannot serve a key


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
    # add_foreign_key over existing rows: (schema, columns, referenced schema, table, columns), so
    # that measure() counts the rows no referenced row matches (the step would fail on them).
    references: tuple[str | None, tuple[str, ...], str | None, str, tuple[str, ...]] | None = field(
        default=None, repr=False)
    # An index created or dropped, for the databases that make and drop a foreign key's index by
    # themselves (plan/key_indexes.py rewrites the step so that every key keeps an index).
    index_effect: IndexEffect | None = field(default=None, repr=False)
    # drop_constraint of a foreign key: the key's name (such drops run first among the drops).
    drops_foreign_key: str | None = field(default=None, repr=False)

    @property
    def sql(self) -> str:
        return "\n".join(s + ";" for s in self.statements)

    def to_dict(self, *, undo: bool = False) -> dict[str, Any]:
        """The contract's keys; with `undo` (a plan that is not atomic), also the statements that
        undo the step ("undo") or why it cannot be undone ("irreversible")."""
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
        if undo:
            if self.irreversible:
                out["irreversible"] = self.irreversible
            else:
                out["undo"] = "\n".join(s + ";" for s in self.undo)
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
    """The ordered steps of one sync mode, and the changes it leaves alone."""

    mode: str
    dialect: str
    steps: list[Step] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    database: str = ""
    # The two sides that were compared (for reports that draw them, such as the ER diagram).
    declared: Any = field(default=None, repr=False)
    live: Any = field(default=None, repr=False)
    # False where the database commits each DDL statement (MySQL): a failed step leaves the
    # earlier ones applied, and a sync undoes them itself. `notes` say so to the reader.
    atomic: bool = True
    notes: list[str] = field(default_factory=list)

    @property
    def irreversible(self) -> list[Step]:
        """The steps that cannot be undone, where that matters (a plan that is not atomic)."""
        return [] if self.atomic else [s for s in self.steps if s.irreversible]

    def to_dict(self, environment: str = "production", allowed: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "mode": self.mode,
            "environment": environment,
            "allowed": allowed,
            "steps": [s.to_dict(undo=not self.atomic) for s in self.steps],
            "skipped": [s.to_dict() for s in self.skipped],
        }
        if not self.atomic:
            # Additive keys, written only where they say something (the contract's shape holds).
            out["atomic"] = False
            out["notes"] = list(self.notes)
        return out

    @property
    def statements(self) -> list[str]:
        return [stmt for s in self.steps for stmt in s.statements]


@dataclass(frozen=True)
class ReferencingKey:
    """A foreign key that references a table of the compared schema, as the catalog has it: the
    referencing table's schema and name, and everything needed to put the key back."""

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
    rebuild (where the database alters by rebuilding), a column's type as SQLAlchemy reflects it and an index's own CREATE
    statement (both for the downgrade of an Alembic revision)."""

    rebuild_source: Callable[[str], Any] | None = None
    column_type: Callable[[str, str], Any] | None = None
    # A column as SQLAlchemy's inspector reflects it (name, type, nullable, default, comment,
    # autoincrement), for databases whose ALTER restates the whole column; None when not found.
    column: Callable[[str, str], dict[str, Any] | None] | None = None
    index_sql: Callable[[str, str], str | None] | None = None
    # Whether a table has rows (True/False), None when that cannot be had quickly.
    has_rows: Callable[[str], bool | None] | None = None
    # Where a referenced table cannot be dropped (Dialect.releases_referencing_keys): every foreign
    # key, from any schema, that references one of these tables of the compared schema (a force
    # reset must release the ones whose tables it keeps).
    referencing_keys: Callable[[Sequence[str]], list[ReferencingKey]] | None = None
    # How many rows of a table a CHECK expression refuses (NULL passes), None when that cannot be
    # had quickly: an add_check is skipped with the count when any do.
    check_violations: Callable[[str, str], int | None] | None = None
    # The collation a column compares by (table, column), or a table's default one (table, None);
    # None where it has none (Dialect.foreign_key_needs_one_collation: a key needs one on both sides).
    collation: Callable[[str, str | None], str | None] | None = None


@dataclass
class Op:
    """One change folded into a rebuild: `apply` runs on Alembic's batch operations, `omit`
    removes a constraint from the copied table (how a rebuild drops a constraint, named or not)."""

    kind: str
    column: str | None
    what: str
    hazards: list[str] = field(default_factory=list)
    apply: Callable[[Any], None] | None = None
    omit: Callable[[SATable], None] | None = None
    change: Any = None
