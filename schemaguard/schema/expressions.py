"""Index expressions folded for comparison, as both sides print them: no casts, quotes, spaces or case."""

from __future__ import annotations

import re
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


# --- index elements ------------------------------------------------------------------------------
# An index element is a column or an expression with, after it, what PostgreSQL's grammar allows:
# [COLLATE name] [opclass] [ASC | DESC] [NULLS FIRST | LAST]. Both sides meet as (key, options):
# the key is the column name or the folded expression; options say, in a fixed order, only what is
# not the default, so `b ASC NULLS LAST` is `b` with no options and `b DESC NULLS FIRST` is `b DESC`.


def element_options(
    *, descending: bool = False, nulls: str | None = None, collation: str | None = None, opclass: str | None = None
) -> str:
    """The options text of one index element, defaults left out ("" when all are defaults)."""
    parts = []
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
