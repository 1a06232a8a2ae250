"""SG117 check_extra: the database enforces a CHECK constraint the model does not declare."""

from . import describe as d
from .findings import Rule

RULE = Rule(
    code="SG117",
    kind="check_extra",
    summary="The database enforces a CHECK constraint the model does not declare.",
    floor="warning",
    # The database refuses rows the application writes (an IntegrityError at run time): error.
    severity=lambda c: "error",
    destructive=lambda c: False,
    declared=lambda c: None,
    live=lambda c: d.check(c.live),
    message=lambda c: (
        f"the database enforces {d.check(c.live)} on {c.table}, which the model does not declare; "
        "inserts and updates the model allows can be refused"
    ),
    hint=lambda c: (
        "declare it in the model (CheckConstraint(...) in __table_args__) if it is meant, or drop it "
        "(`schemaguard sync --mode alter`)"
    ),
)
