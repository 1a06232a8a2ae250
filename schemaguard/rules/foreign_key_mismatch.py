"""SG115 foreign_key_mismatch: a foreign key's target or ON DELETE/ON UPDATE action differs."""

from ..findings import Rule
from . import describe as d


def _what(c) -> str:  # type: ignore[no-untyped-def]
    if not c.details.get("same_target", True):
        return "points somewhere else"
    return "has different ON DELETE/ON UPDATE actions"


RULE = Rule(
    code="SG115",
    kind="foreign_key_mismatch",
    summary="A foreign key differs in target or actions between model and database.",
    floor="warning",
    severity=lambda c: "warning",
    destructive=lambda c: False,
    declared=lambda c: d.fk(c.declared),
    live=lambda c: d.fk(c.live),
    message=lambda c: (
        f"foreign key on {d.where(c)} {_what(c)} in the database ({d.fk(c.live)}) than in the model "
        f"({d.fk(c.declared)}); deletes and updates cascade differently than the code expects"
    ),
    hint=lambda c: "make the model's ForeignKey(..., ondelete=..., onupdate=...) match, or recreate the constraint",
)
