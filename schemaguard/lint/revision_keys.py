"""The keys of an Alembic revision as MySQL sees them: the primary keys, unique keys, indexes and
foreign keys that create_table(), create_index() and create_foreign_key() declare, recorded in the
walker's scope, and the drop_index() / drop_constraint() that MySQL refuses (error 1553) while a
foreign key needs the index."""

from __future__ import annotations

import ast
from typing import Any, Protocol

from .operations import ForeignKey, Scope
from .pyast import arg, callee_name, kw, truthy
from .sql_columns import sg_drop_index


class _Walker(Protocol):
    """What the key readers use of the revision walker."""

    scope: Scope
    dialect: str

    def _is_op(self, expr: ast.expr) -> bool: ...
    def _resolve(self, expr: ast.expr | None) -> ast.expr | None: ...
    def _str(self, expr: ast.expr | None) -> str | None: ...
    def _str_list(self, expr: ast.expr | None) -> list[str]: ...
    def _column_parts(self, col: ast.expr | None) -> tuple[str | None, ast.Call | None]: ...
    def _is_op_call(self, node: ast.Call) -> bool: ...
    def _elements(self, expr: ast.expr | None) -> list[ast.expr]: ...
    def _foreign_key(self, table: str, name: str | None, columns: list[str], targets: list[str | None]) -> None: ...
    def emit(self, kind: str, node: ast.AST, source: str = "alembic", **kw: Any) -> None: ...


class KeyReader:
    """Mixed into the revision walker (revisions.py)."""

    def _is_op_call(self: _Walker, node: ast.Call) -> bool:
        return isinstance(node.func, ast.Attribute) and self._is_op(node.func.value)

    def drop_key(self: _Walker, node: ast.Call, method: str, table: str, schema: str | None) -> None:
        """drop_index, and drop_constraint of a foreign key, a unique key or a primary key (the
        latter two are DROP INDEX on MySQL, refused when a foreign key needs the index)."""
        name = self._str(arg(node, 0, "index_name" if method == "drop_index" else "constraint_name"))
        kind = "index" if method == "drop_index" else (self._str(arg(node, 2 if self._is_op_call(node) else 1, "type_")) or "")
        if kind == "foreignkey" and name is not None:
            self.scope.drop_foreign_key(table, name)
        elif kind in ("index", "unique", "primary") and (name is not None or kind == "primary"):
            sg_drop_index("PRIMARY" if kind == "primary" else str(name), table, schema, self.dialect, self.scope,
                          lambda found, **more: self.emit(found, node, **more))

    def table_key(self: _Walker, table: str, element: ast.expr) -> None:
        """What a create_table() argument says of the table's keys: a column's primary_key=,
        unique=, index= and ForeignKey(), a PrimaryKeyConstraint, UniqueConstraint, Index or
        ForeignKeyConstraint."""
        call = self._resolve(element)
        if not isinstance(call, ast.Call):
            return
        kind = callee_name(call.func)
        name = self._str(kw(call, "name"))
        if kind == "Column":
            column, _ = self._column_parts(call)
            if column is None:
                return
            if truthy(kw(call, "primary_key")):
                self.scope.add_index(table, "PRIMARY", (*(self.scope.index_columns(table, "PRIMARY") or ()), column))
            if truthy(kw(call, "unique")):
                self.scope.add_index(table, column, (column,))
            if truthy(kw(call, "index")):
                self.scope.add_index(table, f"ix_{table}_{column}", (column,))
            for fk in call.args:
                fk = self._resolve(fk) or fk
                if isinstance(fk, ast.Call) and callee_name(fk.func) == "ForeignKey" and fk.args:
                    self._foreign_key(table, self._str(kw(fk, "name")), [column], [self._str(fk.args[0])])
        elif kind in ("PrimaryKeyConstraint", "UniqueConstraint") and call.args:
            cols = tuple(c for c in (self._str(a) for a in call.args) if c is not None)
            if cols:
                self.scope.add_index(table, "PRIMARY" if kind == "PrimaryKeyConstraint" else name or cols[0], cols)
        elif kind == "Index" and call.args:
            cols = tuple(c for c in (self._str(a) for a in call.args[1:]) if c is not None)
            index = self._str(call.args[0])
            if cols and index is not None:
                self.scope.add_index(table, index, cols)
        elif kind == "ForeignKeyConstraint":
            self._foreign_key(table, name, self._str_list(arg(call, 0, "columns")),
                              [self._str(e) for e in self._elements(arg(call, 1, "refcolumns"))])

    def _elements(self: _Walker, expr: ast.expr | None) -> list[ast.expr]:
        expr = self._resolve(expr)
        return list(expr.elts) if isinstance(expr, (ast.List, ast.Tuple)) else []

    def _foreign_key(self: _Walker, table: str, name: str | None, columns: list[str], targets: list[str | None]) -> None:
        """Record a foreign key given as "table.column" targets (or "schema.table.column")."""
        parts = [t.split(".") for t in targets if t is not None and "." in t]
        if not columns or len(parts) != len(targets):
            return
        self.scope.add_foreign_key(ForeignKey(name, table, tuple(columns), parts[0][-2],
                                              tuple(p[-1] for p in parts)))
