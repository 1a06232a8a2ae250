"""Server defaults normalized so that equal defaults compare equal whatever their spelling.

PostgreSQL hands back `'1'::integer`, `'x'::character varying`, `now()`; SQLite hands back the text
of the DDL, `'1'`, `CURRENT_TIMESTAMP`. The model compiles to `1`, `'x'`, `now()`. All of these
become one canonical text.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_CAST = re.compile(
    r"::\s*(?:\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_]*)(?:\s+(?:varying|precision|with|without|time|zone))*"
    r"(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?(?:\[\])*",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_NOW = {
    "now()",
    "current_timestamp",
    "current_timestamp()",
    "transaction_timestamp()",
    "localtimestamp",
    "statement_timestamp()",
    "getdate()",
    "datetime('now')",
    "(datetime('now'))",
}
_TRUE = {"true", "'t'", "'true'", "t", "1", "'1'", "yes", "on"}
_FALSE = {"false", "'f'", "'false'", "f", "0", "'0'", "no", "off"}


def _strip_parens(text: str) -> str:
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for i, ch in enumerate(text):
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0 and i != len(text) - 1:
                    return text
        text = text[1:-1].strip()
    return text


def _lower_outside_quotes(text: str) -> str:
    parts = re.split(r"('(?:[^']|'')*')", text)
    return "".join(p if p.startswith("'") else p.lower() for p in parts)


def _strip_casts(text: str) -> str:
    parts = re.split(r"('(?:[^']|'')*')", text)
    return "".join(p if p.startswith("'") else _CAST.sub("", p) for p in parts)


def _number(text: str) -> str | None:
    if not _NUMBER.match(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    normalized = format(value.normalize(), "f")
    return "0" if normalized in ("-0", "+0") else normalized


def is_sequence_default(text: str | None) -> bool:
    """A PostgreSQL `nextval(...)` default: the mark of a SERIAL column, not a user default."""
    return bool(text) and "nextval(" in str(text).lower()


def normalize_default(text: str | None, type_text: str | None = None) -> str | None:
    """The canonical form of a server default expression (None when there is no default)."""
    if text is None:
        return None
    out = _strip_parens(str(text).strip())
    if not out or out.upper() == "NULL":
        return None
    out = _strip_parens(_strip_casts(out).strip())
    out = _lower_outside_quotes(out)
    out = re.sub(r"\s+", " ", out)
    if out == "null":
        return None
    if out in _NOW:
        return "current_timestamp"
    if out in ("current_date", "current_date()"):
        return "current_date"
    if out in ("current_time", "current_time()"):
        return "current_time"
    is_bool = bool(type_text) and str(type_text).upper().startswith("BOOL")
    if is_bool:
        if out in _TRUE:
            return "true"
        if out in _FALSE:
            return "false"
    # A quoted number is the number: PostgreSQL writes '1'::integer, SQLite keeps '1'.
    inner = out[1:-1] if len(out) >= 2 and out[0] == out[-1] == "'" else out
    num = _number(inner.strip())
    if num is not None and (inner is out or _is_numeric_type(type_text)):
        return num
    if num is not None and type_text is None:
        return num
    return out


def _is_numeric_type(type_text: str | None) -> bool:
    if not type_text:
        return False
    name = type_text.upper()
    return any(
        name.startswith(p)
        for p in ("INT", "BIGINT", "SMALLINT", "NUMERIC", "DECIMAL", "REAL", "DOUBLE", "FLOAT", "TINYINT")
    )
