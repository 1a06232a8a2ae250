"""Server defaults normalized so that equal defaults compare equal whatever their spelling.

PostgreSQL hands back `'1'::integer`, `'x'::character varying`, `now()`; SQLite hands back the text
of the DDL, `'1'`, `CURRENT_TIMESTAMP`. The model compiles to `1`, `'x'`, `now()`. All of these
become one canonical text.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_IDENT = r"(?:\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)"
_TYPMOD = r"(?:\s*\(\s*\d+(?:\s*,\s*\d+)?\s*\))?"
# A cast as PostgreSQL writes it: `::integer`, `::character varying(20)`, `::"Enum"`,
# `::public.mood`, `::time(3) without time zone`, `::text[]`. The words of a multi-word type name
# must end at a word boundary: "with" is not the start of "without".
_CAST = re.compile(
    rf"::\s*{_IDENT}(?:\.{_IDENT})*{_TYPMOD}"
    rf"(?:\s+(?:varying|precision|without|with|time|zone)\b)*{_TYPMOD}(?:\[\])*",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"^'(?:[^']|'')*'$")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_NOW = {
    "now()",
    "current_timestamp",
    "current_timestamp()",
    "transaction_timestamp()",
    "localtimestamp",
    "statement_timestamp()",
    "getdate()",
    "datetime('now')",
    "(datetime('now'))",
}
_TRUE = {"true", "'t'", "'true'", "t", "1", "'1'", "yes", "on"}
_FALSE = {"false", "'f'", "'false'", "f", "0", "'0'", "no", "off"}


def _strip_parens(text: str) -> str:
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for i, ch in enumerate(text):
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0 and i != len(text) - 1:
                    return text
        text = text[1:-1].strip()
    return text


def _lower_outside_quotes(text: str) -> str:
    parts = re.split(r"('(?:[^']|'')*')", text)
    return "".join(p if p.startswith("'") else p.lower() for p in parts)


_TIGHT = re.compile(r"\s*,\s*|\(\s+|\s+\)")


def _tight_outside_quotes(text: str) -> str:
    """One space after a comma, none around it otherwise, none inside parentheses, outside quotes:
    MariaDB prints concat('a','b') back for a declared concat('a', 'b')."""
    parts = re.split(r"('(?:[^']|'')*')", text)
    return "".join(p if p.startswith("'") else _TIGHT.sub(lambda m: m.group(0).strip() + (" " if "," in m.group(0) else ""), p)
                   for p in parts)


def _strip_casts(text: str) -> str:
    parts = re.split(r"('(?:[^']|'')*')", text)
    return "".join(p if p.startswith("'") else _CAST.sub("", p) for p in parts)


def _number(text: str) -> str | None:
    if not _NUMBER.match(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    normalized = format(value.normalize(), "f")
    return "0" if normalized in ("-0", "+0") else normalized


def is_sequence_default(text: str | None) -> bool:
    """A PostgreSQL `nextval(...)` default: the mark of a SERIAL column, not a user default."""
    return bool(text) and "nextval(" in str(text).lower()


@lru_cache(maxsize=8192)  # a schema repeats a few hundred defaults over thousands of columns
def normalize_default(text: str | None, type_text: str | None = None) -> str | None:
    """The canonical form of a server default expression (None when there is no default)."""
    if text is None:
        return None
    out = _strip_parens(str(text).strip())
    if not out or out.upper() == "NULL":
        return None
    out = _strip_parens(_strip_casts(out).strip())
    out = _lower_outside_quotes(out)
    out = _tight_outside_quotes(re.sub(r"\s+", " ", out))
    if out == "null":
        return None
    if out in _NOW:
        return "current_timestamp"
    if out in ("current_date", "current_date()"):
        return "current_date"
    if out in ("current_time", "current_time()"):
        return "current_time"
    is_bool = bool(type_text) and str(type_text).upper().startswith("BOOL")
    if is_bool:
        if out in _TRUE:
            return "true"
        if out in _FALSE:
            return "false"
    if type_text and _QUOTED.match(out):
        typed = _typed_literal(out[1:-1].replace("''", "'"), type_text)
        if typed is not None:
            return "'" + typed.replace("'", "''") + "'"
    # A quoted number is the number: PostgreSQL writes '1'::integer, SQLite keeps '1'.
    inner = out[1:-1] if len(out) >= 2 and out[0] == out[-1] == "'" else out
    num = _number(inner.strip())
    if num is not None and (inner is out or _is_numeric_type(type_text)):
        return num
    if num is not None and type_text is None:
        return num
    return out


def _is_numeric_type(type_text: str | None) -> bool:
    if not type_text:
        return False
    name = type_text.upper()
    return any(
        name.startswith(p)
        for p in ("INT", "BIGINT", "SMALLINT", "NUMERIC", "DECIMAL", "REAL", "DOUBLE", "FLOAT", "TINYINT", "MEDIUMINT")
    )


# --- Typed literals --------------------------------------------------------------------------
# PostgreSQL parses a literal default of a date/time, interval or jsonb column when the table is
# created and hands back its own output form: '2020-1-2' becomes '2020-01-02', '5 minutes' becomes
# '00:05:00', a timestamptz literal comes back in UTC ('+00'), jsonb keys are reordered. Both sides
# are read into a value and written out one way, so that equal values compare equal.


def _typed_literal(value: str, type_text: str) -> str | None:
    """The canonical text of a literal of a temporal, interval or JSON type; None otherwise or
    when the literal does not parse (special values such as 'infinity' stay as written)."""
    from .types import parse_type

    # The type's precision does not matter: PostgreSQL keeps the literal's own fraction in the
    # default ('...05.5'::timestamp without time zone on a timestamp(0) column).
    name = parse_type(type_text.upper()).name
    try:
        if name == "DATE":
            return _parse_datetime(value).date().isoformat()
        if name in ("TIMESTAMP", "TIMESTAMPTZ", "DATETIME", "DATETIME2", "DATETIMEOFFSET"):
            dt = _parse_datetime(value)
            if name == "TIMESTAMPTZ":
                # Stored as an instant; a literal without an offset is read in the session's time
                # zone, taken here to be UTC, the default of most servers.
                if dt.tzinfo is None:
                    dt = dt.replace(tzinfo=UTC)
                return _format_clock(dt.astimezone(UTC).replace(tzinfo=None)) + "+00"
            if name == "TIMESTAMP":
                dt = dt.replace(tzinfo=None)  # PostgreSQL ignores an offset given to a timestamp
            return _format_clock(dt.replace(tzinfo=None)) + _format_offset(dt.utcoffset())
        if name in ("TIME", "TIMETZ"):
            t = time.fromisoformat(value.strip())
            if name == "TIMETZ":
                # A time with time zone keeps the offset it was given (UTC when none was given).
                offset = _format_offset(t.utcoffset()) or "+00"
                return _format_clock(t.replace(tzinfo=None)) + offset
            return _format_clock(t.replace(tzinfo=None))
        if name == "INTERVAL":
            return _interval(value)
        if name in ("JSON", "JSONB"):
            return json.dumps(json.loads(value), sort_keys=True, ensure_ascii=False)
    except (ValueError, OverflowError):
        return None
    return None


_LOOSE_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?=$|[ T])")


def _parse_datetime(value: str) -> datetime:
    # PostgreSQL accepts unpadded months and days (2020-1-2); fromisoformat does not.
    padded = _LOOSE_DATE.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d}", value.strip())
    return datetime.fromisoformat(padded)


def _format_clock(value: datetime | time) -> str:
    text = value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _format_offset(offset: timedelta | None) -> str:
    if offset is None:
        return ""
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    hours, minutes = divmod(minutes, 60)
    return f"{sign}{hours:02d}" + (f":{minutes:02d}" if minutes else "")


_INTERVAL_UNITS = {
    "year": ("months", Decimal(12)),
    "mon": ("months", Decimal(1)),
    "week": ("days", Decimal(7)),
    "day": ("days", Decimal(1)),
    "hour": ("micros", Decimal(3_600_000_000)),
    "min": ("micros", Decimal(60_000_000)),
    "sec": ("micros", Decimal(1_000_000)),
    "millisecond": ("micros", Decimal(1000)),
    "microsecond": ("micros", Decimal(1)),
}
_UNIT_ALIASES = {
    "y": "year", "yr": "year", "yrs": "year", "years": "year", "mons": "mon", "month": "mon",
    "months": "mon", "w": "week", "weeks": "week", "d": "day", "days": "day", "h": "hour",
    "hr": "hour", "hrs": "hour", "hours": "hour", "m": "min", "mins": "min", "minute": "min",
    "minutes": "min", "s": "sec", "secs": "sec", "second": "sec", "seconds": "sec",
    "ms": "millisecond", "msec": "millisecond", "msecs": "millisecond",
    "milliseconds": "millisecond", "us": "microsecond", "usec": "microsecond",
    "usecs": "microsecond", "microseconds": "microsecond",
}
_INTERVAL_TOKEN = re.compile(
    r"\s*(?:(?P<clock>[+-]?\d+:\d{1,2}(?::\d{1,2}(?:\.\d+)?)?)"
    r"|(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))\s*(?P<unit>[a-z]+))",
)


def _interval(value: str) -> str | None:
    """An interval literal in PostgreSQL's input syntax ('1 day 2 hours', '00:05:00', '1.5 days',
    '-1 days +00:05:00') as one canonical text; None for a form not understood here."""
    text = value.strip().lower().removeprefix("@")
    negate = text.endswith(" ago")
    if negate:
        text = text[: -len(" ago")]
    parts = {"months": Decimal(0), "days": Decimal(0), "micros": Decimal(0)}
    pos = 0
    while pos < len(text.rstrip()):
        m = _INTERVAL_TOKEN.match(text, pos)
        if not m:
            return None
        pos = m.end()
        if m["clock"]:
            sign = -1 if m["clock"].startswith("-") else 1
            fields = m["clock"].lstrip("+-").split(":")
            hours, minutes = int(fields[0]), int(fields[1])
            seconds = Decimal(fields[2]) if len(fields) > 2 else Decimal(0)
            parts["micros"] += sign * (hours * 3600 + minutes * 60 + seconds) * 1_000_000
            continue
        unit = _UNIT_ALIASES.get(m["unit"], m["unit"])
        if unit not in _INTERVAL_UNITS:
            return None
        field, scale = _INTERVAL_UNITS[unit]
        parts[field] += Decimal(m["num"]) * scale
    # Fractions spill down as PostgreSQL does: a month is 30 days, a day 24 hours.
    months = int(parts["months"])
    days_total = parts["days"] + (parts["months"] - months) * 30
    days = int(days_total)
    micros = int((parts["micros"] + (days_total - days) * 86_400_000_000).to_integral_value())
    if negate:
        months, days, micros = -months, -days, -micros
    return _format_interval(months, days, micros)


def _format_interval(months: int, days: int, micros: int) -> str:
    out = []
    years, mons = int(months / 12), months - int(months / 12) * 12
    for amount, unit in ((years, "year"), (mons, "mon"), (days, "day")):
        if amount:
            out.append(f"{amount} {unit}{'' if amount == 1 else 's'}")
    if micros or not out:
        sign = "-" if micros < 0 else ""
        seconds, frac = divmod(abs(micros), 1_000_000)
        minutes, secs = divmod(seconds, 60)
        hours, minutes = divmod(minutes, 60)
        clock = f"{sign}{hours:02d}:{minutes:02d}:{secs:02d}"
        if frac:
            clock += f".{frac:06d}".rstrip("0")
        out.append(clock)
    return " ".join(out)
