"""How a sync ends when it does not apply: refused by the guard (exit 4), or started and failed
(exit 5: a step failed, a lock could not be had in time, the connection was lost), with the hint
that fits the cause."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import LockUnavailable, PolicyRefused, SyncError

if TYPE_CHECKING:
    from ..plan import Plan, Step
    from .guard import Decision

# What made a sync fail, as `failed.cause` in the JSON document says it.
CAUSES = ("sync_lock", "lock_timeout", "statement_timeout", "connection", "error")


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
