"""sync for CHECK constraints and enum labels against real databases: what the plan adds really
makes the finding go away, what it skips stays (and says why), and rows are never touched.

Model sets: sqlalchemy-celery-beat's (published: unnamed CHECKs PostgreSQL rewrites, two native
enums) with hand mutations, and small models for what celery-beat lacks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import engine_for, run_sql

from schemaguard.apply.sync import safe_sync
from schemaguard.checking.check import check
from schemaguard.plan import make_plan
from schemaguard.report.alembic import plan_alembic

DEV = {"APP_ENV": "development"}



def _kinds(url: str, md: sa.MetaData) -> list[tuple[str, str | None]]:
    return sorted((f.kind, f.table) for f in check(url, md).findings)


def _scalar(url: str, sql: str) -> object:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql(sql).scalar()
    finally:
        engine.dispose()


def _shop() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("items", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("qty", sa.Integer, sa.CheckConstraint("qty >= 0")),
             sa.Column("code", sa.String(8)),
             sa.CheckConstraint("code IN ('a', 'b', 'c')", name="ck_items_code"))
    return md


LIVE = ["CREATE TABLE items (id INTEGER PRIMARY KEY, qty INTEGER, code VARCHAR(8), "
        "CONSTRAINT ck_items_old CHECK (id < 1000))",
        "INSERT INTO items VALUES (1, 5, 'a'), (2, 0, 'b')"]


def test_safe_sync_adds_checks_the_rows_satisfy_and_keeps_the_extra_one(db_url: str) -> None:
    run_sql(db_url, LIVE)
    md = _shop()
    assert _kinds(db_url, md) == [("check_extra", "items"), ("check_missing", "items"), ("check_missing", "items")]
    result = safe_sync(db_url, md, mode="safe", environ=DEV)
    assert {s.kind for s in result.plan.steps} == {"add_check"}
    assert [s.kind for s in result.plan.skipped] == ["drop_check"]
    assert _kinds(db_url, md) == [("check_extra", "items")]
    assert _scalar(db_url, "SELECT count(*) FROM items") == 2
    # The database enforces what was added.
    with pytest.raises(sa.exc.IntegrityError):
        run_sql(db_url, ["INSERT INTO items VALUES (3, -1, 'a')"])


def test_alter_sync_drops_the_extra_check(db_url: str) -> None:
    run_sql(db_url, LIVE)
    md = _shop()
    safe_sync(db_url, md, mode="alter", environ=DEV)
    assert _kinds(db_url, md) == []
    assert make_plan(db_url, md, mode="alter").steps == []


def test_add_check_is_skipped_with_the_count_of_rows_that_break_it(db_url: str) -> None:
    run_sql(db_url, LIVE + ["INSERT INTO items VALUES (3, -4, 'z'), (4, -1, 'a')"])
    plan = make_plan(db_url, _shop(), mode="alter")
    reasons = {s.column: s.reason for s in plan.skipped if s.kind == "add_check"}
    assert reasons["qty"].startswith("2 row(s) of items break CHECK (qty >= 0)"), reasons
    assert reasons["code"].startswith("1 row(s) of items break CHECK (code IN ('a', 'b', 'c'))"), reasons
    assert not [s for s in plan.steps if s.kind == "add_check"]


def test_postgresql_adds_not_valid_then_validates(pg_url: str) -> None:
    run_sql(pg_url, LIVE)
    plan = make_plan(pg_url, _shop(), mode="safe")
    step = next(s for s in plan.steps if s.column == "qty")
    assert step.statements == [
        "ALTER TABLE items ADD CONSTRAINT ck_items_qty CHECK (qty >= 0) NOT VALID",
        "ALTER TABLE items VALIDATE CONSTRAINT ck_items_qty",
    ]
    assert step.hazards == [] and "no operation kind of the contract applies" in step.details["validation"]
    revision = plan_alembic(plan, revision="0001")
    assert 'op.execute(r"ALTER TABLE items VALIDATE CONSTRAINT ck_items_qty")' in revision
    assert "ALTER TABLE items DROP CONSTRAINT ck_items_qty" in revision  # its downgrade


def test_sqlite_adds_a_check_by_rebuilding_the_table(sqlite_url: str) -> None:
    run_sql(sqlite_url, LIVE)
    plan = make_plan(sqlite_url, _shop(), mode="alter")
    [step] = plan.steps
    assert step.details["rebuild"] == ["add CHECK (qty >= 0)", "add CHECK (code IN ('a', 'b', 'c'))",
                                       "drop CHECK (id < 1000)"]
    assert "PRAGMA legacy_alter_table = ON" in step.statements


# --- native enum labels (PostgreSQL) -------------------------------------------------------------


def _orders(labels: tuple[str, ...], default: str | None = None) -> sa.MetaData:
    md = sa.MetaData()
    state = sa.Enum(*labels, name="order_state")
    sa.Table("orders", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("state", state, server_default=default))
    sa.Table("refunds", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("state", state))
    return md


def test_enum_label_added_by_safe_sync_in_the_models_order(pg_url: str) -> None:
    _orders(("open", "paid")).create_all(engine_for(pg_url))
    run_sql(pg_url, ["INSERT INTO orders (state) VALUES ('paid')"])
    md = _orders(("new", "open", "paid", "refunded"))
    findings = check(pg_url, md).findings
    # One finding for the type, naming both columns.
    assert [(f.kind, f.table, f.column) for f in findings] == [("enum_label_missing", "orders", "state")]
    assert "orders.state, refunds.state" in findings[0].message
    result = safe_sync(pg_url, md, mode="safe", environ=DEV)
    assert [s.kind for s in result.plan.steps] == ["add_enum_label", "add_enum_label"]
    assert check(pg_url, md).findings == []
    labels = _scalar(pg_url, "SELECT array_agg(enumlabel ORDER BY enumsortorder) FROM pg_enum e "
                             "JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'order_state'")
    assert labels == ["new", "open", "paid", "refunded"]


def test_a_default_using_a_new_label_waits_for_the_next_sync(pg_url: str) -> None:
    _orders(("open", "paid")).create_all(engine_for(pg_url))
    md = _orders(("open", "paid", "refunded"), default="refunded")
    first = safe_sync(pg_url, md, mode="alter", environ=DEV)
    assert [s.kind for s in first.plan.steps] == ["add_enum_label"]
    [deferred] = [s for s in first.plan.skipped if s.kind == "alter_column"]
    assert "cannot use a new label in the transaction that added it" in deferred.reason
    second = safe_sync(pg_url, md, mode="alter", environ=DEV)
    assert [s.kind for s in second.plan.steps] == ["alter_column"]
    assert check(pg_url, md).findings == []


def test_a_label_only_the_database_has_is_never_removed(pg_url: str) -> None:
    _orders(("open", "paid", "void")).create_all(engine_for(pg_url))
    md = _orders(("open", "paid"))
    plan = make_plan(pg_url, md, mode="alter")
    assert plan.steps == []
    [skip] = plan.skipped
    assert skip.finding == "enum_label_extra" and "CREATE TYPE order_state_new AS ENUM" in skip.reason


def test_percent_signs_in_names_and_patterns(db_url: str) -> None:
    """A CHECK over a column named with % and a LIKE pattern: compared, counted and added as the
    database has it (a driver with %-style parameters must not see doubled or bare markers)."""
    md = sa.MetaData()
    sa.Table("codes", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("50%", sa.String(8)), sa.CheckConstraint(sa.column("50%").like("a%"), name="ck_codes_a"))
    pct = "%%" if db_url.startswith("postgresql") else "%"  # raw driver SQL: psycopg reads % as a marker
    run_sql(db_url, [f'CREATE TABLE codes (id INTEGER PRIMARY KEY, "50{pct}" VARCHAR(8))',
                      "INSERT INTO codes VALUES (1, 'ab'), (2, 'zz')"])
    plan = make_plan(db_url, md, mode="safe")
    [skip] = [s for s in plan.skipped if s.kind == "add_check"]
    assert skip.reason.startswith("1 row(s) of codes break"), skip.reason
    run_sql(db_url, ["DELETE FROM codes WHERE id = 2"])
    safe_sync(db_url, md, mode="safe", environ=DEV)
    assert check(db_url, md).findings == []


def test_a_check_over_a_column_the_plan_adds_is_judged_with_its_default(db_url: str) -> None:
    md = sa.MetaData()
    sa.Table("items", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("level", sa.Integer, server_default="0"),
             sa.CheckConstraint("level >= 3", name="ck_items_level"))
    run_sql(db_url, ["CREATE TABLE items (id INTEGER PRIMARY KEY)", "INSERT INTO items VALUES (1), (2)"])
    plan = make_plan(db_url, md, mode="safe")
    assert [s.kind for s in plan.steps] == ["add_column"]
    [skip] = [s for s in plan.skipped if s.kind == "add_check"]
    assert skip.reason.startswith("2 row(s) of items break CHECK (level >= 3)"), skip.reason


def test_a_check_attached_twice_is_one_check() -> None:
    """mlflow's models attach the same named CHECK to `runs` more than once; the database has it
    once. Declared twice, it is one CHECK (it was reported missing once per extra copy)."""
    from schemaguard.sources.declared import declared_snapshot

    md = sa.MetaData()
    t = sa.Table("runs", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("stage", sa.String(10)))
    for _ in range(3):
        t.append_constraint(sa.CheckConstraint("stage IN ('active', 'deleted')", name="runs_stage"))
    for dialect in ("sqlite", "postgresql"):
        checks = declared_snapshot(md, dialect).table("runs").checks  # type: ignore[union-attr]
        assert checks is not None and [k.name for k in checks] == ["runs_stage"]


def test_unnamed_identical_checks_stay_as_many_as_declared(tmp_path: Path) -> None:
    """Two unnamed `CHECK (n >= 0)` are two CHECKs in create_all's DDL; folding them into one made
    the second a check_extra (hypothesis found it in CI after the named-copies fix)."""
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer),
             sa.CheckConstraint("n >= 0"), sa.CheckConstraint("n >= 0"))
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    engine = sa.create_engine(url)
    md.create_all(engine)
    engine.dispose()
    assert check(url, md).findings == []


def test_rows_a_new_foreign_key_would_refuse_are_counted_and_the_key_skipped(pg_url: str) -> None:
    """Measured before the first step (as NULLs for SET NOT NULL are): an order whose user does not
    exist makes the key skipped with the count, not a sync that fails at its last step."""
    run_sql(pg_url, ["CREATE TABLE users (id INTEGER PRIMARY KEY)", "CREATE TABLE orders (id INTEGER PRIMARY KEY, "
                     "user_id INTEGER)", "INSERT INTO users VALUES (1)",
                     "INSERT INTO orders VALUES (1, 1), (2, 42), (3, 43), (4, NULL)"])
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("orders", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name="fk_orders_user")))
    plan = make_plan(pg_url, md, mode="safe")
    assert plan.steps == []
    [skip] = [s for s in plan.skipped if s.kind == "add_foreign_key"]
    assert skip.table == "orders" and skip.reason.startswith(
        "2 row(s) of orders have user_id values that no users row has (id)")
    run_sql(pg_url, ["DELETE FROM orders WHERE user_id > 1"])
    assert [s.kind for s in make_plan(pg_url, md, mode="safe").steps] == ["add_foreign_key"]
