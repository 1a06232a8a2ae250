"""Published model sets from PyPI packages of different authors, each database built the way the
package builds it (its own migrations or its own setup call), on SQLite and PostgreSQL.

Each must give no finding, or exactly the model/migration drift recorded for it below (with why);
and hand mutations made on the live side with plain SQL must all be found, with nothing else.
tests/corpora/README.md records what the diff found per package. The light packages (celery's
result backend, sqlalchemy-celery-beat) run in the default suite; the heavy ones are marked
`corpus` and run by hand: `pip install -e '.[corpus]' && python -m pytest -m corpus`.
optuna and APScheduler are covered by tests/test_published_models.py.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from conftest import run_sql

from schemaguard.checking.check import check

Found = tuple[str, str | None, str | None]  # (kind, table, column)


@dataclass
class Mutation:
    """Plain SQL that makes one drift on the live side, per dialect, and the finding it must give."""

    sql: dict[str, list[str]]
    finds: list[Found]


@dataclass
class Corpus:
    package: str
    # Builds the database the package's own way at the URL (sqlite:///… or postgresql://…).
    build: Callable[[str, Path], None]
    # --models targets, or a callable giving the MetaData objects.
    models: Callable[[], Any]
    # The documented drift of a clean build, per dialect: (kind, table, column) -> why.
    drift: dict[str, dict[Found, str]] = field(default_factory=dict)
    mutations: list[Mutation] = field(default_factory=list)


def _dialect(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def _driver(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)



def _key(found: Found) -> tuple[str, str, str]:
    return found[0], found[1] or "", found[2] or ""


def _found(findings: list[Any]) -> list[Found]:
    return sorted(((f.kind, f.table, f.column) for f in findings), key=_key)


def _explain(findings: list[Any]) -> str:
    return "\n".join(f"{f.kind} {f.table}.{f.column}: {f.message}" for f in findings)


def _attr(target: str) -> Any:
    module, _, attr = target.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


# --- celery: the database result backend ---------------------------------------------------------


def _celery_build(url: str, tmp: Path) -> None:
    from celery import Celery

    app = Celery("corpus", backend="db+" + _driver(url))
    app.backend.store_result("corpus-task", 42, "SUCCESS")  # first use: prepare_models -> create_all
    app.backend.ResultSession().get_bind().dispose()


CELERY = Corpus(
    package="celery",
    build=_celery_build,
    models=lambda: ["celery.backends.database.models:ResultModelBase"],
    mutations=[
        Mutation({"sqlite": ["ALTER TABLE celery_taskmeta DROP COLUMN traceback"],
                  "postgresql": ["ALTER TABLE celery_taskmeta DROP COLUMN traceback"]},
                 [("column_missing", "celery_taskmeta", "traceback")]),
        Mutation({"postgresql": ["ALTER TABLE celery_taskmeta ALTER COLUMN status TYPE VARCHAR(20)"]},
                 [("type_mismatch", "celery_taskmeta", "status")]),
        Mutation({"sqlite": ["ALTER TABLE celery_tasksetmeta ADD COLUMN note TEXT"],
                  "postgresql": ["ALTER TABLE celery_tasksetmeta ADD COLUMN note TEXT"]},
                 [("column_extra", "celery_tasksetmeta", "note")]),
        Mutation({"sqlite": ['ALTER TABLE celery_taskmeta RENAME COLUMN date_done TO "dateDone"'],
                  "postgresql": ['ALTER TABLE celery_taskmeta RENAME COLUMN date_done TO "dateDone"']},
                 [("column_name_style", "celery_taskmeta", "dateDone")]),
    ],
)


# --- sqlalchemy-celery-beat ----------------------------------------------------------------------


def _beat_models() -> list[Any]:
    importlib.import_module("sqlalchemy_celery_beat.models")
    base = _attr("sqlalchemy_celery_beat.session:ModelBase")
    # Every table names schema='celery_schema', which the package maps to the connection's schema
    # at run time (schema_translate_map): compare a copy in the default schema, as it runs.
    md = sa.MetaData()
    for table in base.metadata.sorted_tables:
        table.to_metadata(md, schema=None)
    return [md]


def _beat_build(url: str, tmp: Path) -> None:
    from sqlalchemy_celery_beat.session import SessionManager

    SessionManager().session_factory(_driver(url)).close()


BEAT = Corpus(
    package="sqlalchemy-celery-beat",
    build=_beat_build,
    models=_beat_models,
    mutations=[
        Mutation({"sqlite": ["ALTER TABLE celery_periodictask DROP COLUMN description"],
                  "postgresql": ["ALTER TABLE celery_periodictask DROP COLUMN description"]},
                 [("column_missing", "celery_periodictask", "description")]),
        Mutation({"postgresql": ["ALTER TABLE celery_periodictask DROP CONSTRAINT celery_periodictask_name_key"]},
                 [("unique_missing", "celery_periodictask", "name")]),
        Mutation({"postgresql": ["ALTER TABLE celery_crontabschedule ALTER COLUMN minute TYPE VARCHAR(30)"]},
                 [("type_mismatch", "celery_crontabschedule", "minute")]),
        Mutation({"sqlite": ["ALTER TABLE celery_clockedschedule ADD COLUMN note TEXT"],
                  "postgresql": ["ALTER TABLE celery_clockedschedule ADD COLUMN note TEXT"]},
                 [("column_extra", "celery_clockedschedule", "note")]),
    ],
)


# --- heavy, behind the `corpus` marker ------------------------------------------------------------


def _dagster_models() -> list[Any]:
    return [
        "dagster._core.storage.runs.schema:RunStorageSqlMetadata",
        "dagster._core.storage.event_log.schema:SqlEventLogStorageMetadata",
        "dagster._core.storage.schedules.schema:ScheduleStorageSqlMetadata",
    ]


def _dagster_build(url: str, tmp: Path) -> None:
    if url.startswith("sqlite"):
        pytest.skip("dagster keeps each storage in a file of its own on SQLite: the shared table only "
                    "shares a database on PostgreSQL")
    from dagster_postgres import (
        PostgresEventLogStorage,
        PostgresRunStorage,
        PostgresScheduleStorage,
    )

    # All three storages in one database, each creating its tables (and secondary_indexes) itself.
    for storage in (PostgresRunStorage(url), PostgresEventLogStorage(url), PostgresScheduleStorage(url)):
        storage.dispose()


DAGSTER = Corpus(
    package="dagster",
    build=_dagster_build,
    models=_dagster_models,
    mutations=[
        Mutation({"postgresql": ["ALTER TABLE secondary_indexes DROP COLUMN migration_completed"]},
                 [("column_missing", "secondary_indexes", "migration_completed")]),
        Mutation({"postgresql": ["ALTER TABLE runs ALTER COLUMN pipeline_name TYPE VARCHAR(100)"]},
                 [("type_mismatch", "runs", "pipeline_name")]),
        Mutation({"postgresql": ["DROP INDEX idx_run_tags"]}, [("index_missing", "run_tags", None)]),
        Mutation({"postgresql": ["ALTER TABLE runs DROP CONSTRAINT fk_runs_snapshot_id_snapshots_snapshot_id"]},
                 [("foreign_key_missing", "runs", "snapshot_id")]),
    ],
)


def _mlflow_build(url: str, tmp: Path) -> None:
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    # initial tables, then `alembic upgrade head` over its shipped migrations
    SqlAlchemyStore(_driver(url), str(tmp / "mlruns")).engine.dispose()


# Real drift between mlflow 3.18.0's models and its own migrations, identical on both databases.
_MLFLOW_DRIFT: dict[Found, str] = {
    ("index_missing", "trace_tags", None): "the model declares Index('index_trace_tags_request_id') with no columns; the migration made it on (request_id)",
    ("index_extra", "trace_tags", "request_id"): "the same index, as the migration made it",
    ("index_missing", "trace_request_metadata", None): "as trace_tags: a column-less Index in the model",
    ("index_extra", "trace_request_metadata", "request_id"): "the same index, as the migration made it",
    ("type_mismatch", "runs", "status"): "model String(20), migration Enum(native_enum=False) -> VARCHAR(9)",
    ("type_mismatch", "assessments", "assessment_type"): "model String(50), migration VARCHAR(20)",
    ("foreign_key_missing", "input_tags", "input_uuid"): "FK to inputs.input_uuid in the model, never created by a migration",
    ("index_missing", "issues", "created_by"): "index_issues_created_by in the model, not in the migrations",
    ("index_extra", "experiments", "workspace"): "idx_experiments_workspace: made by migration 1b5f0d9ad7c1, not in the models",
    ("index_extra", "experiments", None): "idx_experiments_workspace_creation_time: same migration",
    ("index_extra", "registered_models", "workspace"): "idx_registered_models_workspace: same migration",
    ("index_extra", "registered_model_tags", None): "idx_registered_model_tags_workspace_name: same migration",
    ("index_extra", "model_version_tags", None): "idx_model_version_tags_workspace_name_version: same migration",
    ("default_mismatch", "endpoint_model_mappings", "linkage_type"): "server default 'PRIMARY' made by a migration, not in the model",
    ("default_mismatch", "endpoints", "usage_tracking"): "server default false made by a migration",
    ("default_mismatch", "metrics", "is_nan"): "server default false made by a migration",
    ("default_mismatch", "metrics", "step"): "server default 0 made by a migration",
    ("default_mismatch", "webhooks", "status"): "server default 'ACTIVE' made by a migration",
}

MLFLOW = Corpus(
    package="mlflow",
    build=_mlflow_build,
    models=lambda: ["mlflow.store.tracking.sqlalchemy_store:SqlExperiment"],
    drift={"sqlite": _MLFLOW_DRIFT, "postgresql": _MLFLOW_DRIFT},
    mutations=[
        # the text-index case: made ascending, it differs from the declared DESC elements
        Mutation({"sqlite": ["DROP INDEX idx_mcp_server_versions_latest",
                             "CREATE INDEX idx_mcp_server_versions_latest ON mcp_server_versions "
                             "(workspace, name, status, version_major, version_minor, version_patch)"],
                  "postgresql": ["DROP INDEX idx_mcp_server_versions_latest",
                                 "CREATE INDEX idx_mcp_server_versions_latest ON mcp_server_versions "
                                 "(workspace, name, status, version_major, version_minor, version_patch)"]},
                 [("index_missing", "mcp_server_versions", None), ("index_extra", "mcp_server_versions", None)]),
        Mutation({"sqlite": ["ALTER TABLE tags DROP COLUMN value"], "postgresql": ["ALTER TABLE tags DROP COLUMN value"]},
                 [("column_missing", "tags", "value")]),
        Mutation({"postgresql": ["ALTER TABLE experiments ALTER COLUMN name TYPE VARCHAR(100)"]},
                 [("type_mismatch", "experiments", "name")]),
    ],
)


def _jupyterhub_build(url: str, tmp: Path) -> None:
    from jupyterhub import orm

    orm.new_session_factory(_driver(url))().close()  # create_all + alembic stamp head


JUPYTERHUB = Corpus(
    package="jupyterhub",
    build=_jupyterhub_build,
    models=lambda: ["jupyterhub.orm:Base"],
    mutations=[
        Mutation({"sqlite": ["ALTER TABLE users DROP COLUMN last_activity"],
                  "postgresql": ["ALTER TABLE users DROP COLUMN last_activity"]},
                 [("column_missing", "users", "last_activity")]),
        Mutation({"sqlite": ["DROP INDEX ix_api_tokens_prefix"], "postgresql": ["DROP INDEX ix_api_tokens_prefix"]},
                 [("index_missing", "api_tokens", "prefix")]),
        Mutation({"postgresql": ["ALTER TABLE api_tokens DROP CONSTRAINT fk_api_tokens_user_id_users"]},
                 [("foreign_key_missing", "api_tokens", "user_id")]),
        Mutation({"sqlite": ['ALTER TABLE spawners RENAME COLUMN display_name TO "displayName"'],
                  "postgresql": ['ALTER TABLE spawners RENAME COLUMN display_name TO "displayName"']},
                 [("column_name_style", "spawners", "displayName")]),
    ],
)


def _buildbot_build(url: str, tmp: Path) -> None:
    import shutil
    import subprocess
    import sys

    exe = shutil.which("buildbot") or str(Path(sys.executable).with_name("buildbot"))
    subprocess.run([exe, "create-master", "-q", f"--db={_driver(url)}", str(tmp)], check=True,
                   capture_output=True)


BUILDBOT = Corpus(
    package="buildbot",
    build=_buildbot_build,
    models=lambda: ["buildbot.db.model:Model.metadata"],
    mutations=[
        Mutation({"sqlite": ["ALTER TABLE changes DROP COLUMN revlink"], "postgresql": ["ALTER TABLE changes DROP COLUMN revlink"]},
                 [("column_missing", "changes", "revlink")]),
        Mutation({"sqlite": ["DROP INDEX changes_author"], "postgresql": ["DROP INDEX changes_author"]},
                 [("index_missing", "changes", "author")]),
        Mutation({"postgresql": ["ALTER TABLE changes ALTER COLUMN branch TYPE VARCHAR(100)"]},
                 [("type_mismatch", "changes", "branch")]),
    ],
)


def _fab_build(url: str, tmp: Path) -> None:
    from flask import Flask
    from flask_appbuilder import AppBuilder
    from flask_appbuilder.models.sqla.base import SQLA

    app = Flask("corpus")
    app.config.update(SQLALCHEMY_DATABASE_URI=_driver(url), SECRET_KEY="corpus")
    db = SQLA()
    db.init_app(app)
    with app.app_context():
        AppBuilder(app, db.session)  # SecurityManager.create_db() -> create_all
        db.engine.dispose()


FAB = Corpus(
    package="flask_appbuilder",
    build=_fab_build,
    models=lambda: ["flask_appbuilder.security.sqla.models:User"],
    mutations=[
        Mutation({"sqlite": ["ALTER TABLE ab_user DROP COLUMN last_login"], "postgresql": ["ALTER TABLE ab_user DROP COLUMN last_login"]},
                 [("column_missing", "ab_user", "last_login")]),
        Mutation({"postgresql": ["ALTER TABLE ab_user ALTER COLUMN email TYPE VARCHAR(50)"]},
                 [("type_mismatch", "ab_user", "email")]),
        Mutation({"sqlite": ["ALTER TABLE ab_role ADD COLUMN note TEXT"], "postgresql": ["ALTER TABLE ab_role ADD COLUMN note TEXT"]},
                 [("column_extra", "ab_role", "note")]),
    ],
)


# --- the check ------------------------------------------------------------------------------------


def _models(corpus: Corpus) -> Any:
    return corpus.models()


def run_corpus(corpus: Corpus, make_url: Callable[[], str], tmp_path: Path) -> tuple[str, list[Any], list[Any]]:
    """Build a clean database and a mutated one; check both: (dialect, clean, mutated findings)."""
    logging.getLogger().setLevel(logging.WARNING)
    clean_url, mutated_url = make_url(), make_url()
    corpus.build(clean_url, tmp_path / "clean")
    corpus.build(mutated_url, tmp_path / "mutated")
    dialect = _dialect(clean_url)
    clean = check(clean_url, _models(corpus)).findings
    statements = [s for m in corpus.mutations for s in m.sql.get(dialect, ())]
    run_sql(mutated_url, statements)
    mutated = check(mutated_url, _models(corpus)).findings
    return dialect, clean, mutated


def assert_corpus(corpus: Corpus, make_url: Callable[[], str], tmp_path: Path) -> None:
    dialect, clean, mutated = run_corpus(corpus, make_url, tmp_path)
    expected_clean = sorted(corpus.drift.get(dialect, {}), key=_key)
    assert _found(clean) == expected_clean, _explain(clean)
    expected = sorted(expected_clean + [f for m in corpus.mutations if dialect in m.sql for f in m.finds], key=_key)
    assert _found(mutated) == expected, _explain(mutated)


@pytest.fixture(params=["sqlite", "postgresql"])
def make_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """A factory of fresh, empty databases of one backend."""
    counter = iter(range(100))
    if request.param == "sqlite":
        def make() -> str:
            return f"sqlite:///{tmp_path / f'db{next(counter)}.sqlite'}"
    else:
        factory = request.getfixturevalue("pg_database")

        def make() -> str:
            return str(factory())
    return make


@pytest.mark.parametrize("corpus", [CELERY, BEAT], ids=lambda c: c.package)
def test_light_corpus(corpus: Corpus, make_url: Callable[[], str], tmp_path: Path) -> None:
    pytest.importorskip(corpus.package.replace("-", "_"))
    assert_corpus(corpus, make_url, tmp_path)


HEAVY = {"dagster": DAGSTER, "mlflow": MLFLOW, "jupyterhub": JUPYTERHUB, "buildbot": BUILDBOT, "flask_appbuilder": FAB}


@pytest.mark.corpus
@pytest.mark.parametrize("corpus", list(HEAVY.values()), ids=list(HEAVY))
def test_heavy_corpus(corpus: Corpus, make_url: Callable[[], str], tmp_path: Path) -> None:
    pytest.importorskip(corpus.package)
    assert_corpus(corpus, make_url, tmp_path)


@pytest.mark.corpus
def test_dagster_sqlite_storage_files(tmp_path: Path) -> None:
    """On SQLite dagster keeps each storage in a file of its own (each with its copy of
    secondary_indexes): each file against its own MetaData has no finding, and a mutation in one
    is found there."""
    pytest.importorskip("dagster")
    from dagster._core.storage.event_log import ConsolidatedSqliteEventLogStorage
    from dagster._core.storage.runs import SqliteRunStorage
    from dagster._core.storage.schedules import SqliteScheduleStorage

    SqliteRunStorage.from_local(str(tmp_path / "history"))
    SqliteScheduleStorage.from_local(str(tmp_path / "schedules"))
    ConsolidatedSqliteEventLogStorage(str(tmp_path / "events"))
    runs, events, schedules = _dagster_models()
    files = {runs: "history/runs.db", events: "events/event_log.db", schedules: "schedules/schedules.db"}
    for target, file in files.items():
        result = check(f"sqlite:///{tmp_path / file}", [target])
        assert result.findings == [], _explain(result.findings)
    run_sql(f"sqlite:///{tmp_path / files[runs]}", ["DROP INDEX idx_run_tags",
                                                     "ALTER TABLE secondary_indexes DROP COLUMN migration_completed"])
    found = check(f"sqlite:///{tmp_path / files[runs]}", [runs]).findings
    assert _found(found) == [("column_missing", "secondary_indexes", "migration_completed"),
                             ("index_missing", "run_tags", None)], _explain(found)


@pytest.mark.corpus
def test_dagster_shared_table_declared_differently_is_a_finding(pg_database: Callable[[], str]) -> None:
    """dagster ships identical copies of secondary_indexes; a differing one (name VARCHAR(255) in
    the schedules MetaData) is reported where that copy is declared, never as exit 2."""
    pytest.importorskip("dagster_postgres")
    url = pg_database()
    _dagster_build(url, Path("."))
    mds = [_attr(t) for t in _dagster_models()]
    other = sa.MetaData()
    for table in mds[2].sorted_tables:
        copy = table.to_metadata(other)
        if table.name == "secondary_indexes":
            copy.c.name.type = sa.String(255)
    result = check(url, [mds[0], mds[1], other])
    assert _found(result.findings) == [("type_mismatch", "secondary_indexes", "name")], _explain(result.findings)
    assert any("secondary_indexes" in n and "declared differently" in n for n in result.notes)
