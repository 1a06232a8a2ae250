"""Snapshots: JSON round trips byte for byte, and a check against a snapshot equals a live check."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import engine_for
from typer.testing import CliRunner

from schemaguard.checking.check import check, load_declared, load_live
from schemaguard.cli.app import app
from schemaguard.schema.snapshot import dump_snapshot, load_snapshot, schema_from_dict

MODELS = '''
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(255), unique=True)
    active: Mapped[bool] = mapped_column(server_default=sa.true())

class Payment(Base):
    __tablename__ = "payments"
    id: Mapped[int] = mapped_column(primary_key=True)
    userId: Mapped[int] = mapped_column(sa.ForeignKey("Users.id", ondelete="CASCADE"), index=True)
    amount: Mapped[float] = mapped_column(sa.Numeric(10, 2), server_default="0")
'''

LIVE = [
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(255) NOT NULL UNIQUE, "
    "active BOOLEAN DEFAULT true NOT NULL, legacy_code VARCHAR(10))",
    "CREATE TABLE payments (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), "
    "amount NUMERIC(10, 2) DEFAULT 0 NOT NULL)",
    "CREATE INDEX ix_payments_user_id ON payments (user_id)",
]


def _setup(db_url: str, tmp_path: Path) -> str:
    models = tmp_path / "models.py"
    models.write_text(MODELS)
    eng = engine_for(db_url)
    with eng.begin() as conn:
        for stmt in LIVE:
            conn.exec_driver_sql(stmt)
    eng.dispose()
    return f"{models}:Base"


def _keys(result):  # type: ignore[no-untyped-def]
    return [(f.kind, f.table, f.column, f.severity, f.declared, f.live, f.message) for f in result.findings]


def test_round_trip_is_identical(db_url: str, tmp_path: Path) -> None:
    target = _setup(db_url, tmp_path)
    live = load_live(db_url)
    declared = load_declared(target, live.dialect)
    for snap in (live, declared):
        text = dump_snapshot(snap)
        again = schema_from_dict(json.loads(text))
        assert again == snap
        assert dump_snapshot(again) == text


def test_check_against_snapshots_equals_live_check(db_url: str, tmp_path: Path) -> None:
    target = _setup(db_url, tmp_path)
    direct = check(db_url, target)
    assert direct.findings, "the scenario has drift"
    live_file = tmp_path / "live.json"
    declared_file = tmp_path / "declared.json"
    dialect = load_live(db_url).dialect
    runner = CliRunner()
    r1 = runner.invoke(app, ["snapshot", "--db", db_url, "-o", str(live_file)])
    assert r1.exit_code == 0, r1.output
    r2 = runner.invoke(app, ["snapshot", "--models", target, "--dialect", dialect, "-o", str(declared_file)])
    assert r2.exit_code == 0, r2.output
    assert _keys(check(str(live_file), target)) == _keys(direct)
    assert _keys(check(db_url, str(declared_file))) == _keys(direct)
    assert _keys(check(str(live_file), str(declared_file))) == _keys(direct)
    # The live snapshot keeps no password.
    assert "sg-test-secret" not in live_file.read_text()


def test_snapshot_dialect_mismatch_is_a_usage_error(sqlite_url: str, tmp_path: Path) -> None:
    target = _setup(sqlite_url, tmp_path)
    declared_file = tmp_path / "declared.json"
    result = CliRunner().invoke(app, ["snapshot", "--models", target, "--dialect", "postgresql", "-o", str(declared_file)])
    assert result.exit_code == 0
    out = CliRunner().invoke(app, ["check", "--models", str(declared_file), "--db", sqlite_url])
    assert out.exit_code == 2
    assert "written for postgresql but the database is sqlite" in out.stderr


def test_snapshot_needs_exactly_one_source(tmp_path: Path) -> None:
    out = CliRunner().invoke(app, ["snapshot", "-o", str(tmp_path / "x.json")])
    assert out.exit_code == 2
    assert "exactly one of --db or --models" in out.stderr


def test_not_a_snapshot_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    try:
        load_snapshot(bad)
    except Exception as exc:  # noqa: BLE001
        assert getattr(exc, "exit_code", None) == 2
        assert "not a schemaguard snapshot" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected a usage error")


def test_snapshot_rejects_an_unknown_dialect(tmp_path: Path) -> None:
    out = CliRunner().invoke(app, ["snapshot", "--models", "x.py:Base", "--dialect", "oracle", "-o", str(tmp_path / "x.json")])
    assert out.exit_code == 2
    assert "unknown dialect 'oracle'" in out.stderr
