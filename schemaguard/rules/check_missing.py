"""SG116 check_missing: a CHECK constraint of the model does not exist in the database."""

from . import describe as d
from .findings import Rule

RULE = Rule(
    code="SG116",
    kind="check_missing",
    summary="A declared CHECK constraint does not exist in the database.",
    floor="warning",
    # The database accepts rows the model forbids: nothing breaks today, but the data the rest of
    # the code relies on is not guarded.
    severity=lambda c: "warning",
    destructive=lambda c: False,
    declared=lambda c: d.check(c.declared),
    live=lambda c: None,
    message=lambda c: (
        f"{d.check(c.declared)} on {c.table} is declared but the database does not enforce it; "
        "rows that break it can be written"
    ),
    hint=lambda c: (
        "find the rows that break it, fix them, then add the constraint (on PostgreSQL: ADD CONSTRAINT ... "
        "NOT VALID, then VALIDATE CONSTRAINT); `schemaguard plan` counts those rows"
    ),
)
