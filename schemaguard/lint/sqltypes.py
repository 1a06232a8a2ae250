"""Column types as the linter sees them (from SQL or from SQLAlchemy calls), and how a change between
two of them is judged: the same, safe in place, narrowing (values can be lost or rejected), or a
plain change (a rewrite under a lock on PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Verdict = Literal["same", "safe", "narrowing", "change"]

# Every spelling the readers meet, mapped to one canonical name per type.
_ALIASES = {
    # strings
    "varchar": "varchar", "character varying": "varchar", "string": "varchar", "unicode": "varchar",
    "nvarchar": "varchar", "varchar2": "varchar", "nchar varying": "varchar",
    "char": "char", "character": "char", "bpchar": "char", "nchar": "char",
    "text": "text", "unicodetext": "text", "clob": "text", "tinytext": "tinytext",
    "mediumtext": "mediumtext", "longtext": "longtext",
    # integers
    "int2": "smallint", "smallint": "smallint", "smallinteger": "smallint", "tinyint": "tinyint",
    "mediumint": "mediumint", "int": "integer", "int4": "integer", "integer": "integer",
    "int8": "bigint", "bigint": "bigint", "biginteger": "bigint",
    # exact and approximate numbers
    "numeric": "numeric", "decimal": "numeric", "dec": "numeric",
    "float4": "real", "real": "real", "float8": "double", "double": "double",
    "double precision": "double", "double_precision": "double",
    # others
    "bool": "boolean", "boolean": "boolean", "date": "date", "time": "time", "timetz": "timetz",
    "timestamp": "timestamp", "datetime": "timestamp", "timestamptz": "timestamptz",
    "interval": "interval", "enum": "enum", "json": "json", "jsonb": "jsonb", "uuid": "uuid",
    "bytea": "bytea", "largebinary": "bytea", "blob": "bytea", "binary": "bytea",
    "varbinary": "bytea",
}
STRINGS = frozenset({"varchar", "char", "text", "tinytext", "mediumtext", "longtext"})
INTEGERS = {"tinyint": 1, "smallint": 2, "mediumint": 3, "integer": 4, "bigint": 8}
# Decimal digits an integer type can need (for integer -> numeric(p, s)).
_INT_DIGITS = {"tinyint": 3, "smallint": 5, "mediumint": 8, "integer": 10, "bigint": 19}
FLOATS = {"real": 4, "double": 8}
_MYSQL_TEXT = {"tinytext": 255, "text": 65_535, "mediumtext": 16_777_215, "longtext": 4_294_967_295}
_UNBOUNDED = 1 << 62


@dataclass(frozen=True)
class ColumnType:
    """A column type reduced to what judging a change needs."""

    name: str
    # Length for strings; precision and scale for numeric.
    args: tuple[int, ...] = ()
    # Enum labels; None when they are not known (an Enum built from a Python class).
    values: tuple[str, ...] | None = None
    array: bool = False

    def render(self) -> str:
        if self.name == "enum":
            if self.values is None:
                return "ENUM"
            return "ENUM(" + ", ".join(self.values) + ")"
        base = {"double": "DOUBLE PRECISION", "timestamptz": "TIMESTAMP WITH TIME ZONE"}.get(
            self.name, self.name.upper()
        )
        if self.args:
            base += "(" + ",".join(str(a) for a in self.args) + ")"
        return base + ("[]" if self.array else "")


def canonical(name: str) -> str:
    """The canonical name of a type spelling (`int4`, `Integer`, `INT` -> `integer`)."""
    key = name.strip().lower()
    return _ALIASES.get(key, key)


def make_type(
    name: str,
    args: tuple[int, ...] = (),
    *,
    values: tuple[str, ...] | None = None,
    array: bool = False,
    timezone: bool = False,
    dialect: str = "postgresql",
) -> ColumnType:
    """Build a ColumnType from a raw spelling, folding the dialect's synonyms."""
    canon = canonical(name)
    if canon == "float":
        # SQL FLOAT(p): p <= 24 is single precision. A bare FLOAT is double on PostgreSQL and
        # SQLite, single (4 bytes) on MySQL.
        if args:
            canon = "real" if args[0] <= 24 else "double"
        else:
            canon = "real" if dialect == "mysql" else "double"
        args = ()
    if canon == "timestamp" and timezone:
        canon = "timestamptz"
    if canon in ("integer", "bigint", "smallint", "tinyint", "mediumint", "real", "double",
                 "boolean", "date", "text", "json", "jsonb", "uuid", "bytea"):
        args = ()  # display widths (INT(11)) and the like change nothing
    if canon == "numeric" and len(args) == 1:
        args = (args[0], 0)
    if canon == "enum" and values is None:
        values = None
    return ColumnType(canon, tuple(args), values if canon == "enum" else None, array)


def _string_capacity(t: ColumnType, dialect: str) -> int:
    if t.name in ("varchar", "char"):
        return t.args[0] if t.args else (1 if t.name == "char" else _UNBOUNDED)
    if dialect == "mysql":
        return _MYSQL_TEXT.get(t.name, _UNBOUNDED)
    return _UNBOUNDED


def _numeric_shape(t: ColumnType) -> tuple[int, int] | None:
    """(integer digits, fraction digits) of numeric(p, s); None when unbounded."""
    if t.name != "numeric" or not t.args:
        return None
    p, s = t.args[0], (t.args[1] if len(t.args) > 1 else 0)
    return p - s, s


KNOWN = frozenset(_ALIASES.values())


def classify(old: ColumnType, new: ColumnType, dialect: str) -> tuple[Verdict, str]:
    """Judge a type change: the verdict and, for narrowing or a change, why in a few words."""
    if old == new:
        return "same", ""
    if old.name not in KNOWN or new.name not in KNOWN:
        # A custom or unfamiliar type: what it holds is unknown, so it is no more than a change.
        return "change", f"every row is converted from {old.render()} to {new.render()}"
    if old.array != new.array:
        return "change", "array and scalar types do not convert in place"
    o, n = old.name, new.name
    if o in STRINGS and n in STRINGS:
        cap_o, cap_n = _string_capacity(old, dialect), _string_capacity(new, dialect)
        if cap_n < cap_o:
            limit = f"{cap_n:,} characters" if n in ("varchar", "char") else f"{cap_n:,} bytes"
            return "narrowing", f"values longer than {limit} do not fit"
        if dialect == "sqlite":
            return "safe", ""  # SQLite does not enforce lengths at all
        if dialect == "postgresql" and o == "varchar" and n in ("varchar", "text"):
            return "safe", ""  # binary-coercible and no longer limit: no rewrite, no scan
        if dialect == "postgresql" and o == "text" and n == "varchar" and not new.args:
            return "safe", ""
        if dialect == "mysql" and o == n == "varchar":
            # In place as long as the length prefix keeps its size: one byte up to 255 bytes
            # (utf8mb4, MySQL 8's default, takes up to 4 bytes a character).
            if (cap_o * 4 <= 255) == (cap_n * 4 <= 255):
                return "safe", ""
            return "change", "MySQL copies the table when the length prefix grows past 255 bytes"
        return "change", "the column is rewritten with the new type"
    if o in INTEGERS and n in INTEGERS:
        if INTEGERS[n] < INTEGERS[o]:
            return "narrowing", f"values outside the {new.render()} range do not fit"
        return "change", "every row is rewritten with the wider integer"
    if o == "numeric" and n == "numeric":
        so, sn = _numeric_shape(old), _numeric_shape(new)
        if sn is not None and (so is None or sn[0] < so[0] or sn[1] < so[1]):
            if so is not None and sn[1] < so[1] and sn[0] >= so[0]:
                return "narrowing", f"digits beyond scale {sn[1]} are rounded away"
            return "narrowing", f"values that need more digits than {new.render()} allows do not fit"
        if dialect == "postgresql" and (sn is None or (so is not None and sn[1] == so[1])):
            return "safe", ""  # more precision with the same scale: no rewrite on PostgreSQL
        return "change", "the column is rewritten with the new precision"
    if o in INTEGERS and n == "numeric":
        shape = _numeric_shape(new)
        if shape is not None and shape[0] < _INT_DIGITS[o]:
            return "narrowing", f"integers with more than {shape[0]} digits do not fit"
        return "change", "every row is rewritten as numeric"
    if (o == "numeric" or o in FLOATS) and n in INTEGERS:
        return "narrowing", "fractional parts are rounded away and large values do not fit"
    if o in FLOATS and n in FLOATS:
        if FLOATS[n] < FLOATS[o]:
            return "narrowing", "values lose precision and very large ones do not fit"
        return "change", "every row is rewritten with the wider type"
    if o in ("timestamp", "timestamptz") and n in ("date", "time", "timetz"):
        return "narrowing", f"the {'time of day' if n == 'date' else 'date'} part is cut off"
    if o == "enum" and n == "enum":
        if old.values is not None and new.values is not None:
            removed = [v for v in old.values if v not in new.values]
            if removed:
                if len(removed) == 1:
                    return "narrowing", f"enum value {removed[0]} is removed"
                return "narrowing", "enum values " + ", ".join(removed) + " are removed"
            return "change", "enum values are added"
        return "change", "the enum's values change"
    if o in STRINGS and n not in STRINGS:
        return "narrowing", f"text values that do not convert to {new.render()} make it fail"
    return "change", f"every row is converted from {old.render()} to {new.render()}"
