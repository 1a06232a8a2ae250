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
    from .apply.sync import SyncFailed, SyncRefused, safe_sync
    from .checking.check import check
    from .drift.diff import diff
    from .errors import DatabaseError, PolicyRefused, SchemaguardError, UsageError
    from .live.reflect import reflect_live
    from .rules.findings import CheckResult, Finding
    from .schema.snapshot import Schema
    from .sources.declared import declared_snapshot

_LAZY = {
    "check": ("checking.check", "check"),
    "safe_sync": ("apply.sync", "safe_sync"),
    "SyncRefused": ("apply.sync", "SyncRefused"),
    "SyncFailed": ("apply.sync", "SyncFailed"),
    "declared_snapshot": ("sources.declared", "declared_snapshot"),
    "reflect_live": ("live.reflect", "reflect_live"),
    "diff": ("drift.diff", "diff"),
    "Finding": ("rules.findings", "Finding"),
    "CheckResult": ("rules.findings", "CheckResult"),
    "Schema": ("schema.snapshot", "Schema"),
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
