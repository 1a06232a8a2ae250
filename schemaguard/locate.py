"""Where a declared model lives: file and line of a mapped class, its columns and its indexes."""

from __future__ import annotations

import ast
import inspect
import os
from functools import lru_cache
from typing import Any

from .snapshot import Source


@lru_cache(maxsize=256)
def _classes(path: str) -> dict[str, ast.ClassDef]:
    """The class definitions of a source file by name (the first of each name), parsed once: a
    models module of thousands of classes must not be walked once per class."""
    try:
        with open(path, encoding="utf-8") as fh:
            tree = ast.parse(fh.read(), filename=path)
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return {}
    out: dict[str, ast.ClassDef] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            out.setdefault(node.name, node)
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
        self._by_table: dict[int, Any] = {}
        for reg in registries:
            for mapper in getattr(reg, "mappers", ()):
                local = getattr(mapper, "local_table", None)
                if local is not None and id(local) not in self._by_table:
                    self._by_table[id(local)] = mapper.class_
        self._class_info: dict[int, tuple[str, int, dict[str, int]] | None] = {}

    def model_name(self, table: Any) -> str | None:
        cls = self._by_table.get(id(table))
        return cls.__name__ if cls is not None else None

    def _info(self, table: Any) -> tuple[str, int, dict[str, int]] | None:
        cls = self._by_table.get(id(table))
        if cls is None:
            return None
        key = id(cls)
        if key in self._class_info:
            return self._class_info[key]
        info = None
        try:
            path = inspect.getsourcefile(cls)
        except TypeError:
            path = None
        node = _classes(path).get(cls.__name__) if path else None
        if path and node is not None:
            attrs: dict[str, int] = {}
            for stmt in node.body:
                targets: list[ast.expr] = []
                if isinstance(stmt, ast.Assign):
                    targets = list(stmt.targets)
                elif isinstance(stmt, ast.AnnAssign):
                    targets = [stmt.target]
                for tgt in targets:
                    if isinstance(tgt, ast.Name):
                        attrs[tgt.id] = stmt.lineno
            info = (_rel(path), node.lineno, attrs)
        self._class_info[key] = info
        return info

    def table(self, table: Any) -> Source | None:
        info = self._info(table)
        return Source(info[0], info[1]) if info else None

    def column(self, table: Any, column: Any) -> Source | None:
        info = self._info(table)
        if not info:
            return None
        path, class_line, attrs = info
        cls = self._by_table.get(id(table))
        # The attribute name in the class can differ from the column name (mapped_column("x")).
        line = attrs.get(column.key) or attrs.get(column.name)
        if line is None and cls is not None:
            for mapper_attr in getattr(getattr(cls, "__mapper__", None), "column_attrs", ()):
                if column in getattr(mapper_attr, "columns", ()):
                    line = attrs.get(mapper_attr.key)
                    break
        return Source(path, line or class_line)

    def index(self, table: Any, index: Any) -> Source | None:
        cols = list(getattr(index, "columns", ()))
        if len(cols) == 1:
            return self.column(table, cols[0])
        return self.table(table)
