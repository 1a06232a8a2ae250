"""--schema on PostgreSQL: one schema at a time, models bound to a schema, a missing schema."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import engine_for

from schemaguard.checking.check import check
from schemaguard.errors import UsageError


def _models(schema: str | None) -> sa.MetaData:
    md = sa.MetaData(schema=schema)
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(200)))
    sa.Table("orders", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("user_id", sa.ForeignKey("users.id" if schema is None else f"{schema}.users.id")))
    return md


def test_schema_option_and_schema_bound_models(pg_url: str) -> None:
    eng = engine_for(pg_url)
    with eng.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA tenant_a")
        conn.exec_driver_sql("CREATE SCHEMA tenant_b")
    _models("tenant_a").create_all(eng)
    with eng.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE tenant_b.users (id SERIAL PRIMARY KEY)")
        conn.exec_driver_sql("CREATE TABLE public.unrelated (id INTEGER PRIMARY KEY)")
    eng.dispose()

    # Models bound to tenant_a are compared with tenant_a without --schema.
    assert check(pg_url, _models("tenant_a")).findings == []
    # Unbound models with --schema tenant_a: the same answer.
    assert check(pg_url, _models(None), schema="tenant_a").findings == []
    # tenant_b lacks orders and the email column; public's unrelated table is not looked at.
    got = sorted((f.kind, f.table, f.column) for f in check(pg_url, _models(None), schema="tenant_b").findings)
    assert got == [("column_missing", "users", "email"), ("table_missing", "orders", None)]


def test_missing_schema_is_a_usage_error(pg_url: str) -> None:
    with pytest.raises(UsageError, match="schema 'nope' does not exist"):
        check(pg_url, _models(None), schema="nope")


def _multi(fk_target: str = "sales.customers.id") -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("customers", md, sa.Column("id", sa.Integer, primary_key=True), schema="sales")
    sa.Table("customers", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("accounts", md, sa.Column("id", sa.Integer, primary_key=True), schema="public")
    sa.Table(
        "orders",
        md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.ForeignKey(fk_target)),
        sa.Column("account_id", sa.ForeignKey("public.accounts.id")),
    )
    return md


def test_models_spanning_schemas_compare_the_default_one(pg_url: str) -> None:
    eng = engine_for(pg_url)
    with eng.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA sales")
    _multi().create_all(eng)
    eng.dispose()
    result = check(pg_url, _multi())
    # schema="public" is the default schema; sales.customers is not compared but is a real target.
    assert result.findings == []
    assert result.notes and "1 in sales" in result.notes[0]
    # The model points orders.customer_id at public.customers; the database at sales.customers.
    got = [(f.kind, f.table, f.column) for f in check(pg_url, _multi("customers.id")).findings]
    assert got == [("foreign_key_mismatch", "orders", "customer_id")]
    # Only sales, on request: the tables without a schema are the default schema's here.
    sales = check(pg_url, _multi(), schema="sales")
    assert sales.findings == []
    assert sales.notes and "3 declared table(s) are not in schema sales" in sales.notes[0]


def test_models_all_in_another_schema_than_asked_is_an_error(pg_url: str) -> None:
    eng = engine_for(pg_url)
    with eng.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA sales")
    eng.dispose()
    md = sa.MetaData(schema="sales")
    sa.Table("customers", md, sa.Column("id", sa.Integer, primary_key=True))
    with pytest.raises(UsageError, match=r"none of the 1 declared tables is in schema public \(they are in sales\)"):
        check(pg_url, md, schema="public")
