"""schemaguard: keep application databases safe from their own ORM."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "check",
    "safe_sync",
    "SyncRefused",
    "SyncFailed",
    "declared_snapshot",
    "reflect_live",
    "diff",
    "Finding",
    "CheckResult",
    "Schema",
    "SchemaguardError",
    "UsageError",
    "DatabaseError",
    "PolicyRefused",
]

if TYPE_CHECKING:
    from .changes import diff
    from .compare import check
    from .declared import declared_snapshot
    from .errors import DatabaseError, PolicyRefused, SchemaguardError, UsageError
    from .findings import CheckResult, Finding
    from .reflect import reflect_live
    from .snapshot import Schema
    from .sync import SyncFailed, SyncRefused, safe_sync

_LAZY = {
    "check": ("compare", "check"),
    "safe_sync": ("sync", "safe_sync"),
    "SyncRefused": ("sync", "SyncRefused"),
    "SyncFailed": ("sync", "SyncFailed"),
    "declared_snapshot": ("declared", "declared_snapshot"),
    "reflect_live": ("reflect", "reflect_live"),
    "diff": ("changes", "diff"),
    "Finding": ("findings", "Finding"),
    "CheckResult": ("findings", "CheckResult"),
    "Schema": ("snapshot", "Schema"),
    "SchemaguardError": ("errors", "SchemaguardError"),
    "UsageError": ("errors", "UsageError"),
    "DatabaseError": ("errors", "DatabaseError"),
    "PolicyRefused": ("errors", "PolicyRefused"),
}


def __getattr__(name: str) -> Any:
    # Imported on first use so that `schemaguard --help` does not pay for SQLAlchemy.
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'schemaguard' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
