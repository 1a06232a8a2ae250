"""Identity vs serial, generated (computed) columns and their expressions, and column comments
(compared only when asked for): on SQLite and PostgreSQL, reported under default_mismatch (how a
column gets its value) and, for comments, as notes."""

from __future__ import annotations

import sqlalchemy as sa
from conftest import engine_for

from schemaguard.checking.check import check
from schemaguard.live.reflect import reflect_live
from schemaguard.plan import make_plan


def _models(identity: bool = True, expression: str = "price * quantity", comment: str = "what it costs") -> sa.MetaData:
    md = sa.MetaData()
    key = sa.Column("id", sa.Integer, sa.Identity(), primary_key=True) if identity else sa.Column("id", sa.Integer, primary_key=True)
    sa.Table("lines", md, key, sa.Column("price", sa.Integer), sa.Column("quantity", sa.Integer),
             sa.Column("total", sa.Integer, sa.Computed(expression, persisted=True)),
             sa.Column("note", sa.String(50), comment=comment))
    return md


def _create(url: str, md: sa.MetaData) -> None:
    engine = engine_for(url)
    md.create_all(engine)
    engine.dispose()


def test_made_from_the_models_no_finding(db_url: str) -> None:
    _create(db_url, _models())
    result = check(db_url, _models(), compare_comments=True)
    assert result.findings == [] and result.notes == [], [f.message for f in result.findings] + result.notes
    total = reflect_live(db_url).table("lines").column("total")  # type: ignore[union-attr]
    assert total is not None and total.generated == "price*quantity"
    if not db_url.startswith("sqlite"):
        assert reflect_live(db_url, method="catalog") == reflect_live(db_url, method="inspector")


def test_a_changed_expression_and_a_plain_column_are_default_mismatch(db_url: str) -> None:
    _create(db_url, _models())
    changed = check(db_url, _models(expression="price + quantity")).findings
    assert [(f.kind, f.column) for f in changed] == [("default_mismatch", "total")]
    assert "GENERATED ALWAYS AS (price+quantity)" in changed[0].message
    plain = sa.MetaData()
    for t in _models().sorted_tables:
        copy = t.to_metadata(plain)
    copy = plain.tables["lines"]
    copy.c.total.computed = None
    copy.c.total.server_default = None
    found = check(db_url, plain).findings
    assert [(f.kind, f.column) for f in found] == [("default_mismatch", "total")]
    assert "a plain column" in found[0].message


def test_identity_against_serial_on_postgresql(pg_url: str) -> None:
    _create(pg_url, _models(identity=False))  # SERIAL
    found = check(pg_url, _models(identity=True)).findings
    assert [(f.kind, f.column) for f in found] == [("default_mismatch", "id")]
    assert "IDENTITY" in found[0].message and "serial" in found[0].message
    plan = make_plan(pg_url, _models(identity=True), mode="alter")
    assert not plan.steps and any("identity" in s.reason for s in plan.skipped)


def test_comments_only_when_asked(pg_url: str) -> None:
    _create(pg_url, _models())
    assert check(pg_url, _models(comment="other")).notes == []
    notes = check(pg_url, _models(comment="other"), compare_comments=True).notes
    assert notes == ["comment of lines.note differs: the model says 'other', the database 'what it costs'"]


def test_a_missing_generated_column_is_never_added_as_a_plain_one(db_url: str) -> None:
    md = _models()
    bare = sa.MetaData()
    t = md.tables["lines"].to_metadata(bare)
    t._columns.remove(t.c.total)  # the database without the generated column
    _create(db_url, bare)
    plan = make_plan(db_url, md, mode="safe")
    if db_url.startswith("sqlite"):
        assert not plan.steps and any("STORED generated column" in s.reason for s in plan.skipped)
    else:
        (step,) = plan.steps
        assert "GENERATED ALWAYS AS (price * quantity) STORED" in step.sql
