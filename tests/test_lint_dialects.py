"""lint reads an Alembic revision as it runs on each database: dialect tests and the branches they
decide (tests/lint_cases/dialects/, whose `expect[db,...]:` comments name the findings a line gives
on those databases and `expect:` on every one), op.execute() SQL with its branch's parser, several
databases in one run (`--dialect all`, lists, `lint.dialects`), and a real project's published
multi-database revisions (MLflow's, behind the `published_revisions` marker).

No database is needed: lint never connects.
"""

from __future__ import annotations

import ast
import json
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from schemaguard.errors import ConfigError, UsageError
from schemaguard.lint import lint_alembic, lint_paths, lint_sql
from schemaguard.lint.engine import resolve_dialects
from schemaguard.lint.guards import DialectTests
from schemaguard.rules.findings import Finding

HERE = Path(__file__).resolve().parent
CASES = HERE / "lint_cases" / "dialects"
DATABASES = ("postgresql", "sqlite", "mysql", "mssql")


def expected(path: Path) -> dict[str, list[tuple[int, str]]]:
    """database -> sorted (line, kind) from the case file's expect comments."""
    out: dict[str, list[tuple[int, str]]] = {d: [] for d in DATABASES}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        # Several markers may share a line: `# expect[postgresql]: a  # expect[mysql]: a, b`.
        for marker in line.split("# expect")[1:]:
            head, kinds = marker.split(":", 1)
            databases = [d.strip() for d in head.strip("[]").split(",")] if head.startswith("[") else list(DATABASES)
            assert set(databases) <= set(DATABASES), f"{path.name}:{number} names an unknown database"
            for d in databases:
                out[d] += [(number, k.strip()) for k in kinds.split(",") if k.strip()]
    return {d: sorted(v) for d, v in out.items()}


def found(findings: list[Finding]) -> list[tuple[int, str]]:
    return sorted((f.line or 0, f.kind) for f in findings)


CASE_FILES = sorted(CASES.glob("*.py"))


def test_there_are_cases_for_every_guard_shape() -> None:
    names = {p.stem for p in CASE_FILES}
    assert {"bind_dialect_eq", "engine_name_in", "context_dialect", "early_return", "helpers", "nested",
            "execute_sql"} <= names


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_case(path: Path, database: str) -> None:
    want = expected(path)[database]
    findings = lint_alembic(path.read_text(encoding="utf-8"), str(path), dialect=database)
    assert found(findings) == want
    for f in findings:
        assert f.kind != "unparseable_sql", f.message
        assert f.database is None  # one database: the findings do not repeat it


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_case_for_several_databases_at_once(path: Path) -> None:
    """--dialect all gives each database's findings, each naming its database, and nothing else."""
    want = expected(path)
    findings = lint_alembic(path.read_text(encoding="utf-8"), str(path), dialect="all")
    for database in DATABASES:
        assert found([f for f in findings if f.database == database]) == want[database]
    assert {f.database for f in findings} <= set(DATABASES)
    pair = lint_alembic(path.read_text(encoding="utf-8"), str(path), dialect=["sqlite", "mysql"])
    assert sorted((f.line, f.kind, f.database) for f in pair) == sorted(
        [(line, kind, "sqlite") for line, kind in want["sqlite"]]
        + [(line, kind, "mysql") for line, kind in want["mysql"]])


# --- the dialect tests themselves ---------------------------------------------------------------

MODULE = '''
from alembic import context, op

DIALECT = "sqlite"


def get_dialect():
    """the running database"""
    return context.get_context().dialect.name


def is_postgresql():
    return get_dialect() == "postgresql"


def pick(dialect_name):
    if dialect_name == "mysql":
        return "mysql branch"
    return "other"


def opaque(x):
    for _ in x:
        pass
    return x
'''

# condition -> what it is on postgresql, sqlite, mysql, mssql (None: undecided)
DECISIONS = [
    ('op.get_bind().dialect.name == "sqlite"', (False, True, False, False)),
    ('bind.dialect.name != "postgresql"', (False, True, True, True)),
    ('bind.engine.name == "mysql"', (False, False, True, False)),
    ('op.get_bind().engine.name in ("mysql", "mssql")', (False, False, True, True)),
    ('conn.engine.dialect.name not in ["sqlite"]', (True, False, True, True)),
    ('context.get_context().dialect.name == "postgresql"', (True, False, False, False)),
    ('op.get_context().dialect.name.startswith("postgres")', (True, False, False, False)),
    ('op.get_context().dialect.name.lower().startswith(("my", "ms"))', (False, False, True, True)),
    ('context.get_context().dialect.name not in ("sqlite")', (True, False, True, True)),  # a string, not a tuple
    ('not bind.dialect.name == "sqlite"', (True, False, True, True)),
    ('bind.dialect.name == "sqlite" or bind.dialect.name == "mysql"', (False, True, True, False)),
    ('bind.dialect.name == "sqlite" and unknown_flag', (False, None, False, False)),
    ('bind.dialect.name == "sqlite" or unknown_flag', (None, True, None, None)),
    ('bind.dialect.name == DIALECT', (False, True, False, False)),
    ('get_dialect() == "mssql"', (False, False, False, True)),
    ('is_postgresql()', (True, False, False, False)),
    ('pick(bind.dialect.name) == "mysql branch"', (False, False, True, False)),
    ('str(bind.dialect.name) == "sqlite"', (False, True, False, False)),
    ('"postgresql" if bind.dialect.name == "postgresql" else ""', (True, False, False, False)),
    # Not dialect tests, or not decidable: None on every database (read as before).
    ('bind.dialect.server_version_info >= (8, 0)', (None, None, None, None)),
    ('os.environ.get("X") == "sqlite"', (None, None, None, None)),
    ('"a" == "a"', (None, None, None, None)),
    ('opaque(bind.dialect.name) == "sqlite"', (None, None, None, None)),
    ('bind.dialect.name == other_name', (None, None, None, None)),
    ('bind.dialect.name.split("+")[0] == "sqlite"', (None, None, None, None)),
]


@pytest.mark.parametrize(("condition", "decisions"), DECISIONS, ids=[c for c, _ in DECISIONS])
def test_dialect_decisions(condition: str, decisions: tuple[bool | None, ...]) -> None:
    tree = ast.parse(MODULE)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    constants = {n.targets[0].id: n.value for n in tree.body
                 if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)}
    test = ast.parse(condition, mode="eval").body
    for database, want in zip(DATABASES, decisions, strict=True):
        tests = DialectTests((database,), functions, constants)
        assert tests.decide(test, {}) is want, (database, condition)


def test_mariadb_is_told_apart_only_when_the_revision_names_it() -> None:
    """A revision that names MariaDB is read for `mysql` as either name: a test that only one of
    them passes is undecided, so both of its branches are read."""
    body = '    if op.get_bind().dialect.name == "{name}":\n        op.drop_table("t")\n    else:\n        op.drop_table("u")\n'
    plain = revision_text(body.format(name="mysql"))
    assert found(lint_alembic(plain, dialect="mysql")) == [(14, "drop_table")]
    both = revision_text(body.format(name="mariadb"))
    assert found(lint_alembic(both, dialect="mysql")) == [(14, "drop_table"), (16, "drop_table")]
    assert found(lint_alembic(both, dialect="postgresql")) == [(16, "drop_table")]


def revision_text(body: str) -> str:
    return (
        '"""r"""\n\nimport sqlalchemy as sa\nfrom alembic import op\n\nrevision = "r1"\n'
        'down_revision = None\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n'
        f"{body}\n\ndef downgrade():\n    pass\n"
    )


# --- messages and parsers follow the branch's database ----------------------------------------------


def test_messages_follow_the_database_of_the_branch() -> None:
    text = (CASES / "bind_dialect_eq.py").read_text(encoding="utf-8")
    by_db = {f.database: f for f in lint_alembic(text, dialect="all") if f.kind == "set_not_null"}
    assert set(by_db) == set(DATABASES)
    assert "ACCESS EXCLUSIVE" in by_db["postgresql"].message
    for other in ("sqlite", "mysql", "mssql"):
        assert "ACCESS EXCLUSIVE" not in by_db[other].message and "PostgreSQL" not in by_db[other].hint
    assert "rebuild the table in place" in by_db["mysql"].message
    assert "SQL Server" in by_db["mssql"].message
    assert by_db["sqlite"].line == 14 and by_db["mysql"].line == 17


def test_sql_of_another_database_is_never_unparseable() -> None:
    text = (CASES / "execute_sql.py").read_text(encoding="utf-8")
    # Read as if every branch ran (a module with no dialect tests), the same SQL is unparseable:
    flat = text.replace('op.get_bind().engine.dialect.name', 'settings.DATABASE')
    flat = flat.replace('op.get_bind().dialect.name', 'settings.DATABASE')
    assert "unparseable_sql" in {f.kind for f in lint_alembic(flat, dialect="postgresql")}
    for f in lint_alembic(text, dialect="all"):
        assert f.kind != "unparseable_sql", (f.database, f.message)


def test_trigger_and_routine_bodies_are_one_statement() -> None:
    """A semicolon inside BEGIN ... END ends a statement of the body, which runs when the trigger
    fires: its DELETE is not the migration's."""
    sqlite = ("CREATE TRIGGER purge AFTER DELETE ON users BEGIN\n  DELETE FROM sessions;\n  DELETE FROM tokens;\nEND;\n"
              "DELETE FROM audit;\n")
    assert found(lint_sql(sqlite, dialect="sqlite")) == [(5, "delete_all_rows")]
    mysql = ("CREATE TRIGGER purge AFTER DELETE ON users FOR EACH ROW BEGIN\n"
             "  IF OLD.id > 0 THEN DELETE FROM sessions; END IF;\n  CASE WHEN 1 THEN DELETE FROM x; END CASE;\nEND;\n"
             "DROP TABLE old_sessions;\n")
    assert found(lint_sql(mysql, dialect="mysql")) == [(5, "drop_table")]
    tsql = ("CREATE TRIGGER purge ON users AFTER DELETE AS\nBEGIN\n  SET NOCOUNT ON;\n"
            "  BEGIN TRANSACTION;\n  DELETE FROM sessions;\n  COMMIT;\nEND;\nTRUNCATE TABLE old_sessions;\n")
    assert found(lint_sql(tsql, dialect="mssql")) == [(8, "truncate_table")]


def test_sql_files_are_read_once_per_database() -> None:
    sql = "ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
    findings = lint_sql(sql, dialect="postgresql,mysql")
    assert [(f.database, f.kind) for f in findings] == [("postgresql", "set_not_null"), ("mysql", "set_not_null")]
    assert "ACCESS EXCLUSIVE" in findings[0].message and "ACCESS EXCLUSIVE" not in findings[1].message


def test_application_code_is_read_once() -> None:
    findings = lint_paths([HERE / "lint_cases" / "app" / "reset_on_start.py"], dialect="all").findings
    assert findings and all(f.database is None for f in findings)
    assert len(findings) == len(lint_paths([HERE / "lint_cases" / "app" / "reset_on_start.py"]).findings)


# --- choosing the databases -----------------------------------------------------------------------


def test_resolve_dialects() -> None:
    assert resolve_dialects("postgresql") == ("postgresql",)
    assert resolve_dialects("all") == DATABASES
    assert resolve_dialects(["SQLite, mysql", "sqlite", "postgresql"]) == ("sqlite", "mysql", "postgresql")
    assert resolve_dialects(["all", "mysql"]) == DATABASES
    with pytest.raises(UsageError, match="unknown dialect 'oracle' given to --dialect"):
        resolve_dialects("postgresql,oracle", option="--dialect")
    with pytest.raises(UsageError, match="no dialect given"):
        resolve_dialects(" , ")


runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    from schemaguard.cli.lint import standalone_app

    return standalone_app()


def run(app: typer.Typer, *args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["lint", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_cli_several_databases_in_json(app: typer.Typer) -> None:
    path = CASES / "bind_dialect_eq.py"
    r = run(app, str(path), "--dialect", "postgresql,sqlite", "--dialect", "mysql", "--format", "json")
    assert r.exit_code == 1, r.stderr
    doc = json.loads(r.stdout)
    assert doc["databases"] == ["postgresql", "sqlite", "mysql"]
    got = sorted((f["line"], f["kind"], f["database"]) for f in doc["findings"])
    want = expected(path)
    assert got == sorted((line, kind, d) for d in ("postgresql", "sqlite", "mysql") for line, kind in want[d])


def test_cli_one_database_keeps_the_document_as_it_was(app: typer.Typer) -> None:
    r = run(app, str(CASES / "bind_dialect_eq.py"), "--dialect", "sqlite", "--format", "json")
    doc = json.loads(r.stdout)
    assert set(doc) == {"schemaguard", "files", "findings", "summary"}
    assert all("database" not in f for f in doc["findings"])
    assert sorted((f["line"], f["kind"]) for f in doc["findings"]) == expected(CASES / "bind_dialect_eq.py")["sqlite"]


def test_cli_sarif_property_and_other_formats(app: typer.Typer) -> None:
    path = str(CASES / "engine_name_in.py")
    doc = json.loads(run(app, path, "--dialect", "all", "--format", "sarif").stdout)
    results = doc["runs"][0]["results"]
    assert sorted((r["locations"][0]["physicalLocation"]["region"]["startLine"], r["properties"]["database"])
                  for r in results) == sorted(
        (line, d) for d, items in expected(CASES / "engine_name_in.py").items() for line, _ in items)
    github = run(app, path, "--dialect", "all", "--format", "github").stdout
    assert "title=SG303 narrowing_type_change (runs.status) on mysql" in github
    markdown = run(app, path, "--dialect", "all", "--format", "markdown").stdout
    assert "| database |" in markdown and "| mysql |" in markdown
    table = run(app, path, "--dialect", "postgresql,mysql").stdout
    assert "postgresql, mysql" in table and "on mysql" in table


def test_cli_bad_dialect_is_a_usage_error(app: typer.Typer) -> None:
    r = run(app, str(CASES / "nested.py"), "--dialect", "postgresql,oracle")
    assert r.exit_code == 2
    assert r.stderr.startswith("schemaguard: error: unknown dialect 'oracle' given to --dialect")


def test_config_lint_dialects(app: typer.Typer, tmp_path: Path) -> None:
    from schemaguard.cli.config import load_config

    config = tmp_path / "schemaguard.toml"
    config.write_text('[lint]\ndialects = ["postgresql", "SQLite"]\n', encoding="utf-8")
    assert load_config(config).lint_dialects == ["postgresql", "sqlite"]
    path = str(CASES / "early_return.py")
    doc = json.loads(run(app, path, "--config", str(config), "--format", "json").stdout)
    assert doc["databases"] == ["postgresql", "sqlite"]
    assert {f["database"] for f in doc["findings"]} == {"postgresql"}  # SQLite returns early
    # --dialect wins over the config.
    doc = json.loads(run(app, path, "--config", str(config), "--dialect", "mysql", "--format", "json").stdout)
    assert "databases" not in doc and [f["line"] for f in doc["findings"]] == [15]
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.schemaguard.lint]\ndialects = "all"\n', encoding="utf-8")
    assert load_config(pyproject).lint_dialects == ["all"]
    for bad, needle in [('[lint]\ndialects = ["oracle"]\n', "unknown database 'oracle'"),
                        ('[lint]\ndialects = 3\n', "must be a list"),
                        ('[lint]\ndialect = ["sqlite"]\n', "unknown key lint.dialect"),
                        ('lint = "sqlite"\n', "lint must be a table")]:
        config.write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError, match=needle):
            load_config(config)
        r = run(app, path, "--config", str(config))
        assert r.exit_code == 2 and needle.split("'")[0] in r.stderr


# --- a real multi-database project ----------------------------------------------------------------
#
# MLflow's tracking store supports PostgreSQL, MySQL, SQLite and SQL Server and branches on the
# dialect in its revisions (batch mode on SQLite, T-SQL and trigger SQL per database, MySQL-only
# column changes). mlflow-skinny is heavy, so it is not in the test extra: install it without its
# dependencies (nothing of it is imported; only its revision files are read) and select the marker:
#   pip install --no-deps mlflow-skinny==3.18.0 && pytest -m published_revisions

MLFLOW = HERE / "published_revisions" / "mlflow_3.18.0.json"


def mlflow_versions() -> Path:
    data = json.loads(MLFLOW.read_text(encoding="utf-8"))
    try:
        dist = distribution(data["package"])
    except PackageNotFoundError:
        pytest.skip(f"pip install --no-deps {data['package']}=={data['version']} to run this test")
    if dist.version != data["version"]:
        pytest.skip(f"{data['package']} {dist.version} is installed; the expectations are for {data['version']}")
    return Path(str(dist.locate_file(data["folder"])))


@pytest.mark.published_revisions
def test_mlflow_revisions_per_database() -> None:
    versions = mlflow_versions()
    data = json.loads(MLFLOW.read_text(encoding="utf-8"))["files"]
    assert sorted(p.name for p in versions.glob("*.py")) == sorted(data)
    result = lint_paths([versions], dialect="all")
    got: dict[str, dict[str, list[list[object]]]] = {name: {d: [] for d in DATABASES} for name in data}
    for f in result.findings:
        assert f.database is not None
        got[Path(f.file or "").name][f.database].append([f.line, f.kind, f.severity])
    assert got == data
    assert not [f for f in result.findings if f.kind == "unparseable_sql"]
    # Each database alone gives exactly its share of `all`.
    for database in ("postgresql", "sqlite", "mysql"):
        alone = lint_paths([versions], dialect=database).findings
        assert sorted((Path(f.file or "").name, f.line, f.kind) for f in alone) == sorted(
            (name, line, kind) for name, by_db in data.items() for line, kind, _ in by_db[database])


@pytest.mark.published_revisions
def test_mlflow_branches_are_read_for_their_database_only() -> None:
    versions = mlflow_versions()
    result = lint_paths([versions], dialect="all")

    def at(name: str, line: int) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for f in result.findings:
            if Path(f.file or "").name.startswith(name) and f.line == line:
                out.setdefault(f.database or "", []).append(f)
        return out

    # `if op.get_bind().engine.name == "mysql":` -- a MySQL-only type change and SET NOT NULL,
    # explained as MySQL's, never with PostgreSQL's lock.
    mysql_only = at("c48cb773bb87", 30)
    assert set(mysql_only) == {"mysql"}
    set_not_null = next(f for f in mysql_only["mysql"] if f.kind == "set_not_null")
    assert "rebuild the table in place" in set_not_null.message and "ACCESS EXCLUSIVE" not in set_not_null.message
    assert set(at("4465047574b1", 27)) == {"mysql"}
    # `if op.get_bind().dialect.name == "sqlite":` batch mode vs `else:` plain operations.
    assert at("c1d2e3f4a5b6", 26) == {}  # batch create_index under SQLite: no lock story there
    assert set(at("c1d2e3f4a5b6", 33)) == {"postgresql"}  # the else branch, still reported
    assert set(at("da6fb0208061", 40)) == {"sqlite"}
    assert set(at("da6fb0208061", 42)) == {"postgresql", "mysql", "mssql"}
    # Trigger SQL for each database (module constants, helpers testing `dialect`): nothing
    # unparseable, nothing reported on a database whose branch it is not.
    assert not [f for f in result.findings if f.file and "1bd49d398cd23" in f.file and f.kind == "unparseable_sql"]


def test_a_helper_deciding_its_own_test_inside_a_condition() -> None:
    """`kind()` returns a constant chosen by its own dialect test: the outer condition depends on
    the dialect through it, also when MariaDB is told apart from MySQL."""
    module = ast.parse(
        'from alembic import op\n'
        'def kind():\n'
        '    if op.get_bind().dialect.name in ("mysql", "mariadb"):\n'
        '        return "my"\n'
        '    return "other"\n'
    )
    functions = {n.name: n for n in module.body if isinstance(n, ast.FunctionDef)}
    test = ast.parse('kind() == "my"', mode="eval").body
    assert DialectTests(("mysql", "mariadb"), functions, {}).decide(test, {}) is True
    assert DialectTests(("postgresql",), functions, {}).decide(test, {}) is False
    assert DialectTests(("mysql", "mariadb"), functions, {}).decide(ast.parse('kind() == "x" or 1', mode="eval").body, {}) is True


# --- MySQL/MariaDB: online DDL, MODIFY restatements, DROP INDEX a foreign key needs ----------------

MYSQL_CASES = HERE / "lint_cases" / "mysql"


@pytest.mark.parametrize("path", sorted(MYSQL_CASES.glob("*.*")), ids=lambda p: p.name)
def test_mysql_case(path: Path) -> None:
    """Each `expect:` comment names the findings of its line with --dialect mysql, and nothing else."""
    marker = "# expect:" if path.suffix == ".py" else "-- expect:"
    want = sorted((n, k.strip()) for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                  if marker in line for k in line.split(marker, 1)[1].split(",") if k.strip())
    text = path.read_text(encoding="utf-8")
    findings = lint_alembic(text, str(path), dialect="mysql") if path.suffix == ".py" else \
        lint_sql(text, dialect="mysql", file=str(path))
    assert found(findings) == want
    for f in findings:
        assert "ACCESS EXCLUSIVE" not in f.message and "CONCURRENTLY" not in f.message + f.hint
        assert "NOT VALID" not in f.message + f.hint


def _by_line(path: Path) -> dict[int, list[Finding]]:
    out: dict[int, list[Finding]] = {}
    for f in lint_sql(path.read_text(encoding="utf-8"), dialect="mysql"):
        out.setdefault(f.line or 0, []).append(f)
    return out


def test_mysql_online_ddl_messages_and_clauses() -> None:
    at = _by_line(MYSQL_CASES / "online_ddl.sql")
    (bigint,) = at[7]
    assert (bigint.severity, bigint.live, bigint.declared) == ("warning", "INTEGER", "BIGINT")
    assert "ALGORITHM=COPY" in bigint.message and "MariaDB 10.4.3+" in bigint.message
    assert "gh-ost" in bigint.hint and "pt-online-schema-change" in bigint.hint
    (not_null,) = at[8]
    assert "ALGORITHM=INPLACE" in not_null.message and "fails if any row holds NULL" in not_null.message
    # ALGORITHM=INPLACE, LOCK=NONE on a change that needs a copy: refused, not blocking: info.
    (refused,) = at[12]
    assert refused.severity == "info" and "ALGORITHM=INPLACE, LOCK=NONE is stated" in refused.message
    assert "error 1846" in refused.message
    (fk,) = at[13]
    assert fk.severity == "warning" and "foreign_key_checks" in fk.message and "ALGORITHM=COPY" in fk.message
    assert "SHARE ROW EXCLUSIVE" not in fk.message and "foreign_key_checks = 0" in fk.hint
    (fk_lock,) = at[14]
    assert fk_lock.severity == "info" and "LOCK=NONE is stated" in fk_lock.message
    (drop,) = at[15]
    # Still destructive whatever the algorithm; the message says which servers refuse INSTANT.
    assert drop.severity == "error" and "MySQL 8.0.29+ and MariaDB 10.4+" in drop.message
    assert "instantly" in at[16][0].message


def test_mysql_modify_says_what_it_drops() -> None:
    at = _by_line(MYSQL_CASES / "modify_restates.sql")
    (email,) = at[8]
    assert (email.kind, email.table, email.column) == ("column_type_change", "accounts", "email")
    assert "leaves out NOT NULL and DEFAULT ''" in email.message and "becomes nullable" in email.message
    assert "restate the whole current definition" in email.hint
    assert "AUTO_INCREMENT" in at[11][0].message and "stops numbering" in at[11][0].message
    assert "DEFAULT 'new'" in at[13][0].message and "NOT NULL" not in at[13][0].message.split("leaves out")[1]
    unknown = at[16][0]
    assert "does not know that definition" in unknown.message and "NOT NULL, DEFAULT" in unknown.message


def test_mysql_drop_index_a_foreign_key_needs() -> None:
    at = _by_line(MYSQL_CASES / "drop_index_fk.sql")
    (f,) = at[11]
    assert (f.code, f.kind, f.severity, f.table, f.column) == (
        "SG310", "add_foreign_key_validating", "error", "orders", "user_id")
    assert "error 1553" in f.message and "fk_orders_user" in f.message
    assert "DROP FOREIGN KEY" in f.hint and "another index" in f.hint
    # The referenced side needs its index too; an index no key needs drops freely.
    assert "refunds -> orders" in at[17][0].message
    assert 19 not in at and 14 not in at and 15 not in at


def test_alembic_modify_restatement_on_mysql_only() -> None:
    path = MYSQL_CASES / "alembic_modify.py"
    text = path.read_text(encoding="utf-8")
    findings = {f.line: f for f in lint_alembic(text, dialect="mysql")}
    status = findings[13]
    assert "Alembic renders this alter_column of users.status as MODIFY" in status.message
    assert "NOT NULL and DEFAULT 'new'" in status.message and "existing_nullable=" in status.hint
    email = findings[16]
    assert "DEFAULT (if the column has them now)" in email.message
    assert [f.kind for f in lint_alembic(text, dialect="postgresql")] == ["set_not_null", "add_foreign_key_validating"]
