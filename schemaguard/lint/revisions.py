"""Python sources read as syntax trees, never imported or run.

An Alembic revision (a module with `upgrade()`/`downgrade()`) is read call by call: `op.*` calls,
`batch_op.*` calls inside `with op.batch_alter_table(...) as batch_op:`, SQL string literals given
to `op.execute(...)` (and any `.execute`/`.exec_driver_sql` call, with or without `sa.text`), ORM
and Core deletes without a filter, and helper functions of the same module that upgrade() or
downgrade() call. Any other Python file is application code, where `drop_all()` is the hazard
(a warning instead of an error behind an environment check: see guards.py).
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from . import suppress
from .guards import DialectTests, python_guard
from .operations import ColumnDefinition, ForeignKey, Operation, Scope, qualified, running_names
from .pyast import arg as _arg
from .pyast import callee_name as _callee_name
from .pyast import is_false as _is_false
from .pyast import kw as _kw
from .pyast import truthy as _truthy
from .revision_keys import KeyReader
from .sql import read_sql
from .sql_columns import type_change
from .sqltypes import ColumnType, make_type
from .suppress import Comment

PHASES = ("upgrade", "downgrade")
_FILTERS = frozenset({"filter", "filter_by", "where"})
_EXECUTE = frozenset({"execute", "exec_driver_sql"})
# Statements whose blocks walk_statement follows (the rest are walked expression by expression).
_FLOW = (ast.If, ast.Return, ast.Raise, ast.Continue, ast.Break, ast.With, ast.AsyncWith, ast.For,
         ast.AsyncFor, ast.While, ast.Try, ast.TryStar, ast.FunctionDef, ast.AsyncFunctionDef,
         ast.ClassDef, ast.Match)


def is_revision(tree: ast.Module) -> bool:
    """A module with a top-level upgrade() or downgrade() function is an Alembic revision."""
    return any(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in PHASES
        for node in tree.body
    )


@dataclass
class PythonRead:
    operations: list[Operation] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    code_lines: set[int] = field(default_factory=set)
    # A revision: what is known once its upgrade() has run (for the revisions after it).
    scope: Scope | None = None


def read_python(source: str, tree: ast.Module, dialect: str = "postgresql",
                known: Scope | None = None) -> PythonRead:
    """Operations of a revision or of application code, and the Python comments. `known`: what
    the revisions before this one defined; upgrade() starts from it, downgrade() from what
    upgrade() left (it runs on that schema)."""
    out = PythonRead()
    if is_revision(tree):
        module = _Module.of(tree)
        scope = known.carried() if known is not None else Scope(dialect)
        for phase in PHASES:
            fn = module.functions.get(phase)
            if fn is not None:
                walker = _RevisionWalker(module, phase, dialect, scope)
                walker.walk_body(fn.body)
                out.operations.extend(walker.operations)
            if phase == "upgrade":
                out.scope = scope
                scope = scope.carried()
    else:
        out.operations.extend(_app_code(tree, dialect))
    out.comments, out.code_lines = python_comments(source)
    return out


def python_comments(source: str) -> tuple[list[Comment], set[int]]:
    comments: list[Comment] = []
    code: set[int] = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments.append(Comment(tok.start[0], tok.string, tok.start[0] in code))
            elif tok.type not in skip:
                code.update(range(tok.start[0], tok.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass  # the source parsed with ast already; a tokenizer quirk only costs suppressions
    return comments, code


# --- module facts -------------------------------------------------------------------------------


@dataclass
class _Module:
    functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef]
    constants: dict[str, ast.expr]
    # Declarative model class name -> its __tablename__.
    models: dict[str, str]
    # Local names bound to alembic's `op`.
    op_names: set[str]
    # Local names bound to the sqlalchemy module (sa.delete(...) is not a table's .delete()).
    sa_names: set[str]
    # The module tells MariaDB from MySQL (a "mariadb" string somewhere in it).
    names_mariadb: bool = False

    @classmethod
    def of(cls, tree: ast.Module) -> _Module:
        functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        constants: dict[str, ast.expr] = {}
        models: dict[str, str] = {}
        op_names = {"op"}
        sa_names = {"sa", "sqlalchemy"}
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[node.name] = node
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                constants[node.targets[0].id] = node.value
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
                constants[node.target.id] = node.value
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "sqlalchemy":
                        sa_names.add(alias.asname or "sqlalchemy")
            elif isinstance(node, ast.ImportFrom) and node.module == "alembic":
                for alias in node.names:
                    if alias.name == "op":
                        op_names.add(alias.asname or "op")
            elif isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                            and isinstance(stmt.targets[0], ast.Name)
                            and stmt.targets[0].id == "__tablename__"
                            and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)):
                        models[node.name] = stmt.value.value
        names_mariadb = any(isinstance(n, ast.Constant) and isinstance(n.value, str)
                            and n.value.lower() == "mariadb" for n in ast.walk(tree))
        return cls(functions, constants, models, op_names, sa_names, names_mariadb)


class _RevisionWalker(KeyReader):
    """Walks one upgrade()/downgrade() body in source order, keeping what it has created."""

    def __init__(self, module: _Module, phase: str, dialect: str, scope: Scope | None = None) -> None:
        self.module = module
        self.phase = phase
        self.dialect = dialect
        self.scope = scope if scope is not None else Scope(dialect)
        self.operations: list[Operation] = []
        self.batch: dict[str, tuple[str, str | None]] = {}
        self.locals: dict[str, ast.expr] = {}
        self.active: set[str] = {phase}
        self.tests = DialectTests(running_names(dialect, mariadb=module.names_mariadb),
                                  module.functions, module.constants)

    # -- traversal --

    def walk_body(self, body: list[ast.stmt]) -> bool:
        """Walk a block in order; True when it certainly leaves its function or loop on this
        database (a return, raise, continue or break, or a decided branch ending in one), so that
        the statements after it in the enclosing block do not run."""
        for stmt in body:
            if self.walk_statement(stmt):
                return True
        return False

    def decide(self, test: ast.expr) -> bool | None:
        """Does this condition hold on the database being linted? None: cannot be told."""
        return self.tests.decide(test, self.locals)

    def walk_statement(self, stmt: ast.stmt) -> bool:
        if isinstance(stmt, ast.If):
            self.walk(stmt.test)
            verdict = self.decide(stmt.test)
            if verdict is None:
                # Undecided: both branches, as if each could run; neither ends the block.
                self.walk_body(stmt.body)
                self.walk_body(stmt.orelse)
                return False
            return self.walk_body(stmt.body if verdict else stmt.orelse)
        if isinstance(stmt, (ast.Return, ast.Raise)):
            for child in ast.iter_child_nodes(stmt):
                self.walk(child)
            return True
        if isinstance(stmt, (ast.Continue, ast.Break)):
            return True
        if isinstance(stmt, (ast.With, ast.AsyncWith)):
            bound: list[str] = []
            for item in stmt.items:
                self.walk(item.context_expr)
                target = self._batch_target(item.context_expr)
                if target is not None and isinstance(item.optional_vars, ast.Name):
                    self.batch[item.optional_vars.id] = target
                    bound.append(item.optional_vars.id)
            ends = self.walk_body(stmt.body)
            for name in bound:
                self.batch.pop(name, None)
            return ends
        if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            self.walk(stmt.iter if isinstance(stmt, (ast.For, ast.AsyncFor)) else stmt.test)
            self.walk_body(stmt.body)  # a return in it may or may not be reached
            self.walk_body(stmt.orelse)
            return False
        if isinstance(stmt, (ast.Try, ast.TryStar)):
            self.walk_body(stmt.body)
            for handler in stmt.handlers:
                self.walk_body(handler.body)
            self.walk_body(stmt.orelse)
            self.walk_body(stmt.finalbody)
            return False
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            # A nested function is read where it is defined, as before; its return is its own.
            for child in (*stmt.decorator_list, *getattr(stmt, "bases", ())):
                self.walk(child)
            self.walk_body(stmt.body)
            return False
        if isinstance(stmt, ast.Match):
            self.walk(stmt.subject)
            for case in stmt.cases:
                self.walk_body(case.body)
            return False
        self.walk(stmt)
        return False

    def walk(self, node: ast.AST) -> None:
        if isinstance(node, _FLOW):
            self.walk_statement(node)
            return
        if isinstance(node, ast.IfExp):
            verdict = self.decide(node.test)
            if verdict is not None:
                self.walk(node.test)
                self.walk(node.body if verdict else node.orelse)
                return
        if isinstance(node, ast.Assign):
            self.walk(node.value)
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.locals[node.targets[0].id] = node.value
            return
        if isinstance(node, ast.Call):
            # Arguments first (they are evaluated first), then the call itself.
            for child in ast.iter_child_nodes(node):
                self.walk(child)
            self.call(node)
            return
        for child in ast.iter_child_nodes(node):
            self.walk(child)

    def _batch_target(self, expr: ast.expr) -> tuple[str, str | None] | None:
        if (isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute)
                and expr.func.attr == "batch_alter_table" and self._is_op(expr.func.value)):
            table = self._name(_arg(expr, 0, "table_name"))
            schema = self._str(_kw(expr, "schema"))
            if table is not None:
                return table, schema
        return None

    def _is_op(self, expr: ast.expr) -> bool:
        if isinstance(expr, ast.Name):
            return expr.id in self.module.op_names
        return (isinstance(expr, ast.Attribute) and expr.attr == "op"
                and isinstance(expr.value, ast.Name) and expr.value.id == "alembic")

    # -- values --

    def _resolve(self, expr: ast.expr | None) -> ast.expr | None:
        """Follow a name to the value a local or module-level assignment gave it."""
        for _ in range(5):
            if not isinstance(expr, ast.Name):
                break
            value = self.locals.get(expr.id) or self.module.constants.get(expr.id)
            if value is None:
                break
            expr = value
        return expr

    def _str(self, expr: ast.expr | None) -> str | None:
        expr = self._resolve(expr)
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return expr.value
        # op.f("ix_name"), sa.quoted_name("Name", quote=True), conv("...")
        if isinstance(expr, ast.Call) and _callee_name(expr.func) in ("f", "quoted_name", "conv") and expr.args:
            return self._str(expr.args[0])
        return None

    def _name(self, expr: ast.expr | None) -> str | None:
        """A table or column name; for a computed one, its source text; None when missing."""
        text = self._str(expr)
        if text is not None:
            return text
        if isinstance(expr, (ast.Name, ast.Attribute, ast.Subscript, ast.JoinedStr)):
            return ast.unparse(expr)
        return None

    def _int(self, expr: ast.expr | None) -> int | None:
        expr = self._resolve(expr)
        if isinstance(expr, ast.Constant) and isinstance(expr.value, int) and not isinstance(expr.value, bool):
            return expr.value
        return None

    def sa_type(self, expr: ast.expr | None) -> ColumnType | None:
        """A SQLAlchemy type expression (`sa.String(50)`, `Text`, `sa.Enum("a", "b")`)."""
        expr = self._resolve(expr)
        if expr is None:
            return None
        if isinstance(expr, (ast.Name, ast.Attribute)):
            name = _callee_name(expr)
            return make_type(name, dialect=self.dialect) if name else None
        if not isinstance(expr, ast.Call):
            return None
        name = _callee_name(expr.func)
        if name is None:
            return None
        if name == "with_variant" and isinstance(expr.func, ast.Attribute):
            return self.sa_type(expr.func.value)
        lname = name.lower()
        if lname == "enum":
            labels = [self._str(a) for a in expr.args]
            values = tuple(v for v in labels if v is not None) if labels and None not in labels else None
            return make_type("enum", values=values, dialect=self.dialect)
        if lname == "array":
            inner = self.sa_type(_arg(expr, 0, "item_type"))
            return replace(inner, array=True) if inner else make_type("array", dialect=self.dialect)
        args: list[int] = []
        if lname in ("string", "varchar", "unicode", "nvarchar", "char", "nchar"):
            sizes = [_arg(expr, 0, "length")]
        elif lname in ("numeric", "decimal", "float", "double", "real"):
            sizes = [_arg(expr, 0, "precision"), _arg(expr, 1, "scale")]
        else:
            sizes = []
        for size in sizes:
            if size is None or (isinstance(size, ast.Constant) and size.value is None):
                break
            value = self._int(size)
            if value is None:
                return None  # a size computed at run time: the type is not known
            args.append(value)
        timezone = _truthy(_arg(expr, 0, "timezone")) if lname in ("datetime", "timestamp", "time") else False
        return make_type(name, tuple(args), timezone=timezone, dialect=self.dialect)

    # -- emitting --

    def emit(self, kind: str, node: ast.AST, source: str = "alembic", **kw: Any) -> None:
        self.operations.append(
            Operation(kind, line=getattr(node, "lineno", 1), end_line=getattr(node, "end_lineno", None),
                      dialect=self.dialect, source=source, phase=self.phase, **kw)
        )

    # -- calls --

    def call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            method = func.attr
            if self._is_op(func.value):
                self.op_call(method, node)
            elif isinstance(func.value, ast.Name) and func.value.id in self.batch:
                self.batch_call(method, node, *self.batch[func.value.id])
            if method in _EXECUTE:
                self.execute(node)
            elif method == "delete" and not node.args:
                self.orm_delete(node)
            elif method == "drop_all":
                self.emit("force_reset", node, details={"call": ast.unparse(func)})
        elif isinstance(func, ast.Name):
            helper = self.module.functions.get(func.id)
            if helper is not None and func.id not in self.active:
                # A helper of the same module, run as part of this phase; a parameter given a
                # constant or the running database's name keeps it (`_helper(dialect_name)` tests it).
                self.active.add(func.id)
                saved = self.locals
                self.locals = self.tests.bind_arguments(helper, node, saved)
                self.walk_body(helper.body)
                self.locals = saved
                self.active.discard(func.id)
            elif func.id == "drop_all":
                self.emit("force_reset", node, details={"call": "drop_all"})

    def op_call(self, method: str, node: ast.Call) -> None:
        schema = self._str(_kw(node, "schema"))
        table = self._name(_arg(node, 0, "table_name"))
        if method == "create_table" and table is not None:
            self.scope.create_table(table, schema)
            for col in node.args[1:]:
                self._record_column(table, col, new=False)
                self.table_key(table, col)
        elif method == "drop_table" and table is not None:
            if not self.scope.is_new(table, schema):
                self.emit("drop_table", node, table=qualified(table, schema))
            self.scope.forget_table(table)
        elif method == "add_column" and table is not None:
            self.add_column(node, table, schema, _arg(node, 1, "column"))
        elif method in ("drop_column", "alter_column") and table is not None:
            column = self._name(_arg(node, 1, "column_name"))
            if column is not None:
                change = self.drop_column if method == "drop_column" else self.alter_column
                change(node, table, schema, column)
        elif method == "rename_table":
            old = self._name(_arg(node, 0, "old_table_name"))
            new = self._name(_arg(node, 1, "new_table_name"))
            if old is None or new is None:
                return
            if self.scope.is_new(old, schema):
                self.scope.create_table(new, schema)
            else:
                self.emit("rename_table", node, table=qualified(old, schema), old=old, new=new)
            self.scope.rename_table(old, new)
        elif method == "create_index":
            on = self._name(_arg(node, 1, "table_name"))
            if on is not None:
                self.create_index(node, on, schema, self._str(_arg(node, 0, "index_name")))
        elif method in ("create_unique_constraint", "create_primary_key"):
            on = self._name(_arg(node, 1, "table_name"))
            if on is not None:
                self.indexed_constraint(node, method, on, schema, _arg(node, 2, "columns"))
        elif method == "create_foreign_key":
            source = self._name(_arg(node, 1, "source_table"))
            if source is not None:
                self.create_foreign_key(node, source, self._str(_kw(node, "source_schema")),
                                        _arg(node, 2, "referent_table"), _arg(node, 3, "local_cols"),
                                        _arg(node, 4, "remote_cols"))
        elif method in ("drop_index", "drop_constraint"):
            on = self._name(_arg(node, 1, "table_name"))
            if on is not None:
                self.drop_key(node, method, on, schema)

    def batch_call(self, method: str, node: ast.Call, table: str, schema: str | None) -> None:
        if method == "add_column":
            self.add_column(node, table, schema, _arg(node, 0, "column"))
        elif method in ("drop_column", "alter_column"):
            column = self._name(_arg(node, 0, "column_name"))
            if column is not None:
                change = self.drop_column if method == "drop_column" else self.alter_column
                change(node, table, schema, column)
        elif method == "create_index":
            self.create_index(node, table, schema, self._str(_arg(node, 0, "index_name")))
        elif method == "create_foreign_key":
            self.create_foreign_key(node, table, schema, _arg(node, 1, "referent_table"),
                                    _arg(node, 2, "local_cols"), _arg(node, 3, "remote_cols"))
        elif method in ("drop_index", "drop_constraint"):
            self.drop_key(node, method, table, schema)
        elif method in ("create_unique_constraint", "create_primary_key"):
            self.indexed_constraint(node, method, table, schema, _arg(node, 1, "columns"))

    # -- the operations --

    def _column_parts(self, col: ast.expr | None) -> tuple[str | None, ast.Call | None]:
        col = self._resolve(col)
        if isinstance(col, ast.Call) and _callee_name(col.func) == "Column":
            return self._str(col.args[0]) if col.args else self._str(_kw(col, "name")), col
        return None, None

    def _record_column(self, table: str, col: ast.expr, *, new: bool) -> None:
        name, call = self._column_parts(col)
        if name is None or call is None:
            return
        type_ = next((t for t in (self.sa_type(a) for a in call.args[1:2]) if t is not None), None)
        if type_ is None:
            type_ = self.sa_type(_kw(call, "type_"))
        if new:
            self.scope.add_column(table, name, type_)
        else:
            self.scope.set_type(table, name, type_)
        nullable = _kw(call, "nullable")
        server_default = _kw(call, "server_default")
        self.scope.define(table, name, ColumnDefinition(
            nullable=not (_is_false(nullable) or (nullable is None and _truthy(_kw(call, "primary_key")))),
            default=ast.unparse(server_default) if server_default is not None and _truthy(server_default) else None,
        ))

    def add_column(self, node: ast.Call, table: str, schema: str | None, col: ast.expr | None) -> None:
        name, call = self._column_parts(col)
        if name is None or call is None:
            return
        self._record_column(table, call, new=True)
        self.table_key(table, call)  # its unique=, index= and ForeignKey()
        if self.scope.is_new(table, schema):
            return
        primary = _truthy(_kw(call, "primary_key"))
        nullable_kw = _kw(call, "nullable")
        not_null = _is_false(nullable_kw) or (nullable_kw is None and primary)
        extras = {_callee_name(a.func) for a in call.args if isinstance(a, ast.Call)}
        has_default = (_truthy(_kw(call, "server_default")) or bool(extras & {"Identity", "Computed"}))
        where = qualified(table, schema)
        if not_null and not has_default:
            type_ = self.scope.type_of(table, name)
            self.emit("add_not_null_column_without_default", node, table=where, column=name,
                      new=type_.render() if type_ else None,
                      details={"client_default": _kw(call, "default") is not None})
        if self.dialect == "postgresql":
            ctype = "PRIMARY KEY" if primary else ("UNIQUE" if _truthy(_kw(call, "unique")) else None)
            if ctype:
                self.emit("create_index_blocking", node, table=where, column=name,
                          details={"via": "add_column", "constraint_type": ctype})
            for arg in call.args:
                if isinstance(arg, ast.Call) and _callee_name(arg.func) == "ForeignKey" and arg.args:
                    target = self._str(arg.args[0]) or ast.unparse(arg.args[0])
                    self.emit("add_foreign_key_validating", node, table=where, column=name,
                              details={"via": "add_column", "referent": target.rsplit(".", 1)[0]})

    def drop_column(self, node: ast.Call, table: str, schema: str | None, column: str) -> None:
        if not (self.scope.is_new(table, schema) or self.scope.is_new_column(table, column)):
            self.emit("drop_column", node, table=qualified(table, schema), column=column)
        self.scope.forget_column(table, column)

    def mysql_restatement(self, node: ast.Call, table: str, column: str) -> dict[str, Any]:
        """What Alembic's MODIFY/CHANGE rendering of this alter_column drops on MySQL.

        Alembic's MySQLImpl.alter_column renders MODIFY (CHANGE with new_column_name=) whenever
        nullable=, type_=, autoincrement= or comment= is given, restating the column from the call
        alone: nullability from nullable=, else existing_nullable=, else NULL; the default from
        server_default=, else existing_server_default=, else none (alembic/ddl/mysql.py)."""
        def given(name: str, absent: object) -> bool:
            value = _kw(node, name)
            return value is not None and not (isinstance(value, ast.Constant) and value.value is absent)

        if not (given("nullable", None) or given("type_", None) or given("autoincrement", None)
                or given("comment", False) or given("new_column_name", None)):
            return {}  # server_default= alone is ALTER COLUMN ... SET/DROP DEFAULT: nothing restated
        before = self.scope.definition_of(table, column)
        drops: list[str] = []
        definite = True
        if not given("nullable", None) and _kw(node, "existing_nullable") is None:
            if before is None or not before.nullable:
                drops.append("NOT NULL")
                definite = definite and before is not None
        if not given("server_default", False) and _kw(node, "existing_server_default") is None:
            if before is None or before.default is not None:
                drops.append(f"DEFAULT {before.default}" if before is not None else "DEFAULT")
                definite = definite and before is not None
        if (before is not None and before.auto_increment and not given("autoincrement", None)
                and _kw(node, "existing_autoincrement") is None):
            drops.append("AUTO_INCREMENT")
        if before is not None:
            nullable = _kw(node, "nullable")
            self.scope.define(table, column, ColumnDefinition(
                nullable=not _is_false(nullable) if nullable is not None else not _is_false(_kw(node, "existing_nullable")),
                default=None if "DEFAULT" in " ".join(drops) else before.default,
            ))
        if not drops:
            return {}
        return {"restatement": True, "via": "alembic_modify", "restatement_drops": drops, "definite": definite}

    def alter_column(self, node: ast.Call, table: str, schema: str | None, column: str) -> None:
        new_table = self.scope.is_new(table, schema)
        where = qualified(table, schema)
        type_expr = _kw(node, "type_")
        extra = self.mysql_restatement(node, table, column) if self.dialect == "mysql" else {}
        emitted = False
        if type_expr is not None:
            new_type = self.sa_type(type_expr) or make_type(ast.unparse(type_expr))
            existing = _kw(node, "existing_type")
            old_type = self.sa_type(existing) if existing is not None else self.scope.type_of(table, column)
            self.scope.set_type(table, column, new_type)
            if not new_table:
                emitted = type_change(lambda kind, **kw: self.emit(kind, node, **kw), where, column,
                                      old_type, new_type, self.dialect, extra)
        if extra and not emitted:
            type_ = self.scope.type_of(table, column)
            rendered = type_.render() if type_ is not None else None
            self.emit("column_type_change", node, table=where, column=column, new=rendered, old=rendered,
                      details={**extra, "same_type": True})
        if not new_table and _is_false(_kw(node, "nullable")) and not _is_false(_kw(node, "existing_nullable")):
            self.emit("set_not_null", node, table=where, column=column)
        new_name = self._str(_kw(node, "new_column_name"))
        if new_name is not None and new_name != column:
            if new_table or self.scope.is_new_column(table, column):
                self.scope.add_column(table, new_name, self.scope.type_of(table, column))
            else:
                self.emit("rename_column", node, table=where, column=column, old=column, new=new_name)
            self.scope.rename_column(table, column, new_name)

    def create_index(self, node: ast.Call, table: str, schema: str | None, name: str | None) -> None:
        columns = tuple(self._str_list(_arg(node, 2 if self._is_op_call(node) else 1, "columns")))
        if columns:
            self.scope.add_index(table, name or columns[0], columns)
        if self.dialect != "postgresql" or self.scope.is_new(table, schema):
            return
        if _truthy(_kw(node, "postgresql_concurrently")):
            return
        self.emit("create_index_blocking", node, table=qualified(table, schema),
                  details={"index": name, "unique": _truthy(_kw(node, "unique"))})

    def _str_list(self, expr: ast.expr | None) -> list[str]:
        expr = self._resolve(expr)
        if isinstance(expr, (ast.List, ast.Tuple)):
            return [c for c in (self._str(e) for e in expr.elts) if c is not None]
        return []

    def indexed_constraint(self, node: ast.Call, method: str, table: str, schema: str | None,
                           columns: ast.expr | None) -> None:
        """create_unique_constraint / create_primary_key: the index is built under the lock."""
        cols = tuple(self._str_list(columns))
        if cols:
            name = "PRIMARY" if method == "create_primary_key" else self._str(_arg(node, 0, "constraint_name"))
            self.scope.add_index(table, name or cols[0], cols)
        if self.dialect != "postgresql" or self.scope.is_new(table, schema):
            return
        self.emit("create_index_blocking", node, table=qualified(table, schema),
                  column=", ".join(self._str_list(columns)) or None,
                  details={"via": "add_constraint", "constraint": self._str(_arg(node, 0, "constraint_name")),
                           "constraint_type": "UNIQUE" if method == "create_unique_constraint" else "PRIMARY KEY"})

    def create_foreign_key(self, node: ast.Call, table: str, schema: str | None,
                           referent: ast.expr | None, local_cols: ast.expr | None,
                           remote_cols: ast.expr | None = None) -> None:
        target = self._name(referent)
        if target is not None:
            self.scope.add_foreign_key(ForeignKey(
                self._str(_arg(node, 0, "constraint_name")), table, tuple(self._str_list(local_cols)),
                target, tuple(self._str_list(remote_cols))))
        # PostgreSQL validates under locks (unless NOT VALID); MySQL copies the table.
        if self.dialect not in ("postgresql", "mysql") or self.scope.is_new(table, schema):
            return
        if self.dialect == "postgresql" and _truthy(_kw(node, "postgresql_not_valid")):
            return
        cols = self._str_list(local_cols)
        self.emit("add_foreign_key_validating", node, table=qualified(table, schema),
                  column=", ".join(cols) or None,
                  details={"via": "create_foreign_key", "constraint": self._str(_arg(node, 0, "constraint_name")),
                           "referent": self._name(referent) or "its target"})

    def execute(self, node: ast.Call) -> None:
        arg = self._unwrap(_arg(node, 0, "sqltext") or _kw(node, "statement"))
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            self.execute_sql(node, arg)
        elif isinstance(arg, ast.Call):
            self.core_delete(node, arg)

    def _unwrap(self, expr: ast.expr | None) -> ast.expr | None:
        """The statement given to execute(): through sa.text(), dedent(), .strip(), a decided
        `a if <dialect test> else b`, and a helper of the module that returns a constant string."""
        for _ in range(8):
            expr = self._resolve(expr)
            if isinstance(expr, ast.IfExp):
                verdict = self.decide(expr.test)
                if verdict is not None:
                    expr = expr.body if verdict else expr.orelse
                    continue
            if isinstance(expr, ast.Call):
                name = _callee_name(expr.func)
                if name in ("text", "dedent") and expr.args:
                    expr = expr.args[0]
                    continue
                if name in ("strip", "lstrip", "rstrip") and isinstance(expr.func, ast.Attribute):
                    expr = expr.func.value
                    continue
                if isinstance(expr.func, ast.Name) and expr.func.id in self.module.functions:
                    returned = self.tests.returned(expr, self.locals)
                    if returned is not None:
                        value = _constant_in(returned[0], returned[1], self.module.constants)
                        if value is not None:
                            expr = value
                            continue
            break
        return expr

    def execute_sql(self, call: ast.Call, literal: ast.Constant) -> None:
        text = str(literal.value)
        read = read_sql(text, self.dialect, self.scope)
        sql_sup = suppress.collect(read.comments, read.code_lines, dialect=self.dialect, source="alembic_sql")
        ops = suppress.apply(read.operations, sql_sup)
        start, end = literal.lineno, literal.end_lineno or literal.lineno
        linear = end - start == text.count("\n")
        for op in ops:
            if linear:
                moved = op.shifted(start - 1, source="alembic_sql")
            else:
                # Implicit concatenation or escapes: the string's lines are not the file's.
                moved = replace(op, line=start, end_line=end, source="alembic_sql")
            details = dict(moved.details)
            details["call_span"] = (call.lineno, call.end_lineno or call.lineno)
            self.operations.append(replace(moved, phase=self.phase, details=details))

    def _chain(self, expr: ast.expr) -> Iterator[tuple[str | None, ast.Call | None]]:
        """(method, call) pairs of a call chain, outermost first; ends with the root."""
        while True:
            if isinstance(expr, ast.Call):
                yield _callee_name(expr.func), expr
                if isinstance(expr.func, ast.Attribute):
                    expr = expr.func.value
                    continue
                return
            if isinstance(expr, ast.Attribute):
                yield expr.attr, None
                expr = expr.value
                continue
            yield None, None
            return

    def _table_of(self, expr: ast.expr | None) -> str | None:
        """The table a model class, a `sa.table("name", ...)` or a Table variable stands for."""
        expr = self._resolve(expr)
        if isinstance(expr, ast.Name) and expr.id in self.module.models:
            return self.module.models[expr.id]
        if isinstance(expr, ast.Call) and _callee_name(expr.func) in ("table", "Table") and expr.args:
            return self._name(expr.args[0])
        if isinstance(expr, ast.Name) and expr.id in self.module.sa_names:
            return None  # sa.delete() itself, not a table
        if isinstance(expr, (ast.Name, ast.Attribute)):
            return ast.unparse(expr)
        return None

    def orm_delete(self, node: ast.Call) -> None:
        """session.query(Model)[.filter(...)].delete(): without a filter it empties the table."""
        assert isinstance(node.func, ast.Attribute)
        chain = list(self._chain(node.func.value))
        methods = {m for m, _ in chain}
        query = next((c for m, c in chain if m == "query" and c is not None), None)
        if query is None or methods & _FILTERS or not query.args:
            return
        table = self._table_of(query.args[0])
        if table is None or self.scope.is_new(table):
            return
        self.emit("delete_all_rows", node, source="alembic", table=table,
                  details={"expression": _short(ast.unparse(node))})

    def core_delete(self, execute: ast.Call, stmt: ast.Call) -> None:
        """execute(sa.delete(t)) or execute(t.delete()) without .where()."""
        chain = list(self._chain(stmt))
        methods = [m for m, _ in chain]
        if _FILTERS & set(methods):
            return
        calls = [(m, c) for m, c in chain if c is not None]
        root_method, root_call = calls[-1] if calls else (None, None)
        table: str | None = None
        if root_method == "delete" and root_call is not None and root_call.args:
            table = self._table_of(root_call.args[0])  # sa.delete(t)
        elif methods and methods[0] == "delete" and isinstance(stmt.func, ast.Attribute) and not stmt.args:
            table = self._table_of(stmt.func.value)  # t.delete()
        if table is None or self.scope.is_new(table):
            return
        self.emit("delete_all_rows", execute, table=table,
                  details={"expression": _short(ast.unparse(stmt))})


def _short(text: str, limit: int = 80) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


def _constant_in(expr: ast.expr | None, local: dict[str, ast.expr],
                 constants: dict[str, ast.expr]) -> ast.expr | None:
    """A helper's returned expression as a string constant (through its locals and the module's
    constants, sa.text() and dedent()), or None."""
    for _ in range(8):
        if isinstance(expr, ast.Name):
            expr = local.get(expr.id) or constants.get(expr.id)
            continue
        if isinstance(expr, ast.Call) and _callee_name(expr.func) in ("text", "dedent") and expr.args:
            expr = expr.args[0]
            continue
        break
    return expr if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else None


# --- application code ---------------------------------------------------------------------------


def _own_calls(body: list[ast.stmt]) -> Iterator[ast.Call]:
    """Calls in a body, not descending into nested functions or classes (they are scopes of their own)."""
    stack: list[ast.AST] = list(reversed(body))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call):
            yield node
        stack.extend(reversed(list(ast.iter_child_nodes(node))))


def _app_code(tree: ast.Module, dialect: str) -> list[Operation]:
    scopes: list[list[ast.stmt]] = [tree.body]
    parents: dict[int, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            scopes.append(node.body)
    out: list[Operation] = []
    for body in scopes:
        calls = list(_own_calls(body))
        creates = [c.lineno for c in calls if _callee_name(c.func) == "create_all"]
        for call in calls:
            if _callee_name(call.func) != "drop_all":
                continue
            guard = python_guard(call, parents)
            out.append(
                Operation(
                    "force_reset",
                    line=call.lineno,
                    end_line=call.end_lineno,
                    dialect=dialect,
                    source="python",
                    details={
                        "call": ast.unparse(call.func),
                        "then_create_all": any(line >= call.lineno for line in creates),
                        **({"guard": guard} if guard is not None else {}),
                    },
                )
            )
    return sorted(out, key=lambda op: op.line)
