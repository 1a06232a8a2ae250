"""SG102 table_extra: the database has a table that no model declares."""

from .findings import Rule

RULE = Rule(
    code="SG102",
    kind="table_extra",
    summary="A table in the database is not declared by any model.",
    floor="warning",
    severity=lambda c: "warning",
    destructive=lambda c: True,
    declared=lambda c: None,
    live=lambda c: c.live.name,
    message=lambda c: (
        f"table {c.table} exists in the database but no model declares it; "
        "a sync that makes the database match the models would drop it with all its rows"
    ),
    hint=lambda c: (
        "declare a model for it, or add an `ignore` entry (kind = \"table_extra\", "
        f"table = \"{c.table}\") if the application does not manage it; never drop it to silence this"
    ),
)
