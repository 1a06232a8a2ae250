"""SG204 foreign_key_target_missing: a foreign key targets a table or column that exists nowhere."""

from . import describe as d
from .findings import Rule


def _what(c) -> str:  # type: ignore[no-untyped-def]
    if c.details.get("what") == "column":
        return f"column {c.details['column']} of table {c.details['table']}"
    return f"table {c.details['table']}"


RULE = Rule(
    code="SG204",
    kind="foreign_key_target_missing",
    summary="A foreign key targets a table or column that exists neither in the models nor the database.",
    floor="error",
    severity=lambda c: "error",
    destructive=lambda c: False,
    declared=lambda c: d.fk_target(c.declared),
    live=lambda c: None,
    message=lambda c: (
        f"foreign key on {d.where(c)} targets {d.fk_target(c.declared)}, but {_what(c)} exists "
        "neither in the models nor in the database; SQLAlchemy raises NoReferencedTableError when "
        "it resolves it"
    ),
    hint=lambda c: "fix the target name in ForeignKey(...), or declare the referenced table",
)
