"""JavaScript and TypeScript application code, read with tree-sitter (the optional `js` extra),
never run: the calls that wipe or rewrite a schema at start-up.

- Sequelize: `<anything>.sync({ force: … })` and `.sync({ alter: … })` (`sequelize.sync`,
  `db.sequelize.sync`, `Model.sync`, a bare `sync(...)`); the options may be an object literal or a
  `const` bound to one in the same file. `force`/`alter` that are absent or literally false, null,
  undefined or 0 are fine, and so is `alter: { drop: false }`; a computed value is reported as one
  that could be true.
- TypeORM: `synchronize: true` and `dropSchema: true` in a data source config (an object literal
  given to `new DataSource(...)`, `createConnection(...)`, `TypeOrmModule.forRoot(...)`, or one
  holding a `type` or `entities` key), and the calls `.synchronize(…)` and `.dropDatabase()`.

Comments, strings and template literals are tokens of their own in the syntax tree, so text that
merely mentions these calls is never read as a call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from ..errors import UsageError
from . import guards
from .operations import Operation
from .suppress import Comment

if TYPE_CHECKING:
    from tree_sitter import Node, Parser

from .filetypes import GRAMMARS, JS_SUFFIXES

SUFFIXES = JS_SUFFIXES
INSTALL = "pip install 'schemaguard[js]'"

# Calls whose first argument is a TypeORM data source config.
_CONFIG_CALLS = frozenset({"DataSource", "Connection", "createConnection", "createConnections",
                           "forRoot", "forRootAsync"})
# Keys that mark an object literal as a data source config by itself.
_CONFIG_KEYS = frozenset({"type", "entities"})
# Wrappers that do not change a value: (x), x as T, x satisfies T, x!.
_TRANSPARENT = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression",
                          "non_null_expression", "await_expression"})


class ExtraMissing(UsageError):
    """The tree-sitter grammars of the `js` extra are not installed."""


def available() -> bool:
    """Whether the `js` extra (tree-sitter and its JavaScript and TypeScript grammars) is installed."""
    try:
        _parser("javascript")
    except ExtraMissing:
        return False
    return True


def missing_extra(files: list[str]) -> ExtraMissing:
    first = files[0]
    more = f" (and {len(files) - 1} other JavaScript/TypeScript file(s))" if len(files) > 1 else ""
    return ExtraMissing(
        f"cannot lint {first}{more}: reading JavaScript and TypeScript needs the optional js extra "
        "(tree-sitter and its grammars), which is not installed",
        hint=f"run {INSTALL}, or leave JavaScript and TypeScript files out of the paths given to lint",
    )


@cache
def _parser(grammar: str) -> Parser:
    try:
        from tree_sitter import Language, Parser

        if grammar == "javascript":
            import tree_sitter_javascript

            language = Language(tree_sitter_javascript.language())
        else:
            import tree_sitter_typescript

            language = Language(tree_sitter_typescript.language_tsx() if grammar == "tsx"
                                else tree_sitter_typescript.language_typescript())
    except ImportError:
        raise missing_extra(["JavaScript/TypeScript source"]) from None
    return Parser(language)


def _text(node: Node | None) -> str:
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


def _line(node: Node) -> int:
    return node.start_point[0] + 1


def _end_line(node: Node) -> int:
    return node.end_point[0] + 1


def _short(text: str, limit: int = 80) -> str:
    one = re.sub(r"\s*\.\s*", ".", " ".join(text.split()))
    return one if len(one) <= limit else one[: limit - 1] + "…"


@dataclass
class JavaScriptRead:
    operations: list[Operation] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    code_lines: set[int] = field(default_factory=set)


def read_javascript(source: str, file: str, dialect: str = "postgresql") -> JavaScriptRead:
    """Operations, comments and code lines of one JavaScript or TypeScript source.

    Raises ExtraMissing without the `js` extra, UsageError when the source does not parse."""
    suffix = "." + file.rsplit(".", 1)[-1].lower() if "." in file else ".js"
    grammar = GRAMMARS.get(suffix, "javascript")
    try:
        parser = _parser(grammar)
    except ExtraMissing:
        raise missing_extra([file]) from None
    tree = parser.parse(source.encode("utf-8"))
    root = tree.root_node
    if root.has_error:
        bad = _first_error(root)
        where = f"line {_line(bad)}" if bad is not None else "somewhere"
        language = "TypeScript" if grammar != "javascript" else "JavaScript"
        raise UsageError(
            f"{file}, {where}: not valid {language}, so it cannot be linted",
            hint="fix the syntax, or leave the file out of the paths given to lint",
        )
    out = JavaScriptRead()
    reader = _Reader(root, dialect)
    for node in _walk(root):
        if node.type == "comment":
            out.comments.append(Comment(_line(node), _text(node), _line(node) in out.code_lines,
                                        end_line=_end_line(node)))
        elif node.child_count == 0 or node.type in ("string", "template_string"):
            out.code_lines.update(range(_line(node), _end_line(node) + 1))
        if node.type in ("call_expression", "new_expression"):
            reader.call(node)
        elif node.type == "object":
            reader.config(node)
    out.operations = sorted(reader.operations, key=lambda op: op.line)
    return out


def _walk(root: Node) -> Iterator[Node]:
    """Every node in source order (comments included: they are nodes of the tree)."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        if node.type in ("string", "template_string", "comment", "regex"):
            # A string's fragments are no code; a template's ${…} parts are walked as expressions.
            stack.extend(reversed([c for c in node.children if c.type == "template_substitution"]))
            continue
        stack.extend(reversed(node.children))


def _first_error(root: Node) -> Node | None:
    for node in _walk(root):
        if node.type == "ERROR" or node.is_missing:
            return node
    return None


def _unwrap(node: Node | None) -> Node | None:
    while node is not None and node.type in _TRANSPARENT:
        node = next((c for c in node.named_children if c.type != "comment"), None)
    return node


def _callee_name(fn: Node | None) -> str | None:
    fn = _unwrap(fn)
    if fn is None:
        return None
    if fn.type in ("identifier", "property_identifier"):
        return _text(fn)
    if fn.type == "member_expression":
        return _text(fn.child_by_field_name("property"))
    return None


def _is_method(fn: Node | None) -> bool:
    fn = _unwrap(fn)
    return fn is not None and fn.type == "member_expression"


def _args(call: Node) -> list[Node]:
    args = call.child_by_field_name("arguments")
    if args is None:
        return []
    return [c for c in args.named_children if c.type != "comment"]


def _key(pair: Node) -> str | None:
    key = pair.child_by_field_name("key")
    if key is None:
        return None
    if key.type in ("string",):
        return _text(key)[1:-1]
    if key.type in ("property_identifier", "identifier"):
        return _text(key)
    return None


# Literal values: (known, truthy). `undefined` is an identifier in the grammar.
def _literal(node: Node | None) -> tuple[bool, bool]:
    node = _unwrap(node)
    if node is None:
        return True, False
    kind = node.type
    if kind == "true":
        return True, True
    if kind in ("false", "null", "undefined") or (kind == "identifier" and _text(node) == "undefined"):
        return True, False
    if kind == "number":
        try:
            return True, float(_text(node).replace("_", "")) != 0
        except ValueError:
            return True, True  # 0x1f, 1n: non-zero in practice
    if kind == "string":
        return True, len(_text(node)) > 2
    if kind in ("object", "array", "arrow_function", "function_expression"):
        return True, True
    if kind == "unary_expression" and _text(node.child_by_field_name("operator")) == "!":
        known, truthy = _literal(node.child_by_field_name("argument"))
        return known, not truthy
    return False, True


@dataclass(frozen=True)
class _Option:
    """One `key: value` of an options object (value None: given by a shorthand `{ force }`)."""

    key: str
    node: Node
    value: Node | None


def _options(obj: Node) -> dict[str, _Option]:
    out: dict[str, _Option] = {}
    for child in obj.named_children:
        if child.type == "pair":
            key = _key(child)
            if key is not None:
                out[key] = _Option(key, child, child.child_by_field_name("value"))
        elif child.type == "shorthand_property_identifier":
            out[_text(child)] = _Option(_text(child), child, child)
    return out


class _Reader:
    def __init__(self, root: Node, dialect: str) -> None:
        self.root = root
        self.dialect = dialect
        self.operations: list[Operation] = []
        self._consts: dict[str, Node] | None = None

    # -- values --

    def consts(self) -> dict[str, Node]:
        """`const name = { … }` anywhere in the file (the last one wins)."""
        if self._consts is None:
            self._consts = {}
            for node in _walk(self.root):
                if node.type == "variable_declarator":
                    name, value = node.child_by_field_name("name"), _unwrap(node.child_by_field_name("value"))
                    if name is not None and name.type == "identifier" and value is not None and value.type == "object":
                        self._consts[_text(name)] = value
        return self._consts

    def _object(self, node: Node | None) -> Node | None:
        node = _unwrap(node)
        if node is not None and node.type == "identifier":
            node = self.consts().get(_text(node))
        return node if node is not None and node.type == "object" else None

    # -- emitting --

    def emit(self, at: Node, span: Node, **details: object) -> None:
        guard = guards.javascript_guard(at)
        if guard is not None:
            details["guard"] = guard
        self.operations.append(Operation(
            "force_reset", line=_line(at), end_line=_end_line(at), dialect=self.dialect,
            source="javascript",
            details={**details, "call_span": (_line(span), _end_line(span))},
        ))

    def _value(self, option: _Option) -> tuple[bool, bool, str]:
        """(known, truthy, source text) of an option's value."""
        known, truthy = _literal(option.value)
        return known, truthy, _short(_text(option.value))

    # -- the calls --

    def call(self, node: Node) -> None:
        fn = node.child_by_field_name("constructor" if node.type == "new_expression" else "function")
        name = _callee_name(fn)
        args = _args(node)
        if name == "sync" and node.type == "call_expression":
            self.sequelize_sync(node, fn, args)
        elif name == "synchronize" and node.type == "call_expression" and _is_method(fn):
            # Only as a method (dataSource.synchronize()): a bare synchronize() is anybody's function.
            self.typeorm_synchronize(node, fn, args)
        elif name == "dropDatabase" and node.type == "call_expression":
            self.emit(self._at(fn, node), node, call=_short(_text(fn)), orm="typeorm", what="drop_database")

    @staticmethod
    def _at(fn: Node | None, call: Node) -> Node:
        """Where a call is reported: at its method name (a chain may start lines earlier)."""
        fn = _unwrap(fn)
        if fn is not None and fn.type == "member_expression":
            prop = fn.child_by_field_name("property")
            if prop is not None:
                return prop
        return call

    def sequelize_sync(self, node: Node, fn: Node | None, args: list[Node]) -> None:
        obj = self._object(args[0]) if args else None
        if obj is None:
            return
        opts = _options(obj)
        call = _short(_text(fn))
        for key in ("force", "alter"):
            option = opts.get(key)
            if option is None:
                continue
            known, truthy, value = self._value(option)
            if key == "alter" and option.value is not None:
                alter = self._object(option.value)
                drop = _options(alter).get("drop") if alter is not None else None
                if drop is not None:
                    known, truthy = _literal(drop.value)
                    value = f"{{ drop: {_short(_text(drop.value))} }}"
            if known and not truthy:
                continue
            self.emit(self._at(fn, node), node, call=call, orm="sequelize", option=key, value=value,
                      known=known, env_value=(not known and guards.mentions_env_js(option.value)))
            return  # force and alter in one call: one finding (force wins)

    def typeorm_synchronize(self, node: Node, fn: Node | None, args: list[Node]) -> None:
        known, truthy = _literal(args[0]) if args else (True, False)
        self.emit(self._at(fn, node), node, call=_short(_text(fn)), orm="typeorm", what="synchronize",
                  drop_first=known and truthy, known=known or not args,
                  value=_short(_text(args[0])) if args else "")

    def config(self, obj: Node) -> None:
        """A TypeORM data source config holding synchronize or dropSchema."""
        opts = _options(obj)
        if not ({"synchronize", "dropSchema"} & opts.keys()):
            return
        if not (_CONFIG_KEYS & opts.keys() or self._is_config_argument(obj)):
            return
        for key in ("dropSchema", "synchronize"):
            option = opts.get(key)
            if option is None:
                continue
            known, truthy, value = self._value(option)
            if known and not truthy:
                continue
            self.emit(option.node, option.node, orm="typeorm", what="config", option=key, value=value,
                      known=known, env_value=(not known and guards.mentions_env_js(option.value)))

    def _is_config_argument(self, obj: Node) -> bool:
        parent = obj.parent
        while parent is not None and parent.type in _TRANSPARENT:
            parent = parent.parent
        if parent is None or parent.type != "arguments" or parent.parent is None:
            return False
        call = parent.parent
        fn = call.child_by_field_name("constructor" if call.type == "new_expression" else "function")
        return _callee_name(fn) in _CONFIG_CALLS
