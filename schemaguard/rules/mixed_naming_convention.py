"""SG206 mixed_naming_convention: the declared tables or columns mix snake_case and camelCase."""

from . import describe as d
from .findings import Rule


def _message(c) -> str:  # type: ignore[no-untyped-def]
    names = ", ".join(c.details["minority"])
    minority, dominant = c.details["minority_style"], c.details["dominant_style"]
    if c.details["scope"] == "table":
        return (
            f"table {names} is {minority} while the other tables are {dominant}; a model named in "
            "another style than the database usually lacks a mapping to the real table name"
        )
    return (
        f"table {c.table} declares {minority} columns ({names}) while the other columns of the "
        f"schema are {dominant}; such columns usually lack a mapping to the real column names"
    )


def _hint(c) -> str:  # type: ignore[no-untyped-def]
    suggested = c.details.get("suggested") or {}
    if c.details["scope"] == "table":
        name = c.details["minority"][0]
        target = suggested.get(name)
        if d.is_sequelize(c):
            return f"set tableName: '{target}' in the model options" if target else "set tableName in the model options"
        return f'set __tablename__ = "{target}"' if target else "name the table in the schema's style"
    if d.is_sequelize(c):
        return "set underscored: true on the model (or define: { underscored: true }), or add field: names"
    if suggested:
        pairs = ", ".join(f'{k} = mapped_column("{v}", ...)' for k, v in suggested.items())
        return f"map each attribute to its column name; the attribute names can stay: {pairs}"
    return "pick one naming style for the schema's columns and map attribute names to it"


RULE = Rule(
    code="SG206",
    kind="mixed_naming_convention",
    summary="The declared schema mixes snake_case and camelCase names.",
    floor="error",
    severity=lambda c: "error",
    destructive=lambda c: False,
    declared=lambda c: ", ".join(c.details["minority"]),
    live=lambda c: None,
    message=_message,
    hint=_hint,
)
