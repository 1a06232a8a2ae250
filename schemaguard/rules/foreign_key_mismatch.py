"""SG115 foreign_key_mismatch: a foreign key's target or ON DELETE/ON UPDATE action differs."""

from . import describe as d
from .findings import Rule


def _what(c) -> str:  # type: ignore[no-untyped-def]
    d, lv = c.declared, c.live
    if not c.details.get("same_target", True):
        return (
            f"points at {lv.ref_table}({', '.join(lv.ref_columns)}) in the database but at "
            f"{d.ref_table}({', '.join(d.ref_columns)}) in the model; the database checks the wrong "
            "relationship"
        )
    parts = []
    if d.ondelete != lv.ondelete:
        parts.append(f"ON DELETE is {lv.ondelete} in the database but {d.ondelete} in the model")
    if d.onupdate != lv.onupdate:
        parts.append(f"ON UPDATE is {lv.onupdate} in the database but {d.onupdate} in the model")
    return "; ".join(parts) + "; deletes and updates of the referenced rows behave differently than the code expects"


RULE = Rule(
    code="SG115",
    kind="foreign_key_mismatch",
    summary="A foreign key differs in target or actions between model and database.",
    floor="warning",
    severity=lambda c: "warning",
    destructive=lambda c: False,
    declared=lambda c: d.fk(c.declared),
    live=lambda c: d.fk(c.live),
    message=lambda c: f"foreign key on {d.where(c)}: {_what(c)}",
    hint=lambda c: "make the model's ForeignKey(..., ondelete=..., onupdate=...) match, or recreate the constraint",
)
