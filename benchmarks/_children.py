"""Child processes for bench_check.py: each runs in a fresh interpreter and prints one JSON line.

    python benchmarks/_children.py alembic  URL MODELS_FILE [--count-sql]
    python benchmarks/_children.py models   MODELS_FILE
    python benchmarks/_children.py raw      URL [--full]
    python benchmarks/_children.py sgcount  URL MODELS_FILE
    python benchmarks/_children.py profile  URL MODELS_FILE OUT.md [TOP]

Kept apart from bench_check.py (and free of imports at the top) so that a child pays only for
what it measures: Python's start-up, then the tool under test.
"""

import sys
import time

T_START = time.perf_counter()


def _load_module(path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("_bench_models", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["_bench_models"] = module
    spec.loader.exec_module(module)
    return module


def _sa_url(url):
    if url.startswith("mysql://"):
        return "mysql+pymysql://" + url.split("://", 1)[1]
    return "postgresql+psycopg://" + url.split("://", 1)[1] if url.startswith("postgresql://") else url


def _counter(engine, statements):
    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        statements.append(" ".join(statement.split())[:90])


def alembic_child(url, models_file, count_sql):
    """Alembic's autogenerate comparison, as env.py does it: import, connect, compare_metadata."""
    t0 = time.perf_counter()
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    t1 = time.perf_counter()
    base = _load_module(models_file).Base
    t2 = time.perf_counter()
    engine = create_engine(_sa_url(url), poolclass=NullPool)
    statements = []
    if count_sql:
        _counter(engine, statements)
    with engine.connect() as conn:
        mc = MigrationContext.configure(conn)
        diffs = compare_metadata(mc, base.metadata)
    t3 = time.perf_counter()
    ops = {}
    for d in diffs:
        # A diff is a tuple ("add_column", ...) or a list of modify_* tuples for one column.
        for item in d if isinstance(d, list) else [d]:
            ops[item[0]] = ops.get(item[0], 0) + 1
    out = {
        "startup_to_main": t0 - T_START,
        "lib_import": t1 - t0,
        "models_import": t2 - t1,
        "import": t2 - t0,
        "compare": t3 - t2,
        "in_process_total": t3 - T_START,
        "ops": ops,
        "n_diffs": sum(ops.values()),
    }
    if count_sql:
        out["sql_statements"] = len(statements)
    print(json.dumps(out))


def models_child(models_file):
    """The floor for any tool that loads these models: SQLAlchemy and the models module, nothing else."""
    t0 = time.perf_counter()
    import sqlalchemy  # noqa: F401
    import sqlalchemy.orm  # noqa: F401

    t1 = time.perf_counter()
    base = _load_module(models_file).Base
    t2 = time.perf_counter()
    print(json.dumps({
        "lib_import": t1 - t0,
        "models_import": t2 - t1,
        "tables": len(base.metadata.tables),
        "in_process_total": t2 - T_START,
    }), flush=True)
    # A floor: leave without tearing the models down one object at a time (schemaguard does the same).
    import os

    os._exit(0)


RAW_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
  AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname, a.attnum
"""

RAW_CONSTRAINTS = """
SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid)
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
"""

RAW_INDEXES = """
SELECT c.relname, i.relname, pg_get_indexdef(x.indexrelid)
FROM pg_index x
JOIN pg_class c ON c.oid = x.indrelid
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
"""


def raw_child(url, full):
    """The floor: psycopg alone, one connection, one catalog query (or three with --full)."""
    t0 = time.perf_counter()
    import psycopg

    t1 = time.perf_counter()
    rows = 0
    with psycopg.connect(url) as conn:
        queries = [RAW_COLUMNS, RAW_CONSTRAINTS, RAW_INDEXES] if full else [RAW_COLUMNS]
        for q in queries:
            rows += len(conn.execute(q).fetchall())
    t2 = time.perf_counter()
    print(json.dumps({
        "lib_import": t1 - t0,
        "query": t2 - t1,  # connect + query + fetch
        "rows": rows,
        "queries": len(queries),
        "in_process_total": t2 - T_START,
    }))


def sgcount_child(url, models_file):
    """schemaguard's library check on an engine we own, counting every statement it sends."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from schemaguard.checking.check import check

    engine = create_engine(_sa_url(url), poolclass=NullPool)
    statements = []
    _counter(engine, statements)
    result = check(engine, f"{models_file}:Base")
    print(json.dumps({
        "sql_statements": len(statements),
        "statements": statements,
        "findings": len(result.findings),
        "timings": result.timings,
    }))


def profile_child(url, models_file, out_path, top):
    """cProfile each phase of check separately, the way compare.check runs them."""
    import cProfile
    import io
    import pstats

    sections = []

    def run(label, fn):
        prof = cProfile.Profile()
        t = time.perf_counter()
        prof.enable()
        value = fn()
        prof.disable()
        wall = time.perf_counter() - t
        sections.append((label, wall, prof))
        return value

    def imports():
        import sqlalchemy  # noqa: F401
        import sqlalchemy.dialects.postgresql  # noqa: F401

        from schemaguard import rules  # noqa: F401
        from schemaguard.checking import check  # noqa: F401

    run("import (sqlalchemy + schemaguard)", imports)
    # Public entry points only (module layout inside schemaguard changes): check() accepts
    # ready Schemas, so with both sides loaded its work is the compare phase alone.
    from schemaguard.checking.check import check, load_declared, load_live
    from schemaguard.report import render_check

    declared = run("load_models", lambda: load_declared(f"{models_file}:Base", "postgresql"))
    live = run("reflect", lambda: load_live(url, schema=declared.schema))
    result = run("compare", lambda: check(live, declared))
    found = result.findings
    run("report (json)", lambda: render_check(result, "json", timings=None))

    buf = io.StringIO()
    buf.write(f"# schemaguard profile: {len(declared.tables)} tables, {len(found)} findings\n\n")
    buf.write("cProfile per phase (profiler overhead inflates pure-Python phases ~1.5-2x; "
              "compare the shares, not the absolute times).\n")
    for label, wall, prof in sections:
        buf.write(f"\n## {label}: {wall:.3f} s under the profiler\n\n")
        for key, title in (("tottime", "own time"), ("cumulative", "cumulative")):
            s = io.StringIO()
            stats = pstats.Stats(prof, stream=s)
            stats.sort_stats(key).print_stats(top)
            lines = s.getvalue().splitlines()
            start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls")), 0)
            body = [ln for ln in lines[start:] if ln.strip()]
            buf.write(f"Top {top} by {title}:\n\n```\n" + "\n".join(_shorten(ln) for ln in body) + "\n```\n\n")
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write(buf.getvalue())
    print(json.dumps({"phases": {label: wall for label, wall, _ in sections}, "out": out_path}))


def _shorten(line):
    import re

    line = re.sub(r"/\S*/site-packages/", "", line)
    line = re.sub(r"/\S*/lib/python3\.\d+/", "", line)
    return re.sub(r"/\S*/(schemaguard/|benchmarks/)", r"\1", line)


if __name__ == "__main__":
    import json

    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "alembic":
        alembic_child(args[0], args[1], "--count-sql" in args)
    elif cmd == "models":
        models_child(args[0])
    elif cmd == "raw":
        raw_child(args[0], "--full" in args)
    elif cmd == "sgcount":
        sgcount_child(args[0], args[1])
    elif cmd == "profile":
        profile_child(args[0], args[1], args[2], int(args[3]) if len(args) > 3 else 20)
    else:
        raise SystemExit(f"unknown child {cmd!r}")
