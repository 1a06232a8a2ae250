"""schemaguard lint: every operation kind failing and passing in SQL and in Alembic revisions (the
cases are files under tests/lint_cases/ whose `expect:` comments name the findings each line must
give), line numbers, downgrade ranking, op.execute SQL, same-file knowledge, suppressions,
unparseable input, dialects, application code, the CLI and its output formats.

No database is needed: lint never connects.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from schemaguard.errors import UsageError
from schemaguard.lint import (
    BY_CODE,
    BY_KIND,
    LINT_RULES,
    OPERATION_KINDS,
    lint_alembic,
    lint_paths,
    lint_sql,
    policy_finding,
)
from schemaguard.lint.sqltypes import classify, make_type
from schemaguard.rules.findings import Finding

CASES = Path(__file__).resolve().parent / "lint_cases"

# The operation kinds exactly as CONTRACT.md lists them, copied rather than imported: this is the
# check that the code matches the contract.
CONTRACT_OPERATION_KINDS = (
    "drop_table",
    "drop_column",
    "narrowing_type_change",
    "column_type_change",
    "set_not_null",
    "add_not_null_column_without_default",
    "rename_table",
    "rename_column",
    "create_index_blocking",
    "add_foreign_key_validating",
    "truncate_table",
    "delete_all_rows",
    "drop_schema",
    "force_reset",
)
CONTRACT_POLICY_KINDS = ("force_sync_refused", "alter_refused")
# What lint itself reports: the operation kinds and the one about its input.
LINT_KINDS = (*CONTRACT_OPERATION_KINDS, "unparseable_sql")


def expected(path: Path, marker: str) -> list[tuple[int, str]]:
    """(line, kind) for every `expect:` name on a line of a case file."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if marker in line:
            out += [(number, k.strip()) for k in line.split(marker, 1)[1].split(",") if k.strip()]
    return sorted(out)


def found(findings: list[Finding]) -> list[tuple[int, str]]:
    return sorted((f.line or 0, f.kind) for f in findings)


# --- every kind: a failing and a passing case in SQL and in Alembic ------------------------------


def test_operation_kinds_are_the_contracts() -> None:
    assert OPERATION_KINDS == CONTRACT_OPERATION_KINDS
    kinds = {r.kind for r in LINT_RULES}
    assert set(CONTRACT_OPERATION_KINDS) | set(CONTRACT_POLICY_KINDS) <= kinds
    assert kinds - set(CONTRACT_OPERATION_KINDS) - set(CONTRACT_POLICY_KINDS) == {
        "unparseable_sql",
        "unknown_suppression",
    }


@pytest.mark.parametrize("outcome", ["fail", "pass"])
@pytest.mark.parametrize("kind", LINT_KINDS)
def test_sql_case(kind: str, outcome: str) -> None:
    path = CASES / "sql" / f"{kind}.{outcome}.sql"
    want = expected(path, "-- expect:")
    if outcome == "fail":
        assert kind in {k for _, k in want}, f"{path.name} expects no {kind}"
    else:
        assert want == [], f"{path.name} is a passing case and must expect nothing"
    findings = lint_sql(path.read_text(encoding="utf-8"), file=str(path))
    assert found(findings) == want
    for f in findings:
        assert f.file == str(path) and isinstance(f.line, int) and f.line >= 1
        assert (f.code, f.severity, f.destructive) == (
            BY_KIND[f.kind].code, BY_KIND[f.kind].severity, BY_KIND[f.kind].destructive
        )
        assert f.message and f.hint


@pytest.mark.parametrize("outcome", ["fail", "pass"])
@pytest.mark.parametrize("kind", LINT_KINDS)
def test_alembic_case(kind: str, outcome: str) -> None:
    path = CASES / "alembic" / f"{kind}_{outcome}.py"
    want = expected(path, "# expect:")
    if outcome == "fail":
        assert kind in {k for _, k in want}, f"{path.name} expects no {kind}"
    else:
        assert want == [], f"{path.name} is a passing case and must expect nothing"
    findings = lint_alembic(path.read_text(encoding="utf-8"), str(path))
    assert found(findings) == want
    for f in findings:
        assert f.file == str(path) and f.code == BY_KIND[f.kind].code


def test_every_case_file_belongs_to_a_kind() -> None:
    sql = {p.name.split(".")[0] for p in (CASES / "sql").glob("*.sql")}
    alembic = {p.stem.rsplit("_", 1)[0] for p in (CASES / "alembic").glob("*.py")}
    assert sql == alembic == set(LINT_KINDS)


# --- exact lines, tables, columns, types -----------------------------------------------------------


def test_lines_tables_and_columns_are_exact() -> None:
    sql = (
        "-- header\n"
        "\n"
        "ALTER TABLE users\n"
        "    DROP COLUMN legacy;\n"
        "/* a comment; with a semicolon */ ALTER TABLE users ALTER COLUMN email SET NOT NULL;\n"
        "SELECT 'é; ü'; DROP TABLE \"Orders\";\n"
    )
    got = [(f.line, f.kind, f.table, f.column) for f in lint_sql(sql, file="m.sql")]
    assert got == [
        (3, "drop_column", "users", "legacy"),
        (5, "set_not_null", "users", "email"),
        (6, "drop_table", "Orders", None),
    ]


def test_type_changes_carry_both_types() -> None:
    sql = "ALTER TABLE u ADD COLUMN n varchar(255);\nALTER TABLE u ALTER COLUMN n TYPE varchar(40);\n"
    (f,) = lint_sql(sql)
    assert (f.kind, f.declared, f.live, f.severity, f.destructive) == (
        "narrowing_type_change", "VARCHAR(40)", "VARCHAR(255)", "error", True,
    )
    assert "longer than 40 characters" in f.message
    assert "SELECT count(*) FROM u WHERE length(n) > 40" in f.hint


@pytest.mark.parametrize(
    ("old", "new", "verdict"),
    [
        (("varchar", (255,)), ("varchar", (50,)), "narrowing"),
        (("varchar", (50,)), ("varchar", (255,)), "safe"),
        (("varchar", (50,)), ("text", ()), "safe"),
        (("text", ()), ("varchar", (100,)), "narrowing"),
        (("bigint", ()), ("integer", ()), "narrowing"),
        (("integer", ()), ("bigint", ()), "change"),
        (("numeric", (12, 2)), ("numeric", (12, 0)), "narrowing"),
        (("numeric", (10, 2)), ("numeric", (14, 2)), "safe"),
        (("numeric", (10, 2)), ("numeric", (14, 4)), "change"),
        (("double", ()), ("integer", ()), "narrowing"),
        (("timestamp", ()), ("date", ()), "narrowing"),
        (("text", ()), ("integer", ()), "narrowing"),
        (("integer", ()), ("text", ()), "change"),
        (("json", ()), ("jsonb", ()), "change"),
        (("integer", ()), ("integer", ()), "same"),
    ],
)
def test_type_change_classification(
    old: tuple[str, tuple[int, ...]], new: tuple[str, tuple[int, ...]], verdict: str
) -> None:
    assert classify(make_type(*old), make_type(*new), "postgresql")[0] == verdict


def test_type_classification_follows_the_dialect() -> None:
    v = make_type("varchar", (50,))
    assert classify(v, make_type("varchar", (60,)), "mysql")[0] == "safe"  # length prefix stays 1 byte
    assert classify(v, make_type("varchar", (255,)), "mysql")[0] == "change"  # 255*4 bytes > 255
    assert classify(v, make_type("text"), "mysql")[0] == "change"
    assert classify(make_type("float"), make_type("float", (53,)), "postgresql")[0] == "same"
    assert classify(make_type("float", dialect="mysql"), make_type("float", (53,), dialect="mysql"), "mysql")[0] == "change"
    enum_old = make_type("enum", values=("a", "b"))
    assert classify(enum_old, make_type("enum", values=("a", "b", "c")), "postgresql")[0] == "change"
    assert classify(enum_old, make_type("enum", values=("a",)), "postgresql") == ("narrowing", "enum value b is removed")


# --- Alembic specifics -----------------------------------------------------------------------------

REVISION = '''\
"""r

Revision ID: r1
"""
import sqlalchemy as sa
from alembic import op

revision = "r1"
down_revision = None


def upgrade():
{up}


def downgrade():
{down}
'''


def revision(up: str, down: str = "    pass") -> str:
    return REVISION.format(up=up, down=down)


def test_downgrade_findings_say_so_and_rank_one_lower() -> None:
    src = revision(
        '    op.drop_table("users")\n    op.create_index("ix", "users", ["email"])',
        '    op.drop_table("users")\n    op.create_index("ix", "users", ["email"])',
    )
    got = [(f.line, f.kind, f.severity, f.message.startswith("in downgrade(): ")) for f in lint_alembic(src)]
    assert got == [
        (13, "drop_table", "error", False),
        (14, "create_index_blocking", "warning", False),
        (18, "drop_table", "warning", True),
        (19, "create_index_blocking", "info", True),
    ]


def test_op_execute_sql_is_linted_with_exact_lines() -> None:
    src = revision(
        '    op.execute(\n'
        '        """\n'
        '        UPDATE users SET active = true WHERE active IS NULL;\n'
        '        ALTER TABLE users\n'
        '            ALTER COLUMN active SET NOT NULL;\n'
        '        DROP TABLE legacy;\n'
        '        """\n'
        '    )\n'
        '    op.execute(sa.text("TRUNCATE sessions"))\n'
        '    op.execute("DELETE FROM a;\\nDELETE FROM b")'
    )
    got = [(f.line, f.kind, f.table) for f in lint_alembic(src)]
    assert got == [
        (16, "set_not_null", "users"),
        (18, "drop_table", "legacy"),
        (21, "truncate_table", "sessions"),
        # One source line with an escaped newline: both statements point at that line.
        (22, "delete_all_rows", "a"),
        (22, "delete_all_rows", "b"),
    ]


def test_op_execute_follows_names_and_helpers() -> None:
    src = (
        "from alembic import op\n"
        "DROP = 'DROP TABLE audit'\n"
        "\n"
        "def _cleanup():\n"
        "    op.drop_column('users', 'legacy')\n"
        "\n"
        "def upgrade():\n"
        "    sql = 'TRUNCATE carts'\n"
        "    op.execute(sql)\n"
        "    op.execute(DROP)\n"
        "    _cleanup()\n"
        "    op.execute(f'DROP TABLE {name}')\n"
    )
    got = [(f.line, f.kind, f.table, f.column) for f in lint_alembic(src)]
    # The f-string cannot be read statically and is left alone; the module constant is linted at
    # the line of its literal.
    assert got == [(2, "drop_table", "audit", None), (5, "drop_column", "users", "legacy"),
                   (8, "truncate_table", "carts", None)]


def test_created_tables_are_new_per_revision_function() -> None:
    src = revision(
        '    op.create_table("staging", sa.Column("id", sa.Integer()))\n'
        '    op.execute("CREATE INDEX ix_staging ON staging (id)")\n'
        '    op.add_column("staging", sa.Column("n", sa.Integer(), nullable=False))\n'
        '    op.drop_table("staging")',
        '    op.drop_table("staging")',
    )
    got = [(f.line, f.kind, f.severity) for f in lint_alembic(src)]
    # Only the downgrade's drop is reported: downgrade() did not create the table.
    assert got == [(20, "drop_table", "warning")]


def test_python_names_are_exact_and_sql_names_fold() -> None:
    sql = 'CREATE TABLE Foo (id int);\nDROP TABLE foo;\nCREATE TABLE "Bar" (id int);\nDROP TABLE bar;\n'
    assert found(lint_sql(sql)) == [(4, "drop_table")]
    for dialect in ("sqlite", "mysql"):
        assert found(lint_sql("CREATE TABLE Foo (id int);\nDROP TABLE FOO;\n", dialect=dialect)) == []
    src = revision('    op.create_table("Users")\n    op.execute("DROP TABLE users")\n    op.execute(\'DROP TABLE "Users"\')')
    assert found(lint_alembic(src)) == [(14, "drop_table")]


def test_alter_column_without_change_is_silent() -> None:
    src = revision(
        '    op.alter_column("t", "c", existing_type=sa.Integer(), server_default=None)\n'
        '    op.alter_column("t", "c", type_=sa.String(20), existing_type=sa.String(20))\n'
        '    op.alter_column("t", "c", nullable=False, existing_nullable=False)'
    )
    assert lint_alembic(src) == []


def test_non_revision_python_is_application_code() -> None:
    findings = lint_paths([CASES / "app" / n for n in ("fixture_reset.py", "reset_on_start.py", "safe_app.py")]).findings
    got = [(Path(f.file or "").name, f.line, f.kind, f.severity) for f in findings]
    assert got == [("reset_on_start.py", 13, "force_reset", "error"),
                   ("reset_on_start.py", 18, "force_reset", "error")]
    assert "create_all() right after recreates them empty" in findings[0].message
    assert "create_all" not in findings[1].message
    # The same file read as a revision would not be: application code has no upgrade().
    assert all(f.destructive for f in findings)


def test_invalid_python_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"line 2: not valid Python"):
        lint_alembic("def upgrade():\n    op.drop_table(\n", "bad.py")


# --- suppressions ----------------------------------------------------------------------------------


def test_sql_suppressions_on_the_line_or_the_line_before() -> None:
    sql = (
        "DROP TABLE a;  -- schemaguard: ignore drop_table\n"  # same line
        "DROP TABLE b;\n"  # a trailing comment above does not cover this line
        "-- schemaguard: ignore SG301 -- retired in 2023\n"
        "-- the reason, in more words\n"
        "DROP TABLE c;\n"  # line before (comment lines between are skipped)
        "-- schemaguard: ignore set_not_null\n"
        "DROP TABLE d;\n"  # another kind is not suppressed
        "/* schemaguard: ignore all */ TRUNCATE e;\n"
        "ALTER TABLE f\n"
        "    DROP COLUMN g;  -- schemaguard: ignore drop_column\n"  # anywhere on the statement
        "-- schemaguard: ignore sg312, truncate_table\n"
        "DELETE FROM h;\n"
    )
    assert found(lint_sql(sql)) == [(2, "drop_table"), (7, "drop_table")]


def test_python_suppressions() -> None:
    src = revision(
        '    op.drop_table("a")  # schemaguard: ignore drop_table\n'
        '    op.drop_table("b")\n'
        '    # schemaguard: ignore drop_column, SG309\n'
        '    op.drop_column("t", "c")\n'
        '    # schemaguard: ignore truncate_table\n'
        '    op.execute("""\n'
        '        TRUNCATE t;\n'
        '        """)\n'
        '    op.execute("DELETE FROM x")  # schemaguard: ignore all\n'
        '    op.execute("DROP TABLE z  -- schemaguard: ignore drop_table")'
    )
    assert found(lint_alembic(src)) == [(14, "drop_table")]


def test_unknown_suppression_names_are_reported() -> None:
    sql = "DROP TABLE a;  -- schemaguard: ignore drop_tabel, drop_table\n-- schemaguard: ignore\nSELECT 1;\n"
    findings = lint_sql(sql)
    assert [(f.line, f.code, f.kind, f.severity) for f in findings] == [
        (1, "SG399", "unknown_suppression", "warning"),
        (2, "SG399", "unknown_suppression", "warning"),
    ]
    assert "drop_tabel" in findings[0].message
    src = revision('    op.drop_table("a")  # schemaguard: ignore SG999')
    assert [(f.line, f.kind) for f in lint_alembic(src)] == [(13, "drop_table"), (13, "unknown_suppression")]


def test_suppressions_in_mysql_hash_comments() -> None:
    sql = "DROP TABLE a; # schemaguard: ignore drop_table\nDROP TABLE b;\n"
    assert found(lint_sql(sql, dialect="mysql")) == [(2, "drop_table")]


# --- unparseable input -------------------------------------------------------------------------------


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite", "mysql"])
def test_one_bad_statement_does_not_hide_the_rest(dialect: str) -> None:
    sql = "DROP TABLE a;\nDROP TABLE WHERE;\nDELETE FROM b;\n"
    findings = lint_sql(sql, dialect=dialect)
    assert found(findings) == [(1, "drop_table"), (2, "unparseable_sql"), (3, "delete_all_rows")]
    bad = findings[1]
    assert bad.code == "SG300" and bad.severity == "warning" and "DROP TABLE WHERE" in bad.message


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite", "mysql"])
def test_an_unterminated_string_is_one_finding(dialect: str) -> None:
    findings = lint_sql("DROP TABLE a;\nSELECT 'oops;\nDROP TABLE b;\n", dialect=dialect)
    assert [(f.kind, f.severity) for f in findings] == [("unparseable_sql", "warning")]
    assert "none of it was checked" in findings[0].message


def test_statements_are_split_by_the_scanner_not_by_keywords() -> None:
    # A statement starting with an identifier (a typo) is still a statement, and a BEGIN ATOMIC
    # function body keeps its semicolons.
    sql = (
        "SELEC 1;\n"
        "CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql\n"
        "BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN 1 ELSE 0 END; SELECT 2; END;\n"
        "DROP TABLE x;\n"
    )
    assert found(lint_sql(sql)) == [(1, "unparseable_sql"), (4, "drop_table")]


def test_psql_meta_commands_are_skipped() -> None:
    # A meta-command ends at the end of its line; it must not swallow the statement after it.
    sql = "\\set ON_ERROR_STOP on\nDROP TABLE a;\n\\connect other\nSELEC 1;\n"
    assert found(lint_sql(sql)) == [(2, "drop_table"), (4, "unparseable_sql")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    parts=st.lists(st.sampled_from(list("abc ;'\"$()-/*#\n,.") + [
        "DROP ", "TABLE ", "ALTER ", "COLUMN ", "TYPE ", "SET NOT NULL", "CREATE ", "INDEX ", "ON ",
        "DELETE FROM ", "WHERE ", "TRUNCATE ", "RENAME ", "TO ", "SCHEMA ", "BEGIN ATOMIC ", "END",
        "varchar(", "schemaguard: ignore ", "--", "/*", "*/", "$$"]), max_size=30),
    dialect=st.sampled_from(["postgresql", "sqlite", "mysql"]),
)
def test_arbitrary_sql_never_raises(parts: list[str], dialect: str) -> None:
    for f in lint_sql("".join(parts), dialect=dialect):
        assert f.code in BY_CODE and f.line is not None and f.line >= 1


def test_garbage_never_raises() -> None:
    samples = ["", ";;;", "$$", "/*", "--", "'", '"', "DROP", "ALTER TABLE", "\x00", "CREATE INDEX ON", "é" * 3,
               "ALTER TABLE t ALTER COLUMN c TYPE", "DELETE", "TRUNCATE", "RENAME TABLE", "DROP SCHEMA"]
    for dialect in ("postgresql", "sqlite", "mysql"):
        for text in samples:
            for f in lint_sql(text, dialect=dialect):
                assert f.kind == "unparseable_sql"


# --- dialects through sqlglot ----------------------------------------------------------------------

DIALECT_SQL = """\
DROP TABLE users;
ALTER TABLE orders DROP COLUMN coupon;
ALTER TABLE orders ADD COLUMN region VARCHAR(20) NOT NULL;
ALTER TABLE orders ADD COLUMN note VARCHAR(255);
ALTER TABLE orders ALTER COLUMN note SET NOT NULL;
ALTER TABLE orders RENAME TO purchases;
ALTER TABLE purchases RENAME COLUMN ref TO reference;
CREATE INDEX ix_purchases_ref ON purchases (reference);
ALTER TABLE purchases ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);
DELETE FROM sessions;
DELETE FROM sessions WHERE id = 1;
TRUNCATE TABLE carts;
DROP SCHEMA legacy;
"""


@pytest.mark.parametrize("dialect", ["sqlite", "mysql"])
def test_sqlite_and_mysql_through_sqlglot(dialect: str) -> None:
    got = found(lint_sql(DIALECT_SQL, dialect=dialect))
    assert got == [
        (1, "drop_table"),
        (2, "drop_column"),
        (3, "add_not_null_column_without_default"),
        (5, "set_not_null"),
        (6, "rename_table"),
        (7, "rename_column"),
        # no create_index_blocking (InnoDB builds a secondary index in place, writes allowed); a
        # foreign key is added by copying the table on MySQL (foreign_key_checks on), not on SQLite
        *([(9, "add_foreign_key_validating")] if dialect == "mysql" else []),
        (10, "delete_all_rows"),
        (12, "truncate_table"),
        (13, "drop_schema"),
    ]
    for f in lint_sql(DIALECT_SQL, dialect=dialect):
        assert "CONCURRENTLY" not in f.message + f.hint and "NOT VALID" not in f.message + f.hint
        assert "ACCESS EXCLUSIVE" not in f.message and "SHARE ROW" not in f.message


def test_postgresql_reports_the_lock_kinds_of_the_same_file() -> None:
    kinds = {k for _, k in found(lint_sql(DIALECT_SQL))}
    assert {"create_index_blocking", "add_foreign_key_validating"} <= kinds


def test_mysql_modify_change_and_rename_table() -> None:
    sql = (
        "ALTER TABLE users ADD COLUMN nick VARCHAR(255);\n"
        "ALTER TABLE users MODIFY COLUMN nick VARCHAR(40);\n"
        "ALTER TABLE users CHANGE COLUMN name full_name VARCHAR(100) NOT NULL;\n"
        "RENAME TABLE users TO accounts, shop.orders TO purchases;\n"
        "DROP DATABASE legacy;\n"
    )
    got = [(f.line, f.kind, f.table, f.column, f.declared, f.live) for f in lint_sql(sql, dialect="mysql")]
    assert got == [
        (2, "narrowing_type_change", "users", "nick", "VARCHAR(40)", "VARCHAR(255)"),
        (3, "column_type_change", "users", "full_name", "VARCHAR(100)", None),
        (3, "rename_column", "users", "name", "full_name", "name"),
        (4, "rename_table", "users", None, "accounts", "users"),
        (4, "rename_table", "shop.orders", None, "purchases", "orders"),
        (5, "drop_schema", None, None, None, "legacy"),
    ]
    mysql_change = lint_sql(sql, dialect="mysql")[1]
    assert "ALGORITHM=COPY" in mysql_change.message


def test_alembic_lock_kinds_only_on_postgresql() -> None:
    path = CASES / "alembic" / "create_index_blocking_fail.py"
    text = path.read_text(encoding="utf-8")
    assert lint_alembic(text, dialect="postgresql")
    assert lint_alembic(text, dialect="sqlite") == []
    path = CASES / "alembic" / "add_foreign_key_validating_fail.py"
    assert lint_alembic(path.read_text(encoding="utf-8"), dialect="sqlite") == []
    # MySQL adds a foreign key by copying the table (foreign_key_checks on): reported in its words.
    for f in lint_alembic(path.read_text(encoding="utf-8"), dialect="mysql"):
        assert "ALGORITHM=COPY" in f.message and "NOT VALID" not in f.message + f.hint


# --- files and folders ---------------------------------------------------------------------------


def test_directory_walk(tmp_path: Path) -> None:
    versions = tmp_path / "alembic" / "versions"
    (versions / "__pycache__").mkdir(parents=True)
    (versions / "sub").mkdir()
    (versions / "0001_drop.py").write_text(revision('    op.drop_table("a")'), encoding="utf-8")
    (versions / "sub" / "0002.sql").write_text("\nTRUNCATE b;\n", encoding="utf-8")
    (versions / "__pycache__" / "junk.py").write_text("Base.metadata.drop_all()\n", encoding="utf-8")
    (versions / "README").write_text("DROP TABLE nothing;\n", encoding="utf-8")
    (versions / "script.py.mako").write_text("op.drop_table('x')\n", encoding="utf-8")
    result = lint_paths([versions, versions / "0001_drop.py"])
    assert result.files == [str(versions / "0001_drop.py"), str(versions / "sub" / "0002.sql")]
    assert [(Path(f.file or "").name, f.line, f.kind) for f in result.findings] == [
        ("0001_drop.py", 13, "drop_table"),
        ("0002.sql", 2, "truncate_table"),
    ]
    assert result.summary == {"error": 2, "warning": 0, "info": 0}


def test_path_errors_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not exist"):
        lint_paths([tmp_path / "missing.sql"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="holds no .sql, .py, JavaScript or TypeScript file"):
        lint_paths([tmp_path / "empty"])
    (tmp_path / "notes.txt").write_text("DROP TABLE x;", encoding="utf-8")
    with pytest.raises(UsageError, match="only .sql files, Python"):
        lint_paths([tmp_path / "notes.txt"])
    (tmp_path / "latin1.sql").write_bytes("DROP TABLE caf\xe9;".encode("latin-1"))
    with pytest.raises(UsageError, match="not UTF-8"):
        lint_paths([tmp_path / "latin1.sql"])
    with pytest.raises(UsageError, match="unknown dialect"):
        lint_paths([CASES / "sql"], dialect="oracle")
    with pytest.raises(UsageError, match="no paths given"):
        lint_paths([])


def test_unreadable_file_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.sql"
    path.write_text("DROP TABLE x;", encoding="utf-8")

    def denied(self: Path, *args: object, **kwargs: object) -> str:
        raise PermissionError(13, "Permission denied")

    # chmod 000 does not stop root (the CI container), so the OS error is simulated.
    monkeypatch.setattr(Path, "read_text", denied)
    with pytest.raises(UsageError, match="cannot read .*locked.sql: Permission denied"):
        lint_paths([path])


def test_config_ignores_apply(tmp_path: Path) -> None:
    from schemaguard.rules.findings import IgnoreRule

    result = lint_paths([CASES / "sql" / "drop_table.fail.sql"], ignore=[IgnoreRule(kind="SG301", table="legacy_*")])
    assert sorted(f.table or "" for f in result.findings) == ["audit_log", "reporting.daily_totals"]


# --- a real published package's Alembic revisions ------------------------------------------------

OPTUNA_EXPECTED = [
    # (file, line, kind, severity, table, column)
    *[("v0.9.0.a.py", line, "drop_table", "warning", table, None) for line, table in [
        (122, "trial_values"), (123, "trial_user_attributes"), (124, "trial_system_attributes"),
        (125, "trial_params"), (126, "trials"), (127, "study_user_attributes"),
        (128, "study_system_attributes"), (129, "version_info"), (131, "studies")]],
    ("v1.2.0.a.py", 22, "column_type_change", "warning", "trials", "state"),
    ("v1.2.0.a.py", 31, "narrowing_type_change", "warning", "trials", "state"),
    ("v1.3.0.a.py", 103, "drop_column", "warning", "trials", "number"),
    ("v2.4.0.a.py", 142, "delete_all_rows", "error", "trial_values", None),
    ("v2.4.0.a.py", 146, "add_not_null_column_without_default", "warning", "trial_values", "objective"),
    ("v2.4.0.a.py", 150, "create_index_blocking", "warning", "trial_values", "trial_id, objective"),
    ("v2.4.0.a.py", 169, "drop_column", "error", "studies", "direction"),
    ("v2.4.0.a.py", 172, "drop_column", "error", "trial_values", "step"),
    ("v2.4.0.a.py", 175, "drop_column", "error", "trials", "value"),
    # v2.6.0.a's upgrade widens VARCHAR(2048) (known from v0.9.0.a) to TEXT: no rewrite on
    # PostgreSQL, so not reported; its downgrade narrows TEXT back to VARCHAR(2048).
    *[("v2.6.0.a_.py", line, "narrowing_type_change", "warning", table, column) for line, table, column in [
        (37, "study_user_attributes", "value_json"),
        (39, "study_system_attributes", "value_json"),
        (41, "trial_user_attributes", "value_json"),
        (43, "trial_system_attributes", "value_json"),
        (45, "trial_params", "distribution_json")]],
    # v3.0.0.b's Float(precision=53) and back to Float: the FLOAT (double precision) that v0.9.0.a
    # and v2.4.0.a created, so no type change (lines 73, 79, 85, 94, 96, 98).
    ("v3.0.0.b.py", 85, "set_not_null", "warning", "trial_values", "value"),
    ("v3.0.0.b.py", 94, "set_not_null", "info", "trial_intermediate_values", "intermediate_value"),
    ("v3.0.0.c.py", 189, "drop_column", "warning", "trial_intermediate_values", "intermediate_value_type"),
    ("v3.0.0.d.py", 186, "drop_column", "warning", "trial_values", "value_type"),
    ("v3.0.0.d.py", 187, "set_not_null", "info", "trial_values", "value"),
    ("v3.2.0.a_.py", 20, "create_index_blocking", "warning", "trials", None),
]


def test_optunas_published_alembic_revisions() -> None:
    optuna = pytest.importorskip("optuna")
    versions = Path(optuna.__file__).parent / "storages" / "_rdb" / "alembic" / "versions"
    names = sorted(p.name for p in versions.glob("*.py"))
    if names != ["v0.9.0.a.py", "v1.2.0.a.py", "v1.3.0.a.py", "v2.4.0.a.py", "v2.6.0.a_.py",
                 "v3.0.0.a.py", "v3.0.0.b.py", "v3.0.0.c.py", "v3.0.0.d.py", "v3.2.0.a_.py"]:
        pytest.skip(f"this optuna ships other revisions ({names}); the expectations are for optuna 3.2-5.0")
    result = lint_paths([versions])
    got = [(Path(f.file or "").name, f.line, f.kind, f.severity, f.table, f.column) for f in result.findings]
    assert got == OPTUNA_EXPECTED
    by_line = {(Path(f.file or "").name, f.line, f.kind): f for f in result.findings}
    # The declared types come from the revisions themselves (module constants resolved).
    enum_drop = by_line[("v1.2.0.a.py", 31, "narrowing_type_change")]
    assert "enum value WAITING is removed" in enum_drop.message and enum_drop.message.startswith("in downgrade()")
    narrowed = by_line[("v2.6.0.a_.py", 37, "narrowing_type_change")]
    assert (narrowed.live, narrowed.declared) == ("TEXT", "VARCHAR(2048)")
    assert "session.query(TrialValueModel).delete()" in by_line[("v2.4.0.a.py", 142, "delete_all_rows")].message


# --- the command line ----------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    """schemaguard's own app once lint is registered there; until then the same command on an app
    with the CLI's error handling."""
    from schemaguard.cli.app import app as main_app

    if any((c.name or getattr(c.callback, "__name__", "")) == "lint" for c in main_app.registered_commands):
        return main_app
    from schemaguard.cli.lint import standalone_app

    return standalone_app()


def run(app: typer.Typer, *args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(app, ["lint", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_cli_json_document(app: typer.Typer) -> None:
    path = CASES / "sql" / "set_not_null.fail.sql"
    r = run(app, str(path), "--format", "json")
    assert r.exit_code == 1, r.stderr
    doc = json.loads(r.stdout)
    assert set(doc) == {"schemaguard", "files", "findings", "summary"}
    assert doc["files"] == [str(path)]
    assert doc["summary"] == {"error": 0, "warning": 3, "info": 0}
    first = doc["findings"][0]
    assert set(first) == {"code", "kind", "severity", "destructive", "table", "column", "declared",
                          "live", "message", "hint", "file", "line"}
    assert (first["code"], first["kind"], first["file"], first["line"], first["table"], first["column"]) == (
        "SG305", "set_not_null", str(path), 2, "users", "email")


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["sql/set_not_null.fail.sql"], 1),
        (["sql/set_not_null.fail.sql", "--fail-on", "error"], 0),
        (["sql/drop_table.fail.sql", "--fail-on", "error"], 1),
        (["sql/drop_table.fail.sql", "--fail-on", "never"], 0),
        (["sql/drop_table.pass.sql", "--fail-on", "info"], 0),
        (["alembic/rename_table_fail.py", "--fail-on", "warning"], 1),
        (["sql/create_index_blocking.fail.sql", "--dialect", "sqlite"], 0),
    ],
)
def test_cli_exit_codes(app: typer.Typer, args: list[str], code: int) -> None:
    r = run(app, str(CASES / args[0]), *args[1:], "--format", "json")
    assert r.exit_code == code, (r.stdout, r.stderr)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["nowhere.sql"], "does not exist"),
        ([str(CASES / "sql" / "drop_table.fail.sql"), "--dialect", "oracle"], "--dialect"),
        ([str(CASES / "sql" / "drop_table.fail.sql"), "--format", "xml"], "--format"),
        ([str(CASES / "sql" / "drop_table.fail.sql"), "--config", "missing.toml"], "config file"),
    ],
)
def test_cli_usage_errors_exit_2_in_one_sentence(app: typer.Typer, args: list[str], needle: str) -> None:
    r = run(app, *args)
    assert r.exit_code == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("schemaguard: error: ") and needle in lines[0], r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_cli_sarif(app: typer.Typer) -> None:
    r = run(app, str(CASES / "alembic" / "add_foreign_key_validating_fail.py"), "-f", "sarif")
    doc = json.loads(r.stdout)
    assert doc["version"] == "2.1.0"
    run0 = doc["runs"][0]
    assert [rule["id"] for rule in run0["tool"]["driver"]["rules"]] == ["SG310"]
    rule = run0["tool"]["driver"]["rules"][0]
    assert rule["shortDescription"]["text"] == BY_CODE["SG310"].summary
    assert rule["helpUri"].endswith("/docs/rules/SG310.md")
    locs = [res["locations"][0]["physicalLocation"] for res in run0["results"]]
    assert [loc["region"]["startLine"] for loc in locs] == [19, 20, 22]
    assert run0["automationDetails"]["id"] == "schemaguard/lint/"


def test_cli_junit_github_markdown_table(app: typer.Typer) -> None:
    path = str(CASES / "sql" / "truncate_table.fail.sql")
    junit = ET.fromstring(run(app, path, "-f", "junit").stdout)
    cases = junit.findall(".//testcase")
    assert [(c.get("line"), c.find("failure") is not None) for c in cases] == [("1", True), ("2", True), ("2", True), ("5", True)]
    github = run(app, path, "-f", "github").stdout.splitlines()
    assert github[0].startswith(f"::error file={path.replace(':', '%3A').replace(',', '%2C')},line=1,title=SG311 truncate_table")
    md = run(app, path, "-f", "markdown").stdout
    assert "## schemaguard lint" in md and "| 4 | 0 | 0 |" in md and "[SG311](" in md
    table = run(app, path, "-f", "table")
    assert "SG311 truncate_table" in table.stdout and "summary: 4 error(s)" in table.stdout
    assert table.exit_code == 1


def test_cli_clean_run(app: typer.Typer) -> None:
    r = run(app, str(CASES / "sql" / "drop_table.pass.sql"))
    assert r.exit_code == 0 and "No destructive or locking operation found" in r.stdout


def test_whole_process_has_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sql"
    bad.write_text("DROP TABLE users;\nSELEC 1;\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "schemaguard.lint", "lint", str(bad), "--format", "json"],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert [f["kind"] for f in json.loads(proc.stdout)["findings"]] == ["drop_table", "unparseable_sql"]


# --- policy kinds (reported by sync) ---------------------------------------------------------------


def test_policy_findings() -> None:
    f = policy_finding("force_sync_refused", "FORCE_SYNC is not set to 1, true, yes or on")
    assert (f.code, f.kind, f.severity, f.destructive, f.line) == ("SG401", "force_sync_refused", "error", True, None)
    assert "FORCE_SYNC is not set" in f.message
    g = policy_finding("alter_refused")
    assert (g.code, g.destructive) == ("SG402", False) and "development" in g.message
    with pytest.raises(ValueError):
        policy_finding("drop_table")


def test_severities_and_destructive_flags() -> None:
    destructive = {"drop_table", "drop_column", "narrowing_type_change", "truncate_table",
                   "delete_all_rows", "drop_schema", "force_reset"}
    for rule in LINT_RULES:
        if rule.kind in CONTRACT_OPERATION_KINDS:
            assert rule.destructive == (rule.kind in destructive), rule.kind
            assert rule.severity == ("error" if rule.destructive else "warning"), rule.kind
    assert Counter(r.code for r in LINT_RULES).most_common(1)[0][1] == 1
