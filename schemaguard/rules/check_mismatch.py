"""SG118 check_mismatch: a CHECK constraint means something else in the model than in the database."""

from . import describe as d
from .findings import Rule

RULE = Rule(
    code="SG118",
    kind="check_mismatch",
    summary="A CHECK constraint's expression differs in meaning between the model and the database.",
    floor="warning",
    # Either side may be the stricter one; which rows are refused differs from what the code expects.
    severity=lambda c: "warning",
    destructive=lambda c: False,
    declared=lambda c: d.check(c.declared),
    live=lambda c: d.check(c.live),
    message=lambda c: (
        f"CHECK on {d.where(c)} is {d.check(c.live)} in the database but the model declares "
        f"{d.check(c.declared)}; the two accept different rows"
    ),
    hint=lambda c: (
        "make the model's CheckConstraint say what the database does, or replace the constraint "
        "(`schemaguard sync --mode alter` drops the old one and adds the declared one)"
    ),
)
