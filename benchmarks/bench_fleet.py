"""Fleet benchmark: schema-per-tenant checks, schemaguard vs Alembic, in the same run.

Builds N tenant schemas (`tenant_0000` …) on a throwaway PostgreSQL server (tests/pgserver.py),
each with the same T tables (the models below, schema-less as multi-tenant models are), plants one
drift in every 20th tenant, then times, alternating, each as a fresh process:

- `schemaguard check --schema 'tenant_*' --jobs J --format json` for each J in --jobs;
- the peer: one Python process that imports the same models and runs Alembic's `compare_metadata`
  per tenant (search_path set to the tenant, the way Alembic users check schema-per-tenant), one
  connection, in sequence.

It checks that schemaguard finds exactly the planted drifts, and prints a Markdown table of wall
times (median of --runs), ratios against Alembic's in the same run, and peak RSS.

    python benchmarks/bench_fleet.py --tenants 200 --runs 3 --jobs 1 2 4
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

MODELS = '''\
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, Numeric, String, Text, func
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)
    email = Column(String(200), nullable=False, unique=True)
    name = Column(String(100))
    active = Column(Boolean, nullable=False, server_default="true")
    created_at = Column(DateTime(timezone=True), server_default=func.now())


class Product(Base):
    __tablename__ = "products"
    id = Column(Integer, primary_key=True)
    sku = Column(String(40), nullable=False, index=True)
    title = Column(Text)
    price = Column(Numeric(10, 2), nullable=False)


class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"), nullable=False, index=True)
    placed_at = Column(DateTime(timezone=True), server_default=func.now())
    status = Column(String(20), nullable=False, server_default="new")


class OrderLine(Base):
    __tablename__ = "order_lines"
    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True)
    product_id = Column(Integer, ForeignKey("products.id"), nullable=False)
    quantity = Column(Integer, nullable=False, server_default="1")
'''

ALEMBIC_PEER = r'''
import sys, time, importlib.util
t0 = time.perf_counter()
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.autogenerate import compare_metadata
spec = importlib.util.spec_from_file_location("fleet_models", sys.argv[1])
mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
engine = sa.create_engine(sys.argv[2])
tenants = sys.argv[3].split(",")
diffs = 0
with engine.connect() as conn:
    for schema in tenants:
        conn.exec_driver_sql(f'SET search_path TO "{schema}"')
        ctx = MigrationContext.configure(conn)
        diffs += sum(1 for _ in compare_metadata(ctx, mod.Base.metadata))
        conn.rollback()
print(diffs)
'''


def build(url: str, tenants: int) -> dict[str, str]:
    """Create the tenants with create_all per schema, then plant drift; returns schema -> drift kind."""
    import importlib.util

    import sqlalchemy as sa

    models_path = Path(tempfile.mkdtemp()) / "fleet_models.py"
    models_path.write_text(MODELS)
    spec = importlib.util.spec_from_file_location("fleet_models", models_path)
    mod = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    engine = sa.create_engine(url)
    drift: dict[str, str] = {}
    with engine.begin() as conn:
        for i in range(tenants):
            schema = f"tenant_{i:04d}"
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            conn.exec_driver_sql(f'SET search_path TO "{schema}"')
            mod.Base.metadata.create_all(conn)
            if i % 20 == 7:
                conn.exec_driver_sql("ALTER TABLE orders DROP COLUMN status")
                drift[schema] = "column_missing"
        conn.exec_driver_sql("SET search_path TO public")
    engine.dispose()
    os.environ["BENCH_FLEET_MODELS"] = str(models_path)
    return drift


def timed(argv: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB (GNU time) and stdout of a fresh process."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name, *argv], capture_output=True, text=True,
                              check=False)
        wall = time.perf_counter() - start
        rss = float(Path(tf.name).read_text().strip().splitlines()[-1]) / 1024
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall, rss, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    from pgserver import start_server  # type: ignore[import-not-found]

    server = start_server()
    try:
        url = server.url()
        t0 = time.perf_counter()
        drift = build(url, args.tenants)
        setup = time.perf_counter() - t0
        models = os.environ["BENCH_FLEET_MODELS"]
        tenants = ",".join(f"tenant_{i:04d}" for i in range(args.tenants))
        exe = str(Path(sys.executable).parent / "schemaguard")
        runs: dict[str, list[tuple[float, float]]] = {}
        found: dict[int, set[tuple[str, str]]] = {}
        for _ in range(args.runs):
            for jobs in args.jobs:
                wall, rss, out = timed([exe, "check", "-m", f"{models}:Base", "--db", url, "--schema", "tenant_*",
                                        "--jobs", str(jobs), "--format", "json"])
                runs.setdefault(f"schemaguard --jobs {jobs}", []).append((wall, rss))
                doc = json.loads(out)
                found[jobs] = {(f["target"].rsplit("#", 1)[1], f["kind"]) for f in doc["findings"]}
            wall, rss, out = timed([sys.executable, "-c", ALEMBIC_PEER, models, url, tenants])
            runs.setdefault("Alembic compare_metadata, per schema", []).append((wall, rss))
        expected = {(s, k) for s, k in drift.items()}
        peer = statistics.median(w for w, _ in runs["Alembic compare_metadata, per schema"])
        print(f"\n{args.tenants} tenant schemas x 4 tables ({args.tenants * 4} tables), {len(drift)} drifted; "
              f"setup {setup:.1f} s; median of {args.runs} run(s); PostgreSQL on 127.0.0.1, {os.cpu_count()} CPU(s)\n")
        print("| what | wall | vs Alembic | per tenant | peak RSS |")
        print("|---|---:|---:|---:|---:|")
        for name, values in runs.items():
            wall = statistics.median(w for w, _ in values)
            rss = max(r for _, r in values)
            print(f"| {name} | {wall:.2f} s | {wall / peer:.2f}× | {wall / args.tenants * 1000:.1f} ms | {rss:.0f} MB |")
        for jobs, got in found.items():
            status = "exact" if got == expected else f"MISMATCH: missing {expected - got}, extra {got - expected}"
            print(f"\nschemaguard --jobs {jobs}: {len(got)} findings, {status}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
