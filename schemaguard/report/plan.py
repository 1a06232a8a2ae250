"""Plan reporters: a rich table, the contract's JSON, and a SQL script an operator can read and run."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ..apply.guard import Decision
    from ..plan import Plan, Step
    from ..rules.findings import Finding

PLAN_FORMATS = ("table", "json", "sql", "alembic", "sarif", "junit", "github", "markdown")

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



def table_column(table: str | None, column: str | None) -> str:
    """table.column, or whichever of the two there is."""
    return ".".join(p for p in (table, column) if p)


def step_where(step: Step) -> str:
    """table.column of a step; a table of another schema than the compared one (a force reset's
    released keys) is named with that schema."""
    other = step.details.get("schema")
    return ".".join(p for p in (other, step.table, step.column) if p)


def advice(hazard: str, dialect: str) -> str | None:
    """What a hazard means on this database, and the safer recipe where there is one."""
    from ..dialects import dialect_named

    return dialect_named(dialect).hazard_advice(hazard) or HAZARD_ADVICE.get(hazard)


def plan_findings(plan: Plan) -> list[Finding]:
    """The plan as findings, for the formats that carry findings (SARIF, JUnit, GitHub): one per
    hazard of a step, coded as lint codes the same operation (SG3xx), and one info finding per
    change the mode skips, coded as the check finding it leaves behind."""
    from ..lint.rules import BY_KIND as OPERATIONS
    from ..rules import BY_KIND as DRIFT
    from ..rules.findings import Finding

    out: list[Finding] = []
    for n, step in enumerate(plan.steps, 1):
        where = step_where(step)
        for hazard in step.hazards:
            rule = OPERATIONS[hazard]  # every hazard is an operation kind that lint knows
            numbers = data_note(step)
            out.append(Finding(
                code=rule.code,
                kind=hazard,
                severity=rule.severity,
                destructive=step.destructive or rule.destructive,
                table=step.table,
                column=step.column,
                declared=None,
                live=None,
                message=f"step {n} ({step.kind} {where}): {hazard}" + (f", {numbers}" if numbers else ""),
                hint=advice(hazard, plan.dialect) or "review the step before it runs",
            ))
    for s in plan.skipped:
        drift = DRIFT[s.finding or s.kind]  # the check finding the skipped change leaves behind
        where = table_column(s.table, s.column)
        out.append(Finding(
            code=drift.code,
            kind=s.finding or s.kind,
            severity="info",
            destructive=False,
            table=s.table,
            column=s.column,
            declared=None,
            live=None,
            message=f"not in this plan (--mode {plan.mode}): {s.kind} {where}",
            hint=_one_line(s.reason),
        ))
    return out


def render_plan(plan: Plan, fmt: str, *, decision: Decision | None = None) -> str:
    """Every plan format but the rich table (print_plan), as text."""
    from ..errors import UsageError

    environment = decision.environment if decision else "production"
    allowed = decision.allowed if decision else True
    if fmt == "json":
        return plan_json(plan, environment=environment, allowed=allowed)
    if fmt == "sql":
        return plan_sql(plan)
    if fmt == "markdown":
        return plan_markdown(plan, decision)
    if fmt == "sarif":
        from .sarif import findings_sarif

        return findings_sarif(plan_findings(plan), tool_command="plan")
    if fmt == "junit":
        from .junit import findings_junit

        return findings_junit(plan_findings(plan), suite=f"schemaguard plan --mode {plan.mode}")
    if fmt == "github":
        from .github import findings_github

        return findings_github(plan_findings(plan))
    raise UsageError(f"unknown plan format {fmt!r}", hint="use one of " + ", ".join(PLAN_FORMATS))


def plan_markdown(plan: Plan, decision: Decision | None = None) -> str:
    """For a pull-request comment: the verdict, a summary, the steps with their hazards, the SQL,
    what the mode skips, and a Mermaid erDiagram of the tables the plan touches."""
    from .markdown import cell as _cell
    from .mermaid import er_diagram

    lines = [f"## schemaguard plan --mode {plan.mode}", ""]
    if plan.database:
        lines += [f"`{_cell(plan.database)}`", ""]
    if decision is not None:
        lines += [f"Environment `{decision.environment}`: sync --mode {plan.mode} "
                  + ("is allowed." if decision.allowed else f"would be refused (`{decision.refusal}`): {decision.reason}."),
                  ""]
    lines += [f"> **Note:** {_cell(note)}" for note in plan.notes] + ([""] if plan.notes else [])
    lines += ["| steps | with hazards | data loss | skipped |", "|---:|---:|---:|---:|",
              f"| {len(plan.steps)} | {sum(1 for s in plan.steps if s.hazards)} "
              f"| {sum(1 for s in plan.steps if s.destructive)} | {len(plan.skipped)} |", ""]
    if not plan.steps:
        lines += ["Nothing to do in this mode.", ""]
    marks: dict[tuple[str, str | None], list[str]] = {}
    for s in plan.steps:
        marks.setdefault((s.table, s.column), []).append(s.kind)
    for sk in plan.skipped:
        if sk.table:
            marks.setdefault((sk.table, sk.column), []).append(f"skipped {sk.kind}")
    tables = [s.table for s in plan.steps] + [sk.table for sk in plan.skipped if sk.table]
    diagram = er_diagram(tables, plan.declared, plan.live, marks) if plan.declared or plan.live else ""
    if diagram:
        lines += ["The tables this plan touches (columns marked with their steps):", "", diagram]
    if plan.steps:
        lines += ["| # | step | object | hazards | numbers |", "|---:|---|---|---|---|"]
        for n, step in enumerate(plan.steps, 1):
            where = step_where(step)
            kind = (f"`{step.kind}`" + (" · data loss" if step.destructive else "")
                    + (" · cannot be undone" if undo_note(plan, step) else ""))
            lines.append(f"| {n} | {kind} | {_cell(where)} | {', '.join(f'`{h}`' for h in step.hazards)} "
                         f"| {_cell(data_note(step))} |")
        lines += ["", "<details><summary>SQL</summary>", "", "```sql", plan_sql(plan).rstrip("\n"), "```", "",
                  "</details>", ""]
        hazards = sorted({h for s in plan.steps for h in s.hazards if advice(h, plan.dialect)})
        if hazards:
            lines += ["Hazards:", ""] + [f"- `{h}`: {advice(h, plan.dialect)}" for h in hazards] + [""]
    if plan.skipped:
        lines += [f"Skipped by --mode {plan.mode}:", ""]
        lines += [f"- `{s.kind}` {_cell(table_column(s.table, s.column))}: {_cell(_one_line(s.reason))}"
                  for s in plan.skipped]
        lines.append("")
    return "\n".join(lines)


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
    if d.get("keeps_foreign_key_index"):
        return f"adds index {', '.join(d['keeps_foreign_key_index'])} for the foreign key that used the dropped one"
    if d.get("replaces_key_index"):
        return (f"the new index serves the foreign key instead of index {', '.join(d['replaces_key_index'])}, "
                "which the database made for it and is dropped")
    return ""


def undo_note(plan: Plan, step: Step) -> str:
    """`cannot be undone: <reason>` for a step of a plan that is not atomic, or ''."""
    return f"cannot be undone: {step.irreversible}" if step in plan.irreversible else ""


def plan_sql(plan: Plan) -> str:
    """Each step's SQL under a `-- step N: kind table.column [hazards]` comment; skipped at the end."""
    out = [f"-- schemaguard plan --mode {plan.mode} ({plan.dialect})"]
    if plan.database:
        out.append(f"-- database: {plan.database}")
    out += [f"-- note: {note}" for note in plan.notes]
    if not plan.steps:
        out.append("-- nothing to do")
    for n, step in enumerate(plan.steps, 1):
        where = step_where(step)
        hazards = f" [{', '.join(step.hazards)}]" if step.hazards else ""
        numbers = f" ({data_note(step)})" if data_note(step) else ""
        out.append("")
        out.append(f"-- step {n}: {step.kind} {where}{hazards}{numbers}")
        out += [f"--   {h}: {advice(h, plan.dialect)}" for h in step.hazards if advice(h, plan.dialect)]
        if undo_note(plan, step):
            out.append(f"--   {undo_note(plan, step)}")
        out.append(step.sql)
    if plan.skipped:
        out.append("")
        out.append(f"-- skipped by --mode {plan.mode}:")
        for s in plan.skipped:
            where = table_column(s.table, s.column)
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
    for note in plan.notes:
        console.print(Text(f"note: {note}", style="bold"))
    if not plan.steps:
        console.print(Text("✔ Nothing to do in this mode.", style="bold green"))
    for n, step in enumerate(plan.steps, 1):
        where = step_where(step)
        line = Text.assemble((f"{n:>3}. ", "bold"), (step.kind, "bold"), "  ", where)
        if step.destructive:
            line.append("  data loss", style="bold magenta")
        for h in step.hazards:
            line.append(f"  ▲ {h}", style="yellow")
        if data_note(step):
            line.append(f"  ({data_note(step)})", style="bold yellow")
        console.print(line)
        for h in step.hazards:
            if advice(h, plan.dialect):
                console.print(Padding(Text(f"▲ {h}: {advice(h, plan.dialect)}", style="yellow"), (0, 0, 0, 5)))
        if undo_note(plan, step):
            console.print(Padding(Text(f"✖ {undo_note(plan, step)}", style="bold magenta"), (0, 0, 0, 5)))
        console.print(Padding(Syntax(step.sql, "sql", theme="ansi_dark", word_wrap=True), (0, 0, 0, 5)))
    if plan.skipped:
        console.print()
        console.rule(Text(f"skipped by --mode {plan.mode} ({len(plan.skipped)})", style="bold"), align="left")
        for s in plan.skipped:
            where = table_column(s.table, s.column)
            console.print(Text.assemble(("  – ", "dim"), (s.kind, "bold"), f"  {where}"))
            console.print(Padding(Text(s.reason), (0, 0, 0, 6)))
