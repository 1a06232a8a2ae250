"""SG101 table_missing: the models declare a table the database does not have."""

from .findings import Rule

RULE = Rule(
    code="SG101",
    kind="table_missing",
    summary="A declared table does not exist in the database.",
    floor="error",
    severity=lambda c: "error",
    destructive=lambda c: False,
    declared=lambda c: c.declared.name,
    live=lambda c: c.details.get("renamed_from"),
    message=lambda c: (
        f"table {c.table} is declared but missing; the model says it was renamed from "
        f"{c.details['renamed_from']}, which the database still has"
        if c.details.get("renamed_from")
        else f"table {c.table} is declared by the models but does not exist in the database; "
        "every query on it fails"
    ),
    hint=lambda c: (
        f"rename it in a migration: ALTER TABLE {c.details['renamed_from']} RENAME TO {c.table}"
        if c.details.get("renamed_from")
        else "create it with a migration (Alembic: op.create_table) or "
        "metadata.create_all(engine, tables=[...]); if the table lives in another schema, pass --schema"
    ),
)
