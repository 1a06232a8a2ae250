"""SG106 nullable_mismatch: NULL / NOT NULL differs between the model and the database."""

from .findings import Rule


def _live_stricter(c) -> bool:  # type: ignore[no-untyped-def]
    return bool(c.declared.nullable and not c.live.nullable)


RULE = Rule(
    code="SG106",
    kind="nullable_mismatch",
    summary="A column is nullable on one side and NOT NULL on the other.",
    floor="warning",
    severity=lambda c: "error" if _live_stricter(c) else "warning",
    destructive=lambda c: False,
    declared=lambda c: "NULL" if c.declared.nullable else "NOT NULL",
    live=lambda c: "NULL" if c.live.nullable else "NOT NULL",
    message=lambda c: (
        f"column {c.table}.{c.column} is NOT NULL in the database but nullable in the model; "
        "saving an object with it unset fails"
        if _live_stricter(c)
        else f"column {c.table}.{c.column} is NOT NULL in the model but nullable in the database; "
        "rows written by other code may hold NULLs the model does not expect"
    ),
    hint=lambda c: (
        "declare it nullable=False in the model, or drop NOT NULL in a migration"
        if _live_stricter(c)
        else "backfill the NULLs, then SET NOT NULL (on PostgreSQL add a CHECK (col IS NOT NULL) "
        "NOT VALID constraint and validate it first to avoid a long lock)"
    ),
)
