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

from .failures import SyncFailed, SyncLockTimeout, SyncRefused, failure_cause, rollback_quietly
from .guard import Decision, decide, environment, force_sync_enabled, resolve_mode

__all__ = ["SyncFailed", "SyncLockTimeout", "SyncRefused", "SyncResult", "safe_sync", "sync_document"]

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from ..live.database import Database
    from ..plan import Plan
    from ..rules.findings import Finding
    from .lock import Bounds, HeldLock


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
    # The sync waited for another sync's lock: an empty plan then means that sync applied it.
    waited_for_lock: bool = False


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
    lock_wait: str = "60s",
    lock_retries: int = 3,
    environ: Mapping[str, str] | None = None,
) -> SyncResult:
    """Bring the database to the models as far as the mode and the environment allow.

    `mode` is safe, alter, force or auto (force in development with FORCE_SYNC, alter in
    development, else safe). Raises `SyncRefused` (nothing touched) when the guard refuses, and
    `SyncFailed` (everything rolled back) when a step fails or a lock cannot be had in time.
    Destructive steps need `yes=True`, or a `confirm(plan, row_counts)` callback that returns True.

    Syncs of one database never run at once: the sync takes the database-wide lock (waiting at
    most `lock_wait`) before it reads the live schema, and plans only then, so a replica that
    waited finds nothing left to do. A step waits at most `lock_timeout` for a table's lock; the
    whole transaction is then rolled back and tried again `lock_retries` times, with back-off, so
    that the application's queries never queue behind the sync for longer than that. A dry run
    takes no lock.
    """
    from ..live.database import Database
    from .lock import Bounds, duration_ms

    environ = os.environ if environ is None else environ
    where = environment(env, environ)
    force = force_sync_enabled(environ)
    resolved = resolve_mode(mode, where, force)
    bounds = Bounds(lock_timeout, duration_ms(lock_timeout, "--lock-timeout"),
                     duration_ms(statement_timeout, "--statement-timeout"), max(0, int(lock_retries)))
    duration_ms(lock_wait, "--lock-wait")
    # One handle for the whole sync: the lock, the guard's reading, the plan, the transaction and
    # the check after.
    database = Database.open(engine_or_url, readonly=False)
    try:
        # Refuse before reading anything else when the mode is not allowed here at all.
        early = decide(resolved, where, force, yes=True)
        if not early.allowed:
            raise SyncRefused(early)
        sync = _Sync(database, metadata, resolved, where, force, schema, yes, confirm, bounds)
        if dry_run:
            return sync.run(None, dry_run=True)
        from .lock import sync_lock

        with sync_lock(database, lock_wait) as held:
            result = sync.run(held)
        # After the lock is released: reading only.
        result.remaining = _remaining(database, metadata, schema)
        return result
    finally:
        if database is not engine_or_url:
            database.close()


class _Sync:
    """One sync, from reading the recorded environment to the commit, run under the sync lock."""

    def __init__(self, database: Database, metadata: Any, mode: str, where: Any, force: bool,
                 schema: str | None, yes: bool, confirm: Confirm | None, bounds: Bounds) -> None:
        self.database, self.metadata, self.mode, self.where, self.force = database, metadata, mode, where, force
        self.schema, self.yes, self.confirm, self.bounds = schema, yes, confirm, bounds

    def run(self, held: HeldLock | None, *, dry_run: bool = False) -> SyncResult:
        from ..plan import make_plan

        recorded = _recorded_environment(self.database, self.schema)
        plan = make_plan(self.database, self.metadata, mode=self.mode, schema=self.schema)
        destructive = [s for s in plan.steps if s.destructive]
        decision = decide(
            self.mode,
            self.where,
            self.force,
            recorded_environment=recorded,
            destructive=bool(destructive),
            interactive=self.confirm is not None,
            yes=self.yes,
        )
        if not decision.allowed:
            raise SyncRefused(decision, plan)
        # make_plan measured the rows each drop loses (plan.measure).
        dropped = {s.table: int(s.details["rows"]) for s in destructive if "rows" in s.details}
        if decision.needs_confirmation and not dry_run:
            assert self.confirm is not None
            if not self.confirm(plan, dropped):
                raise SyncRefused(
                    Decision(False, self.mode, self.where.name, decision.refusal or "force_sync_refused",
                             "the destructive steps were not confirmed"),
                    plan,
                )
        self._irreversible(plan, dry_run)
        result = SyncResult(self.mode, self.where.name, plan, applied=False, dropped_rows=dropped,
                            waited_for_lock=bool(held and held.waited))
        if dry_run or not plan.steps:
            # Nothing to change: no transaction, and no stamp either (a no-op writes nothing).
            return result
        assert held is not None
        try:
            _apply(self.database, held, plan, self.where.name, recorded is None, self.schema, self.bounds)
        except SyncFailed as exc:
            exc.plan = plan
            raise
        result.applied = True
        return result


    def _irreversible(self, plan: Plan, dry_run: bool) -> None:
        """Where DDL commits statement by statement (MySQL), a step that cannot be undone would stay
        applied if a later step failed: such a plan says so before anything runs and needs --yes
        (or the confirmation of a person at a terminal)."""
        if self.database.dialect.transactional_ddl or self.yes or dry_run:
            return
        steps = [(n, s) for n, s in enumerate(plan.steps, 1) if s.irreversible]
        if not steps:
            return
        listed = "; ".join(f"step {n} ({s.kind} {'.'.join(p for p in (s.table, s.column) if p)}): "
                           f"{s.irreversible}" for n, s in steps[:5])
        reason = (f"{self.database.dialect.title} commits each DDL statement, so if a later step failed "
                  f"these could not be undone: {listed}")
        if self.confirm is not None and self.confirm(plan, {}):
            return
        from .guard import ALTER_REFUSED, FORCE_SYNC_REFUSED

        raise SyncRefused(
            Decision(False, self.mode, self.where.name,
                     FORCE_SYNC_REFUSED if self.mode == "force" else ALTER_REFUSED,
                     reason + ("; they were not confirmed" if self.confirm is not None
                               else "; pass --yes to run it unattended")),
            plan,
        )


def _remaining(database: Database, metadata: Any, schema: str | None) -> list[Finding]:
    from ..checking.check import check

    return check(database, metadata, schema=schema).findings


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
            {"step": failed.number,
             "kind": failed.step.kind if failed.step is not None else None,
             "table": failed.step.table if failed.step is not None else None,
             "column": failed.step.column if failed.step is not None else None,
             "error": failed.error, "cause": failed.cause,
             # Where DDL is not transactional: what was applied, undone and verified.
             **({"undo": failed.undoing.to_dict()} if failed.undoing is not None else {})}
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


def _apply(database: Database, held: HeldLock, plan: Plan, env_name: str, first_sync: bool,
           schema: str | None, bounds: Bounds) -> None:
    """Every step, and the environment stamp of a first sync, in one transaction. A step that gives
    up waiting for a table's lock rolls the whole transaction back (so the locks the earlier steps
    took are not held while it waits again), and the transaction is tried again after a pause,
    `bounds.retries` times; the sync lock stays held throughout."""
    import random
    import time

    run = _transaction
    if not database.dialect.transactional_ddl:
        from .stepwise import apply_stepwise as run  # step by step, undone by the sync itself
    for attempt in range(bounds.retries + 1):
        try:
            run(database, held, plan, env_name, first_sync, schema, bounds)
            return
        except SyncFailed as exc:
            # Tried again only from the state it started from (a step-by-step undo was verified).
            restored = exc.undoing is None or exc.undoing.restored is True
            retry = (exc.cause == "lock_timeout" and not held.in_transaction and attempt < bounds.retries
                     and restored)
            if not retry:
                if exc.cause == "lock_timeout" and restored:
                    raise _lock_timeout(database, held, exc, schema, bounds, attempt + 1) from exc.__cause__
                raise
        # Back-off with jitter: 0.5 s, 1 s, 2 s ... at most 8 s.
        time.sleep(min(8.0, 0.5 * 2**attempt) * random.uniform(0.8, 1.2))


def _transaction(database: Database, held: HeldLock, plan: Plan, env_name: str, first_sync: bool,
                 schema: str | None, bounds: Bounds) -> None:
    from sqlalchemy.exc import DBAPIError

    from .stamp import write_stamp

    dialect = database.dialect
    rebuilt = [s.table for s in plan.steps if "rebuild" in s.details]
    if held.in_transaction:
        # SQLite: the sync lock is the write transaction; the steps run in it.
        conn, close = held.connection, False
        restore: Callable[[], None] = _nothing
    else:
        conn, close = database.connect(), True
        # A rebuild or a force reset drops tables that other tables' keys reference.
        restore = dialect.begin_ddl(
            conn, foreign_keys_off=bool(rebuilt) or any(s.kind == "drop_table" for s in plan.steps))
    number, step = 0, None
    try:
        dialect.set_step_timeouts(conn, bounds.lock_ms, bounds.statement_ms)
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
        rollback_quietly(conn)
        orig = getattr(exc, "orig", exc)
        detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        cause = failure_cause(dialect, exc)
        if step is None and cause == "error":
            raise
        if step is None:  # the commit itself: it names no step, but it is the sync failing
            number, step = len(plan.steps), plan.steps[-1]
        raise SyncFailed(number, step, detail, cause=cause) from exc
    except BaseException:
        rollback_quietly(conn)
        raise
    finally:
        restore()
        if close:
            conn.close()


def _nothing() -> None:
    pass


def _lock_timeout(database: Database, held: HeldLock, exc: SyncFailed, schema: str | None,
                  bounds: Bounds, tries: int) -> SyncFailed:
    """The step that could not lock its table, after every try, with the sessions that hold it."""
    holders = None
    if exc.step is not None and exc.step.table and not held.in_transaction:
        try:
            holders = database.dialect.lock_holders(held.connection, exc.step.table, schema)
            held.connection.rollback()
        except Exception:  # noqa: BLE001 - naming the holder is a courtesy; the timeout is the error
            holders = None
    step = exc.step
    where = ".".join(p for p in (step.table, step.column) if p) if step is not None else ""
    table = step.table if step is not None and step.table else "its table"
    return SyncFailed(
        exc.number, step, exc.error, exc.plan, cause="lock_timeout",
        message=f"sync failed at step {exc.number} ({step.kind if step else '?'} {where}): could not lock "
        f"{table} within --lock-timeout {bounds.lock_timeout} in {tries} tr{'y' if tries == 1 else 'ies'}"
        + (f" (held by {holders})" if holders else "")
        + ("; every step was rolled back and the database is as it was" if exc.undoing is None else
           "; the steps applied before it were undone in reverse order and the schema, read again, is as it was"),
        undoing=exc.undoing,
    )
