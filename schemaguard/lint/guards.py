"""The conditions a hazard sits behind: is a schema-wiping call behind an environment check (the
same heuristic for Python's ast and JavaScript/TypeScript's tree-sitter nodes), and on which
databases does a branch of an Alembic revision run (DialectTests, at the end).

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
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

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


# --- Python: which database a revision's branch runs on -------------------------------------------
#
# A multi-database revision tests the database it runs on: `op.get_bind().dialect.name == "sqlite"`,
# `bind.engine.name in ("mysql", "mariadb")`, `context.get_context().dialect.name.startswith("postgres")`,
# a local or a helper's parameter holding one of those, a helper returning one (or a test of one).
# DialectTests folds such a condition to True or False for the database being linted, the way
# Python would evaluate it with that database's name in place of every dialect expression; a
# condition that names no dialect expression, or depends on something else that is not a constant,
# is undecided (None) and both of its branches are linted, as before.

# The expression a helper's parameter is bound to when it is called with the running database's
# name (or its dialect or engine object): frame-independent, and recognised like the real thing.
_BIND = ast.Name(id="__schemaguard_bind__", ctx=ast.Load())
DIALECT_OBJECT = ast.Attribute(value=_BIND, attr="dialect", ctx=ast.Load())
DIALECT_NAME = ast.Attribute(value=DIALECT_OBJECT, attr="name", ctx=ast.Load())
ENGINE_OBJECT = ast.Attribute(value=_BIND, attr="engine", ctx=ast.Load())


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()
_STR_METHODS = frozenset({"lower", "upper", "casefold", "strip", "lstrip", "rstrip"})
_DEPTH = 12
Names = Mapping[str, ast.expr]


class DialectTests:
    """Decides dialect tests in one module for one database.

    `names` (the locals of the function being read) and the module's constants resolve names;
    `functions` are the module's helpers, whose returned expression is folded in their turn.
    `running` holds the dialect names the database may report: one, or several when the module
    tells them apart (MySQL reached through a `mariadb://` URL reports `mariadb`); a test is decided
    only when all of them agree."""

    def __init__(self, running: tuple[str, ...], functions: Mapping[str, ast.FunctionDef | ast.AsyncFunctionDef],
                 constants: Names) -> None:
        self.running = running
        self.functions = functions
        self.constants = constants
        # While a condition is folded: the name tried, whether a dialect expression was met, and
        # whether a helper's test is being decided inside it.
        self._name = running[0]
        self._touched = False
        self._evaluating = False

    # -- the questions --

    def decide(self, test: ast.expr, names: Names) -> bool | None:
        """True when the condition holds on this database, False when it does not, None when it
        cannot be told (or is no dialect test at all)."""
        if self._evaluating:
            # A helper's own test, met while folding a condition: same running name, and what it
            # depends on the dialect makes the outer condition depend on it too.
            outer = self._touched
            self._touched = False
            value = self._value(test, names, 0)
            inner, self._touched = self._touched, outer or self._touched
            return None if value is UNKNOWN or not inner else bool(value)
        self._evaluating = True
        try:
            verdicts = set()
            for name in self.running:
                self._name, self._touched = name, False
                value = self._value(test, names, 0)
                if value is UNKNOWN or not self._touched:
                    return None
                verdicts.add(bool(value))
            return verdicts.pop() if len(verdicts) == 1 else None
        finally:
            self._evaluating = False
            self._name = self.running[0]

    def binding(self, expr: ast.expr, names: Names) -> ast.expr | None:
        """What a helper's parameter given `expr` is bound to, when it is the running database's
        name, dialect or engine: the matching frame-independent stand-in; else None."""
        expr = self._resolve(expr, names, 0)
        if self._is_dialect_name(expr, names, 0):
            return DIALECT_NAME
        if self._is_dialect_object(expr, names, 0):
            return DIALECT_OBJECT
        if self._is_engine(expr, names, 0):
            return ENGINE_OBJECT
        if isinstance(expr, ast.Call) and self._helper(expr) is not None:
            returned = self.returned(expr, names)
            if returned is not None:
                return self.binding(*returned)
        return None

    def returned(self, call: ast.Call, names: Names, depth: int = 0) -> tuple[ast.expr, dict[str, ast.expr]] | None:
        """The expression a helper of the module returns for this call, with the helper's locals
        (its parameters bound as `bind_arguments` does): read straight through its assignments and
        the branches of its decided dialect tests. None when it is no such helper or its result
        depends on something else."""
        fn = self._helper(call)
        if fn is None or depth > _DEPTH:
            return None
        local: dict[str, ast.expr] = dict(self.bind_arguments(fn, call, names))
        return self._run(fn.body, local, depth)

    def bind_arguments(self, fn: ast.FunctionDef | ast.AsyncFunctionDef, call: ast.Call,
                       names: Names) -> dict[str, ast.expr]:
        """A helper's parameters that a call gives a constant or the running database's name,
        dialect or engine: bound to that (a parameter given anything else is left unknown)."""
        params = [*fn.args.posonlyargs, *fn.args.args]
        given: dict[str, ast.expr] = {}
        for param, arg in zip(params, call.args, strict=False):
            if isinstance(arg, ast.Starred):
                break
            given[param.arg] = arg
        known = {p.arg for p in (*params, *fn.args.kwonlyargs)}
        for kw in call.keywords:
            if kw.arg in known:
                given[kw.arg] = kw.value
        out: dict[str, ast.expr] = {}
        for param_name, arg in given.items():
            stand_in = self.binding(arg, names)
            if stand_in is not None:
                out[param_name] = stand_in
                continue
            value = self._resolve(arg, names, 0)
            if isinstance(value, ast.Constant) or (
                    isinstance(value, (ast.Tuple, ast.List)) and all(isinstance(e, ast.Constant) for e in value.elts)):
                out[param_name] = value
        return out

    # -- helpers' bodies --

    def _helper(self, call: ast.Call) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        return self.functions.get(call.func.id) if isinstance(call.func, ast.Name) else None

    def _run(self, body: list[ast.stmt], local: dict[str, ast.expr],
             depth: int) -> tuple[ast.expr, dict[str, ast.expr]] | None:
        for stmt in body:
            if isinstance(stmt, ast.Return):
                return (stmt.value, local) if stmt.value is not None else None
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                local[stmt.targets[0].id] = stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                local[stmt.target.id] = stmt.value
            elif isinstance(stmt, ast.If):
                verdict = self.decide(stmt.test, local)
                if verdict is None:
                    return None
                result = self._run(stmt.body if verdict else stmt.orelse, local, depth + 1)
                if result is not None:
                    return result
                if _ends(stmt.body if verdict else stmt.orelse):
                    return None
            elif isinstance(stmt, (ast.Expr, ast.Pass, ast.Import, ast.ImportFrom)):
                continue  # a docstring, a log line
            else:
                return None
        return None

    # -- folding --

    def _resolve(self, expr: ast.expr, names: Names, depth: int) -> ast.expr:
        while isinstance(expr, ast.Name) and depth < _DEPTH:
            value = names.get(expr.id)
            if value is None:
                value = self.constants.get(expr.id)
            if value is None or value is expr:
                break
            expr, depth = value, depth + 1
        return expr

    def _is_dialect_object(self, expr: ast.expr, names: Names, depth: int) -> bool:
        expr = self._resolve(expr, names, depth)
        return isinstance(expr, ast.Attribute) and expr.attr == "dialect"

    def _is_engine(self, expr: ast.expr, names: Names, depth: int) -> bool:
        expr = self._resolve(expr, names, depth)
        return isinstance(expr, ast.Attribute) and expr.attr == "engine"

    def _is_dialect_name(self, expr: ast.expr, names: Names, depth: int) -> bool:
        """`<x>.dialect.name` or `<x>.engine.name` (op.get_bind(), bind, connection,
        context.get_context(), op.get_context(), or a name holding one of them)."""
        expr = self._resolve(expr, names, depth)
        if isinstance(expr, ast.Attribute) and expr.attr == "name":
            return (self._is_dialect_object(expr.value, names, depth + 1)
                    or self._is_engine(expr.value, names, depth + 1))
        return False

    def _value(self, expr: ast.expr | None, names: Names, depth: int) -> Any:
        if expr is None or depth > _DEPTH:
            return UNKNOWN
        expr = self._resolve(expr, names, depth)
        if isinstance(expr, ast.Constant):
            return expr.value
        if isinstance(expr, (ast.Tuple, ast.List, ast.Set)):
            items = tuple(self._value(e, names, depth + 1) for e in expr.elts)
            return UNKNOWN if any(i is UNKNOWN for i in items) else items
        if isinstance(expr, ast.Attribute):
            if self._is_dialect_name(expr, names, depth):
                self._touched = True
                return self._name
            return UNKNOWN
        if isinstance(expr, ast.Compare):
            return self._compare(expr, names, depth)
        if isinstance(expr, ast.BoolOp):
            values = [self._value(v, names, depth + 1) for v in expr.values]
            return _bool_op(isinstance(expr.op, ast.And), values)
        if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
            value = self._value(expr.operand, names, depth + 1)
            return UNKNOWN if value is UNKNOWN else not value
        if isinstance(expr, ast.IfExp):
            test = self._value(expr.test, names, depth + 1)
            if test is UNKNOWN:
                return UNKNOWN
            return self._value(expr.body if test else expr.orelse, names, depth + 1)
        if isinstance(expr, ast.Call):
            return self._call(expr, names, depth)
        return UNKNOWN

    def _compare(self, expr: ast.Compare, names: Names, depth: int) -> Any:
        left = self._value(expr.left, names, depth + 1)
        result: Any = True
        for op, right_expr in zip(expr.ops, expr.comparators, strict=True):
            right = self._value(right_expr, names, depth + 1)
            if left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            try:
                if isinstance(op, ast.Eq):
                    ok = left == right
                elif isinstance(op, ast.NotEq):
                    ok = left != right
                elif isinstance(op, ast.In):
                    ok = left in right
                elif isinstance(op, ast.NotIn):
                    ok = left not in right
                elif isinstance(op, ast.Is):
                    ok = left is right
                elif isinstance(op, ast.IsNot):
                    ok = left is not right
                else:
                    return UNKNOWN
            except TypeError:
                return UNKNOWN
            if not ok:
                result = False
            left = right
        return result

    def _call(self, expr: ast.Call, names: Names, depth: int) -> Any:
        func = expr.func
        if isinstance(func, ast.Attribute) and not expr.keywords:
            target = self._value(func.value, names, depth + 1)
            if not isinstance(target, str):
                return UNKNOWN
            if func.attr in _STR_METHODS and not expr.args:
                return getattr(target, func.attr)()
            if func.attr in ("startswith", "endswith") and len(expr.args) == 1:
                arg = self._value(expr.args[0], names, depth + 1)
                if isinstance(arg, str) or (isinstance(arg, tuple) and all(isinstance(a, str) for a in arg)):
                    return getattr(target, func.attr)(arg)
            return UNKNOWN
        if isinstance(func, ast.Name) and func.id == "str" and len(expr.args) == 1:
            value = self._value(expr.args[0], names, depth + 1)
            return value if isinstance(value, str) else UNKNOWN
        returned = self.returned(expr, names, depth + 1)
        if returned is not None:
            return self._value(returned[0], returned[1], depth + 1)
        return UNKNOWN


def _bool_op(is_and: bool, values: list[Any]) -> Any:
    """`and`/`or` over values some of which are unknown, as far as their truth goes: a known false
    value settles `and`, a known true one `or`, whatever the unknown ones are."""
    if any(v is not UNKNOWN and bool(v) is not is_and for v in values):
        return not is_and
    if any(v is UNKNOWN for v in values):
        return UNKNOWN
    return values[-1]


def _ends(body: list[ast.stmt]) -> bool:
    """The block leaves its function or loop at its end: what ends a guard clause (return, raise,
    exit()), or continue/break."""
    return _py_exits(body) or (bool(body) and isinstance(body[-1], (ast.Continue, ast.Break)))
