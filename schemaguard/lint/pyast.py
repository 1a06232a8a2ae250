"""Small readers of Python syntax trees shared by the Alembic readers: a call's arguments by
position or keyword, a callee's name, and what a literal argument says."""

from __future__ import annotations

import ast


def kw(call: ast.Call, name: str) -> ast.expr | None:
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return None


def arg(call: ast.Call, index: int, name: str) -> ast.expr | None:
    if len(call.args) > index and not isinstance(call.args[index], ast.Starred):
        return call.args[index]
    return kw(call, name)


def callee_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def truthy(expr: ast.expr | None) -> bool:
    """Present and not literally False/None (a computed value is given the benefit of the doubt)."""
    if expr is None:
        return False
    return not (isinstance(expr, ast.Constant) and expr.value in (False, None, 0))


def is_false(expr: ast.expr | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is False
