"""Alter-sync of column defaults and of CHECKs over added columns, on every database: an expression
default as MySQL/MariaDB take it (in parentheses), a default change left out with the type change it
belongs to, and a new CHECK measured against the column the plan adds. The MariaDB reproductions
the alter-sync property found are in tests/test_sync_mysql_planner.py; these are their variants.

Each sync is the property's round trip: it runs, what remains is what the plan skipped, every row is
kept, a second sync plans nothing; and each step's undo gives back the schema it found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import engine_for

from schemaguard.apply.sync import safe_sync
from schemaguard.checking.check import check
from schemaguard.dialects.mysql_defaults import default_in_ddl

DEV = {"APP_ENV": "development"}


def _id() -> sa.Column[Any]:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=False)


def _live(url: str, columns: Callable[[], list[sa.Column[Any]]], rows: list[dict[str, Any]]) -> sa.MetaData:
    md = sa.MetaData()
    t = sa.Table("t", md, _id(), *columns())
    engine = engine_for(url)
    try:
        md.create_all(engine)
        with engine.begin() as conn:
            conn.execute(t.insert(), rows)
    finally:
        engine.dispose()
    return md


def _declared(*columns: sa.Column[Any]) -> tuple[sa.MetaData, sa.Table]:
    md = sa.MetaData()
    return md, sa.Table("t", md, _id(), *columns)


def _rows(url: str, columns: str) -> list[tuple[Any, ...]]:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(f"SELECT {columns} FROM t ORDER BY id"))]
    finally:
        engine.dispose()


def _round_trip(url: str, declared: sa.MetaData) -> Any:
    result = safe_sync(url, declared, mode="alter", environ=DEV)
    skipped = {(s.finding, s.table, s.column) for s in result.plan.skipped}
    remaining = {(f.kind, f.table, f.column) for f in check(url, declared).findings}
    assert remaining <= skipped, f"not fixed and not skipped: {sorted(remaining - skipped)}"
    again = safe_sync(url, declared, mode="alter", environ=DEV, dry_run=True)
    assert again.plan.steps == [], [s.statements for s in again.plan.steps]
    return result


def _undo(url: str, result: Any, live: sa.MetaData) -> None:
    """Each step's undo, newest first, gives back the schema the sync found."""
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            for step in reversed(result.plan.steps):
                assert step.irreversible is None, step.irreversible
                for statement in step.undo:
                    conn.exec_driver_sql(statement)
    finally:
        engine.dispose()
    assert [(f.kind, f.column) for f in check(url, live).findings] == []


# --- an expression default on MySQL/MariaDB ------------------------------------------------------


@pytest.mark.parametrize(("sql", "type_text", "written"), [
    ("1 + 1", "INTEGER", "(1 + 1)"),
    ("(1 + 1)", "INTEGER", "(1 + 1)"),
    ("(1) + (2)", "INTEGER", "((1) + (2))"),
    ("concat('a', 'b')", "VARCHAR(20)", "(concat('a', 'b'))"),
    ("uuid()", None, "(uuid())"),
    ("-1", "INTEGER", "-1"),
    ("- 1.5e3", "DOUBLE", "- 1.5e3"),
    ("'abc'", "VARCHAR(20)", "'abc'"),
    ("'it''s (x'", "VARCHAR(20)", "'it''s (x'"),
    ("_utf8mb4'x'", "VARCHAR(20)", "_utf8mb4'x'"),
    ("NULL", "INTEGER", "NULL"),
    ("TRUE", "BOOL", "TRUE"),
    ("x'ab'", "VARBINARY(4)", "x'ab'"),
    # MySQL 8 takes a TEXT/BLOB/JSON/GEOMETRY column's default only as an expression.
    ("x'ab'", "BLOB", "(x'ab')"),
    ("'{}'", "JSON", "('{}')"),
    ("'x'", "MEDIUMTEXT", "('x')"),
    ("NULL", "TEXT", "NULL"),
    # "on update" inside a string is not the clause
    ("concat('on update', 'x')", "VARCHAR(20)", "(concat('on update', 'x'))"),
    ("b'101'", "BIT(3)", "b'101'"),
    ("CURRENT_TIMESTAMP", "DATETIME", "CURRENT_TIMESTAMP"),
    ("current_timestamp()", "TIMESTAMP", "current_timestamp()"),
    ("now(3)", "DATETIME(3)", "now(3)"),
    ("CURRENT_TIMESTAMP", None, "CURRENT_TIMESTAMP"),
    ("CURRENT_TIMESTAMP", "VARCHAR(40)", "(CURRENT_TIMESTAMP)"),
    ("CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP", "TIMESTAMP", "CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP"),
])
def test_mysql_writes_an_expression_default_in_parentheses(sql: str, type_text: str | None, written: str) -> None:
    assert default_in_ddl(sql, type_text) == written


@pytest.mark.mysql
def test_an_expression_default_is_set_and_undone(mysql_url: str) -> None:
    live = _live(mysql_url, lambda: [sa.Column("n", sa.Integer, nullable=False),
                                     sa.Column("s", sa.String(40), server_default="x")],
                 [{"id": 1, "n": 5, "s": "y"}])
    declared, _ = _declared(sa.Column("n", sa.Integer, nullable=False, server_default=sa.text("1 + 1")),
                            sa.Column("s", sa.String(40), server_default=sa.func.uuid()))
    result = _round_trip(mysql_url, declared)
    sql = [s for step in result.plan.steps for s in step.statements]
    assert any(s.startswith("ALTER TABLE t ALTER COLUMN n SET DEFAULT (1 + 1)") for s in sql), sql
    assert any(s.startswith("ALTER TABLE t ALTER COLUMN s SET DEFAULT (uuid())") for s in sql), sql
    assert _rows(mysql_url, "id, n, s") == [(1, 5, "y")]
    _undo(mysql_url, result, live)


@pytest.mark.mysql
def test_a_restated_column_keeps_its_expression_default(mysql_url: str) -> None:
    # NOT NULL and a wider type restate the whole column (MODIFY), with the default it has.
    live = _live(mysql_url, lambda: [sa.Column("n", sa.Integer, nullable=True, server_default=sa.text("2 * 3")),
                                     sa.Column("m", sa.Integer, server_default=sa.text("1 + 1"))],
                 [{"id": 1, "n": 5, "m": 1}])
    declared, _ = _declared(sa.Column("n", sa.Integer, nullable=False, server_default=sa.text("2 * 3")),
                            sa.Column("m", sa.BigInteger, server_default=sa.text("1 + 1")))
    result = _round_trip(mysql_url, declared)
    sql = [s for step in result.plan.steps for s in step.statements]
    assert any("MODIFY n INTEGER(11) NOT NULL DEFAULT (2 * 3)" in s for s in sql), sql
    assert any("MODIFY m BIGINT NULL DEFAULT (1 + 1)" in s for s in sql), sql
    assert _rows(mysql_url, "id, n, m") == [(1, 5, 1)]
    _undo(mysql_url, result, live)


@pytest.mark.mysql
def test_an_added_column_with_an_expression_default_and_the_current_time(mysql_url: str) -> None:
    live = _live(mysql_url, lambda: [sa.Column("d", sa.DateTime, nullable=True)], [{"id": 1, "d": None}])
    declared, _ = _declared(sa.Column("d", sa.DateTime, nullable=True, server_default=sa.text("CURRENT_TIMESTAMP")),
                            sa.Column("n", sa.Integer, nullable=False, server_default=sa.text("2 * 3")))
    result = _round_trip(mysql_url, declared)
    sql = [s for step in result.plan.steps for s in step.statements]
    assert any("d DATETIME NULL DEFAULT CURRENT_TIMESTAMP" in s for s in sql), sql
    assert any("ADD COLUMN n INTEGER NOT NULL DEFAULT (2 * 3)" in s for s in sql), sql
    assert _rows(mysql_url, "id, d, n") == [(1, None, 6)]
    _undo(mysql_url, result, live)


# --- a default change goes with its column's type change ----------------------------------------


def _datetime_to_text(url: str) -> tuple[sa.MetaData, sa.MetaData]:
    live = _live(url, lambda: [sa.Column("code", sa.DateTime, nullable=False)],
                 [{"id": 1, "code": dt.datetime(2020, 1, 2, 3, 4, 5)}])
    declared, _ = _declared(sa.Column("code", sa.String(235), nullable=False, server_default="abc"))
    return live, declared


def _skipped_together(url: str, declared: sa.MetaData) -> None:
    result = _round_trip(url, declared)
    assert result.plan.steps == []
    reasons = {s.finding: s.reason for s in result.plan.skipped if s.column == "code"}
    assert set(reasons) == {"type_mismatch", "default_mismatch"}, reasons
    assert "its type change is not planned" in reasons["default_mismatch"]
    assert "narrowing_type_change" in reasons["default_mismatch"]
    assert {(f.kind, f.column) for f in check(url, declared).findings} == {("type_mismatch", "code"),
                                                                           ("default_mismatch", "code")}


def test_a_default_is_skipped_with_the_type_change_it_belongs_to(db_url: str) -> None:
    # PostgreSQL refused SET DEFAULT 'abc' on the TIMESTAMP; SQLite rebuilt the table with it.
    _live_md, declared = _datetime_to_text(db_url)
    _skipped_together(db_url, declared)
    assert len(_rows(db_url, "id, code")) == 1


@pytest.mark.mysql
def test_a_default_is_skipped_with_the_type_change_it_belongs_to_mysql(mysql_url: str) -> None:
    _live_md, declared = _datetime_to_text(mysql_url)
    _skipped_together(mysql_url, declared)
    assert _rows(mysql_url, "id, code") == [(1, dt.datetime(2020, 1, 2, 3, 4, 5))]


def test_a_default_goes_with_a_type_change_that_is_planned(db_url: str) -> None:
    live = _live(db_url, lambda: [sa.Column("n", sa.SmallInteger, nullable=False, server_default=sa.text("1"))],
                 [{"id": 1, "n": 3}])
    declared, _ = _declared(sa.Column("n", sa.BigInteger, nullable=False, server_default=sa.text("7")))
    result = _round_trip(db_url, declared)
    assert result.plan.skipped == []
    assert _rows(db_url, "id, n") == [(1, 3)]
    if not db_url.startswith("sqlite"):  # (a SQLite table rebuild has no undo)
        _undo(db_url, result, live)


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite"])
def test_the_default_waits_for_its_type_change_in_whatever_order_they_come(dialect: str) -> None:
    """Planned from snapshots, the default change handed in before the type change it belongs to."""
    from schemaguard.drift.diff import diff
    from schemaguard.plan import build_plan
    from schemaguard.sources.declared import declared_snapshot

    live, _ = _declared(sa.Column("n", sa.BigInteger, nullable=False, server_default=sa.text("0")))
    declared, _ = _declared(sa.Column("n", sa.SmallInteger, nullable=False, server_default=sa.text("7")))
    changes = diff(declared_snapshot(declared, dialect), declared_snapshot(live, dialect))
    assert [c.kind for c in changes] == ["type_mismatch", "default_mismatch"]
    for order in (changes, changes[::-1]):
        plan = build_plan(order, "alter", dialect, dict(declared.tables))
        assert plan.steps == []
        assert [(s.finding, "its type change is not planned" in s.reason) for s in plan.skipped] == [
            ("type_mismatch", False), ("default_mismatch", True)]


# --- a new CHECK over a column the plan adds ------------------------------------------------------


def _check_over_added_column(url: str, default: str) -> sa.MetaData:
    _live(url, lambda: [], [{"id": 1}, {"id": 2}])
    declared, t = _declared(sa.Column("userId", sa.Integer, nullable=False, server_default=sa.text(default)))
    t.append_constraint(sa.CheckConstraint(t.c.userId.between(0, 10), name="ck_t_userid"))
    return declared


def _check_kept(url: str) -> None:
    declared = _check_over_added_column(url, "1 + 1")  # every row gets 2, which the CHECK takes
    plan = safe_sync(url, declared, mode="alter", environ=DEV, dry_run=True).plan
    assert plan.skipped == [], [s.reason for s in plan.skipped]
    _round_trip(url, declared)
    assert _rows(url, 'id, "userId"' if not url.startswith("mysql") else "id, userId") == [(1, 2), (2, 2)]


def _check_measured(url: str) -> None:
    declared = _check_over_added_column(url, "20")  # every row gets 20, which the CHECK refuses
    result = _round_trip(url, declared)
    [skip] = [s for s in result.plan.skipped if s.finding == "check_missing"]
    assert skip.reason.startswith("2 row(s) of t break CHECK"), skip.reason
    assert [f.kind for f in check(url, declared).findings] == ["check_missing"]


def test_a_check_over_an_added_column_is_measured_with_its_default(db_url: str) -> None:
    _check_kept(db_url)


def test_a_check_over_an_added_column_that_its_default_breaks_is_skipped(db_url: str) -> None:
    _check_measured(db_url)


@pytest.mark.mysql
def test_a_check_over_an_added_column_is_measured_with_its_default_mysql(mysql_url: str) -> None:
    _check_kept(mysql_url)


@pytest.mark.mysql
def test_a_check_over_an_added_column_that_its_default_breaks_is_skipped_mysql(mysql_url: str) -> None:
    _check_measured(mysql_url)


@pytest.mark.parametrize(("expression", "default", "counted"), [
    ('"userId" BETWEEN 0 AND 10', "1 + 1", "(1 + 1) BETWEEN 0 AND 10"),
    ('"userId" > 0 OR id > 1', None, "(NULL) > 0 OR id > 1"),  # added without a default: NULL
    ('"other" > 0', "1", '"other" > 0'),  # reads no added column: as it is
    ('"userId" > ) 0', "1", None),  # cannot be parsed, and names the added column
    ('"userId" > 0', "(((", None),  # the default cannot be put in its place
])
def test_a_check_is_counted_with_the_added_columns_default_or_not_at_all(
        expression: str, default: str | None, counted: str | None) -> None:
    from schemaguard.dialects import sqlalchemy_dialect
    from schemaguard.plan.builder import Builder
    from schemaguard.plan.checks import _as_rows_will_be
    from schemaguard.schema.snapshot import Check

    b = Builder("alter", sqlalchemy_dialect("postgresql"), {}, None)
    b.added_columns[("t", "userId")] = sa.Column("userId", sa.Integer)
    if default is not None:
        b.added_defaults[("t", "userId")] = default
    sql, why = _as_rows_will_be(b, "t", Check(name=None, expression=expression))
    assert sql == counted
    assert (why is None) == (counted is not None)
    if why is not None:
        assert "userId" in why and "which this plan adds" in why


def test_a_check_that_cannot_be_measured_is_added_and_says_so() -> None:
    """Planned from snapshots with a counter that records what it is asked: a CHECK over an added
    column that cannot be rewritten is not counted (never against the table without the column)."""
    from schemaguard.drift.diff import diff
    from schemaguard.plan import build_plan
    from schemaguard.plan.steps import LiveLookups
    from schemaguard.sources.declared import declared_snapshot

    live, _ = _declared()
    declared, t = _declared(sa.Column("userId", sa.Integer, nullable=False, server_default=sa.text("(((")))
    t.append_constraint(sa.CheckConstraint('"userId" > 0', name="ck_t_userid"))
    asked: list[str] = []
    counter = LiveLookups(check_violations=lambda table, expression: asked.append(expression) or 5)
    changes = diff(declared_snapshot(declared, "postgresql"), declared_snapshot(live, "postgresql"))
    plan = build_plan(changes, "alter", "postgresql", dict(declared.tables), live=counter)
    [step] = [s for s in plan.steps if s.kind == "add_check"]
    assert asked == []
    assert "which this plan adds" in step.details["rows_not_measured"]
    assert "were not counted" in step.details["rows_not_measured"]
