"""SG114 foreign_key_extra: the database enforces a foreign key the model does not declare."""

from . import describe as d
from .findings import Rule

RULE = Rule(
    code="SG114",
    kind="foreign_key_extra",
    summary="A foreign key in the database is not declared by the model.",
    floor="warning",
    severity=lambda c: "warning",
    destructive=lambda c: False,
    declared=lambda c: None,
    live=lambda c: d.fk(c.live),
    message=lambda c: (
        f"foreign key {d.fk(c.live)} on {c.table} exists in the database but not in the model; "
        "the ORM does not know the relationship and may write rows in an order the database rejects"
    ),
    hint=lambda c: "declare it with ForeignKey(...) in the model, or drop it deliberately",
)
