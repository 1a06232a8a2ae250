"""SG111 unique_missing: a declared UNIQUE constraint does not exist in the database."""

from . import describe as d
from .findings import Rule

RULE = Rule(
    code="SG111",
    kind="unique_missing",
    summary="A declared unique constraint does not exist in the database.",
    floor="warning",
    severity=lambda c: "warning",
    destructive=lambda c: False,
    declared=lambda c: d.index(c.declared),
    live=lambda c: None,
    message=lambda c: (
        f"{d.index(c.declared)} on {c.table} is declared but "
        + d.consequence(c, "the database does not enforce it; duplicate rows can be written")
        + d.differs(c)
    ),
    hint=lambda c: (
        "find and resolve duplicates, then add the constraint (on PostgreSQL: CREATE UNIQUE INDEX "
        "CONCURRENTLY, then ADD CONSTRAINT ... UNIQUE USING INDEX)"
    ),
)
