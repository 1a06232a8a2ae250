"""Baselines on real findings: lint of SQL files and Alembic revisions, check of a SQLite database
against models written to disk. Round trip, line shifts, counts, what must not match, paths from
another working directory or another clone, malformed files, byte-identical rewrites."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import engine_for

import schemaguard
from schemaguard.checking.baseline import (
    Baseline,
    apply_baseline,
    fingerprint,
    load_baseline,
    stale_entries,
    write_baseline,
)
from schemaguard.errors import UsageError
from schemaguard.lint import lint_paths
from schemaguard.rules.findings import Finding

MIGRATION = """\
-- 0001: the release that cleaned up users
ALTER TABLE users DROP COLUMN email;
ALTER TABLE users ALTER COLUMN age TYPE smallint;
CREATE INDEX ix_users_name ON users (name);
CREATE INDEX ix_users_created ON users (created_at);
DELETE FROM sessions;
"""

REVISION = '''\
"""drop the legacy code"""
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade():
    op.drop_column("orders", "legacy_code")


def downgrade():
    op.drop_column("orders", "legacy_code")
'''


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """repo/migrations/ with a SQL migration and an Alembic revision; cwd is repo/."""
    root = tmp_path / "repo"
    (root / "migrations").mkdir(parents=True)
    (root / "migrations" / "0001_cleanup.sql").write_text(MIGRATION)
    (root / "migrations" / "0002_legacy.py").write_text(REVISION)
    monkeypatch.chdir(root)
    return root


def lint_here(*paths: str) -> list[Finding]:
    return lint_paths(list(paths) or ["migrations"]).findings


def keys(findings: list[Finding]) -> list[tuple[str, str | None, str | None, int | None]]:
    return [(f.kind, f.table, f.column, f.line) for f in findings]


# --------------------------------------------------------------------------------------------
# lint


def test_lint_round_trip_and_one_new_finding(repo: Path) -> None:
    findings = lint_here()
    assert len(findings) == 7  # 5 in the SQL file, upgrade + downgrade in the revision
    written = write_baseline("schemaguard-baseline.json", findings, command="lint")
    loaded = load_baseline("schemaguard-baseline.json", command="lint")
    assert loaded.command == "lint" and loaded.total == 7
    assert loaded.entries == written.entries
    new, matched = apply_baseline(lint_here(), loaded)
    assert new == [] and len(matched) == 7
    assert stale_entries(loaded, matched) == []

    with (repo / "migrations" / "0001_cleanup.sql").open("a") as fh:
        fh.write("ALTER TABLE users DROP COLUMN nickname;\n")
    new, matched = apply_baseline(lint_here(), loaded)
    assert keys(new) == [("drop_column", "users", "nickname", 7)]
    assert len(matched) == 7


def test_lint_survives_line_shifts(repo: Path) -> None:
    findings = lint_here()
    assert {f.line for f in findings if f.file and f.file.endswith(".sql")} == {2, 3, 4, 5, 6}
    baseline = write_baseline("baseline.json", findings, command="lint")
    sql = repo / "migrations" / "0001_cleanup.sql"
    sql.write_text("-- reviewed in PR 42\n\n\n" + MIGRATION.replace(";\n", ";\n\n"))
    rev = repo / "migrations" / "0002_legacy.py"
    rev.write_text(REVISION.replace("from alembic import op\n", "import logging\n\nfrom alembic import op\n\nlog = 1\n"))
    today = lint_here()
    assert {f.line for f in today if f.file and f.file.endswith(".sql")} == {5, 7, 9, 11, 13}
    assert {f.line for f in today if f.file and f.file.endswith(".py")} == {13, 17}
    new, matched = apply_baseline(today, baseline)
    assert new == [] and len(matched) == 7
    # A rewrite after the shift is the same file: a baseline carries no line number.
    before = Path("baseline.json").read_bytes()
    write_baseline("baseline.json", today, command="lint")
    assert Path("baseline.json").read_bytes() == before


def test_lint_same_kind_on_another_column_or_statement_is_new(repo: Path) -> None:
    baseline = write_baseline("baseline.json", lint_here(), command="lint")
    sql = repo / "migrations" / "0001_cleanup.sql"
    # Same line numbers, same kinds and tables: another column dropped, another index built.
    sql.write_text(
        MIGRATION.replace("DROP COLUMN email", "DROP COLUMN phone").replace(
            "ix_users_created ON users (created_at)", "ix_users_deleted ON users (deleted_at)"
        )
    )
    new, matched = apply_baseline(lint_here(), baseline)
    assert keys(new) == [("drop_column", "users", "phone", 2), ("create_index_blocking", "users", None, 5)]
    assert len(matched) == 5
    stale = stale_entries(baseline, matched)
    assert sorted((e.kind, e.column, e.source) for e in stale) == [
        ("create_index_blocking", None, "CREATE INDEX ix_users_created ON users (created_at);"),
        ("drop_column", "email", "ALTER TABLE users DROP COLUMN email;"),
    ]


def test_lint_same_operation_in_another_file_is_new(repo: Path) -> None:
    baseline = write_baseline("baseline.json", lint_here(), command="lint")
    shutil.copy(repo / "migrations" / "0001_cleanup.sql", repo / "migrations" / "0003_again.sql")
    new, matched = apply_baseline(lint_here(), baseline)
    assert len(matched) == 7
    # 0003's copy gives 4 new findings, not 5: read after 0001, it knows age is smallint already,
    # so its ALTER ... TYPE smallint changes nothing.
    assert {f.file for f in new} == {str(Path("migrations/0003_again.sql"))} and len(new) == 4


def test_counts_suppress_at_most_as_many_as_recorded(repo: Path) -> None:
    sql = repo / "migrations" / "0001_cleanup.sql"
    sql.write_text("DELETE FROM sessions;\nSELECT 1;\nDELETE FROM sessions;\n")
    baseline = write_baseline("baseline.json", lint_paths(["migrations/0001_cleanup.sql"]).findings, command="lint")
    (entry,) = baseline.entries
    assert (entry.kind, entry.count) == ("delete_all_rows", 2)
    assert json.loads(Path("baseline.json").read_text())["findings"][0]["count"] == 2

    sql.write_text("DELETE FROM sessions;\nDELETE FROM sessions;\nSELECT 1;\nDELETE FROM sessions;\n")
    new, matched = apply_baseline(lint_paths(["migrations/0001_cleanup.sql"]).findings, load_baseline("baseline.json"))
    # The (N+1)th is new; matching goes in the order given, so it is the last one.
    assert [f.line for f in matched] == [1, 2] and [f.line for f in new] == [4]

    sql.write_text("DELETE FROM sessions;\n")
    new, matched = apply_baseline(lint_paths(["migrations/0001_cleanup.sql"]).findings, load_baseline("baseline.json"))
    assert new == [] and len(matched) == 1
    (left,) = stale_entries(load_baseline("baseline.json"), matched)
    assert left.count == 1


def test_upgrade_and_downgrade_of_one_call_are_counted(repo: Path) -> None:
    findings = lint_paths(["migrations/0002_legacy.py"]).findings
    assert [f.severity for f in findings] == ["error", "warning"]  # downgrade ranks lower
    baseline = write_baseline("baseline.json", findings, command="lint")
    (entry,) = baseline.entries
    assert (entry.table, entry.column, entry.count) == ("orders", "legacy_code", 2)
    assert entry.source == 'op.drop_column("orders", "legacy_code")'


def test_relative_paths_from_another_cwd_and_another_clone(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written from a subfolder, into a subfolder: paths are stored relative to the baseline's folder.
    (repo / "ci").mkdir()
    (repo / "src" / "deep").mkdir(parents=True)
    monkeypatch.chdir(repo / "src" / "deep")
    write_baseline("../../ci/baseline.json", lint_paths(["../../migrations"]).findings, command="lint")
    doc = json.loads((repo / "ci" / "baseline.json").read_text())
    assert {e["file"] for e in doc["findings"]} == {"../migrations/0001_cleanup.sql", "../migrations/0002_legacy.py"}

    # Applied from the root, with the paths given differently.
    monkeypatch.chdir(repo)
    new, matched = apply_baseline(lint_paths(["./migrations/"]).findings, load_baseline("ci/baseline.json"))
    assert new == [] and len(matched) == 7
    # With absolute paths.
    new, _ = apply_baseline(lint_paths([str(repo / "migrations")]).findings, load_baseline(repo / "ci" / "baseline.json"))
    assert new == []

    # A clone somewhere else entirely.
    clone = tmp_path / "elsewhere" / "clone"
    shutil.copytree(repo, clone)
    monkeypatch.chdir(clone / "migrations")
    new, matched = apply_baseline(lint_paths(["."]).findings, load_baseline("../ci/baseline.json"))
    assert new == [] and len(matched) == 7


def test_baseline_of_no_findings(repo: Path) -> None:
    baseline = write_baseline("empty.json", [], command="lint")
    assert baseline.total == 0
    assert json.loads(Path("empty.json").read_text()) == {
        "format": "schemaguard-baseline", "version": 1, "command": "lint", "findings": []
    }
    new, matched = apply_baseline(lint_here(), load_baseline("empty.json"))
    assert len(new) == 7 and matched == []


# --------------------------------------------------------------------------------------------
# check, on a SQLite database against models written to disk

MODELS = """\
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200), nullable=False)
    name = Column(String(100))


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False)
    title = Column(String(80))
"""

LIVE = (
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100) NOT NULL, name VARCHAR(100), legacy INTEGER)",
    "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id))",
    "CREATE TABLE audit_log (id INTEGER PRIMARY KEY)",
)


def run_sql(url: str, *statements: str) -> None:
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            for stmt in statements:
                conn.exec_driver_sql(stmt)
    finally:
        engine.dispose()


@pytest.fixture
def drifted(repo: Path, sqlite_url: str) -> Callable[..., list[Finding]]:
    """repo/app/models.py and a live SQLite database that drifted from it; returns a check runner."""
    (repo / "app").mkdir()
    (repo / "app" / "models.py").write_text(MODELS)
    run_sql(sqlite_url, *LIVE)

    def check(models: str = "app/models.py:Base") -> list[Finding]:
        return schemaguard.check(sqlite_url, models).findings

    return check


def test_check_round_trip_and_one_new_finding(drifted: Callable[..., list[Finding]], sqlite_url: str) -> None:
    findings = drifted()
    assert sorted((f.kind, f.table, f.column) for f in findings) == [
        ("column_extra", "users", "legacy"),
        ("column_missing", "posts", "title"),
        ("table_extra", "audit_log", None),
        ("type_mismatch", "users", "email"),
    ]
    assert any(f.file == str(Path("app/models.py")) and f.line for f in findings)
    write_baseline("schemaguard-baseline.json", findings, command="check")
    baseline = load_baseline("schemaguard-baseline.json", command="check")
    new, matched = apply_baseline(drifted(), baseline)
    assert new == [] and len(matched) == 4

    run_sql(sqlite_url, "ALTER TABLE users ADD COLUMN nickname VARCHAR(20)")
    new, matched = apply_baseline(drifted(), baseline)
    assert [(f.kind, f.table, f.column) for f in new] == [("column_extra", "users", "nickname")]
    assert len(matched) == 4


def test_check_same_kind_on_another_column_is_new(drifted: Callable[..., list[Finding]], sqlite_url: str) -> None:
    baseline = write_baseline("baseline.json", drifted(), command="check")
    # users.legacy was baselined as column_extra; dropping it and adding users.legacy2 is another problem.
    run_sql(sqlite_url, "ALTER TABLE users DROP COLUMN legacy", "ALTER TABLE users ADD COLUMN legacy2 INTEGER")
    new, matched = apply_baseline(drifted(), baseline)
    assert [(f.kind, f.column) for f in new] == [("column_extra", "legacy2")]
    assert [(e.kind, e.column) for e in stale_entries(baseline, matched)] == [("column_extra", "legacy")]


def test_check_changed_declared_type_is_new(drifted: Callable[..., list[Finding]], repo: Path) -> None:
    baseline = write_baseline("baseline.json", drifted(), command="check")
    # Same column, same kind, but the model now declares another type: a different mismatch.
    (repo / "app" / "models_v2.py").write_text(MODELS.replace("String(200)", "String(255)"))
    new, _ = apply_baseline(drifted("app/models_v2.py:Base"), baseline)
    assert [(f.kind, f.column, f.declared, f.live) for f in new] == [
        ("type_mismatch", "email", "VARCHAR(255)", "VARCHAR(100)")
    ]


def test_check_survives_models_moving_and_shifting(drifted: Callable[..., list[Finding]], repo: Path) -> None:
    findings = drifted()
    baseline = write_baseline("baseline.json", findings, command="check")
    # The same models further down another file: every line and the file name changed.
    (repo / "app" / "db").mkdir()
    (repo / "app" / "db" / "schema.py").write_text('"""Models."""\n\n\n# moved here\n' + MODELS)
    moved = drifted("app/db/schema.py:Base")
    assert {f.line for f in moved if f.line} != {f.line for f in findings if f.line}
    new, matched = apply_baseline(moved, baseline)
    assert new == [] and len(matched) == 4


def test_check_baseline_is_readable(drifted: Callable[..., list[Finding]]) -> None:
    write_baseline("baseline.json", drifted(), command="check")
    doc = json.loads(Path("baseline.json").read_text())
    assert (doc["format"], doc["version"], doc["command"]) == ("schemaguard-baseline", 1, "check")
    by_column = {(e["table"], e["column"]): e for e in doc["findings"]}
    email = by_column[("users", "email")]
    assert email["kind"] == "type_mismatch" and email["code"].startswith("SG")
    assert (email["declared"], email["live"], email["file"], email["count"]) == (
        "VARCHAR(200)", "VARCHAR(100)", "app/models.py", 1
    )
    assert by_column[("audit_log", None)]["file"] is None  # no model: no file
    # Sorted by table then column for check; no line numbers anywhere.
    assert [(e["table"], e["column"] or "") for e in doc["findings"]] == sorted(
        (e["table"], e["column"] or "") for e in doc["findings"]
    )
    assert all("line" not in e for e in doc["findings"])


def test_baseline_of_one_command_refused_by_the_other(drifted: Callable[..., list[Finding]]) -> None:
    write_baseline("check.json", drifted(), command="check")
    with pytest.raises(UsageError, match="records check findings, not lint findings"):
        load_baseline("check.json", command="lint")
    with pytest.raises(UsageError, match="check or lint"):
        write_baseline("x.json", [], command="plan")


# --------------------------------------------------------------------------------------------
# stability


def test_rewrite_is_byte_identical_whatever_the_order(repo: Path, drifted: Callable[..., list[Finding]]) -> None:
    findings = lint_here()
    write_baseline("a.json", findings, command="lint")
    first = Path("a.json").read_bytes()
    write_baseline("a.json", findings, command="lint")
    assert Path("a.json").read_bytes() == first
    shuffled = list(findings)
    random.Random(7).shuffle(shuffled)
    write_baseline("b.json", shuffled, command="lint")
    assert Path("b.json").read_bytes() == first
    # A rewrite from what was loaded and matched gives the same bytes too.
    _, matched = apply_baseline(findings, load_baseline("a.json"))
    write_baseline("a.json", matched, command="lint")
    assert Path("a.json").read_bytes() == first

    checked = drifted()
    write_baseline("c.json", checked, command="check")
    write_baseline("d.json", list(reversed(checked)), command="check")
    assert Path("c.json").read_bytes() == Path("d.json").read_bytes()


def test_file_layout_one_entry_per_line(repo: Path) -> None:
    write_baseline("baseline.json", lint_here(), command="lint")
    text = Path("baseline.json").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert text.endswith("}\n") and "\r" not in text
    assert lines[:5] == [
        "{",
        '  "format": "schemaguard-baseline",',
        '  "version": 1,',
        '  "command": "lint",',
        '  "findings": [',
    ]
    entries = lines[5:-2]
    assert len(entries) == 6  # 5 SQL findings, 1 entry (count 2) for the revision
    first = json.loads(entries[0].strip().rstrip(","))
    assert list(first) == ["code", "kind", "table", "column", "file", "source", "count", "fingerprint"]
    assert (first["file"], first["table"], first["source"]) == (
        "migrations/0001_cleanup.sql", "sessions", "DELETE FROM sessions;"
    )
    # lint entries are sorted by file, then table, column, code.
    files = [json.loads(e.strip().rstrip(","))["file"] for e in entries]
    assert files == sorted(files)


def test_fingerprint_definition_is_pinned(tmp_path: Path) -> None:
    """Changing what a fingerprint hashes invalidates every committed baseline: it needs a new
    format version (and this value updated with it)."""
    f = Finding(code="SG105", kind="type_mismatch", severity="error", destructive=False, table="users",
                column="email", declared="VARCHAR(200)", live="VARCHAR(100)", message="m", hint="h",
                file=str(tmp_path / "app" / "models.py"), line=12)
    assert fingerprint(f, command="check", root=tmp_path) == "f6f8ac9fc0b2be91"
    # Not part of a check fingerprint: message, hint, severity, destructive, file, line.
    other = Finding(code="SG105", kind="type_mismatch", severity="warning", destructive=True, table="users",
                    column="email", declared="VARCHAR(200)", live="VARCHAR(100)", message="x", hint="y",
                    file=str(tmp_path / "models.py"), line=99)
    assert fingerprint(other, command="check", root=tmp_path) == fingerprint(f, command="check", root=tmp_path)
    for change in ({"column": "name"}, {"table": "people"}, {"declared": "TEXT"}, {"live": "TEXT"},
                   {"kind": "nullable_mismatch"}, {"target": "replica"}):
        changed = Finding(**{**f.__dict__, **change})
        assert fingerprint(changed, command="check", root=tmp_path) != fingerprint(f, command="check", root=tmp_path)
    # For lint the file is part of it.
    moved = Finding(**{**f.__dict__, "file": str(tmp_path / "models2.py")})
    assert fingerprint(moved, command="lint", root=tmp_path) != fingerprint(f, command="lint", root=tmp_path)


# --------------------------------------------------------------------------------------------
# malformed files: one UsageError (exit 2) naming the file, never a traceback

GOOD_ENTRY = {"code": "SG302", "kind": "drop_column", "table": "t", "column": "c", "file": "m.sql",
              "count": 1, "fingerprint": "0123456789abcdef"}


def doc(**changes: object) -> str:
    base: dict[str, object] = {"format": "schemaguard-baseline", "version": 1, "command": "lint",
                               "findings": [GOOD_ENTRY]}
    base.update(changes)
    return json.dumps(base)


@pytest.mark.parametrize(
    "content, needle",
    [
        (None, "does not exist"),
        ("{not json", "is not valid JSON (line 1"),
        ('{"format": "schemaguard-baseline", "version": 1,\n<<<<<<< HEAD\n', "is not valid JSON (line 2"),
        ("[]", "is not a schemaguard baseline"),
        ('{"version": 1}', "is not a schemaguard baseline"),
        (doc(version=2), "format version 2, but this schemaguard reads version 1"),
        (doc(version="1"), "format version '1'"),
        (doc(command="sync"), "command 'sync' is not check or lint"),
        (doc(findings={"a": 1}), '"findings" must be a list'),
        (doc(findings=["x"]), "entry 1 is not an object"),
        (doc(findings=[GOOD_ENTRY, {**GOOD_ENTRY, "fingerprint": "XYZ"}]), "entry 2 has no valid fingerprint"),
        (doc(findings=[{**GOOD_ENTRY, "count": 0}]), "entry 1: count must be a positive whole number"),
        (doc(findings=[{**GOOD_ENTRY, "count": "2"}]), "entry 1: count must be"),
        (doc(findings=[{**GOOD_ENTRY, "table": 3}]), "entry 1: table must be a string or null"),
        (b"\xff\xfe{}", "is not UTF-8"),
    ],
    ids=["missing", "garbage", "merge-conflict", "list", "no-format", "version-2", "version-string",
         "command", "findings-type", "entry-type", "fingerprint", "count-0", "count-string",
         "table-type", "not-utf8"],
)
def test_malformed_baseline(tmp_path: Path, content: str | bytes | None, needle: str) -> None:
    path = tmp_path / "baseline.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    with pytest.raises(UsageError) as info:
        load_baseline(path)
    err = info.value
    assert err.exit_code == 2
    assert needle in str(err), str(err)
    assert str(path) in str(err)
    assert "\n" not in str(err)


def test_baseline_path_that_is_a_directory(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a directory"):
        load_baseline(tmp_path)
    with pytest.raises(UsageError, match="is a directory"):
        write_baseline(tmp_path, [], command="lint")


def test_unwritable_baseline_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot write baseline file") as info:
        write_baseline(tmp_path / "no" / "such" / "folder" / "b.json", [], command="lint")
    assert info.value.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_hand_written_minimal_entry_loads(tmp_path: Path) -> None:
    """Only fingerprint (and count, default 1) are needed to match; the rest is for reviewers."""
    path = tmp_path / "b.json"
    path.write_text(doc(findings=[{"fingerprint": "0123456789abcdef"}]))
    baseline = load_baseline(path)
    assert isinstance(baseline, Baseline) and baseline.total == 1 and baseline.entries[0].code == ""
