"""SG201 foreign_key_target_case: a foreign key names its target table or column in the wrong case."""

from . import describe as d
from .findings import Rule


def _right(c) -> str:  # type: ignore[no-untyped-def]
    return f"{c.details['table']}.{','.join(c.details['columns'])}"


def _hint(c) -> str:  # type: ignore[no-untyped-def]
    table = c.details["table"]
    if d.is_sequelize(c):
        return f"write references: {{ model: '{table}', key: '{','.join(c.details['columns'])}' }}"
    return f'write ForeignKey("{_right(c)}") with the name exactly as the database has it'


RULE = Rule(
    code="SG201",
    kind="foreign_key_target_case",
    summary="A foreign key names its target in the wrong letter case.",
    floor="error",
    severity=lambda c: "error",
    destructive=lambda c: False,
    declared=lambda c: d.fk_target(c.declared),
    live=_right,
    message=lambda c: (
        f"foreign key on {d.where(c)} targets {d.fk_target(c.declared)}, but the database names it "
        f"{_right(c)}: "
        + (c.details.get("server_note")
           or "quoted names are case-sensitive on PostgreSQL, so creating the constraint fails")
        + ("" if c.live is not None else ", and the database has no such constraint")
    ),
    hint=_hint,
)
