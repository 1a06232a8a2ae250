"""Is a schema-wiping call behind an environment check? The same heuristic for Python (ast) and for
JavaScript/TypeScript (tree-sitter nodes).

A call is *behind an environment check* when, between it and the top of the file,
- it sits in a branch of an `if`/`elif`/`else`, a conditional expression (`a if c else b`,
  `c ? a : b`), a `switch`/`match` on a value, or the right-hand side of `&&`/`||`/`??`/`and`/`or`,
  whose condition mentions the environment, and the branch is not the one taken in production
  (`if (NODE_ENV === 'production') { … }` guards nothing); or
- an earlier statement of an enclosing block is such a guard clause ending in return/raise/throw
  (`if (process.env.NODE_ENV !== 'development') return;`).

A condition *mentions the environment* when a name in it (a variable, an attribute or property, or a
string key given to `[...]`, `.get(...)` or `getenv(...)`) is, lower-cased and without `_`/`-`, one
of ENV_WORDS or ends in `env` or `environment`: `process.env.X`, `import.meta.env.DEV`,
`os.environ[...]`, `os.getenv(...)`, `settings.DEBUG`, `app.config["TESTING"]`, `app.debug`,
`isDev`, `FORCE_SYNC`, `APP_ENV`. It is a heuristic: it tells a call someone meant to keep out of
production from one that runs everywhere, and the finding stays (as a warning).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

ENV_WORDS = frozenset({
    "environ", "getenv", "debug", "dev", "isdev", "development", "isdevelopment", "indevelopment",
    "istest", "testing", "istesting", "prod", "isprod", "production", "isproduction", "forcesync",
    "staging", "isstaging", "islocal", "isci",
})
_PRODUCTION = frozenset({"production", "prod"})
_KEY_CALLS = frozenset({"get", "getenv", "getboolean", "get_bool", "getbool"})


def is_env_name(name: str) -> bool:
    norm = name.lower().replace("_", "").replace("-", "")
    return norm in ENV_WORDS or norm.endswith("env") or norm.endswith("environment")


def _short(text: str, limit: int = 80) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1] + "…"


# --- JavaScript / TypeScript ----------------------------------------------------------------------


def _js_text(node: Node | None) -> str:
    return node.text.decode("utf-8", "replace") if node is not None and node.text is not None else ""


def _js_nodes(node: Node) -> Iterator[Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.children)


def _js_names(node: Node) -> Iterator[str]:
    for n in _js_nodes(node):
        if n.type in ("identifier", "property_identifier", "shorthand_property_identifier"):
            yield _js_text(n)
        elif n.type == "string" and n.parent is not None:
            parent = n.parent
            if parent.type == "subscript_expression":
                yield _js_text(n)[1:-1]
            elif parent.type == "arguments" and parent.parent is not None:
                fn = parent.parent.child_by_field_name("function")
                prop = fn.child_by_field_name("property") if fn is not None and fn.type == "member_expression" else fn
                if _js_text(prop) in _KEY_CALLS:
                    yield _js_text(n)[1:-1]


def mentions_env_js(node: Node | None) -> bool:
    return node is not None and any(is_env_name(n) for n in _js_names(node))


def _js_production_test(cond: Node) -> bool | None:
    """True when the condition holds in production (`=== 'production'`), False when it holds
    outside it (`!== 'production'`), None when it names no production."""
    strings = {_js_text(n)[1:-1].lower() for n in _js_nodes(cond) if n.type == "string"}
    if not strings & _PRODUCTION:
        return None
    negated = any(n.type in ("!==", "!=", "!") for n in _js_nodes(cond))
    return not negated


def _js_guards(parent: Node, child: Node) -> Node | None:
    """The condition of `parent` that decides whether `child` runs, if it mentions the environment."""
    kind = parent.type
    if kind in ("if_statement", "ternary_expression"):
        cond = parent.child_by_field_name("condition")
        if cond is None or child == cond or not mentions_env_js(cond):
            return None
        in_consequence = child == parent.child_by_field_name("consequence")
        if _js_production_test(cond) is in_consequence:
            return None  # the branch production takes
        return cond
    if kind == "binary_expression":
        op = _js_text(parent.child_by_field_name("operator"))
        left = parent.child_by_field_name("left")
        if op in ("&&", "||", "??") and left is not None and child != left and mentions_env_js(left):
            if _js_production_test(left) is (op == "&&"):
                return None
            return left
    if kind == "switch_statement":
        value = parent.child_by_field_name("value")
        if value is not None and child != value and mentions_env_js(value):
            return value
    return None


def _js_exits(stmt: Node) -> bool:
    if stmt.type in ("return_statement", "throw_statement"):
        return True
    if stmt.type == "expression_statement" and "exit(" in _js_text(stmt).replace(" ", ""):
        return True
    if stmt.type == "statement_block":
        inner = [c for c in stmt.named_children if c.type != "comment"]
        return bool(inner) and _js_exits(inner[-1])
    return False


def _js_guard_clause(block: Node, child: Node) -> Node | None:
    for stmt in block.named_children:
        if stmt == child:
            return None
        if stmt.type != "if_statement" or stmt.child_by_field_name("alternative") is not None:
            continue
        cond, body = stmt.child_by_field_name("condition"), stmt.child_by_field_name("consequence")
        if cond is not None and body is not None and _js_exits(body) and mentions_env_js(cond):
            if _js_production_test(cond) is False:
                continue  # `if (env !== 'production') return;`: what follows runs in production
            return cond
    return None


def javascript_guard(node: Node) -> str | None:
    """The environment check a call sits behind, as source text, or None."""
    child, parent = node, node.parent
    while parent is not None:
        cond = _js_guards(parent, child)
        if cond is None and parent.type in ("statement_block", "program", "switch_case", "switch_default"):
            cond = _js_guard_clause(parent, child)
        if cond is not None:
            text = _js_text(cond)
            if text.startswith("(") and text.endswith(")"):
                text = text[1:-1]
            return _short(text)
        child, parent = parent, parent.parent
    return None


# --- Python ---------------------------------------------------------------------------------------


def _py_names(expr: ast.AST) -> Iterator[str]:
    for n in ast.walk(expr):
        if isinstance(n, ast.Name):
            yield n.id
        elif isinstance(n, ast.Attribute):
            yield n.attr
        elif isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str):
            yield n.slice.value
        elif isinstance(n, ast.Call) and n.args and isinstance(n.args[0], ast.Constant) \
                and isinstance(n.args[0].value, str):
            callee = n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
            if callee in _KEY_CALLS:
                yield n.args[0].value


def mentions_env_py(expr: ast.AST | None) -> bool:
    return expr is not None and any(is_env_name(n) for n in _py_names(expr))


def _py_production_test(cond: ast.expr) -> bool | None:
    strings = {n.value.lower() for n in ast.walk(cond) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    if not strings & _PRODUCTION:
        return None
    negated = any(isinstance(n, (ast.NotEq, ast.Not, ast.IsNot, ast.NotIn)) for n in ast.walk(cond))
    return not negated


def _py_exits(body: list[ast.stmt]) -> bool:
    if not body:
        return False
    last = body[-1]
    if isinstance(last, (ast.Return, ast.Raise)):
        return True
    return (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)
            and (getattr(last.value.func, "attr", None) or getattr(last.value.func, "id", None)) in ("exit", "abort"))


def python_guard(node: ast.AST, parents: dict[int, ast.AST]) -> str | None:
    """The environment check a call sits behind, as source text, or None. `parents` maps id(node)
    to its parent node."""
    child, parent = node, parents.get(id(node))
    while parent is not None:
        cond: ast.expr | None = None
        if isinstance(parent, (ast.If, ast.IfExp)) and child is not parent.test and mentions_env_py(parent.test):
            in_body = child in parent.body if isinstance(parent, ast.If) else child is parent.body
            if _py_production_test(parent.test) is not in_body:
                cond = parent.test
        elif isinstance(parent, ast.BoolOp):
            index = next((i for i, v in enumerate(parent.values) if v is child), 0)
            before = [v for v in parent.values[:index] if mentions_env_py(v)]
            if before and _py_production_test(before[0]) is not isinstance(parent.op, ast.And):
                cond = before[0]
        elif isinstance(parent, ast.Match) and child is not parent.subject and mentions_env_py(parent.subject):
            cond = parent.subject
        if cond is None:
            for name in ("body", "orelse", "finalbody", "handlers"):
                block = getattr(parent, name, None)
                if isinstance(block, list) and child in block:
                    for stmt in block[: block.index(child)]:
                        if (isinstance(stmt, ast.If) and not stmt.orelse and _py_exits(stmt.body)
                                and mentions_env_py(stmt.test) and _py_production_test(stmt.test) is not False):
                            cond = stmt.test
                            break
                    break
        if cond is not None:
            return _short(ast.unparse(cond))
        child, parent = parent, parents.get(id(parent))
    return None
