"""schemaguard lint: flag destructive or locking operations in migrations (SQL files, Alembic
revisions) and schema-wiping calls in application code, without a database.

    from schemaguard.lint import lint_paths
    result = lint_paths(["alembic/versions"], dialect="postgresql")
    for f in result.findings:
        print(f.file, f.line, f.code, f.kind, f.message)
"""

from __future__ import annotations

from .engine import LintResult, collect_files, lint_alembic, lint_file, lint_paths, lint_sql
from .rules import BY_CODE, BY_KIND, LINT_RULES, OPERATION_KINDS, LintRule, policy_finding

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
    "lint_paths",
    "lint_sql",
    "policy_finding",
]
