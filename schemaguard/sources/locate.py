"""Where a declared model lives: file and line of a mapped class, its columns and its indexes."""

from __future__ import annotations

import bisect
import inspect
import keyword
import os
import re
from pathlib import Path
from typing import Any

from ..schema.snapshot import Source

# The source text is scanned rather than parsed: ast.parse of a models module of thousands of
# classes takes seconds and hundreds of MB (about what importing it costs), and only the lines of
# class statements and of the statements in their bodies are wanted. A statement starts where a
# line starts outside brackets, strings and backslash continuations. One regular expression
# matches a whole statement with its continuation lines (strings, comments and brackets nested up
# to _DEPTH levels consumed whole); a token-by-token scan takes over in the rare file where it
# cannot.
_STRING = (
    r"[rRbBuUfF]{0,2}(?:"
    r'"""(?:[^"\\]|\\.|"(?!""))*+"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*+'''"
    r'|"(?:[^"\\\n]|\\.)*+"'
    r"|'(?:[^'\\\n]|\\.)*+')"
)
_COMMENT = r"\#[^\n]*"
_DEPTH = 8


def _bracketed(depth: int) -> str:
    inner = r"[^\"'#\\()\[\]{}]++|" + _STRING + "|" + _COMMENT + r"|\\[\s\S]"
    if depth > 1:
        inner += "|" + _bracketed(depth - 1)
    return r"[(\[{](?:" + inner + r")*+[)\]}]"


_STATEMENT = re.compile(
    r"(?:[^\n\"'#\\()\[\]{};]++|" + _STRING + "|" + _COMMENT + r"|\\\n|" + _bracketed(_DEPTH) + r")*+(?:\n|;|\Z)"
)
_TOKEN = re.compile(
    "(?P<string>" + _STRING + ")|(?P<comment>" + _COMMENT + r")|(?P<open>[(\[{])|(?P<close>[)\]}])"
    r"|(?P<continued>\\\n)|(?P<newline>\n)|(?P<semicolon>;)"
)
_INDENT = re.compile(r"[ \t]*")
_NAME = r"[^\W\d]\w*"
_CLASS = re.compile(rf"class[ \t]+({_NAME})")
# A statement that assigns or annotates names: `a = ...`, `a = b = ...`, `a: T = ...`, `a: T`.
_TARGETS = re.compile(rf"((?:{_NAME}[ \t]*=(?!=)[ \t]*)+)|({_NAME})[ \t]*:(?!=)")
_TARGET = re.compile(rf"({_NAME})[ \t]*=")


def _statement_starts(text: str) -> list[int]:
    """The offsets where the logical lines of a Python source text start."""
    starts = []
    pos, end = 0, len(text)
    for m in _STATEMENT.finditer(text):
        if m.start() != pos:
            return _statement_starts_by_token(text)  # brackets nested deeper than _DEPTH
        starts.append(pos)
        pos = m.end()
        if pos >= end:
            break
    return starts


def _statement_starts_by_token(text: str) -> list[int]:
    starts = [0]
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "newline" or kind == "semicolon":
            if depth == 0:
                starts.append(m.end())
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
    return starts


def _classes(path: str) -> dict[str, tuple[int, dict[str, int]]]:
    """Class name -> (line of its `class` statement, {attribute name: line of the statement}) for a
    source file. Of several classes with one name, the least nested, then the first, is taken (the
    one ast.walk meets first); the attributes are the names its body's own statements assign or
    annotate (the Name targets of its ast.Assign and ast.AnnAssign statements)."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    # Statements other than blank lines and comments: (offset of their first token, indentation).
    statements: list[tuple[int, int]] = []
    for start in _statement_starts(text):
        indentation = _INDENT.match(text, start)
        assert indentation is not None  # [ \t]* always matches
        first = indentation.end()
        if first >= len(text) or text[first] in "\r\n#\\;":
            continue
        if start and text[start - 1] == ";":
            # `a = 1; b = 2`: the second statement is in the block of the first.
            statements.append((first, statements[-1][1] if statements else 0))
            continue
        ws = indentation.group()
        statements.append((first, len(ws.expandtabs(8)) if "\t" in ws else len(ws)))
    found: dict[str, tuple[int, int, int]] = {}  # name -> (nesting depth, offset, statement index)
    blocks: list[int] = []  # indentation of the statements that enclose this one
    for i, (first, indent) in enumerate(statements):
        while blocks and blocks[-1] >= indent:
            blocks.pop()
        blocks.append(indent)
        if text.startswith("class", first):
            m = _CLASS.match(text, first)
            if m is not None:
                key = (len(blocks) - 1, first)
                if m.group(1) not in found or key < found[m.group(1)][:2]:
                    found[m.group(1)] = (*key, i)
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_of(offset: int) -> int:
        return bisect.bisect_left(newlines, offset) + 1

    out: dict[str, tuple[int, dict[str, int]]] = {}
    for name, (_depth, offset, i) in found.items():
        class_indent = statements[i][1]
        body_indent = None
        attrs: dict[str, int] = {}
        for j in range(i + 1, len(statements)):
            first, indent = statements[j]
            if indent <= class_indent:
                break
            if body_indent is None:
                body_indent = indent
            if indent != body_indent:
                continue  # inside a method or a nested block
            m = _TARGETS.match(text, first)
            if m is None:
                continue
            targets = _TARGET.findall(m.group(1)) if m.group(1) else [m.group(2)]
            for target in targets:
                if not keyword.iskeyword(target):
                    attrs[target] = line_of(first)
        out[name] = (line_of(offset), attrs)
    return out


def _rel(path: str) -> str:
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel


class SourceIndex:
    """Looks up model source positions from declarative registries; cheap when none are given."""

    def __init__(self, registries: list[Any]) -> None:
        # Every class mapped to a table: the one that declares it (its own __table__) first, then
        # the single-table-inheritance subclasses that add columns to it.
        classes: dict[int, list[Any]] = {}
        for reg in registries:
            # declared.ClassTables: (class, table) pairs where a registry's mappers cannot be listed.
            for cls, local in getattr(reg, "entries", ()):
                classes.setdefault(id(local), []).append((cls, local))
            for mapper in getattr(reg, "mappers", ()):
                local = getattr(mapper, "local_table", None)
                if local is not None:
                    classes.setdefault(id(local), []).append((mapper.class_, local))
        self._by_table: dict[int, list[Any]] = {}
        for key, pairs in classes.items():
            unique = list({id(c): (c, t) for c, t in pairs}.values())
            unique.sort(key=lambda p: (vars(p[0]).get("__table__") is not p[1],
                                       getattr(p[0], "__module__", ""), p[0].__qualname__))
            self._by_table[key] = [c for c, _t in unique]
        self._class_info: dict[int, tuple[str, int, dict[str, int]] | None] = {}
        self._module_files: dict[str | None, tuple[str | None, str | None]] = {}
        self._sources: dict[tuple[str, int], Source] = {}
        # Parsed files, for this index only: at 5,000 models the attribute lines are about 7 MB
        # that nothing needs once the snapshot is built.
        self._files: dict[str, dict[str, tuple[int, dict[str, int]]]] = {}

    def model_name(self, table: Any) -> str | None:
        found = self._by_table.get(id(table))
        return found[0].__name__ if found else None

    def _info(self, table: Any) -> tuple[str, int, dict[str, int]] | None:
        found = self._by_table.get(id(table))
        return self._class_source(found[0]) if found else None

    def _class_source(self, cls: Any) -> tuple[str, int, dict[str, int]] | None:
        """(file as shown, the class statement's line, {attribute: line}) of a class."""
        key = id(cls)
        if key in self._class_info:
            return self._class_info[key]
        info = None
        path, shown = self._source_file(cls)
        found = None
        if path:
            parsed = self._files.get(path)
            if parsed is None:
                parsed = self._files[path] = _classes(path)
            found = parsed.get(cls.__name__)
        if shown and found is not None:
            info = (shown, found[0], found[1])
        self._class_info[key] = info
        return info

    def _source_file(self, cls: Any) -> tuple[str | None, str | None]:
        """(the file that defines a class, as findings show it); asked of inspect once per module,
        whose classes all share its file."""
        module = getattr(cls, "__module__", None)
        if module in self._module_files:
            return self._module_files[module]
        try:
            path = inspect.getsourcefile(cls)
        except TypeError:
            path = None
        found = (path, _rel(path) if path else None)
        if module is not None:
            self._module_files[module] = found
        return found

    def _source(self, path: str, line: int) -> Source:
        # Thousands of columns point into one file: equal positions share one frozen Source.
        key = (path, line)
        source = self._sources.get(key)
        if source is None:
            source = self._sources[key] = Source(path, line)
        return source

    def table(self, table: Any) -> Source | None:
        info = self._info(table)
        return self._source(info[0], info[1]) if info else None

    def column(self, table: Any, column: Any) -> Source | None:
        info = self._info(table)
        if not info:
            return None
        for cls in self._by_table.get(id(table), ()):
            where = self._class_source(cls)
            line = self._attribute_line(cls, column, where[2]) if where else None
            if where and line is not None:
                return self._source(where[0], line)
        return self._source(info[0], info[1])

    def _attribute_line(self, cls: Any, column: Any, attrs: dict[str, int]) -> int | None:
        # The attribute name in the class can differ from the column name (mapped_column("x")).
        line = attrs.get(column.key) or attrs.get(column.name)
        if line is None:
            # Mapper.columns (attribute name -> column) is filled when the mapper is built;
            # column_attrs would configure every mapper first, and a misconfigured relationship
            # elsewhere in the models would raise here.
            mapped = getattr(vars(cls).get("__mapper__"), "columns", None)
            for attr_key, mapped_column in (mapped.items() if mapped is not None else ()):
                if mapped_column is column:
                    return attrs.get(attr_key)
        return line

    def index(self, table: Any, index: Any) -> Source | None:
        # The collection behind Index.columns: that property builds (and keeps on the model's
        # index) a read-only copy of it the first time it is asked.
        collection: Any = getattr(index, "_columns", None)
        cols = list(collection if collection is not None else getattr(index, "columns", ()))
        if len(cols) == 1:
            return self.column(table, cols[0])
        return self.table(table)


def core_table_source(table: Any) -> Source | None:
    """Where a Core `Table("name", metadata, ...)` is written, for a table no mapped class names:
    the module that holds it as a global, and the line of the `Table(` call with its name. Asked
    only for a table declared more than once (a search through the loaded modules)."""
    import ast
    import sys

    for module in list(sys.modules.values()):
        try:
            names = {k for k, v in vars(module).items() if v is table}
        except TypeError:
            continue
        if not names:
            continue
        try:
            path = inspect.getsourcefile(module)
            if path is None:
                continue
            tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        except (TypeError, OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for node in ast.walk(tree):
            # The assignment to the global that holds it (`jobs = Table("jobs", ...)`) ...
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id in names for t in targets):
                    return Source(_rel(path), node.lineno)
        for node in ast.walk(tree):
            # ... else the first `Table("jobs", ...)` call.
            if (
                isinstance(node, ast.Call)
                and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) == "Table"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and node.args[0].value == table.name
            ):
                return Source(_rel(path), node.lineno)
        return Source(_rel(path), None)
    return None
