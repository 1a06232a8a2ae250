"""The command line as users and CI pipelines see it: exit codes, messages, output formats, secrets.

Most cases go through typer's CliRunner (in-process, fast); a few run the installed `schemaguard`
console script in a subprocess to prove the entry point, the real exit codes and that stderr holds
one sentence and no traceback. SQLite is used wherever the backend does not matter.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli_helpers import (
    SECRET,
    assert_one_sentence,
    create_db,
    flatten,
    free_port,
    run_script,
    script,
    sg,
    write_models,
)
from conftest import engine_for

from schemaguard import __version__


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, str]:
    """A models file and a SQLite database created from it: no drift."""
    models = write_models(tmp_path)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    create_db(url, models)
    return models, url


@pytest.fixture
def drift(tmp_path: Path) -> tuple[Path, str]:
    """A SQLite database with one warning (an extra table) and nothing else."""
    models = write_models(tmp_path)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    create_db(url, models, "CREATE TABLE audit_log (id INTEGER PRIMARY KEY, note TEXT)")
    return models, url


# --------------------------------------------------------------------------------------------
# exit 0 and 1


def test_clean_database_exits_0_with_no_findings(project: tuple[Path, str]) -> None:
    models, url = project
    r = sg("check", "--models", f"{models}:Base", "--db", url)
    assert r.exit_code == 0, r.output
    assert "No differences" in r.stdout
    assert r.stderr == ""

    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json")
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["findings"] == []
    assert doc["summary"] == {"error": 0, "warning": 0, "info": 0}


def test_clean_database_exits_0_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    create_db(pg_url, models)
    r = sg("check", "--models", f"{models}:Base", "--db", pg_url, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["findings"] == []


def test_drift_exits_1_and_names_the_table(drift: tuple[Path, str]) -> None:
    models, url = drift
    r = sg("check", "--models", f"{models}:Base", "--db", url)
    assert r.exit_code == 1, r.output
    assert "audit_log" in r.stdout
    assert "table_extra" in r.stdout
    assert "1 warning" in r.stdout
    assert r.stderr == ""


def test_models_given_as_module_and_attribute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = f"sg_models_{uuid.uuid4().hex[:8]}"
    models = write_models(tmp_path / "pkg", name=f"{name}.py")
    url = f"sqlite:///{tmp_path / 'app.db'}"
    create_db(url, models)
    monkeypatch.syspath_prepend(str(tmp_path / "pkg"))
    r = sg("check", "--models", f"{name}:Base", "--db", url, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["findings"] == []
    monkeypatch.delitem(sys.modules, name, raising=False)


def test_models_given_as_metadata_attribute(project: tuple[Path, str]) -> None:
    models, url = project
    r = sg("check", "--models", f"{models}:Base.metadata", "--db", url, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["findings"] == []


# --------------------------------------------------------------------------------------------
# --fail-on


@pytest.mark.parametrize(
    "extra_sql, expected",
    [
        # An extra non-unique index: info.
        ("CREATE INDEX ix_users_name ON users (name)", {"info": 1, "warning": 0, "error": 0, "never": 0}),
        # An extra table: warning.
        ("CREATE TABLE audit_log (id INTEGER PRIMARY KEY)", {"info": 1, "warning": 1, "error": 0, "never": 0}),
        # A declared table that is missing: error.
        ("DROP TABLE posts", {"info": 1, "warning": 1, "error": 1, "never": 0}),
    ],
    ids=["info", "warning", "error"],
)
def test_fail_on_thresholds(tmp_path: Path, extra_sql: str, expected: dict[str, int]) -> None:
    models = write_models(tmp_path)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    create_db(url, models, extra_sql)
    severity = next(k for k in ("error", "warning", "info") if expected[k]) if any(expected.values()) else None
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json", "--fail-on", "never")
    doc = json.loads(r.stdout)
    assert r.exit_code == 0
    assert [f["severity"] for f in doc["findings"]] == [severity], doc
    for level, code in expected.items():
        r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json", "--fail-on", level)
        assert r.exit_code == code, (level, r.output)
        assert json.loads(r.stdout)["findings"], "the findings are reported whatever --fail-on says"


def test_default_fail_on_is_warning(tmp_path: Path) -> None:
    models = write_models(tmp_path)
    url = f"sqlite:///{tmp_path / 'app.db'}"
    create_db(url, models, "CREATE INDEX ix_users_name ON users (name)")
    r = sg("check", "--models", f"{models}:Base", "--db", url)
    assert r.exit_code == 0, r.output  # info only
    assert "index_extra" in r.stdout
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--fail-on", "INFO")
    assert r.exit_code == 1, "--fail-on is case-insensitive"


# --------------------------------------------------------------------------------------------
# exit 2: models


def test_unimportable_module(project: tuple[Path, str]) -> None:
    _, url = project
    r = sg("check", "--models", "no_such_module_xyz.models:Base", "--db", url)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert_one_sentence(r.stderr, "cannot import", "no_such_module_xyz")


def test_missing_attribute(project: tuple[Path, str]) -> None:
    models, url = project
    r = sg("check", "--models", f"{models}:NoSuchBase", "--db", url)
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "no attribute", "NoSuchBase")


def test_target_without_attribute(project: tuple[Path, str]) -> None:
    models, url = project
    r = sg("check", "--models", str(models), "--db", url)
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "no attribute part")


def test_attribute_that_is_not_models(tmp_path: Path, project: tuple[Path, str]) -> None:
    _, url = project
    path = write_models(tmp_path / "other", "Base = 42\n")
    r = sg("check", "--models", f"{path}:Base", "--db", url)
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "not SQLAlchemy models")


def test_missing_models_file(tmp_path: Path, project: tuple[Path, str]) -> None:
    _, url = project
    r = sg("check", "--models", f"{tmp_path / 'nope.py'}:Base", "--db", url)
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "does not exist", "nope.py")


@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02\xff\xfe garbage \x00", b"\xff\xfe\xfd not utf-8 \x80\x81", b"this is :: not python ((\n"],
    ids=["nul-bytes", "not-utf8", "syntax-error"],
)
def test_models_file_that_is_not_python(tmp_path: Path, project: tuple[Path, str], content: bytes) -> None:
    _, url = project
    bad = tmp_path / "bad" / "garbage.py"
    bad.parent.mkdir()
    bad.write_bytes(content)
    r = sg("check", "--models", f"{bad}:Base", "--db", url)
    assert r.exit_code == 2
    assert r.stdout == ""
    assert_one_sentence(r.stderr, "garbage.py", "python")


def test_models_file_with_txt_suffix(tmp_path: Path, project: tuple[Path, str]) -> None:
    _, url = project
    txt = tmp_path / "models.txt"
    txt.write_text("just some notes\n")
    r = sg("check", "--models", f"{txt}:Base", "--db", url)
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "models.txt", "python")


def test_models_file_that_raises_on_import(tmp_path: Path, project: tuple[Path, str]) -> None:
    _, url = project
    bad = write_models(tmp_path / "raising", "import os\nraise RuntimeError('models exploded here')\n")
    r = sg("check", "--models", f"{bad}:Base", "--db", url)
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "RuntimeError", "models exploded here", "line 2")


def test_models_file_that_raises_value_error_keeps_its_message(tmp_path: Path, project: tuple[Path, str]) -> None:
    _, url = project
    bad = write_models(tmp_path / "raising", "raise ValueError('SECRET_KEY is not set')\n")
    r = sg("check", "--models", f"{bad}:Base", "--db", url)
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "ValueError", "SECRET_KEY is not set")


@pytest.mark.parametrize("code", ["3", "0", "'no config'"])
def test_models_file_that_exits_on_import_is_a_models_error(tmp_path: Path, project: tuple[Path, str], code: str) -> None:
    # Its exit status must not become schemaguard's: 3 would read as "database unreachable", 0 as
    # "no drift".
    _, url = project
    bad = write_models(tmp_path / f"exiting{len(code)}", f"import sys\nsys.exit({code})\n")
    r = sg("check", "--models", f"{bad}:Base", "--db", url)
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "called sys.exit", "__main__")
    pkg = tmp_path / f"exitpkg{len(code)}"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(f"import sys\nsys.exit({code})\n")
    proc = run_script("check", "--models", f"{pkg.name}:Base", "--db", url, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert_one_sentence(proc.stderr, "called sys.exit")


# --------------------------------------------------------------------------------------------
# exit 2: URLs, options, missing inputs


@pytest.mark.parametrize(
    "url, needle",
    [
        ("not a url", "malformed database URL"),
        ("postgresql://[bad", "malformed database URL"),
        (f"postgresql://app:{SECRET}@[bad/shop", "malformed database URL"),
        (f"postgresql://app:{SECRET}@db.example:notaport/shop", "malformed database URL"),
        (f"postgres://app:{SECRET}@bad host/shop", "malformed database URL"),
        (f"nosuchdialect://app:{SECRET}@localhost/shop", "nosuchdialect"),
    ],
)
def test_malformed_url_exits_2_without_the_password(project: tuple[Path, str], url: str, needle: str) -> None:
    models, _ = project
    r = sg("check", "--models", f"{models}:Base", "--db", url)
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    assert_one_sentence(r.stderr, needle)
    assert SECRET not in r.stdout + r.stderr
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--debug")
    assert r.exit_code == 2
    assert SECRET not in r.stdout + r.stderr, "--debug must not leak the password either"


def test_unknown_format(project: tuple[Path, str]) -> None:
    models, url = project
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "xml")
    assert r.exit_code == 2
    assert r.stdout == ""
    err = flatten(r.stderr)
    assert "Traceback" not in r.stderr
    assert "--format" in err and "'xml'" in err and "'sarif'" in err, err


def test_unknown_fail_on(project: tuple[Path, str]) -> None:
    models, url = project
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--fail-on", "critical")
    assert r.exit_code == 2
    err = flatten(r.stderr)
    assert "Traceback" not in r.stderr
    assert "--fail-on" in err and "'critical'" in err and "'never'" in err, err


def test_unknown_option(project: tuple[Path, str]) -> None:
    models, url = project
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--frobnicate")
    assert r.exit_code == 2
    assert "--frobnicate" in flatten(r.stderr)


def test_missing_config_file(project: tuple[Path, str], tmp_path: Path) -> None:
    models, url = project
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--config", str(tmp_path / "nope.toml"))
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "config file", "nope.toml", "does not exist")


def test_no_models_and_no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project: tuple[Path, str]) -> None:
    _, url = project
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    r = sg("check", "--db", url)
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "no models given", "--models")


def test_no_db_and_no_database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project: tuple[Path, str]) -> None:
    models, _ = project
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    r = sg("check", "--models", f"{models}:Base")
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "no database given", "DATABASE_URL")


def test_database_url_env_is_used_when_db_is_missing(project: tuple[Path, str], tmp_path: Path) -> None:
    models, url = project
    r = sg("check", "--models", f"{models}:Base", "--format", "json", env={"DATABASE_URL": url})
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["database"] == url
    # --db wins over DATABASE_URL.
    r = sg("check", "--models", f"{models}:Base", "--db", url, env={"DATABASE_URL": "not a url"})
    assert r.exit_code == 0, r.output
    r = sg("check", "--models", f"{models}:Base", env={"DATABASE_URL": f"sqlite:///{tmp_path / 'gone.db'}"})
    assert r.exit_code == 3
    assert_one_sentence(r.stderr, "gone.db", "does not exist")


# --------------------------------------------------------------------------------------------
# exit 3: the database cannot be reached


def test_missing_sqlite_file_exits_3_and_is_not_created(tmp_path: Path, project: tuple[Path, str]) -> None:
    models, _ = project
    missing = tmp_path / "sub" / "missing.db"
    missing.parent.mkdir()
    r = sg("check", "--models", f"{models}:Base", "--db", f"sqlite:///{missing}")
    assert r.exit_code == 3
    assert r.stdout == ""
    assert_one_sentence(r.stderr, "missing.db", "does not exist")
    assert not missing.exists()
    assert list(missing.parent.iterdir()) == []


def test_unreachable_host_exits_3(project: tuple[Path, str]) -> None:
    models, _ = project
    port = free_port()
    url = f"postgresql://app:{SECRET}@127.0.0.1:{port}/shop"
    r = sg("check", "--models", f"{models}:Base", "--db", url)
    assert r.exit_code == 3, r.output
    assert r.stdout == ""
    assert_one_sentence(r.stderr, "cannot connect", f"127.0.0.1:{port}", "refused")
    assert SECRET not in r.stderr
    assert "postgresql://app:***@" in r.stderr


def test_wrong_password_exits_3(pg_server, pg_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    models = write_models(tmp_path)
    create_db(pg_url, models)
    db = pg_url.rsplit("/", 1)[1]
    url = pg_server.url(db, user="postgres", password=SECRET)
    for extra in ([], ["--debug"], ["--format", "json"]):
        r = sg("check", "--models", f"{models}:Base", "--db", url, *extra)
        assert r.exit_code == 3, r.output
        assert r.stdout == ""
        assert SECRET not in r.stdout + r.stderr
        assert "password authentication failed" in r.stderr
    assert_one_sentence(r.stderr, "cannot connect", "postgresql://postgres:***@127.0.0.1")


def test_missing_database_exits_3(pg_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    models = write_models(tmp_path)
    # With the server's real password (the login succeeds, the database does not exist) ...
    r = sg("check", "--models", f"{models}:Base", "--db", pg_server.url("sg_no_such_db_xyz"))
    assert r.exit_code == 3, r.output
    assert r.stdout == ""
    assert_one_sentence(r.stderr, 'database "sg_no_such_db_xyz" does not exist')
    assert pg_server.password not in r.stdout + r.stderr
    # ... and with a distinctive wrong one: still exit 3, still no password.
    r = sg("check", "--models", f"{models}:Base", "--db", pg_server.url("sg_no_such_db_xyz", password=SECRET))
    assert r.exit_code == 3
    assert SECRET not in r.stdout + r.stderr


def test_postgres_scheme_without_driver(pg_server, pg_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    models = write_models(tmp_path)
    create_db(pg_url, models)
    url = pg_url.replace("postgresql://", "postgres://", 1)
    assert url.startswith("postgres://")
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["findings"] == []
    db = pg_url.rsplit("/", 1)[1]
    assert doc["database"] == f"postgresql://postgres:***@127.0.0.1:{pg_server.port}/{db}"
    assert pg_server.password not in r.stdout + r.stderr
    # DATABASE_URL in the postgres:// form (as Heroku-style platforms set it) works too.
    r = sg("check", "--models", f"{models}:Base", env={"DATABASE_URL": url})
    assert r.exit_code == 0, r.output


def test_unknown_schema_exits_2(pg_url: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    create_db(pg_url, models)
    r = sg("check", "--models", f"{models}:Base", "--db", pg_url, "--schema", "no_such_schema")
    assert r.exit_code == 2, r.output
    assert_one_sentence(r.stderr, "schema 'no_such_schema' does not exist", "--schema")


def test_sqlite_file_that_is_not_a_database(tmp_path: Path, project: tuple[Path, str]) -> None:
    models, _ = project
    notdb = tmp_path / "notes.db"
    notdb.write_text("these are not the tables you are looking for\n" * 100)
    before = notdb.read_bytes()
    r = sg("check", "--models", f"{models}:Base", "--db", f"sqlite:///{notdb}")
    assert r.exit_code in (2, 3), r.output
    assert_one_sentence(r.stderr, "notes.db", "not a database")
    assert notdb.read_bytes() == before


# --------------------------------------------------------------------------------------------
# passwords in successful runs


@pytest.fixture
def secret_role_url(pg_server, pg_database: Callable[[], str]):  # type: ignore[no-untyped-def]
    """A fresh database owned by a login role whose password is SECRET; dropped afterwards."""
    role = f"sg_owner_{uuid.uuid4().hex[:8]}"
    admin = engine_for(pg_server.url("postgres"))
    admin = admin.execution_options(isolation_level="AUTOCOMMIT")
    url = pg_database()
    db = url.rsplit("/", 1)[1]
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{SECRET}'")
        conn.exec_driver_sql(f'ALTER DATABASE "{db}" OWNER TO {role}')
    try:
        yield pg_server.url(db, user=role, password=SECRET)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.exec_driver_sql(f"DROP ROLE IF EXISTS {role}")
        admin.engine.dispose()


def test_password_never_in_success_output(secret_role_url: str, tmp_path: Path) -> None:
    models = write_models(tmp_path)
    create_db(secret_role_url, models, "CREATE TABLE audit_log (id integer PRIMARY KEY)")
    user = secret_role_url.split("://", 1)[1].split(":", 1)[0]
    rest = secret_role_url.split("@", 1)[1]
    for fmt in ("json", "table", "sarif", "junit", "github", "markdown"):
        r = sg("check", "--models", f"{models}:Base", "--db", secret_role_url, "--format", fmt, "--timings")
        assert r.exit_code == 1, (fmt, r.output)
        assert SECRET not in r.stdout + r.stderr, fmt
        if fmt == "json":
            doc = json.loads(r.stdout)
            assert doc["database"] == f"postgresql://{user}:***@{rest}"


# --------------------------------------------------------------------------------------------
# --debug, --version, --help


def test_debug_shows_traceback_only_when_asked(project: tuple[Path, str]) -> None:
    _, url = project
    r = sg("check", "--models", "no_such_module_xyz:Base", "--db", url)
    assert r.exit_code == 2
    assert "Traceback" not in r.stderr
    r = sg("check", "--models", "no_such_module_xyz:Base", "--db", url, "--debug")
    assert r.exit_code == 2
    assert "Traceback (most recent call last)" in r.stderr
    assert "ModuleNotFoundError" in r.stderr
    assert r.stderr.rstrip().splitlines()[-1].startswith("schemaguard: error: cannot import")


def test_version() -> None:
    r = sg("--version")
    assert r.exit_code == 0
    assert r.stdout.strip() == f"schemaguard {__version__}"


def test_help_mentions_check() -> None:
    r = sg("--help")
    assert r.exit_code == 0
    assert "check" in r.stdout
    assert "Exit codes" in r.stdout
    r = sg("check", "--help")
    assert r.exit_code == 0
    for opt in ("--models", "--db", "--format", "--fail-on", "--config", "--timings", "--debug"):
        assert opt in r.stdout, opt


def test_no_arguments_prints_help() -> None:
    r = sg()
    assert r.exit_code in (0, 2)
    assert "check" in r.stdout + r.stderr


# --------------------------------------------------------------------------------------------
# output formats


def test_json_output_shape(drift: tuple[Path, str]) -> None:
    models, url = drift
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)  # stdout is only the document
    assert set(doc) == {"schemaguard", "database", "findings", "summary"}
    assert doc["schemaguard"] == __version__
    assert doc["database"] == url
    assert doc["summary"] == {"error": 0, "warning": 1, "info": 0}
    (f,) = doc["findings"]
    for key in ("code", "kind", "severity", "destructive", "table", "column", "declared", "live", "message", "hint"):
        assert key in f, key
    assert f["kind"] == "table_extra"
    assert f["severity"] == "warning"
    assert f["table"] == "audit_log"
    assert f["column"] is None
    assert f["destructive"] is True
    assert re.fullmatch(r"SG\d+", f["code"])
    assert f["message"] and f["hint"]
    assert r.stderr == ""


def test_json_timings(drift: tuple[Path, str]) -> None:
    models, url = drift
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json", "--timings")
    assert r.exit_code == 1
    doc = json.loads(r.stdout)
    timings = doc["timings"]
    assert set(timings) == {"load_models", "reflect", "compare", "report", "total", "cache"}
    assert timings.pop("cache") in ("hit", "miss")
    assert all(isinstance(v, (int, float)) and v >= 0 for v in timings.values())
    assert timings["total"] >= max(v for k, v in timings.items() if k != "total")
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("schemaguard: timings:"), r.stderr
    for key in timings:
        assert key in lines[0]
    # Without --timings there is no timings object and nothing on stderr.
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json")
    assert "timings" not in json.loads(r.stdout)
    assert r.stderr == ""


def test_table_timings_go_to_stderr(drift: tuple[Path, str]) -> None:
    models, url = drift
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--timings")
    assert r.exit_code == 1
    assert "schemaguard: timings:" not in r.stdout
    assert r.stderr.startswith("schemaguard: timings: load_models ")


@pytest.mark.parametrize("fmt", ["table", "json", "sarif", "junit", "github", "markdown"])
def test_every_format(drift: tuple[Path, str], fmt: str) -> None:
    models, url = drift
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", fmt)
    assert r.exit_code == 1, r.output
    assert r.stderr == ""
    out = r.stdout
    assert "audit_log" in out
    if fmt == "table":
        assert "table_extra" in out and "summary:" in out
    elif fmt == "json":
        assert json.loads(out)["findings"][0]["table"] == "audit_log"
    elif fmt == "sarif":
        doc = json.loads(out)
        assert doc["version"] == "2.1.0"
        (run,) = doc["runs"]
        assert run["tool"]["driver"]["name"] == "schemaguard"
        (res,) = run["results"]
        assert res["level"] == "warning"
        assert res["properties"]["kind"] == "table_extra"
        rule_ids = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
        assert res["ruleId"] in rule_ids
    elif fmt == "junit":
        root = ET.fromstring(out)
        cases = root.findall(".//testcase")
        assert len(cases) == 1
        assert cases[0].find("failure") is not None
        assert "audit_log" in cases[0].get("name", "")
    elif fmt == "github":
        lines = [ln for ln in out.splitlines() if ln.strip()]
        assert len(lines) == 1
        assert lines[0].startswith("::warning ")
        assert "table_extra" in lines[0]
    elif fmt == "markdown":
        assert out.startswith("## schemaguard check")
        assert "| 0 | 1 | 0 |" in out


@pytest.mark.parametrize("fmt", ["sarif", "junit", "github", "markdown", "json"])
def test_every_format_without_findings(project: tuple[Path, str], fmt: str) -> None:
    models, url = project
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", fmt)
    assert r.exit_code == 0, r.output
    if fmt == "sarif":
        assert json.loads(r.stdout)["runs"][0]["results"] == []
    elif fmt == "junit":
        root = ET.fromstring(r.stdout)
        assert root.findall(".//failure") == []
    elif fmt == "github":
        assert "::warning" not in r.stdout and "::error" not in r.stdout
    elif fmt == "json":
        assert json.loads(r.stdout)["findings"] == []


# --------------------------------------------------------------------------------------------
# hostile table names

HOSTILE = [
    'we"ird',
    "with space",
    "semi;colon; DROP TABLE users; --",
    "it's",
    "naïve_tablé",
    "表格",
]

HOSTILE_MODELS = '''\
from sqlalchemy import Column, Integer, MetaData, String, Table

metadata = MetaData()
NAMES = {names!r}
for n in NAMES:
    Table(n, metadata, Column("id", Integer, primary_key=True), Column("the value; --", String(20)))


class Base:
    metadata = metadata
'''


def test_hostile_table_names(db_url: str, tmp_path: Path) -> None:
    models = write_models(tmp_path, HOSTILE_MODELS.format(names=HOSTILE))
    create_db(db_url, models)
    r = sg("check", "--models", f"{models}:metadata", "--db", db_url, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["findings"] == []

    # Drift involving hostile names: one declared table dropped, one hostile extra table.
    eng = engine_for(db_url)
    with eng.begin() as conn:
        conn.exec_driver_sql('DROP TABLE "semi;colon; DROP TABLE users; --"')
        conn.exec_driver_sql('CREATE TABLE "extra ""quoted""; x" (id integer PRIMARY KEY)')
        conn.exec_driver_sql('ALTER TABLE "表格" ADD COLUMN "ünï ""col""" integer')
    before = sorted(sa.inspect(eng).get_table_names())
    eng.dispose()
    for fmt in ("json", "table", "sarif", "junit", "github", "markdown"):
        r = sg("check", "--models", f"{models}:metadata", "--db", db_url, "--format", fmt)
        assert r.exit_code == 1, (fmt, r.output)
        assert "Traceback" not in r.stderr
        if fmt == "json":
            doc = json.loads(r.stdout)
            got = {(f["kind"], f["table"], f["column"]) for f in doc["findings"]}
            assert got == {
                ("table_missing", "semi;colon; DROP TABLE users; --", None),
                ("table_extra", 'extra "quoted"; x', None),
                ("column_extra", "表格", 'ünï "col"'),
            }, got
        elif fmt == "sarif":
            json.loads(r.stdout)
        elif fmt == "junit":
            names = [c.get("name", "") for c in ET.fromstring(r.stdout).iter("testcase")]
            assert any('extra "quoted"; x' in n for n in names), names
    # Nothing was created or dropped: check never runs the names it reads.
    eng = engine_for(db_url)
    assert sorted(sa.inspect(eng).get_table_names()) == before
    eng.dispose()


# --------------------------------------------------------------------------------------------
# the installed console script


def test_script_exit_0_and_json(tmp_path: Path, project: tuple[Path, str]) -> None:
    models, url = project
    p = run_script("check", "--models", f"{models}:Base", "--db", url, "--format", "json", cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["findings"] == []
    assert p.stderr == ""


def test_script_exit_1(tmp_path: Path, drift: tuple[Path, str]) -> None:
    models, url = drift
    p = run_script("check", "--models", f"{models}:Base", "--db", url, "--format", "github", cwd=tmp_path)
    assert p.returncode == 1, p.stderr
    assert p.stdout.startswith("::warning ")


def test_script_exit_2_no_traceback(tmp_path: Path, project: tuple[Path, str]) -> None:
    models, url = project
    bad = write_models(tmp_path / "raising", "raise KeyError('broken models')\n")
    p = run_script("check", "--models", f"{bad}:Base", "--db", url, cwd=tmp_path)
    assert p.returncode == 2
    assert_one_sentence(p.stderr, "KeyError", "broken models")
    p = run_script("check", "--models", f"{models}:Base", "--db", "postgresql://[bad", cwd=tmp_path)
    assert p.returncode == 2
    assert_one_sentence(p.stderr, "malformed database URL")
    p = run_script("check", "--models", f"{models}:Base", "--db", url, "--format", "yaml", cwd=tmp_path)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert "'yaml'" in flatten(p.stderr)


def test_script_exit_3_without_password(tmp_path: Path, project: tuple[Path, str]) -> None:
    models, _ = project
    url = f"postgresql://app:{SECRET}@127.0.0.1:{free_port()}/shop"
    p = run_script("check", "--models", f"{models}:Base", "--db", url, cwd=tmp_path)
    assert p.returncode == 3
    assert_one_sentence(p.stderr, "cannot connect")
    assert SECRET not in p.stdout + p.stderr
    p = run_script("check", "--models", f"{models}:Base", "--db", url, "--debug", cwd=tmp_path)
    assert p.returncode == 3
    assert "Traceback" in p.stderr
    assert SECRET not in p.stdout + p.stderr


def test_script_version_help_and_debug(tmp_path: Path) -> None:
    p = run_script("--version", cwd=tmp_path)
    assert p.returncode == 0
    assert p.stdout.strip() == f"schemaguard {__version__}"
    p = run_script("--help", cwd=tmp_path)
    assert p.returncode == 0
    assert "check" in p.stdout
    p = run_script("check", "--models", "nope_xyz:Base", "--db", "sqlite:///x.db", "--debug", cwd=tmp_path)
    assert p.returncode == 2
    assert "Traceback (most recent call last)" in p.stderr


def test_module_entry_point(tmp_path: Path) -> None:
    p = subprocess.run(  # noqa: PLW1510 - the exit code is what is tested
        [sys.executable, "-m", "schemaguard", "--version"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert p.returncode == 0
    assert p.stdout.strip() == f"schemaguard {__version__}"


def test_script_non_ascii_json_is_utf8_even_with_an_ascii_locale(tmp_path: Path) -> None:
    """A pipeline with a poor locale still gets the exact table names in machine-readable output."""
    models = write_models(tmp_path, HOSTILE_MODELS.format(names=["表格", "naïve_tablé"]))
    url = f"sqlite:///{tmp_path / 'app.db'}"
    create_db(url, models, 'CREATE TABLE "ünïcode ""x""" (id INTEGER PRIMARY KEY)')
    p = subprocess.run(  # noqa: PLW1510 - the exit code is what is tested
        [script(), "check", "--models", f"{models}:metadata", "--db", url, "--format", "json"],
        capture_output=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONIOENCODING": "ascii", "LC_ALL": "C", "PYTHONUTF8": "0"},
        timeout=60,
    )
    assert p.returncode == 1, p.stderr
    doc = json.loads(p.stdout.decode("utf-8"))
    assert [f["table"] for f in doc["findings"]] == ['ünïcode "x"']


def test_password_in_query_string_is_never_shown(tmp_path: Path, pg_database: Callable[[], str]) -> None:
    """libpq accepts ?password=...: it must be hidden like the user:password part."""
    models = write_models(tmp_path / "src")
    good = pg_database()  # postgresql://postgres:<password>@127.0.0.1:port/db
    head, _, rest = good.partition("://")
    userinfo, _, hostpart = rest.partition("@")
    user, _, secret = userinfo.partition(":")
    url = f"{head}://{user}@{hostpart}?password={secret}"
    ok = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json")
    assert secret not in ok.stdout + ok.stderr
    assert ok.exit_code in (0, 1), ok.stderr
    assert "password=***" in json.loads(ok.stdout)["database"]
    bad = url.replace(secret, "qu3ry-S3CRET-wrong")
    r = sg("check", "--models", f"{models}:Base", "--db", bad)
    assert r.exit_code == 3
    assert "qu3ry-S3CRET-wrong" not in r.stdout + r.stderr
    assert "password=***" in r.stderr


def test_models_that_print_on_import_keep_json_stdout_clean(tmp_path: Path) -> None:
    models = write_models(tmp_path / "src")
    models.write_text('print("hello from the models")\n' + models.read_text())
    url = f"sqlite:///{tmp_path / 'x.db'}"
    create_db(url, models)
    r = sg("check", "--models", f"{models}:Base", "--db", url, "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["findings"] == []
    assert "hello from the models" in r.stderr
