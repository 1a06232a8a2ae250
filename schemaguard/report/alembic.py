"""A plan as an Alembic revision file, for teams that keep their migrations under review.

`upgrade()` runs exactly the statements `sync` would run (the plan's SQL, rendered by SQLAlchemy
and Alembic), one `op.execute` per statement under a comment naming the step and its hazards.
`downgrade()` runs each step's reverse in the opposite order: statements rendered by Alembic's
operations from what the live database held (the old type, the dropped index's own definition).
A plan with a step that cannot be reversed (a force reset's dropped rows, a SQLite rebuild) gets a
downgrade that refuses before it changes anything, and says which step.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

from .plan import _one_line, step_where, table_column

if TYPE_CHECKING:
    from ..plan import Plan, Step

# SQLAlchemy's text() reads `:name` as a bind parameter (op.execute wraps a string in text()).
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")


def plan_alembic(
    plan: Plan,
    *,
    revision: str | None = None,
    down_revision: str | None = None,
    message: str | None = None,
    created: datetime | None = None,
) -> str:
    from alembic.util import rev_id

    revision = revision or rev_id()
    message = message or f"schemaguard plan --mode {plan.mode}"
    created = created or datetime.now()
    doc = [message, ""]
    doc.append(f"Written by schemaguard plan --mode {plan.mode} --format alembic ({plan.dialect})"
               + (f" from {plan.database}." if plan.database else "."))
    if plan.skipped:
        doc.append("")
        doc.append(f"Not in this revision (skipped by --mode {plan.mode}):")
        doc += [f"- {s.kind} {table_column(s.table, s.column)}: {_one_line(s.reason)}" for s in plan.skipped]
    doc += ["", f"Revision ID: {revision}", "Revises:" + (f" {down_revision}" if down_revision else ""), f"Create Date: {created:%Y-%m-%d %H:%M:%S}"]
    out = ['"""' + "\n".join(line.replace('"""', "'''").replace("\\", "/") for line in doc) + '\n"""']
    out += [
        "",
        "from __future__ import annotations",
        "",
        "from alembic import op",
        "",
        f"revision = {revision!r}",
        f"down_revision = {down_revision!r}",
        "branch_labels = None",
        "depends_on = None",
        "",
        "",
        "def upgrade() -> None:",
    ]
    body: list[str] = []
    for n, step in enumerate(plan.steps, 1):
        body.append(f"# step {n}: {_title(step)}")
        body += [f"op.execute({_literal(sql)})" for sql in step.statements]
    out += _indent(body or ["pass  # nothing to do in this mode"])
    out += ["", "", "def downgrade() -> None:"]
    blocked = [(n, s) for n, s in enumerate(plan.steps, 1) if s.irreversible]
    body = []
    if blocked:
        reasons = "; ".join(f"step {n} ({_title(s, hazards=False)}): {s.irreversible}" for n, s in blocked)
        body.append(f"raise NotImplementedError({_literal('this revision cannot be downgraded: ' + reasons)})")
    else:
        for n, step in reversed(list(enumerate(plan.steps, 1))):
            body.append(f"# undo step {n}: {_title(step, hazards=False)}")
            body += [f"op.execute({_literal(sql)})" for sql in step.undo]
    out += _indent(body or ["pass  # nothing to undo"])
    return "\n".join(out) + "\n"


def _title(step: Step, *, hazards: bool = True) -> str:
    text = f"{step.kind} {step_where(step)}"
    if hazards and step.hazards:
        text += f" [{', '.join(step.hazards)}]"
    if hazards and step.details.get("rebuild"):
        text += " (SQLite rebuild: " + "; ".join(step.details["rebuild"]) + ")"
    return _one_line(text)


def _literal(sql: str) -> str:
    """SQL as a Python string literal for op.execute: bind-like `:name` escaped for text(), a raw
    triple-quoted string when that reads well, else repr()."""
    sql = _BIND.sub(lambda m: "\\:" + m.group(1), sql)
    if '"""' not in sql and not sql.endswith("\\") and "\r" not in sql:
        if "\n" in sql:
            return 'r"""\n' + sql + '\n"""'
        if '"' not in sql:
            return 'r"' + sql + '"'
    return repr(sql)


def _indent(lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        # Only the first line of a multi-line literal is indented: the SQL's own lines stay as
        # they are, since they are inside the string.
        out.append("    " + line)
    return out
