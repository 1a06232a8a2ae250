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

    from ..schema.snapshot import Index, Schema, Table

_WS = re.compile(r"\s+")
COLLATE = re.compile(r"\s+COLLATE\s+(.+)$", re.IGNORECASE)


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

    def begin_ddl(self, conn: Connection, *, foreign_keys_off: bool = False) -> Callable[[], None]:
        """Open a transaction that DDL really belongs to; returns how to put the connection back."""
        conn.begin()
        return lambda: None

    def set_step_timeouts(self, conn: Connection, lock_timeout: str, statement_timeout: str) -> None:
        """Bound how long one step of a sync may wait for a lock and run, for this transaction."""

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

    def sequelize_enum_is_native(self) -> bool:
        """Whether Sequelize's ENUM is a named type of its own here (compared by its labels)."""
        return False

    # --- reports ----------------------------------------------------------------------------

    def hazard_advice(self, hazard: str) -> str | None:
        """What a plan hazard means on this database, where it differs from the general advice."""
        return None

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
