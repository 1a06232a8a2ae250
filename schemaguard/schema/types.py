"""Column types compared by meaning: one canonical text per type and dialect.

Both sides are SQLAlchemy type objects (declared ones from the models, live ones from the
inspector), so each is compiled by the target dialect's own type compiler and the few spellings
that name the same storage are folded together (FLOAT(53) and DOUBLE PRECISION, SERIAL and
INTEGER, TIMESTAMP WITHOUT TIME ZONE and TIMESTAMP, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect

_WS = re.compile(r"\s+")
_COLLATE = re.compile(r"\s+COLLATE\s+(.+)$", re.IGNORECASE)
_PARAMS = re.compile(r"^(?P<name>[^(]+)(?:\((?P<args>[^)]*)\))?(?P<rest>.*)$")

# Spellings that PostgreSQL stores as the same type.
_PG_ALIASES = {
    "FLOAT": "DOUBLE PRECISION",
    "DOUBLE": "DOUBLE PRECISION",
    "FLOAT8": "DOUBLE PRECISION",
    "FLOAT4": "REAL",
    "TIMESTAMP WITHOUT TIME ZONE": "TIMESTAMP",
    "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
    "TIME WITHOUT TIME ZONE": "TIME",
    "TIME WITH TIME ZONE": "TIMETZ",
    "CHARACTER VARYING": "VARCHAR",
    "CHARACTER": "CHAR",
    "INT": "INTEGER",
    "INT4": "INTEGER",
    "INT8": "BIGINT",
    "INT2": "SMALLINT",
    "SERIAL": "INTEGER",
    "BIGSERIAL": "BIGINT",
    "SMALLSERIAL": "SMALLINT",
    "DECIMAL": "NUMERIC",
    "BOOL": "BOOLEAN",
    "NVARCHAR": "VARCHAR",
    "NCHAR": "CHAR",
}

_SQLITE_ALIASES = {
    "INT": "INTEGER",
    "BOOL": "BOOLEAN",
    "NVARCHAR": "VARCHAR",
    # One storage class, an 8-byte float, whatever the column says; the inspector itself reads
    # DOUBLE PRECISION back as REAL.
    "DOUBLE PRECISION": "REAL",
    "DOUBLE": "REAL",
    "FLOAT": "REAL",
    # SQLite stores these alike and SQLAlchemy reads them back alike (DateTime, Numeric); schemas
    # written by other tools (Rails, Django) spell them TIMESTAMP and DECIMAL.
    "TIMESTAMP": "DATETIME",
    "DECIMAL": "NUMERIC",
}

_MYSQL_ALIASES = {
    "INT": "INTEGER",
    "BOOL": "BOOLEAN",
    "DOUBLE PRECISION": "DOUBLE",
}


def _fold_postgresql(name: str, args: list[str]) -> tuple[str, list[str]]:
    if name == "FLOAT":
        # PostgreSQL: float(1..24) is real, float(25..53) and plain float are double precision.
        if args and args[0].isdigit() and int(args[0]) <= 24:
            return "REAL", []
        return "DOUBLE PRECISION", []
    if name in ("DOUBLE PRECISION", "REAL"):
        return name, []
    name = _PG_ALIASES.get(name, name)
    if name == "CHAR" and not args:
        args = ["1"]
    return name, args


@dataclass(frozen=True)
class TypeSpec:
    """A canonical type: its base name and its arguments (length, precision, scale, values)."""

    name: str
    args: tuple[str, ...] = ()
    suffix: str = ""

    def __str__(self) -> str:
        text = self.name
        if self.args:
            text += "(" + ", ".join(self.args) + ")"
        return text + self.suffix


@lru_cache(maxsize=4096)  # TypeSpec is frozen: one per distinct text
def parse_type(text: str) -> TypeSpec:
    """Read canonical type text back into its parts."""
    m = _PARAMS.match(text.strip())
    if not m:
        return TypeSpec(text.strip())
    args = [a.strip() for a in m.group("args").split(",")] if m.group("args") else []
    return TypeSpec(m.group("name").strip(), tuple(args), m.group("rest").strip())


@lru_cache(maxsize=4096)  # a schema repeats a few dozen spellings over thousands of columns
def canonical_text(text: str, dialect_name: str) -> str:
    """Fold a compiled type text into the canonical spelling for its dialect."""
    text = _WS.sub(" ", text.strip()).upper()
    # String(collation=...) compiles to `VARCHAR(10) COLLATE "C"`: keep the collation apart from
    # the name and its arguments. SQLite's inspector does not report collations, so there it is
    # left out of the comparison.
    collate = ""
    m = _COLLATE.search(text)
    if m:
        text = text[: m.start()]
        collate = "" if dialect_name == "sqlite" else " COLLATE " + m.group(1)
    array = ""
    while text.endswith("[]"):
        array += "[]"
        text = text[:-2].rstrip()
    spec = parse_type(text)
    name, args = spec.name, list(spec.args)
    # Words after the parentheses, as in TIMESTAMP(3) WITH TIME ZONE, belong to the name.
    rest = spec.suffix
    if rest:
        name = f"{name} {rest}"
    if dialect_name == "postgresql":
        name, args = _fold_postgresql(name, args)
        # PostgreSQL does not enforce an array's declared dimensions: INTEGER[][] is INTEGER[].
        array = array[:2]
    elif dialect_name == "sqlite":
        name = _SQLITE_ALIASES.get(name, name)
        if name == "REAL":
            args = []
    elif dialect_name in ("mysql", "mariadb"):
        name = _MYSQL_ALIASES.get(name, name)
    return str(TypeSpec(name, tuple(args))) + array + collate


def canonical_type(type_: Any, dialect: Dialect) -> str | None:
    """The canonical text of a SQLAlchemy type on a dialect; None for an unknown (NullType) type."""
    NullType, Enum, CompileError = _sqlalchemy_names()
    if isinstance(type_, NullType):
        return None
    if isinstance(type_, Enum) and _native_enum(type_, dialect):
        values = ", ".join("'" + str(v).replace("'", "''") + "'" for v in type_.enums)
        return f"ENUM({values})"
    try:
        compiled = dialect.type_compiler_instance.process(type_)
    except (CompileError, NotImplementedError, AttributeError, TypeError):
        # A type the dialect cannot render (a PostgreSQL-only type on SQLite...): compare by name.
        compiled = getattr(type_, "__visit_name__", type(type_).__name__)
    else:
        if dialect.name == "sqlite":
            compiled = _as_sqlite_reflects(str(compiled), dialect)
    return canonical_text(str(compiled), dialect.name)


@lru_cache(maxsize=1)
def _sqlalchemy_names() -> tuple[Any, Any, Any]:
    # Imported on first use (this module is imported by commands that never load SQLAlchemy) and
    # then kept: canonical_type runs once per column, and a function-level import costs as much
    # as the rest of it.
    from sqlalchemy import types as sqltypes
    from sqlalchemy.exc import CompileError

    return sqltypes.NullType, sqltypes.Enum, CompileError


def _as_sqlite_reflects(text: str, dialect: Dialect) -> str:
    """A type name read back the way SQLAlchemy's SQLite inspector reads a column's declared type:
    names it does not know fall to their affinity (CLOB is TEXT, DOUBLE PRECISION is REAL).
    Reflected types come back unchanged, so both sides meet in the same spelling."""
    import warnings

    from sqlalchemy import types as sqltypes
    from sqlalchemy.exc import CompileError

    resolve = getattr(dialect, "_resolve_type_affinity", None)
    if resolve is None:
        return text
    # SQLite's table_info gives the type without its COLLATE clause; so does this.
    text = _COLLATE.sub("", text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            resolved = resolve(text)
        if isinstance(resolved, sqltypes.NullType):
            return text
        return str(dialect.type_compiler_instance.process(resolved))
    except (CompileError, TypeError, ValueError, AttributeError):  # a private helper: never fatal
        return text


def _native_enum(type_: Any, dialect: Dialect) -> bool:
    return bool(getattr(type_, "native_enum", False)) and bool(
        getattr(dialect, "supports_native_enum", False)
    )


# --- Type families: what counts as "the same kind of value" --------------------------------------

_STRINGS = {"VARCHAR", "TEXT", "CHAR", "CLOB", "STRING", "NVARCHAR", "NCHAR", "CITEXT"}
_INT_WIDTH = {"SMALLINT": 2, "INTEGER": 4, "BIGINT": 8, "TINYINT": 1, "MEDIUMINT": 3}
_FLOAT_WIDTH = {"REAL": 4, "FLOAT": 8, "DOUBLE": 8, "DOUBLE PRECISION": 8}


@lru_cache(maxsize=4096)
def family(text: str) -> str:
    """A coarse family used to decide whether an FK column can hold its target's values."""
    spec = parse_type(text)
    base = spec.name
    if text.endswith("[]"):
        return "array"
    if base in _STRINGS:
        return "string"
    if base in _INT_WIDTH:
        return f"int{_INT_WIDTH[base]}"
    if base in _FLOAT_WIDTH:
        return f"float{_FLOAT_WIDTH[base]}"
    if base in ("NUMERIC", "DECIMAL"):
        return "numeric"
    if base.startswith("ENUM"):
        return "enum"
    return base.lower()


_INT_DIGITS = {1: 3, 2: 5, 3: 8, 4: 10, 8: 19}  # decimal digits of the largest value
_FLOAT_MANTISSA = {4: 24, 8: 53}  # bits of an IEEE float's significand


@lru_cache(maxsize=16384)
def is_narrowing(declared: str, live: str) -> bool:
    """True when changing the live type to the declared one can lose or reject existing values."""
    if declared.endswith("[]") and live.endswith("[]"):
        return is_narrowing(declared[:-2], live[:-2])  # arrays narrow as their elements do
    d, lv = parse_type(declared), parse_type(live)
    fd, fl = family(declared), family(live)
    if fd == fl == "string":
        if d.name == "TEXT":
            return False
        if lv.name == "TEXT" or not lv.args:
            return bool(d.args)
        if d.args and lv.args and d.args[0].isdigit() and lv.args[0].isdigit():
            return int(d.args[0]) < int(lv.args[0])
        return False
    if fd.startswith("int") and fl.startswith("int"):
        return int(fd[3:]) < int(fl[3:])
    if fd.startswith("float") and fl.startswith("float"):
        return int(fd[5:]) < int(fl[5:])
    if fd == fl == "numeric":
        if not d.args:
            return False
        if not lv.args:
            return True
        dp, ds = int(d.args[0]), int(d.args[1]) if len(d.args) > 1 else 0
        lp, ls = int(lv.args[0]), int(lv.args[1]) if len(lv.args) > 1 else 0
        return ds < ls or (dp - ds) < (lp - ls)
    if fd.startswith("int") and (fl.startswith("float") or fl == "numeric"):
        return True
    if fd == "enum" and fl == "enum":
        return not set(d.args) >= set(lv.args)
    if fd == "string" and fl in ("uuid", "enum") or fl == "string" and fd in ("uuid", "enum"):
        # Text holds any uuid/enum value; the other way round existing text may not parse.
        return fl == "string"
    if fl.startswith("int") and fd == "numeric":
        # NUMERIC(5) cannot hold every INTEGER; an unbounded NUMERIC can.
        if not d.args or not d.args[0].isdigit():
            return False
        scale = int(d.args[1]) if len(d.args) > 1 and d.args[1].isdigit() else 0
        return int(d.args[0]) - scale < _INT_DIGITS[int(fl[3:])]
    if fl.startswith("int") and fd.startswith("float"):
        # REAL holds integers exactly only up to 2**24, DOUBLE PRECISION up to 2**53.
        return _FLOAT_MANTISSA.get(int(fd[5:]), 53) < int(fl[3:]) * 8 - 1
    return fd != fl
