"""The `check` pipeline as a library call: load both sides, diff, judge, filter, time each phase."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .errors import ModelsError, UsageError
from .findings import CheckResult, IgnoreRule, apply_ignores, sort_findings
from .snapshot import Schema, is_snapshot_file, load_snapshot

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect


class Timer:
    """Phase times in seconds, for --timings."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.phases: dict[str, float] = {}

    def add(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + (now - since)
        return now

    def result(self) -> dict[str, float]:
        out = {k: round(self.phases.get(k, 0.0), 6) for k in ("load_models", "reflect", "compare", "report")}
        out["total"] = round(time.perf_counter() - self.start, 6)
        return out


def load_live(
    db: Any,
    *,
    schema: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    include_bookkeeping: bool = False,
) -> Schema:
    """The live Schema from a URL, an Engine/Connection, a snapshot file or a Schema."""
    from .reflect import reflect_live

    if isinstance(db, Schema):
        return db
    if isinstance(db, str) and is_snapshot_file(db):
        return load_snapshot(db)
    return reflect_live(
        db, schema=schema, include=include, exclude=exclude, include_bookkeeping=include_bookkeeping
    )


def load_declared(
    models: Any,
    dialect: Dialect | str,
    *,
    schema: str | None = None,
) -> Schema:
    """The declared Schema from targets (`module:attr`, `file.py:attr`, snapshot files), MetaData,
    a declarative base, a Schema, or a list of any of these."""
    from .declared import declared_snapshot, load_target

    items = models if isinstance(models, (list, tuple)) else [models]
    if not items:
        raise UsageError("no models given", hint="pass --models package.module:Base or set models in the config")
    schemas: list[Schema] = []
    metadatas: list[Any] = []
    registries: list[Any] = []
    labels: list[str] = []
    for item in items:
        if isinstance(item, Schema):
            schemas.append(item)
        elif isinstance(item, str) and is_snapshot_file(item):
            schemas.append(load_snapshot(item))
        elif isinstance(item, str) and item.startswith("sequelize:"):
            raise UsageError(
                f"cannot load {item}: Sequelize models are not supported by this version of schemaguard",
                hint="check SQLAlchemy models, or a snapshot JSON file written by `schemaguard snapshot`",
            )
        elif isinstance(item, str):
            mds, regs = load_target(item)
            metadatas.extend(mds)
            registries.extend(regs)
            labels.append(item)
        else:
            metadatas.append(item)
            labels.append(type(item).__name__)
    if metadatas:
        unique_mds = list({id(m): m for m in metadatas}.values())
        schemas.append(
            declared_snapshot(unique_mds, dialect, schema=schema, label=", ".join(labels), registries=registries)
        )
    if len(schemas) == 1:
        return schemas[0]
    tables = []
    seen: set[str] = set()
    for s in schemas:
        for t in s.tables:
            if t.name in seen:
                raise ModelsError(f"table {t.name!r} is declared by more than one models source")
            seen.add(t.name)
            tables.append(t)
    first = schemas[0]
    return Schema(
        dialect=first.dialect,
        tables=tuple(tables),
        origin="declared",
        schema=schema,
        label=", ".join(s.label for s in schemas),
        flavor=first.flavor,
    )


def check(
    db: Any,
    models: Any,
    *,
    schema: str | None = None,
    ignore: Sequence[IgnoreRule] = (),
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    include_bookkeeping: bool = False,
) -> CheckResult:
    """Diff the live database against the declared models and return the judged findings.

    `db` is a URL, an Engine, a snapshot file or a Schema; `models` is a models target, MetaData,
    a declarative base, a snapshot file, a Schema, or a list of these. Nothing is written.
    """
    from .changes import diff
    from .rules import judge

    timer = Timer()
    t = time.perf_counter()
    if isinstance(db, str) and is_snapshot_file(db):
        db = load_snapshot(db)
    declared = load_declared(models, _dialect_of(db), schema=schema)
    t = timer.add("load_models", t)
    # Models that all live in one named schema (Table(..., schema="app")) are compared with
    # that schema when --schema is not given.
    live = load_live(
        db,
        schema=schema if schema is not None else declared.schema,
        include=include,
        exclude=exclude,
        include_bookkeeping=include_bookkeeping,
    )
    t = timer.add("reflect", t)
    if declared.dialect != live.dialect:
        raise UsageError(
            f"the declared snapshot was written for {declared.dialect} but the database is {live.dialect}",
            hint=f"write it again with `schemaguard snapshot --models ... --dialect {live.dialect}`",
        )
    compared = filter_tables(declared, include, exclude)
    outside = [t for t in declared.tables if t not in compared.tables]
    findings = judge(diff(compared, live, outside=outside))
    findings = sort_findings(apply_ignores(findings, ignore))
    timer.add("compare", t)
    result = CheckResult(findings=findings, database=live.label, models=[compared.label])
    result.timings = timer.result()
    return result


def _dialect_of(db: Any) -> Any:
    """The SQLAlchemy dialect a live source speaks, known before connecting."""
    from sqlalchemy.engine import Connection, Engine

    from .declared import dialect_for
    from .urls import parse_url

    if isinstance(db, Schema):
        return db.dialect
    if isinstance(db, (Engine, Connection)):
        return db.dialect
    url = db if not isinstance(db, str) else parse_url(db)
    return dialect_for(url.get_backend_name())


def filter_tables(declared: Schema, include: Sequence[str], exclude: Sequence[str]) -> Schema:
    """Keep the tables that the include/exclude patterns select."""
    from .reflect import table_wanted

    tables = [t for t in declared.tables if table_wanted(t.name, include, exclude, True)]
    if len(tables) == len(declared.tables):
        return declared
    return declared.with_tables(tables)
