"""Expressions folded for comparison as both sides print them: index expressions, CHECK constraints."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .defaults import _strip_casts


def normalize_expression(text: str) -> str:
    """Expression-index text folded for comparison: no casts, quotes, spaces or case."""
    out = _strip_casts(text)
    out = out.replace('"', "")
    out = re.sub(r"\s+", "", out).lower()
    # Drop parentheses around bare identifiers that PostgreSQL adds: lower((email)) -> lower(email)
    prev = None
    while prev != out:
        prev = out
        out = re.sub(r"\(\(([a-z0-9_.]+)\)\)", r"(\1)", out)
    return out


# --- CHECK constraints --------------------------------------------------------------------------
# A CHECK is compared by meaning: each side's text (the model's, compiled; the database's, as it
# prints the constraint back) is parsed by sqlglot and folded into one canonical form, in which
# what databases add or rewrite no longer shows: parentheses, casts (PostgreSQL's `('x'::text)`,
# `(90)::numeric`, `(status)::text`), `BETWEEN a AND b` (PostgreSQL: `>= a AND <= b`),
# `IN (...)` (PostgreSQL: `= ANY (ARRAY[...])`), and the case of keywords and unquoted names.


def normalize_check(text: str, read: str | None = None) -> str:
    """A CHECK expression folded for comparison; `read` is sqlglot's name for the SQL dialect the
    text is written in (None: generic SQL). Text sqlglot cannot parse is folded as plain text."""
    return _normalize_check(text.strip(), read)


@lru_cache(maxsize=4096)
def _normalize_check(text: str, read: str | None) -> str:
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    body = strip_check_keyword(text)
    try:
        tree = sqlglot.parse_one(body, read=read)
    except (SqlglotError, ValueError, RecursionError):
        return "text:" + normalize_expression(body)
    if tree is None:
        return "text:" + normalize_expression(body)
    return _canon(tree, exp)


_CHECK_WRAPPER = re.compile(r"^\s*CHECK\s*\((.*)\)\s*(?:NOT\s+VALID|NO\s+INHERIT|\s)*$", re.IGNORECASE | re.DOTALL)


def strip_check_keyword(text: str) -> str:
    """`CHECK (expr) NOT VALID` (as pg_get_constraintdef writes it) -> `expr`; other text as it is."""
    m = _CHECK_WRAPPER.match(text)
    return m.group(1).strip() if m else text.strip()


def _strip(node: Any, exp: Any) -> Any:
    """The node without the parentheses and casts around it."""
    while isinstance(node, (exp.Paren, exp.Cast, exp.TryCast)) or (
        isinstance(node, exp.Tuple) and len(node.expressions) == 1
    ):
        if isinstance(node, exp.Tuple):
            node = node.expressions[0]
        else:
            inner = node.this
            # '-90'::integer: PostgreSQL writes a negative number as a cast string.
            if isinstance(node, exp.Cast) and isinstance(inner, exp.Literal) and inner.is_string:
                to = node.to
                if to is not None and to.is_type(*exp.DataType.NUMERIC_TYPES) and _NUMBER.match(inner.this):
                    return exp.Literal.number(inner.this)
            node = inner
    return node


_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _canon(node: Any, exp: Any) -> str:
    node = _strip(node, exp)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return "'" + str(node.this).replace("'", "''") + "'"
        return _number(str(node.this))
    if isinstance(node, exp.Neg) and isinstance(_strip(node.this, exp), exp.Literal):
        lit = _strip(node.this, exp)
        if not lit.is_string:
            return _number("-" + lit.this)
    if isinstance(node, exp.Column):
        return ".".join(_ident(p) for p in node.parts[-1:])
    if isinstance(node, exp.Identifier):
        return _ident(node)
    if isinstance(node, exp.Boolean):
        return "true" if node.this else "false"
    if isinstance(node, exp.Null):
        return "null"
    if isinstance(node, exp.Between):
        this = node.this
        rewritten = exp.And(this=exp.GTE(this=this.copy(), expression=node.args["low"].copy()),
                            expression=exp.LTE(this=this.copy(), expression=node.args["high"].copy()))
        return _canon(rewritten, exp)
    if isinstance(node, exp.In) and node.expressions:
        return _in(node.this, node.expressions, exp)
    if isinstance(node, exp.EQ):
        right = _strip(node.expression, exp)
        if not isinstance(right, exp.Any):
            return "eq(" + _canon(node.this, exp) + "," + _canon(right, exp) + ")"
        if isinstance(right, exp.Any):
            array = right.find(exp.Array)
            if array is not None:
                return _in(node.this, array.expressions, exp)
    if isinstance(node, exp.Not):
        inner = _strip(node.this, exp)
        if isinstance(inner, (exp.In, exp.EQ)):
            return "not(" + _canon(inner, exp) + ")"
    if isinstance(node, exp.NEQ):
        right = _strip(node.expression, exp)
        if not isinstance(right, exp.All) and not (isinstance(right, exp.Anonymous) and str(right.this).lower() == "all"):
            return "not(eq(" + _canon(node.this, exp) + "," + _canon(right, exp) + "))"
        if isinstance(right, exp.All) or (isinstance(right, exp.Anonymous) and str(right.this).lower() == "all"):
            # x <> ALL (ARRAY[...]) is NOT IN
            array = right.find(exp.Array)
            if array is not None:
                return "not(" + _in(node.this, array.expressions, exp) + ")"
    parts = []
    for key in sorted(node.args):
        value = node.args[key]
        if value is None or value is False or key in ("_type",):
            continue
        if isinstance(value, list):
            parts.append(key + "=[" + ",".join(_canon(v, exp) if isinstance(v, exp.Expression) else str(v).lower()
                                               for v in value) + "]")
        elif isinstance(value, exp.Expression):
            parts.append(key + "=" + _canon(value, exp))
        else:
            parts.append(key + "=" + str(value).lower())
    name = node.key
    if isinstance(node, exp.Anonymous):
        name = str(node.this).lower()
    return f"{name}({';'.join(parts)})"


def _in(this: Any, items: list[Any], exp: Any) -> str:
    """`x IN (a, b)` and `x = ANY (ARRAY[a, b])` as one form, the items sorted; with one item,
    `x = a` (PostgreSQL prints a one-item IN that way)."""
    if len(items) == 1:
        return "eq(" + _canon(this, exp) + "," + _canon(items[0], exp) + ")"
    return f"in({_canon(this, exp)},{','.join(sorted(_canon(e, exp) for e in items))})"


def _ident(node: Any) -> str:
    name = str(node.this if hasattr(node, "this") else node)
    return name if getattr(node, "quoted", False) else name.lower()


def _number(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        return text
    return str(int(value)) if value.is_integer() and "e" not in text.lower() else repr(value)


@lru_cache(maxsize=4096)
def check_columns(text: str, read: str | None = None) -> frozenset[str]:
    """The (lower-cased, unquoted) column names a CHECK expression reads; empty when it cannot be
    parsed. Two CHECKs over the same columns that mean different things are one CHECK changed."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    try:
        tree = sqlglot.parse_one(strip_check_keyword(text), read=read)
    except (SqlglotError, ValueError, RecursionError):
        return frozenset()
    if tree is None:
        return frozenset()
    return frozenset(_ident(c.this) for c in tree.find_all(exp.Column) if isinstance(c.this, exp.Identifier))


def substitute_columns(text: str, read: str | None, values: dict[str, str | None]) -> str | None:
    """A CHECK expression with some columns replaced by SQL values (None: NULL), written back in
    the same SQL dialect: how a CHECK judges the rows once a column is added with its default.
    Keys are column names as check_columns gives them; None when the text cannot be parsed."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    try:
        tree = sqlglot.parse_one(strip_check_keyword(text), read=read)
        parsed = {k: exp.null() if v is None else sqlglot.parse_one(v, read=read) for k, v in values.items()}
    except (SqlglotError, ValueError, RecursionError):
        return None
    if tree is None:
        return None

    def swap(node: Any) -> Any:
        if isinstance(node, exp.Column) and isinstance(node.this, exp.Identifier):
            found = parsed.get(_ident(node.this))
            if found is not None:
                return exp.Paren(this=found.copy())
        return node

    return str(tree.transform(swap).sql(dialect=read))
