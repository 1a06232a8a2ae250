"""How MySQL 8 and MariaDB 10.6+ (InnoDB) carry out the ALTER TABLE actions lint reports -- instantly,
in place, or by copying the table -- and the words lint's messages use for them.

Each fact is the manuals' (MySQL 8.0 Reference Manual 17.12.1 "Online DDL Operations"; MariaDB
"InnoDB Online DDL Operations with the INSTANT / INPLACE / NOCOPY Alter Algorithm"). A statement's own
`ALGORITHM=`/`LOCK=` clause is honoured: when it asks for less than the action needs, the server
refuses the statement (ER_ALTER_OPERATION_NOT_SUPPORTED, error 1846) instead of copying the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The knowledge is the MySQL dialect's (the plan writes ALGORITHM clauses from it too).
from ..dialects.mysql_online import ALGORITHM_RANK as _RANK
from ..dialects.mysql_online import COPY_TOOLS, NEEDS

__all__ = ["COPY_TOOLS", "NEEDS"]


def stated(details: Mapping[str, Any]) -> str:
    """The statement's ALGORITHM/LOCK clauses as written (`ALGORITHM=INPLACE, LOCK=NONE`), or ''."""
    parts = []
    if details.get("algorithm"):
        parts.append(f"ALGORITHM={details['algorithm']}")
    if details.get("lock"):
        parts.append(f"LOCK={details['lock']}")
    return ", ".join(parts)


def refused(kind: str, details: Mapping[str, Any]) -> bool:
    """The statement's clauses ask for less than the action needs: the server refuses it."""
    need = NEEDS.get(kind)
    if need is None:
        return False
    algorithm = str(details.get("algorithm") or "").upper()
    lock = str(details.get("lock") or "").upper()
    if algorithm in _RANK and _RANK[algorithm] > _RANK[need]:
        return True
    # LOCK=NONE (concurrent writes) cannot be had while copying the table.
    return need == "COPY" and lock == "NONE"


def refusal(kind: str, details: Mapping[str, Any]) -> str:
    """The sentence saying the server refuses the statement rather than doing it the slow way."""
    clause = stated(details)
    if NEEDS.get(kind) == "COPY":
        return (f"{clause} is stated, so MySQL and MariaDB refuse the statement (error 1846: the "
                "operation needs ALGORITHM=COPY) rather than copy the table: no write is blocked, but the "
                "migration stops here")
    if kind == "drop_column":
        return (f"{clause} is stated: MySQL 8.0.29+ and MariaDB 10.4+ drop it instantly, older servers "
                "refuse the statement (error 1846) and the migration stops there")
    return (f"{clause} is stated, which this change cannot have (it rebuilds the table in place at best), "
            "so the server refuses the statement (error 1846) and the migration stops here")


def type_change_effect(details: Mapping[str, Any]) -> str:
    # With the old type unknown the statement may restate the same type, which needs no copy.
    if_changes = "if the type changes, " if details.get("old_unknown") else ""
    if refused("column_type_change", details):
        return if_changes + refusal("column_type_change", details)
    effect = (f"{if_changes}MySQL copies the table to change a column's type (ALGORITHM=COPY): every row "
              "is rewritten and writes to the table wait until it is done")
    if details.get("widening"):
        effect += ("; MariaDB 10.4.3+ can make some widenings like this one instantly (an integer to a "
                   "wider integer, a longer VARCHAR), MySQL 8 only lengthens a VARCHAR in place")
    if str(details.get("algorithm") or "").upper() == "COPY":
        effect += "; ALGORITHM=COPY asks for the copy explicitly"
    return effect


def restatement_note(details: Mapping[str, Any], column: str) -> str:
    """What a MODIFY/CHANGE of `column` (or Alembic's rendering of alter_column as one) drops, or
    what it must restate; '' when it is no restatement or drops nothing known."""
    drops = list(details.get("restatement_drops") or ())
    head = (f"Alembic renders this alter_column of {column} as MODIFY on MySQL, which restates the whole column"
            if details.get("via") == "alembic_modify" else f"MODIFY/CHANGE of {column} restates the whole column")
    if drops:
        certainty = "" if details.get("definite", True) else " (if the column has them now)"
        effect = []
        if "NOT NULL" in drops:
            effect.append("the column becomes nullable")
        if any(d.startswith("DEFAULT") for d in drops):
            effect.append("its default is dropped, so inserts that leave the column out get NULL or fail")
        if "AUTO_INCREMENT" in drops:
            effect.append("it stops numbering new rows")
        return f"{head} and leaves out {' and '.join(drops)}{certainty}: silently, {'; '.join(effect)}"
    if details.get("definition_unknown"):
        return (f"{head}: whatever it leaves out of the current definition (NOT NULL, DEFAULT, "
                "AUTO_INCREMENT, COMMENT, CHARACTER SET/COLLATE) is dropped silently, and this run does not "
                "know that definition, so check that the statement repeats it")
    return ""


def set_not_null_effect(details: Mapping[str, Any]) -> str:
    if refused("set_not_null", details):
        return refusal("set_not_null", details)
    return ("MySQL and MariaDB rebuild the table in place for it (ALGORITHM=INPLACE: reads and writes go "
            "on, but the rebuild reads and writes the whole table)")


def drop_column_effect(details: Mapping[str, Any]) -> str:
    if refused("drop_column", details):
        return refusal("drop_column", details)
    return ("MySQL 8.0.29+ and MariaDB 10.4+ drop it instantly (older servers rebuild the table in place, "
            "writes allowed)")


def foreign_key_effect(details: Mapping[str, Any]) -> str:
    if refused("add_foreign_key_validating", details):
        return refusal("add_foreign_key_validating", details)
    return ("with foreign_key_checks on, MySQL and MariaDB add a foreign key only by copying the table "
            "(ALGORITHM=COPY), checking every row, and writes to it wait until it is done")
