"""sqlalchemy-celery-beat's models (6 tables, unnamed CHECKs, two native enums on PostgreSQL): a
published model set whose CHECKs PostgreSQL prints back in another form (BETWEEN rewritten as two
comparisons, literals cast to numeric), built the package's own way.

The package declares every table in `schema='celery_schema'` and maps it at run time with
`schema_translate_map`; the comparison is given a copy of its MetaData in the default schema, as
/work/notes/corpora.md describes. A database the package built has no finding; each hand mutation
(a CHECK dropped, a CHECK changed, an enum label added in the models) gives exactly its finding.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from conftest import engine_for, run_sql

from schemaguard.checking.check import check

pytest.importorskip("sqlalchemy_celery_beat")


def _models() -> sa.MetaData:
    import sqlalchemy_celery_beat.models  # noqa: F401 - registers the tables on ModelBase
    from sqlalchemy_celery_beat.session import ModelBase

    md = sa.MetaData()
    for t in ModelBase.metadata.tables.values():
        t.to_metadata(md, schema=None)
    return md


def _build(url: str) -> None:
    """The package's own setup: SessionManager().session_factory(url) runs create_all."""
    from sqlalchemy_celery_beat.session import SessionManager

    driver_url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    SessionManager().session_factory(driver_url).close()


def _summary(findings: list[Any]) -> list[tuple[str, str | None, str | None]]:
    return sorted((f.kind, f.table, f.column) for f in findings)


def _explain(findings: list[Any]) -> str:
    return "\n".join(f"{f.kind} {f.table}.{f.column}: {f.message}" for f in findings)



def test_built_by_the_package_has_no_finding(db_url: str) -> None:
    _build(db_url)
    result = check(db_url, _models())
    assert result.findings == [], _explain(result.findings)


def _live_check_name(url: str, table: str) -> str | None:
    engine = engine_for(url)
    try:
        checks = sa.inspect(engine).get_check_constraints(table)
    finally:
        engine.dispose()
    return checks[0]["name"] if checks else None


def test_dropped_check_is_check_missing(pg_url: str) -> None:
    _build(pg_url)
    name = _live_check_name(pg_url, "celery_intervalschedule")
    run_sql(pg_url, [f'ALTER TABLE celery_intervalschedule DROP CONSTRAINT "{name}"'])
    result = check(pg_url, _models())
    assert _summary(result.findings) == [("check_missing", "celery_intervalschedule", "every")], _explain(
        result.findings)
    assert result.findings[0].severity == "warning"


def test_changed_check_is_check_mismatch(db_url: str) -> None:
    _build(db_url)
    md = _models()
    # The model now allows a wider range than the database's BETWEEN 0 AND 255.
    t = md.tables["celery_periodictask"]
    old = next(c for c in t.constraints if isinstance(c, sa.CheckConstraint) and "priority" in str(c.sqltext))
    t.constraints.discard(old)
    t.append_constraint(sa.CheckConstraint("priority BETWEEN 0 AND 9"))
    result = check(db_url, md)
    assert _summary(result.findings) == [("check_mismatch", "celery_periodictask", "priority")], _explain(
        result.findings)


def test_check_added_in_the_database_is_check_extra(pg_url: str) -> None:
    _build(pg_url)
    run_sql(pg_url, ["ALTER TABLE celery_periodictask ADD CONSTRAINT ck_name CHECK (length(name) > 2)"])
    result = check(pg_url, _models())
    assert _summary(result.findings) == [("check_extra", "celery_periodictask", "name")], _explain(result.findings)
    assert result.findings[0].severity == "error"


def test_check_taken_out_of_the_models_is_check_extra(db_url: str) -> None:
    _build(db_url)
    md = _models()
    t = md.tables["celery_intervalschedule"]
    cols = [c for c in t.c if any(isinstance(k, sa.CheckConstraint) for k in c.constraints)]
    for col in cols:
        col.constraints = {k for k in col.constraints if not isinstance(k, sa.CheckConstraint)}
    t.constraints = {k for k in t.constraints if not isinstance(k, sa.CheckConstraint)}
    result = check(db_url, md)
    assert _summary(result.findings) == [("check_extra", "celery_intervalschedule", "every")], _explain(
        result.findings)


def test_label_added_in_the_models_is_enum_label_missing(pg_url: str) -> None:
    _build(pg_url)
    md = _models()
    col = md.tables["celery_intervalschedule"].c.period
    labels = [*col.type.enums, "weeks"]
    col.type = sa.Enum(*labels, name=col.type.name)
    result = check(pg_url, md)
    assert _summary(result.findings) == [("enum_label_missing", "celery_intervalschedule", "period")], _explain(
        result.findings)
    assert result.findings[0].severity == "error"
    assert "'weeks'" in result.findings[0].message


def test_label_added_in_the_database_is_enum_label_extra(pg_url: str) -> None:
    _build(pg_url)
    run_sql(pg_url, ["ALTER TYPE period ADD VALUE 'weeks'"])
    result = check(pg_url, _models())
    assert _summary(result.findings) == [("enum_label_extra", "celery_intervalschedule", "period")], _explain(
        result.findings)
    assert result.findings[0].severity == "warning"


def test_sync_puts_a_dropped_check_and_a_new_label_back(pg_url: str) -> None:
    from schemaguard.apply.sync import safe_sync

    _build(pg_url)
    name = _live_check_name(pg_url, "celery_solarschedule")
    run_sql(pg_url, [f'ALTER TABLE celery_solarschedule DROP CONSTRAINT "{name}"'])
    md = _models()
    col = md.tables["celery_intervalschedule"].c.period
    col.type = sa.Enum(*col.type.enums, "weeks", name=col.type.name)
    result = safe_sync(pg_url, md, mode="safe", environ={"APP_ENV": "production"})
    assert sorted(s.kind for s in result.plan.steps) == ["add_check", "add_enum_label"]
    assert check(pg_url, md).findings == []


def test_sqlite_sync_rebuilds_for_a_changed_check(sqlite_url: str) -> None:
    from schemaguard.apply.sync import safe_sync

    _build(sqlite_url)
    md = _models()
    t = md.tables["celery_periodictask"]
    old = next(c for c in t.constraints if isinstance(c, sa.CheckConstraint) and "priority" in str(c.sqltext))
    t.constraints.discard(old)
    t.append_constraint(sa.CheckConstraint("priority BETWEEN 0 AND 9"))
    result = safe_sync(sqlite_url, md, mode="alter", environ={"APP_ENV": "development"})
    assert [s.details.get("rebuild") for s in result.plan.steps] == [
        ["replace CHECK (priority BETWEEN 0 AND 255) with (priority BETWEEN 0 AND 9)"]]
    assert check(sqlite_url, md).findings == []
