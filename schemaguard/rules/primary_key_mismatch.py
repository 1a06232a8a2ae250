"""SG108 primary_key_mismatch: the primary key columns differ."""

from . import describe as d
from .findings import Rule

RULE = Rule(
    code="SG108",
    kind="primary_key_mismatch",
    summary="The declared primary key differs from the database's.",
    floor="error",
    severity=lambda c: "error",
    destructive=lambda c: False,
    declared=lambda c: d.cols(c.declared) if c.declared else "none",
    live=lambda c: d.cols(c.live) if c.live else "none",
    message=lambda c: (
        f"table {c.table} has primary key {d.cols(c.live) if c.live else 'none'} in the database "
        f"but the model declares {d.cols(c.declared) if c.declared else 'none'}; the ORM identifies "
        "rows by the wrong columns"
    ),
    hint=lambda c: "make the model's primary_key=True columns match the database's primary key",
)
