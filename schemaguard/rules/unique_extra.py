"""SG112 unique_extra: the database enforces a UNIQUE constraint the model does not declare."""

from . import describe as d
from .findings import Rule

RULE = Rule(
    code="SG112",
    kind="unique_extra",
    summary="A unique constraint in the database is not declared by the model.",
    floor="warning",
    severity=lambda c: "warning",
    destructive=lambda c: False,
    declared=lambda c: None,
    live=lambda c: d.index(c.live),
    message=lambda c: (
        f"{d.index(c.live)} on {c.table} is "
        + d.consequence(c, "enforced by the database but not declared; writes the model considers valid can fail "
                        "with a unique violation")
        + d.differs(c)
    ),
    hint=lambda c: "declare it in the model (UniqueConstraint or unique=True) or drop it deliberately",
)
