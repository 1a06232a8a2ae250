"""Plan reporters: a rich table, the contract's JSON, and a SQL script an operator can read and run."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ..guard import Decision
    from ..plan import Plan, Step

PLAN_FORMATS = ("table", "json", "sql", "alembic")

# What each hazard means for the operator, and the safer recipe where there is one.
HAZARD_ADVICE = {
    "drop_table": "the table and every row in it are gone after this step",
    "drop_column": "the column and its values are gone after this step",
    "force_reset": "every declared table is dropped and created again, empty",
    "column_type_change": "on PostgreSQL most type changes rewrite the whole table under an ACCESS EXCLUSIVE lock; "
    "on a large table add a new column, backfill it in batches, then switch",
    "narrowing_type_change": "values that do not fit the new type make it fail, or are cut",
    "set_not_null": "fails if any row holds NULL, and scans the table under an ACCESS EXCLUSIVE lock; on "
    "PostgreSQL 12+ add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL",
    "add_not_null_column_without_default": "works only while the table is empty",
    "create_index_blocking": "blocks writes to the table while the index builds; on a large table use CREATE "
    "INDEX CONCURRENTLY (outside a transaction) in a migration",
    "add_foreign_key_validating": "checks every row under a lock that blocks writes to both tables; on a large "
    "table add it NOT VALID, then VALIDATE CONSTRAINT in a later transaction",
    "rename_table": "code that still uses the old name fails at once; expand/contract: add the new name, "
    "move the code over, then remove the old one",
    "rename_column": "code that still uses the old name fails at once; expand/contract: add the new column, "
    "write both, move the readers, then drop the old one",
}


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
    if d.get("duplicates"):
        return f"{d['duplicates']:,} duplicated value(s) make it fail"
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
        out += [f"--   {h}: {HAZARD_ADVICE[h]}" for h in step.hazards if h in HAZARD_ADVICE]
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
        for h in step.hazards:
            if h in HAZARD_ADVICE:
                console.print(Padding(Text(f"▲ {h}: {HAZARD_ADVICE[h]}", style="yellow"), (0, 0, 0, 5)))
        console.print(Padding(Syntax(step.sql, "sql", theme="ansi_dark", word_wrap=True), (0, 0, 0, 5)))
    if plan.skipped:
        console.print()
        console.rule(Text(f"skipped by --mode {plan.mode} ({len(plan.skipped)})", style="bold"), align="left")
        for s in plan.skipped:
            where = ".".join(x for x in (s.table, s.column) if x)
            console.print(Text.assemble(("  – ", "dim"), (s.kind, "bold"), f"  {where}"))
            console.print(Padding(Text(s.reason), (0, 0, 0, 6)))
