"""SG119 enum_label_missing: the model's enum has a label the database's enum type lacks."""

from . import describe as d
from .findings import Rule

RULE = Rule(
    code="SG119",
    kind="enum_label_missing",
    summary="A label of a declared enum is missing from the database's enum type.",
    floor="error",
    # The app can write a value the database refuses (invalid input value for enum): error.
    severity=lambda c: "error",
    destructive=lambda c: False,
    declared=lambda c: c.declared.type,
    live=lambda c: c.live.type,
    message=lambda c: (
        f"the enum type of {d.enum_columns(c)} lacks {d.labels(c.details['labels'])} in the database; "
        "writing that value fails"
    ),
    hint=lambda c: (
        f"add the label: ALTER TYPE ... ADD VALUE {d.labels(c.details['labels'][:1])} "
        "(`schemaguard sync` does it in every mode)"
        if c.details.get("enum_type", True) else
        # MySQL/MariaDB: the labels belong to the column's own ENUM(...) type.
        f"add the label: ALTER TABLE {c.table} MODIFY {c.column} with the model's ENUM list, the rest of the "
        "column restated as it is (`schemaguard sync --mode alter` does it in development)"
    ),
)
