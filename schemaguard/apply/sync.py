"""Apply a plan under the environment guard, in one transaction, and verify it by reflecting again.

This replaces start-up code that calls `drop_all()`/`create_all()` or `sync({ force: true })`:
`safe_sync(engine, Base)` creates what is missing anywhere, alters only in development and resets
only in development with FORCE_SYNC, and leaves the database exactly as it was when it refuses or
when any step fails.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import PolicyRefused, SchemaguardError
from .guard import Decision, decide, environment, force_sync_enabled, resolve_mode

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from ..live.database import Database
    from ..plan import Plan, Step
    from ..rules.findings import Finding


class SyncRefused(PolicyRefused):
    """The environment guard refused the sync (exit 4). Nothing was touched."""

    def __init__(self, decision: Decision, plan: Plan | None = None) -> None:
        super().__init__(
            f"sync refused ({decision.refusal}): {decision.reason}",
            hint="nothing was changed",
        )
        self.decision = decision
        self.refusal = decision.refusal
        # The plan that was refused, when the refusal came after planning (None: refused first).
        self.plan = plan


class SyncFailed(SchemaguardError):
    """A step failed; everything was rolled back (exit 1: the drift is still there)."""

    exit_code = 1

    def __init__(self, number: int, step: Step, error: str, plan: Plan | None = None) -> None:
        where = ".".join(p for p in (step.table, step.column) if p)
        super().__init__(
            f"sync failed at step {number} ({step.kind} {where}): {error}; every step was rolled back "
            "and the database is as it was",
            hint="fix the data or the model, then plan again",
        )
        self.number = number
        self.step = step
        self.error = error
        self.plan = plan


@dataclass
class SyncResult:
    """What a sync did: the plan, whether it ran, the rows the destructive steps removed, and what
    a check finds afterwards."""

    mode: str
    environment: str
    plan: Plan
    applied: bool
    dropped_rows: dict[str, int] = field(default_factory=dict)
    remaining: list[Finding] = field(default_factory=list)


Confirm = Callable[["Plan", Mapping[str, int]], bool]


def safe_sync(
    engine_or_url: Database | Engine | str,
    metadata: Any,
    mode: str = "auto",
    env: str | None = None,
    *,
    schema: str | None = None,
    yes: bool = False,
    confirm: Confirm | None = None,
    dry_run: bool = False,
    lock_timeout: str = "5s",
    statement_timeout: str = "5min",
    environ: Mapping[str, str] | None = None,
) -> SyncResult:
    """Bring the database to the models as far as the mode and the environment allow.

    `mode` is safe, alter, force or auto (force in development with FORCE_SYNC, alter in
    development, else safe). Raises `SyncRefused` (nothing touched) when the guard refuses, and
    `SyncFailed` (everything rolled back) when a step fails. Destructive steps need `yes=True`, or a
    `confirm(plan, row_counts)` callback that returns True.
    """
    from ..checking.check import check
    from ..live.database import Database
    from ..plan import make_plan

    environ = os.environ if environ is None else environ
    where = environment(env, environ)
    force = force_sync_enabled(environ)
    resolved = resolve_mode(mode, where, force)
    # One handle for the whole sync: the guard's reading, the plan, the transaction and the check after.
    database = Database.open(engine_or_url, readonly=False)
    try:
        # Refuse before reading anything else when the mode is not allowed here at all.
        early = decide(resolved, where, force, yes=True)
        if not early.allowed:
            raise SyncRefused(early)
        recorded = _recorded_environment(database, schema)
        plan = make_plan(database.engine, metadata, mode=resolved, schema=schema)
        destructive = [s for s in plan.steps if s.destructive]
        decision = decide(
            resolved,
            where,
            force,
            recorded_environment=recorded,
            destructive=bool(destructive),
            interactive=confirm is not None,
            yes=yes,
        )
        if not decision.allowed:
            raise SyncRefused(decision, plan)
        # make_plan measured the rows each drop loses (plan.measure).
        dropped = {s.table: int(s.details["rows"]) for s in destructive if "rows" in s.details}
        if decision.needs_confirmation and not dry_run:
            assert confirm is not None
            if not confirm(plan, dropped):
                raise SyncRefused(
                    Decision(False, resolved, where.name, decision.refusal or "force_sync_refused",
                             "the destructive steps were not confirmed"),
                    plan,
                )
        result = SyncResult(resolved, where.name, plan, applied=False, dropped_rows=dropped)
        if dry_run:
            return result
        if not plan.steps:
            # Nothing to change: no transaction, and no stamp either (a no-op writes nothing).
            result.remaining = check(database, metadata, schema=schema).findings
            return result
        try:
            _apply(database, plan, where.name, recorded is None, schema, lock_timeout, statement_timeout)
        except SyncFailed as exc:
            exc.plan = plan
            raise
        result.applied = True
        result.remaining = check(database, metadata, schema=schema).findings
        return result
    finally:
        if database is not engine_or_url:
            database.close()


def sync_document(
    *,
    mode: str,
    environment: str,
    database: str = "",
    result: SyncResult | None = None,
    refused: SyncRefused | None = None,
    failed: SyncFailed | None = None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """The JSON document of `sync --format json`, the same shape whatever happened: the plan
    (the contract's plan JSON keys), whether it was allowed and applied, the rows the drops
    removed, the failing step if one failed, and the findings that remain."""
    from ..rules.findings import SEVERITIES

    error = refused if refused is not None else failed
    plan = result.plan if result is not None else (error.plan if error is not None else None)
    decision = refused.decision if refused is not None else None
    doc: dict[str, Any] = {
        "mode": decision.mode if decision else (result.mode if result else mode),
        "environment": decision.environment if decision else (result.environment if result else environment),
        "allowed": refused is None,
        "steps": [s.to_dict() for s in plan.steps] if plan is not None else [],
        "skipped": [s.to_dict() for s in plan.skipped] if plan is not None else [],
        "database": (plan.database if plan is not None and plan.database else database),
        "refusal": {"kind": refused.refusal, "reason": refused.decision.reason} if refused is not None else None,
        "dry_run": dry_run,
        "applied": bool(result and result.applied),
        "dropped_rows": dict(result.dropped_rows) if result is not None and result.applied else {},
        "failed": (
            {"step": failed.number, "kind": failed.step.kind, "table": failed.step.table,
             "column": failed.step.column, "error": failed.error}
            if failed is not None else None
        ),
        "remaining": [f.to_dict() for f in result.remaining] if result is not None else [],
    }
    remaining = result.remaining if result is not None else []
    doc["summary"] = {sev: sum(1 for f in remaining if f.severity == sev) for sev in reversed(SEVERITIES)}
    return doc


def _recorded_environment(database: Database, schema: str | None) -> str | None:
    from .stamp import read_stamp

    conn = database.connect()
    try:
        stamp = read_stamp(conn, schema)
    finally:
        conn.close()
    return stamp.environment if stamp else None


def _apply(
    database: Database,
    plan: Plan,
    env_name: str,
    first_sync: bool,
    schema: str | None,
    lock_timeout: str,
    statement_timeout: str,
) -> None:
    """Every step, and the environment stamp of a first sync, in one transaction."""
    from sqlalchemy.exc import DBAPIError

    from .stamp import write_stamp

    conn = database.connect()
    rebuilt = [s.table for s in plan.steps if "rebuild" in s.details]
    # A rebuild or a force reset drops tables that other tables' keys reference.
    dialect = database.dialect
    restore = dialect.begin_ddl(conn, foreign_keys_off=bool(rebuilt) or any(s.kind == "drop_table" for s in plan.steps))
    number, step = 0, None
    try:
        dialect.set_step_timeouts(conn, lock_timeout, statement_timeout)
        for number, step in enumerate(plan.steps, start=1):  # noqa: B007 - the except clause names the step
            for statement in step.statements:
                conn.exec_driver_sql(statement)
        if rebuilt:
            from ..plan.rebuild import check_foreign_keys

            broken = check_foreign_keys(conn, rebuilt)
            if broken:
                number, step = next((n, s) for n, s in enumerate(plan.steps, 1) if "rebuild" in s.details)
                raise SyncFailed(number, step, "foreign key check failed: " + "; ".join(broken))
        step = None  # past the steps: a failure now is the stamp's, reported as itself
        if first_sync:
            write_stamp(conn, env_name, schema)
        conn.commit()
    except DBAPIError as exc:
        conn.rollback()
        orig = getattr(exc, "orig", exc)
        detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        if step is None:
            raise
        raise SyncFailed(number, step, detail) from exc
    except BaseException:
        conn.rollback()
        raise
    finally:
        restore()
        conn.close()
