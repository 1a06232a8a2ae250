"""SG110 index_extra: the database has an index the model does not declare."""

from . import describe as d
from .findings import Rule

RULE = Rule(
    code="SG110",
    kind="index_extra",
    summary="An index in the database is not declared by the model.",
    floor="info",
    severity=lambda c: "warning" if c.live.unique else "info",
    destructive=lambda c: False,
    declared=lambda c: None,
    live=lambda c: d.index(c.live),
    message=lambda c: (
        f"{d.index(c.live)} on {c.table} exists in the database but not in the model"
        + d.consequence(
            c,
            "; it rejects duplicates the model does not know about"
            if c.live.unique
            else "; a sync that makes the database match the model would drop it and queries that use it slow down",
        )
        + d.differs(c)
    ),
    hint=lambda c: (
        "declare it in the model (Index(...) or index=True), or drop it if nothing needs it "
        "(on PostgreSQL with DROP INDEX CONCURRENTLY)"
    ),
)
