"""How a sync ends when it does not apply: refused by the guard (exit 4), or started and failed
(exit 5: a step failed, a lock could not be had in time, the connection was lost), with the hint
that fits the cause."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import LockUnavailable, PolicyRefused, SyncError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from ..dialects.base import Dialect
    from ..plan import Plan, Step
    from .guard import Decision

@dataclass
class Undoing:
    """What a failed step-by-step sync applied, what it undid (in the order it undid them), and
    whether reading the schema again found it as it was before the sync."""

    applied: list[int] = field(default_factory=list)
    undone: list[int] = field(default_factory=list)
    # (step number, the database's words) for undo statements that failed.
    undo_errors: list[tuple[int, str]] = field(default_factory=list)
    # The failing step, when some of its statements had run before it failed.
    partial: int | None = None
    restored: bool | None = None  # None: not verified (the schema could not be read again)
    # What differs from the schema before the sync, when it is not restored.
    differences: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "applied": list(self.applied),
            "undone": list(self.undone),
            "partial": self.partial,
            "undo_errors": [{"step": n, "error": e} for n, e in self.undo_errors],
            "restored": self.restored,
            "differences": list(self.differences),
        }


# What made a sync fail, as `failed.cause` in the JSON document says it.
CAUSES = ("sync_lock", "lock_timeout", "statement_timeout", "connection", "error")


def failure_cause(dialect: Dialect, exc: BaseException) -> str:
    """What a failed step ran into, as a CAUSES entry: a lock or statement timeout, a lost
    connection, or else an error of the data or the model."""
    ran_into = dialect.lock_failure(exc) or "error"
    return {"lock": "lock_timeout", "timeout": "statement_timeout"}.get(ran_into, ran_into)


def rollback_quietly(conn: Connection) -> None:
    """Roll back; a lost connection has nothing to roll back (the server did it)."""
    try:
        conn.rollback()
    except Exception:  # noqa: BLE001 - a lost connection: the server rolls the transaction back itself
        pass


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


class SyncFailed(SyncError):
    """A sync started and failed (exit 5); everything it did was undone and the database is as it
    was. `number`/`step` name the step that failed (None when the sync failed before its first
    step), `cause` says why (CAUSES), `error` is the database's own words."""

    def __init__(
        self,
        number: int | None,
        step: Step | None,
        error: str,
        plan: Plan | None = None,
        *,
        cause: str = "error",
        message: str | None = None,
        hint: str | None = None,
        undoing: Undoing | None = None,
    ) -> None:
        where = ".".join(p for p in (step.table, step.column) if p) if step is not None else ""
        if message is None:
            message = (
                f"sync failed at step {number} ({step.kind if step else '?'} {where}): {error}; every step "
                "was rolled back and the database is as it was"
            )
        super().__init__(message, hint=hint or _HINTS.get(cause, _HINTS["error"]))
        self.number = number
        self.step = step
        self.error = error
        self.plan = plan
        self.cause = cause
        # Where DDL is not transactional (MySQL): what was applied, undone and verified.
        self.undoing = undoing
        if undoing is not None and undoing.restored is False:
            self.hint = ("the steps not undone are named above: revert them by hand (or finish them with "
                         "`schemaguard plan`), then run the sync again")


_HINTS = {
    "lock_timeout": "run it again when the table is not in use (the sessions holding it are named above), "
    "or raise --lock-timeout",
    "statement_timeout": "raise --statement-timeout, or run the step when the table is quiet",
    "connection": "check that the server is up and run the sync again",
    "error": "fix the data or the model, then plan again",
}


class SyncLockTimeout(SyncFailed):
    """The database-wide sync lock could not be had within --lock-wait (exit 5): another sync held
    it. Nothing was read or changed."""

    def __init__(self, exc: LockUnavailable, wait: str) -> None:
        holder = f": held by {exc.holder}" if exc.holder else ""
        super().__init__(
            None,
            None,
            str(exc),
            cause="sync_lock",
            message=f"sync did not start: another sync held {exc.what} for longer than --lock-wait {wait}"
            f"{holder}; nothing was changed",
            hint="run it again once that sync has finished, or find and stop the session that holds the lock",
        )
        self.what = exc.what
        self.holder = exc.holder
