"""Fleets: one check over several databases and schema-per-tenant schemas, run concurrently.

`check --db A --db B --schema 'tenant_*' --jobs 8 --shard 2/4` expands every database's schemas
that match the patterns into targets, keeps this shard's share, loads the models once per dialect,
and checks the targets on at most `jobs` threads (each holds one connection at a time, so a
database sees at most `jobs` connections from the run). One combined result comes back, each
finding naming its target; a target that fails (unreachable, nothing to compare) is reported as
such and the others still run.
"""

from __future__ import annotations

import fnmatch
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ..errors import SchemaguardError, UsageError
from ..rules.findings import CheckResult, Finding, IgnoreRule, sort_findings

if TYPE_CHECKING:
    from ..live.database import Database
    from ..schema.snapshot import Schema

# Schemas that are PostgreSQL's own, never a tenant.
SYSTEM_SCHEMAS = ("pg_*", "information_schema")


@dataclass(frozen=True)
class Target:
    """One database (URL or snapshot file) and one schema in it (None: its default schema)."""

    db: str
    label: str
    schema: str | None = None

    @property
    def key(self) -> str:
        """How findings and reports name the target: the redacted URL, `#schema` when one is set."""
        return f"{self.label}#{self.schema}" if self.schema else self.label


@dataclass
class TargetOutcome:
    target: Target
    result: CheckResult | None = None
    error: SchemaguardError | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"target": self.target.key, "database": self.target.label, "schema": self.target.schema}
        if self.result is not None:
            out["summary"] = self.result.summary
            out["error"] = None
        else:
            out["summary"] = None
            out["error"] = {"exit_code": self.error.exit_code if self.error else 1,
                            "message": str(self.error) if self.error else "not run"}
        return out


@dataclass
class FleetResult:
    outcomes: list[TargetOutcome] = field(default_factory=list)
    shard: tuple[int, int] | None = None
    candidates: int = 0  # targets before sharding

    @property
    def failed(self) -> list[TargetOutcome]:
        return [o for o in self.outcomes if o.error is not None]

    def combined(self, models: Sequence[str]) -> CheckResult:
        """One CheckResult for the reporters: every finding tagged with its target."""
        findings: list[Finding] = []
        notes: list[str] = []
        for o in self.outcomes:
            if o.result is not None:
                findings += [replace(f, target=o.target.key) for f in o.result.findings]
                notes += [f"{o.target.key}: {n}" for n in o.result.notes]
            elif o.error is not None:
                notes.append(f"{o.target.key}: not checked: {o.error}")
        labels = sorted({o.target.label for o in self.outcomes})
        database = labels[0] if len(labels) == 1 else f"{len(labels)} databases"
        what = f"{database}, {len(self.outcomes)} target(s)"
        if self.shard:
            what += f" (shard {self.shard[0]}/{self.shard[1]} of {self.candidates})"
        result = CheckResult(findings=sort_findings(findings), database=what, models=list(models), notes=notes)
        result.targets = [o.to_dict() for o in self.outcomes]
        return result


def parse_shard(text: str | None) -> tuple[int, int] | None:
    """`K/N` with 1 <= K <= N."""
    if text is None:
        return None
    try:
        k, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise UsageError(f"invalid --shard {text!r}", hint="write it as K/N, e.g. 2/4 for the second of four") from None
    if not 1 <= k <= n:
        raise UsageError(f"invalid --shard {text!r}: K must be between 1 and N", hint="e.g. --shard 1/4 … 4/4")
    return k, n


def in_shard(target: Target, shard: tuple[int, int] | None) -> bool:
    """Stable across machines and runs: a target's shard depends on its own name only (not on the
    list it is in), so adding a tenant never moves the others."""
    if shard is None:
        return True
    k, n = shard
    return zlib.crc32(target.key.encode("utf-8")) % n == k - 1


def is_pattern(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def expand(dbs: Sequence[str], schemas: Sequence[str], databases: dict[str, Database]) -> list[Target]:
    """Every (database, schema) the options name, in a stable order. A pattern is matched against
    the schemas each database has (PostgreSQL's own excluded); a plain name is taken as given."""
    from ..schema.snapshot import is_snapshot_file

    targets: list[Target] = []
    for db in dbs:
        label = databases[db].label if db in databases else db
        if not schemas:
            targets.append(Target(db, label))
            continue
        names: list[str] = []
        patterns = [s for s in schemas if is_pattern(s)]
        if patterns:
            if is_snapshot_file(db):
                raise UsageError(f"--schema {patterns[0]!r} is a pattern, but {db} is a snapshot file",
                                 hint="patterns are matched against a live database's schemas")
            import sqlalchemy as sa

            with databases[db].read_only() as conn:
                have = [s for s in sa.inspect(conn).get_schema_names()
                        if not any(fnmatch.fnmatchcase(s, p) for p in SYSTEM_SCHEMAS)]
            names += [s for s in sorted(have) if any(fnmatch.fnmatchcase(s, p) for p in patterns)]
        names += [s for s in schemas if not is_pattern(s)]
        targets += [Target(db, label, s) for s in dict.fromkeys(names)]
    return targets


def check_fleet(
    dbs: Sequence[str],
    models: Any,
    *,
    schemas: Sequence[str] = (),
    jobs: int = 1,
    shard: tuple[int, int] | None = None,
    ignore: Sequence[IgnoreRule] = (),
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    include_bookkeeping: bool = False,
    progress: Callable[[int, int, Target], None] | None = None,
    cache: Any = None,
) -> FleetResult:
    """Check every target; `progress(done, total, target)` is called as each one finishes."""
    from ..live.database import Database
    from ..schema.snapshot import is_snapshot_file, load_snapshot
    from .check import _dialect_of, check, load_declared

    if jobs < 1:
        raise UsageError(f"invalid --jobs {jobs}", hint="give a number of parallel checks of 1 or more")
    databases: dict[str, Database] = {}
    snapshots: dict[str, Schema] = {}
    try:
        for db in dict.fromkeys(dbs):
            if is_snapshot_file(db):
                snapshots[db] = load_snapshot(db)
            else:
                # A server database gets a pool of exactly `jobs` connections (a checkout waits for a
                # free one), so the fleet never holds more and reuses them from target to target; a
                # SQLite file gets the read-only engine `check` always uses.
                databases[db] = Database.open(db, pool_size=jobs).with_engine()  # before threads share it
        candidates = expand(list(dict.fromkeys(dbs)), schemas, databases)
        targets = [t for t in candidates if in_shard(t, shard)]
        fleet = FleetResult(shard=shard, candidates=len(candidates))
        if not candidates:
            raise UsageError(f"no schema matches {', '.join(schemas)}",
                             hint="check the pattern; `--schema 'tenant_*'` matches schemas named tenant_…")
        # The models once per dialect: importing them is the costly part of a check.
        def dialect(db: str) -> str:
            d = _dialect_of(databases[db] if db in databases else snapshots[db])
            return str(getattr(d, "name", d))

        declared: dict[str, Schema] = {}
        for t in targets:
            if dialect(t.db) not in declared:
                declared[dialect(t.db)] = load_declared(models, dialect(t.db), cache=cache)

        def run(t: Target) -> TargetOutcome:
            source: Any = databases[t.db] if t.db in databases else snapshots[t.db]
            try:
                result = check(source, declared[dialect(t.db)], schema=t.schema, ignore=ignore,
                               include=include, exclude=exclude, include_bookkeeping=include_bookkeeping)
                return TargetOutcome(t, result=result)
            except SchemaguardError as exc:
                return TargetOutcome(t, error=exc)

        outcomes: dict[Target, TargetOutcome] = {}
        with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(targets) or 1))) as pool:
            futures = {pool.submit(run, t): t for t in targets}
            for done, future in enumerate(as_completed(futures), 1):
                outcome = future.result()
                outcomes[outcome.target] = outcome
                if progress is not None:
                    progress(done, len(targets), outcome.target)
        fleet.outcomes = [outcomes[t] for t in targets]
        return fleet
    finally:
        for database in databases.values():
            database.close()
