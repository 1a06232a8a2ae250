"""Published SQLAlchemy models that we did not write, on SQLite, PostgreSQL and MariaDB.

- optuna's storage models (`optuna.storages._rdb.models.BaseModel`: 12 tables, enums, Float(53),
  composite unique constraints, foreign keys, a CHECK constraint);
- APScheduler 3's job store table (`SQLAlchemyJobStore`: Unicode(191) key, Float(25), LargeBinary),
  created by the scheduler itself.

A database that the package's own code (or `create_all`) made from them has no finding; drift made
on the live side with plain SQL gives exactly the findings it should.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from conftest import engine_for, run_sql

from schemaguard.checking.check import check

optuna_models = pytest.importorskip("optuna.storages._rdb.models")


def _summary(findings: list[Any]) -> list[tuple[str, str | None, str | None]]:
    return sorted((f.kind, f.table, f.column) for f in findings)


def _explain(findings: list[Any]) -> str:
    return "\n".join(f"{f.kind} {f.table}.{f.column}: {f.message}" for f in findings)



def _dialect(url: str) -> str:
    if url.startswith("mysql"):
        return "mysql"
    return "sqlite" if url.startswith("sqlite") else "postgresql"


@pytest.fixture(params=["sqlite", "postgresql", pytest.param("mysql", marks=pytest.mark.mysql)])
def db_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A fresh, empty database on each backend in turn (MariaDB too, here)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'live.db'}"
    return str(request.getfixturevalue("pg_url" if request.param == "postgresql" else "mysql_url"))


# --- optuna ---------------------------------------------------------------------------------------


def test_optuna_create_all_has_no_finding(db_url: str) -> None:
    engine = engine_for(db_url)
    try:
        optuna_models.BaseModel.metadata.create_all(engine)
    finally:
        engine.dispose()
    result = check(db_url, optuna_models.BaseModel)
    assert result.findings == [], _explain(result.findings)


def test_optuna_storage_made_by_optuna_has_no_finding(db_url: str) -> None:
    # optuna's RDBStorage creates its own schema and stamps alembic_version (bookkeeping, ignored).
    from optuna.storages import RDBStorage

    url = db_url.replace("postgresql://", "postgresql+psycopg://", 1).replace("mysql://", "mysql+pymysql://", 1)
    storage = RDBStorage(url, engine_kwargs={"poolclass": sa.pool.NullPool})
    try:
        storage.create_new_study(directions=[optuna_models.StudyDirection.MINIMIZE], study_name="s")
    finally:
        storage.engine.dispose()
    result = check(db_url, optuna_models.BaseModel)
    assert result.findings == [], _explain(result.findings)


def _optuna_drift_sql(dialect: str) -> list[str]:
    """Drop a column, drop an index, and narrow VARCHAR(256) to VARCHAR(64) on the live side."""
    statements = ["ALTER TABLE trials DROP COLUMN datetime_complete"]
    if dialect == "mysql":
        # ix_trials_study_id serves the foreign key on study_id: InnoDB refuses to drop it. The
        # other index goes instead.
        return [*statements, "DROP INDEX ix_studies_study_name ON studies",
                "ALTER TABLE version_info MODIFY library_version VARCHAR(64)"]
    statements.append("DROP INDEX ix_trials_study_id")
    if dialect == "postgresql":
        statements.append("ALTER TABLE version_info ALTER COLUMN library_version TYPE VARCHAR(64)")
    else:
        # SQLite cannot change a column's type in place: rebuild the table, as migrations do there.
        statements += [
            (
                "CREATE TABLE version_info_new (version_info_id INTEGER NOT NULL, schema_version INTEGER, "
                "library_version VARCHAR(64), PRIMARY KEY (version_info_id), CHECK (version_info_id=1))"
            ),
            "INSERT INTO version_info_new SELECT version_info_id, schema_version, library_version FROM version_info",
            "DROP TABLE version_info",
            "ALTER TABLE version_info_new RENAME TO version_info",
        ]
    return statements


def test_optuna_drift_gives_exactly_the_expected_findings(db_url: str) -> None:
    engine = engine_for(db_url)
    try:
        optuna_models.BaseModel.metadata.create_all(engine)
    finally:
        engine.dispose()
    assert check(db_url, optuna_models.BaseModel).findings == []

    run_sql(db_url, _optuna_drift_sql(_dialect(db_url)))
    findings = check(db_url, optuna_models.BaseModel).findings
    dropped_index = ("studies", "study_name") if _dialect(db_url) == "mysql" else ("trials", "study_id")
    assert _summary(findings) == sorted([
        ("column_missing", "trials", "datetime_complete"),
        ("index_missing", *dropped_index),
        ("type_mismatch", "version_info", "library_version"),
    ]), _explain(findings)
    by_kind = {f.kind: f for f in findings}
    assert by_kind["type_mismatch"].declared == "VARCHAR(256)"
    assert by_kind["type_mismatch"].live == "VARCHAR(64)"
    assert by_kind["column_missing"].severity in ("warning", "error")


# --- APScheduler 3 --------------------------------------------------------------------------------


def _apscheduler_store(url: str) -> tuple[Any, sa.Engine]:
    """A started and stopped BackgroundScheduler whose job store made its own table, holding a job."""
    pytest.importorskip("apscheduler.jobstores.sqlalchemy")
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    engine = engine_for(url)
    store = SQLAlchemyJobStore(engine=engine)
    scheduler = BackgroundScheduler(jobstores={"default": store}, timezone="UTC")
    scheduler.start(paused=True)
    try:
        scheduler.add_job(print, "interval", hours=1, id="hourly")
    finally:
        scheduler.shutdown(wait=False)
    return store, engine


def test_apscheduler_job_store_made_by_apscheduler_has_no_finding(db_url: str) -> None:
    store, engine = _apscheduler_store(db_url)
    engine.dispose()
    result = check(db_url, store.jobs_t.metadata)
    assert result.findings == [], _explain(result.findings)


def test_apscheduler_drift_gives_exactly_the_expected_findings(db_url: str) -> None:
    store, engine = _apscheduler_store(db_url)
    engine.dispose()
    dialect = _dialect(db_url)
    statements = ["DROP INDEX ix_apscheduler_jobs_next_run_time" + (" ON apscheduler_jobs" if dialect == "mysql" else "")]
    expected = [("index_missing", "apscheduler_jobs", "next_run_time")]
    if dialect == "mysql":
        # Float(25) is DOUBLE there; FLOAT is 4 bytes.
        statements.append("ALTER TABLE apscheduler_jobs MODIFY next_run_time FLOAT")
        expected.append(("type_mismatch", "apscheduler_jobs", "next_run_time"))
    if dialect == "postgresql":
        # Float(25) is double precision there; REAL loses precision. (On SQLite both are one
        # 8-byte REAL storage class, so the same change is no drift at all.)
        statements.append("ALTER TABLE apscheduler_jobs ALTER COLUMN next_run_time TYPE REAL")
        expected.append(("type_mismatch", "apscheduler_jobs", "next_run_time"))
    run_sql(db_url, statements)
    findings = check(db_url, store.jobs_t.metadata).findings
    assert _summary(findings) == sorted(expected), _explain(findings)
