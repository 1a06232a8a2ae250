"""The state a plan is built in, shared by its phases, and the helpers they all use: add a step or
skip a change, name a table or column as it is named when a step runs, find the declared objects."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..dialects import dialect_of
from ..drift.diff import Change
from .render import Renderer
from .steps import LiveLookups, Skipped, Step

if TYPE_CHECKING:
    from sqlalchemy import Table as SATable
    from sqlalchemy.engine import Dialect as SADialect

SAFE_NEVER_DROPS = "destructive: safe mode never drops"
SAFE_NEVER_ALTERS = "safe mode never alters an existing column"
ALTER_NEVER_DESTROYS = "destructive: alter mode never runs destructive steps"
# The changes that change a column's type (an inline ENUM's labels are its type on MySQL).
TYPE_CHANGES = ("type_mismatch", "enum_label_missing")


class Builder:
    """One plan in the making: the steps and skips so far, and what the phases tell each other
    (the names in effect, what is created, added, changed or left out)."""

    def __init__(
        self,
        mode: str,
        dialect: SADialect,
        tables: Mapping[str, SATable],
        schema: str | None,
        existing_types: Iterable[str] = (),
        live: LiveLookups | None = None,
        existing_sequences: Iterable[str] = (),
        live_schema: Any = None,
        server: Any = None,
    ) -> None:
        self.mode = mode
        # The live server's facts (ServerFacts: version, flavor), None for a plan from a snapshot:
        # the online-DDL clauses depend on the version (Builder.online).
        self.server = server
        # (table, column) -> the column as it is when the next step on it runs (databases whose
        # ALTER restates the whole column: each step restates what the earlier ones left).
        self.columns_now: dict[tuple[str, str], dict[str, Any]] = {}
        # (table, columns) of the indexes this plan creates (a foreign key's index then exists).
        self.indexes_added: set[tuple[str, tuple[str, ...]]] = set()
        # (table, name) of the live indexes this plan drops.
        self.indexes_dropped: set[tuple[str, str]] = set()
        # live table -> {name of a foreign key this plan drops: the index dropped with it, or None}
        self.foreign_keys_dropped: dict[str, dict[str, str | None]] = {}
        # The live Schema (snapshot): its keys decide what a force reset must release first.
        self.live_schema = live_schema
        # Sequences that exist (or that an earlier step of this plan creates).
        self.sequences_present: set[str] = set(existing_sequences)
        # live table name -> the changes its rebuild makes (see schemaguard.plan.rebuild).
        self.rebuilds: dict[str, list[Any]] = {}
        self.live = live or LiveLookups()
        self.rebuild_source = self.live.rebuild_source
        # the enum types the last enum_types() call creates (dropped again by the step's undo)
        self.enums_created: list[Any] = []
        # Native enum types that exist (or that an earlier step of this plan creates).
        self.types_present: set[str] = set(existing_types)
        self.dialect = dialect
        # What this database does differently: every phase asks it, none compares a name.
        self.db = dialect_of(dialect)
        self.tables = tables
        self.schema = schema
        self.render = Renderer(dialect)
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
        # (live table, live column) -> what left the column's type change out of this plan (a
        # default for the declared type is then left out too: columns.on_default_mismatch).
        self.types_kept: dict[tuple[str, str], str] = {}
        # (table, columns) of the unique constraints and unique indexes this plan adds.
        self.uniques_added: set[tuple[str, frozenset[str]]] = set()
        # (table, column) -> the Column this plan adds: by an add_column step (folded into a rebuild
        # of its table where there is one), or by a rebuild where ADD COLUMN cannot take its default
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

    def online(self, statements: list[str], operation: str) -> list[str]:
        """The statements with the clause that keeps writes going where this server version has one
        for `operation` (Dialect.online_ddl); as they are without a live server. Never for an undo:
        a clause makes the server refuse rather than copy, and an undo must rather be slow than fail."""
        if self.server is None:
            return statements
        return [self.db.online_ddl(stmt, operation, getattr(self.server, "version", None), self.flavor)
                for stmt in statements]

    @property
    def flavor(self) -> str | None:
        """The live server's flavor (ServerFacts: "mariadb" for MariaDB), None for a snapshot's plan."""
        return getattr(self.server, "flavor", None) if self.server is not None else None

    def column_now(self, live_table: str, live_column: str) -> dict[str, Any] | None:
        """The column as the database has it when the next step on it runs: reflected first, then
        as the plan's earlier steps on it left it (update the returned dict). Its attributes as
        Alembic's alter_column takes them: type, nullable, default (SQL text), comment,
        autoincrement."""
        from sqlalchemy import text

        key = (live_table, live_column)
        if key not in self.columns_now:
            found = self.live.column(live_table, live_column) if self.live.column is not None else None
            if found is None:
                return None
            raw = found.get("default")  # the inspector's SQL text, quoted where it is a literal
            self.columns_now[key] = {
                "type": found["type"], "nullable": bool(found.get("nullable", True)),
                "default": text(raw) if isinstance(raw, str) else None, "comment": found.get("comment"),
                "autoincrement": found.get("autoincrement") is True,
            }
        return self.columns_now[key]

    def existing_column(self, live_table: str, live_column: str) -> dict[str, Any] | None:
        """Alembic's existing_* arguments for the column as it is when the next step on it runs."""
        now = self.column_now(live_table, live_column)
        if now is None:
            return None
        return {"existing_type": now["type"], "existing_nullable": now["nullable"],
                "existing_server_default": now["default"], "existing_comment": now["comment"],
                "existing_autoincrement": now["autoincrement"]}

    def skip(self, kind: str, c: Change, reason: str, column: str | None = None) -> None:
        # Named as the table will be named once the plan's renames ran (what a check finds then).
        table = self.target(c.table) if c.table is not None else None
        self.skipped.append(Skipped(kind, table, column if column is not None else c.column, reason, c.kind))
        if kind == "add_column" and c.table and c.declared is not None:
            self.not_added.add((c.table, c.declared.name))
        if c.kind in TYPE_CHANGES and c.table and c.column:
            self.types_kept[(c.table, c.column)] = reason

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
        if not self.db.native_enum_types:
            return []
        from sqlalchemy import Enum

        out: list[str] = []
        self.enums_created = []
        for col in columns:
            t = col.type
            ddl = self.db.enum_type_ddl(t) if isinstance(t, Enum) and t.native_enum and t.name else None
            if ddl is not None and t.name not in self.types_present:
                self.types_present.add(t.name)
                self.enums_created.append(t)
                out.extend(self.render.ddl(ddl[0]))
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
        out: list[str] = []
        for t in types:
            ddl = self.db.enum_type_ddl(t)
            if ddl is not None:
                out += self.render.ddl(ddl[1])
        return out

    def rebuild(self, c: Change, kind: str, column: str | None, what: str, *, hazards: Iterable[str] = (),
                apply: Callable[[Any], None] | None = None, omit: Callable[[Any], None] | None = None) -> None:
        """A change the database makes only by rebuilding the table (`alters_by_rebuild`): collected
        per table, one step each once every change is planned (rebuild.add_rebuild_steps)."""
        from .steps import Op

        self.rebuilds.setdefault(c.table or "", []).append(Op(kind, column, what, list(hazards), apply, omit, c))

    def drop_from_rebuilds(self, c: Change) -> None:
        """Take a change's operations out of the table rebuilds (its key is kept as it is)."""
        for table, ops in list(self.rebuilds.items()):
            kept = [op for op in ops if op.change is not c]
            if kept:
                self.rebuilds[table] = kept
            else:
                del self.rebuilds[table]

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

    def schema_for(self, declared_name: str) -> str | None:
        t = self.tables.get(declared_name)
        return self.schema if self.schema is not None else (t.schema if t is not None else None)

    def live_table(self, name: str) -> Any:
        """The table of the live snapshot by name, when the plan has a snapshot."""
        return self.live_schema.table(name) if self.live_schema is not None else None

