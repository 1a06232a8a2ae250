"""Apply a plan where DDL cannot be rolled back (MySQL/MariaDB commit every DDL statement): step by
step, and when a step fails, undo the steps already applied in reverse order, then read the schema
again to prove it is as it was.

Where DDL is transactional (PostgreSQL, SQLite) sync.py runs the whole plan in one transaction and
the database undoes it; here the sync must. Each step carries its undo (Step.undo, the statements an
Alembic downgrade would run). A step that cannot be undone (Step.irreversible) is refused without
`--yes` before anything runs (sync.py), so a failure never meets one that ran unannounced.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .failures import SyncFailed, Undoing, failure_cause, rollback_quietly

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from ..live.database import Database
    from ..plan import Plan, Step
    from ..schema.snapshot import Schema
    from .lock import Bounds, HeldLock


def apply_stepwise(database: Database, held: HeldLock, plan: Plan, env_name: str, first_sync: bool,
                   schema: str | None, bounds: Bounds) -> None:
    """Run the plan's steps one statement at a time on a connection of its own. On a failure, undo
    what ran (the failing step too, when some of its statements ran) in reverse order, verify by
    re-reading the schema, and raise SyncFailed saying exactly what was applied and undone."""
    from sqlalchemy.exc import DBAPIError

    from .stamp import write_stamp

    dialect = database.dialect
    conn = database.connect()
    # (number, step, how many of its statements ran)
    ran: list[tuple[int, Step, int]] = []
    number, step = 0, None
    try:
        dialect.set_step_timeouts(conn, bounds.lock_ms, bounds.statement_ms)
        for number, step in enumerate(plan.steps, start=1):  # noqa: B007 - the except clause names the step
            ran.append((number, step, 0))
            for done, statement in enumerate(step.statements, start=1):
                conn.exec_driver_sql(statement)
                conn.commit()
                ran[-1] = (number, step, done)
        step = None  # past the steps: a failure now is the stamp's
        if first_sync:
            write_stamp(conn, env_name, schema)
            conn.commit()
    except DBAPIError as exc:
        detail = _words(database, exc)
        cause = failure_cause(dialect, exc)
        if step is None:
            number, step = len(plan.steps), plan.steps[-1]
        undoing = _undo(database, conn, plan, ran, schema)
        raise SyncFailed(number, step, detail, cause=cause,
                         message=_message(number, step, detail, undoing), undoing=undoing) from exc
    except BaseException:
        # Interrupted (Ctrl-C) or a bug: what ran is undone all the same, then the error goes on.
        _undo(database, conn, plan, ran, schema)
        raise
    finally:
        # Discarded, not returned to a pool: the session's timeouts (and foreign_key_checks, when
        # a step that turned them off failed) must not reach the application's next query.
        _discard(conn)


def _undo(database: Database, conn: Connection, plan: Plan, ran: list[tuple[int, Step, int]],
          schema: str | None) -> Undoing:
    """Undo what ran, newest first, each statement on its own (one failing does not stop the
    others), on a fresh connection when the sync's own was lost; then read the schema again."""
    undoing = Undoing(applied=[n for n, s, done in ran if done == len(s.statements)])
    own = conn
    conn = _usable(database, conn)
    try:
        conn = _run_undo(database, conn, ran, undoing)
    finally:
        if conn is not own:
            _discard(conn)
    _verify(database, plan, schema, undoing)
    return undoing


def _run_undo(database: Database, conn: Connection, ran: list[tuple[int, Step, int]],
              undoing: Undoing) -> Connection:
    """Run the undo statements; returns the connection in use at the end."""
    for number, step, done in reversed(ran):
        if done == 0:
            continue
        partial = done < len(step.statements)
        if partial:
            undoing.partial = number
        failed = False
        for statement in step.undo:
            try:
                conn.exec_driver_sql(statement)
                conn.commit()
            except Exception as exc:  # noqa: BLE001 - every undo statement is tried; the verification judges
                rollback_quietly(conn)
                conn = _usable(database, conn)
                if partial:
                    continue  # its undo reaches past what ran: only the verification can judge it
                failed = True
                undoing.undo_errors.append((number, _words(database, exc)))
        if not failed:
            undoing.undone.append(number)
    return conn


def _verify(database: Database, plan: Plan, schema: str | None, undoing: Undoing) -> None:
    """Read the schema again and compare it with the one the plan was made from."""
    from ..checking.check import load_live
    from ..drift.diff import diff

    before = plan.live
    if before is None:
        return
    try:
        after = load_live(database, schema=schema if schema is not None else before.schema)
    except Exception:  # noqa: BLE001 - the server may be gone; the report says it was not verified
        undoing.restored = None
        return
    changes = diff(before, after)
    undoing.differences = [_describe(c) for c in changes] or _renamed(before, after)
    undoing.restored = not undoing.differences


def _renamed(before: Schema, after: Schema) -> list[str]:
    """Indexes and constraints whose name changed: the diff matches them by their columns and does
    not see it (an undo that failed half-way can leave an index of the sync's over the columns of
    one the database had), but a name the sync left behind makes its next CREATE of that name fail."""
    out = []
    now = {t.name: t for t in after.tables}
    for table in before.tables:
        other = now.get(table.name)
        if other is None:
            continue
        for what, attr in (("index", "indexes"), ("unique constraint", "uniques"), ("foreign key", "foreign_keys")):
            was = {str(x.name).casefold(): x for x in getattr(table, attr) if x.name}
            is_ = {str(x.name).casefold(): x for x in getattr(other, attr) if x.name}
            gone = [was[n] for n in sorted(was.keys() - is_.keys())]
            for item in (is_[n] for n in sorted(is_.keys() - was.keys())):
                twin = next((g for g in gone if g.columns == item.columns), None)
                out.append(f"{what} {table.name}.{item.name} left behind"
                           + (f" (the database's {twin.name} is gone)" if twin is not None else ""))
            out += [f"{what} {table.name}.{g.name} gone" for g in gone
                    if not any(i.columns == g.columns for n, i in is_.items() if n not in was)]
    return out


def _describe(change: object) -> str:
    kind = getattr(change, "kind", "?")
    where = ".".join(p for p in (getattr(change, "table", None), getattr(change, "column", None)) if p)
    # The diff compares "declared" (the schema before the sync) with "live" (after the undo).
    meaning = {"table_missing": "table gone", "table_extra": "table left behind",
               "column_missing": "column gone", "column_extra": "column left behind",
               "index_missing": "index gone", "index_extra": "index left behind",
               "foreign_key_missing": "foreign key gone", "foreign_key_extra": "foreign key left behind",
               "unique_missing": "unique constraint gone", "unique_extra": "unique constraint left behind",
               "check_missing": "CHECK gone", "check_extra": "CHECK left behind"}.get(kind, kind)
    name = getattr(change, "name", None)
    return f"{meaning} {where}" + (f" ({name})" if name and name != where else "")


def _message(number: int, step: Step, detail: str, undoing: Undoing) -> str:
    where = ".".join(p for p in (step.table, step.column) if p)
    head = f"sync failed at step {number} ({step.kind} {where}): {detail}; "
    if not undoing.applied and not undoing.undone:
        tail = "no step had been applied"
    else:
        applied = _numbers(undoing.applied) if undoing.applied else "none"
        undone = ", ".join(str(n) for n in undoing.undone) if undoing.undone else "none"
        tail = f"steps applied before it: {applied}; undone in reverse order: {undone}"
        if undoing.partial is not None:
            tail += f" (step {undoing.partial} had run in part)"
    if undoing.undo_errors:
        tail += "; undoing failed at " + "; ".join(f"step {n}: {e}" for n, e in undoing.undo_errors[:3])
    if undoing.restored:
        return head + tail + "; the schema was read again and is as it was"
    if undoing.restored is None:
        return head + tail + "; the schema could not be read again to verify it (check it by hand)"
    return (head + tail + "; the database is NOT as it was: " + "; ".join(undoing.differences[:8])
            + (f" (and {len(undoing.differences) - 8} more)" if len(undoing.differences) > 8 else ""))


def _numbers(numbers: list[int]) -> str:
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]}-{numbers[-1]}"
    return ", ".join(str(n) for n in numbers)


def _usable(database: Database, conn: Connection) -> Connection:
    """The connection, or a new one when the server dropped it (the undo must still run)."""
    try:
        conn.exec_driver_sql("SELECT 1").close()
        conn.commit()
        return conn
    except Exception:  # noqa: BLE001 - a lost connection: open another
        _close(conn)
        return database.connect()


def _words(database: Database, exc: BaseException) -> str:
    orig = getattr(exc, "orig", exc)
    return database.dialect.error_detail(orig) or (str(orig).strip().splitlines() or [type(orig).__name__])[0]


def _close(conn: Connection) -> None:
    try:
        conn.close()
    except Exception:  # noqa: BLE001 - closing a lost connection
        pass


def _discard(conn: Connection) -> None:
    try:
        conn.invalidate()
    except Exception:  # noqa: BLE001 - already gone
        pass
    _close(conn)
