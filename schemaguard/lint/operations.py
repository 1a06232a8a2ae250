"""What the readers find: typed operations with their place in the file, and what the file has
created so far (a table created earlier in the same file or revision is new, so changing it is not
a hazard) besides what earlier migrations defined (column types and definitions, indexes, foreign
keys), which a later file knows without counting those tables as its own.

Readers (SQL, Alembic, application code) produce `Operation`s; the rules in `rules.py` turn them
into findings. Nothing here decides severity or wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from .sqltypes import ColumnType

DIALECTS = ("postgresql", "sqlite", "mysql", "mssql")
V = TypeVar("V")


@dataclass(frozen=True)
class Operation:
    """One operation of a kind the rules know, where it is, and the facts its message needs."""

    kind: str
    line: int
    table: str | None = None
    column: str | None = None
    # The new and the old side: types for type changes, names for renames.
    new: str | None = None
    old: str | None = None
    dialect: str = "postgresql"
    # "sql" (a .sql file), "alembic" (an op.* call), "alembic_sql" (SQL inside op.execute),
    # "python" (application code).
    source: str = "sql"
    # "upgrade" or "downgrade" for Alembic revisions.
    phase: str | None = None
    # The last line of the statement or call: a suppression comment anywhere on it applies.
    end_line: int | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def shifted(self, offset: int, *, source: str | None = None) -> Operation:
        """The same operation with its lines moved (SQL inside a Python string)."""
        return replace(
            self,
            line=self.line + offset,
            end_line=(self.end_line + offset) if self.end_line is not None else None,
            source=source or self.source,
        )


def qualified(name: str, schema: str | None) -> str:
    return f"{schema}.{name}" if schema else name


@dataclass(frozen=True)
class ColumnDefinition:
    """The parts of a column's definition that a MySQL MODIFY/CHANGE drops when it leaves them out."""

    nullable: bool
    default: str | None = None  # its SQL text; None when the column has no default
    auto_increment: bool = False


@dataclass(frozen=True)
class ForeignKey:
    """A foreign key as lint knows it: its table and columns, and those it references."""

    name: str | None
    table: str
    columns: tuple[str, ...]
    referent: str
    referent_columns: tuple[str, ...]


@dataclass
class Scope:
    """What one file (or one revision function) has created so far, and what it knows of the
    columns, indexes and foreign keys defined by it or by the migrations before it (`carried`).

    Names are compared as the database would: on PostgreSQL the SQL parser has already folded
    unquoted names to lower case and kept quoted ones, and SQLAlchemy quotes exactly the names that
    are not all lower case, so both meet as exact strings. SQLite and MySQL (on the default
    case-insensitive setups) compare table names without case.
    """

    dialect: str = "postgresql"
    # table name -> schemas it was created in ("" for none given)
    _tables: dict[str, set[str]] = field(default_factory=dict)
    _columns_added: set[tuple[str, str]] = field(default_factory=set)
    _types: dict[tuple[str, str], ColumnType] = field(default_factory=dict)
    _schemas: set[str] = field(default_factory=set)
    # What a MySQL MODIFY/CHANGE must restate, where a statement of this scope said it: nullability
    # and the default (None: no default), per column.
    _definitions: dict[tuple[str, str], ColumnDefinition] = field(default_factory=dict)
    # Indexes (name -> columns, in order) and foreign keys per table: MySQL refuses to drop the
    # index a foreign key needs.
    _indexes: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    _foreign_keys: list[ForeignKey] = field(default_factory=list)

    def carried(self) -> Scope:
        """A scope for the next file: this one's knowledge (types, definitions, indexes, foreign
        keys), but no table, column or schema of its own. A table an earlier migration created
        holds rows in production, so its changes are hazards again."""
        return Scope(self.dialect, _types=dict(self._types), _definitions=dict(self._definitions),
                     _indexes={t: dict(ix) for t, ix in self._indexes.items()},
                     _foreign_keys=list(self._foreign_keys))

    def learn(self, other: Scope) -> None:
        """Add what `other` knows (a merge revision knows what each of its parents defined)."""
        self._types.update(other._types)
        self._definitions.update(other._definitions)
        for table, indexes in other._indexes.items():
            self._indexes.setdefault(table, {}).update(indexes)
        self._foreign_keys.extend(fk for fk in other._foreign_keys if fk not in self._foreign_keys)

    def rename_table(self, old: str, new: str) -> None:
        """Move what is known of a table to its new name (its foreign keys and those referencing it)."""
        o, n = self._key(old), self._key(new)
        if o == n:
            return
        _rekey(self._types, lambda k: (n, k[1]) if k[0] == o else k)
        _rekey(self._definitions, lambda k: (n, k[1]) if k[0] == o else k)
        if o in self._indexes:
            self._indexes[n] = self._indexes.pop(o)
        self._foreign_keys = [ForeignKey(fk.name, n if fk.table == o else fk.table, fk.columns,
                                         n if fk.referent == o else fk.referent, fk.referent_columns)
                              for fk in self._foreign_keys]

    def forget_table(self, name: str) -> None:
        """A dropped table: nothing of it is known any more (a later one of the same name is new)."""
        key = self._key(name)
        _rekey(self._types, lambda k: None if k[0] == key else k)
        _rekey(self._definitions, lambda k: None if k[0] == key else k)
        self._indexes.pop(key, None)
        self._foreign_keys = [fk for fk in self._foreign_keys if key not in (fk.table, fk.referent)]

    def forget_column(self, table: str, column: str) -> None:
        """A dropped column: its type and definition are no longer known."""
        key = (self._key(table), self._key(column))
        self._types.pop(key, None)
        self._definitions.pop(key, None)

    def rename_column(self, table: str, old: str, new: str) -> None:
        """Move a column's type, definition and place in indexes and foreign keys to its new name."""
        t, o, n = self._key(table), self._key(old), self._key(new)
        if o == n:
            return
        _rekey(self._types, lambda k: (t, n) if k == (t, o) else k)
        _rekey(self._definitions, lambda k: (t, n) if k == (t, o) else k)

        def moved(cols: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(n if c == o else c for c in cols)

        for name, cols in self._indexes.get(t, {}).items():
            self._indexes[t][name] = moved(cols)
        self._foreign_keys = [ForeignKey(fk.name, fk.table, moved(fk.columns) if fk.table == t else fk.columns,
                                         fk.referent,
                                         moved(fk.referent_columns) if fk.referent == t else fk.referent_columns)
                              for fk in self._foreign_keys]

    def create_schema(self, name: str) -> None:
        self._schemas.add(self._key(name))

    def is_new_schema(self, name: str) -> bool:
        return self._key(name) in self._schemas

    def _key(self, name: str) -> str:
        return name if self.dialect == "postgresql" else name.lower()

    def create_table(self, name: str, schema: str | None = None) -> None:
        self._tables.setdefault(self._key(name), set()).add(schema or "")

    def is_new(self, name: str | None, schema: str | None = None) -> bool:
        """Created earlier in this scope (an unqualified name matches any schema)."""
        if name is None:
            return False
        schemas = self._tables.get(self._key(name))
        if not schemas:
            return False
        return not schema or "" in schemas or schema in schemas

    def add_column(self, table: str, column: str, type_: ColumnType | None) -> None:
        self._columns_added.add((self._key(table), self._key(column)))
        self.set_type(table, column, type_)

    def is_new_column(self, table: str, column: str) -> bool:
        return (self._key(table), self._key(column)) in self._columns_added

    def set_type(self, table: str, column: str, type_: ColumnType | None) -> None:
        if type_ is not None:
            self._types[(self._key(table), self._key(column))] = type_

    def type_of(self, table: str, column: str) -> ColumnType | None:
        return self._types.get((self._key(table), self._key(column)))

    def define(self, table: str, column: str, definition: ColumnDefinition | None) -> None:
        key = (self._key(table), self._key(column))
        if definition is None:
            self._definitions.pop(key, None)
        else:
            self._definitions[key] = definition

    def definition_of(self, table: str, column: str) -> ColumnDefinition | None:
        return self._definitions.get((self._key(table), self._key(column)))

    def add_index(self, table: str, name: str, columns: tuple[str, ...]) -> None:
        self._indexes.setdefault(self._key(table), {})[self._key(name)] = tuple(self._key(c) for c in columns)

    def index_columns(self, table: str, name: str) -> tuple[str, ...] | None:
        return self._indexes.get(self._key(table), {}).get(self._key(name))

    def drop_index(self, table: str, name: str) -> None:
        self._indexes.get(self._key(table), {}).pop(self._key(name), None)

    def add_foreign_key(self, fk: ForeignKey) -> None:
        """Record a foreign key; like InnoDB, give it an index of its own (named after the
        constraint, else after its first column) when no index starts with its columns."""
        fk = ForeignKey(fk.name, self._key(fk.table), tuple(self._key(c) for c in fk.columns),
                        self._key(fk.referent), tuple(self._key(c) for c in fk.referent_columns))
        self._foreign_keys.append(fk)
        if fk.columns and self.covering_index(fk.table, fk.columns) is None:
            self.add_index(fk.table, fk.name or fk.columns[0], fk.columns)

    def drop_foreign_key(self, table: str, name: str) -> None:
        key, name = self._key(table), self._key(name)
        self._foreign_keys = [fk for fk in self._foreign_keys
                              if not (fk.table == key and fk.name is not None and self._key(fk.name) == name)]

    def covering_index(self, table: str, columns: tuple[str, ...], *, besides: str | None = None) -> str | None:
        """An index of `table` (other than `besides`) whose leading columns are `columns`."""
        cols = tuple(self._key(c) for c in columns)
        skip = self._key(besides) if besides is not None else None
        for name, indexed in self._indexes.get(self._key(table), {}).items():
            if name != skip and indexed[: len(cols)] == cols:
                return name
        return None

    def foreign_keys_needing(self, table: str, index: str) -> list[ForeignKey]:
        """The foreign keys (of the table, or referencing it) that only this index serves."""
        cols = self.index_columns(table, index)
        if cols is None:
            return []
        key = self._key(table)
        out = []
        for fk in self._foreign_keys:
            for side_table, side_cols in ((fk.table, fk.columns), (fk.referent, fk.referent_columns)):
                if (side_table == key and side_cols and cols[: len(side_cols)] == side_cols
                        and self.covering_index(table, side_cols, besides=index) is None):
                    out.append(fk)
                    break
        return out


def _rekey(store: dict[tuple[str, str], V], new_key: Callable[[tuple[str, str]], tuple[str, str] | None]) -> None:
    """Rename (or, for None, remove) the keys of a (table, column) map in place."""
    items = list(store.items())
    store.clear()
    for key, value in items:
        moved = new_key(key)
        if moved is not None:
            store[moved] = value


# The lint dialects and the names SQLAlchemy's dialect reports for each (`bind.dialect.name`), which
# a revision's dialect tests compare against. A MySQL server reached through a `mysql://` URL
# reports `mysql`, through `mariadb://` `mariadb`: a module that names MariaDB gets both tried.
RUNNING_NAMES = {"postgresql": "postgresql", "sqlite": "sqlite", "mysql": "mysql", "mssql": "mssql"}


def running_names(dialect: str, *, mariadb: bool = False) -> tuple[str, ...]:
    name = RUNNING_NAMES.get(dialect, dialect)
    return (name, "mariadb") if dialect == "mysql" and mariadb else (name,)
