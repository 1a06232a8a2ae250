"""SQL readers: one statement at a time, PostgreSQL through pglast (PostgreSQL's own parser) and
SQLite/MySQL/SQL Server (T-SQL) through sqlglot, each statement turned into the operations it performs.

A statement that does not parse becomes one `unparseable_sql` operation at its line; the rest of
the file is still read. Comments are collected with their lines for inline suppressions.
"""

from __future__ import annotations

import json
import logging
import re
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from .operations import Operation, Scope, qualified
from .sql_columns import (
    Emit,
    sg_clauses,
    sg_define,
    sg_drop_index,
    sg_modify,
    sg_table,
    sg_table_element,
    sg_type,
    type_change,
)
from .sqltypes import ColumnType, make_type
from .suppress import Comment

# Lint dialects read through sqlglot, by sqlglot's name for them.
SQLGLOT_DIALECTS = {"sqlite": "sqlite", "mysql": "mysql", "mssql": "tsql"}


@dataclass
class SqlRead:
    """What reading one SQL text gives: operations, comments, and the lines holding code."""

    operations: list[Operation] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    code_lines: set[int] = field(default_factory=set)


class _Lines:
    """Character offset -> 1-based line number."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect_left(self.newlines, offset) + 1


def read_sql(text: str, dialect: str = "postgresql", scope: Scope | None = None) -> SqlRead:
    """Read SQL text into operations (lines are 1-based within `text`)."""
    scope = scope if scope is not None else Scope(dialect)
    if dialect == "postgresql":
        read = _read_postgresql(text, scope)
    else:
        read = _read_sqlglot(text, dialect, scope)
    read.operations = _pair_schema_resets(read.operations)
    return read


def _pair_schema_resets(ops: list[Operation]) -> list[Operation]:
    """DROP SCHEMA x followed by CREATE SCHEMA x is SQL's drop_all() + create_all(): the schema is
    emptied. The drop is reported once, as a force reset."""
    out: list[Operation] = []
    open_drops: dict[str, int] = {}
    for op in ops:
        if op.kind == "drop_schema" and not op.details.get("database") and op.old is not None:
            open_drops[op.old] = len(out)
        elif op.kind == "_create_schema":
            at = open_drops.pop(str(op.old), None)
            if at is not None:
                drop = out[at]
                out[at] = replace(drop, kind="force_reset",
                                  details={**drop.details, "schema": drop.old, "recreated_at": op.line})
            continue
        out.append(op)
    return out


def _snippet(text: str, limit: int = 60) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


# --- PostgreSQL (pglast) ------------------------------------------------------------------------


def _read_postgresql(text: str, scope: Scope) -> SqlRead:
    from pglast import parser

    lines = _Lines(text)
    out = SqlRead()
    try:
        tokens = parser.scan(text)
    except parser.ParseError as exc:
        # The scanner itself gave up (an unterminated string or comment): nothing after that point
        # can be split into statements reliably, so the file is one unparseable finding.
        location = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
        out.operations.append(
            Operation(
                "unparseable_sql",
                line=lines.line(location),
                details={"error": str(exc.args[0]), "parser": "pglast", "whole_file": True},
            )
        )
        return out
    code: list[Any] = []
    first_code_on_line: dict[int, int] = {}
    raw_comments: list[tuple[int, int]] = []
    newlines, j = lines.newlines, 0
    for tok in tokens:
        if tok.name in ("SQL_COMMENT", "C_COMMENT"):
            raw_comments.append((tok.start, tok.end))
            continue
        code.append(tok)
        # Tokens come in order: walk the newline offsets along instead of searching them.
        while j < len(newlines) and newlines[j] < tok.start:
            j += 1
        first_code_on_line.setdefault(j + 1, tok.start)
        k = j
        while k < len(newlines) and newlines[k] < tok.end:
            k += 1
        out.code_lines.update(range(j + 1, k + 2))
    for start, end in raw_comments:
        ln = lines.line(start)
        before = first_code_on_line.get(ln)
        out.comments.append(Comment(ln, text[start : end + 1], before is not None and before < start))

    emit_ops = out.operations
    for first, stop in _pg_split(code, text):
        if text[first] == "\\":
            continue  # a psql meta-command: psql's business, not SQL
        line, end_line = lines.line(first), lines.line(max(stop - 1, first))
        statement = text[first:stop]

        def emit(kind: str, _line: int = line, _end: int = end_line, **kw: Any) -> None:
            emit_ops.append(Operation(kind, line=_line, end_line=_end, dialect="postgresql", **kw))

        try:
            parsed = json.loads(parser.parse_sql_json(statement)).get("stmts") or ()
        except parser.ParseError as exc:
            where = exc.args[1] if len(exc.args) > 1 and isinstance(exc.args[1], int) else 0
            error_line = lines.line(first + where)
            emit(
                "unparseable_sql",
                details={
                    "error": str(exc.args[0]),
                    "parser": "pglast",
                    "statement": _snippet(statement),
                    "error_line": error_line,
                },
            )
            continue
        for raw in parsed:
            if raw.get("stmt"):
                _pg_statement(raw["stmt"], scope, emit)
    return out


def statement_lines(text: str) -> list[tuple[int, int]]:
    """(first line, last line) of each PostgreSQL statement in `text`, as lint splits them."""
    from pglast import parser

    lines = _Lines(text)
    code = [t for t in parser.scan(text) if t.name not in ("SQL_COMMENT", "C_COMMENT")]
    return [(lines.line(a), lines.line(max(b - 1, a))) for a, b in _pg_split(code, text) if text[a] != "\\"]


def _pg_split(tokens: list[Any], text: str) -> list[tuple[int, int]]:
    """(start, stop) character offsets of each statement, from the scanner's tokens (comments
    left out): statements end at a semicolon, except inside a `BEGIN ATOMIC ... END` function body;
    a psql meta-command (`\\set`, `\\connect`: a backslash first) ends at the end of its line.

    pglast's own scanner-based split is not used: it drops a statement that starts with an
    identifier (a typo such as `SELEC 1`), which would hide exactly what must be reported."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    last_end = 0
    depth = 0
    previous = ""
    meta = False
    for tok in tokens:
        name = tok.name
        if meta and start is not None and "\n" in text[last_end:tok.start]:
            out.append((start, last_end + 1))
            start, meta = None, False
        if name == "ASCII_59" and depth == 0 and not meta:
            if start is not None:
                out.append((start, last_end + 1))
            start = None
            previous = name
            continue
        if start is None:
            start = tok.start
            meta = name == "ASCII_92"
        if name == "ATOMIC" and previous == "BEGIN_P":
            depth += 1
        elif depth and name == "CASE":
            depth += 1
        elif depth and name == "END_P":
            depth -= 1
        last_end = tok.end
        previous = name
    if start is not None:
        out.append((start, last_end + 1))
    return out


# The PostgreSQL parse tree is read as the JSON that libpg_query produces (parse_sql_json): building
# pglast's Python node objects costs six times as much, and lint only looks at a few fields. In that
# JSON, fields at their default (false, 0, empty) are left out, enums are their names, and a field
# that can hold several node types wraps its value as {"NodeType": {...}}.
Node = dict[str, Any]


def _unwrap(node: Node) -> tuple[str, Node]:
    """("NodeType", fields) of a wrapped node."""
    ((kind, fields),) = node.items()
    return kind, fields


def _sval(node: Node) -> str:
    return str(node.get("String", node).get("sval", ""))


def _pg_name(rel: Node) -> tuple[str, str | None]:
    """(relname, schemaname) of a RangeVar."""
    return str(rel.get("relname", "")), (str(rel["schemaname"]) if rel.get("schemaname") else None)


def _pg_type(type_name: Node | None) -> ColumnType | None:
    if not type_name or not type_name.get("names"):
        return None
    name = _sval(type_name["names"][-1])
    args: list[int] = []
    for mod in type_name.get("typmods") or ():
        const = mod.get("A_Const")
        if const is not None and "ival" in const:
            args.append(int(const["ival"].get("ival", 0)))
    return make_type(name, tuple(args), array=bool(type_name.get("arrayBounds")))


_SERIALS = frozenset({"serial", "serial2", "serial4", "serial8", "smallserial", "bigserial"})
_INDEXED = {"CONSTR_PRIMARY": "PRIMARY KEY", "CONSTR_UNIQUE": "UNIQUE", "CONSTR_EXCLUSION": "EXCLUDE"}


def _pg_statement(node: Node, scope: Scope, emit: Emit) -> None:
    kind, stmt = _unwrap(node)
    if kind == "CreateStmt":
        table, schema = _pg_name(stmt["relation"])
        scope.create_table(table, schema)
        for elt in stmt.get("tableElts") or ():
            elt_kind, col = _unwrap(elt)
            if elt_kind == "ColumnDef":
                scope.set_type(table, str(col.get("colname")), _pg_type(col.get("typeName")))
    elif kind == "CreateTableAsStmt":
        if stmt.get("objtype") == "OBJECT_TABLE":
            scope.create_table(*_pg_name(stmt["into"]["rel"]))
    elif kind == "DropStmt":
        cascade = stmt.get("behavior") == "DROP_CASCADE"
        if stmt.get("removeType") == "OBJECT_TABLE":
            for obj in stmt.get("objects") or ():
                names = [_sval(s) for s in obj["List"]["items"]]
                table, schema = names[-1], (names[-2] if len(names) > 1 else None)
                if not scope.is_new(table, schema):
                    emit("drop_table", table=qualified(table, schema), details={"cascade": cascade})
                scope.forget_table(table)
        elif stmt.get("removeType") == "OBJECT_SCHEMA":
            for obj in stmt.get("objects") or ():
                name = _sval(obj)
                if not scope.is_new_schema(name):
                    emit("drop_schema", old=name, details={"cascade": cascade})
    elif kind == "CreateSchemaStmt":
        if stmt.get("schemaname"):
            scope.create_schema(str(stmt["schemaname"]))
            emit("_create_schema", old=str(stmt["schemaname"]))
    elif kind == "DropdbStmt":
        emit("drop_schema", old=str(stmt.get("dbname")), details={"database": True})
    elif kind == "TruncateStmt":
        cascade = stmt.get("behavior") == "DROP_CASCADE"
        for rel in stmt.get("relations") or ():
            table, schema = _pg_name(rel["RangeVar"])
            # CASCADE also empties every table with a foreign key to it, new table or not.
            if cascade or not scope.is_new(table, schema):
                emit("truncate_table", table=qualified(table, schema), details={"cascade": cascade})
    elif kind == "DeleteStmt":
        table, schema = _pg_name(stmt["relation"])
        if stmt.get("whereClause") is None and not scope.is_new(table, schema):
            emit("delete_all_rows", table=qualified(table, schema))
    elif kind == "AlterTableStmt":
        if stmt.get("objtype") == "OBJECT_TABLE":
            _pg_alter_table(stmt, scope, emit)
    elif kind == "RenameStmt":
        _pg_rename(stmt, scope, emit)
    elif kind == "IndexStmt":
        table, schema = _pg_name(stmt["relation"])
        if not stmt.get("concurrent") and not scope.is_new(table, schema):
            emit("create_index_blocking", table=qualified(table, schema),
                 details={"index": stmt.get("idxname"), "unique": bool(stmt.get("unique"))})


def _pg_alter_table(stmt: Node, scope: Scope, emit: Emit) -> None:
    table, schema = _pg_name(stmt["relation"])
    where = qualified(table, schema)
    new_table = scope.is_new(table, schema)
    for wrapped in stmt.get("cmds") or ():
        cmd = wrapped["AlterTableCmd"]
        sub = cmd.get("subtype")
        if sub == "AT_DropColumn":
            column = str(cmd.get("name"))
            if not new_table and not scope.is_new_column(table, column):
                emit("drop_column", table=where, column=column)
            scope.forget_column(table, column)
        elif sub == "AT_AlterColumnType":
            column = str(cmd.get("name"))
            new_type = _pg_type(cmd["def"]["ColumnDef"].get("typeName"))
            old_type = scope.type_of(table, column)
            scope.set_type(table, column, new_type)
            if not new_table and new_type is not None:
                type_change(emit, where, column, old_type, new_type, "postgresql")
        elif sub == "AT_SetNotNull":
            if not new_table:
                emit("set_not_null", table=where, column=str(cmd.get("name")))
        elif sub == "AT_AddColumn":
            _pg_add_column(cmd["def"]["ColumnDef"], table, where, new_table, scope, emit)
        elif sub == "AT_AddConstraint" and not new_table:
            con = cmd["def"]["Constraint"]
            contype = con.get("contype")
            if contype == "CONSTR_FOREIGN" and not con.get("skip_validation"):
                cols = [_sval(s) for s in con.get("fk_attrs") or ()]
                emit("add_foreign_key_validating", table=where, column=", ".join(cols) or None,
                     details={"via": "add_constraint", "constraint": con.get("conname"),
                              "referent": _pg_name(con["pktable"])[0]})
            elif contype in _INDEXED and not con.get("indexname"):
                # UNIQUE / PRIMARY KEY / EXCLUDE build their index under the ALTER's lock; with
                # USING INDEX they adopt one built CONCURRENTLY before, which is the safe way.
                keys = [_sval(k) for k in con.get("keys") or ()]
                emit("create_index_blocking", table=where, column=", ".join(keys) or None,
                     details={"via": "add_constraint", "constraint": con.get("conname"),
                              "constraint_type": _INDEXED[contype]})


def _pg_add_column(col: Node, table: str, where: str, new_table: bool, scope: Scope, emit: Emit) -> None:
    column = str(col.get("colname"))
    col_type = _pg_type(col.get("typeName"))
    scope.add_column(table, column, col_type)
    if new_table:
        return
    constraints = [c["Constraint"] for c in col.get("constraints") or ()]
    contypes = {c.get("contype") for c in constraints}
    not_null = bool(contypes & {"CONSTR_NOTNULL", "CONSTR_PRIMARY"})
    has_default = any(
        c.get("contype") == "CONSTR_DEFAULT" and not (c.get("raw_expr") or {}).get("A_Const", {}).get("isnull")
        for c in constraints
    ) or bool(contypes & {"CONSTR_IDENTITY", "CONSTR_GENERATED"})
    names = (col.get("typeName") or {}).get("names") or ()
    if names and _sval(names[-1]) in _SERIALS:
        has_default = True
    if not_null and not has_default:
        emit("add_not_null_column_without_default", table=where, column=column,
             new=col_type.render() if col_type else None)
    for c in constraints:
        if c.get("contype") in _INDEXED:
            emit("create_index_blocking", table=where, column=column,
                 details={"via": "add_column", "constraint_type": _INDEXED[c["contype"]]})
    for c in constraints:
        if c.get("contype") == "CONSTR_FOREIGN" and not c.get("skip_validation"):
            emit("add_foreign_key_validating", table=where, column=column,
                 details={"via": "add_column", "referent": _pg_name(c["pktable"])[0]})


def _pg_rename(stmt: Node, scope: Scope, emit: Emit) -> None:
    if not stmt.get("relation"):
        return
    table, schema = _pg_name(stmt["relation"])
    rename = stmt.get("renameType")
    if rename == "OBJECT_TABLE":
        if scope.is_new(table, schema):
            scope.create_table(str(stmt.get("newname")), schema)
        else:
            emit("rename_table", table=qualified(table, schema), old=table, new=str(stmt.get("newname")))
        scope.rename_table(table, str(stmt.get("newname")))
    elif rename == "OBJECT_COLUMN" and stmt.get("relationType") == "OBJECT_TABLE":
        old, new = str(stmt.get("subname")), str(stmt.get("newname"))
        if scope.is_new(table, schema) or scope.is_new_column(table, old):
            scope.add_column(table, new, scope.type_of(table, old))
        else:
            emit("rename_column", table=qualified(table, schema), column=old, old=old, new=new)
        scope.rename_column(table, old, new)


# --- SQLite and MySQL (sqlglot) -----------------------------------------------------------------


class _DropCommandFallbackWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "Falling back to parsing as a 'Command'" not in record.getMessage()


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    """sqlglot logs a warning for every statement it keeps as an opaque command; lint reports
    what matters itself, so those warnings would only be noise on stderr."""
    logger = logging.getLogger("sqlglot")
    flt = _DropCommandFallbackWarnings()
    logger.addFilter(flt)
    try:
        yield
    finally:
        logger.removeFilter(flt)


def _read_sqlglot(text: str, dialect: str, scope: Scope) -> SqlRead:
    from sqlglot import TokenType
    from sqlglot.dialects.dialect import Dialect
    from sqlglot.errors import ErrorLevel, ParseError, TokenError

    out = SqlRead()
    lines = _Lines(text)
    sg_dialect = Dialect.get_or_raise(SQLGLOT_DIALECTS.get(dialect, dialect))
    try:
        tokens = sg_dialect.tokenize(text)
    except TokenError as exc:
        out.operations.append(
            Operation("unparseable_sql", line=1, dialect=dialect,
                      details={"error": str(exc).splitlines()[0], "parser": "sqlglot",
                               "whole_file": True})
        )
        return out
    # Comments live in the gaps between tokens, and only comments and white space do, so finding
    # them there needs no SQL knowledge beyond the comment markers.
    prev_end = -1
    for tok in tokens:
        _gap_comments(text, prev_end + 1, tok.start, dialect, lines, out, code_before=prev_end >= 0)
        for ln in range(lines.line(tok.start), lines.line(tok.end) + 1):
            out.code_lines.add(ln)
        prev_end = tok.end
    _gap_comments(text, prev_end + 1, len(text), dialect, lines, out, code_before=prev_end >= 0)

    chunks = _sg_split(tokens, TokenType.SEMICOLON)
    with _quiet_sqlglot():
        for part in chunks:
            line, end_line = lines.line(part[0].start), lines.line(part[-1].end)
            statement = text[part[0].start : part[-1].end + 1]
            if _sg_routine(part) and any(t.token_type == TokenType.SEMICOLON for t in part):
                # A trigger or routine with a compound body (BEGIN ... END): the body runs when
                # it fires, not when the migration does, and sqlglot keeps such a statement as an
                # opaque command anyway.
                continue

            def emit(kind: str, _line: int = line, _end: int = end_line, **kw: Any) -> None:
                out.operations.append(
                    Operation(kind, line=_line, end_line=_end, dialect=dialect, **kw)
                )

            try:
                parsed = sg_dialect.parser(error_level=ErrorLevel.RAISE).parse(part, text)
            except ParseError as exc:
                first = exc.errors[0] if exc.errors else {}
                emit("unparseable_sql", details={
                    "error": str(first.get("description") or str(exc).splitlines()[0]),
                    "parser": "sqlglot",
                    "statement": _snippet(statement),
                    "error_line": first.get("line") or line,
                })
                continue
            for expression in parsed:
                if expression is not None:
                    _sg_statement(expression, dialect, scope, emit)
    return out


_ROUTINES = frozenset({"TRIGGER", "PROCEDURE", "PROC", "FUNCTION", "EVENT"})
# END followed by one of these closes a block that was not counted open (MySQL's END IF, END LOOP).
_UNCOUNTED_ENDS = frozenset({"IF", "LOOP", "WHILE", "REPEAT"})
# BEGIN followed by one of these starts a transaction, not a block (T-SQL's BEGIN TRAN).
_NOT_BLOCKS = frozenset({"TRAN", "TRANSACTION", "DISTRIBUTED", "DIALOG", "CONVERSATION"})


def _sg_routine(part: list[Any]) -> bool:
    """CREATE [OR REPLACE | OR ALTER] [DEFINER = ...] TRIGGER | PROCEDURE | FUNCTION | EVENT."""
    head = [t.text.upper() for t in part[:10]]
    return bool(head) and head[0] == "CREATE" and any(w in _ROUTINES for w in head[1:])


def _sg_split(tokens: list[Any], semicolon: Any) -> list[list[Any]]:
    """Statements (token lists) at the semicolons, except those inside the BEGIN ... END body of a
    trigger or routine (SQLite's CREATE TRIGGER ... BEGIN ...; END, MySQL's and T-SQL's compound
    statements), where a semicolon ends a statement of the body."""
    chunks: list[list[Any]] = []
    chunk: list[Any] = []
    depth = 0
    previous = ""
    for i, tok in enumerate(tokens):
        if tok.token_type == semicolon and depth == 0:
            if chunk:
                chunks.append(chunk)
            chunk = []
            previous = ""
            continue
        chunk.append(tok)
        word = tok.text.upper()
        if word in ("BEGIN", "CASE", "END") and _sg_routine(chunk):
            following = tokens[i + 1].text.upper() if i + 1 < len(tokens) else ""
            if word == "BEGIN" and following not in _NOT_BLOCKS:
                depth += 1
            elif word == "CASE" and previous != "END":  # END CASE closes, it opens nothing
                depth += 1
            elif word == "END" and following not in _UNCOUNTED_ENDS and depth:
                depth -= 1
        previous = word
    if chunk:
        chunks.append(chunk)
    return chunks


def _gap_comments(
    text: str, start: int, stop: int, dialect: str, lines: _Lines, out: SqlRead, *, code_before: bool
) -> None:
    i = start
    last_code_line = lines.line(start - 1) if code_before and start > 0 else 0
    while i < stop:
        ch = text[i]
        if text.startswith("--", i) or (ch == "#" and dialect == "mysql"):
            end = text.find("\n", i, stop)
            end = stop if end == -1 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2, stop)
            end = stop if end == -1 else end + 2
        else:
            i += 1
            continue
        ln = lines.line(i)
        out.comments.append(Comment(ln, text[i:end], ln == last_code_line))
        i = end


def _sg_drop_targets(node: Any) -> list[Any]:
    """What a DROP names: `tables` in newer sqlglot, `this` plus `expressions` before 30.2x."""
    tables = node.args.get("tables")
    if tables:
        return list(tables)
    first = node.args.get("this")
    return ([first] if first is not None else []) + list(node.args.get("expressions") or [])


def _sg_schema_name(node: Any) -> str:
    db = node.args.get("db")
    return str(db.name) if db is not None else str(node.name)


def _sg_statement(node: Any, dialect: str, scope: Scope, emit: Emit) -> None:
    from sqlglot import exp

    if isinstance(node, exp.Create):
        kind = str(node.args.get("kind") or "").upper()
        if kind == "TABLE":
            target = node.this
            table_node = target.this if isinstance(target, exp.Schema) else target
            if isinstance(table_node, exp.Table):
                table, schema = sg_table(table_node)
                scope.create_table(table, schema)
                if isinstance(target, exp.Schema):
                    for col in target.expressions:
                        if isinstance(col, exp.ColumnDef):
                            scope.set_type(table, col.name, sg_type(col.args.get("kind"), dialect))
                            sg_define(col, table, scope)
                        else:
                            sg_table_element(col, table, scope)
        elif kind == "INDEX" and isinstance(node.this, exp.Index):
            on = node.this.args.get("table")
            params = node.this.args.get("params")
            if isinstance(on, exp.Table) and params is not None:
                cols = tuple(str(o.this.name) if isinstance(o, exp.Ordered) else str(o.name)
                             for o in params.args.get("columns") or ())
                scope.add_index(sg_table(on)[0], str(node.this.name), cols)
        elif kind in ("SCHEMA", "DATABASE") and isinstance(node.this, exp.Table):
            name = _sg_schema_name(node.this)
            scope.create_schema(name)
            emit("_create_schema", old=name)
        # CREATE INDEX: SQLite and MySQL have no CONCURRENTLY to recommend (MySQL's InnoDB
        # builds secondary indexes online by default), so it is not a finding there.
    elif isinstance(node, exp.Drop):
        kind = str(node.args.get("kind") or "").upper()
        on = node.args.get("cluster")
        if kind == "INDEX" and isinstance(on, exp.OnProperty) and isinstance(on.this, exp.Table):
            # MySQL's DROP INDEX ix ON t
            for ix in _sg_drop_targets(node):
                sg_drop_index(str(ix.name), *sg_table(on.this), dialect, scope, emit)
        elif kind == "TABLE":
            for tbl in _sg_drop_targets(node):
                table, schema = sg_table(tbl)
                if not scope.is_new(table, schema):
                    emit("drop_table", table=qualified(table, schema),
                         details={"cascade": bool(node.args.get("cascade"))})
                scope.forget_table(table)
        elif kind in ("SCHEMA", "DATABASE"):
            for tbl in _sg_drop_targets(node):
                name = _sg_schema_name(tbl)
                if not scope.is_new_schema(name):
                    # MySQL's DATABASE and SCHEMA are synonyms: both are reported as a schema.
                    emit("drop_schema", old=name,
                         details={"database": kind == "DATABASE" and dialect != "mysql",
                                  "cascade": bool(node.args.get("cascade"))})
    elif isinstance(node, exp.TruncateTable):
        cascade = str(node.args.get("option") or "").upper() == "CASCADE" or bool(node.args.get("cascade"))
        for tbl in node.expressions:
            table, schema = sg_table(tbl)
            if cascade or not scope.is_new(table, schema):
                emit("truncate_table", table=qualified(table, schema), details={"cascade": cascade})
    elif isinstance(node, exp.Delete):
        target = node.this
        if isinstance(target, exp.Table) and node.args.get("where") is None and not target.args.get("joins"):
            table, schema = sg_table(target)
            if not scope.is_new(table, schema):
                emit("delete_all_rows", table=qualified(table, schema))
    elif isinstance(node, exp.Alter):
        if str(node.args.get("kind") or "").upper() == "TABLE" and isinstance(node.this, exp.Table):
            _sg_alter_table(node, dialect, scope, emit)
    elif isinstance(node, exp.Command) and str(node.this).upper() == "RENAME" and dialect == "mysql":
        _sg_rename_tables(node, dialect, scope, emit)


def _sg_alter_table(node: Any, dialect: str, scope: Scope, emit: Emit) -> None:
    from sqlglot import exp

    table, schema = sg_table(node.this)
    where = qualified(table, schema)
    new_table = scope.is_new(table, schema)
    clauses = sg_clauses(node) if dialect == "mysql" else {}
    if clauses:
        # The statement's ALGORITHM/LOCK clauses decide what the server does with each action.
        plain = emit

        def emit(kind: str, **kw: Any) -> None:
            kw["details"] = {**dict(kw.get("details") or {}), **clauses}
            plain(kind, **kw)

    for action in node.args.get("actions") or ():
        drop_kind = str(action.args.get("kind") or "").upper() if isinstance(action, exp.Drop) else ""
        if drop_kind == "COLUMN":
            for col in _sg_drop_targets(action):
                column = str(col.name)
                if not new_table and not scope.is_new_column(table, column):
                    emit("drop_column", table=where, column=column)
                scope.forget_column(table, column)
        elif drop_kind == "INDEX":
            for ix in _sg_drop_targets(action):
                sg_drop_index(str(ix.name), table, schema, dialect, scope, emit)
        elif drop_kind == "FOREIGN KEY":
            for fk in _sg_drop_targets(action):
                scope.drop_foreign_key(table, str(fk.name))
        elif isinstance(action, exp.AddConstraint):
            for elem in action.expressions:
                fk = sg_table_element(elem, table, scope)
                if fk is not None and dialect == "mysql" and not new_table:
                    emit("add_foreign_key_validating", table=where, column=", ".join(fk.columns) or None,
                         details={"via": "add_constraint", "constraint": fk.name, "referent": fk.referent})
        elif isinstance(action, exp.ColumnDef):
            column = str(action.name)
            col_type = sg_type(action.args.get("kind"), dialect)
            scope.add_column(table, column, col_type)
            definition = sg_define(action, table, scope)
            kinds = [c.args.get("kind") for c in action.args.get("constraints") or ()]
            has_default = definition.default is not None or any(
                isinstance(k, (exp.AutoIncrementColumnConstraint, exp.GeneratedAsIdentityColumnConstraint,
                               exp.ComputedColumnConstraint))
                for k in kinds
            )
            if not new_table and not definition.nullable and not has_default:
                emit("add_not_null_column_without_default", table=where, column=column,
                     new=col_type.render() if col_type else None)
        elif isinstance(action, exp.AlterColumn):
            column = str(action.name)
            dtype = action.args.get("dtype")
            if dtype is not None:
                new_type = sg_type(dtype, dialect)
                old_type = scope.type_of(table, column)
                scope.set_type(table, column, new_type)
                if not new_table and new_type is not None:
                    type_change(emit, where, column, old_type, new_type, dialect)
            if action.args.get("allow_null") is False and not new_table:
                emit("set_not_null", table=where, column=column)
            known = scope.definition_of(table, column)
            if known is not None and ("default" in action.args or action.args.get("drop")):
                value = action.args.get("default")
                scope.define(table, column, replace(known, default=value.sql(dialect="mysql") if value is not None else None))
        elif isinstance(action, exp.ModifyColumn):
            sg_modify(action, table, where, new_table, dialect, scope, emit)
        elif isinstance(action, exp.RenameColumn):
            old, new = str(action.this.name), str(action.args["to"].name)
            if new_table or scope.is_new_column(table, old):
                scope.add_column(table, new, scope.type_of(table, old))
            else:
                emit("rename_column", table=where, column=old, old=old, new=new)
            scope.rename_column(table, old, new)
        elif isinstance(action, exp.AlterRename):
            new_name = str(action.this.name)
            if new_table:
                scope.create_table(new_name, schema)
            else:
                emit("rename_table", table=where, old=table, new=new_name)
            scope.rename_table(table, new_name)


def _sg_rename_tables(node: Any, dialect: str, scope: Scope, emit: Emit) -> None:
    """MySQL `RENAME TABLE a TO b[, c TO d]`, which sqlglot keeps as an opaque command: its
    tokens are read as comma-separated `old TO new` pairs."""
    from sqlglot import TokenType
    from sqlglot.dialects.dialect import Dialect

    body = node.expression.this if node.expression is not None else ""
    toks = list(Dialect.get_or_raise(SQLGLOT_DIALECTS.get(dialect, dialect)).tokenize(str(body)))
    if not toks or toks[0].token_type != TokenType.TABLE:
        return
    groups: list[list[Any]] = [[]]
    for tok in toks[1:]:
        if tok.token_type == TokenType.COMMA:
            groups.append([])
        else:
            groups[-1].append(tok)
    for group in groups:
        to = next((i for i, t in enumerate(group) if t.text.upper() == "TO"), None)
        if to is None or to == 0 or to == len(group) - 1:
            continue
        old = group[to - 1].text
        schema = group[to - 3].text if to >= 3 and group[to - 2].token_type == TokenType.DOT else None
        new = group[-1].text
        if scope.is_new(old, schema):
            scope.create_table(new, schema)
        else:
            emit("rename_table", table=qualified(old, schema), old=old, new=new)
        scope.rename_table(old, new)
