"""SG205 foreign_key_type_mismatch: an FK column's type differs from the referenced column's."""

from .findings import Rule

RULE = Rule(
    code="SG205",
    kind="foreign_key_type_mismatch",
    summary="A foreign key column's type differs from the type of the column it references.",
    floor="error",
    severity=lambda c: "error",
    destructive=lambda c: False,
    declared=lambda c: c.declared.type,
    live=lambda c: c.live.type,
    message=lambda c: (
        f"{c.table}.{c.column} is {c.declared.type} but references {c.details['target']}, which is "
        f"{c.live.type}: values of the key may not fit, and PostgreSQL refuses the constraint when the types "
        "cannot be compared (varchar against integer, uuid against text)"
    ),
    hint=lambda c: f"declare {c.table}.{c.column} as {c.live.type}, the type of {c.details['target']}",
)
