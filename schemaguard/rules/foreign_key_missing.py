"""SG113 foreign_key_missing: a declared foreign key is not enforced by the database."""

from . import describe as d
from .findings import Rule

RULE = Rule(
    code="SG113",
    kind="foreign_key_missing",
    summary="A declared foreign key does not exist in the database.",
    floor="warning",
    severity=lambda c: "warning",
    destructive=lambda c: False,
    declared=lambda c: d.fk(c.declared),
    live=lambda c: None,
    message=lambda c: (
        f"foreign key {d.fk(c.declared)} on {c.table} is declared but not enforced by the database; "
        "orphaned rows can be written"
    ),
    hint=lambda c: (
        "delete or fix orphaned rows, then add the constraint (on PostgreSQL: ADD CONSTRAINT ... "
        "NOT VALID, then VALIDATE CONSTRAINT in a second transaction)"
    ),
)
