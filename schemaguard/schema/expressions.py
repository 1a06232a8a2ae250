"""Expressions folded for comparison as both sides print them: index expressions, CHECK constraints."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .defaults import _strip_casts


def normalize_expression(text: str) -> str:
    """Expression-index text folded for comparison: no casts, quotes, spaces or case."""
    out = _strip_casts(text)
    out = out.replace('"', "").replace("`", "")
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
    """The node without the parentheses, casts and charset introducers around it."""
    while isinstance(node, (exp.Paren, exp.Cast, exp.TryCast, exp.Introducer)) or (
        isinstance(node, exp.Tuple) and len(node.expressions) == 1
    ):
        if isinstance(node, exp.Introducer):
            # MySQL 8 prints a string literal of a CHECK back with its charset: _utf8mb4'new'.
            node = node.expression
        elif isinstance(node, exp.Tuple):
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
    if isinstance(node, exp.Anonymous) and str(node.this).lower() == "octet_length" and len(node.expressions) == 1:
        # MariaDB prints LENGTH() back as octet_length(): a length in bytes, as MySQL's LENGTH is.
        return _canon(exp.Length(this=node.expressions[0].copy(), binary=True), exp)
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


# --- index elements ------------------------------------------------------------------------------
# An index element is a column or an expression with, after it, what PostgreSQL's grammar allows:
# [COLLATE name] [opclass] [ASC | DESC] [NULLS FIRST | LAST]. Both sides meet as (key, options):
# the key is the column name or the folded expression; options say, in a fixed order, only what is
# not the default, so `b ASC NULLS LAST` is `b` with no options and `b DESC NULLS FIRST` is `b DESC`.
# On MySQL an element may index a prefix of its column (`name(10) DESC`): "(10) DESC".


def element_options(
    *, descending: bool = False, nulls: str | None = None, collation: str | None = None, opclass: str | None = None,
    length: int | None = None,
) -> str:
    """The options text of one index element, defaults left out ("" when all are defaults).
    `length`: the indexed prefix of the column, in characters (MySQL's `name(10)`), as "(10)"."""
    parts = []
    if length is not None:
        parts.append(f"({length})")
    if collation:
        parts.append("COLLATE " + collation.strip('"').lower())
    if opclass:
        parts.append(opclass.strip('"').lower())
    if descending:
        parts.append("DESC")
    if nulls is not None:
        nulls = nulls.upper()
        # ASC puts NULLs last and DESC puts them first unless told otherwise.
        if nulls != ("FIRST" if descending else "LAST"):
            parts.append("NULLS " + nulls)
    return " ".join(parts)


def _tokenize(text: str, dialect: str | None) -> list[Any]:
    """sqlglot's tokens for the database's SQL (quoted names: `"a"`, and on SQLite and MySQL `` `a` ``)."""
    import sqlglot

    name = {"postgresql": "postgres", None: "postgres"}.get(dialect, dialect)
    try:
        sg = sqlglot.Dialect.get_or_raise(name)
    except ValueError:
        sg = sqlglot.Dialect.get_or_raise("postgres")
    return list(sg.tokenize(text))


def index_element(text: str, dialect: str | None = None) -> tuple[str, str, bool]:
    """(key, options, is_expression) of one index element written as SQL text: `b DESC`,
    `lower(email) NULLS FIRST`, `name COLLATE "C" text_pattern_ops`."""
    key, is_expression, descending, nulls, collation, opclass = parse_index_element(text, dialect)
    options = element_options(descending=descending, nulls=nulls, collation=collation, opclass=opclass)
    return key, options, is_expression


def parse_index_element(text: str, dialect: str | None = None) -> tuple[str, bool, bool, str | None, str | None, str | None]:
    """(key, is_expression, descending, NULLS FIRST/LAST, collation, operator class) of one index
    element written as SQL text. Read with sqlglot's tokenizer, so that quoted names and strings
    keep their content and spacing does not matter."""
    from sqlglot import TokenType
    from sqlglot.errors import TokenError

    try:
        tokens = _tokenize(text, dialect)
    except TokenError:
        return normalize_expression(text), True, False, None, None, None
    end = len(tokens)

    def word(i: int) -> str:
        return tokens[i].text.upper() if 0 <= i < end and tokens[i].token_type != TokenType.IDENTIFIER else ""

    nulls = None
    if end >= 3 and word(end - 2) == "NULLS" and word(end - 1) in ("FIRST", "LAST"):
        nulls = word(end - 1)
        end -= 2
    descending = False
    if end >= 2 and word(end - 1) in ("ASC", "DESC"):
        descending = word(end - 1) == "DESC"
        end -= 1
    operand_end = {TokenType.VAR, TokenType.IDENTIFIER, TokenType.R_PAREN, TokenType.STRING, TokenType.NUMBER}
    opclass = None
    # An operator class is a name right after a complete operand (`b text_pattern_ops`); a name
    # after COLLATE is the collation, and one after `::` a type.
    if (
        end >= 2
        and tokens[end - 1].token_type in (TokenType.VAR, TokenType.IDENTIFIER)
        and tokens[end - 2].token_type in operand_end
        and word(end - 2) != "COLLATE"
    ):
        opclass = tokens[end - 1].text
        end -= 1
    collation = None
    if end >= 3 and word(end - 2) == "COLLATE":
        collation = tokens[end - 1].text
        end -= 2
    if end == 1 and tokens[0].token_type in (TokenType.VAR, TokenType.IDENTIFIER):
        return tokens[0].text, False, descending, nulls, collation, opclass  # a column, quoted or not
    body = text[: tokens[end - 1].end + 1] if end else text
    return normalize_expression(body), True, descending, nulls, collation, opclass


def split_elements(body: str, dialect: str | None = None) -> list[str]:
    """The elements of an index's column list (`a, lower(b) DESC`), split at top-level commas."""
    from sqlglot import TokenType
    from sqlglot.errors import TokenError

    try:
        tokens = _tokenize(body, dialect)
    except TokenError:
        return [body]
    out, depth, start = [], 0, 0
    for tok in tokens:
        if tok.token_type == TokenType.L_PAREN:
            depth += 1
        elif tok.token_type == TokenType.R_PAREN:
            depth -= 1
        elif tok.token_type == TokenType.COMMA and depth == 0:
            out.append(body[start : tok.start].strip())
            start = tok.end + 1
    out.append(body[start:].strip())
    return [e for e in out if e]


def generated_expression(text: str, dialect: str | None = None) -> str:
    """A generated column's expression folded for comparison: PostgreSQL prints `(a * 2)` back for
    `a*2`, SQLite keeps the text. Read with sqlglot, its outer parentheses dropped, then folded."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    from .defaults import _strip_casts

    name = {"postgresql": "postgres", None: "postgres"}.get(dialect, dialect)
    raw = _strip_casts(text)
    try:
        tree = sqlglot.parse_one(raw, read=name)
        while isinstance(tree, exp.Paren):
            tree = tree.this
        # PostgreSQL wraps each operand it cast: `((a)::text || (b)::text)`.
        tree = tree.transform(
            lambda n: n.this if isinstance(n, exp.Paren) and isinstance(n.this, (exp.Column, exp.Literal)) else n
        )
        rendered = tree.sql(dialect=name)
    except (SqlglotError, ValueError):
        rendered = raw.strip()
        while rendered.startswith("(") and rendered.endswith(")"):
            rendered = rendered[1:-1].strip()
    return normalize_expression(rendered)


def closing_parenthesis(text: str, start: int, *, backslash_escapes: bool = False) -> int | None:
    """The index of the parenthesis that closes the one opened just before `start`, skipping quoted
    text ('...', "...", `...`; a doubled quote closes and reopens, the same as staying inside; with
    `backslash_escapes`, MySQL's \\' too); None when it is not closed."""
    depth, quote, escaped = 1, "", False
    for i in range(start, len(text)):
        ch = text[i]
        if quote:
            if escaped:
                escaped = False
            elif backslash_escapes and ch == "\\":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return None
