"""The bundled ticketing example: the commands its README shows give exactly the findings it promises.

The buggy models must give the app's real bugs and nothing else; the correct models must give
nothing at all, on the committed SQLite file and on PostgreSQL.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, engine_for

import schemaguard
from schemaguard.schema.snapshot import Table, schema_to_dict
from schemaguard.sources.declared import declared_snapshot, load_target

EXAMPLE = ROOT / "examples" / "ticketing"
MODELS = f"{EXAMPLE / 'models.py'}:Base"
MODELS_BUGGY = f"{EXAMPLE / 'models_buggy.py'}:Base"

TABLES = {
    "users",
    "auth",
    "events",
    "tickets",
    "purchases",
    "payments",
    "nft_tickets",
    "user_settings",
    "categories",
    "event_categories",
    "blockchain_transactions",
    "followers",
}

# The app's bugs, as the README states them: one line per finding, all at error level.
BUGS = {
    ("column_name_style", "payments", "user_id", "error", "userId", "user_id"),
    ("column_name_style", "payments", "event_id", "error", "eventId", "event_id"),
    ("column_name_style", "payments", "purchase_id", "error", "purchaseId", "purchase_id"),
    ("foreign_key_target_case", "payments", "user_id", "error", "Users.id", "users.id"),
    ("foreign_key_target_case", "payments", "event_id", "error", "Events.id", "events.id"),
    ("foreign_key_target_case", "payments", "purchase_id", "error", "Purchases.id", "purchases.id"),
    ("mixed_naming_convention", "payments", None, "error", "userId, eventId, purchaseId", None),
}


def _key(f: Any) -> tuple[Any, ...]:
    if isinstance(f, dict):
        return (f["kind"], f["table"], f["column"], f["severity"], f["declared"], f["live"])
    return (f.kind, f.table, f.column, f.severity, f.declared, f.live)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """`schemaguard ...` run from the repository root, as the README shows it."""
    return subprocess.run(
        [sys.executable, "-m", "schemaguard", *args],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _data_statements() -> list[str]:
    """The INSERT statements of legacy.sql (everything after its `-- data:` marker)."""
    text = (EXAMPLE / "legacy.sql").read_text(encoding="utf-8")
    data = text.split("\n-- data:", 1)[1].split("\n", 1)[1]
    stmts = [
        "\n".join(ln for ln in s.splitlines() if not ln.startswith("--")).strip()
        for s in data.split(";\n")
    ]
    inserts = [s for s in stmts if s.startswith("INSERT INTO")]
    assert len(inserts) == len(TABLES), "legacy.sql should insert rows into every table"
    return inserts


def _legacy_pg(url: str) -> None:
    """The legacy database on PostgreSQL: the correct models' create_all, then legacy.sql's rows."""
    models, _ = load_target(MODELS)
    eng = engine_for(url)
    try:
        models[0].create_all(eng)
        with eng.begin() as conn:
            for stmt in _data_statements():
                conn.exec_driver_sql(stmt)
    finally:
        eng.dispose()


# --- the files ---------------------------------------------------------------------------------


def test_committed_legacy_db_is_what_build_script_makes_from_legacy_sql(tmp_path: Path) -> None:
    built = tmp_path / "rebuilt.db"
    run = subprocess.run(
        [sys.executable, str(EXAMPLE / "build_legacy_db.py"), str(built)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    dumps = []
    for path in (EXAMPLE / "legacy.db", built):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            dumps.append(list(conn.iterdump()))
            names = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            assert names == TABLES
            for table in TABLES:
                assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] >= 2, table
        finally:
            conn.close()
    # Rebuild with `python examples/ticketing/build_legacy_db.py` when this fails.
    assert dumps[0] == dumps[1]


def test_legacy_sql_is_what_the_correct_models_create_on_sqlite(tmp_path: Path) -> None:
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    models, _ = load_target(MODELS)
    eng = engine_for(fresh)
    try:
        models[0].create_all(eng)
    finally:
        eng.dispose()

    def shape(url: str) -> dict[str, Any]:
        data = schema_to_dict(schemaguard.reflect_live(url))
        data.pop("label")
        return data

    assert shape(fresh) == shape(f"sqlite:///{EXAMPLE / 'legacy.db'}")


def test_buggy_models_differ_from_correct_ones_only_in_payments() -> None:
    correct = {t.name: t for t in declared_snapshot(load_target(MODELS)[0], "postgresql").tables}
    buggy = {
        t.name: t for t in declared_snapshot(load_target(MODELS_BUGGY)[0], "postgresql").tables
    }
    assert set(correct) == set(buggy) == TABLES

    def plain(t: Table, *, undo_bugs: bool = False) -> dict[str, Any]:
        """A table as data without source positions (which differ between the two files).

        With undo_bugs, the three camelCase names and the three wrongly-cased targets are put
        right (a no-op on the correct models), and index/constraint names are left out since the
        naming convention derives them from the column names.
        """
        data = schema_to_dict(schemaguard.Schema(dialect="postgresql", tables=(t,)))["tables"][0]
        drop = {"source", "model"}
        if undo_bugs:
            text = json.dumps(data)
            for old in ("userId", "eventId", "purchaseId", "Users", "Events", "Purchases"):
                new = {"userId": "user_id", "eventId": "event_id", "purchaseId": "purchase_id"}
                text = text.replace(f'"{old}"', f'"{new.get(old, old.lower())}"')
            data = json.loads(text)
            for key in ("indexes", "uniques", "foreign_keys"):
                for obj in data[key]:
                    obj.pop("name")

        def strip(obj: Any) -> Any:
            if isinstance(obj, dict):
                return {k: strip(v) for k, v in obj.items() if k not in drop}
            if isinstance(obj, list):
                return [strip(v) for v in obj]
            return obj

        return strip(data)  # type: ignore[no-any-return]

    for name in sorted(TABLES - {"payments"}):
        assert plain(correct[name]) == plain(buggy[name]), name
    # payments: really different, and the same once the three bugs are undone.
    assert plain(correct["payments"]) != plain(buggy["payments"])
    assert plain(correct["payments"], undo_bugs=True) == plain(buggy["payments"], undo_bugs=True)
    assert [c.name for c in buggy["payments"].columns][1:4] == ["userId", "eventId", "purchaseId"]
    assert sorted(f.ref_table for f in buggy["payments"].foreign_keys) == [
        "Events",
        "Purchases",
        "Users",
    ]


# --- the README's two commands, on the committed SQLite file ------------------------------------


def test_readme_command_buggy_models_report_exactly_the_bugs() -> None:
    run = _cli(
        "check",
        "--models",
        "examples/ticketing/models_buggy.py:Base",
        "--db",
        "sqlite:///examples/ticketing/legacy.db",
        "--format",
        "json",
    )
    assert run.returncode == 1, run.stderr
    doc = json.loads(run.stdout)
    assert {_key(f) for f in doc["findings"]} == BUGS
    assert len(doc["findings"]) == len(BUGS)
    assert all(f["destructive"] is False for f in doc["findings"])
    assert doc["summary"] == {"error": 7, "warning": 0, "info": 0}


def test_readme_command_correct_models_report_nothing() -> None:
    run = _cli(
        "check",
        "--models",
        "examples/ticketing/models.py:Base",
        "--db",
        "sqlite:///examples/ticketing/legacy.db",
        "--format",
        "json",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    doc = json.loads(run.stdout)
    assert doc["findings"] == []
    assert doc["summary"] == {"error": 0, "warning": 0, "info": 0}


# --- the same on PostgreSQL --------------------------------------------------------------------


@pytest.mark.postgres
def test_postgresql_buggy_models_report_exactly_the_bugs_and_correct_ones_nothing(
    pg_url: str,
) -> None:
    _legacy_pg(pg_url)

    buggy = schemaguard.check(pg_url, MODELS_BUGGY)
    assert {_key(f) for f in buggy.findings} == BUGS
    assert len(buggy.findings) == len(BUGS)

    assert schemaguard.check(pg_url, MODELS).findings == []

    # And through the CLI, with the URL as a user writes it (no +psycopg).
    run = _cli("check", "--models", MODELS_BUGGY, "--db", pg_url, "--format", "json")
    assert run.returncode == 1, run.stderr
    assert {_key(f) for f in json.loads(run.stdout)["findings"]} == BUGS
    run = _cli("check", "--models", MODELS, "--db", pg_url, "--format", "json")
    assert run.returncode == 0, run.stdout + run.stderr


# --- the start-up module ----------------------------------------------------------------------


def _app(
    tmp_path: Path, *args: str, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if database_url is None:
        db = tmp_path / "legacy.db"
        shutil.copyfile(EXAMPLE / "legacy.db", db)
        database_url = f"sqlite:///{db}"
    env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, str(EXAMPLE / "app.py"), *args],
        cwd=tmp_path,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_app_starts_with_the_correct_models(tmp_path: Path) -> None:
    run = _app(tmp_path)
    assert run.returncode == 0, run.stderr
    assert "schema OK; serving 3 published events to 5 users" in run.stdout


def test_app_refuses_to_start_with_the_buggy_models_and_touches_nothing(tmp_path: Path) -> None:
    run = _app(tmp_path, "--buggy")
    assert run.returncode == 1
    assert "refusing to start" in run.stderr
    for kind, table, column, *_ in BUGS:
        assert (
            f"{kind} {table}.{column}" in run.stderr if column else f"{kind} {table}:" in run.stderr
        )
    assert run.stdout == ""
    conn = sqlite3.connect(tmp_path / "legacy.db")
    try:
        assert list(conn.iterdump()) == list(sqlite3.connect(EXAMPLE / "legacy.db").iterdump())
    finally:
        conn.close()


@pytest.mark.postgres
def test_app_starts_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    _legacy_pg(pg_url)
    run = _app(tmp_path, database_url=pg_url)
    assert run.returncode == 0, run.stderr
    assert "serving 3 published events to 5 users" in run.stdout
    assert _app(tmp_path, "--buggy", database_url=pg_url).returncode == 1


def test_app_never_wipes_the_schema() -> None:
    tree = ast.parse((EXAMPLE / "app.py").read_text(encoding="utf-8"))
    called = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert "check" in called
    assert not called & {"drop_all", "create_all", "reflect"}


def test_include_one_table_keeps_references_to_the_others() -> None:
    from schemaguard.checking.check import check

    result = check(f"sqlite:///{EXAMPLE / 'legacy.db'}", f"{EXAMPLE / 'models.py'}:Base", include=["payments"])
    assert result.findings == []
    buggy = check(f"sqlite:///{EXAMPLE / 'legacy.db'}", f"{EXAMPLE / 'models_buggy.py'}:Base", include=["payments"])
    assert sorted({f.kind for f in buggy.findings}) == [
        "column_name_style", "foreign_key_target_case", "mixed_naming_convention",
    ]


# --- the next release: plan and sync, as the README shows them ---------------------------------

MODELS_V2 = f"{EXAMPLE / 'models_v2.py'}:Base"


def _counts(url: str) -> dict[str, int]:
    eng = engine_for(url)
    with eng.connect() as conn:
        out = {t: conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar() for t in sorted(TABLES)}
    eng.dispose()
    return out  # type: ignore[return-value]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", pytest.param("mysql", marks=pytest.mark.mysql)])
def test_next_release_plans_and_syncs_as_the_readme_says(backend: str, tmp_path: Path, request: Any) -> None:
    if backend == "sqlite":
        shutil.copyfile(EXAMPLE / "legacy.db", tmp_path / "shop.db")
        url = f"sqlite:///{tmp_path / 'shop.db'}"
    else:
        url = request.getfixturevalue("pg_url" if backend == "postgresql" else "mysql_url")
        _legacy_pg(url)
    before = _counts(url)
    from schemaguard.plan import make_plan

    safe = make_plan(url, MODELS_V2, mode="safe")
    assert [(s.kind, s.table, s.column) for s in safe.steps] == [
        ("create_table", "refunds", None),
        ("add_column", "payments", "refunded_amount"),
        ("create_index", "tickets", "status"),
        ("create_index", "refunds", "payment_id"),
    ]
    assert [(s.kind, s.table, s.column) for s in safe.skipped] == [
        ("drop_column", "users", "is_admin"),
        ("alter_column", "events", "venue"),
    ]
    with pytest.raises(schemaguard.SyncRefused, match="alter_refused"):
        schemaguard.safe_sync(url, MODELS_V2, mode="alter", environ={})
    result = schemaguard.safe_sync(url, MODELS_V2, mode="alter", environ={"APP_ENV": "development"})
    assert result.applied and len(result.plan.steps) == 5
    assert [(f.kind, f.table, f.column) for f in result.remaining] == [("column_extra", "users", "is_admin")]
    assert _counts(url) == before  # every row of every table is still there
    with pytest.raises(schemaguard.SyncRefused, match="force_sync_refused"):
        schemaguard.safe_sync(url, MODELS_V2, mode="force", environ={"APP_ENV": "development"})


# --- the same on MariaDB -----------------------------------------------------------------------


@pytest.mark.mysql
def test_mariadb_buggy_models_report_exactly_the_bugs_and_correct_ones_nothing(mysql_url: str) -> None:
    _legacy_pg(mysql_url)  # create_all from the correct models, then legacy.sql's rows: portable

    buggy = schemaguard.check(mysql_url, MODELS_BUGGY)
    assert {_key(f) for f in buggy.findings} == BUGS
    assert len(buggy.findings) == len(BUGS)
    # MySQL ignores case in column names, not underscores: userId does not reach user_id there.
    for f in buggy.findings:
        if f.kind == "column_name_style":
            assert "not underscores" in f.message
        if f.kind == "foreign_key_target_case":  # the server's own setting, not PostgreSQL's rules
            assert "lower_case_table_names=0" in f.message and "PostgreSQL" not in f.message

    assert schemaguard.check(mysql_url, MODELS).findings == []

    # And through the CLI, with the URL as a user writes it (no +pymysql).
    run = _cli("check", "--models", MODELS_BUGGY, "--db", mysql_url, "--format", "json")
    assert run.returncode == 1, run.stderr
    assert {_key(f) for f in json.loads(run.stdout)["findings"]} == BUGS
    run = _cli("check", "--models", MODELS, "--db", mysql_url, "--format", "json")
    assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.mysql
def test_app_starts_on_mariadb(tmp_path: Path, mysql_url: str) -> None:
    _legacy_pg(mysql_url)
    run = _app(tmp_path, database_url=mysql_url)
    assert run.returncode == 0, run.stderr
    assert "serving 3 published events to 5 users" in run.stdout
    assert _app(tmp_path, "--buggy", database_url=mysql_url).returncode == 1
