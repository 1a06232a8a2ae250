"""SG104 column_extra: the database table has a column that the model does not declare."""

from . import describe as d
from .findings import Rule


def _blocks_inserts(c) -> bool:  # type: ignore[no-untyped-def]
    col = c.live
    return not col.nullable and col.default is None and not col.autoincrement


RULE = Rule(
    code="SG104",
    kind="column_extra",
    summary="A column in the database is not declared by the model.",
    floor="warning",
    severity=lambda c: "error" if _blocks_inserts(c) else "warning",
    destructive=lambda c: True,
    declared=lambda c: None,
    live=lambda c: d.column(c.live),
    message=lambda c: (
        f"column {d.where(c)} ({d.column(c.live)}) exists in the database but not in the model"
        + (
            "; it is NOT NULL without a default, so every insert through the model fails"
            if _blocks_inserts(c)
            else "; a sync that makes the database match the model would drop it and its data"
        )
    ),
    hint=lambda c: (
        "declare it in the model (or give it a default / make it nullable)"
        if _blocks_inserts(c)
        else "declare it in the model, or drop it deliberately in a reviewed migration once nothing reads it"
    ),
)
