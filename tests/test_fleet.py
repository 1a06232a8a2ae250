"""Fleets: several databases and schema-per-tenant schemas in one check, concurrently, sharded."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli_helpers import sg, write_models
from conftest import engine_for

from schemaguard.checking.fleet import Target, check_fleet, in_shard, parse_shard

MODELS = '''\
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)
    email = Column(String(200), nullable=False, index=True)


class Invoice(Base):
    __tablename__ = "invoices"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False)
    total = Column(Integer)
'''

TENANTS = 200
# The drift planted in a few tenants: (schema, finding kind, table, column).
DRIFT = {
    "tenant_007": ("column_missing", "invoices", "total"),
    "tenant_123": ("index_missing", "customers", "email"),
    "tenant_199": ("table_missing", "invoices", None),
}


def tenant_ddl(schema: str) -> list[str]:
    q = f'"{schema}"'
    ddl = [
        f"CREATE SCHEMA {q}",
        f"CREATE TABLE {q}.customers (id SERIAL PRIMARY KEY, email VARCHAR(200) NOT NULL)",
        f"CREATE INDEX ix_customers_email ON {q}.customers (email)",
        f"CREATE TABLE {q}.invoices (id SERIAL PRIMARY KEY, customer_id INTEGER NOT NULL "
        f"REFERENCES {q}.customers (id), total INTEGER)",
    ]
    kind = DRIFT.get(schema, (None,))[0]
    if kind == "column_missing":
        ddl[3] = ddl[3].replace(", total INTEGER", "")
    elif kind == "index_missing":
        ddl.pop(2)
    elif kind == "table_missing":
        ddl.pop(3)
    return ddl


@pytest.fixture
def fleet_url(pg_url: str) -> str:
    eng = engine_for(pg_url)
    with eng.begin() as conn:
        for i in range(TENANTS):
            for stmt in tenant_ddl(f"tenant_{i:03d}"):
                conn.exec_driver_sql(stmt)
        conn.exec_driver_sql("CREATE SCHEMA other")  # not a tenant: the pattern must not pick it
    eng.dispose()
    return pg_url


def max_connections_while(url: str, run: callable) -> tuple[object, int]:  # type: ignore[valid-type]
    """Run `run()` while a watcher samples how many other connections the database has."""
    eng = engine_for(url)
    seen = [0]
    stop = threading.Event()
    dbname = sa.engine.make_url(url).database

    errors: list[BaseException] = []

    def watch() -> None:
        try:
            with eng.connect() as conn:
                conn.exec_driver_sql("SET application_name = 'sg-watcher'")
                while not stop.is_set():
                    n = conn.execute(sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"),
                        {"db": dbname}).scalar()
                    conn.rollback()  # a fresh snapshot of pg_stat_activity for the next sample
                    seen[0] = max(seen[0], int(n or 0))
                    time.sleep(0.005)
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        out = run()
    finally:
        stop.set()
        watcher.join()
        eng.dispose()
    assert not errors, errors
    return out, seen[0]


def test_200_tenant_schemas_find_exactly_the_planted_drift(fleet_url: str, tmp_path: Path) -> None:
    models = f"{write_models(tmp_path, MODELS)}:Base"
    res, peak = max_connections_while(
        fleet_url, lambda: sg("check", "-m", models, "--db", fleet_url, "--schema", "tenant_*", "--jobs", "4",
                              "--format", "json"))
    assert res.exit_code == 1, res.stderr
    doc = json.loads(res.stdout)
    assert len(doc["targets"]) == TENANTS
    assert all(t["error"] is None for t in doc["targets"])
    assert {t["schema"] for t in doc["targets"]} == {f"tenant_{i:03d}" for i in range(TENANTS)}
    found = sorted((f["target"].rsplit("#", 1)[1], f["kind"], f["table"], f["column"]) for f in doc["findings"])
    assert found == sorted((s, *d) for s, d in DRIFT.items())
    assert all("***" in f["target"] or "@" not in f["target"] for f in doc["findings"])  # no password
    assert 1 <= peak <= 4, f"--jobs 4 opened {peak} connections"


def test_shards_cover_every_tenant_exactly_once(fleet_url: str, tmp_path: Path) -> None:
    models = f"{write_models(tmp_path, MODELS)}:Base"
    seen: list[str] = []
    findings = 0
    for k in (1, 2, 3):
        res = sg("check", "-m", models, "--db", fleet_url, "--schema", "tenant_*", "--shard", f"{k}/3",
                 "--jobs", "2", "--format", "json")
        assert res.exit_code in (0, 1), res.stderr
        doc = json.loads(res.stdout)
        seen += [t["schema"] for t in doc["targets"]]
        findings += len(doc["findings"])
        assert 40 <= len(doc["targets"]) <= 95  # roughly a third each
    assert sorted(seen) == [f"tenant_{i:03d}" for i in range(TENANTS)]  # every one, none twice
    assert findings == len(DRIFT)


def test_sharding_is_a_partition_that_new_targets_do_not_disturb() -> None:
    targets = [Target("db", "postgresql://app@h/db", f"tenant_{i}") for i in range(1000)]
    for n in (1, 2, 3, 7, 16):
        shards = [[t for t in targets if in_shard(t, (k, n))] for k in range(1, n + 1)]
        assert sorted(t.key for s in shards for t in s) == sorted(t.key for t in targets)
        assert all(shards)  # none empty at these sizes
    # Adding a tenant never moves another one to a different shard.
    before = {t.key: next(k for k in range(1, 8) if in_shard(t, (k, 7))) for t in targets}
    more = [*targets, Target("db", "postgresql://app@h/db", "tenant_new")]
    assert {t.key: next(k for k in range(1, 8) if in_shard(t, (k, 7))) for t in more if t.key in before} == before


@pytest.mark.parametrize("bad", ["0/3", "4/3", "2", "a/b", "1/0"])
def test_bad_shard_is_a_usage_error(bad: str, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="invalid --shard"):
        parse_shard(bad)
    res = sg("check", "-m", f"{write_models(tmp_path, MODELS)}:Base", "--db", "sqlite:///x.db", "--shard", bad)
    assert res.exit_code == 2 and "invalid --shard" in res.stderr


def test_several_databases_and_one_unreachable(pg_url: str, tmp_path: Path) -> None:
    """A SQLite file and a PostgreSQL database in one report, each finding naming its target; a
    database that cannot be reached is reported and makes the exit code 3, the others still run."""
    models_file = write_models(tmp_path, MODELS)
    lite = f"sqlite:///{tmp_path / 'a.db'}"
    md_eng = engine_for(lite)
    with md_eng.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL)")
        conn.exec_driver_sql("CREATE INDEX ix_customers_email ON customers (email)")
    md_eng.dispose()
    eng = engine_for(pg_url)
    with eng.begin() as conn:
        for stmt in tenant_ddl("public")[1:]:
            conn.exec_driver_sql(stmt.replace('"public".', ""))
    eng.dispose()
    res = sg("check", "-m", f"{models_file}:Base", "--db", lite, "--db", pg_url, "--format", "json")
    assert res.exit_code == 1, res.stderr
    doc = json.loads(res.stdout)
    assert [(f["target"], f["kind"], f["table"]) for f in doc["findings"]] == [(lite, "table_missing", "invoices")]
    assert len(doc["targets"]) == 2
    dead = "postgresql://nobody:s3cret@127.0.0.1:1/none"
    res = sg("check", "-m", f"{models_file}:Base", "--db", lite, "--db", dead, "--format", "json")
    assert res.exit_code == 3
    doc = json.loads(res.stdout)
    errors = {t["target"]: t["error"] for t in doc["targets"]}
    assert errors[lite] is None and errors["postgresql://nobody:***@127.0.0.1:1/none"]["exit_code"] == 3
    assert "s3cret" not in res.stdout + res.stderr
    assert [f["kind"] for f in doc["findings"]] == ["table_missing"]  # the reachable one still reported


def test_a_pattern_that_matches_nothing_is_a_usage_error(pg_url: str, tmp_path: Path) -> None:
    res = sg("check", "-m", f"{write_models(tmp_path, MODELS)}:Base", "--db", pg_url, "--schema", "nobody_*")
    assert res.exit_code == 2 and "no schema matches nobody_*" in res.stderr


def test_progress_is_reported_per_target_and_models_load_once(fleet_url: str, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import schemaguard.sources.declared as declared

    loads = []
    real = declared.load_target
    monkeypatch.setattr(declared, "load_target", lambda *a, **k: loads.append(1) or real(*a, **k))
    calls: list[tuple[int, int]] = []
    fleet = check_fleet([fleet_url], f"{write_models(tmp_path, MODELS)}:Base", schemas=["tenant_0*"], jobs=3,
                        progress=lambda done, total, target: calls.append((done, total)))
    assert len(fleet.outcomes) == 100
    assert calls == [(i, 100) for i in range(1, 101)]
    assert len(loads) == 1  # the models are imported once for the whole fleet
