"""Migration order: Alembic revisions along their down_revision chains, SQL files by their version
numbers, so that each file is read knowing what the ones before it defined."""

from __future__ import annotations

import ast
import heapq
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# One part of a name's sort key: (0, number, "") for a run of digits, (1, 0, text) for the rest,
# so that V2__ sorts before V10__ and 0002_ before 0010_.
Part = tuple[int, int, str]
# Flyway: V<version>__<description>.sql, U<version>__ (its undo), R__ (repeatable, after them all);
# the version's parts are separated by dots or underscores (V1.1__ and V1_1__ are both 1.1).
_FLYWAY = re.compile(r"^(?P<prefix>[vu])(?P<version>\d+(?:[._]\d+)*)__", re.IGNORECASE)
_DOWN_SUFFIXES = (".down.sql", ".undo.sql", ".rollback.sql")


@dataclass(frozen=True)
class Step:
    """One migration file in order: the files whose knowledge it starts from, and whether what
    it defines carries on (a down/undo migration is read after its up one but teaches nothing)."""

    path: Path
    after: tuple[Path, ...] = ()
    teaches: bool = True


def natural_key(text: str) -> tuple[Part, ...]:
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t)
                 for t in re.split(r"(\d+)", text.lower()) if t)


def _sql_key(path: Path) -> tuple[int, tuple[Part, ...], int, str]:
    name = path.name.lower()
    down = name.endswith(_DOWN_SUFFIXES)
    stem = name
    for suffix in (*_DOWN_SUFFIXES, ".up.sql"):
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    flyway = _FLYWAY.match(stem)
    if flyway:
        version = tuple((0, int(n), "") for n in re.split(r"[._]", flyway["version"]))
        return (0, version, int(down or flyway["prefix"].lower() == "u"), name)
    if name.startswith("r__"):
        return (1, natural_key(stem), 0, name)
    return (0, natural_key(stem), int(down), name)


def sql_order(paths: Iterable[Path]) -> list[Step]:
    """One folder's (or one list's) SQL migrations in the order a migration tool applies them:
    version numbers compared as numbers (V2__ before V10__, 0002_ before 0010_, V1__ before V1.1__),
    a down/undo file after its up file, Flyway's repeatable R__ files last."""
    out: list[Step] = []
    last: Path | None = None
    for path in sorted(paths, key=_sql_key):
        down = _sql_key(path)[2] == 1
        out.append(Step(path, (last,) if last is not None else (), teaches=not down))
        if not down:
            last = path
    return out


def _names(expr: ast.expr | None) -> tuple[str, ...] | None:
    """A revision identifier or several (None, a string, a tuple or list of strings)."""
    if isinstance(expr, ast.Constant) and expr.value is None:
        return ()
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return (expr.value,)
    if isinstance(expr, (ast.Tuple, ast.List)):
        names = [e.value for e in expr.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        return tuple(names) if len(names) == len(expr.elts) else None
    return None


def revision_links(tree: ast.Module) -> tuple[str | None, tuple[str, ...]]:
    """A revision's identifier and the revisions it comes after (down_revision and depends_on),
    from the module-level assignments Alembic's template writes."""
    values: dict[str, ast.expr | None] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values[node.targets[0].id] = node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            values[node.target.id] = node.value
    revision = _names(values.get("revision"))
    parents = (*(_names(values.get("down_revision")) or ()), *(_names(values.get("depends_on")) or ()))
    return (revision[0] if revision and len(revision) == 1 else None), parents


def revision_order(revisions: Sequence[tuple[Path, ast.Module]]) -> list[Step]:
    """Alembic revisions in an order Alembic could apply them: each after the revisions it names
    (a topological order of the down_revision graph, branches and merges included; ties by file
    name), starting from what those revisions left. Files without a revision identifier, or one
    another file already has, come last in name order and start from nothing."""
    by_id: dict[str, Path] = {}
    parents: dict[Path, tuple[str, ...]] = {}
    loose: list[Path] = []
    for path, tree in revisions:
        rev, after = revision_links(tree)
        if rev is None or rev in by_id:
            loose.append(path)
        else:
            by_id[rev] = path
            parents[path] = after
    known = {path: tuple(by_id[r] for r in after if r in by_id and by_id[r] != path)
             for path, after in parents.items()}
    children: dict[Path, list[Path]] = {path: [] for path in known}
    waiting = {path: len(set(before)) for path, before in known.items()}
    for path, before in known.items():
        for parent in set(before):
            children[parent].append(path)
    ready = [(natural_key(p.name), str(p), p) for p, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    out: list[Step] = []
    while ready:
        _, _, path = heapq.heappop(ready)
        out.append(Step(path, known[path]))
        for child in children[path]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, (natural_key(child.name), str(child), child))
    done = {s.path for s in out}
    # A cycle (a broken history): its revisions in name order, after what they name that was read.
    for path in sorted((p for p in known if p not in done), key=lambda p: natural_key(p.name)):
        out.append(Step(path, tuple(p for p in known[path] if p in done)))
        done.add(path)
    out.extend(Step(path) for path in sorted(loose, key=lambda p: natural_key(p.name)))
    return out


def migration_order(sql_groups: Mapping[object, Sequence[Path]],
                    revisions: Sequence[tuple[Path, ast.Module]]) -> list[Step]:
    """Every migration file once: the Alembic revisions in chain order, then each group of SQL
    files (a folder given, or the files given one by one) in version order."""
    steps = revision_order(revisions)
    for group in sql_groups.values():
        steps.extend(sql_order(group))
    return steps
