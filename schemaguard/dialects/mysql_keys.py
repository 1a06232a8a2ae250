"""What InnoDB requires around a foreign key: column types it can compare, and an index on the key
at every moment (several index changes in one ALTER TABLE)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

# Bytes of each integer type: a key and the column it references must have the same, and the
# same sign (MySQL manual, 15.1.20.5 "FOREIGN KEY Constraints": "The size and sign of fixed
# precision types such as INTEGER and DECIMAL must be the same").
_INTEGER_BYTES = {"BOOLEAN": 1, "TINYINT": 1, "SMALLINT": 2, "MEDIUMINT": 3, "INTEGER": 4, "BIGINT": 8}
# "The length of string types need not be the same"; character ones need one collation.
_CHARACTER = {"CHAR", "VARCHAR"}
_BINARY = {"BINARY", "VARBINARY"}
_TYPE = re.compile(r"^\s*(?P<name>[A-Z][A-Z ]*?)\s*(?:\((?P<args>.*)\))?\s*(?P<unsigned>UNSIGNED)?"
                   r"\s*(?:COLLATE\s+(?P<collation>\S+))?\s*$")


def foreign_key_types_comparable(local: str, referenced: str) -> bool:
    """Whether InnoDB builds a foreign key from a column of type `local` to one of type
    `referenced` (canonical texts); otherwise it refuses with errno 150 "Foreign key constraint is
    incorrectly formed". Types it cannot read are given the benefit of the doubt."""
    a, b = _TYPE.match(local.upper()), _TYPE.match(referenced.upper())
    if a is None or b is None:
        return True
    name_a, name_b = a.group("name"), b.group("name")
    if name_a in _INTEGER_BYTES or name_b in _INTEGER_BYTES:
        return (_INTEGER_BYTES.get(name_a) == _INTEGER_BYTES.get(name_b)
                and a.group("unsigned") == b.group("unsigned"))
    if name_a in _CHARACTER and name_b in _CHARACTER:
        collations = {a.group("collation"), b.group("collation")} - {None}
        return len(collations) <= 1
    if name_a in _BINARY and name_b in _BINARY:
        return True
    if name_a != name_b:
        return False
    return name_a != "DECIMAL" or (a.group("args"), a.group("unsigned")) == (b.group("args"), b.group("unsigned"))


# An identifier as SQLAlchemy writes it here (quoted where it must be), schema-qualified or not.
_NAME = r"(?:`(?:[^`]|``)+`|[^\s`(),]+)"
_QUALIFIED = rf"{_NAME}(?:\.{_NAME})?"
_INDEX_STATEMENT = re.compile(
    rf"^CREATE\s+(?P<kind>(?:UNIQUE|FULLTEXT|SPATIAL)\s+)?INDEX\s+(?P<create_name>{_NAME})\s+ON\s+"
    rf"(?P<create_table>{_QUALIFIED})\s*(?P<elements>\(.*\))$"
    rf"|^DROP\s+INDEX\s+(?P<drop_name>{_NAME})\s+ON\s+(?P<drop_table>{_QUALIFIED})$"
    rf"|^ALTER\s+TABLE\s+(?P<alter_table>{_QUALIFIED})\s+(?P<clauses>.+)$",
    re.IGNORECASE | re.DOTALL,
)


def one_alter_table(statements: Sequence[str]) -> str | None:
    """One ALTER TABLE doing what CREATE INDEX / DROP INDEX ... ON / ALTER TABLE statements on one
    table do (Dialect.one_alter_table); None for anything else."""
    table, clauses = None, []
    for statement in statements:
        m = _INDEX_STATEMENT.match(statement.strip())
        if m is None:
            return None
        named = m.group("create_table") or m.group("drop_table") or m.group("alter_table")
        if table is not None and named != table:
            return None
        table = named
        if m.group("create_table"):
            clauses.append(f"ADD {m.group('kind') or ''}INDEX {m.group('create_name')} {m.group('elements')}")
        elif m.group("drop_table"):
            clauses.append(f"DROP INDEX {m.group('drop_name')}")
        else:
            clauses.append(m.group("clauses"))
    return f"ALTER TABLE {table} " + ", ".join(clauses) if table is not None else None


def read_collations(conn: Connection, database: str) -> dict[tuple[str, str | None], str]:
    """Every character column's collation and every table's default, in two statements: the
    catalog's type text names a collation only where it is not the table's."""
    out: dict[tuple[str, str | None], str] = {}
    for table, collation in conn.exec_driver_sql(
            "SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s "
            "AND TABLE_COLLATION IS NOT NULL", (database,)):
        out[(str(table), None)] = str(collation)
    for table, column, collation in conn.exec_driver_sql(
            "SELECT TABLE_NAME, COLUMN_NAME, COLLATION_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %s "
            "AND COLLATION_NAME IS NOT NULL", (database,)):
        out[(str(table), str(column))] = str(collation)
    return out
