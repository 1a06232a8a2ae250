"""SG109 index_missing: a declared index does not exist in the database."""

from . import describe as d
from .findings import Rule

RULE = Rule(
    code="SG109",
    kind="index_missing",
    summary="A declared index does not exist in the database.",
    floor="warning",
    severity=lambda c: "warning",
    destructive=lambda c: False,
    declared=lambda c: d.index(c.declared),
    live=lambda c: None,
    message=lambda c: (
        f"{d.index(c.declared)} on {c.table} is declared but missing from the database"
        + d.consequence(c, "; duplicates it should reject can be inserted" if c.declared.unique
                        else "; queries that rely on it scan the table")
        + d.differs(c)
    ),
    hint=lambda c: (
        "create it (on PostgreSQL with CREATE INDEX CONCURRENTLY to avoid blocking writes)"
        + ("; remove existing duplicates first" if c.declared.unique else "")
    ),
)
