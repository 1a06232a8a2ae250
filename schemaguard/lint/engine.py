"""Lint files: find them, read each with the right reader, apply suppressions, judge with the rules."""

from __future__ import annotations

import ast
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import UsageError
from ..rules.findings import Finding, IgnoreRule, apply_ignores, fails, severity_rank, summarize
from . import javascript, suppress
from .javascript import SUFFIXES as JS_SUFFIXES
from .operations import DIALECTS, Operation
from .revisions import read_python
from .rules import judge
from .sql import read_sql

SUFFIXES = (".sql", ".py", *JS_SUFFIXES)
# Folders a walk never enters: caches, virtual environments, VCS metadata.
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", ".git", ".hg", ".svn", ".venv", "venv",
                        ".tox", ".nox", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


@dataclass
class LintResult:
    """What `lint` produced: findings (each with file and line) and the files read."""

    findings: list[Finding]
    files: list[str] = field(default_factory=list)
    dialect: str = "postgresql"

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.findings)

    def fails(self, fail_on: str = "warning") -> bool:
        return fails(self.findings, fail_on)


def _check_dialect(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise UsageError(f"unknown dialect {dialect!r}", hint="use postgresql, sqlite or mysql")


def sort_key(f: Finding) -> tuple[str, int, int, str]:
    return (f.file or "", f.line or 0, -severity_rank(f.severity), f.code)


def lint_sql(text: str, *, dialect: str = "postgresql", file: str | None = None) -> list[Finding]:
    """Lint SQL text: the findings, in line order, after inline suppressions."""
    _check_dialect(dialect)
    read = read_sql(text, dialect)
    sup = suppress.collect(read.comments, read.code_lines, dialect=dialect, source="sql")
    ops = suppress.apply(read.operations, sup)
    return sorted(judge(ops, file), key=sort_key)


def lint_alembic(source: str, file: str | None = None, *, dialect: str = "postgresql") -> list[Finding]:
    """Lint Python source: an Alembic revision (upgrade()/downgrade()), or application code (where
    drop_all() is reported). The source is parsed, never imported or run.

    Raises UsageError when it is not valid Python."""
    _check_dialect(dialect)
    try:
        tree = ast.parse(source, filename=file or "<source>")
    except SyntaxError as exc:
        where = f"{file or 'the source'}, line {exc.lineno}"
        raise UsageError(
            f"{where}: not valid Python ({exc.msg}), so it cannot be linted",
            hint="fix the syntax, or leave the file out of the paths given to lint",
        ) from None
    read = read_python(source, tree, dialect)
    sup = suppress.collect(read.comments, read.code_lines, dialect=dialect, source="python")
    kept: list[Operation] = []
    for op in read.operations:
        spans = [suppress.span(op)]
        call_span = op.details.get("call_span")
        if call_span:
            spans.append((int(call_span[0]), int(call_span[1])))
        if op.kind == "unknown_suppression" or not sup.covers(op, spans):
            kept.append(op)
    kept.extend(sup.unknown)
    return sorted(judge(kept, file), key=sort_key)


def lint_javascript(source: str, file: str = "<source>.js", *, dialect: str = "postgresql") -> list[Finding]:
    """Lint JavaScript or TypeScript application code (the grammar follows the file name's suffix):
    Sequelize sync({ force | alter }), TypeORM synchronize/dropSchema/dropDatabase.

    Raises UsageError when the source does not parse or the `js` extra is not installed."""
    _check_dialect(dialect)
    read = javascript.read_javascript(source, file, dialect)
    sup = suppress.collect(read.comments, read.code_lines, dialect=dialect, source="javascript")
    kept = [op for op in read.operations
            if not sup.covers(op, [suppress.span(op), tuple(op.details["call_span"])])]
    kept.extend(sup.unknown)
    return sorted(judge(kept, None if file.startswith("<") else file), key=sort_key)


def _is_javascript(path: Path) -> bool:
    return path.suffix.lower() in JS_SUFFIXES


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"cannot read {path}: it is not UTF-8 text (byte {exc.start})",
            hint="save it as UTF-8, or leave it out of the paths given to lint",
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}",
                         hint="check the path and its permissions") from None


def collect_files(paths: Sequence[str | Path]) -> list[Path]:
    """The files to lint: each file given, and every .sql, .py, JavaScript and TypeScript file under
    each folder given (sorted, so that the output is stable; node_modules is never entered)."""
    if not paths:
        raise UsageError("no paths given", hint="pass migration files or a versions/ folder to lint")
    out: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found: list[Path] = []
            for folder, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not d.startswith("."))
                found.extend(Path(folder) / f for f in files if f.endswith(SUFFIXES))
            if not found:
                raise UsageError(f"{path} holds no .sql, .py, JavaScript or TypeScript file",
                                 hint="pass the folder that holds the migrations (e.g. alembic/versions)")
            candidates = sorted(found)
        elif path.is_file():
            if path.suffix.lower() not in SUFFIXES:
                raise UsageError(
                    f"cannot lint {path}: only .sql files, Python (.py) files and JavaScript or "
                    f"TypeScript ({', '.join(JS_SUFFIXES)}) files are read",
                    hint="pass SQL migrations, Alembic revisions, a versions/ folder or application code",
                )
            candidates = [path]
        elif path.exists():
            raise UsageError(f"cannot lint {path}: not a regular file or folder")
        else:
            raise UsageError(f"{path} does not exist", hint="check the path")
        for c in candidates:
            key = c.resolve()
            if key not in seen:
                seen.add(key)
                out.append(c)
    return out


def lint_file(path: str | Path, *, dialect: str = "postgresql") -> list[Finding]:
    path = Path(path)
    text = _read_text(path)
    name = str(path)
    if path.suffix.lower() == ".py":
        return lint_alembic(text, name, dialect=dialect)
    if _is_javascript(path):
        return lint_javascript(text, name, dialect=dialect)
    return lint_sql(text, dialect=dialect, file=name)


def lint_paths(
    paths: Sequence[str | Path],
    *,
    dialect: str = "postgresql",
    ignore: Iterable[IgnoreRule] = (),
) -> LintResult:
    """Lint migration files and folders: `.sql` files, Alembic revisions, application code (Python,
    JavaScript, TypeScript).

    Raises UsageError (exit 2) for a missing path, an unreadable file or an unknown dialect."""
    _check_dialect(dialect)
    files = collect_files(paths)
    scripts = [str(p) for p in files if _is_javascript(p)]
    if scripts and not javascript.available():
        # Up front and naming them all: a run that skipped them would look clean.
        raise javascript.missing_extra(scripts)
    findings: list[Finding] = []
    for path in files:
        findings.extend(lint_file(path, dialect=dialect))
    findings = apply_ignores(findings, list(ignore))
    return LintResult(findings=findings, files=[str(p) for p in files], dialect=dialect)


def with_file(findings: Iterable[Finding], file: str) -> list[Finding]:
    """The same findings attributed to another file name (e.g. a path relative to a root)."""
    return [replace(f, file=file) for f in findings]
