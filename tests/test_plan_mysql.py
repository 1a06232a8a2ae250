"""Plans on MariaDB: every step kind renders, runs, and is undone exactly by its undo statements.

Each case builds the live schema from one set of models (with rows), plans towards another, applies
the plan's statements one by one (MySQL commits each), checks the result against the new models,
then runs the undo statements in reverse order and checks the schema against the old models again,
rows included: what a sync must do when a later step fails.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from schemaguard.checking.check import check
from schemaguard.plan import make_plan
from schemaguard.report.plan import plan_json, plan_markdown, plan_sql, print_plan
from tests.conftest import engine_for

mysql = pytest.mark.mysql

Models = Callable[[sa.MetaData], None]


def _parent(md: sa.MetaData) -> sa.Table:
    return sa.Table("parent", md, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("code", sa.String(20), nullable=False))


def _child(md: sa.MetaData, *extra: Any, fk: bool = False, **types: Any) -> sa.Table:
    cols = [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.Integer, *([sa.ForeignKey("parent.id", name="fk_child_parent")] if fk else []),
                  nullable=True),
        sa.Column("name", types.get("name", sa.String(20)), nullable=types.get("name_nullable", False),
                  server_default=types.get("name_default", "x"), comment="the name"),
        sa.Column("n", types.get("n", sa.Integer), nullable=types.get("n_nullable", True),
                  server_default=types.get("n_default")),
        sa.Column("kind", sa.Enum(*types.get("kinds", ("a", "b")), name="kind"), nullable=True),
    ]
    return sa.Table("child", md, *cols, *extra)


def _models(build: Callable[[sa.MetaData], Any]) -> sa.MetaData:
    md = sa.MetaData()
    build(md)
    return md


ROWS = [
    "INSERT INTO parent (id, code) VALUES (1, 'p1'), (2, 'p2')",
    "INSERT INTO child (id, parent_id, name, n, kind) VALUES (1, 1, 'one', 1, 'a'), (2, 2, 'two', 2, 'b')",
]


def _snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            names = sa.inspect(conn).get_table_names()
            prep = conn.dialect.identifier_preparer
            return {t: sorted(tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {prep.quote(t)}"))
                    for t in sorted(names)}
    finally:
        engine.dispose()


def _run(url: str, statements: list[str]) -> None:
    engine = engine_for(url)
    try:
        with engine.connect() as conn:
            for stmt in statements:
                conn.exec_driver_sql(stmt)
            conn.commit()
    finally:
        engine.dispose()


def _findings(url: str, md: sa.MetaData) -> list[str]:
    result = check(url, md)
    return [f"{f.kind} {f.table}.{f.column}" for f in result.findings]


def _round_trip(url: str, before: sa.MetaData, after: sa.MetaData, mode: str, *,
                rows: list[str] = ROWS) -> Any:
    """Create `before` with rows, plan `after`, apply, check, undo in reverse, check again."""
    engine = engine_for(url)
    try:
        before.create_all(engine)
    finally:
        engine.dispose()
    _run(url, rows)
    assert _findings(url, before) == []
    data = _snapshot(url)
    plan = make_plan(url, after, mode=mode)
    assert plan.steps, plan.skipped
    assert not plan.atomic
    for step in plan.steps:
        assert step.irreversible is None, (step.kind, step.irreversible)
        _run(url, step.statements)
    assert _findings(url, after) == []
    for step in reversed(plan.steps):
        _run(url, step.undo)
    assert _findings(url, before) == []
    assert _snapshot(url) == data
    return plan


def _sql(plan: Any, kind: str) -> list[str]:
    return [stmt for s in plan.steps if s.kind == kind for stmt in s.statements]


@mysql
def test_create_table_and_its_undo(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md)))
    after = _models(lambda md: (_parent(md), _child(md), sa.Table(
        "note", md, sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("child_id", sa.Integer, sa.ForeignKey("child.id"), nullable=False),
        sa.Column("body", sa.Text), sa.Index("ix_note_body", "body", mysql_length=20))))
    plan = _round_trip(mysql_url, before, after, "safe")
    assert [s.kind for s in plan.steps] == ["create_table", "create_index"]


@mysql
def test_add_column_is_instant_and_undone(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md)))
    after = _models(lambda md: (_parent(md), _child(md, sa.Column("extra", sa.Integer),
                                                     sa.Column("flag", sa.Boolean, nullable=False,
                                                               server_default=sa.text("0")))))
    plan = _round_trip(mysql_url, before, after, "safe")
    adds = _sql(plan, "add_column")
    assert len(adds) == 2 and all(s.endswith(", ALGORITHM=INSTANT") for s in adds)
    # An undo never states a clause: the server would rather refuse than copy, and an undo must run.
    assert all("ALGORITHM" not in u for s in plan.steps for u in s.undo)


@mysql
def test_create_index_is_inplace_and_undone(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md)))
    after = _models(lambda md: (_parent(md), _child(md, sa.Index("ix_child_n", "n"),
                                                     sa.Index("ix_child_name_n", "name", "n", unique=True))))
    plan = _round_trip(mysql_url, before, after, "safe")
    assert [s.kind for s in plan.steps] == ["create_index", "create_index"]
    assert all(s.endswith(" ALGORITHM=INPLACE LOCK=NONE") for s in _sql(plan, "create_index"))
    assert all(u.startswith("DROP INDEX") for s in plan.steps for u in s.undo)


@mysql
def test_index_with_another_prefix_or_direction_is_replaced_and_undone(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md, sa.Index("ix_child_name", "name", mysql_length=5),
                                                     sa.Index("ix_child_n", "n"))))
    after = _models(lambda md: (_parent(md), _child(md, sa.Index("ix_child_name", "name", mysql_length=10),
                                                    sa.Index("ix_child_n", sa.desc("n")))))
    plan = _round_trip(mysql_url, before, after, "alter")
    assert sorted(s.kind for s in plan.steps) == ["create_index", "create_index", "drop_index", "drop_index"]
    assert any("name(10)" in stmt for stmt in _sql(plan, "create_index")), _sql(plan, "create_index")
    assert any("n DESC" in stmt for stmt in _sql(plan, "create_index")), _sql(plan, "create_index")


@mysql
def test_add_unique_is_undone_by_drop_index(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md)))
    after = _models(lambda md: (_parent(md).append_constraint(sa.UniqueConstraint("code", name="uq_parent_code")),
                                _child(md)))
    plan = _round_trip(mysql_url, before, after, "safe")
    step = next(s for s in plan.steps if s.kind == "add_unique")
    assert step.statements[0].endswith(", ALGORITHM=INPLACE, LOCK=NONE")
    assert step.undo == ["ALTER TABLE parent DROP INDEX uq_parent_code"]
    assert step.details["duplicates"] == 0


@mysql
def test_add_foreign_key_undo_drops_the_index_innodb_made(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md)))
    after = _models(lambda md: (_parent(md), _child(md, fk=True)))
    plan = _round_trip(mysql_url, before, after, "safe")
    step = next(s for s in plan.steps if s.kind == "add_foreign_key")
    assert "ALGORITHM" not in step.sql  # a validating key copies the table: no clause, a hazard
    assert step.hazards == ["add_foreign_key_validating"]
    assert step.undo == ["ALTER TABLE child DROP FOREIGN KEY fk_child_parent", "DROP INDEX fk_child_parent ON child"]
    text = plan_sql(plan)
    assert "gh-ost" in text and "pt-online-schema-change" in text


@mysql
def test_add_foreign_key_over_an_index_keeps_it(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md, sa.Index("ix_child_parent", "parent_id"))))
    after = _models(lambda md: (_parent(md), _child(md, sa.Index("ix_child_parent", "parent_id"), fk=True)))
    plan = _round_trip(mysql_url, before, after, "safe")
    step = next(s for s in plan.steps if s.kind == "add_foreign_key")
    assert step.undo == ["ALTER TABLE child DROP FOREIGN KEY fk_child_parent"]


@mysql
def test_foreign_key_and_its_new_index_in_one_plan(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md)))
    after = _models(lambda md: (_parent(md), _child(md, sa.Index("ix_child_parent", "parent_id"), fk=True)))
    plan = _round_trip(mysql_url, before, after, "safe")
    assert [s.kind for s in plan.steps] == ["create_index", "add_foreign_key"]
    assert plan.steps[1].undo == ["ALTER TABLE child DROP FOREIGN KEY fk_child_parent"]


@mysql
def test_type_change_restates_the_column_and_copies(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md)))
    after = _models(lambda md: (_parent(md), _child(md, name=sa.String(100), n=sa.BigInteger)))
    plan = _round_trip(mysql_url, before, after, "alter")
    name = next(s for s in plan.steps if s.column == "name")
    # MODIFY restates the whole column: NOT NULL, the default and the comment are kept.
    assert name.statements == ["ALTER TABLE child MODIFY name VARCHAR(100) NOT NULL DEFAULT 'x' COMMENT 'the name'"]
    assert name.undo == ["ALTER TABLE child MODIFY name VARCHAR(20) NOT NULL DEFAULT 'x' COMMENT 'the name'"]
    assert name.hazards == ["column_type_change"] and "ALGORITHM" not in name.sql
    text = plan_sql(plan)
    assert "ALGORITHM=COPY" in text and "writes to the table wait" in text and "gh-ost" in text


@mysql
def test_nullability_and_default_changes_of_one_column(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md)))
    after = _models(lambda md: (_parent(md), _child(md, n=sa.BigInteger, n_nullable=False, n_default="7",
                                                     name_nullable=True, name_default="y")))
    plan = _round_trip(mysql_url, before, after, "alter")
    n_steps = [s for s in plan.steps if s.column == "n"]
    # Each later step restates what the earlier ones left: the NOT NULL step keeps BIGINT.
    assert [s.statements[0] for s in n_steps] == [
        "ALTER TABLE child MODIFY n BIGINT NULL",
        "ALTER TABLE child MODIFY n BIGINT NOT NULL, ALGORITHM=INPLACE, LOCK=NONE",
        "ALTER TABLE child ALTER COLUMN n SET DEFAULT '7', ALGORITHM=INSTANT",
    ]
    assert n_steps[1].details["nulls"] == 0 and "set_not_null" in n_steps[1].hazards
    name = [s for s in plan.steps if s.column == "name"]
    assert any("MODIFY name VARCHAR(20) NULL DEFAULT 'x' COMMENT 'the name'" in s.sql for s in name)


@mysql
def test_enum_label_appended_is_an_instant_modify(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md)))
    after = _models(lambda md: (_parent(md), _child(md, kinds=("a", "b", "c"))))
    plan = _round_trip(mysql_url, before, after, "alter")
    (step,) = plan.steps
    (data,) = json.loads(plan_json(plan))["steps"]
    assert data["undo"] == "ALTER TABLE child MODIFY kind ENUM('a','b') NULL;" and "irreversible" not in data
    assert step.kind == "alter_column" and step.hazards == []
    assert step.statements == ["ALTER TABLE child MODIFY kind ENUM('a','b','c') NULL, ALGORITHM=INSTANT"]
    assert step.undo == ["ALTER TABLE child MODIFY kind ENUM('a','b') NULL"]


@mysql
def test_renames_and_their_undo(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md)))

    def renamed(md: sa.MetaData) -> None:
        sa.Table("mother", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("code", sa.String(20), nullable=False), info={"renamed_from": "parent"})
        _child(md)
        t = md.tables["child"]
        t.c.name.info["renamed_from"] = "name"
        t._columns.remove(t.c.name)  # type: ignore[attr-defined]
        t.append_column(sa.Column("title", sa.String(20), nullable=False, server_default="x", comment="the name",
                                  info={"renamed_from": "name"}))

    plan = _round_trip(mysql_url, before, _models(renamed), "alter")
    assert sorted(s.kind for s in plan.steps) == ["rename_column", "rename_table"]
    col = next(s for s in plan.steps if s.kind == "rename_column")
    assert col.statements == ["ALTER TABLE child CHANGE name title VARCHAR(20) NOT NULL DEFAULT 'x' "
                              "COMMENT 'the name', ALGORITHM=INSTANT"]


@mysql
def test_drops_of_indexes_uniques_and_keys_in_alter_mode(mysql_url: str) -> None:
    before = _models(lambda md: (
        _parent(md).append_constraint(sa.UniqueConstraint("code", name="uq_parent_code")),
        _child(md, sa.Index("ix_child_n", "n"), sa.Index("ix_child_name_n", "name", "n", unique=True), fk=True)))
    after = _models(lambda md: (_parent(md), _child(md)))
    plan = _round_trip(mysql_url, before, after, "alter")
    kinds = sorted(s.kind for s in plan.steps)
    # MariaDB reads a unique index as a unique constraint: both are dropped as constraints.
    assert kinds == ["drop_constraint", "drop_constraint", "drop_constraint", "drop_index"]
    fk = next(s for s in plan.steps if "FOREIGN KEY" in s.sql)
    # The index InnoDB made for the key goes with it, and comes back (by its name) before the key.
    assert fk.statements == ["ALTER TABLE child DROP FOREIGN KEY fk_child_parent, ALGORITHM=INPLACE, LOCK=NONE",
                             "DROP INDEX fk_child_parent ON child"]
    assert fk.undo == ["CREATE INDEX fk_child_parent ON child (parent_id)",
                       "ALTER TABLE child ADD CONSTRAINT fk_child_parent FOREIGN KEY(parent_id) REFERENCES parent (id)"]
    drop = next(s for s in plan.steps if s.details.get("index") == "ix_child_n")
    assert drop.undo == ["CREATE INDEX ix_child_n ON child (n)"]


@mysql
def test_force_marks_the_drops_irreversible_and_the_plan_not_atomic(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md, fk=True)))
    engine = engine_for(mysql_url)
    try:
        before.create_all(engine)
    finally:
        engine.dispose()
    _run(mysql_url, ROWS)
    plan = make_plan(mysql_url, before, mode="force")
    drops = [s for s in plan.steps if s.kind == "drop_table"]
    assert [s.table for s in drops] == ["child", "parent"]
    assert [s.details["rows"] for s in drops] == [2, 2]
    assert all(s.irreversible for s in drops) and plan.irreversible == drops
    data = json.loads(plan_json(plan))
    assert data["atomic"] is False and data["notes"] and "not atomic" in data["notes"][0]
    assert [s.get("irreversible") for s in data["steps"] if s["kind"] == "drop_table"] == [
        "the dropped rows cannot be brought back"] * 2
    creates = [s for s in data["steps"] if s["kind"] == "create_table"]
    assert creates and all(s["undo"].startswith("DROP TABLE") for s in creates)
    # The contract's keys are all there, unchanged.
    assert {"mode", "environment", "allowed", "steps", "skipped"} <= set(data)
    assert "not atomic" in plan_sql(plan) and "cannot be undone" in plan_sql(plan)
    assert "not atomic" in plan_markdown(plan) and "cannot be undone" in plan_markdown(plan)
    from io import StringIO

    from rich.console import Console

    out = StringIO()
    print_plan(plan, Console(file=out, width=200))
    assert "not atomic" in out.getvalue() and "cannot be undone" in out.getvalue()
    for step in plan.steps:
        _run(mysql_url, step.statements)
    assert _findings(mysql_url, before) == []


@mysql
def test_measures_nulls_and_duplicates_and_skips_a_unique_that_cannot_hold(mysql_url: str) -> None:
    before = _models(lambda md: (_parent(md), _child(md)))
    engine = engine_for(mysql_url)
    try:
        before.create_all(engine)
    finally:
        engine.dispose()
    _run(mysql_url, [*ROWS, "INSERT INTO child (id, name, n) VALUES (3, 'one', NULL)",
                     "UPDATE parent SET code = 'same'"])
    after = _models(lambda md: (
        _parent(md).append_constraint(sa.UniqueConstraint("code", name="uq_parent_code")),
        _child(md, sa.Column("tag", sa.String(5), nullable=False, server_default="t"),
               sa.UniqueConstraint("tag", name="uq_child_tag"), n_nullable=False)))
    plan = make_plan(mysql_url, after, mode="alter")
    nn = next(s for s in plan.steps if "set_not_null" in s.hazards)
    assert nn.details["nulls"] == 1
    uq = next(s for s in plan.steps if s.kind == "add_unique")
    assert uq.details["duplicates"] == 1
    # Every row gets the new column's default: its unique constraint is skipped, as on PostgreSQL.
    assert any(s.kind == "add_unique" and s.table == "child" and "every one of" in s.reason for s in plan.skipped)


@mysql
def test_a_plan_from_a_snapshot_writes_no_clause(mysql_url: str, tmp_path: Any) -> None:
    from schemaguard.checking.check import load_live
    from schemaguard.schema.snapshot import dump_snapshot

    before = _models(lambda md: (_parent(md), _child(md)))
    engine = engine_for(mysql_url)
    try:
        before.create_all(engine)
    finally:
        engine.dispose()
    path = tmp_path / "live.json"
    path.write_text(dump_snapshot(load_live(mysql_url)))
    after = _models(lambda md: (_parent(md), _child(md, sa.Column("extra", sa.Integer), sa.Index("ix_child_n", "n"))))
    plan = make_plan(str(path), after, mode="safe")
    assert [s.kind for s in plan.steps] == ["add_column", "create_index"]
    assert all("ALGORITHM" not in s.sql for s in plan.steps)
    assert not plan.atomic  # the database, not the connection, decides


def test_online_clauses_by_server_version() -> None:
    from schemaguard.dialects import dialect_named

    db = dialect_named("mysql")
    add = "ALTER TABLE t ADD COLUMN z INTEGER"
    assert db.online_ddl(add, "add_column", (10, 11, 6), "mariadb") == add + ", ALGORITHM=INSTANT"
    assert db.online_ddl(add, "add_column", (8, 0, 11), "mysql") == add + ", ALGORITHM=INPLACE, LOCK=NONE"
    assert db.online_ddl(add, "add_column", None, None) == add  # no live server: no clause
    drop = "ALTER TABLE t DROP COLUMN z"
    assert db.online_ddl(drop, "drop_column", (8, 0, 28), "mysql").endswith("ALGORITHM=INPLACE, LOCK=NONE")
    assert db.online_ddl(drop, "drop_column", (8, 0, 29), "mysql").endswith("ALGORITHM=INSTANT")
    modify = "ALTER TABLE t MODIFY n BIGINT NULL"
    assert db.online_ddl(modify, "change_type", (8, 0, 40), "mysql") == modify  # a copy: no clause
    assert db.online_ddl("CREATE INDEX i ON t (n)", "create_index", (10, 6), "mariadb") == (
        "CREATE INDEX i ON t (n) ALGORITHM=INPLACE LOCK=NONE")
    # Other databases have no such clause.
    assert dialect_named("postgresql").online_ddl(add, "add_column", (16,), None) == add


def test_transactional_plans_keep_the_contract_json(tmp_path: Any) -> None:
    """The additive keys are written only where the plan is not atomic: a SQLite plan's JSON is
    the contract's shape, unchanged."""
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = engine_for(url)
    try:
        _models(lambda md: _parent(md)).create_all(engine)
    finally:
        engine.dispose()
    plan = make_plan(url, _models(lambda md: (_parent(md), _child(md))), mode="safe")
    data = json.loads(plan_json(plan))
    assert plan.atomic and plan.notes == [] and plan.irreversible == []
    assert set(data) == {"mode", "environment", "allowed", "steps", "skipped"}
    assert all(set(s) <= {"kind", "table", "column", "sql", "destructive", "hazards", "details"} for s in data["steps"])
    assert "not atomic" not in plan_sql(plan) and "not atomic" not in plan_markdown(plan)


@mysql
def test_restatement_keeps_collation_auto_increment_and_functional_defaults(mysql_url: str) -> None:
    def table(md: sa.MetaData, *, changed: bool) -> None:
        sa.Table("event", md, sa.Column("id", sa.BigInteger if changed else sa.Integer, primary_key=True,
                                        autoincrement=True),
                 sa.Column("code", sa.String(20, collation="utf8mb4_bin"), nullable=not changed),
                 sa.Column("at", sa.DateTime, nullable=True,
                           server_default=sa.text("CURRENT_TIMESTAMP") if changed else None))

    before = _models(lambda md: table(md, changed=False))
    after = _models(lambda md: table(md, changed=True))
    plan = _round_trip(mysql_url, before, after, "alter", rows=[
        "INSERT INTO event (code, at) VALUES ('A', '2024-01-01 00:00:00'), ('a', NULL)"])
    sql = {s.column: s.sql for s in plan.steps}
    assert "AUTO_INCREMENT" in sql["id"] and "BIGINT" in sql["id"]
    assert "COLLATE utf8mb4_bin" in sql["code"] and "NOT NULL" in sql["code"]
    assert "CURRENT_TIMESTAMP" in sql["at"].upper()


@mysql
def test_checks_added_and_dropped_as_mariadb_spells_them_and_undone(mysql_url: str) -> None:
    """MariaDB drops a CHECK by DROP CONSTRAINT (MySQL 8's DROP CHECK is a syntax error there): the
    plan compiles for the server it read, and both steps are undone."""
    before = _models(lambda md: (_parent(md), _child(md, sa.CheckConstraint("n < 100", name="ck_child_small"))))
    after = _models(lambda md: (_parent(md), _child(md, sa.CheckConstraint("n >= 0", name="ck_child_positive"))))
    plan = _round_trip(mysql_url, before, after, "alter")
    assert [(s.kind, s.statements) for s in plan.steps] == [
        ("drop_check", ["ALTER TABLE child DROP CONSTRAINT ck_child_small"]),
        ("add_check", ["ALTER TABLE child ADD CONSTRAINT ck_child_positive CHECK (n >= 0)"]),
    ]
    assert plan.steps[0].undo == ["ALTER TABLE child ADD CONSTRAINT ck_child_small CHECK (`n` < 100)"]
