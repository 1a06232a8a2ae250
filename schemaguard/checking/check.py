"""The `check` pipeline as a library call: load both sides, diff, judge, filter, time each phase."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..errors import ModelsError, UsageError
from ..live.database import Database
from ..rules.findings import CheckResult, Finding, IgnoreRule, apply_ignores, sort_findings
from ..schema.snapshot import Schema, Table, is_snapshot_file, load_snapshot

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect

    from ..sources.cache import ModelsCache


class Timer:
    """Phase times in seconds, for --timings."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.phases: dict[str, float] = {}

    def add(self, phase: str, since: float) -> float:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + (now - since)
        return now

    def result(self) -> dict[str, float | str]:
        out: dict[str, float | str] = {k: round(self.phases.get(k, 0.0), 6) for k in ("load_models", "reflect", "compare", "report")}
        out["total"] = round(time.perf_counter() - self.start, 6)
        return out


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while models are imported and turned into a snapshot (and,
    in check, while the database is read and the two are compared).

    Importing thousands of declarative models builds millions of objects, all in reference cycles
    and all alive until the end: each collection scans them again and frees nothing (at 5,000
    tables, a second or more). Afterwards they are moved straight to the oldest generation, where
    a collection would have promoted them (gc.freeze() then gc.unfreeze(): no scan), instead of
    being left young for the next collection to scan all at once. Garbage among them is still
    found by the next full collection.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if was_enabled:
            gc.enable()


def load_live(
    db: Any,
    *,
    schema: str | None = None,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    include_bookkeeping: bool = False,
) -> Schema:
    """The live Schema from the command's Database handle, a URL, an Engine/Connection, a snapshot
    file or a Schema."""
    from ..live.reflect import reflect_live

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
    cache: ModelsCache | None = None,
) -> Schema:
    """The declared Schema from targets (`module:attr`, `file.py:attr`, snapshot files), MetaData,
    a declarative base, a Schema, or a list of any of these. With a `cache`, the Schema of the
    `module:attr`/`file.py:attr` targets comes from it while nothing they imported has changed
    (schemaguard/sources/cache.py); MetaData objects passed in are never cached."""
    from ..sources.declared import declared_snapshot, load_target

    items = models if isinstance(models, (list, tuple)) else [models]
    if not items:
        raise UsageError("no models given", hint="pass --models package.module:Base or set models in the config")
    schemas: list[Schema] = []
    targets: list[str] = []
    objects: list[Any] = []
    labels: list[str] = []
    # Targets and MetaData-like objects in the order given (the order of the tables).
    loaded: list[tuple[bool, Any]] = []
    for item in items:
        if isinstance(item, Schema):
            schemas.append(item)
        elif isinstance(item, str) and is_snapshot_file(item):
            schemas.append(load_snapshot(item))
        elif isinstance(item, str) and item.startswith("sequelize:"):
            # A Node.js app's models, read by its own sequelize package (schemaguard/sources/sequelize/).
            from ..sources.sequelize import load_sequelize

            schemas.append(load_sequelize(item, dialect if isinstance(dialect, str) else dialect.name))
        elif isinstance(item, str):
            targets.append(item)
            labels.append(item)
            loaded.append((True, item))
        else:
            objects.append(item)
            labels.append(type(item).__name__)
            loaded.append((False, item))

    def build() -> Schema:
        metadatas: list[Any] = []
        registries: list[Any] = []
        for is_target, item in loaded:
            if not is_target:
                metadatas.append(item)
            else:
                with collector_paused():
                    mds, regs = load_target(item)
                metadatas.extend(mds)
                registries.extend(regs)
        unique_mds = list({id(m): m for m in metadatas}.values())
        with collector_paused():
            return declared_snapshot(unique_mds, dialect, schema=schema, label=", ".join(labels), registries=registries)

    if targets or objects:
        if cache is not None and not objects:
            schemas.append(cache.declared(targets, dialect, schema, build))
        else:
            schemas.append(build())
    if len(schemas) == 1:
        return schemas[0]
    from ..sources.declared import shape

    tables = []
    alternates = [a for s in schemas for a in s.alternates]
    seen: dict[tuple[str | None, str], Table] = {}
    for s in schemas:
        for t in s.tables:
            first = seen.get((t.schema, t.name))
            if first is None:
                seen[(t.schema, t.name)] = t
                tables.append(t)
            elif s.flavor != schemas[0].flavor:
                raise ModelsError(f"table {t.name!r} is declared by more than one models source")
            elif shape(first) != shape(t):
                alternates.append(t)  # declared again, otherwise: compared as well (see check)
    first_schema = schemas[0]
    return Schema(
        dialect=first_schema.dialect,
        tables=tuple(tables),
        origin="declared",
        schema=schema,
        label=", ".join(s.label for s in schemas),
        flavor=first_schema.flavor,
        alternates=tuple(alternates),
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
    compare_comments: bool = False,
    cache: ModelsCache | None = None,
) -> CheckResult:
    """Diff the live database against the declared models and return the judged findings.

    `compare_comments`: also compare column comments; the contract has no finding kind for them,
    so each difference is a note (CheckResult.notes), never a finding or an exit code.

    `db` is a URL, an Engine, a snapshot file or a Schema; `models` is a models target, MetaData,
    a declarative base, a snapshot file, a Schema, or a list of these. Nothing is written to
    the database; with a `cache` (ModelsCache), the declared Schema of models targets is read from
    and written to it, and `timings["cache"]` says "hit", "miss" or "off".
    """
    from ..drift.diff import diff
    from ..rules import judge

    timer = Timer()
    t = time.perf_counter()
    if isinstance(db, str) and is_snapshot_file(db):
        db = load_snapshot(db)
    # One handle on the live database for the whole check: its URL parsed once, one engine.
    database = db if isinstance(db, Schema) else Database.open(db)
    try:
        # The live side's dialect (importing SQLAlchemy and its dialect module) counts as reading
        # the database, which needs it anyway: load_models is then the models' own cost, near zero
        # on a cache hit.
        dialect = _dialect_of(database)
        t = timer.add("reflect", t)
        declared = load_declared(models, dialect, schema=schema, cache=cache)
        t = timer.add("load_models", t)
        # Models that all live in one named schema (Table(..., schema="app")) are compared with
        # that schema when --schema is not given.
        # The live snapshot and the diff build tens of thousands of objects that all stay alive too.
        with collector_paused():
            live = load_live(
                database,
                schema=schema if schema is not None else declared.schema,
                include=include,
                exclude=exclude,
                include_bookkeeping=include_bookkeeping,
            )
    finally:
        if database is not db and isinstance(database, Database):
            database.close()
    t = timer.add("reflect", t)
    if declared.dialect != live.dialect:
        raise UsageError(
            f"the declared snapshot was written for {declared.dialect} but the database is {live.dialect}",
            hint=f"write it again with `schemaguard snapshot --models ... --dialect {live.dialect}`",
        )
    with collector_paused():
        compared, outside, notes = _select(declared, live, include, exclude)
        findings = judge(diff(compared, live, outside=outside))
        more, repeat_notes = _against_alternates(compared, live, outside)
        findings = sort_findings(apply_ignores(findings + more, ignore))
        notes = notes + repeat_notes + (_comment_notes(compared, live) if compare_comments else [])
    timer.add("compare", t)
    result = CheckResult(findings=findings, database=live.label, models=[compared.label], notes=notes,
                         declared=compared, live=live)
    result.timings = timer.result()
    result.timings["cache"] = cache.status if cache is not None else "off"
    return result


def _against_alternates(compared: Schema, live: Schema, outside: list[Table]) -> tuple[list[Finding], list[str]]:
    """A table declared differently in several MetaData: the live table is compared against each
    declaration, and what a further one finds beyond the first is reported with where that
    declaration is written; a note names every declaration."""
    from dataclasses import replace

    from ..drift.diff import diff
    from ..rules import judge

    findings: list[Finding] = []
    notes: list[str] = []
    for alt in compared.alternates:
        first = next((t for t in compared.tables if (t.schema, t.name) == (alt.schema, alt.name)), None)
        if first is None:
            continue  # not compared here (another schema, or left out by --include/--exclude)
        schema = compared.with_tables(alt if t is first else t for t in compared.tables)
        base = {_finding_key(f) for f in judge(diff(compared, live, outside=outside)) if f.table == first.name}
        where = _where(alt.source)
        for f in judge(diff(schema, live, outside=outside)):
            if f.table != alt.name or _finding_key(f) in base:
                continue
            findings.append(replace(
                f,
                message=f"{f.message} (as the declaration at {where} says; {_where(first.source)} declares it otherwise)",
                file=alt.source.file if alt.source and f.file is None else f.file,
                line=alt.source.line if alt.source and f.file is None else f.line,
            ))
        notes.append(
            f"table {alt.name!r} is declared differently in several MetaData: {_where(first.source)} and {where}; "
            "the database is compared against each declaration"
        )
    return findings, notes


def _comment_notes(compared: Schema, live: Schema) -> list[str]:
    """One note per column whose comment differs, on tables and columns named alike on both sides."""
    notes = []
    for t in compared.tables:
        lt = live.table(t.name)
        if lt is None:
            continue
        for c in t.columns:
            lc = lt.column(c.name)
            if lc is not None and (c.comment or None) != (lc.comment or None):
                notes.append(f"comment of {t.name}.{c.name} differs: the model says {c.comment!r}, "
                             f"the database {lc.comment!r}")
    return notes


def _finding_key(f: Finding) -> tuple[Any, ...]:
    return (f.kind, f.table, f.column, f.declared, f.live)


def _where(source: Any) -> str:
    if source is None:
        return "an unknown place"
    return f"{source.file}:{source.line}" if source.line else str(source.file)


def _select(
    declared: Schema, live: Schema, include: Sequence[str], exclude: Sequence[str]
) -> tuple[Schema, list[Table], list[str]]:
    """The declared tables to compare with the live schema, the ones left out (still valid FK
    targets), and notes on what was left out. Comparing nothing is an error, never a pass."""
    from ..drift.diff import home_schemas

    home = home_schemas(live)
    where = live.schema or live.default_schema or "the default schema"
    # Models that name schemas for some tables mean the default schema for the others; models that
    # name none are schema-less (the same models for every tenant schema) and fit any schema.
    names_schemas = any(t.schema not in (None, live.default_schema) for t in declared.tables)
    default_asked = live.schema in (None, live.default_schema)

    def compared_here(t: Table) -> bool:
        if t.schema is None:
            return default_asked or not names_schemas
        return t.schema in home

    in_schema = declared.with_tables(t for t in declared.tables if compared_here(t))
    elsewhere = [t for t in declared.tables if not compared_here(t)]
    if not declared.tables:
        raise UsageError(
            f"the models ({declared.label or 'given'}) declare no tables",
            hint="name the declarative base or MetaData after the model modules are imported",
        )
    if not in_schema.tables:
        others = ", ".join(sorted({str(t.schema) for t in elsewhere}))
        raise UsageError(
            f"none of the {len(declared.tables)} declared tables is in schema {where} (they are in {others})",
            hint=f"pass --schema {sorted({str(t.schema) for t in elsewhere})[0]}",
        )
    compared = filter_tables(in_schema, include, exclude)
    if not compared.tables:
        raise UsageError(
            "--include/--exclude leave no declared table to compare",
            hint="check the table-name patterns",
        )
    notes = []
    if elsewhere:
        by_schema: dict[str, int] = {}
        for t in elsewhere:
            name = str(t.schema or live.default_schema)
            by_schema[name] = by_schema.get(name, 0) + 1
        listing = ", ".join(f"{n} in {s}" for s, n in sorted(by_schema.items()))
        notes.append(
            f"{len(elsewhere)} declared table(s) are not in schema {where} and were not compared "
            f"({listing}); run again with --schema NAME for each"
        )
    kept = {id(t) for t in compared.tables}
    outside = [t for t in in_schema.tables if id(t) not in kept] + elsewhere
    return compared, outside, notes


def _dialect_of(db: Any) -> Any:
    """The SQLAlchemy dialect a live source speaks, known before reading anything."""
    if isinstance(db, Schema):
        return db.dialect
    return Database.open(db).compile_dialect


def filter_tables(declared: Schema, include: Sequence[str], exclude: Sequence[str]) -> Schema:
    """Keep the tables that the include/exclude patterns select."""
    from ..live.reflect import table_wanted

    tables = [t for t in declared.tables if table_wanted(t.name, include, exclude, True)]
    if len(tables) == len(declared.tables):
        return declared
    return declared.with_tables(tables)
