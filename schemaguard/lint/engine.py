"""Lint files: find them, read each with the right reader, apply suppressions, judge with the rules.

One database or several: `dialect` is a name, a comma-separated list, a list, or `all`. With several,
an Alembic revision and a SQL file are read once per database (each branch of a revision's dialect
tests on the databases it runs on, with that database's parser and wording) and every finding names
its database; application code, whose hazards do not depend on the database, is read once.

Several migration files are read in migration order (order.py), each knowing what the files before
it defined, once per database (a branch of a revision's dialect test teaches the databases it runs
on only)."""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import UsageError
from ..rules.findings import Finding, IgnoreRule, apply_ignores, fails, severity_rank, summarize
from . import suppress
from .filetypes import JS_SUFFIXES
from .operations import DIALECTS, Operation, Scope
from .rules import judge

SUFFIXES = (".sql", ".py", *JS_SUFFIXES)
# Folders a walk never enters: caches, virtual environments, VCS metadata.
_SKIP_DIRS = frozenset({"__pycache__", "node_modules", ".git", ".hg", ".svn", ".venv", "venv",
                        ".tox", ".nox", ".mypy_cache", ".ruff_cache", ".pytest_cache"})


@dataclass
class LintResult:
    """What `lint` produced: findings (each with file and line) and the files read."""

    findings: list[Finding]
    files: list[str] = field(default_factory=list)
    # The database linted for, or several joined by ", ".
    dialect: str = "postgresql"
    dialects: tuple[str, ...] = ("postgresql",)

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.findings)

    def fails(self, fail_on: str = "warning") -> bool:
        return fails(self.findings, fail_on)


Dialects = str | Sequence[str]
_DIALECT_HINT = "use postgresql, sqlite, mysql or mssql, several separated by commas, or all"


def resolve_dialects(spec: Dialects, *, option: str | None = None) -> tuple[str, ...]:
    """The databases to lint for: a name, a comma-separated list, a list of either, or `all`
    (every database lint knows), in the order given, each once.

    Raises UsageError for an unknown name (naming `option`, e.g. "--dialect", when given)."""
    parts = [spec] if isinstance(spec, str) else list(spec)
    out: list[str] = []
    for part in parts:
        for raw in str(part).split(","):
            name = raw.strip().lower()
            if not name:
                continue
            names = DIALECTS if name == "all" else (name,)
            if name != "all" and name not in DIALECTS:
                where = f" given to {option}" if option else ""
                raise UsageError(f"unknown dialect {raw.strip()!r}{where}", hint=_DIALECT_HINT)
            out.extend(n for n in names if n not in out)
    if not out:
        raise UsageError(f"no dialect given{' to ' + option if option else ''}", hint=_DIALECT_HINT)
    return tuple(out)


def sort_key(f: Finding) -> tuple[str, int, int, str, int]:
    order = DIALECTS.index(f.database) if f.database in DIALECTS else -1
    return (f.file or "", f.line or 0, -severity_rank(f.severity), f.code, order)


def _for_each(dialects: tuple[str, ...], lint_one: Callable[[str], list[Finding]]) -> list[Finding]:
    """Findings of one reading per database; with several, each finding names its database."""
    if len(dialects) == 1:
        return lint_one(dialects[0])
    out: list[Finding] = []
    for dialect in dialects:
        out.extend(replace(f, database=dialect) for f in lint_one(dialect))
    return sorted(out, key=sort_key)


def lint_sql(text: str, *, dialect: Dialects = "postgresql", file: str | None = None) -> list[Finding]:
    """Lint SQL text: the findings, in line order, after inline suppressions (once per database
    when several are given)."""
    dialects = resolve_dialects(dialect)
    return _for_each(dialects, lambda one: _lint_sql(text, one, file))


def _lint_sql(text: str, dialect: str, file: str | None, scope: Scope | None = None) -> list[Finding]:
    from .sql import read_sql

    read = read_sql(text, dialect, scope)
    sup = suppress.collect(read.comments, read.code_lines, dialect=dialect, source="sql")
    ops = suppress.apply(read.operations, sup)
    return sorted(judge(ops, file), key=sort_key)


def lint_alembic(source: str, file: str | None = None, *, dialect: Dialects = "postgresql") -> list[Finding]:
    """Lint Python source: an Alembic revision (upgrade()/downgrade()), or application code (where
    drop_all() is reported). The source is parsed, never imported or run. A revision is read as it
    runs on each database given: the branches of its dialect tests that run there, with that
    database's SQL parser.

    Raises UsageError when it is not valid Python."""
    dialects = resolve_dialects(dialect)
    tree = _parse_python(source, file)
    from .revisions import is_revision

    if not is_revision(tree):
        # Application code: drop_all() is the same hazard on every database.
        return _lint_python(source, tree, dialects[0], file)
    return _for_each(dialects, lambda one: _lint_python(source, tree, one, file))


def _parse_python(source: str, file: str | None) -> ast.Module:
    try:
        return ast.parse(source, filename=file or "<source>")
    except SyntaxError as exc:
        where = f"{file or 'the source'}, line {exc.lineno}"
        raise UsageError(
            f"{where}: not valid Python ({exc.msg}), so it cannot be linted",
            hint="fix the syntax, or leave the file out of the paths given to lint",
        ) from None


def _lint_python(source: str, tree: ast.Module, dialect: str, file: str | None,
                 known: Scope | None = None, learned: dict[str, Scope] | None = None) -> list[Finding]:
    from .revisions import read_python

    read = read_python(source, tree, dialect, known)
    if learned is not None and read.scope is not None:
        learned[dialect] = read.scope
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


def lint_javascript(source: str, file: str = "<source>.js", *, dialect: Dialects = "postgresql") -> list[Finding]:
    """Lint JavaScript or TypeScript application code (the grammar follows the file name's suffix):
    Sequelize sync({ force | alter }), TypeORM synchronize/dropSchema/dropDatabase. Read once,
    whatever the databases: its hazards do not depend on them.

    Raises UsageError when the source does not parse or the `js` extra is not installed."""
    dialect = resolve_dialects(dialect)[0]
    from . import javascript

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
    return [path for path, _ in _collect(paths)]


def _collect(paths: Sequence[str | Path]) -> list[tuple[Path, int]]:
    """collect_files, each file with the index of the folder given that holds it (-1: a file
    given by itself): the SQL migrations of one folder, or those given one by one, are a sequence."""
    if not paths:
        raise UsageError("no paths given", hint="pass migration files or a versions/ folder to lint")
    out: list[tuple[Path, int]] = []
    seen: set[Path] = set()
    for number, raw in enumerate(paths):
        path = Path(raw)
        group = number
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
            group = -1
        elif path.exists():
            raise UsageError(f"cannot lint {path}: not a regular file or folder")
        else:
            raise UsageError(f"{path} does not exist", hint="check the path")
        for c in candidates:
            key = c.resolve()
            if key not in seen:
                seen.add(key)
                out.append((c, group))
    return out


def lint_file(path: str | Path, *, dialect: Dialects = "postgresql") -> list[Finding]:
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
    dialect: Dialects = "postgresql",
    ignore: Iterable[IgnoreRule] = (),
) -> LintResult:
    """Lint migration files and folders: `.sql` files, Alembic revisions, application code (Python,
    JavaScript, TypeScript), for one database or several (see the module's docstring).

    Raises UsageError (exit 2) for a missing path, an unreadable file or an unknown dialect."""
    dialects = resolve_dialects(dialect)
    entries = _collect(paths)
    files = [path for path, _ in entries]
    scripts = [str(p) for p in files if _is_javascript(p)]
    if scripts:
        from . import javascript

        if not javascript.available():
            # Up front and naming them all: a run that skipped them would look clean.
            raise javascript.missing_extra(scripts)
    by_file = _lint_migrations(entries, dialects)
    findings: list[Finding] = []
    for path in files:
        found = by_file.get(path)
        findings.extend(found if found is not None else lint_file(path, dialect=dialects))
    findings = apply_ignores(findings, list(ignore))
    return LintResult(findings=findings, files=[str(p) for p in files], dialect=", ".join(dialects),
                      dialects=dialects)


def _lint_migrations(entries: Sequence[tuple[Path, int]], dialects: tuple[str, ...]) -> dict[Path, list[Finding]]:
    """The findings of the migrations among `entries` (SQL files, Alembic revisions), read in
    migration order, each from what the files before it left (per database)."""
    from .order import migration_order
    from .revisions import is_revision

    sources: dict[Path, str] = {}
    revisions: list[tuple[Path, ast.Module]] = []
    sql_groups: dict[object, list[Path]] = {}
    for path, group in entries:
        suffix = path.suffix.lower()
        if suffix == ".py":
            sources[path] = _read_text(path)
            tree = _parse_python(sources[path], str(path))
            if is_revision(tree):
                revisions.append((path, tree))
        elif suffix == ".sql":
            sources[path] = _read_text(path)
            sql_groups.setdefault(group, []).append(path)
    trees = dict(revisions)
    learned: dict[Path, dict[str, Scope]] = {}
    out: dict[Path, list[Finding]] = {}
    for step in migration_order(sql_groups, revisions):
        known = {one: _known(one, [learned[p] for p in step.after if p in learned]) for one in dialects}
        out[step.path], left = _lint_migration(step.path, sources[step.path], trees.get(step.path),
                                               dialects, known)
        if step.teaches:
            learned[step.path] = left
    return out


def _lint_migration(path: Path, text: str, tree: ast.Module | None, dialects: tuple[str, ...],
                    known: Mapping[str, Scope | None]) -> tuple[list[Finding], dict[str, Scope]]:
    """One migration's findings (a revision when `tree` is given, else SQL), and what each
    database knows after it."""
    left: dict[str, Scope] = {}
    name = str(path)
    if tree is not None:
        return _for_each(dialects, lambda one: _lint_python(text, tree, one, name, known[one], left)), left

    def one_sql(one: str) -> list[Finding]:
        start = known[one]
        left[one] = scope = start.carried() if start is not None else Scope(one)
        return _lint_sql(text, one, name, scope)

    return _for_each(dialects, one_sql), left


def _known(dialect: str, parents: Sequence[Mapping[str, Scope]]) -> Scope | None:
    """What a file starts from: its one parent's knowledge, or all its parents' (a merge)."""
    scopes = [p[dialect] for p in parents if dialect in p]
    if len(scopes) <= 1:
        return scopes[0] if scopes else None
    merged = Scope(dialect)
    for scope in scopes:
        merged.learn(scope)
    return merged


def with_file(findings: Iterable[Finding], file: str) -> list[Finding]:
    """The same findings attributed to another file name (e.g. a path relative to a root)."""
    return [replace(f, file=file) for f in findings]
