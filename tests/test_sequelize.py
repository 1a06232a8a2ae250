"""Sequelize models as a declared source, against real Sequelize from npm on SQLite, PostgreSQL and
MariaDB.

Sequelize, sqlite3 and pg are installed once (npm install) into a folder under the system's temp
directory that is reused across sessions, Sequelize and mysql2 into another; each test copies its
app next to one of those node_modules.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run_sql

import schemaguard
from schemaguard.errors import ModelsError, UsageError
from schemaguard.sources.sequelize import load_sequelize

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "sequelize_cases"
EXAMPLE = ROOT / "examples" / "ticketing-sequelize"
LEGACY_DB = ROOT / "examples" / "ticketing" / "legacy.db"
PACKAGES = ("sequelize@6.37.8", "sqlite3@5.1.7", "pg@8.13.1")
# In a folder of their own: the other tests' app folders must not find mysql2.
MYSQL_PACKAGES = ("sequelize@6.37.8", "mysql2@3.11.5")

# The seven findings of the origin story, as examples/ticketing/README.md lists them.
SEED_BUGS = sorted(
    [
        ("column_name_style", "payments", "user_id", "userId", "user_id"),
        ("column_name_style", "payments", "event_id", "eventId", "event_id"),
        ("column_name_style", "payments", "purchase_id", "purchaseId", "purchase_id"),
        ("foreign_key_target_case", "payments", "user_id", "Users.id", "users.id"),
        ("foreign_key_target_case", "payments", "event_id", "Events.id", "events.id"),
        ("foreign_key_target_case", "payments", "purchase_id", "Purchases.id", "purchases.id"),
        ("mixed_naming_convention", "payments", None, "userId, eventId, purchaseId", None),
    ],
    key=str,
)


def _need_node() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI"):
            pytest.fail("node/npm are not installed; .ci/run installs them with apt-get install -y nodejs npm")
        pytest.skip("node and npm are not installed (apt-get install -y nodejs npm); bash .ci/run installs them")
    return node, npm


def _npm_folder(packages: tuple[str, ...]) -> Path:
    """A folder holding node_modules with these packages, installed once and reused across sessions
    (under $SCHEMAGUARD_NPM_DIR, else the system's temp directory)."""
    _, npm = _need_node()
    key = "-".join(p.replace("@", "").replace(".", "_") for p in packages)
    parent = Path(os.environ.get("SCHEMAGUARD_NPM_DIR") or tempfile.gettempdir())
    base = parent / f"schemaguard-npm-{key}"
    base.mkdir(parents=True, exist_ok=True)
    marker = base / ".installed"
    with open(base / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two sessions at once install once
        if not marker.exists():
            (base / "package.json").write_text('{"private": true, "name": "schemaguard-sequelize-tests"}\n')
            started = time.perf_counter()
            proc = subprocess.run(
                [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", *packages],
                cwd=base,
                capture_output=True,
                text=True,
                timeout=900,
            )
            if proc.returncode != 0:
                pytest.fail(f"npm install {' '.join(packages)} failed:\n{proc.stderr[-3000:]}")
            marker.write_text(f"{time.perf_counter() - started:.1f} s\n")
    return base


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """A folder holding node_modules with Sequelize 6, sqlite3 and pg (no mysql2)."""
    return _npm_folder(PACKAGES)


@pytest.fixture(scope="session")
def node_modules_mysql() -> Path:
    """A folder holding node_modules with Sequelize 6 and mysql2, Sequelize's MySQL/MariaDB driver."""
    return _npm_folder(MYSQL_PACKAGES)


def _app_copier(node_modules: Path) -> Iterator[Callable[..., Path]]:
    made: list[Path] = []

    def make(src: Path | str, name: str = "app") -> Path:
        dest = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=node_modules))
        made.append(dest)
        src = Path(src)
        if src.is_dir():
            shutil.copytree(src, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("node_modules", "*.db"))
        return dest

    yield make
    for d in made:
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def app_dir(node_modules: Path) -> Iterator[Callable[..., Path]]:
    """Copy an app folder next to the shared node_modules; return the copy."""
    yield from _app_copier(node_modules)


@pytest.fixture
def mysql_app_dir(node_modules_mysql: Path) -> Iterator[Callable[..., Path]]:
    """Copy an app folder next to node_modules holding Sequelize and mysql2; return the copy."""
    yield from _app_copier(node_modules_mysql)


def _node_sync(app: Path, entry: str, url: str) -> None:
    """Create the database with the app's own sequelize.sync(), through the real driver."""
    node = shutil.which("node")
    assert node
    env = {**os.environ, "DATABASE_URL": url}
    proc = subprocess.run(
        [node, str(CASES / "sync.js"), str(app / entry)], cwd=app, env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr


def _node_url(url: str, tmp: Path) -> str:
    """The URL Sequelize takes for a test database."""
    if url.startswith("sqlite:///"):
        return "sqlite:" + url[len("sqlite:///") :]
    return url


def _rows(result: schemaguard.CheckResult) -> list[tuple[object, ...]]:
    return sorted(((f.kind, f.table, f.column, f.declared, f.live) for f in result.findings), key=str)


# --- A Sequelize app's own sync() gives zero findings --------------------------------------------


def test_types_app_synced_by_sequelize_has_no_findings(
    db_url: str, app_dir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_dir(CASES / "types_app", "types")
    _node_sync(app, "models/index.js", _node_url(db_url, tmp_path))
    dialect = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    # The app reads its configuration as it does in production (JSONB and ARRAY columns on PG).
    monkeypatch.setenv("DATABASE_URL", _node_url(db_url, tmp_path))
    declared = load_sequelize(f"sequelize:{app / 'models/index.js'}", dialect)
    assert declared.flavor == "sequelize"
    assert {t.name for t in declared.tables} == {"accounts", "projects", "tasks"}
    if dialect == "postgresql":
        accounts = declared.table("accounts")
        assert accounts is not None
        assert {c.name: c.type for c in accounts.columns if c.name in ("profile", "tags")} == {
            "profile": "JSONB", "tags": "VARCHAR(20)[]"}
    result = schemaguard.check(db_url, declared)
    assert _rows(result) == []


def test_types_app_types_are_what_sequelize_writes(app_dir) -> None:
    app = app_dir(CASES / "types_app", "types")
    pg = load_sequelize(f"sequelize:{app / 'models/index.js'}", "postgresql")
    lite = load_sequelize(f"sequelize:{app / 'models/index.js'}", "sqlite")

    def types(schema: schemaguard.Schema) -> dict[str, str | None]:
        table = schema.table("accounts")
        assert table is not None
        return {c.name: c.type for c in table.columns}

    assert types(pg) == {
        "id": "BIGINT", "email": "VARCHAR(120)", "display_name": "VARCHAR(255)", "bio": "TEXT",
        "age": "INTEGER", "balance": "NUMERIC(12, 4)", "ratio": "DOUBLE PRECISION",
        "score": "DOUBLE PRECISION", "is_active": "BOOLEAN", "born_on": "DATE",
        "last_seen": "TIMESTAMPTZ", "token": "UUID", "settings": "JSON",
        "mood": "ENUM('happy', 'sad', 'neutral')", "nickname": "VARCHAR(40)",
        "created_at": "TIMESTAMPTZ", "updated_at": "TIMESTAMPTZ", "deleted_at": "TIMESTAMPTZ",
    }  # profile (JSONB) and tags (VARCHAR(20)[]) exist only when the app itself runs on PostgreSQL
    lite_types = types(lite)
    assert lite_types["is_active"] == "INTEGER"  # TINYINT(1), read by INTEGER affinity
    assert lite_types["mood"] == "TEXT" and lite_types["score"] == "REAL" and lite_types["id"] == "INTEGER"


def test_defaults_keys_and_timestamps_follow_sequelize(app_dir) -> None:
    app = app_dir(CASES / "types_app", "types")
    schema = load_sequelize(f"sequelize:{app / 'models/index.js'}", "postgresql")
    accounts, projects, tasks = (schema.table(n) for n in ("accounts", "projects", "tasks"))
    assert accounts and projects and tasks
    cols = {c.name: c for c in accounts.columns}
    # Literal defaults go into the DDL; NOW and UUIDV4 are filled in by Sequelize on insert.
    assert cols["age"].default == "18" and cols["nickname"].default == "'anon'"
    assert cols["is_active"].default == "true" and cols["mood"].default == "'neutral'"
    assert cols["last_seen"].default is None and cols["token"].default is None
    assert cols["id"].autoincrement and not cols["token"].nullable
    # underscored + paranoid: snake_case fields, the attribute kept as the key.
    assert cols["display_name"].key == "displayName"
    assert {"created_at", "updated_at", "deleted_at"} <= set(cols) and cols["deleted_at"].nullable
    assert {u.columns for u in accounts.uniques} == {("email",)}
    pcols = {c.name: c for c in projects.columns}
    assert pcols["starts_at"].default == "current_timestamp"
    assert {frozenset(u.columns) for u in projects.uniques} == {frozenset({"name", "owner_id"})}
    assert {(i.name, i.columns, i.unique, i.options) for i in projects.indexes} == {
        ("projects_starts_at", ("starts_at",), False, ()),
        ("projects_recent", ("starts_at",), False, ("DESC",)),  # fields: [{ name, order: 'DESC' }]
        ("projects_name_lookup", ("name", "starts_at"), True, ()),
    }
    (fk,) = projects.foreign_keys
    assert (fk.columns, fk.ref_table, fk.ref_columns, fk.ondelete, fk.onupdate) == (
        ("owner_id",), "accounts", ("id",), "CASCADE", "CASCADE")
    # Associations add their keys with Sequelize's default actions; no underscored: camelCase.
    fks = {f.columns: (f.ref_table, f.ondelete, f.onupdate) for f in tasks.foreign_keys}
    assert fks == {("projectId",): ("projects", "CASCADE", "CASCADE"), ("assigneeId",): ("accounts", "SET NULL", "CASCADE")}
    assert {"createdAt", "updatedAt"} <= {c.name for c in tasks.columns}
    # Where each model is defined, for findings.
    assert accounts.source and accounts.source.file.endswith("models/index.js") and accounts.source.line == 12
    assert cols["email"].source and cols["email"].source.line == 15


def test_drift_against_a_sequelize_synced_database_is_found(sqlite_url: str, app_dir, tmp_path: Path) -> None:
    app = app_dir(CASES / "types_app", "types")
    _node_sync(app, "models/index.js", _node_url(sqlite_url, tmp_path))
    model = app / "models/index.js"
    text = model.read_text()
    model.write_text(text.replace("STRING(120)", "STRING(200)").replace("defaultValue: 18", "defaultValue: 21"))
    result = schemaguard.check(sqlite_url, load_sequelize(f"sequelize:{model}", "sqlite"))
    assert {(f.kind, f.column) for f in result.findings} == {("type_mismatch", "email"), ("default_mismatch", "age")}


# --- The example: the seed's bugs ----------------------------------------------------------------


def test_example_on_legacy_sqlite_reports_the_seed_bugs(app_dir) -> None:
    app = app_dir(EXAMPLE, "ticketing")
    declared = load_sequelize(f"sequelize:{app / 'models/index.js'}", "sqlite")
    assert len(declared.tables) == 12
    result = schemaguard.check(f"sqlite:///{LEGACY_DB}", declared)
    bugs = [r for r in _rows(result) if r[1] == "payments"]
    assert bugs == SEED_BUGS
    by_kind = {f.kind: f for f in result.findings if f.table == "payments"}
    assert by_kind["column_name_style"].hint.startswith("add field: '")
    assert "underscored: true" in by_kind["mixed_naming_convention"].hint
    assert "references: { model: '" in by_kind["foreign_key_target_case"].hint
    assert all(f.file and f.file.endswith("payment.js") and f.line for f in result.findings if f.table == "payments")
    # What the two ORMs write differently for the same model on SQLite (see the example's README):
    # Sequelize's BOOLEAN is TINYINT(1) (INTEGER affinity) and its ENUM is TEXT.
    others = sorted((f.kind, f.table, f.column) for f in result.findings if f.table != "payments")
    booleans = [("events", "is_published"), ("user_settings", "email_notifications"),
                ("user_settings", "push_notifications"), ("users", "is_active"), ("users", "is_admin")]
    expected = sorted([("type_mismatch", t, c) for t, c in booleans] + [("default_mismatch", t, c) for t, c in booleans]
                      + [("type_mismatch", "tickets", "status")])
    assert others == expected


@pytest.mark.postgres
def test_example_on_postgresql_reports_exactly_the_seed_bugs(pg_url: str, app_dir) -> None:
    from tests.test_example_ticketing import _legacy_pg

    _legacy_pg(pg_url)  # the production database: the correct SQLAlchemy models' tables and rows
    app = app_dir(EXAMPLE, "ticketing")
    result = schemaguard.check(pg_url, load_sequelize(f"sequelize:{app / 'models/index.js'}", "postgresql"))
    assert _rows(result) == SEED_BUGS


def _fix_payment(app: Path) -> None:
    """The example's Payment model with the seed's bugs fixed, as the example's README fixes them."""
    payment = app / "models/payment.js"
    payment.write_text(
        payment.read_text()
        .replace("model: 'Users'", "model: 'users'")
        .replace("model: 'Events'", "model: 'events'")
        .replace("model: 'Purchases'", "model: 'purchases'")
        .replace("timestamps: false,", "timestamps: false,\n      underscored: true,")
        # Sequelize 6 takes index fields as column names, underscored or not.
        .replace("fields: ['eventId']", "fields: ['event_id']")
        .replace("fields: ['purchaseId']", "fields: ['purchase_id']")
        .replace("fields: ['userId']", "fields: ['user_id']")
    )


def test_example_fixed_by_sequelize_means_synced_by_itself_has_no_findings(db_url: str, app_dir, tmp_path: Path) -> None:
    app = app_dir(EXAMPLE, "ticketing")
    _fix_payment(app)
    _node_sync(app, "models/index.js", _node_url(db_url, tmp_path))
    dialect = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    result = schemaguard.check(db_url, load_sequelize(f"sequelize:{app / 'models/index.js'}", dialect))
    assert _rows(result) == []


# --- Entry shapes ------------------------------------------------------------------------------------

SHAPES = {
    "instance.js": """
const { Sequelize, DataTypes } = require('sequelize');
const sequelize = new Sequelize('sqlite::memory:', { logging: false });
sequelize.define('Thing', { name: DataTypes.STRING(10) }, { tableName: 'things' });
sequelize.sync({ force: true });  // never run by the exporter
module.exports = sequelize;
""",
    "cli_index.js": """
const Sequelize = require('sequelize');
const sequelize = new Sequelize('postgres://nobody:secret@127.0.0.1:1/nothing', { logging: false });
const db = { Thing: sequelize.define('Thing', { name: Sequelize.STRING(10) }, { tableName: 'things' }) };
db.sequelize = sequelize;
db.Sequelize = Sequelize;
module.exports = db;
""",
    "function.js": """
module.exports = (sequelize, DataTypes) => {
  const Thing = sequelize.define('Thing', { name: DataTypes.STRING(10) }, { tableName: 'things' });
  Thing.associate = () => {};
  return Thing;
};
""",
    "async.mjs": """
import { Sequelize, DataTypes } from 'sequelize';
const sequelize = new Sequelize('sqlite::memory:', { logging: false });
sequelize.define('Thing', { name: DataTypes.STRING(10) }, { tableName: 'things' });
await sequelize.authenticate();  // skipped: nothing connects
export default sequelize;
""",
}


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_entry_shapes(name: str, app_dir) -> None:
    app = app_dir(Path("/nonexistent"), "shape")
    (app / name).write_text(SHAPES[name])
    schema = load_sequelize(f"sequelize:{app / name}", "sqlite")
    (table,) = schema.tables
    assert table.name == "things" and table.model == "Thing"
    assert [(c.name, c.type) for c in table.columns] == [
        ("id", "INTEGER"), ("name", "VARCHAR(10)"), ("createdAt", "DATETIME"), ("updatedAt", "DATETIME")]
    assert table.source is not None and table.source.line is not None


# --- Errors ----------------------------------------------------------------------------------------


def test_error_when_node_is_missing(app_dir, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_dir(Path("/nonexistent"), "err")
    (app / "index.js").write_text(SHAPES["instance.js"])
    monkeypatch.setenv("PATH", str(app))
    with pytest.raises(UsageError, match="node is not on PATH"):
        load_sequelize(f"sequelize:{app / 'index.js'}", "sqlite")


def test_error_when_the_app_has_no_sequelize(tmp_path: Path) -> None:
    _need_node()
    app = tmp_path / "app"
    app.mkdir()
    (app / "package.json").write_text("{}")
    (app / "index.js").write_text(SHAPES["instance.js"])
    with pytest.raises(ModelsError, match="cannot find the app's sequelize package") as info:
        load_sequelize(f"sequelize:{app / 'index.js'}", "sqlite")
    assert "run npm install" in str(info.value) and str(app) in str(info.value)


def test_error_when_the_models_file_throws(app_dir) -> None:
    app = app_dir(Path("/nonexistent"), "err")
    (app / "index.js").write_text("require('sequelize');\nthrow new TypeError('config.database is undefined');\n")
    with pytest.raises(ModelsError) as info:
        load_sequelize(f"sequelize:{app / 'index.js'}", "sqlite")
    text = str(info.value)
    assert "threw TypeError: config.database is undefined" in text and "--debug" in text
    assert "\n" not in text and "    at " not in text
    assert "index.js:2" in str(info.value.__cause__)  # Node's stack, shown with --debug


def test_error_when_the_entry_exports_no_models(app_dir) -> None:
    app = app_dir(Path("/nonexistent"), "err")
    (app / "index.js").write_text("module.exports = 42;\n")
    with pytest.raises(ModelsError, match="exports number, not Sequelize models"):
        load_sequelize(f"sequelize:{app / 'index.js'}", "sqlite")


def test_error_when_the_entry_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(ModelsError, match="does not exist"):
        load_sequelize(f"sequelize:{tmp_path / 'nope.js'}", "sqlite")


def test_exporter_document_is_json_only_on_stdout(app_dir) -> None:
    app = app_dir(Path("/nonexistent"), "out")
    (app / "index.js").write_text("console.log('hello from the models');\n" + SHAPES["instance.js"])
    from schemaguard.sources.sequelize import exporter_path

    proc = subprocess.run(["node", str(exporter_path()), str(app / "index.js"), "sqlite"], capture_output=True, text=True)
    doc = json.loads(proc.stdout)
    assert doc["shape"] == "instance" and doc["skipped"] == ["sync"]
    assert "hello from the models" in proc.stderr


# --- Through the CLI, as the README shows it ---------------------------------------------------------


@pytest.mark.postgres
def test_cli_check_and_lint_the_example(pg_url: str, app_dir) -> None:
    import json

    from cli_helpers import sg

    from tests.test_example_ticketing import _legacy_pg

    _legacy_pg(pg_url)
    app = app_dir(EXAMPLE, "ticketing")
    res = sg("check", "--models", f"sequelize:{app / 'models/index.js'}", "--db", pg_url, "--format", "json")
    assert res.exit_code == 1, res.stderr
    findings = json.loads(res.stdout)["findings"]
    assert sorted((f["kind"], f["column"]) for f in findings) == sorted(
        [("column_name_style", c) for c in ("user_id", "event_id", "purchase_id")]
        + [("foreign_key_target_case", c) for c in ("user_id", "event_id", "purchase_id")]
        + [("mixed_naming_convention", None)])
    assert all(f["severity"] == "error" and f["file"].endswith("payment.js") for f in findings)
    # The start-up's sync({ force: true }) is the origin story's other bug.
    res = sg("lint", str(app / "app.js"), "--format", "json")
    assert res.exit_code == 1, res.stderr
    [reset] = json.loads(res.stdout)["findings"]
    assert (reset["kind"], reset["severity"]) == ("force_reset", "error")


def test_cli_models_that_throw_exit_2_and_show_the_node_stack_only_with_debug(app_dir) -> None:
    from cli_helpers import sg

    app = app_dir(Path("/nonexistent"), "err")
    (app / "index.js").write_text("require('sequelize');\nthrow new TypeError('config.database is undefined');\n")
    args = ["check", "--models", f"sequelize:{app / 'index.js'}", "--db", "sqlite:///nothing.db"]
    res = sg(*args)
    assert res.exit_code == 2
    assert "threw TypeError: config.database is undefined" in res.stderr and "    at " not in res.stderr
    res = sg(*args, "--debug")
    assert res.exit_code == 2 and "index.js:2" in res.stderr


# --- MySQL and MariaDB: the app's own sequelize with mysql2 -----------------------------------------

# What Sequelize's MySQL dialect writes, as schemaguard reads it back (tests/sequelize_cases/mysql_app).
MYSQL_APP_TYPES = {
    "id": "INTEGER UNSIGNED", "tiny": "TINYINT", "small": "SMALLINT UNSIGNED", "medium": "MEDIUMINT",
    "sized": "INTEGER", "big": "BIGINT UNSIGNED", "real": "DOUBLE", "floatSized": "FLOAT(8, 2)",
    "double": "DOUBLE(12, 4)", "money": "DECIMAL(10, 2)", "plainDecimal": "DECIMAL(10, 0)", "code": "CHAR(8)",
    "slug": "VARCHAR(64) COLLATE UTF8MB4_BIN", "secret": "VARCHAR(255) COLLATE UTF8MB4_BIN",
    "note": "TINYTEXT", "body": "MEDIUMTEXT", "archive": "LONGTEXT", "blob": "BLOB", "bigBlob": "LONGBLOB",
    "ref": "CHAR(36) COLLATE UTF8MB4_BIN", "data": "JSON", "state": "ENUM('draft', 'Live', 'it''s')",
    "flag": "BOOLEAN", "day": "DATE", "at": "TIME", "precise": "DATETIME(3)", "touched": "DATETIME",
    "seen": "DATETIME", "createdAt": "DATETIME", "updatedAt": "DATETIME",
}


def _columns(schema: schemaguard.Schema, table: str) -> dict[str, Any]:
    found = schema.table(table)
    assert found is not None
    return {c.name: c for c in found.columns}


def test_mysql_types_need_no_driver_but_an_app_running_on_mysql_needs_mysql2(
    app_dir, monkeypatch: pytest.MonkeyPatch
) -> None:
    # This app folder has sequelize, sqlite3 and pg, and no mysql2.
    app = app_dir(CASES / "mysql_app", "mysql")
    entry = f"sequelize:{app / 'models/index.js'}"
    # The app's own instance is SQLite's here; the models are described by Sequelize's MySQL dialect
    # all the same, with what SQLite's types drop (UNSIGNED, TEXT sizes) kept.
    declared = load_sequelize(entry, "mysql")
    widgets = _columns(declared, "widgets")
    assert {name: c.type for name, c in widgets.items()} == MYSQL_APP_TYPES
    assert widgets["code"].default == "'it''s'" and widgets["state"].default == "'draft'"
    assert widgets["flag"].default == "false" and widgets["small"].default == "7"
    assert widgets["precise"].default == "current_timestamp(3)"
    assert widgets["touched"].default == "current_timestamp on update current_timestamp"
    assert widgets["seen"].default is None and widgets["ref"].default is None  # NOW, UUIDV4: Sequelize's
    assert widgets["id"].autoincrement and not widgets["touched"].nullable
    assert load_sequelize(entry, "mariadb").tables == declared.tables
    # The app as it runs in production builds a MySQL instance, which requires mysql2 at once.
    monkeypatch.setenv("DATABASE_URL", "mysql://app:secret@127.0.0.1:1/app")
    with pytest.raises(ModelsError, match="needs the mysql2 package") as info:
        load_sequelize(entry, "mysql")
    # The app's root: the nearest folder up with a package.json (here, the shared node_modules').
    assert info.value.hint.startswith(f"run npm install mysql2 in the app's folder ({app.parent})")


@pytest.mark.mysql
@pytest.mark.parametrize("case", ["mysql_app", "types_app"])
def test_app_synced_by_sequelize_on_mariadb_has_no_findings(
    case: str, mysql_url: str, mysql_app_dir, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = mysql_app_dir(CASES / case, case)
    _node_sync(app, "models/index.js", mysql_url)  # the app's own sync(), through mysql2
    entry = f"sequelize:{app / 'models/index.js'}"
    # As the app runs in production: its own instance is MySQL's.
    monkeypatch.setenv("DATABASE_URL", mysql_url)
    declared = load_sequelize(entry, "mysql")
    if case == "mysql_app":
        # As described from an instance of another dialect (the test above, SQLite's).
        assert {n: c.type for n, c in _columns(declared, "widgets").items()} == MYSQL_APP_TYPES
    else:
        accounts = _columns(declared, "accounts")
        assert (accounts["token"].type, accounts["mood"].type, accounts["is_active"].type) == (
            "CHAR(36) COLLATE UTF8MB4_BIN", "ENUM('happy', 'sad', 'neutral')", "BOOLEAN")
    result = schemaguard.check(mysql_url, declared)
    assert result.live.dialect == "mysql" and result.live.tables
    assert _rows(result) == []


@pytest.mark.mysql
def test_drift_against_a_sequelize_synced_mariadb_is_found(mysql_url: str, mysql_app_dir, monkeypatch) -> None:
    app = mysql_app_dir(CASES / "types_app", "types")
    _node_sync(app, "models/index.js", mysql_url)
    run_sql(mysql_url, ["ALTER TABLE accounts DROP COLUMN bio", "ALTER TABLE tasks DROP FOREIGN KEY tasks_ibfk_1"])
    model = app / "models/index.js"
    model.write_text(
        model.read_text()
        .replace("STRING(120)", "STRING(200)")
        .replace("defaultValue: 18", "defaultValue: 21")
        .replace("ENUM('happy', 'sad', 'neutral')", "ENUM('happy', 'sad', 'neutral', 'bored')")
        .replace("references: { model: 'accounts', key: 'id' }", "references: { model: 'Accounts', key: 'id' }")
    )
    monkeypatch.setenv("DATABASE_URL", mysql_url)
    result = schemaguard.check(mysql_url, load_sequelize(f"sequelize:{model}", "mysql"))
    assert sorted((f.kind, f.table, f.column) for f in result.findings) == sorted([
        ("column_missing", "accounts", "bio"),
        ("type_mismatch", "accounts", "email"),
        ("default_mismatch", "accounts", "age"),
        ("enum_label_missing", "accounts", "mood"),
        ("foreign_key_target_case", "projects", "owner_id"),
        ("foreign_key_missing", "tasks", "projectId"),
        # The index InnoDB made for the dropped key stays, and no model declares it.
        ("index_extra", "tasks", "projectId"),
    ])


@pytest.mark.mysql
def test_example_on_mariadb_reports_exactly_the_seed_bugs(
    mysql_url: str, mysql_app_dir, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_example_ticketing import _legacy_pg

    _legacy_pg(mysql_url)  # the production database: the correct SQLAlchemy models' tables and rows
    app = mysql_app_dir(EXAMPLE, "ticketing")
    monkeypatch.setenv("DATABASE_URL", mysql_url)  # the app on MariaDB, through mysql2
    result = schemaguard.check(mysql_url, load_sequelize(f"sequelize:{app / 'models/index.js'}", "mysql"))
    assert _rows(result) == SEED_BUGS


@pytest.mark.mysql
def test_example_fixed_and_synced_by_itself_on_mariadb_has_no_findings(mysql_url: str, mysql_app_dir) -> None:
    import json

    from cli_helpers import sg

    app = mysql_app_dir(EXAMPLE, "ticketing")
    _fix_payment(app)
    _node_sync(app, "models/index.js", mysql_url)
    entry = f"sequelize:{app / 'models/index.js'}"
    for url in (mysql_url, mysql_url.replace("mysql://", "mariadb://", 1)):  # Sequelize's mysql, mariadb
        res = sg("check", "--models", entry, "--db", url, "--format", "json", env={"DATABASE_URL": mysql_url})
        assert res.exit_code == 0, res.stdout + res.stderr
        assert json.loads(res.stdout)["findings"] == []
