"""How snapshot objects are spelled in findings: `VARCHAR(255) NOT NULL`, `(a, b)`, `users.id`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..schema.snapshot import Check, Column, ForeignKey, Index, UniqueConstraint

if TYPE_CHECKING:
    # Annotations only: the linter imports the rule registry, and needs no diff.
    from ..drift.diff import Change


def column(col: Any) -> str | None:
    if not isinstance(col, Column):
        return None
    text = col.type or "unknown type"
    if not col.nullable:
        text += " NOT NULL"
    if col.default is not None:
        text += f" DEFAULT {col.default}"
    return text


def cols(names: tuple[str, ...] | list[str]) -> str:
    return "(" + ", ".join(names) + ")"


def index(obj: Any) -> str | None:
    if isinstance(obj, Index):
        prefix = "UNIQUE " if obj.unique else ""
        return f"{prefix}INDEX {obj.name + ' ' if obj.name else ''}{cols(elements(obj))}"
    if isinstance(obj, UniqueConstraint):
        return f"UNIQUE {obj.name + ' ' if obj.name else ''}{cols(obj.columns)}"
    return None


def elements(obj: Index) -> list[str]:
    """An index's elements with their ordering, collation, operator class and prefix length:
    `version DESC`, `name(10)`."""
    options = obj.options or ("",) * len(obj.columns)
    # A prefix length ("(10)") is written against the name, as MySQL writes it.
    return [(f"{c}{o}" if o.startswith("(") else f"{c} {o}") if o else c
            for c, o in zip(obj.columns, options, strict=False)]


def consequence(change: Change, text: str) -> str:
    """`text` (what the difference lets happen), unless the twin on the other side (differs_from)
    enforces the same uniqueness: then only the index differs."""
    twin = change.details.get("differs_from") if change.details else None
    own = change.live if change.kind.endswith("_extra") else change.declared

    def unique(obj: Any) -> bool:
        # (a unique prefix, name(10), is another uniqueness: stricter than the whole column's)
        return isinstance(obj, UniqueConstraint) or (
            isinstance(obj, Index) and obj.unique and not any("(" in o for o in obj.options))

    if twin is not None and unique(twin) and unique(own):
        same = "both sides enforce the same uniqueness, by different indexes"
        if change.kind.startswith("unique_"):
            return ("not this way: " if change.kind.endswith("_missing") else "in the database, not declared this way: ") + same
        return "; " + same
    return text


def differs(change: Change) -> str:
    """`; the database has INDEX ix (b) ...` when a missing or extra index has a twin on the other
    side over the same elements in another order, collation or operator class."""
    twin = change.details.get("differs_from") if change.details else None
    if not isinstance(twin, (Index, UniqueConstraint)):
        return ""
    side = "the model declares" if change.kind.endswith("_extra") else "the database has"
    return f"; {side} {index(twin)} over the same elements in another order, collation or operator class, or prefix length"


def fk(obj: Any) -> str | None:
    if not isinstance(obj, ForeignKey):
        return None
    text = f"{cols(obj.columns)} -> {obj.ref_table}{cols(obj.ref_columns)}"
    if obj.ondelete != "NO ACTION":
        text += f" ON DELETE {obj.ondelete}"
    if obj.onupdate != "NO ACTION":
        text += f" ON UPDATE {obj.onupdate}"
    return text


def fk_target(obj: Any) -> str | None:
    if not isinstance(obj, ForeignKey):
        return None
    return f"{obj.ref_table}.{','.join(obj.ref_columns)}"


def check(obj: Any) -> str | None:
    """`CHECK (x > 0)`, or `CONSTRAINT name CHECK (x > 0)`: the expression as that side wrote it."""
    if not isinstance(obj, Check):
        return None
    expr = obj.expression.strip()
    if not (expr.startswith("(") and expr.endswith(")")):
        expr = f"({expr})"
    return (f"CONSTRAINT {obj.name} " if obj.name else "") + f"CHECK {expr}"


def labels(values: Any) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def enum_columns(change: Change) -> str:
    """`users.status` or `users.status, orders.status` (every column of one enum type)."""
    return ", ".join(change.details.get("columns") or [where(change)])


def where(change: Change) -> str:
    """`users.email` or `users` for messages."""
    if change.column:
        return f"{change.table}.{change.column}"
    return str(change.table)


def is_sequelize(change: Change) -> bool:
    return change.flavor == "sequelize"
