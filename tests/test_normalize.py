"""Tiny exact tests of the normalization both sides go through: canonical types per dialect,
normalized server defaults, narrowing, and one focused test for each bug the property test found
(tests/test_property.py), named after what it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import engine_for
from sqlalchemy.dialects import postgresql as pg

from schemaguard.dialects import canonical_text, canonical_type
from schemaguard.dialects import sqlalchemy_dialect as dialect_for
from schemaguard.dialects.sqlite import _sqlite_index_body
from schemaguard.drift.diff import diff
from schemaguard.live.reflect import reflect_live
from schemaguard.schema.defaults import normalize_default
from schemaguard.schema.snapshot import Column, ForeignKey, Index, Schema, Table, UniqueConstraint
from schemaguard.schema.types import is_narrowing
from schemaguard.sources.declared import declared_snapshot

PG = dialect_for("postgresql")
SQLITE = dialect_for("sqlite")


# --- canonical_type --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "postgresql", "sqlite"),
    [
        (sa.Integer(), "INTEGER", "INTEGER"),
        (sa.BigInteger(), "BIGINT", "BIGINT"),
        (sa.SmallInteger(), "SMALLINT", "SMALLINT"),
        (sa.String(), "VARCHAR", "VARCHAR"),
        (sa.String(30), "VARCHAR(30)", "VARCHAR(30)"),
        (sa.Unicode(20), "VARCHAR(20)", "VARCHAR(20)"),
        (sa.Text(), "TEXT", "TEXT"),
        (sa.Boolean(), "BOOLEAN", "BOOLEAN"),
        (sa.Float(), "DOUBLE PRECISION", "REAL"),
        (sa.Float(53), "DOUBLE PRECISION", "REAL"),
        (sa.Float(24), "REAL", "REAL"),
        (sa.Double(), "DOUBLE PRECISION", "REAL"),
        (sa.Numeric(), "NUMERIC", "NUMERIC"),
        (sa.Numeric(10, 2), "NUMERIC(10, 2)", "NUMERIC(10, 2)"),
        (sa.DateTime(), "TIMESTAMP", "DATETIME"),
        (sa.DateTime(timezone=True), "TIMESTAMPTZ", "DATETIME"),
        (sa.Time(timezone=True), "TIMETZ", "TIME"),
        (sa.Uuid(), "UUID", "CHAR(32)"),
        (sa.LargeBinary(), "BYTEA", "BLOB"),
        (sa.Interval(), "INTERVAL", "DATETIME"),
        (sa.Enum("a", "b", name="ab"), "ENUM('a', 'b')", "VARCHAR(1)"),
        (sa.Enum("a", "bb", native_enum=False), "VARCHAR(2)", "VARCHAR(2)"),
        (sa.JSON(), "JSON", "JSON"),
    ],
)
def test_canonical_type_per_dialect(
    type_: sa.types.TypeEngine, postgresql: str, sqlite: str
) -> None:
    assert canonical_type(type_, PG) == postgresql
    assert canonical_type(type_, SQLITE) == sqlite


@pytest.mark.parametrize(
    ("reflected", "canonical"),
    [
        ("SERIAL", "INTEGER"),
        ("bigserial", "BIGINT"),
        ("character varying(20)", "VARCHAR(20)"),
        ("timestamp without time zone", "TIMESTAMP"),
        ("timestamp(3) with time zone", "TIMESTAMPTZ(3)"),
        ("float(53)", "DOUBLE PRECISION"),
        ("float(10)", "REAL"),
        ("double precision", "DOUBLE PRECISION"),
        ("int4[]", "INTEGER[]"),
    ],
)
def test_canonical_text_postgresql_spellings(reflected: str, canonical: str) -> None:
    assert canonical_text(reflected, "postgresql") == canonical


def test_enum_values_are_quoted_in_the_canonical_type() -> None:
    assert canonical_type(sa.Enum("it's", "b", name="e"), PG) == "ENUM('it''s', 'b')"


def test_a_postgresql_only_type_on_sqlite_is_named_not_resolved() -> None:
    assert canonical_type(pg.ARRAY(sa.Integer()), SQLITE) == "ARRAY"


# Bug: ARRAY(..., dimensions=2) was INTEGER[][] declared but INTEGER[] live (PostgreSQL keeps no
# dimensions), so create_all gave a type_mismatch.
def test_array_dimensions_are_not_part_of_a_postgresql_type() -> None:
    assert canonical_type(pg.ARRAY(sa.Integer(), dimensions=2), PG) == "INTEGER[]"
    assert canonical_text("integer[][]", "postgresql") == "INTEGER[]"


# Bug: String(collation=...) came out as `VARCHAR COLLATE "C"(10)`, and SQLite's inspector never
# reports the collation, so every collated column was a type_mismatch on SQLite.
def test_collation_stays_after_the_arguments_and_is_left_out_on_sqlite() -> None:
    assert canonical_type(sa.String(10, collation="C"), PG) == 'VARCHAR(10) COLLATE "C"'
    assert canonical_type(sa.String(10, collation="NOCASE"), SQLITE) == "VARCHAR(10)"
    assert canonical_type(sa.String(collation="NOCASE"), SQLITE) == "VARCHAR"


# Bug: SQLite's inspector reads DOUBLE PRECISION back as REAL and CLOB as TEXT (affinity rules),
# while the model compiled to DOUBLE and CLOB: a type_mismatch on a database made by create_all.
def test_sqlite_types_are_read_as_the_sqlite_inspector_reads_them() -> None:
    assert canonical_type(sa.DOUBLE_PRECISION(), SQLITE) == "REAL"
    assert canonical_type(sa.CLOB(), SQLITE) == "TEXT"
    assert canonical_type(sa.NVARCHAR(5), SQLITE) == "VARCHAR(5)"
    assert canonical_type(sa.REAL(), SQLITE) == canonical_type(sa.Double(), SQLITE) == "REAL"


# --- normalize_default -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "type_text", "expected"),
    [
        ("'1'::integer", "INTEGER", "1"),
        ("1", "INTEGER", "1"),
        # MariaDB prints concat('a', 'b') back without the spaces; inside quotes they stay.
        ("concat('a','b')", "VARCHAR(20)", "concat('a', 'b')"),
        ("CONCAT( 'a,b' ,'c' )", "VARCHAR(20)", "concat('a,b', 'c')"),
        ("'-3'::integer", "INTEGER", "-3"),
        ("'1.50'::numeric", "NUMERIC", "1.5"),
        ("'0.001'::double precision", "DOUBLE PRECISION", "0.001"),
        ("now()", "TIMESTAMP", "current_timestamp"),
        ("CURRENT_TIMESTAMP", "DATETIME", "current_timestamp"),
        ("(datetime('now'))", "DATETIME", "current_timestamp"),
        ("'x'::character varying", "VARCHAR", "'x'"),
        ("'it''s'::text", "TEXT", "'it''s'"),
        ("false", "BOOLEAN", "false"),
        ("'f'", "BOOLEAN", "false"),
        ("0", "BOOLEAN", "false"),
        ("'1'", "BOOLEAN", "true"),
        ("NULL", "INTEGER", None),
        (None, "INTEGER", None),
        ('\'a\'::"My ""Enum"', "ENUM('a')", "'a'"),
        ("'a'::public.mood", "ENUM('a')", "'a'"),
        ("'{}'::integer[]", "INTEGER[]", "'{}'"),
        ("timezone('utc'::text, now())", "TIMESTAMP", "timezone('utc', now())"),
    ],
)
def test_normalize_default(text: str | None, type_text: str, expected: str | None) -> None:
    assert normalize_default(text, type_text) == expected


# Bug: the cast `::time without time zone` was cut after "with", leaving `out time zone` in the
# default, so every literal default of a Time column was a default_mismatch on PostgreSQL.
def test_multi_word_casts_are_removed_whole() -> None:
    assert normalize_default("'12:30:00'::time without time zone", "TIME") == "'12:30:00'"
    assert normalize_default("'x'::character varying(20)", "VARCHAR(20)") == "'x'"
    assert normalize_default("'2020-01-02'::timestamp(3) with time zone", None) == "'2020-01-02'"


# Bug: PostgreSQL parses a literal default when the table is created and hands back its own output
# form; the model keeps what was written. Each pair is (model, PostgreSQL), equal in meaning.
@pytest.mark.parametrize(
    ("type_text", "declared", "live"),
    [
        (
            "TIMESTAMPTZ",
            "'2020-01-02 03:04:05'",
            "'2020-01-02 03:04:05+00'::timestamp with time zone",
        ),
        (
            "TIMESTAMPTZ",
            "'2020-01-02 03:04:05+02:00'",
            "'2020-01-02 01:04:05+00'::timestamp with time zone",
        ),
        (
            "TIMESTAMP",
            "'2020-01-02T03:04:05.250'",
            "'2020-01-02 03:04:05.25'::timestamp without time zone",
        ),
        (
            "TIMESTAMP",
            "'2020-01-02 03:04:05+02:00'",
            "'2020-01-02 03:04:05'::timestamp without time zone",
        ),
        (
            # The column's precision applies on insert; the default keeps the literal's fraction.
            "TIMESTAMP(0)",
            "'2020-01-02T03:04:05.50'",
            "'2020-01-02 03:04:05.5'::timestamp without time zone",
        ),
        ("DATE", "'2020-1-2'", "'2020-01-02'::date"),
        ("TIME", "'12:30'", "'12:30:00'::time without time zone"),
        ("TIMETZ", "'12:30:00'", "'12:30:00+00'::time with time zone"),
        ("INTERVAL", "'5 minutes'", "'00:05:00'::interval"),
        ("INTERVAL", "'1 day 2 hours'", "'1 day 02:00:00'::interval"),
        ("INTERVAL", "'1 year 14 mons'", "'2 years 2 mons'::interval"),
        ("INTERVAL", "'1.5 days'", "'1 day 12:00:00'::interval"),
        ("INTERVAL", "'-1 day 5 minutes'", "'-1 days +00:05:00'::interval"),
        ("JSONB", '\'{"b":1,"a":[1, 2]}\'', '\'{"a": [1, 2], "b": 1}\'::jsonb'),
    ],
)
def test_typed_literals_compare_by_value(type_text: str, declared: str, live: str) -> None:
    assert normalize_default(declared, type_text) == normalize_default(live, type_text)


def test_typed_literals_still_tell_different_values_apart() -> None:
    assert normalize_default("'5 minutes'", "INTERVAL") != normalize_default(
        "'00:06:00'::interval", "INTERVAL"
    )
    assert normalize_default("'2020-01-02'", "DATE") != normalize_default(
        "'2020-01-03'::date", "DATE"
    )
    assert normalize_default("'{\"a\": 1}'", "JSONB") != normalize_default(
        "'{\"a\": 2}'::jsonb", "JSONB"
    )
    assert (
        normalize_default("'infinity'", "TIMESTAMP") == "'infinity'"
    )  # not a date: left as written


# --- is_narrowing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "live", "narrowing"),
    [
        ("VARCHAR(50)", "VARCHAR(100)", True),
        ("VARCHAR(100)", "VARCHAR(50)", False),
        ("VARCHAR(10)", "TEXT", True),
        ("VARCHAR(10)", "VARCHAR", True),
        ("TEXT", "VARCHAR(10)", False),
        ("VARCHAR", "VARCHAR(10)", False),
        ("INTEGER", "BIGINT", True),
        ("SMALLINT", "INTEGER", True),
        ("BIGINT", "INTEGER", False),
        ("REAL", "DOUBLE PRECISION", True),
        ("DOUBLE PRECISION", "REAL", False),
        ("NUMERIC(10, 2)", "NUMERIC(12, 2)", True),
        ("NUMERIC(10, 2)", "NUMERIC(10, 4)", True),
        ("NUMERIC(12, 4)", "NUMERIC(10, 2)", False),
        ("NUMERIC", "NUMERIC(10, 2)", False),
        ("NUMERIC(10, 2)", "NUMERIC", True),
        ("INTEGER", "NUMERIC(10, 2)", True),
        ("INTEGER", "DOUBLE PRECISION", True),
        ("NUMERIC", "INTEGER", False),
        ("NUMERIC(5)", "INTEGER", True),  # 5 digits cannot hold 2147483647
        ("NUMERIC(12, 2)", "INTEGER", False),
        ("DOUBLE PRECISION", "INTEGER", False),
        ("DOUBLE PRECISION", "BIGINT", True),  # 53 bits of significand
        ("REAL", "INTEGER", True),  # 24 bits of significand
        ("ENUM('a')", "ENUM('a', 'b')", True),
        ("ENUM('a', 'b', 'c')", "ENUM('a', 'b')", False),
        ("VARCHAR", "UUID", False),
        ("UUID", "VARCHAR", True),
        ("INTEGER[]", "BIGINT[]", True),
        ("BIGINT[]", "INTEGER[]", False),
        ("INTEGER[]", "INTEGER", True),
        ("BOOLEAN", "INTEGER", True),
        ("INTEGER", "INTEGER", False),
    ],
)
def test_is_narrowing(declared: str, live: str, narrowing: bool) -> None:
    assert is_narrowing(declared, live) is narrowing


# --- The declared side ------------------------------------------------------------------------------


# Bug: an index on `col.desc()` was declared as the expression "iddesc" while the inspector reports
# the plain column: index_missing plus index_extra on a database made by create_all.
def test_index_sort_order_is_not_part_of_the_declared_index() -> None:
    md = sa.MetaData()
    t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer))
    sa.Index("ix_desc", t.c.a.desc(), t.c.id.asc().nulls_last())
    (table,) = declared_snapshot(md, "postgresql").tables
    assert [i.columns for i in table.indexes] == [("a", "id")]


# Bug: Column(Sequence(...), primary_key=True) was declared auto-incrementing, but PostgreSQL gets
# a plain INTEGER (the application calls nextval itself): a default_mismatch after create_all.
def test_a_client_side_sequence_is_no_database_autoincrement() -> None:
    md = sa.MetaData()
    sa.Table("seq", md, sa.Column("id", sa.Integer, sa.Sequence("seq_id"), primary_key=True))
    sa.Table(
        "opt",
        md,
        sa.Column("id", sa.Integer, sa.Sequence("opt_id", optional=True), primary_key=True),
    )
    sa.Table("serial", md, sa.Column("id", sa.Integer, primary_key=True))
    autoinc = {
        t.name: t.columns[0].autoincrement for t in declared_snapshot(md, "postgresql").tables
    }
    assert autoinc == {"seq": False, "opt": True, "serial": True}


# --- The diff --------------------------------------------------------------------------------------


def _col(name: str) -> Column:
    return Column(name=name, type="INTEGER", nullable=False)


def _schema(table: Table, origin: str) -> Schema:
    return Schema(dialect="postgresql", tables=(table,), origin=origin)


def _kinds(declared: Table, live: Table) -> list[str]:
    return sorted(c.kind for c in diff(_schema(declared, "declared"), _schema(live, "live")))


# Bug: a model declaring the same UNIQUE twice (SQLite keeps one), or a UNIQUE on the primary key
# columns (PostgreSQL drops it: the key enforces it), was reported as unique_missing.
def test_a_repeated_unique_or_one_on_the_primary_key_is_enforced() -> None:
    cols = (_col("id"), _col("a"))
    declared = Table(
        name="t",
        columns=cols,
        primary_key=("id",),
        uniques=(
            UniqueConstraint(None, ("a",)),
            UniqueConstraint(None, ("a",)),
            UniqueConstraint(None, ("id",)),
        ),
    )
    live = Table(
        name="t", columns=cols, primary_key=("id",), uniques=(UniqueConstraint("t_a_key", ("a",)),)
    )
    assert _kinds(declared, live) == []
    # A unique that really is missing is still reported.
    assert _kinds(declared, Table(name="t", columns=cols, primary_key=("id",))) == [
        "unique_missing"
    ]


# Bug: keys were paired by their columns alone, so two keys on one column (to two tables, or the
# same key twice) were matched crosswise: foreign_key_mismatch / foreign_key_missing.
def test_keys_sharing_their_columns_pair_by_target() -> None:
    def fk(ref: str, onupdate: str = "NO ACTION") -> ForeignKey:
        return ForeignKey(None, ("x",), ref, ("id",), onupdate=onupdate)

    parents = [Table(name=n, columns=(_col("id"),), primary_key=("id",)) for n in ("a", "b")]
    child_d = Table(name="c", columns=(_col("x"),), foreign_keys=(fk("a"), fk("b"), fk("b")))
    child_l = Table(name="c", columns=(_col("x"),), foreign_keys=(fk("b"), fk("a")))
    declared = Schema(dialect="postgresql", tables=(*parents, child_d), origin="declared")
    live = Schema(dialect="postgresql", tables=(*parents, child_l), origin="live")
    assert diff(declared, live) == []
    # Same columns and target, different actions: each declared key finds its own live key.
    child_d2 = Table(name="c", columns=(_col("x"),), foreign_keys=(fk("a"), fk("a", "CASCADE")))
    child_l2 = Table(name="c", columns=(_col("x"),), foreign_keys=(fk("a", "CASCADE"), fk("a")))
    declared2 = Schema(dialect="postgresql", tables=(*parents, child_d2), origin="declared")
    live2 = Schema(dialect="postgresql", tables=(*parents, child_l2), origin="live")
    assert diff(declared2, live2) == []


# --- The live side (SQLite) --------------------------------------------------------------------------


# Bug: a partial index whose WHERE has parentheses (`WHERE b IN (1, 2)`) was read as an expression
# index `b) WHERE b IN (1, 2`: index_extra on a database made by create_all.
@pytest.mark.parametrize(
    ("sql", "body"),
    [
        ("CREATE INDEX ix ON t (b) WHERE b IN (1, 2)", "b"),
        ("CREATE INDEX ix ON t (lower(a)) WHERE (b > 0)", "lower(a)"),
        ('CREATE INDEX ix ON "odd ""(name" (lower("a)"), b)', 'lower("a)"), b'),
        ("CREATE UNIQUE INDEX ix ON [t] (substr(a, ')', 1))", "substr(a, ')', 1)"),
    ],
)
def test_sqlite_index_body_balances_parentheses(sql: str, body: str) -> None:
    assert _sqlite_index_body(sql) == body


# Bug: SQLAlchemy parses SQLite foreign keys from the CREATE TABLE text: it lost ON UPDATE when a
# column name held an escaped quote, and kept one of two keys on the same columns and target.
def test_sqlite_foreign_keys_come_from_the_pragma(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fk.db'}"
    engine = engine_for(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE p (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql(
            'CREATE TABLE c (id INTEGER PRIMARY KEY, "dq""uote" INTEGER, x INTEGER, '
            'FOREIGN KEY("dq""uote") REFERENCES p (id) ON UPDATE CASCADE, '
            "CONSTRAINT fk_x FOREIGN KEY(x) REFERENCES p (id), "
            "FOREIGN KEY(x) REFERENCES p (id) ON DELETE SET NULL)"
        )
    engine.dispose()
    child = next(t for t in reflect_live(url).tables if t.name == "c")
    got = sorted(
        (f.columns, f.ref_table, f.ref_columns, f.ondelete, f.onupdate) for f in child.foreign_keys
    )
    assert got == [
        (('dq"uote',), "p", ("id",), "NO ACTION", "CASCADE"),
        (("x",), "p", ("id",), "NO ACTION", "NO ACTION"),
        (("x",), "p", ("id",), "SET NULL", "NO ACTION"),
    ]
    assert "fk_x" in {f.name for f in child.foreign_keys}


def test_index_and_snapshot_types_are_importable() -> None:
    # The snapshot types used above are the public ones (a guard against silent renames).
    assert Index(name=None, columns=("a",)).columns == ("a",)


@pytest.mark.parametrize(
    "declared, live",
    [(sa.DateTime(), "TIMESTAMP"), (sa.Numeric(8, 2), "DECIMAL(8, 2)"), (sa.DateTime(), "DATETIME")],
)
def test_sqlite_spellings_of_the_same_type(declared: Any, live: str) -> None:
    from sqlalchemy.dialects import sqlite

    assert canonical_type(declared, sqlite.dialect()) == canonical_text(live, "sqlite")
