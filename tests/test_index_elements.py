"""Index elements with ordering, NULLS, COLLATE, operator classes and expressions (written as text or
as SQL expressions), and a table declared in several MetaData: the same on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import engine_for, run_sql

from schemaguard.checking.check import check
from schemaguard.live.reflect import reflect_live


def _models(dialect: str) -> sa.MetaData:
    md = sa.MetaData()
    t = sa.Table("items", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("workspace", sa.String(50)),
                 sa.Column("version_major", sa.Integer), sa.Column("email", sa.String(100)), sa.Column("b", sa.String(50)))
    sa.Index("ix_text", t.c.workspace, sa.text("version_major DESC"))
    sa.Index("ix_expr", sa.desc(t.c.workspace), sa.func.lower(t.c.email), sa.text("lower(b)"))
    if dialect == "postgresql":
        sa.Index("ix_nulls", t.c.version_major.desc().nullslast())
        sa.Index("ix_ops", t.c.b, postgresql_ops={"b": "text_pattern_ops"})
        sa.Index("ix_coll", t.c.email.collate("C"))
    else:
        sa.Index("ix_coll", t.c.email.collate("NOCASE"))
    return md



def test_elements_made_from_the_models_have_no_finding(db_url: str) -> None:
    dialect = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    md = _models(dialect)
    engine = engine_for(db_url)
    md.create_all(engine)
    engine.dispose()
    result = check(db_url, md)
    assert result.findings == [], [f.message for f in result.findings]
    live = reflect_live(db_url).table("items")
    assert live is not None
    text_ix = next(i for i in live.indexes if i.name == "ix_text")
    assert text_ix.columns == ("workspace", "version_major") and text_ix.options == ("", "DESC")
    if dialect == "postgresql":
        assert reflect_live(db_url, method="catalog") == reflect_live(db_url, method="inspector")


@pytest.mark.parametrize("change", ["direction", "collation"])
def test_an_index_that_differs_only_in_order_or_collation_is_found(db_url: str, change: str) -> None:
    dialect = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    md = _models(dialect)
    engine = engine_for(db_url)
    md.create_all(engine)
    engine.dispose()
    if change == "direction":
        run_sql(db_url, ["DROP INDEX ix_text", "CREATE INDEX ix_text ON items (workspace, version_major)"])
    else:
        run_sql(db_url, ["DROP INDEX ix_coll", "CREATE INDEX ix_coll ON items (email)"])
    result = check(db_url, md)
    assert sorted(f.kind for f in result.findings) == ["index_extra", "index_missing"]
    missing = next(f for f in result.findings if f.kind == "index_missing")
    assert "another order, collation or operator class" in missing.message
    assert ("version_major DESC" if change == "direction" else "COLLATE") in missing.message


def test_table_declared_in_several_metadata(tmp_path: Path) -> None:
    """Identical declarations are one table; a differing one is compared too and named in a note."""
    def shared(md: sa.MetaData, length: int) -> sa.Table:
        return sa.Table("shared", md, sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("name", sa.String(length), unique=True))

    a, b, c = sa.MetaData(), sa.MetaData(), sa.MetaData()
    shared(a, 512)
    sa.Table("runs", a, sa.Column("id", sa.Integer, primary_key=True))
    shared(b, 512)
    shared(c, 255)
    url = f"sqlite:///{tmp_path / 'x.db'}"
    engine = engine_for(url)
    a.create_all(engine)
    engine.dispose()
    same = check(url, [a, b])
    assert same.findings == [] and same.notes == []
    differs = check(url, [a, b, c])
    assert [(f.kind, f.table, f.column) for f in differs.findings] == [("type_mismatch", "shared", "name")]
    assert any("declared differently in several MetaData" in n for n in differs.notes)


def test_plan_replaces_an_index_whose_order_differs_only_outside_safe_mode(db_url: str) -> None:
    from schemaguard.apply.sync import safe_sync
    from schemaguard.plan import make_plan

    dialect = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    md = _models(dialect)
    engine = engine_for(db_url)
    md.create_all(engine)
    engine.dispose()
    run_sql(db_url, ["DROP INDEX ix_text", "CREATE INDEX ix_text ON items (workspace, version_major)"])
    safe = make_plan(db_url, md, mode="safe")
    assert not safe.steps and any("safe mode never does" in s.reason for s in safe.skipped)
    alter = make_plan(db_url, md, mode="alter")
    assert [s.kind for s in alter.steps] == ["drop_index", "create_index"]
    assert "version_major DESC" in alter.steps[1].sql
    safe_sync(db_url, md, mode="alter", env="development", yes=True)
    assert check(db_url, md).findings == []


def test_a_unique_index_made_ascending_is_found(db_url: str) -> None:
    md = sa.MetaData()
    t = sa.Table("tags", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(50)))
    sa.Index("ux_tags_name", t.c.name.desc(), unique=True)
    engine = engine_for(db_url)
    md.create_all(engine)
    engine.dispose()
    assert check(db_url, md).findings == []
    run_sql(db_url, ["DROP INDEX ux_tags_name", "CREATE UNIQUE INDEX ux_tags_name ON tags (name)"])
    found = check(db_url, md).findings
    assert sorted((f.kind, f.column) for f in found) == [("index_extra", "name"), ("index_missing", "name")]


def test_snapshot_json_round_trip_keeps_element_options_and_alternates() -> None:
    from schemaguard.schema.snapshot import dump_snapshot, schema_from_dict, schema_to_dict
    from schemaguard.sources.declared import declared_snapshot

    md, other = _models("postgresql"), sa.MetaData()
    sa.Table("items", other, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("lines", other, sa.Column("id", sa.Integer, sa.Identity(always=True), primary_key=True),
             sa.Column("total", sa.Integer, sa.Computed("id * 2")), sa.Column("note", sa.Text, comment="why"))
    snap = declared_snapshot([md, other], "postgresql")
    assert [t.name for t in snap.alternates] == ["items"]
    again = schema_from_dict(schema_to_dict(snap))
    assert again == snap and dump_snapshot(again) == dump_snapshot(snap)
    lines = again.table("lines")
    assert lines is not None
    assert [(c.identity, c.generated, c.comment) for c in lines.columns] == [
        ("always", None, None), (None, "id*2", None), (None, None, "why")]
    # A snapshot written before these fields existed still reads.
    data = schema_to_dict(snap)
    data.pop("alternates")
    for t in data["tables"]:
        for i in t["indexes"]:
            i.pop("options", None)
    assert schema_from_dict(data).alternates == ()


def test_an_ascending_and_a_descending_unique_index_on_one_column_pair_each_with_its_own(pg_url: str) -> None:
    """Found by the property test: two unique indexes and a UNIQUE on one column, one index DESC."""
    md = sa.MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"})
    t = sa.Table("id", md, sa.Column("id", sa.CHAR(1), primary_key=True), sa.UniqueConstraint("id"))
    sa.Index("ix_0_0", t.c.id, unique=True)
    sa.Index("ix_0_1", t.c.id.desc(), unique=True)
    engine = engine_for(pg_url)
    md.create_all(engine)
    engine.dispose()
    assert check(pg_url, md).findings == []
