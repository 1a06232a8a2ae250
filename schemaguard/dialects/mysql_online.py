"""MySQL and MariaDB online DDL: what InnoDB does without copying the table, by server version (the
plan's ALGORITHM clauses, the linter's copy warnings, the hazards' advice)."""

from __future__ import annotations

from typing import Any

# --- online DDL: what InnoDB does without copying the table -----------------------------------------
# The facts are the manuals' (MySQL 8.0 Reference Manual 17.12.1 "Online DDL Operations"; MariaDB
# "InnoDB Online DDL Operations with the INSTANT / INPLACE / NOCOPY Alter Algorithm"). A statement's
# own ALGORITHM=/LOCK= clause is honoured: when it asks for less than the action needs, the server
# refuses it (ER_ALTER_OPERATION_NOT_SUPPORTED, error 1846) instead of copying the table.

# The least an action needs on MySQL 8 / MariaDB 10.6+, by the operation kind lint reports for it.
#   COPY: a new table is written row by row; concurrent writes are refused until it is done.
#   INPLACE: no copy, reads and writes go on (LOCK=NONE), but the table may be rebuilt.
#   INSTANT: the data dictionary only.
NEEDS = {
    "column_type_change": "COPY",
    "narrowing_type_change": "COPY",
    "add_foreign_key_validating": "COPY",  # with foreign_key_checks=1
    "set_not_null": "INPLACE",
    "drop_column": "INPLACE",  # INSTANT on MySQL 8.0.29+ and MariaDB 10.4+
    "rename_table": "INSTANT",
    "rename_column": "INPLACE",  # INSTANT on MySQL 8.0.28+
    "add_not_null_column_without_default": "INSTANT",
}
ALGORITHM_RANK = {"COPY": 0, "INPLACE": 1, "NOCOPY": 2, "INSTANT": 3}

COPY_TOOLS = "for a big table use gh-ost or pt-online-schema-change, which copy it in the background without blocking writes"

# What a plan's ALTER (Dialect.ONLINE_OPERATIONS) can ask for: (algorithm, least MySQL version,
# least MariaDB version), the best first. An operation not listed (a type change, a foreign key
# added with foreign_key_checks on) copies the table: no clause is written.
ONLINE: dict[str, tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...]] = {
    # A column added last (as ADD COLUMN without FIRST/AFTER does): INSTANT since MySQL 8.0.12 and
    # MariaDB 10.3.2.
    "add_column": (("INSTANT", (8, 0, 12), (10, 3, 2)), ("INPLACE", (5, 6), (10, 0))),
    "drop_column": (("INSTANT", (8, 0, 29), (10, 4)), ("INPLACE", (5, 6), (10, 0))),
    "rename_column": (("INSTANT", (8, 0, 28), (10, 3, 2)), ("INPLACE", (5, 6), (10, 0))),
    "set_default": (("INSTANT", (8, 0), (10, 3, 2)), ("INPLACE", (5, 6), (10, 0))),
    # NULL allowed again: rebuilt in place (MariaDB 10.11 refuses INSTANT for it, error 1845).
    "drop_not_null": (("INPLACE", (5, 6), (10, 0)),),
    # NOT NULL: rebuilt in place (and the server refuses it if a row holds NULL, strict mode).
    "set_not_null": (("INPLACE", (5, 6), (10, 0)),),
    # ENUM labels appended at the end, the storage size unchanged.
    "append_enum_labels": (("INSTANT", (8, 0), (10, 3, 7)), ("INPLACE", (5, 6), (10, 0))),
    "create_index": (("INPLACE", (5, 6), (10, 0)),),
    "add_unique": (("INPLACE", (5, 6), (10, 0)),),
    "drop_index": (("INPLACE", (5, 6), (10, 0)),),
    "drop_unique": (("INPLACE", (5, 6), (10, 0)),),
    "drop_foreign_key": (("INPLACE", (5, 6), (10, 0)),),
}


def online_algorithm(operation: str, version: tuple[Any, ...] | None, flavor: str | None) -> str | None:
    """The best ALGORITHM this server version has for `operation`; None when it copies the table
    or the version is unknown."""
    if not version:
        return None
    numbers = tuple(int(v) for v in version if isinstance(v, int))
    mariadb = flavor == "mariadb" or (flavor is None and numbers[:1] >= (10,))
    for algorithm, mysql_min, mariadb_min in ONLINE.get(operation, ()):
        if numbers >= (mariadb_min if mariadb else mysql_min):
            return algorithm
    return None


_COPY = ("MySQL and MariaDB copy the whole table for it (ALGORITHM=COPY): every row is rewritten and writes to "
         f"the table wait until it is done; {COPY_TOOLS}")
# What a plan hazard means here, where the general advice (PostgreSQL's locks) does not hold.
HAZARD_ADVICE = {
    "column_type_change": f"{_COPY}, or expand/contract: add a new column, backfill it in batches, then switch",
    "add_foreign_key_validating": f"with foreign_key_checks on, {_COPY}, checking every row",
    "set_not_null": "fails if any row holds NULL; MySQL and MariaDB rebuild the table in place for it "
    "(ALGORITHM=INPLACE, LOCK=NONE: reads and writes go on, but the rebuild reads and writes the whole table)",
}
