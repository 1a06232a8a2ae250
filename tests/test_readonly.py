"""`check` never writes: it works for a role that may only SELECT, runs its catalog queries in a
read-only transaction, leaves SQLite files byte-for-byte as they were (and never creates one), and
reflects with a constant number of statements however many tables there are."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cli_helpers import SECRET, assert_one_sentence, create_db, run_script, sg, write_models
from conftest import engine_for
from sqlalchemy import event
from sqlalchemy.engine import Engine

from schemaguard.live.connect import create_engine_for, readonly_connection
from schemaguard.live.reflect import reflect_live

WRITE = re.compile(
    r"^\s*(CREATE|INSERT|UPDATE|DELETE|ALTER|DROP|TRUNCATE|GRANT|REVOKE|COMMENT|COPY|VACUUM|LOCK|"
    r"REINDEX|CLUSTER|MERGE|UPSERT|REPLACE|ATTACH|DETACH|PRAGMA\s+\w+\s*=)\b",
    re.IGNORECASE,
)
READ = re.compile(r"^\s*(SELECT|SHOW|WITH|SET TRANSACTION READ ONLY|PRAGMA|EXPLAIN)\b", re.IGNORECASE)


# --------------------------------------------------------------------------------------------
# PostgreSQL: a role that may only SELECT


@pytest.fixture
def readonly_role(pg_server, pg_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:  # type: ignore[no-untyped-def]
    """The models' tables created by the superuser, then a login role with CONNECT, USAGE, SELECT."""
    models = write_models(tmp_path)
    create_db(pg_url, models)
    db = pg_url.rsplit("/", 1)[1]
    role = f"sg_ro_{uuid.uuid4().hex[:8]}"
    owner = engine_for(pg_url).execution_options(isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{SECRET}'")
        conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{db}" TO {role}')
        conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {role}")
        conn.exec_driver_sql(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    try:
        yield pg_server.url(db, user=role, password=SECRET), models
    finally:
        with owner.connect() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")  # its grants here and on the database
            conn.exec_driver_sql(f"DROP ROLE {role}")
        owner.engine.dispose()


def test_readonly_role_really_cannot_write(readonly_role: tuple[str, Path]) -> None:
    url, _ = readonly_role
    eng = engine_for(url)
    try:
        with eng.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 0
        for stmt in ("INSERT INTO users (email) VALUES ('x@example.com')", "CREATE TABLE sneaky (id int)"):
            with eng.connect() as conn, pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
                conn.exec_driver_sql(stmt)
    finally:
        eng.dispose()


def test_check_works_with_a_select_only_role(readonly_role: tuple[str, Path], pg_server) -> None:  # type: ignore[no-untyped-def]
    url, models = readonly_role
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["findings"] == []
    role = url.split("://", 1)[1].split(":", 1)[0]
    assert doc["database"].startswith(f"postgresql://{role}:***@127.0.0.1:{pg_server.port}/")
    assert SECRET not in r.stdout + r.stderr


def test_select_only_role_sees_drift_in_tables_it_cannot_read(readonly_role: tuple[str, Path], pg_url: str) -> None:
    url, models = readonly_role
    admin = engine_for(pg_url)
    with admin.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE private_audit (id integer PRIMARY KEY)")  # no SELECT granted
        conn.exec_driver_sql("ALTER TABLE users ADD COLUMN nickname text")
    admin.dispose()
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json")
    assert r.exit_code == 1, r.output
    got = {(f["kind"], f["table"], f["column"]) for f in json.loads(r.stdout)["findings"]}
    assert got == {("table_extra", "private_audit", None), ("column_extra", "users", "nickname")}


def test_readonly_role_through_the_console_script(readonly_role: tuple[str, Path], tmp_path: Path) -> None:
    url, models = readonly_role
    p = run_script("check", "--models", f"{models}:Base", "--format", "json", cwd=tmp_path, env={"DATABASE_URL": url})
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["findings"] == []
    assert SECRET not in p.stdout + p.stderr


# --------------------------------------------------------------------------------------------
# PostgreSQL: every statement check sends, captured


class Capture:
    """Every SQL statement any engine sends, and whether the server said the transaction was
    read-only when it ran (asked on the same connection, outside SQLAlchemy's events)."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.readonly: list[tuple[str, str]] = []
        self.commits = 0

    def before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    def after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if conn.dialect.name != "postgresql":
            return
        with cursor.connection.cursor() as probe:
            probe.execute("SHOW transaction_read_only")
            self.readonly.append((statement, probe.fetchone()[0]))

    def commit(self, conn: Any) -> None:
        self.commits += 1


@pytest.fixture
def capture() -> Iterator[Capture]:
    cap = Capture()
    event.listen(Engine, "before_cursor_execute", cap.before)
    event.listen(Engine, "after_cursor_execute", cap.after)
    event.listen(Engine, "commit", cap.commit)
    try:
        yield cap
    finally:
        event.remove(Engine, "before_cursor_execute", cap.before)
        event.remove(Engine, "after_cursor_execute", cap.after)
        event.remove(Engine, "commit", cap.commit)


def test_check_sends_only_reads_in_a_readonly_transaction(pg_url: str, tmp_path: Path, capture: Capture) -> None:
    models = write_models(tmp_path)
    create_db(pg_url, models, "CREATE TABLE extra_t (id serial PRIMARY KEY, v text UNIQUE)",
              "CREATE INDEX ix_extra_v ON extra_t (lower(v))")
    capture.statements.clear()
    capture.readonly.clear()
    capture.commits = 0

    r = sg("check", "--models", f"{models}:Base", "--db", pg_url, "--format", "json")
    assert r.exit_code == 1, r.output  # extra_t: there was something to reflect

    assert capture.statements, "the capture saw nothing: the listener is not on the tool's engine"
    writes = [s for s in capture.statements if WRITE.match(s)]
    assert writes == [], writes
    assert all(READ.match(s) for s in capture.statements), [s for s in capture.statements if not READ.match(s)]
    assert capture.commits == 0, "check must end its transaction with a rollback, never a commit"
    # The catalog queries (everything after SET TRANSACTION READ ONLY) ran in a read-only
    # transaction, as the server itself reports.
    names = [s.strip() for s in capture.statements]
    assert "SET TRANSACTION READ ONLY" in names
    after = capture.readonly[names.index("SET TRANSACTION READ ONLY"):]
    assert len(after) > 1
    assert {flag for _, flag in after} == {"on"}, after
    # pg_catalog / information_schema reads only.
    assert any("pg_catalog" in s for s in capture.statements)


def test_readonly_connection_refuses_writes_on_postgresql(pg_url: str) -> None:
    eng = create_engine_for(pg_url)
    try:
        with readonly_connection(eng) as conn:
            assert conn.exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
            with pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):
                conn.exec_driver_sql("CREATE TABLE must_not_exist (id int)")
    finally:
        eng.dispose()
    setup = engine_for(pg_url)
    assert sa.inspect(setup).get_table_names() == []
    setup.dispose()


@pytest.mark.parametrize(
    "form",
    ["sqlite:///{p}", "sqlite:///file:{p}?uri=true", "sqlite:///file:{p}?mode=rwc&uri=true", "sqlite:///file://{p}?uri=true"],
    ids=["path", "uri", "uri-mode-rwc", "uri-empty-host"],
)
def test_readonly_connection_refuses_writes_on_sqlite(tmp_path: Path, form: str) -> None:
    path = tmp_path / "app.db"
    sqlite3.connect(path).close()
    eng = create_engine_for(form.format(p=path))
    try:
        with readonly_connection(eng) as conn, pytest.raises(sa.exc.OperationalError, match="readonly"):
            conn.exec_driver_sql("CREATE TABLE must_not_exist (id int)")
    finally:
        eng.dispose()


# --------------------------------------------------------------------------------------------
# SQLite: not a byte changes, nothing is created


def _fingerprint(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.parametrize("drift", [False, True], ids=["clean", "drift"])
def test_sqlite_file_unchanged(tmp_path: Path, drift: bool) -> None:
    models = write_models(tmp_path / "src")
    dbdir = tmp_path / "data"
    dbdir.mkdir()
    url = f"sqlite:///{dbdir / 'app.db'}"
    create_db(url, models, *(["CREATE TABLE audit_log (id INTEGER PRIMARY KEY, note TEXT)"] if drift else []))
    with sqlite3.connect(dbdir / "app.db") as conn:  # some rows, so that there is data to lose
        conn.execute("INSERT INTO users (email, name) VALUES ('a@example.com', 'A')")
    before = _fingerprint(dbdir)
    assert list(before) == ["app.db"]
    for fmt in ("table", "json", "sarif"):
        r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", fmt, "--timings")
        assert r.exit_code == (1 if drift else 0), r.output
    p = run_script("check", "--models", f"{models}:Base", "--db", url, cwd=tmp_path)
    assert p.returncode == (1 if drift else 0), p.stderr
    assert _fingerprint(dbdir) == before, "check changed the database file or created files beside it"


def test_sqlite_wal_database_file_unchanged(tmp_path: Path) -> None:
    models = write_models(tmp_path / "src")
    dbdir = tmp_path / "data"
    dbdir.mkdir()
    url = f"sqlite:///{dbdir / 'app.db'}"
    create_db(url, models)
    with sqlite3.connect(dbdir / "app.db") as conn:
        assert conn.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
        conn.execute("INSERT INTO users (email) VALUES ('a@example.com')")
    conn.close()
    before = _fingerprint(dbdir)["app.db"]
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json")
    assert r.exit_code == 0, r.output
    assert _fingerprint(dbdir)["app.db"] == before


def test_sqlite_wal_database_is_left_unchanged(tmp_path: Path) -> None:
    # A WAL-mode database gets its -wal/-shm side files from any reader (SQLite's own design, the
    # application's readers create them too); the database itself must not change.
    models = write_models(tmp_path / "src")
    dbdir = tmp_path / "data"
    dbdir.mkdir()
    url = f"sqlite:///{dbdir / 'app.db'}"
    create_db(url, models)
    with sqlite3.connect(dbdir / "app.db") as conn:
        conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    assert sorted(os.listdir(dbdir)) == ["app.db"]
    before = (dbdir / "app.db").read_bytes()
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json")
    assert r.exit_code == 0, r.output
    assert (dbdir / "app.db").read_bytes() == before
    assert set(os.listdir(dbdir)) <= {"app.db", "app.db-wal", "app.db-shm"}
    assert not (dbdir / "app.db-wal").exists() or (dbdir / "app.db-wal").stat().st_size == 0


@pytest.mark.parametrize(
    "make_url",
    [
        lambda p: f"sqlite:///{p}",
        lambda p: f"sqlite:///{os.path.relpath(p)}",
        lambda p: f"sqlite:///file:{p}?mode=ro&uri=true",
    ],
    ids=["absolute", "relative", "uri"],
)
def test_check_on_missing_sqlite_file_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_url: Callable[[Path], str]
) -> None:
    models = write_models(tmp_path / "src")
    dbdir = tmp_path / "data"
    dbdir.mkdir()
    monkeypatch.chdir(tmp_path)
    url = make_url(dbdir / "missing.db")
    r = sg("check", "--models", f"{models}:Base", "--db", url)
    assert r.exit_code == 3, r.output
    assert_one_sentence(r.stderr, "missing.db")
    assert list(dbdir.iterdir()) == []


def test_console_script_on_missing_sqlite_file_creates_nothing(tmp_path: Path) -> None:
    models = write_models(tmp_path / "src")
    p = run_script("check", "--models", f"{models}:Base", "--db", "sqlite:///missing.db", cwd=tmp_path)
    assert p.returncode == 3
    assert_one_sentence(p.stderr, "missing.db", "does not exist")
    assert not (tmp_path / "missing.db").exists()
    assert sorted(x.name for x in tmp_path.iterdir()) == ["src"]


# --------------------------------------------------------------------------------------------
# a constant number of statements, however many tables


def _schema_sql(n: int) -> list[str]:
    out = ["CREATE TABLE parent (id integer PRIMARY KEY, code text UNIQUE)"]
    for i in range(n - 1):
        out.append(
            f"CREATE TABLE child_{i} (id serial PRIMARY KEY, parent_id integer NOT NULL REFERENCES parent (id), "
            f"name varchar(50) DEFAULT 'x', amount numeric(10, 2), UNIQUE (name, amount))"
        )
        out.append(f"CREATE INDEX ix_child_{i}_parent ON child_{i} (parent_id)")
    return out


def _count_reflection(url: str, n: int, method: str = "auto") -> tuple[int, int]:
    setup = engine_for(url)
    with setup.begin() as conn:
        for stmt in _schema_sql(n):
            conn.exec_driver_sql(stmt)
    setup.dispose()
    eng = create_engine_for(url)
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    # Connect once first so that the dialect's one-time initialisation is not counted.
    with eng.connect():
        pass
    event.listen(eng, "before_cursor_execute", count)
    try:
        schema = reflect_live(eng, method=method)
    finally:
        event.remove(eng, "before_cursor_execute", count)
        eng.dispose()
    return len(schema.tables), len(statements)


# PostgreSQL's catalog path: SET TRANSACTION READ ONLY, then constraints, columns and indexes (one
# more for tables that keys reference in other schemas, one each for enum and domain types when a
# column has one). The inspector path: SQLAlchemy's get_multi_* calls.
@pytest.mark.parametrize(("method", "expected"), [("catalog", 4), ("inspector", None)])
def test_reflect_live_statement_count_does_not_grow_with_tables(
    pg_database: Callable[[], str], method: str, expected: int | None
) -> None:
    tables_5, count_5 = _count_reflection(pg_database(), 5, method)
    tables_50, count_50 = _count_reflection(pg_database(), 50, method)
    assert (tables_5, tables_50) == (5, 50)
    assert count_5 == count_50, (count_5, count_50)
    assert count_5 == expected if expected is not None else count_5 < 40
