"""Lint reporters: rich table, the contract's JSON (with `files`), Markdown; SARIF, JUnit and GitHub
annotations through the shared finding reporters."""

from __future__ import annotations

import json
from itertools import groupby
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from ..lint.engine import LintResult

FORMATS = ("table", "json", "sarif", "junit", "github", "markdown")
_ICON = {"error": "🛑 error", "warning": "⚠️ warning", "info": "ℹ️ info"}


def lint_document(result: LintResult) -> dict[str, Any]:
    findings = [f.to_dict() for f in result.findings]
    if len(result.dialects) > 1:
        # Several databases: every finding has `database`, null for application code (the same
        # hazard on every database).
        for item in findings:
            item.setdefault("database", None)
    doc: dict[str, Any] = {
        "schemaguard": __version__,
        "files": list(result.files),
        "findings": findings,
        "summary": result.summary,
    }
    if len(result.dialects) > 1:
        doc["databases"] = list(result.dialects)
    return doc


def lint_json(result: LintResult) -> str:
    return json.dumps(lint_document(result), indent=2, ensure_ascii=False) + "\n"


def lint_sarif(result: LintResult) -> str:
    """The shared SARIF reporter (it knows lint's rules and their summaries too)."""
    from .sarif import findings_sarif

    return findings_sarif(result.findings, tool_command="lint")


def lint_markdown(result: LintResult) -> str:
    from .markdown import cell as _cell

    s = result.summary
    lines = [
        "## schemaguard lint",
        "",
        f"{len(result.files)} file(s) linted",
        "",
        "| errors | warnings | info |",
        "|---:|---:|---:|",
        f"| {s['error']} | {s['warning']} | {s['info']} |",
        "",
    ]
    if not result.findings:
        lines.append("No destructive or locking operation found.")
        return "\n".join(lines) + "\n"
    # Several databases linted: a column says which one each finding is for.
    several = len(result.dialects) > 1
    for file, group in groupby(result.findings, key=lambda f: f.file):
        lines += [f"### `{_cell(file or '-')}`", "",
                  "| line | severity | code | kind |" + (" database |" if several else "") + " object | message | hint |",
                  "|---:|---|---|---|" + ("---|" if several else "") + "---|---|---|"]
        for f in group:
            sev = _ICON[f.severity] + (" · data loss" if f.destructive else "")
            where = ".".join(p for p in (f.table, f.column) if p)
            database = f" {f.database or 'any'} |" if several else ""
            lines.append(
                f"| {f.line or ''} | {sev} | [{f.code}]({f.doc_url}) | `{f.kind}` |{database} {_cell(where)} | "
                f"{_cell(f.message)} | {_cell(f.hint)} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"


def print_lint(result: LintResult, console: Console | None = None) -> None:
    from rich.console import Console
    from rich.text import Text

    from .table import _MARK, _STYLE, finding_block

    console = console or Console(highlight=False)
    console.print(
        Text.assemble(("schemaguard lint", "bold"), "  ", (f"{len(result.files)} file(s)", "cyan"),
                      "  ", (result.dialect, "cyan"))
    )
    if not result.findings:
        console.print(Text("✔ No destructive or locking operation found.", style="bold green"))
        return
    for file, group in groupby(result.findings, key=lambda f: f.file):
        items = list(group)
        console.print()
        console.rule(Text(f"{file or '-'} ({len(items)})", style="bold"), align="left")
        for f in items:
            _, body = finding_block(f)
            head = Text.assemble((f"{_MARK[f.severity]} {f.severity:<7}", _STYLE[f.severity]), " ",
                                 (f.code, "bold"), " ", (f.kind, "bold"))
            where = ".".join(p for p in (f.table, f.column) if p)
            if where:
                head.append(f"  {where}")
            if f.destructive:
                head.append("  data loss", style="bold magenta")
            if f.database:
                head.append(f"  on {f.database}", style="cyan")
            console.print(head)
            console.print(body)
    s = result.summary
    console.print(
        Text.assemble(
            ("summary: ", "bold"),
            (f"{s['error']} error(s)", _STYLE["error"]), ", ",
            (f"{s['warning']} warning(s)", _STYLE["warning"]), ", ",
            (f"{s['info']} info", _STYLE["info"]),
        )
    )


def render_lint(result: LintResult, fmt: str) -> str:
    """Render lint findings; the table format prints to the terminal itself and returns ''."""
    if fmt == "table":
        print_lint(result)
        return ""
    if fmt == "json":
        return lint_json(result)
    if fmt == "sarif":
        return lint_sarif(result)
    if fmt == "junit":
        from .junit import findings_junit

        return findings_junit(result.findings, suite="schemaguard lint")
    if fmt == "github":
        from .github import findings_github

        return findings_github(result.findings)
    if fmt == "markdown":
        return lint_markdown(result)
    raise UsageError(f"unknown format {fmt!r}", hint="use one of " + ", ".join(FORMATS))
