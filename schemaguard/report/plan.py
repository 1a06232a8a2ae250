"""Plan reporters: a rich table, the contract's JSON, and a SQL script an operator can read and run."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ..guard import Decision
    from ..plan import Plan, Step

PLAN_FORMATS = ("table", "json", "sql")


def plan_json(plan: Plan, *, environment: str = "production", allowed: bool = True) -> str:
    return json.dumps(plan.to_dict(environment=environment, allowed=allowed), indent=2, ensure_ascii=False)


def data_note(step: Step) -> str:
    """`drops 1,204 rows`, `~3.2M rows (estimate)`, `12 NULLs would make it fail`, or ''."""
    d = step.details
    if "rows" in d:
        approx = "~" if d.get("estimate") else ""
        return f"loses {approx}{d['rows']:,} row(s)" + (" (catalog estimate)" if d.get("estimate") else "")
    if d.get("nulls"):
        return f"{d['nulls']:,} NULL(s) make it fail"
    return ""


def plan_sql(plan: Plan) -> str:
    """Each step's SQL under a `-- step N: kind table.column [hazards]` comment; skipped at the end."""
    out = [f"-- schemaguard plan --mode {plan.mode} ({plan.dialect})"]
    if plan.database:
        out.append(f"-- database: {plan.database}")
    if not plan.steps:
        out.append("-- nothing to do")
    for n, step in enumerate(plan.steps, 1):
        where = f"{step.table}.{step.column}" if step.column else step.table
        hazards = f" [{', '.join(step.hazards)}]" if step.hazards else ""
        numbers = f" ({data_note(step)})" if data_note(step) else ""
        out.append("")
        out.append(f"-- step {n}: {step.kind} {where}{hazards}{numbers}")
        out.append(step.sql)
    if plan.skipped:
        out.append("")
        out.append(f"-- skipped by --mode {plan.mode}:")
        for s in plan.skipped:
            where = ".".join(x for x in (s.table, s.column) if x)
            out.append(f"--   {s.kind} {where}: {_one_line(s.reason)}")
    return "\n".join(out) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def print_plan(plan: Plan, console: Console | None = None, decision: Decision | None = None) -> None:
    from rich.console import Console
    from rich.padding import Padding
    from rich.syntax import Syntax
    from rich.text import Text

    console = console or Console(highlight=False)
    head = Text.assemble(("schemaguard plan", "bold"), "  ", (f"--mode {plan.mode}", "bold cyan"))
    if plan.database:
        head.append("  ")
        head.append(plan.database, style="cyan")
    console.print(head)
    if decision is not None:
        if decision.allowed:
            console.print(Text(f"environment {decision.environment}: sync --mode {plan.mode} is allowed", style="green"))
        else:
            console.print(Text(f"environment {decision.environment}: sync would be refused ({decision.refusal}): "
                               f"{decision.reason}", style="bold red"))
    if not plan.steps:
        console.print(Text("✔ Nothing to do in this mode.", style="bold green"))
    for n, step in enumerate(plan.steps, 1):
        where = f"{step.table}.{step.column}" if step.column else step.table
        line = Text.assemble((f"{n:>3}. ", "bold"), (step.kind, "bold"), "  ", where)
        if step.destructive:
            line.append("  data loss", style="bold magenta")
        for h in step.hazards:
            line.append(f"  ▲ {h}", style="yellow")
        if data_note(step):
            line.append(f"  ({data_note(step)})", style="bold yellow")
        console.print(line)
        console.print(Padding(Syntax(step.sql, "sql", theme="ansi_dark", word_wrap=True), (0, 0, 0, 5)))
    if plan.skipped:
        console.print()
        console.rule(Text(f"skipped by --mode {plan.mode} ({len(plan.skipped)})", style="bold"), align="left")
        for s in plan.skipped:
            where = ".".join(x for x in (s.table, s.column) if x)
            console.print(Text.assemble(("  – ", "dim"), (s.kind, "bold"), f"  {where}"))
            console.print(Padding(Text(s.reason), (0, 0, 0, 6)))
