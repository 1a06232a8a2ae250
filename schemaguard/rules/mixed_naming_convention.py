"""SG206 mixed_naming_convention: the declared tables or columns mix snake_case and camelCase."""

from ..findings import Rule
from . import describe as d


def _message(c) -> str:  # type: ignore[no-untyped-def]
    names = ", ".join(c.details["minority"])
    style = c.details["minority_style"]
    if c.details["scope"] == "tables":
        return f"the models mix naming styles: tables {names} are {style} while the rest are not"
    return (
        f"table {c.table} declares {style} columns ({names}) while the schema's other columns use the "
        "other style; such columns usually lack a mapping to the real column names"
    )


def _hint(c) -> str:  # type: ignore[no-untyped-def]
    suggested = c.details.get("suggested") or {}
    if d.is_sequelize(c):
        return "set underscored: true on the model (or define: { underscored: true }) or add field: names"
    if suggested:
        pairs = ", ".join(f'{k} = mapped_column("{v}", ...)' for k, v in suggested.items())
        return f"pick one style for column names; keep attribute names if you like: {pairs}"
    return "pick one naming style for the schema and map attribute names to it"


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
