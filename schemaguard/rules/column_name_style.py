"""SG203 column_name_style: a declared column differs from the live one only by case/underscores."""

from . import describe as d
from .findings import Rule


def _hint(c) -> str:  # type: ignore[no-untyped-def]
    attr = c.declared.key or c.declared.name
    live = c.live.name
    if d.is_sequelize(c):
        return f"add field: '{live}' to the {attr} attribute, or set underscored: true on the model"
    return (
        f'map the attribute to the existing column: {attr}: Mapped[...] = mapped_column("{live}", ...) '
        f'(or Column("{live}", ...)); the attribute name can stay {attr}'
    )


def _message(c) -> str:  # type: ignore[no-untyped-def]
    head = f"the model declares column {c.declared.name} on {c.table} but the database column is {c.live.name}"
    note = c.details.get("server_note")
    if c.details.get("queries_work"):
        # MySQL: the names differ only by case, which its column names ignore.
        return (
            f"{head}: {note}; a sync or another database that compares names exactly would still drop "
            f"{c.live.name} with its data and add an empty {c.declared.name}"
        )
    return (
        f"{head}: a missing column-name mapping, so queries fail, and a naive sync would drop "
        f"{c.live.name} with its data and add an empty {c.declared.name}" + (f"; {note}" if note else "")
    )


RULE = Rule(
    code="SG203",
    kind="column_name_style",
    summary="A model column differs from the database column only by case or underscores.",
    floor="error",
    severity=lambda c: "error",
    destructive=lambda c: False,
    declared=lambda c: c.declared.name,
    live=lambda c: c.live.name,
    message=lambda c: _message(c),
    hint=_hint,
)
