"""schemaguard lint: flag destructive or locking operations in migrations (SQL files, Alembic
revisions) and schema-wiping calls in application code (Python, JavaScript, TypeScript), without a
database.

    from schemaguard.lint import lint_paths
    result = lint_paths(["alembic/versions"], dialect="postgresql")
    for f in result.findings:
        print(f.file, f.line, f.code, f.kind, f.message)
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import (
        LintResult,
        collect_files,
        lint_alembic,
        lint_file,
        lint_javascript,
        lint_paths,
        lint_sql,
    )
    from .rules import BY_CODE, BY_KIND, LINT_RULES, OPERATION_KINDS, LintRule, policy_finding

# Loaded on first use: the CLI registers `lint` at start-up, and the parsers (pglast, sqlglot)
# should cost nothing to a command that does not lint.
_FROM = {
    **{name: ".engine" for name in ("LintResult", "collect_files", "lint_alembic", "lint_file", "lint_javascript", "lint_paths", "lint_sql")},
    **{name: ".rules" for name in ("BY_CODE", "BY_KIND", "LINT_RULES", "OPERATION_KINDS", "LintRule", "policy_finding")},
}


def __getattr__(name: str) -> Any:
    if name in _FROM:
        return getattr(import_module(_FROM[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BY_CODE",
    "BY_KIND",
    "LINT_RULES",
    "OPERATION_KINDS",
    "LintResult",
    "LintRule",
    "collect_files",
    "lint_alembic",
    "lint_file",
    "lint_javascript",
    "lint_paths",
    "lint_sql",
    "policy_finding",
]
