"""Reporters: one module per output format, each a pure function from a result to text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from ..rules.findings import CheckResult

FORMATS = ("table", "json", "sarif", "junit", "github", "markdown")


def render_check(result: CheckResult, fmt: str, *, timings: dict[str, float | str] | None = None) -> str:
    """Render check findings; the table format prints to the terminal itself and returns ''."""
    if fmt == "table":
        from .table import print_check

        print_check(result)
        return ""
    if fmt == "json":
        from .json import check_json

        return check_json(result, timings=timings)
    if fmt == "sarif":
        from .sarif import findings_sarif

        return findings_sarif(result.findings, tool_command="check")
    if fmt == "junit":
        from .junit import findings_junit

        return findings_junit(result.findings, suite="schemaguard check")
    if fmt == "github":
        from .github import findings_github

        return findings_github(result.findings)
    if fmt == "markdown":
        from .markdown import check_markdown

        return check_markdown(result)
    raise UsageError(f"unknown format {fmt!r}", hint="use one of " + ", ".join(FORMATS))
