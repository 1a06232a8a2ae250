"""The error hierarchy: each error carries the exit code the CLI maps it to."""

from __future__ import annotations


class SchemaguardError(Exception):
    """Base of every error schemaguard reports to a user: one sentence plus a hint."""

    exit_code = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message.rstrip('.')}; {self.hint.rstrip('.')}."
        return self.message


class UsageError(SchemaguardError):
    """Bad option, models not importable, malformed URL, unreadable file (exit 2)."""

    exit_code = 2


class ConfigError(UsageError):
    """The configuration file is malformed or names something that does not exist (exit 2)."""


class ModelsError(UsageError):
    """The declared models could not be loaded (exit 2)."""


class DatabaseError(SchemaguardError):
    """The database could not be reached or refused the login (exit 3)."""

    exit_code = 3


class PolicyRefused(SchemaguardError):
    """A sync that the environment does not allow (exit 4)."""

    exit_code = 4


class SyncError(SchemaguardError):
    """A sync started and failed, or could not get its locks in time; everything it did was undone
    and the database is as it was (exit 5)."""

    exit_code = 5


class LockUnavailable(Exception):
    """A lock could not be had within its bound. `what` names the lock, `holder` (where the
    database can tell) the session that holds it. Raised by the dialects; `sync` turns it into a
    SyncError with the hint that fits."""

    def __init__(self, what: str, holder: str | None = None) -> None:
        super().__init__(what + (f" (held by {holder})" if holder else ""))
        self.what = what
        self.holder = holder
