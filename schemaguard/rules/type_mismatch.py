"""SG105 type_mismatch: a column's type differs between the model and the database."""

from ..schema.types import family, is_narrowing
from .findings import Rule


def _kind(type_text: str) -> str:
    return family(type_text).rstrip("0123456789")


def _narrowing(c) -> bool:  # type: ignore[no-untyped-def]
    return not c.details.get("enum_order") and is_narrowing(c.declared.type, c.live.type)


def _order(c) -> bool:  # type: ignore[no-untyped-def]
    # A native enum with the same labels in another order (drift/diff.py): ORDER BY on the column
    # sorts by label position, so results come back in another order than the model's.
    return bool(c.details.get("enum_order"))


RULE = Rule(
    code="SG105",
    kind="type_mismatch",
    summary="A column's declared type differs from its type in the database.",
    floor="warning",
    # Error when the value kind differs (text vs integer) or existing data may not fit; a wider
    # declared type of the same kind (BIGINT declared, INTEGER live) is a warning.
    severity=lambda c: "warning" if _order(c) else "error" if _kind(c.declared.type) != _kind(c.live.type) or _narrowing(c) else "warning",
    destructive=_narrowing,
    declared=lambda c: c.declared.type,
    live=lambda c: c.live.type,
    message=lambda c: (
        f"the enum type of {', '.join(c.details.get('columns') or [f'{c.table}.{c.column}'])} has the model's "
        f"labels in another order ({c.live.type} in the database, {c.declared.type} in the model); ORDER BY "
        "and comparisons (<, >) on it sort by label position, differently than the model's order"
    ) if _order(c) else (
        f"column {c.table}.{c.column} is {c.live.type} in the database but the model declares "
        f"{c.declared.type}"
        + (
            "; converting it can truncate or reject existing values"
            if _narrowing(c)
            else "; values the model accepts can be rejected or altered by the database"
        )
    ),
    hint=lambda c: (
        "reorder the model's Enum labels as the database has them; reordering the database's type needs a "
        "new type and a swap (sync never does it)"
    ) if _order(c) else (
        f"change the model to {c.live.type} if the database is right; otherwise migrate with a new "
        "column, a backfill and a swap, since an in-place narrowing rewrites the table and can fail"
        if _narrowing(c)
        else f"change the model to {c.live.type}, or migrate the column to {c.declared.type}"
    ),
)
