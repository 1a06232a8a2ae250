"""--schema on PostgreSQL: one schema at a time, models bound to a schema, a missing schema."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from conftest import engine_for

from schemaguard.compare import check
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
