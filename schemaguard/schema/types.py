"""Canonical type text read back into its parts, and what one type means against another
(families, narrowing). The canonical text itself is each database's own (schemaguard.dialects:
`Dialect.canonical_type` compiles a type with the database's type compiler and folds the spellings
that name the same storage: FLOAT(53) and DOUBLE PRECISION, SERIAL and INTEGER, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_PARAMS = re.compile(r"^(?P<name>[^(]+)(?:\((?P<args>[^)]*)\))?(?P<rest>.*)$")


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
    if base.endswith(" UNSIGNED") and base[: -len(" UNSIGNED")] in _INT_WIDTH:
        # MySQL's unsigned integers: neither range holds the other's (negatives, the top half).
        return f"uint{_INT_WIDTH[base[: -len(' UNSIGNED')]]}"
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
    if fd.startswith("uint") and fl.startswith("uint"):
        return int(fd[4:]) < int(fl[4:])
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


_ENUM_LABEL = re.compile(r"'((?:[^']|'')*)'")


def enum_labels(text: str | None) -> tuple[str, ...] | None:
    """The labels of a native enum's canonical text `ENUM('a', 'b')`, in order; None for any
    other type."""
    if not text or not text.upper().startswith("ENUM(") or not text.endswith(")"):
        return None
    return tuple(m.group(1).replace("''", "'") for m in _ENUM_LABEL.finditer(text[5:-1]))
