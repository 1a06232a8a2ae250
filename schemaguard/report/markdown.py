"""Markdown for a pull-request comment: a summary table and the findings grouped by table."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..rules.findings import CheckResult, Finding
    from ..schema.snapshot import Schema

_ICON = {"error": "🛑 error", "warning": "⚠️ warning", "info": "ℹ️ info"}


def cell(text: object) -> str:
    """Text for one Markdown table cell: pipes escaped, on one line."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def findings_diagram(findings: Iterable[Finding], declared: Schema | None, live: Schema | None) -> str:
    """A Mermaid erDiagram of the tables the findings name, each column marked with its kinds."""
    from .mermaid import er_diagram

    items = [f for f in findings if f.table]
    marks: dict[tuple[str, str | None], list[str]] = {}
    for f in items:
        marks.setdefault((f.table or "", f.column), []).append(f.kind)
    return er_diagram([f.table or "" for f in items], declared, live, marks)


def check_markdown(result: CheckResult) -> str:
    s = result.summary
    lines = [
        "## schemaguard check",
        "",
        f"`{cell(result.database)}` vs `{cell(', '.join(result.models))}`",
        "",
        "| errors | warnings | info |",
        "|---:|---:|---:|",
        f"| {s['error']} | {s['warning']} | {s['info']} |",
        "",
    ]
    if not result.findings:
        lines.append("No differences: the database matches the models.")
        return "\n".join(lines) + "\n"
    diagram = findings_diagram(result.findings, result.declared, result.live)
    if diagram:
        lines += ["The tables with findings, as declared and as they are (drifting columns marked):", "", diagram]
    for table, group in groupby(result.findings, key=lambda f: f.table):
        lines += [f"### {table or 'schema-wide'}", "", "| severity | code | kind | column | message | hint |",
                  "|---|---|---|---|---|---|"]
        for f in group:
            sev = _ICON[f.severity] + (" · data loss" if f.destructive else "")
            lines.append(
                f"| {sev} | [{f.code}]({f.doc_url}) | `{f.kind}` | {cell(f.column or '')} | "
                f"{cell(f.message)} | {cell(f.hint)} |"
            )
        lines.append("")
    return "\n".join(lines) + "\n"
