"""Property: a database that `create_all` made from some models gives zero findings against them.

Hypothesis draws random declared schemas: 1-6 tables; columns of a wide set of types (generic,
SQL-standard spellings, PostgreSQL-only ones on PostgreSQL), nullable or not, with server defaults
that fit them in several spellings; single and composite primary keys that are SERIAL, identity,
Sequence-fed or plain; generated columns; plain, unique, multi-column, DESC, expression and partial
indexes; unique constraints (repeated ones too); foreign keys to earlier tables or the same table,
to primary keys or unique sets, with ON DELETE/ON UPDATE actions, sometimes sharing columns;
sometimes a naming convention; sometimes hostile identifiers. It creates them with `create_all` on
a fresh SQLite file, a fresh PostgreSQL schema or a fresh MariaDB database, runs `check`, and
requires no finding at all.
Only what a backend cannot create is left out, each with the reason beside it.

A schema is drawn as plain data (`TableSpec`/`ColSpec`) and only then turned into SQLAlchemy
`MetaData`, so that a failing example prints readably and shrinks well.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import engine_for
from hypothesis import given, note
from hypothesis import strategies as st
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects import postgresql as pg

from schemaguard.checking.check import check

# --- The types a column may have ---------------------------------------------------------------
# Each kind: how to build the SQLAlchemy type from drawn parameters, whether it may be part of a
# primary key / a foreign key target, whether PostgreSQL can put it in a (btree) index, and the
# server defaults that fit it, as (label, factory) pairs.

Default = tuple[str, Callable[[], Any]]


@dataclass(frozen=True)
class Kind:
    name: str
    params: st.SearchStrategy[Any]
    build: Callable[[Any, str], Any]  # (params, unique enum name) -> SQLAlchemy type
    defaults: Callable[[Any, str], list[Default]]  # (params, backend) -> fitting server defaults
    key: bool = False  # may be a primary key column and hence an FK target
    pg_index: bool = True  # PostgreSQL has a btree operator class for it
    # MySQL indexes it without a prefix length (not TEXT, BLOB or JSON): a key, unique or index.
    mysql_index: bool = True
    backends: tuple[str, ...] = ("sqlite", "postgresql", "mysql")  # where the type exists at all


PG_ONLY = ("postgresql",)
MYSQL_ONLY = ("mysql",)
NOT_MYSQL = ("sqlite", "postgresql")
# Spellings PostgreSQL rejects (TEXT(n), CLOB, BLOB, NVARCHAR), and collations only SQLite has.
SQLITE_ONLY = ("sqlite",)


def _ints(params: Any, backend: str) -> list[Default]:
    return [
        ("text('0')", lambda: sa.text("0")),
        ("'7'", lambda: "7"),
        ("text('-3')", lambda: sa.text("-3")),
        ("text('42')", lambda: sa.text("42")),
        ("text('1 + 1')", lambda: sa.text("1 + 1")),
        ("text('(0)')", lambda: sa.text("(0)")),
    ]


def _strings(params: Any, backend: str) -> list[Default]:
    out: list[Default] = [
        ("'abc'", lambda: "abc"),
        ("''", lambda: ""),
        ('"it\'s"', lambda: "it's"),
        ("'12'", lambda: "12"),
        ("'héllo wörld'", lambda: "héllo wörld"),
        ("text(\"'x'\")", lambda: sa.text("'x'")),
    ]
    if backend != "mysql":  # MariaDB keeps an expression default in its own words (lcase)
        out.append(("func.lower('ABC')", lambda: sa.func.lower("ABC")))
    if params:  # String(n): the literal must fit
        out = [d for d in out if len(d[0]) - 2 <= params]
    return out


def _floats(params: Any, backend: str) -> list[Default]:
    return [
        ("text('1.5')", lambda: sa.text("1.5")),
        ("'2.25'", lambda: "2.25"),
        ("text('0')", lambda: sa.text("0")),
    ]


def _numerics(params: Any, backend: str) -> list[Default]:
    defaults: list[Default] = [
        ("text('0')", lambda: sa.text("0")),
        ("text('-0.5')", lambda: sa.text("-0.5")),
    ]
    # NUMERIC(p, s) holds values under 10 ** (p - s): NUMERIC(1, 1) cannot hold 1.50 or 3, and a
    # row given that default fails (PostgreSQL checks it when a column is added to a table with rows).
    if params is None or params[0] - params[1] >= 1:
        defaults += [("'1.50'", lambda: "1.50"), ("text('3')", lambda: sa.text("3"))]
    if backend == "mysql":
        # MySQL rounds a default to the column's scale (DECIMAL is DECIMAL(10, 0)): the model's
        # default is then not the database's, which is drift. Only defaults that fit are drawn.
        scale = params[1] if params else 0
        defaults = [d for d in defaults if "." not in d[0] or scale >= 2 or (d[0] == "text('-0.5')" and scale >= 1)]
    return defaults


def _booleans(params: Any, backend: str) -> list[Default]:
    out: list[Default] = [("sa.true()", sa.true), ("sa.false()", sa.false)]
    if backend in ("sqlite", "mysql"):
        # PostgreSQL refuses an integer default on a boolean column; SQLite stores booleans as 0/1,
        # MySQL as TINYINT(1).
        out += [("text('0')", lambda: sa.text("0")), ("text('1')", lambda: sa.text("1"))]
    else:
        out += [("text('true')", lambda: sa.text("true")), ("'f'", lambda: "f")]
    return out


def _datetimes(params: Any, backend: str) -> list[Default]:
    out: list[Default] = [
        ("func.now()", sa.func.now),
        ("text('CURRENT_TIMESTAMP')", lambda: sa.text("CURRENT_TIMESTAMP")),
        ("'2020-01-02 03:04:05'", lambda: "2020-01-02 03:04:05"),
    ]
    if backend != "mysql":  # MySQL rounds the fraction away on a DATETIME(0)
        out.append(("'2020-01-02T03:04:05.250'", lambda: "2020-01-02T03:04:05.250"))
    if backend == "sqlite":
        out.append(("text(\"(datetime('now'))\")", lambda: sa.text("(datetime('now'))")))
    if params and backend != "mysql":  # timezone=True: an explicit offset (MySQL has no zones)
        out.append(("'2020-01-02 03:04:05+02:00'", lambda: "2020-01-02 03:04:05+02:00"))
    return out


def _dates(params: Any, backend: str) -> list[Default]:
    return [
        ("'2020-01-02'", lambda: "2020-01-02"),
        ("'2020-1-2'", lambda: "2020-1-2"),
        ("text('CURRENT_DATE')", lambda: sa.text("CURRENT_DATE")),
    ]


def _times(params: Any, backend: str) -> list[Default]:
    out: list[Default] = [
        ("'12:30:00'", lambda: "12:30:00"),
        ("'12:30'", lambda: "12:30"),
    ]
    if backend != "mysql":  # MySQL rounds the fraction away on a TIME(0)
        out.append(("'01:02:03.5'", lambda: "01:02:03.5"))
    return out


def _uuids(params: Any, backend: str) -> list[Default]:
    if backend == "postgresql":
        return [("text('gen_random_uuid()')", lambda: sa.text("gen_random_uuid()"))]
    return []


def _json(params: Any, backend: str) -> list[Default]:
    out: list[Default] = [
        ("'{}'", lambda: "{}"),
        ("text(\"'[]'\")", lambda: sa.text("'[]'")),
    ]
    if backend != "mysql":  # MariaDB's JSON is text: its default is kept as written, keys unsorted
        out.append(('\'{"b":1,"a":[1, 2]}\'', lambda: '{"b":1,"a":[1, 2]}'))
    return out


def _intervals(params: Any, backend: str) -> list[Default]:
    if backend == "postgresql":
        return [
            ("'1 day'", lambda: "1 day"),
            ("text(\"'00:05:00'\")", lambda: sa.text("'00:05:00'")),
            ("'5 minutes'", lambda: "5 minutes"),
            ("'1 day 2 hours'", lambda: "1 day 2 hours"),
            ("'-3 days'", lambda: "-3 days"),
            ("'1 year 14 mons'", lambda: "1 year 14 mons"),
        ]
    return []


def _ints_unsigned(params: Any, backend: str) -> list[Default]:
    return [d for d in _ints(params, backend) if "-" not in d[0]]


def _enum_defaults(params: Any, backend: str) -> list[Default]:
    values = params[1]
    return [(repr(values[0]), lambda: values[0]), (repr(values[-1]), lambda: values[-1])]


def _arrays(params: Any, backend: str) -> list[Default]:
    return [("'{}'", lambda: "{}")]


def _none(params: Any, backend: str) -> list[Default]:
    return []


_ENUM_VALUES = st.lists(
    st.sampled_from(["a", "b", "red", "Green", "BLUE", "it's", "two words", "ünï", "x" * 12, "42"]),
    min_size=1,
    max_size=5,
    unique=True,
)


def _enum_type(params: Any, name: str) -> Any:
    python_enum, values, native, length = params
    kw: dict[str, Any] = {"name": name, "native_enum": native}
    if length is not None and not native:
        kw["length"] = max(length, *map(len, values))
    if python_enum:
        # A Python enum stores member names; make the names the values drawn.
        members = enum.Enum("E_" + name, [(v, i) for i, v in enumerate(values)])  # type: ignore[misc]
        return sa.Enum(members, **kw)
    return sa.Enum(*values, **kw)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in [
        Kind("Integer", st.none(), lambda p, n: sa.Integer(), _ints, key=True),
        Kind("BigInteger", st.none(), lambda p, n: sa.BigInteger(), _ints, key=True),
        Kind("SmallInteger", st.none(), lambda p, n: sa.SmallInteger(), _ints, key=True),
        Kind("String(n)", st.integers(1, 300), lambda p, n: sa.String(p), _strings, key=True),
        # MySQL's VARCHAR needs a length.
        Kind("String()", st.none(), lambda p, n: sa.String(), _strings, key=True, backends=NOT_MYSQL),
        Kind("Text", st.none(), lambda p, n: sa.Text(), _strings, key=True, mysql_index=False),
        Kind(
            "Unicode",
            st.one_of(st.none(), st.integers(1, 100)),
            lambda p, n: sa.Unicode(p),
            _strings,
            key=True,
            backends=NOT_MYSQL,
        ),
        Kind("Unicode(n)", st.integers(1, 100), lambda p, n: sa.Unicode(p), _strings, key=True),
        Kind("Boolean", st.none(), lambda p, n: sa.Boolean(), _booleans),
        Kind("Float", st.none(), lambda p, n: sa.Float(), _floats),
        Kind("Float(53)", st.none(), lambda p, n: sa.Float(53), _floats),
        Kind("Float(p)", st.integers(1, 53), lambda p, n: sa.Float(p), _floats),
        Kind("Double", st.none(), lambda p, n: sa.Double(), _floats),
        Kind(
            "Numeric(p,s)",
            st.integers(1, 30).flatmap(lambda p: st.tuples(st.just(p), st.integers(0, p))),
            lambda p, n: sa.Numeric(p[0], p[1]),
            _numerics,
            key=True,
        ),
        Kind("Numeric()", st.none(), lambda p, n: sa.Numeric(), _numerics),
        Kind("Date", st.none(), lambda p, n: sa.Date(), _dates, key=True),
        Kind("DateTime", st.just(False), lambda p, n: sa.DateTime(), _datetimes, key=True),
        Kind("DateTime(tz)", st.just(True), lambda p, n: sa.DateTime(timezone=True), _datetimes),
        Kind("Time", st.none(), lambda p, n: sa.Time(), _times),
        Kind("Time(tz)", st.none(), lambda p, n: sa.Time(timezone=True), _times),
        Kind("LargeBinary", st.none(), lambda p, n: sa.LargeBinary(), _none, mysql_index=False),
        Kind("UnicodeText", st.none(), lambda p, n: sa.UnicodeText(), _strings, mysql_index=False),
        Kind(
            "String(collation) pg",
            st.tuples(st.one_of(st.none(), st.integers(1, 50)), st.sampled_from(["C", "POSIX"])),
            lambda p, n: sa.String(p[0], collation=p[1]),
            lambda p, b: _strings(p[0], b),
            key=True,
            backends=PG_ONLY,
        ),
        Kind(
            "String(collation) sqlite",
            st.tuples(
                st.one_of(st.none(), st.integers(1, 50)),
                st.sampled_from(["NOCASE", "BINARY", "RTRIM"]),
            ),
            lambda p, n: sa.String(p[0], collation=p[1]),
            lambda p, b: _strings(p[0], b),
            key=True,
            backends=SQLITE_ONLY,
        ),
        # TEXT(n) is the smallest of TINYTEXT..LONGTEXT that holds n characters on MySQL.
        Kind(
            "Text(n)", st.integers(1, 5000), lambda p, n: sa.Text(p), _strings,
            backends=("sqlite", "mysql"), mysql_index=False,
        ),
        Kind("CLOB", st.none(), lambda p, n: sa.CLOB(), _strings, backends=SQLITE_ONLY),
        Kind("BLOB", st.none(), lambda p, n: sa.BLOB(), _none, backends=SQLITE_ONLY),
        Kind(
            "NVARCHAR(n)",
            st.integers(1, 50),
            lambda p, n: sa.NVARCHAR(p),
            _strings,
            key=True,
            backends=SQLITE_ONLY,
        ),
        Kind("NCHAR(n)", st.integers(1, 20), lambda p, n: sa.NCHAR(p), _strings, key=True),
        Kind("VARCHAR(n)", st.integers(1, 50), lambda p, n: sa.VARCHAR(p), _strings, key=True),
        Kind("INT", st.none(), lambda p, n: sa.INT(), _ints, key=True),
        Kind("BIGINT", st.none(), lambda p, n: sa.BIGINT(), _ints, key=True),
        Kind("REAL", st.none(), lambda p, n: sa.REAL(), _floats),
        Kind("DOUBLE_PRECISION", st.none(), lambda p, n: sa.DOUBLE_PRECISION(), _floats),
        Kind(
            "DECIMAL(p,s)",
            st.integers(1, 30).flatmap(lambda p: st.tuples(st.just(p), st.integers(0, p))),
            lambda p, n: sa.DECIMAL(p[0], p[1]),
            _numerics,
            key=True,
        ),
        Kind(
            "TIMESTAMP", st.booleans(), lambda p, n: sa.TIMESTAMP(timezone=p), _datetimes, key=True
        ),
        Kind("LargeBinary(n)", st.integers(1, 100000), lambda p, n: sa.LargeBinary(p), _none, mysql_index=False),
        Kind("CHAR(n)", st.integers(1, 20), lambda p, n: sa.CHAR(p), _strings, key=True),
        Kind("Uuid", st.booleans(), lambda p, n: sa.Uuid(native_uuid=p), _uuids, key=True),
        # PostgreSQL's json type has no equality operator, so no btree index can hold it.
        Kind("JSON", st.none(), lambda p, n: sa.JSON(), _json, pg_index=False, mysql_index=False),
        Kind(
            "Enum",
            st.tuples(
                st.booleans(), _ENUM_VALUES, st.booleans(), st.one_of(st.none(), st.integers(1, 40))
            ),
            _enum_type,
            _enum_defaults,
        ),
        Kind("Interval", st.none(), lambda p, n: sa.Interval(), _intervals),
        # MySQL's own spellings.
        Kind(
            "String(collation) mysql",
            st.tuples(st.integers(1, 50), st.sampled_from(["utf8mb4_bin", "utf8mb4_unicode_ci", "utf8mb4_general_ci"])),
            lambda p, n: sa.String(p[0], collation=p[1]),
            lambda p, b: _strings(p[0], b),
            key=True,
            backends=MYSQL_ONLY,
        ),
        Kind("SET", _ENUM_VALUES, lambda p, n: mysql.SET(*p), lambda p, b: [(repr(p[0]), lambda: p[0])],
             backends=MYSQL_ONLY),
        Kind(
            "INTEGER UNSIGNED",
            st.sampled_from(["TINYINT", "SMALLINT", "MEDIUMINT", "INTEGER", "BIGINT"]),
            lambda p, n: getattr(mysql, p)(unsigned=True),
            _ints_unsigned,
            key=True,
            backends=MYSQL_ONLY,
        ),
        Kind("TINYINT", st.none(), lambda p, n: mysql.TINYINT(), _ints, key=True, backends=MYSQL_ONLY),
        Kind("YEAR", st.none(), lambda p, n: mysql.YEAR(), lambda p, b: [("'2024'", lambda: "2024")],
             key=True, backends=MYSQL_ONLY),
        Kind("MEDIUMTEXT", st.none(), lambda p, n: mysql.MEDIUMTEXT(), _strings, mysql_index=False,
             backends=MYSQL_ONLY),
        Kind("LONGTEXT", st.none(), lambda p, n: mysql.LONGTEXT(), _strings, mysql_index=False,
             backends=MYSQL_ONLY),
        Kind("DATETIME(fsp)", st.integers(0, 6), lambda p, n: mysql.DATETIME(fsp=p),
             lambda p, b: [("text('CURRENT_TIMESTAMP(fsp)')", lambda: sa.text(f"CURRENT_TIMESTAMP({p})")),
                           ("text('NOW(fsp)')", lambda: sa.text(f"NOW({p})"))],
             key=True, backends=MYSQL_ONLY),
        Kind("TIMESTAMP(fsp)", st.integers(0, 6), lambda p, n: mysql.TIMESTAMP(fsp=p),
             lambda p, b: [("text('CURRENT_TIMESTAMP(fsp)')", lambda: sa.text(f"CURRENT_TIMESTAMP({p})")),
                           ("text('CURRENT_TIMESTAMP(fsp) ON UPDATE CURRENT_TIMESTAMP(fsp)')",
                            lambda: sa.text(f"CURRENT_TIMESTAMP({p}) ON UPDATE CURRENT_TIMESTAMP({p})"))],
             backends=MYSQL_ONLY),
        Kind(
            "Interval(p)",
            st.integers(0, 6),
            lambda p, n: sa.Interval(second_precision=p),
            _intervals,
        ),
        # Not native: stored as a timestamp on every backend.
        Kind("Interval(native=False)", st.none(), lambda p, n: sa.Interval(native=False), _none),
        Kind(
            "ARRAY",
            st.tuples(
                st.sampled_from(["Integer", "String(20)", "Text", "Numeric(5,2)"]),
                st.sampled_from([None, 1, 2]),
            ),
            lambda p, n: pg.ARRAY(
                {
                    "Integer": sa.Integer(),
                    "String(20)": sa.String(20),
                    "Text": sa.Text(),
                    "Numeric(5,2)": sa.Numeric(5, 2),
                }[p[0]],
                dimensions=p[1],
            ),
            _arrays,
            backends=PG_ONLY,
        ),
        Kind("JSONB", st.none(), lambda p, n: pg.JSONB(), _json, backends=PG_ONLY),
        Kind(
            "INET",
            st.none(),
            lambda p, n: pg.INET(),
            lambda p, b: [("'127.0.0.1'", lambda: "127.0.0.1")],
            backends=PG_ONLY,
        ),
        Kind("CIDR", st.none(), lambda p, n: pg.CIDR(), _none, backends=PG_ONLY),
        Kind("MACADDR", st.none(), lambda p, n: pg.MACADDR(), _none, backends=PG_ONLY),
        Kind("TSVECTOR", st.none(), lambda p, n: pg.TSVECTOR(), _none, backends=PG_ONLY),
        Kind("MONEY", st.none(), lambda p, n: pg.MONEY(), _none, backends=PG_ONLY),
        Kind("BIT(n)", st.integers(1, 16), lambda p, n: pg.BIT(p), _none, backends=PG_ONLY),
        Kind(
            "TIMESTAMP(p)",
            st.tuples(st.integers(0, 6), st.booleans()),
            lambda p, n: pg.TIMESTAMP(precision=p[0], timezone=p[1]),
            lambda p, b: _datetimes(p[1], b),
            backends=PG_ONLY,
        ),
        Kind(
            "TIME(p)",
            st.integers(0, 6),
            lambda p, n: pg.TIME(precision=p),
            _times,
            backends=PG_ONLY,
        ),
        Kind(
            "INTERVAL(fields)",
            st.sampled_from([None, "DAY", "HOUR TO MINUTE", "DAY TO SECOND"]),
            lambda p, n: pg.INTERVAL(fields=p),
            _none,
            backends=PG_ONLY,
        ),
    ]
}


# --- Drawn schemas as plain data ----------------------------------------------------------------


@dataclass
class ColSpec:
    name: str
    kind: str
    params: Any = None
    nullable: bool = True
    default: str | None = None  # the label of one of the kind's defaults
    identity: bool = False
    unique: bool = False  # Column(unique=True)
    index: bool = False  # Column(index=True)
    computed: str | None = None  # Computed("<this column> * 2") over the named integer column
    autoincrement: bool | None = None  # Column(autoincrement=...) when not left to SQLAlchemy
    sequence: str | None = None  # Column(Sequence(name)) on PostgreSQL

    def __repr__(self) -> str:
        extra = [f"params={self.params!r}"] if self.params is not None else []
        extra += ["NOT NULL"] if not self.nullable else []
        extra += [f"default={self.default}"] if self.default else []
        extra += ["Identity()"] if self.identity else []
        extra += ["unique=True"] if self.unique else []
        extra += ["index=True"] if self.index else []
        extra += [f"Computed({self.computed!r} * 2)"] if self.computed else []
        extra += [f"autoincrement={self.autoincrement}"] if self.autoincrement is not None else []
        extra += [f"Sequence({self.sequence!r})"] if self.sequence else []
        return f"Col({self.name!r}, {self.kind}{', ' if extra else ''}{', '.join(extra)})"


# (column, "plain" | "desc" | "lower" | "prefix"); "prefix" (MySQL): the first half of a String(n)
# column's characters, declared with mysql_length.
IndexPart = tuple[str, str]


@dataclass
class TableSpec:
    name: str
    columns: list[ColSpec]
    pk: list[str]
    # (name, parts, unique, partial index: WHERE coalesce(<column>, <column>) IS NOT NULL)
    indexes: list[tuple[str, list[IndexPart], bool, str | None]] = field(default_factory=list)
    uniques: list[tuple[str | None, list[str]]] = field(default_factory=list)
    # (constraint name, local columns, target table, target columns, ondelete, onupdate)
    fks: list[tuple[str | None, list[str], str, list[str], str | None, str | None]] = field(
        default_factory=list
    )
    # CHECK constraints: (name, form, column, argument); forms in CHECK_FORMS.
    checks: list[tuple[str | None, str, str, Any]] = field(default_factory=list)


@dataclass
class SchemaSpec:
    tables: list[TableSpec]
    # MetaData(naming_convention=...): SQLAlchemy names every constraint and index itself.
    convention: bool = False
    enum_prefix: str = "sg_enum_"  # names of native enum types, numbered

    def __repr__(self) -> str:
        head = "naming_convention=CONVENTION\n" if self.convention else ""
        return head + "\n".join(repr(t) for t in self.tables)


CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

PLAIN_WORDS = [
    "id",
    "name",
    "code",
    "value",
    "amount",
    "created",
    "flag",
    "note",
    "payload",
    "kind",
    "ref",
    "data",
]
SNAKE_WORDS = [
    "user_id",
    "created_at",
    "is_active",
    "total_amount",
    "item_code",
    "due_on",
    "last_seen",
]
CAMEL_WORDS = [
    "userId",
    "createdAt",
    "isActive",
    "totalAmount",
    "itemCode",
    "dueOn",
    "lastSeen",
    "Users",
]
# Hostile names: spaces, quotes, mixed case, non-ASCII, reserved words, characters that mean
# something to drivers (%).
HOSTILE = [
    "Mixed Case",
    "MixedCase",
    "with space",
    'dq"uote',
    "sq'uote",
    "Ünïcødé",
    "日本語",
    "order",
    "select",
    "UPPER",
    "UPPER_CASE",
    "Ça va",
    "a-b",
    "x.y",
    "50%",
]


def identifiers(style: str, hostile: bool) -> st.SearchStrategy[str]:
    # Models that mix snake_case and camelCase are fine when the database was made from them:
    # the naming-style rule only speaks of names the database does not have.
    pools = [PLAIN_WORDS]
    pools += {"snake": [SNAKE_WORDS], "camel": [CAMEL_WORDS], "mixed": [SNAKE_WORDS, CAMEL_WORDS]}[
        style
    ]
    if hostile:
        pools.append(HOSTILE)
    return st.sampled_from(pools).flatmap(st.sampled_from)


def _fresh(name: str, taken: set[str]) -> str:
    """`name`, or `name` with a number, not yet in `taken` (compared case-insensitively: SQLite
    names are)."""
    for i in itertools.count():
        candidate = name if i == 0 else f"{name}{i}"
        if candidate.casefold() not in taken:
            taken.add(candidate.casefold())
            return candidate
    raise AssertionError("unreachable")


@st.composite
def columns(draw: st.DrawFn, backend: str, name: str, kinds: list[str]) -> ColSpec:
    kind = KINDS[draw(st.sampled_from(kinds))]
    params = draw(kind.params)
    defaults = kind.defaults(params, backend)
    default = draw(st.sampled_from([None, *[d[0] for d in defaults]])) if defaults else None
    return ColSpec(name, kind.name, params, nullable=draw(st.booleans()), default=default)


INTEGERS = ("Integer", "BigInteger", "SmallInteger")


def indexable(kind: str, backend: str) -> bool:
    """Whether an index, unique constraint or key can hold a column of this kind here."""
    if backend == "postgresql":
        return KINDS[kind].pg_index
    if backend == "mysql":
        return KINDS[kind].mysql_index
    return True


@st.composite
def schemas(draw: st.DrawFn, backend: str) -> SchemaSpec:
    kinds = [k for k, v in KINDS.items() if backend in v.backends]
    key_kinds = [k for k in kinds if KINDS[k].key and indexable(k, backend)]
    style = draw(st.sampled_from(["snake", "camel", "mixed"]))
    hostile = draw(st.booleans())
    convention = draw(st.integers(0, 3)) == 0
    ident = identifiers(style, hostile)

    def object_name(prefix: str, t: int, i: int) -> str:
        # Index and constraint names; tables, indexes, sequences and constraints' indexes share one
        # namespace on PostgreSQL.
        options = [f"{prefix}_{t}_{i}"] + (
            [f"{prefix.title()} {t} {i}", f'{prefix}"{t}"ï{i}'] if hostile else []
        )
        return _fresh(draw(st.sampled_from(options)), relation_names)

    relation_names: set[str] = set()
    tables: list[TableSpec] = []
    for t in range(draw(st.integers(1, 6))):
        tname = _fresh(draw(ident), relation_names)
        col_names: set[str] = set()
        convention_names: set[str] = set()  # names the naming convention gives (per table here)

        # Primary key: one or more key-able columns; a lone integer key is an identity column,
        # SERIAL, a Sequence, or not autoincrementing at all.
        n_pk = draw(st.integers(1, 3)) if draw(st.booleans()) else 1
        pk_cols = []
        for _ in range(n_pk):
            col = draw(columns(backend, _fresh(draw(ident), col_names), key_kinds))
            col.nullable = False
            if col.kind in INTEGERS and n_pk == 1:
                # MySQL: AUTO_INCREMENT is the one way a key numbers itself (SQLAlchemy's Identity
                # and Sequence are PostgreSQL's).
                ways = ["serial", "no-auto"] if backend == "mysql" else ["serial", "identity", "no-auto", "sequence"]
                how = draw(st.sampled_from(ways))
                if how == "identity":
                    col.identity, col.default = True, None
                elif how == "no-auto":
                    col.autoincrement = False
                elif how == "sequence":  # SQLite has no sequences: SQLAlchemy leaves it out there
                    col.sequence, col.default = object_name("seq", t, 0), None
            pk_cols.append(col)
        cols = list(pk_cols)
        for _ in range(draw(st.integers(0, 6))):
            col = draw(columns(backend, _fresh(draw(ident), col_names), kinds))
            if indexable(col.kind, backend):
                col.unique = draw(st.integers(0, 5)) == 0
                col.index = draw(st.integers(0, 5)) == 0
                if convention and col.unique and not col.index:
                    col.unique = not _convention_name_taken(
                        f"uq_{tname}_{col.name}", convention_names
                    )
            cols.append(col)
        if backend != "mysql" and draw(st.integers(0, 5)) == 0:
            # An identity column that is not the primary key (PostgreSQL allows any number).
            ident_col = ColSpec(
                _fresh(draw(ident), col_names), draw(st.sampled_from(["Integer", "BigInteger"]))
            )
            ident_col.nullable, ident_col.identity = False, True
            cols.append(ident_col)
        # MySQL cannot compute from an AUTO_INCREMENT column: no key column there.
        sources = [
            c.name for c in cols if c.kind in INTEGERS and not c.identity and not c.sequence
            and not (backend == "mysql" and c.name in spec_pk_names(pk_cols))
        ]
        if sources and draw(st.integers(0, 4)) == 0:
            # A generated column: GENERATED ALWAYS AS (...) [STORED].
            gen = ColSpec(
                _fresh(draw(ident), col_names),
                "BigInteger",
                computed=draw(st.sampled_from(sources)),
            )
            gen.nullable = backend == "mysql" or draw(st.booleans())  # MariaDB: no NOT NULL there
            cols.append(gen)
        spec = TableSpec(tname, cols, [c.name for c in pk_cols])

        # Foreign keys to earlier tables or this one: to a primary key or to a unique set.
        for _ in range(draw(st.integers(0, 2))):
            target = draw(st.sampled_from([*tables, spec]))
            candidates = [target.pk] + [u[1] for u in target.uniques]
            # A partial unique index cannot be a key's target.
            candidates += [
                [p[0] for p in i[1]]
                for i in target.indexes
                if i[2] and i[3] is None and all(p[1] != "lower" for p in i[1])
                # InnoDB cannot use an index with DESC or prefix parts for a key's target.
                and not (backend == "mysql" and any(p[1] in ("desc", "prefix") for p in i[1]))
            ]
            # A unique index is created after its table, too late for a key of the table itself.
            candidates += [
                [c.name] for c in target.columns if c.unique and not (c.index and target is spec)
            ]
            candidates = [
                c
                for c in candidates
                if all(KINDS[_col(target, n).kind].key and not _col(target, n).computed for n in c)
            ]
            if not candidates:
                continue
            # The referenced columns in any order: a key matches its unique constraint as a set.
            # (InnoDB wants them in the order of an index that starts with them.)
            chosen = draw(st.sampled_from(candidates))
            ref_cols = chosen if backend == "mysql" else draw(st.permutations(chosen))
            local: list[str] = []
            reuse = draw(
                st.booleans()
            )  # FK columns that are already there: PK parts, other FKs' columns
            for ref in ref_cols:
                rc = _col(target, ref)
                same = [
                    c.name
                    for c in cols
                    if (c.kind, c.params) == (rc.kind, rc.params)
                    and not c.computed
                    and c.name not in local
                    and not (target is spec and c.name == ref)
                ]
                if reuse and same:
                    local.append(draw(st.sampled_from(same)))
                    continue
                fk_col = ColSpec(
                    _fresh(draw(ident), col_names), rc.kind, rc.params, nullable=draw(st.booleans())
                )
                cols.append(fk_col)
                local.append(fk_col.name)
            if convention and _convention_name_taken(
                f"fk_{tname}_{''.join(local)}_{target.name}", convention_names
            ):
                continue  # the convention would give both keys the same name: PostgreSQL refuses that
            choices: list[str | None] = [None, "CASCADE", "SET NULL", "RESTRICT", "NO ACTION"]
            if backend == "mysql" and not all(_col(spec, c).nullable and c not in spec.pk for c in local):
                choices.remove("SET NULL")  # InnoDB refuses SET NULL on a NOT NULL column
            actions = st.sampled_from(choices)
            update_choices = choices
            local_not_null = any(not _col(spec, c).nullable or c in spec.pk for c in local)
            ref_nullable = any(_col(target, r).nullable and r not in target.pk for r in ref_cols)
            if backend == "mysql" and (target is spec or (local_not_null and ref_nullable)):
                # InnoDB refuses a key on its own table whose ON UPDATE cascades into that table,
                # and an ON UPDATE CASCADE that could carry a NULL into a NOT NULL column.
                update_choices = [c for c in choices if c not in ("CASCADE", "SET NULL")]
            fk_name = (
                object_name("fk", t, len(spec.fks))
                if draw(st.booleans()) and not convention
                else None
            )
            spec.fks.append(
                (fk_name, local, target.name, list(ref_cols), draw(actions), draw(st.sampled_from(update_choices)))
            )

        # Indexes and unique constraints over this table's columns.
        usable = [c for c in cols if indexable(c.kind, backend)]
        # MariaDB has no expression indexes: no lower(...) there.
        texts = [] if backend == "mysql" else [
            c.name for c in usable if c.kind in ("String(n)", "String()", "Text", "Unicode")
        ]
        prefixable = [c.name for c in usable if c.kind == "String(n)" and c.params >= 2] if backend == "mysql" else []
        parts = st.one_of(
            st.tuples(
                st.sampled_from([c.name for c in usable]),
                st.sampled_from(["plain", "plain", "desc"]),
            ),
            *([st.tuples(st.sampled_from(texts), st.just("lower"))] if texts else []),
            *([st.tuples(st.sampled_from(prefixable), st.sampled_from(["prefix"]))] if prefixable else []),
        )
        for i in range(draw(st.integers(0, 3)) if usable else 0):
            idx = draw(st.lists(parts, min_size=1, max_size=3, unique_by=lambda p: p[0]))
            if any(p[1] == "prefix" for p in idx):
                # SQLAlchemy cannot compile mysql_length by column beside a DESC element (it asks
                # the element for a .name): an index with a prefix has plain elements.
                idx = [(p[0], "plain" if p[1] == "desc" else p[1]) for p in idx]
            where = draw(st.sampled_from([None, None, *[c.name for c in usable]]))
            spec.indexes.append((object_name("ix", t, i), idx, draw(st.booleans()), where))
        for i in range(draw(st.integers(0, 2)) if usable else 0):
            u_cols = draw(
                st.lists(
                    st.sampled_from([c.name for c in usable]), min_size=1, max_size=3, unique=True
                )
            )
            if convention and _convention_name_taken(
                f"uq_{tname}_{''.join(u_cols)}", convention_names
            ):
                continue  # the convention would give both the same name
            uname = object_name("uq", t, i) if draw(st.booleans()) and not convention else None
            spec.uniques.append((uname, u_cols))
        # CHECK constraints, table-level or column-level, in the forms PostgreSQL prints back
        # differently (BETWEEN, IN, negative numbers, casts of text).
        # MariaDB refuses a CHECK on an AUTO_INCREMENT column, and on a column of a foreign key
        # with a referential action: none on key columns there.
        keys = {*spec.pk, *(c for fk in spec.fks for c in fk[1])} if backend == "mysql" else set()
        numeric = [c.name for c in cols if c.kind in INTEGERS and not c.computed and c.name not in keys]
        textual = [c.name for c in cols if c.kind in ("String(n)", "String()", "Text") and not c.computed
                   and c.name not in keys]
        forms = [*(["between", "gte", "in_int"] if numeric else []), *(["in_text", "len"] if textual else [])]
        for i in range(draw(st.integers(0, 2)) if forms else 0):
            form = draw(st.sampled_from(forms))
            col_name = draw(st.sampled_from(numeric if form in ("between", "gte", "in_int") else textual))
            arg: Any = {
                "between": draw(st.tuples(st.integers(-100, 0), st.integers(1, 100))),
                "gte": draw(st.integers(-5, 5)),
                "in_int": draw(st.lists(st.integers(-3, 3), min_size=1, max_size=3, unique=True)),
                "in_text": draw(st.lists(st.sampled_from(["a", "b", "it's", "X y"]), min_size=1, max_size=3,
                                         unique=True)),
                "len": draw(st.integers(0, 3)),
            }[form]
            spec.checks.append((object_name("ck", t, i) if draw(st.booleans()) else None, form, col_name, arg))
        tables.append(spec)
    enum_prefix = draw(st.sampled_from(["sg_enum_", 'Mood "', "ënum "])) if hostile else "sg_enum_"
    return SchemaSpec(tables, convention, enum_prefix)


def spec_pk_names(pk_cols: list[ColSpec]) -> set[str]:
    return {c.name for c in pk_cols}


def _convention_name_taken(name: str, taken: set[str]) -> bool:
    if name in taken:
        return True
    taken.add(name)
    return False


def _col(table: TableSpec, name: str) -> ColSpec:
    return next(c for c in table.columns if c.name == name)


def _quote(name: str, backend: str) -> str:
    if backend == "mysql":  # without ANSI_QUOTES a double-quoted word is a string
        return "`" + name.replace("`", "``") + "`"
    return '"' + name.replace('"', '""') + '"'


def build_metadata(schema: SchemaSpec, backend: str, enum_names: dict[tuple[str, str], str] | None = None
                   ) -> sa.MetaData:
    """The MetaData of a drawn schema. Native enum types are numbered in order; `enum_names` (a
    (table, column) -> type name map, see enum_names_of) names them as in another MetaData, so
    that a drifted copy of a schema keeps each column's type."""
    md = sa.MetaData(naming_convention=CONVENTION) if schema.convention else sa.MetaData()
    enum_n = itertools.count()
    for spec in schema.tables:
        sa_cols = []
        for c in spec.columns:
            kind = KINDS[c.kind]
            n = next(enum_n)
            type_name = f"{schema.enum_prefix}{n}" if enum_names is None else enum_names.get(
                (spec.name, c.name), f"{schema.enum_prefix}x{n}")
            type_ = kind.build(c.params, type_name)
            args: list[Any] = [c.name, type_]
            if c.identity:
                args.append(sa.Identity())
            if c.sequence:
                args.append(sa.Sequence(c.sequence))
            if c.computed:
                # PostgreSQL only has stored generated columns; SQLite makes them virtual by default.
                args.append(
                    sa.Computed(
                        f"{_quote(c.computed, backend)} * 2",
                        persisted=True if backend == "postgresql" else None,
                    )
                )
            kw: dict[str, Any] = {
                "primary_key": c.name in spec.pk,
                "unique": c.unique or None,
                "index": c.index or None,
            }
            if not c.identity:
                kw["nullable"] = c.nullable
            if c.autoincrement is not None:
                kw["autoincrement"] = c.autoincrement
            if c.default is not None:
                factory = dict(kind.defaults(c.params, backend))[c.default]
                kw["server_default"] = factory()
            sa_cols.append(sa.Column(*args, **kw))
        table = sa.Table(spec.name, md, *sa_cols)
        for name, parts, unique, where in spec.indexes:
            exprs: list[Any] = []
            lengths: dict[str, int] = {}
            for col, how in parts:
                exprs.append(
                    {
                        "plain": table.c[col],
                        "desc": table.c[col].desc(),
                        "lower": sa.func.lower(table.c[col]),
                        "prefix": table.c[col],
                    }[how]
                )
                if how == "prefix":
                    lengths[col] = max(1, _col(spec, col).params // 2)
            kw: dict[str, Any] = {"mysql_length": lengths} if lengths else {}
            if where is not None:
                predicate = sa.func.coalesce(table.c[where], table.c[where]).is_not(None)
                kw.update(sqlite_where=predicate, postgresql_where=predicate)
            sa.Index(name, *exprs, unique=unique, **kw)
        for name, cols in spec.uniques:
            table.append_constraint(sa.UniqueConstraint(*cols, name=name))
        for name, form, col_name, arg in spec.checks:
            table.append_constraint(sa.CheckConstraint(check_expression(table.c[col_name], form, arg), name=name))
        for name, local, target, refs, ondelete, onupdate in spec.fks:
            ref_table = md.tables[target]
            table.append_constraint(
                sa.ForeignKeyConstraint(
                    local,
                    [ref_table.c[r] for r in refs],
                    name=name,
                    ondelete=ondelete,
                    onupdate=onupdate,
                )
            )
    return md


def enum_names_of(md: sa.MetaData) -> dict[tuple[str, str], str]:
    """(table, column) -> the name of its Enum type, for build_metadata(enum_names=...)."""
    return {(t.name, c.name): str(c.type.name) for t in md.tables.values() for c in t.columns
            if isinstance(c.type, sa.Enum) and c.type.name}


def check_expression(col: Any, form: str, arg: Any) -> Any:
    """A CHECK over one column in one of the drawn forms."""
    if form == "between":
        return col.between(arg[0], arg[1])
    if form == "gte":
        return col >= arg
    if form in ("in_int", "in_text"):
        return col.in_(arg)
    return sa.func.length(col) >= arg


# --- Running one example -------------------------------------------------------------------------


def _create_and_check(url: str, engine: sa.Engine, md: sa.MetaData, schema: SchemaSpec) -> None:
    ddl: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("SELECT", "PRAGMA")):
            ddl.append(statement.strip())

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        md.create_all(engine)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    note("DDL:\n" + ";\n".join(ddl))
    result = check(url, md)
    if result.findings:
        lines = [
            f"  {f.kind} {f.table}.{f.column}: {f.message} (declared={f.declared!r}, live={f.live!r})"
            for f in result.findings
        ]
        pytest.fail(
            f"{len(result.findings)} finding(s) on a database created from the same models:\n"
            + "\n".join(lines)
            + f"\n\nschema:\n{schema!r}"
            + "\n\nDDL:\n"
            + ";\n".join(ddl),
            pytrace=False,
        )


def test_create_all_gives_no_findings_sqlite(tmp_path: Path) -> None:
    counter = itertools.count()

    @given(schemas("sqlite"))
    def run(schema: SchemaSpec) -> None:
        url = f"sqlite:///{tmp_path / f'example_{next(counter)}.db'}"
        engine = engine_for(url)
        try:
            _create_and_check(url, engine, build_metadata(schema, "sqlite"), schema)
        finally:
            engine.dispose()

    run()


@pytest.mark.postgres
# SQLAlchemy's own notice about MONEY's operator classes when it builds `money_column DESC`.
@pytest.mark.filterwarnings("ignore:Type object .* does not refer to an OperatorClass")
def test_create_all_gives_no_findings_postgresql(pg_url: str) -> None:
    engine = engine_for(pg_url)

    @given(schemas("postgresql"))
    def run(schema: SchemaSpec) -> None:
        # A fresh public schema per example: tables, enum types and sequences all go with it.
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        _create_and_check(pg_url, engine, build_metadata(schema, "postgresql"), schema)

    try:
        run()
    finally:
        engine.dispose()


@pytest.mark.mysql
# SQLAlchemy's own notice about YEAR's operator classes when it builds `year_column DESC`.
@pytest.mark.filterwarnings("ignore:Type object .* does not refer to an OperatorClass")
def test_create_all_gives_no_findings_mysql(mysql_database: Callable[[], str]) -> None:
    counter = itertools.count()
    urls: list[str] = []

    @given(schemas("mysql"))
    def run(schema: SchemaSpec) -> None:
        # A fresh database per example (made ahead in batches would not be faster: CREATE DATABASE
        # is quick, and every database is dropped at the end of the test).
        next(counter)
        url = mysql_database()
        urls.append(url)
        engine = engine_for(url)
        try:
            _create_and_check(url, engine, build_metadata(schema, "mysql"), schema)
        finally:
            engine.dispose()

    run()
