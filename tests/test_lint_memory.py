"""schemaguard lint over a migrations folder: the files are read in migration order (Alembic's
down_revision chains, branches and merges included; SQL files by version number) and each knows
what the files before it defined (columns and their definitions, indexes, foreign keys, renames,
drops), per database. A table an earlier file created is an existing table: its changes are
reported as for any other.

No database is needed: lint never connects.
"""

from __future__ import annotations

from pathlib import Path

from schemaguard.lint import lint_paths
from schemaguard.rules.findings import Finding


def revision(rev: str, down: str | tuple[str, ...] | None, upgrade: str, downgrade: str = "    pass") -> str:
    return (
        '"""A revision."""\n'
        "import sqlalchemy as sa\n"
        "from alembic import op\n\n"
        f"revision = {rev!r}\n"
        f"down_revision = {down!r}\n"
        "branch_labels = None\n"
        "depends_on = None\n\n\n"
        f"def upgrade():\n{upgrade}\n\n\n"
        f"def downgrade():\n{downgrade}\n"
    )


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def of(findings: list[Finding], name: str) -> list[Finding]:
    return [f for f in findings if Path(f.file or "").name == name]


def line_of(folder: Path, name: str, needle: str) -> int:
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if needle in text)


# Revision 1 creates users and orders, orders.user_id with its foreign key fk_user and the index
# named after it; users.email VARCHAR(200) NOT NULL DEFAULT ''.
CREATE = """\
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False, server_default=""),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_user"),
    )
    op.create_index("fk_user", "orders", ["user_id"])"""
DROP_INDEX = '    op.drop_index("fk_user", "orders")'
MODIFY = '    op.execute("ALTER TABLE users MODIFY email VARCHAR(300)")'


def test_drop_index_a_foreign_key_of_an_earlier_revision_needs(tmp_path: Path) -> None:
    versions = write(tmp_path / "versions", {
        "0001_create.py": revision("0001", None, CREATE),
        "0002_drop_index.py": revision("0002", "0001", DROP_INDEX),
    })
    findings = lint_paths([versions], dialect="mysql").findings
    (refused,) = of(findings, "0002_drop_index.py")
    assert (refused.kind, refused.code, refused.severity) == ("add_foreign_key_validating", "SG310", "error")
    assert refused.line == line_of(versions, "0002_drop_index.py", "drop_index")
    assert "fk_user" in refused.message and "1553" in refused.message
    assert of(findings, "0001_create.py") == []  # a table the revision creates: nothing to report
    # Alone, revision 2 knows nothing of the key, and PostgreSQL drops any index.
    assert lint_paths([versions / "0002_drop_index.py"], dialect="mysql").findings == []
    assert lint_paths([versions], dialect="postgresql").findings == []


def test_drop_constraint_first_lets_the_index_go(tmp_path: Path) -> None:
    """The recipe the message gives: drop the foreign key (in a revision before), then the index.
    A sibling branch that drops the index without it is still refused."""
    versions = write(tmp_path / "versions", {
        "0001_create.py": revision("0001", None, CREATE),
        "0002_drop_fk.py": revision("0002", "0001", '    op.drop_constraint("fk_user", "orders", type_="foreignkey")'),
        "0003_drop_index.py": revision("0003", "0002", DROP_INDEX),
        "0004_other_branch.py": revision("0004", "0001", DROP_INDEX),
    })
    findings = lint_paths([versions], dialect="mysql").findings
    assert [(Path(f.file or "").name, f.kind) for f in findings] == [
        ("0004_other_branch.py", "add_foreign_key_validating")]


def test_modify_drops_what_an_earlier_revision_defined(tmp_path: Path) -> None:
    versions = write(tmp_path / "versions", {
        "0001_create.py": revision("0001", None, CREATE),
        "0002_modify.py": revision("0002", "0001", MODIFY),
    })
    findings = lint_paths([versions], dialect="mysql").findings
    (modify,) = of(findings, "0002_modify.py")
    assert modify.kind == "column_type_change" and (modify.table, modify.column) == ("users", "email")
    # VARCHAR(200) to VARCHAR(300) keeps its two length bytes: in place, but the restatement
    # still drops what it leaves out.
    assert modify.declared == "VARCHAR(300)"
    assert "leaves out NOT NULL and DEFAULT ''" in modify.message, modify.message
    # Only the knowledge carries over: users is no table of revision 2's own, so the type
    # change (which copies the table) is reported; alone, the definition is unknown.
    (alone,) = lint_paths([versions / "0002_modify.py"], dialect="mysql").findings
    assert "leaves out NOT NULL" not in alone.message and "does not know that definition" in alone.message


def test_sql_files_remember_across_files(tmp_path: Path) -> None:
    migrations = write(tmp_path / "migrations", {
        "0001_users.sql": "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL DEFAULT '');\n",
        "0002_widen.sql": "ALTER TABLE users MODIFY email VARCHAR(300);\n",
    })
    (modify,) = lint_paths([migrations], dialect="mysql").findings
    assert Path(modify.file or "").name == "0002_widen.sql"
    assert "NOT NULL and DEFAULT ''" in modify.message
    # The files given one by one are one sequence too.
    given = [migrations / "0002_widen.sql", migrations / "0001_users.sql"]
    assert [f.message for f in lint_paths(given, dialect="mysql").findings] == [modify.message]


def test_files_given_in_reverse_name_order_are_read_in_down_revision_order(tmp_path: Path) -> None:
    """Names sort the second revision first (a_…, b_…): the down_revision chain decides."""
    versions = write(tmp_path / "versions", {
        "a_drop_index.py": revision("bbbb", "aaaa", DROP_INDEX),
        "b_create.py": revision("aaaa", None, CREATE),
    })
    for paths in ([versions], [versions / "a_drop_index.py", versions / "b_create.py"],
                  [versions / "b_create.py", versions / "a_drop_index.py"]):
        result = lint_paths(paths, dialect="mysql")
        assert [(Path(f.file or "").name, f.kind) for f in result.findings] == [
            ("a_drop_index.py", "add_foreign_key_validating")]
    # The output keeps the order the files were found in.
    assert [Path(p).name for p in lint_paths([versions], dialect="mysql").files] == ["a_drop_index.py", "b_create.py"]


def test_branches_and_a_merge(tmp_path: Path) -> None:
    """Two branches from one base, merged: each branch knows the base and not its sibling; the
    merge revision knows what both defined."""
    versions = write(tmp_path / "versions", {
        "1_base.py": revision("base", None, CREATE),
        "2_left.py": revision("left", "base",
                              '    op.add_column("users", sa.Column("nick", sa.String(20), nullable=False, server_default="x"))'),
        "3_right.py": revision("right", "base", '    op.alter_column("users", "nick", type_=sa.String(30), '
                               'existing_nullable=False, existing_server_default="x")'),
        "4_merge.py": revision("merge", ("left", "right"),
                               '    op.execute("ALTER TABLE users MODIFY email VARCHAR(300)")\n'
                               '    op.execute("ALTER TABLE users MODIFY nick VARCHAR(100)")\n'
                               '    op.drop_index("fk_user", "orders")'),
    })
    findings = lint_paths([versions], dialect="mysql").findings
    assert of(findings, "2_left.py") == []  # a column with a default: instant
    # The right branch does not know what its sibling added: the type it changes from is unknown.
    (right,) = of(findings, "3_right.py")
    assert right.kind == "column_type_change" and right.live is None and right.declared == "VARCHAR(30)"
    merge = {(f.column, f.kind): f for f in of(findings, "4_merge.py")}
    assert set(merge) == {("email", "column_type_change"), ("nick", "column_type_change"),
                          ("user_id", "add_foreign_key_validating")}
    assert "NOT NULL and DEFAULT ''" in merge[("email", "column_type_change")].message  # the base's
    # nick: its definition from the left branch, its type from the right one (VARCHAR(30) to
    # VARCHAR(100) needs a second length byte: the table is copied).
    nick = merge[("nick", "column_type_change")]
    assert "NOT NULL and DEFAULT 'x'" in nick.message and (nick.live, nick.declared) == ("VARCHAR(30)", "VARCHAR(100)")
    assert merge[("user_id", "add_foreign_key_validating")].severity == "error"  # the base's key


def test_a_dialect_branch_teaches_only_its_databases(tmp_path: Path) -> None:
    versions = write(tmp_path / "versions", {
        "0001_note.py": revision("0001", None, (
            '    if op.get_bind().dialect.name == "postgresql":\n'
            '        op.add_column("users", sa.Column("note", sa.Text()))\n'
            '    else:\n'
            '        op.add_column("users", sa.Column("note", sa.String(100)))')),
        "0002_text.py": revision("0002", "0001", '    op.alter_column("users", "note", type_=sa.Text())'),
    })
    findings = of(lint_paths([versions], dialect="all").findings, "0002_text.py")
    by_db = {f.database: f for f in findings}
    # PostgreSQL: TEXT to TEXT, SQLite: VARCHAR to TEXT (the same affinity): nothing to report.
    # Alone, revision 2 gives each database a change from a type it does not know.
    assert sorted(by_db) == ["mssql", "mysql"]
    assert {f.live for f in findings} == {"VARCHAR(100)"}
    alone = lint_paths([versions / "0002_text.py"], dialect="all").findings
    assert sorted(f.database or "" for f in alone) == ["mssql", "mysql", "postgresql", "sqlite"]


def test_sql_files_in_version_order(tmp_path: Path) -> None:
    """V10__ comes after V2__ (a name sort puts it first, before the column exists)."""
    migrations = write(tmp_path / "migrations", {
        "V1__users.sql": "CREATE TABLE users (id INT PRIMARY KEY);\n",
        "V2__status.sql": "ALTER TABLE users ADD COLUMN status VARCHAR(10) NOT NULL DEFAULT 'new';\n",
        "V10__status.sql": "ALTER TABLE users MODIFY status VARCHAR(20);\n",
    })
    (modify,) = lint_paths([migrations], dialect="mysql").findings
    assert Path(modify.file or "").name == "V10__status.sql"
    assert "NOT NULL and DEFAULT 'new'" in modify.message, modify.message
    assert modify.declared == "VARCHAR(20)"


def test_sql_order_of_migration_tools() -> None:
    from schemaguard.lint.order import sql_order

    flyway = ["V10__c.sql", "V2__b.sql", "R__views.sql", "V1.1__x.sql", "V1__a.sql", "U2__b.sql"]
    assert [s.path.name for s in sql_order(Path(n) for n in flyway)] == [
        "V1__a.sql", "V1.1__x.sql", "V2__b.sql", "U2__b.sql", "V10__c.sql", "R__views.sql"]
    numbered = ["10_e.sql", "9_d.sql", "0100_f.sql"]
    assert [s.path.name for s in sql_order(Path(n) for n in numbered)] == ["9_d.sql", "10_e.sql", "0100_f.sql"]
    names = ["0010_e.up.sql", "0002_d.down.sql", "0002_d.up.sql"]  # golang-migrate
    steps = sql_order(Path(n) for n in names)
    assert [s.path.name for s in steps] == ["0002_d.up.sql", "0002_d.down.sql", "0010_e.up.sql"]
    down = next(s for s in steps if s.path.name == "0002_d.down.sql")
    # A down migration runs on what its up migration left, and teaches nothing.
    assert down.after == (Path("0002_d.up.sql"),) and not down.teaches
    assert next(s for s in steps if s.path.name == "0010_e.up.sql").after == (Path("0002_d.up.sql"),)


def test_a_dropped_and_recreated_table_is_forgotten(tmp_path: Path) -> None:
    migrations = write(tmp_path / "migrations", {
        "0001.sql": "CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(200) NOT NULL DEFAULT '');\n",
        "0002.sql": "DROP TABLE users;\nCREATE TABLE users (id INT PRIMARY KEY);\nALTER TABLE users ADD COLUMN email VARCHAR(50);\n",
        "0003.sql": "ALTER TABLE users MODIFY email VARCHAR(60);\nRENAME TABLE users TO people;\n",
        "0004.sql": "ALTER TABLE people MODIFY email VARCHAR(70);\n",
    })
    findings = lint_paths([migrations], dialect="mysql").findings
    # 0003 knows 0002's email (VARCHAR(50), nullable, no default), not 0001's: the MODIFY drops
    # nothing, and widens it in place (one length byte). After the rename, 0004 knows the column
    # under the new table name: VARCHAR(60) to VARCHAR(70) needs a second length byte (a copy).
    assert [(Path(f.file or "").name, f.kind, f.table, f.live) for f in findings] == [
        ("0002.sql", "drop_table", "users", None), ("0003.sql", "rename_table", "users", "users"),
        ("0004.sql", "column_type_change", "people", "VARCHAR(60)")]
    assert "leaves out" not in findings[2].message


def test_the_command_reads_the_folder_in_order(tmp_path: Path) -> None:
    """`schemaguard lint versions/ --dialect mysql --format json`: the refused DROP INDEX of the
    second revision, an error (exit 1), with the file named as given."""
    import json

    from typer.testing import CliRunner

    from schemaguard.cli.app import app

    versions = write(tmp_path / "versions", {
        "b_create.py": revision("aaaa", None, CREATE),
        "a_drop_index.py": revision("bbbb", "aaaa", DROP_INDEX),
    })
    result = CliRunner().invoke(app, ["lint", str(versions), "--dialect", "mysql", "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert [(Path(f["file"]).name, f["code"], f["severity"]) for f in doc["findings"]] == [
        ("a_drop_index.py", "SG310", "error")]


def test_the_readme_example(tmp_path: Path) -> None:
    """README's *Migration order* example, run: each `# SGxxx` comment is the finding of its line."""
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = re.split(r"\n##+ ", readme.split("### Migration order", 1)[1], maxsplit=1)[0]
    blocks = re.findall(r"^```python\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE)
    assert len(blocks) == 2
    files: dict[str, str] = {}
    for block in blocks:
        head, body = block.split("def upgrade():\n", 1)
        name = re.search(r"versions/(\S+\.py)", head)
        rev = re.search(r'revision = "(\w+)"', head)
        down = re.search(r'down_revision = "(\w+)"', head)
        assert name and rev
        files[name.group(1)] = revision(rev.group(1), down.group(1) if down else None, body.rstrip("\n"))
    versions = write(tmp_path / "versions", files)
    got = [(Path(f.file or "").name, f.line, f.code) for f in lint_paths([versions], dialect="mysql").findings]
    want = [(name, n, code) for name, text in files.items() for n, line in enumerate(text.splitlines(), 1)
            for code in re.findall(r"# (SG\d+)", line)]
    assert got == want and len(want) == 2
    assert "console" in section and "schemaguard lint alembic/versions --dialect mysql" in section


def test_revisions_outside_any_chain_come_last_and_know_nothing(tmp_path: Path) -> None:
    import ast

    from schemaguard.lint.order import revision_order

    texts = {
        "a_no_id.py": "def upgrade():\n    pass\n",
        "b_second.py": revision("r2", "r1", "    pass"),
        "c_first.py": revision("r1", None, "    pass"),
        "d_same_id.py": revision("r1", None, "    pass"),
        "e_cycle_x.py": revision("x", "y", "    pass"),
        "f_cycle_y.py": revision("y", "x", "    pass"),
    }
    steps = revision_order([(Path(n), ast.parse(t)) for n, t in texts.items()])
    assert [(s.path.name, [p.name for p in s.after]) for s in steps] == [
        ("c_first.py", []), ("b_second.py", ["c_first.py"]),
        # A broken history (a cycle): name order, each after what was read of it.
        ("e_cycle_x.py", []), ("f_cycle_y.py", ["e_cycle_x.py"]),
        ("a_no_id.py", []), ("d_same_id.py", [])]
