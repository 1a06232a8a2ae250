"""MySQL and MariaDB: how a column default is written in DDL (an expression in parentheses, a
literal and CURRENT_TIMESTAMP without)."""

from __future__ import annotations

import re

from ..schema.expressions import closing_parenthesis

# What DEFAULT takes as it is: NULL, TRUE/FALSE, a number with its sign, a quoted string (with a
# character set introducer, adjacent strings joined), a hexadecimal or bit literal.
_LITERAL = re.compile(
    r"""(?:NULL|TRUE|FALSE
        |[+-]?\s*(?:\d+(?:\.\d*)?|\.\d+)(?:E[+-]?\d+)?
        |(?:_\w+\s*)?(?:'(?:[^'\\]|''|\\.)*'\s*)+
        |X'[0-9A-F]*'|B'[01]*'|0X[0-9A-F]+|0B[01]+)""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)
# The current time, which a TIMESTAMP or DATETIME column takes without parentheses (MySQL 8 keeps it
# a plain CURRENT_TIMESTAMP default that way, not an expression default).
_NOW = re.compile(r"(?:CURRENT_TIMESTAMP|NOW|LOCALTIME|LOCALTIMESTAMP)(?:\s*\(\s*\d?\s*\))?", re.IGNORECASE)
_TIME_TYPES = ("DATETIME", "TIMESTAMP")
_EXPRESSION_ONLY = re.compile(r"^\s*(?:TINY|MEDIUM|LONG)?(?:TEXT|BLOB)\b|^\s*(?:JSON|GEOMETRY|POINT|LINESTRING|POLYGON)\b",
                              re.IGNORECASE)


def default_in_ddl(sql: str, type_text: str | None) -> str:
    """The default `sql` as DEFAULT takes it in CREATE TABLE, ADD COLUMN, MODIFY/CHANGE and ALTER
    COLUMN ... SET DEFAULT. Anything but a literal is an expression, which MySQL 8.0.13+ takes only
    in parentheses and MariaDB parses there only (`SET DEFAULT 1 + 1` is a syntax error on both);
    the current time on a TIMESTAMP/DATETIME column stays bare. A column type unknown here leaves
    the current time bare too (the type it defaults is almost always one of those)."""
    text = sql.strip()
    unquoted = re.sub(r"'(?:[^'\\]|''|\\.)*'", "''", text)
    if not text or _wrapped(text) or re.search(r"\bON\s+UPDATE\b", unquoted, re.IGNORECASE):
        # (An ON UPDATE clause goes with the current time on a TIMESTAMP: written as the model has it.)
        return sql
    if _LITERAL.fullmatch(text):
        # MySQL 8 takes a TEXT, BLOB, JSON or GEOMETRY column's default only as an expression.
        return f"({text})" if type_text and _EXPRESSION_ONLY.match(type_text) and text.upper() != "NULL" else sql
    if _NOW.fullmatch(text) and (type_text is None or type_text.upper().startswith(_TIME_TYPES)):
        return sql
    return f"({text})"


def _wrapped(text: str) -> bool:
    """Whether the whole text is one parenthesized group: `(1 + 1)`, not `(1) + (2)`."""
    return text.startswith("(") and closing_parenthesis(text, 1, backslash_escapes=True) == len(text) - 1
