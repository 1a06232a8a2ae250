"""Correctness at scale: the benchmark's 1,000-table drifted PostgreSQL schema gives exactly its drifts.

The same generator and drift plan as benchmarks/bench_check.py (which times it against Alembic):
mixed types, defaults, one to three foreign keys, indexes and uniques per table, and one drift in
2% of the tables, each chosen to produce exactly one finding.
"""

from __future__ import annotations

import os
from pathlib import Path

from conftest import _drop_database, bench_check

import schemaguard


def test_1000_tables_find_exactly_the_planted_drift(pg_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    n = 1000
    models = tmp_path / "models_1000.py"
    models.write_text(bench_check().generate_models(n, seed=7), encoding="utf-8")
    dbname = f"sg_scale_{os.getpid()}"
    try:
        drifts = bench_check().create_database(pg_server, dbname, models, pct=2.0, seed=7)
        result = schemaguard.check(pg_server.url(dbname), f"{models}:Base")
    finally:
        _drop_database(pg_server, dbname)
    expected = sorted((bench_check().SG_KIND[d.kind], d.table, d.column) for d in drifts)
    found = sorted((f.kind, f.table, f.column or "") for f in result.findings)
    assert len(expected) == 20
    assert found == expected
