"""SG202 table_name_case: the declared table name differs from the live one only by case or quoting."""

from . import describe as d
from .findings import Rule


def _hint(c) -> str:  # type: ignore[no-untyped-def]
    if d.is_sequelize(c):
        return f"set tableName: '{c.live}' in the model options so it names the existing table"
    return f'set __tablename__ = "{c.live}" (or Table("{c.live}", ...)) so the model names the existing table'


RULE = Rule(
    code="SG202",
    kind="table_name_case",
    summary="The model names an existing table in the wrong case or style.",
    floor="error",
    severity=lambda c: "error",
    destructive=lambda c: False,
    declared=lambda c: c.declared,
    live=lambda c: c.live,
    message=lambda c: (
        f"the model declares table {c.declared} but the database has {c.live}: it is the same table "
        "named differently, and a naive sync would create an empty second table or drop this one"
        + (f"; {c.details['server_note']}" if c.details.get("server_note") else "")
    ),
    hint=_hint,
)
