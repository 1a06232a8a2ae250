"""What every database is asked, with the answers that hold where nothing says otherwise.

A `Dialect` is the one place that knows how a database differs: how its URLs get a driver, how an
engine opens it read-only, how its catalog is read in bulk, what its type names mean, how DDL runs
in a transaction there, and what each plan hazard means on it. `postgresql.py`, `sqlite.py` and
`mysql.py` each subclass it; the rest of schemaguard asks the object (`dialect_of(engine)`), never
`if name == "postgresql"`. A database without a module of its own gets this base class: the
inspector's reflection and SQLAlchemy's own spellings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from ..schema.types import TypeSpec, parse_type

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection, Engine
    from sqlalchemy.engine import Dialect as SADialect

    from ..schema.snapshot import Check, Column, Index, Schema, Table

_WS = re.compile(r"\s+")
# The fold (schema/expressions.py) of `x IN (0, 1)`.
_BOOLEAN_CHECK = re.compile(r"in\(([^(),]+),0,1\)")
COLLATE = re.compile(r"\s+COLLATE\s+(.+)$", re.IGNORECASE)


# The ALTER actions a plan asks `Dialect.online_ddl` about: what one step does to a table.
ONLINE_OPERATIONS = (
    "add_column", "drop_column", "rename_column", "set_default", "drop_not_null", "set_not_null",
    "change_type", "append_enum_labels", "create_index", "drop_index", "add_unique", "drop_unique",
    "add_foreign_key", "drop_foreign_key",
)


class Dialect:
    """One database's answers. Instances are stateless singletons (`dialect_named`); what one server
    reports about itself (version, default schema) lives on the live handle, not here."""

    #: SQLAlchemy's name for the database (`engine.dialect.name`).
    name: ClassVar[str] = "default"
    #: How people write its name in a sentence.
    title: ClassVar[str] = "the database"

    # --- URLs and connections ---------------------------------------------------------------

    def with_default_driver(self, url: URL) -> URL:
        """The URL with the driver schemaguard uses when the user wrote none."""
        return url

    def as_written(self, url: URL) -> URL:
        """The URL in the form the user wrote it (the default driver taken out again)."""
        return url

    def create_engine(self, url: URL, *, readonly: bool, pool_size: int | None = None) -> Engine:
        """An engine on `url`: no pool kept between connections unless `pool_size` asks for one
        (a fleet's connections are reused from target to target)."""
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        if pool_size is not None:
            return create_engine(url, pool_size=pool_size, max_overflow=0, pool_timeout=600)
        return create_engine(url, poolclass=NullPool)

    def begin_read_only(self, conn: Connection) -> None:
        """Make the connection's transaction unable to write, where the database can say so."""

    def error_detail(self, orig: BaseException) -> str | None:
        """The reason in a driver's connection error, where the driver wraps it (None: its text)."""
        return None

    def server_settings(self, conn: Connection) -> dict[str, Any]:
        """Settings of the server that the comparison consults, read once per command (the live
        handle's ServerFacts): `flavor`, `lower_case_table_names`."""
        return {}

    def begin_ddl(self, conn: Connection, *, foreign_keys_off: bool = False, begin: bool = True) -> Callable[[], None]:
        """Open a transaction that DDL really belongs to (`begin=False`: only prepare the connection
        for one); returns how to put the connection back."""
        if begin:
            conn.begin()
        return lambda: None

    def set_step_timeouts(self, conn: Connection, lock_ms: int, statement_ms: int) -> None:
        """Bound how long one step of a sync may wait for a lock and run, for this transaction."""

    #: DDL belongs to the transaction it runs in, so a failed sync rolls back every step. Where it
    #: does not (MySQL commits each DDL statement), a sync must undo the steps it applied itself.
    transactional_ddl: ClassVar[bool] = True

    # --- one sync at a time -------------------------------------------------------------------

    #: The sync lock is the write transaction itself (SQLite): the steps must run in it, on the
    #: lock's connection. Elsewhere the lock is held by a connection of its own for the whole sync.
    sync_lock_is_transaction: ClassVar[bool] = False
    #: How the lock is taken and released, for the README and the messages.
    sync_lock_name: ClassVar[str] = "no database-wide lock"

    def take_sync_lock(self, conn: Connection, wait_ms: int) -> tuple[bool, Callable[[], None]]:
        """Take the database-wide lock that lets one sync run at a time, waiting at most `wait_ms`.
        Returns whether it had to wait, and how to release it. Raises LockUnavailable past the
        bound. The general answer: this database has no such lock; nothing is taken."""
        return False, lambda: None

    def lock_failure(self, exc: BaseException) -> str | None:
        """What a failed statement ran into: "lock" (it gave up waiting for a lock), "timeout" (it
        ran out of time), "connection" (the connection or the server went away), else None."""
        return None

    def lock_holders(self, conn: Connection, table: str, schema: str | None) -> str | None:
        """Who holds locks on a table now, in a few words, where the database can tell."""
        return None

    # --- reflection -------------------------------------------------------------------------

    def reflect_catalog(
        self, conn: Connection, schema: str | None, wanted: Callable[[str], bool], label: str
    ) -> Schema | None:
        """The live Schema read straight from the catalog, or None where this database (or this
        connection's driver or server version) has no such path: the inspector is used then."""
        return None

    def inspected_extras(
        self, conn: Connection, foreign_keys: Mapping[Any, list[Any]]
    ) -> tuple[dict[str, list[Index]], dict[str, list[tuple[str, ...]]], Mapping[Any, list[Any]]]:
        """What the inspector misses here: expression indexes and inline uniques per table name,
        and the foreign keys corrected. Nothing, where the inspector reads it all."""
        return {}, {}, foreign_keys

    def index_collations(self, conn: Connection, schema: str | None) -> dict[tuple[str, str], list[str]]:
        """(table, index) -> each key's collation where it is not the column's own, for the
        inspector's path (it does not read them); empty where the inspector has them already."""
        return {}

    def checks_by_table(self, conn: Connection, schema: str | None) -> dict[str, list[Check]] | None:
        """Table name -> its CHECK constraints, for the inspector's path where the inspector's own
        reading misses some (MariaDB's column-level CHECKs); None to take the inspector's."""
        return None

    def index_element_options(self, conn: Connection, schema: str | None) -> dict[tuple[str, str], tuple[str, ...]] | None:
        """(table, index) -> each element's options text (schema.expressions.element_options), for
        the inspector's path where the inspector does not read them (MySQL's DESC); None: its own."""
        return None

    def generated_columns(self, conn: Connection, schema: str | None) -> dict[tuple[str, str], str] | None:
        """(table, column) -> the expression of each generated column, where the inspector's own
        reading cannot be trusted; None to take the inspector's."""
        return None

    def live_autoincrement(self, column: Mapping[str, Any], primary_key: Sequence[str], type_text: str | None) -> bool:
        """Whether a reflected column numbers itself: an identity or a sequence default."""
        from ..schema.defaults import is_sequence_default

        raw_default = column.get("default")
        return bool(column.get("identity")) or is_sequence_default(raw_default) or bool(
            column.get("autoincrement") is True and raw_default and is_sequence_default(raw_default)
        )

    def fk_action(self, action: str) -> str:
        """A foreign key's ON DELETE/ON UPDATE action in the spelling that means it here."""
        return action

    def implied_index(self, table: Table, index: Index) -> bool:
        """Whether a live index is one the database made by itself (not drift when undeclared)."""
        return False

    #: Only a lone INTEGER PRIMARY KEY numbers itself (the rowid), whatever the model says.
    rowid_autoincrement: ClassVar[bool] = False

    #: CHECK constraints are read on the live side and compared (False: Table.checks is left
    #: unknown, on both reading paths, and CHECKs are not compared on this database).
    compares_checks: ClassVar[bool] = True
    #: An index element's direction, NULLS order, collation and operator class are read on the
    #: live side and compared (False: the declared side's are left out of the comparison).
    compares_index_options: ClassVar[bool] = True

    # --- types ------------------------------------------------------------------------------

    #: Collations are part of a column's type (SQLite's inspector does not report them).
    compares_collations: ClassVar[bool] = True

    def fold_type(self, name: str, args: list[str], array: str) -> tuple[str, list[str], str]:
        """Spellings this database stores as the same type, folded to one."""
        return name, args, array

    def type_as_reflected(self, compiled: str, sa_dialect: SADialect) -> str:
        """A compiled type name as this database's inspector would read it back."""
        return compiled

    def native_enum(self, type_: Any, sa_dialect: SADialect) -> bool:
        """Whether an Enum is a type of its own here (PostgreSQL's CREATE TYPE, MySQL's ENUM)."""
        return bool(getattr(type_, "native_enum", False)) and bool(
            getattr(sa_dialect, "supports_native_enum", False)
        )

    def canonical_text(self, text: str) -> str:
        """Fold a compiled type text into the canonical spelling for this database."""
        return _canonical_text(self, text)

    def canonical_type(self, type_: Any, sa_dialect: SADialect) -> str | None:
        """The canonical text of a SQLAlchemy type here; None for an unknown (NullType) type."""
        null_type, enum, compile_error = _sqlalchemy_names()
        if isinstance(type_, null_type):
            return None
        if isinstance(type_, enum) and self.native_enum(type_, sa_dialect):
            values = ", ".join("'" + str(v).replace("'", "''") + "'" for v in type_.enums)
            return f"ENUM({values})"
        try:
            compiled = sa_dialect.type_compiler_instance.process(type_)
        except (compile_error, NotImplementedError, AttributeError, TypeError):
            # A type the dialect cannot render (a PostgreSQL-only type on SQLite...): compare by name.
            compiled = getattr(type_, "__visit_name__", type(type_).__name__)
        else:
            compiled = self.type_as_reflected(str(compiled), sa_dialect)
        return self.canonical_text(str(compiled))

    def same_type(self, declared: str, live: str) -> bool:
        """Whether a declared and a live canonical type are the same column type here."""
        return declared == live

    def normalize_default(self, text: str | None, type_text: str | None) -> str | None:
        """A server default's canonical text (schemaguard.schema.defaults), folded further where
        this database spells one default several ways."""
        from ..schema.defaults import normalize_default

        return normalize_default(text, type_text)

    def implicit_default(self, declared: Column, live: Column, table: Table, schema: Schema) -> bool:
        """Whether the live column's default is one the server gave it by itself, the model having
        declared none (MySQL's first TIMESTAMP under explicit_defaults_for_timestamp=OFF)."""
        return False

    def sequelize_enum_is_native(self) -> bool:
        """Whether Sequelize's ENUM is an enum type here (PostgreSQL's named type, MySQL's inline
        ENUM), compared by its labels as written; elsewhere it is the text type it renders."""
        return False

    # --- CHECK constraints ----------------------------------------------------------------------

    #: sqlglot's name for this database's SQL, in which its CHECK expressions are parsed.
    check_sql: ClassVar[str | None] = None
    #: BOOLEAN is a type of its own: SQLAlchemy makes no CHECK (x IN (0, 1)) for a Boolean here.
    native_boolean: ClassVar[bool] = False

    def normalize_check(self, text: str) -> str:
        """A CHECK expression folded to its meaning, whichever side wrote it: the model's compiled
        text or this database's print-back of the constraint (casts, parentheses, rewritten
        BETWEEN and IN taken out). Two CHECKs mean the same when their folds are equal."""
        from ..schema.expressions import normalize_check

        return normalize_check(text, self.check_sql)

    def type_generated_check(self, normalized: str, column_types: Mapping[str, str | None]) -> bool:
        """Whether a CHECK the database has is one SQLAlchemy makes for a type this database lacks
        (Boolean's `x IN (0, 1)`, as SQLAlchemy 1.3 made by default): not the models' own."""
        if self.native_boolean:
            return False
        m = _BOOLEAN_CHECK.fullmatch(normalized)
        return m is not None and (column_types.get(m.group(1)) or "").upper() in ("BOOLEAN", "BOOL")

    def check_violations_sql(self, table: str, expression: str, schema: str | None, sa_dialect: SADialect) -> str:
        """A statement counting the rows of a table that a CHECK would refuse (NULL passes a CHECK)."""
        prep = sa_dialect.identifier_preparer
        name = prep.quote(table) if schema is None else f"{prep.quote_schema(schema)}.{prep.quote(table)}"
        return f"SELECT count(*) FROM {name} WHERE NOT ({expression})"  # noqa: S608 - quoted names, the model's own CHECK

    # --- reports ----------------------------------------------------------------------------

    def hazard_advice(self, hazard: str) -> str | None:
        """What a plan hazard means on this database, where it differs from the general advice."""
        return None

    # --- planning ---------------------------------------------------------------------------
    # What the planner (schemaguard/plan/) asks: which steps a change takes here, which hazards
    # they carry, and what it reads from the live database beyond the snapshot.

    #: Native enums are named types of their own (CREATE TYPE), created before the tables that
    #: use them and dropped after them: the plan reads which exist and creates only the others.
    native_enum_types: ClassVar[bool] = False
    #: ALTER TABLE cannot alter a column, add or drop a constraint: those changes rebuild the
    #: table (plan/rebuild.py), all of one table's in one step.
    alters_by_rebuild: ClassVar[bool] = False
    #: A CHECK is added without reading the table (NOT VALID) and validated by a second statement
    #: that lets reads and writes go on; elsewhere ADD CONSTRAINT reads every row under its lock.
    validates_checks_separately: ClassVar[bool] = False
    #: A unique constraint is added to an existing table as a unique index (no ADD CONSTRAINT).
    adds_unique_as_index: ClassVar[bool] = False
    #: Building an index (CREATE INDEX, ADD UNIQUE) keeps the table's writers waiting for the
    #: whole build: the step carries the hazard create_index_blocking.
    index_build_blocks_writes: ClassVar[bool] = False
    #: Adding a foreign key to a table reads every row it holds under lock: the step carries the
    #: hazard add_foreign_key_validating.
    validates_new_foreign_keys: ClassVar[bool] = False
    #: New tables are created with every key inline, a key of a dependency cycle too: the database
    #: accepts a key to a table that does not exist yet.
    creates_foreign_keys_inline: ClassVar[bool] = False
    #: Dropping a table that another table's foreign key references is refused: a force reset drops
    #: those keys first and puts them back on the new tables.
    releases_referencing_keys: ClassVar[bool] = False
    #: An index element can say NULLS FIRST/LAST (SQLite and MySQL cannot: declared NULLS
    #: ordering is left out of the comparison there).
    index_nulls_order: ClassVar[bool] = False
    #: An index element can name an operator class (`text_pattern_ops`).
    index_operator_classes: ClassVar[bool] = False
    #: An index element can index a prefix of its column (MySQL's `name(10)`, declared with
    #: `mysql_length`): compared as an element option.
    index_prefix_lengths: ClassVar[bool] = False

    #: ALTER of one attribute of a column restates the whole column (MySQL's MODIFY/CHANGE): the
    #: plan states every attribute as the column has it when the step runs (the live column, as
    #: earlier steps of the plan left it), and the undo restates the column as it was.
    restates_column_on_alter: ClassVar[bool] = False
    #: An enum's labels are part of its column's type (MySQL's inline ENUM): a missing label is
    #: added by restating the column with the declared type (an alter_column), not by ALTER TYPE.
    enum_labels_in_column_type: ClassVar[bool] = False
    #: Adding a foreign key makes an index on its columns when no index starts with them (InnoDB):
    #: the add's undo drops that index too, or the schema is not as it was.
    foreign_key_makes_index: ClassVar[bool] = False

    #: A foreign key's character columns must compare by one collation on both sides (InnoDB).
    foreign_key_needs_one_collation: ClassVar[bool] = False

    def collations(self, conn: Connection, schema: str | None) -> dict[tuple[str, str | None], str]:
        """{(table, column): the collation it compares by, (table, None): the table's default}."""
        return {}

    def create_index_if_missing(self, statement: str, flavor: str | None) -> str | None:
        """A CREATE INDEX that does nothing where the index exists; None where there is none."""
        return None

    def one_alter_table(self, statements: Sequence[str]) -> str | None:
        """One ALTER TABLE that does what `statements` (CREATE INDEX, DROP INDEX, ALTER TABLE, all on
        one table) do, at once: where a foreign key must have an index at every moment, an index
        is dropped and its replacement added in one statement. None where there is no such form."""
        return None

    def online_ddl(self, statement: str, operation: str, version: tuple[Any, ...] | None,
                   flavor: str | None) -> str:
        """`statement` with the clause that makes the server carry out `operation` without
        blocking writes (MySQL's `ALGORITHM=INSTANT` or `ALGORITHM=INPLACE, LOCK=NONE`), where this
        server `version` (and `flavor`: "mysql" or "mariadb") does it so; unchanged where it would
        copy the table, where the version is unknown (a plan from a snapshot), or where the database
        has no such clause. `operation` is one of ONLINE_OPERATIONS."""
        return statement

    #: A label added to a native enum type can be used in the transaction that added it. Not on
    #: PostgreSQL ("unsafe use of new value"): a plan leaves out the steps that would.
    new_enum_label_usable_in_transaction: ClassVar[bool] = True

    def add_enum_label_sql(self, type_sql: str, label: str, before: str | None, after: str | None) -> str | None:
        """The statement that adds a label to a native enum type (`type_sql`: its quoted,
        qualified name), placed before or after an existing label; None where an enum is not a
        type of its own that can be altered."""
        return None

    def enum_type_ddl(self, type_: Any) -> tuple[Any, Any] | None:
        """The DDL constructs that create and drop a native enum's type; None where an enum is not
        a type of its own."""
        return None

    def type_change_is_metadata_only(self, live: str, declared: str) -> bool:
        """Whether changing a column from type `live` to `declared` (canonical texts) touches the
        catalog only, without rewriting the table and its indexes."""
        return False

    def default_in_ddl(self, sql: str, type_text: str | None) -> str:
        """A column default (SQL text) as DDL writes it after DEFAULT on a column of type
        `type_text` (the type's DDL, None when unknown): as it is, unless the database wants it
        otherwise (MySQL: an expression in parentheses)."""
        return sql

    def add_column_takes_default(self, default: str) -> bool:
        """Whether ADD COLUMN accepts this (normalized) server default in place."""
        return True

    def is_implicit_index(self, name: str) -> bool:
        """Whether an index is the database's own, made for a column-level UNIQUE: it goes with the
        constraint and cannot be dropped by its name."""
        return False

    #: Why foreign_key_types_comparable said no, in the plan's words.
    @property
    def foreign_key_types_rule(self) -> str:
        return f"{self.title} has no comparison between the two types"

    def foreign_key_types_comparable(self, local: str, referenced: str) -> bool:
        """Whether a foreign key from a column of type `local` to one of type `referenced`
        (canonical texts) can be built."""
        return True

    def skip_foreign_key_validation(self, constraint: Any) -> bool:
        """Mark a foreign key (a SQLAlchemy ForeignKeyConstraint) to be added without checking the
        rows already there; False where it cannot be."""
        return False

    def for_server(self, sa_dialect: SADialect, server: Any) -> None:
        """Make a SQLAlchemy dialect that compiles DDL offline write it as this server (its
        ServerFacts) spells it, where servers of one database differ."""

    def unchecked_foreign_key(self, statements: list[str]) -> list[str] | None:
        """Where a key cannot be marked to skip the rows already there (skip_foreign_key_validation),
        the statements that add it without checking them, or None where that cannot be done."""
        return None

    # What the plan reads from the live database: a read-only connection is handed in.

    def existing_types_and_sequences(self, conn: Connection, schema: str | None) -> tuple[list[str], list[str]]:
        """The names of the enum types and of the sequences the database has."""
        return [], []

    def index_definition(self, conn: Connection, table: str, name: str, schema: str | None) -> str | None:
        """The database's own CREATE statement of an index (to put it back); None where unknown."""
        return None

    def referencing_keys(self, conn: Connection, tables: Sequence[str], schema: str | None) -> list[dict[str, Any]]:
        """Every foreign key, from any schema, that references one of these tables of `schema`, as
        the fields of a plan's ReferencingKey."""
        return []

    def row_estimate(self, conn: Connection, table: str, schema: str | None) -> int | None:
        """The catalog's estimate of a table's rows, read without counting; None where unknown."""
        return None

    def limit_statement_time(self, conn: Connection, milliseconds: int) -> None:
        """Make each statement of this transaction give up after `milliseconds`, where the database
        can; a plan's measurements would rather lack a number than wait for it."""

    # --- names ------------------------------------------------------------------------------

    def table_name_note(self, live: Schema) -> str | None:
        """What the server's own name folding means for a table named in another case."""
        return None

    def column_case_harmless(self, declared: str, live: str) -> bool:
        """Whether queries naming the declared column reach the live one here (case-blind names)."""
        return False

    def column_name_note(self, declared: str, live: str) -> str | None:
        """What the server's own name folding means for a column named in another case/style."""
        return None


@lru_cache(maxsize=8192)  # a schema repeats a few dozen spellings over thousands of columns
def _canonical_text(dialect: Dialect, text: str) -> str:
    text = _WS.sub(" ", text.strip()).upper()
    # String(collation=...) compiles to `VARCHAR(10) COLLATE "C"`: keep the collation apart from
    # the name and its arguments.
    collate = ""
    m = COLLATE.search(text)
    if m:
        text = text[: m.start()]
        collate = " COLLATE " + m.group(1) if dialect.compares_collations else ""
    array = ""
    while text.endswith("[]"):
        array += "[]"
        text = text[:-2].rstrip()
    spec = parse_type(text)
    name, args = spec.name, list(spec.args)
    # Words after the parentheses, as in TIMESTAMP(3) WITH TIME ZONE, belong to the name.
    if spec.suffix:
        name = f"{name} {spec.suffix}"
    name, args, array = dialect.fold_type(name, args, array)
    return str(TypeSpec(name, tuple(args))) + array + collate


@lru_cache(maxsize=1)
def _sqlalchemy_names() -> tuple[Any, Any, Any]:
    # Imported on first use and then kept: canonical_type runs once per column, and a
    # function-level import costs as much as the rest of it.
    from sqlalchemy import types as sqltypes
    from sqlalchemy.exc import CompileError

    return sqltypes.NullType, sqltypes.Enum, CompileError
