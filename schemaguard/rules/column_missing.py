"""SG103 column_missing: a declared column does not exist in the database table."""

from . import describe as d
from .findings import Rule


def _message(c):  # type: ignore[no-untyped-def]
    old = c.details.get("renamed_from")
    if old:
        return (
            f"column {d.where(c)} is declared but missing; the model says it was renamed from "
            f"{old}, which the database still has"
        )
    return (
        f"column {d.where(c)} ({d.column(c.declared)}) is declared but missing from the database; "
        "the ORM selects it in every query on the table, and those queries fail"
    )


def _hint(c):  # type: ignore[no-untyped-def]
    old = c.details.get("renamed_from")
    if old:
        return f"rename it in a migration: ALTER TABLE {c.table} RENAME COLUMN {old} TO {c.column}"
    col = c.declared
    if not col.nullable and col.default is None:
        return (
            "add it nullable, backfill it, then set NOT NULL; adding a NOT NULL column without a "
            "default fails on a table that has rows"
        )
    return "add it with a migration (Alembic: op.add_column)"


RULE = Rule(
    code="SG103",
    kind="column_missing",
    summary="A declared column does not exist in the database.",
    floor="error",
    severity=lambda c: "error",
    destructive=lambda c: False,
    declared=lambda c: d.column(c.declared),
    live=lambda c: c.details.get("renamed_from"),
    message=_message,
    hint=_hint,
)
