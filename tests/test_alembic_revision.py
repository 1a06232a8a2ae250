"""`plan --format alembic`: the revision file is imported and run by Alembic itself against a real
database. upgrade() leaves only what the mode skipped; downgrade() puts the schema back exactly."""

from __future__ import annotations

import ast
import json
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli_helpers import sg, write_models
from conftest import engine_for
from plan_scenario import MODELS, PG_LIVE, SQLITE_LIVE

import schemaguard
from schemaguard.checking.check import load_live
from schemaguard.plan import make_plan
from schemaguard.report.alembic import plan_alembic
from schemaguard.schema.snapshot import dump_snapshot

WHEN = datetime(2026, 11, 24, 12, 0, 0)


def setup(url: str, sql: list[str]) -> None:
    eng = engine_for(url)
    with eng.begin() as conn:
        for stmt in sql:
            conn.exec_driver_sql(stmt)
    eng.dispose()


def live_schema(url: str) -> str:
    """The live schema as JSON, tables and their keys and indexes in name order (a downgrade that
    re-creates a table or an index changes the catalog's order, not the schema)."""
    eng = engine_for(url)
    try:
        doc = json.loads(dump_snapshot(load_live(eng)))
    finally:
        eng.dispose()
    for t in doc["tables"]:
        for key in ("indexes", "uniques", "foreign_keys"):
            t[key] = sorted(t[key], key=lambda x: json.dumps(x, sort_keys=True))
    doc["tables"] = sorted(doc["tables"], key=lambda t: (str(t["schema"]), t["name"]))
    return json.dumps(doc, indent=1, sort_keys=True)


def same(after: str, before: str) -> None:
    import difflib

    diff = "\n".join(difflib.unified_diff(before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=2))
    assert not diff, diff


def alembic_config(tmp_path: Path, url: str, revision_text: str) -> object:
    from alembic import command
    from alembic.config import Config

    scripts = tmp_path / "migrations"
    cfg = Config(str(tmp_path / "alembic.ini"))
    command.init(cfg, str(scripts), template="generic")
    cfg = Config(str(tmp_path / "alembic.ini"))
    cfg.set_main_option("script_location", str(scripts))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    (scripts / "versions" / "0001_schemaguard.py").write_text(revision_text, encoding="utf-8")
    return cfg


def test_revision_runs_up_and_down_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    from alembic import command

    setup(pg_url, PG_LIVE)
    before = live_schema(pg_url)
    models = f"{write_models(tmp_path, MODELS)}:Base"
    plan = make_plan(pg_url, models, mode="alter")
    assert {s.kind for s in plan.steps} == {
        "create_table", "add_column", "alter_column", "rename_column", "rename_table", "create_index", "drop_index",
        "add_unique", "add_foreign_key", "drop_constraint", "add_check", "drop_check",
    }
    assert not [s for s in plan.steps if s.irreversible]
    text = plan_alembic(plan, revision="0001", down_revision=None, message="sync users", created=WHEN)
    ast.parse(text)
    cfg = alembic_config(tmp_path, pg_url, text)
    command.upgrade(cfg, "head")
    remaining = sorted((f.kind, f.table) for f in schemaguard.check(pg_url, models).findings)
    assert remaining == sorted((str(s.finding), s.table) for s in plan.skipped)
    assert make_plan(pg_url, models, mode="alter").steps == []
    eng = engine_for(pg_url)
    with eng.connect() as conn:
        assert conn.exec_driver_sql("SELECT name FROM users ORDER BY id").scalars().all() == ["it's: :anon"] * 2
    eng.dispose()
    command.downgrade(cfg, "base")
    same(live_schema(pg_url), before)
    eng = engine_for(pg_url)
    with eng.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 2
        # The partial index came back with its WHERE clause, from the database's own definition.
        assert "WHERE (legacy > 0)" in conn.exec_driver_sql(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_legacy'").scalar()
    eng.dispose()


def test_revision_on_sqlite_with_a_rebuild_refuses_to_downgrade(sqlite_url: str, tmp_path: Path) -> None:
    from alembic import command

    setup(sqlite_url, SQLITE_LIVE)
    before = live_schema(sqlite_url)
    models = f"{write_models(tmp_path, MODELS)}:Base"
    plan = make_plan(sqlite_url, models, mode="alter")
    text = plan_alembic(plan, revision="0001", created=WHEN)
    cfg = alembic_config(tmp_path, sqlite_url, text)
    command.upgrade(cfg, "head")
    remaining = sorted((f.kind, f.table) for f in schemaguard.check(sqlite_url, models).findings)
    assert remaining == sorted((str(s.finding), s.table) for s in plan.skipped)
    after = live_schema(sqlite_url)
    assert after != before
    rebuilds = [(n, s) for n, s in enumerate(plan.steps, 1) if "rebuild" in s.details]
    assert {s.table for _, s in rebuilds} == {"posts", "events"}  # a new key; a wider, NOT NULL title
    n, first = rebuilds[0]
    where = f"{first.table}.{first.column}" if first.column else first.table  # several columns: the table
    with pytest.raises(NotImplementedError, match=rf"step {n} \({first.kind} {where}\): "
                       "a SQLite table rebuild is not reversed automatically"):
        command.downgrade(cfg, "base")
    assert live_schema(sqlite_url) == after  # refused before it changed anything


def test_reversible_sqlite_revision_round_trips(sqlite_url: str, tmp_path: Path) -> None:
    from alembic import command

    live = [s for s in SQLITE_LIVE if not s.startswith("CREATE TABLE posts") and "posts" not in s]
    live.append("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id) "
                "ON DELETE CASCADE, body TEXT, old_ref INTEGER)")
    setup(sqlite_url, live)
    before = live_schema(sqlite_url)
    models = f"{write_models(tmp_path, MODELS)}:Base"
    plan = make_plan(sqlite_url, models, mode="alter")
    plan.steps = [s for s in plan.steps if not s.irreversible]
    text = plan_alembic(plan, revision="0001", created=WHEN)
    cfg = alembic_config(tmp_path, sqlite_url, text)
    command.upgrade(cfg, "head")
    assert live_schema(sqlite_url) != before
    command.downgrade(cfg, "base")
    same(live_schema(sqlite_url), before)


def test_cli_format_alembic(sqlite_url: str, tmp_path: Path) -> None:
    setup(sqlite_url, ["CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL)"])
    models = f"{write_models(tmp_path, MODELS)}:Base"
    res = sg("plan", "--db", sqlite_url, "-m", models, "--format", "alembic", "--revision-id", "r1",
             "--down-revision", "r0", "--message", "from the CLI")
    assert res.exit_code == 0, res.output
    tree = ast.parse(res.stdout)
    assigns = {t.targets[0].id: t.value.value for t in tree.body
               if isinstance(t, ast.Assign) and isinstance(t.value, ast.Constant)}
    assert assigns["revision"] == "r1" and assigns["down_revision"] == "r0"
    assert res.stdout.startswith('"""from the CLI\n')


def test_literal_escapes_bind_like_colons() -> None:
    from schemaguard.report.alembic import _literal

    assert _literal("SELECT 'a :b', x::int, 'a:b'") == r'''r"SELECT 'a \:b', x::int, 'a:b'"'''
    assert eval(_literal('say "hi"')) == 'say "hi"'  # noqa: S307 - our own literal
    assert sa.text(eval(_literal("SELECT ':x'"))).compile().params == {}  # noqa: S307
