"""SG120 enum_label_extra: the database's enum type has a label the model's enum does not."""

from . import describe as d
from .findings import Rule

RULE = Rule(
    code="SG120",
    kind="enum_label_extra",
    summary="The database's enum type has a label the declared enum does not.",
    floor="warning",
    # Rows may hold a value the application cannot read back into its enum (a LookupError on
    # load), but nothing the application writes is refused: warning.
    severity=lambda c: "warning",
    destructive=lambda c: True,
    declared=lambda c: c.declared.type,
    live=lambda c: c.live.type,
    message=lambda c: (
        f"the enum type of {d.enum_columns(c)} has {d.labels(c.details['labels'])} in the database, "
        "which the model does not declare; rows holding it cannot be loaded into the model's enum"
    ),
    hint=lambda c: (
        "add the label to the model's Enum; removing it from the database needs a new type, an "
        "update of every column that uses it and a swap (sync never does it)"
    ),
)
