#!/usr/bin/env python
"""Benchmark `schemaguard lint` against squawk (https://squawkhq.com), PostgreSQL SQL only.

    python benchmarks/bench_lint.py [--squawk PATH] [--runs 7] [--statements 1000] [--out FILE]

Two parts, in the same run:

1. Timing. A generated PostgreSQL migration of --statements statements (every operation kind lint
   knows, and safe statements, in a seeded mix) is linted by
     sg-inproc   schemaguard.lint.lint_paths() in this process (after one warm-up call)
     sg-process  `schemaguard lint FILE --format json` as a fresh process (the console script when
                 it has the lint command, else `python -m schemaguard.lint lint ...`)
     squawk      `squawk --reporter json FILE` as a fresh process (the native binary)
     python      `python -c pass`: the interpreter's own start-up, the floor of sg-process
   each --runs times in rotating order; the table gives medians and the ratio to squawk.

2. Side by side. Both tools lint every file of benchmarks/lint_corpus/. Squawk's rules are mapped to
   schemaguard's operation kinds; a finding counts once per statement and kind (squawk reports some
   rules once per statement, schemaguard once per table or column). The table gives, per kind, the
   statements each tool flags, how many both flag, and each tool's own; every disagreement is listed
   with its statement so it can be explained. Squawk rules with no schemaguard kind are counted apart.

Squawk is looked for in --squawk, $SQUAWK, the PATH, then /tmp/squawk (npm install squawk-cli there).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = HERE / "lint_corpus"
sys.path.insert(0, str(REPO))

from schemaguard.lint import lint_paths  # noqa: E402
from schemaguard.lint.rules import OPERATION_KINDS  # noqa: E402
from schemaguard.lint.sql import statement_lines  # noqa: E402

# squawk rule -> schemaguard kind. Squawk's changing-column-type cannot tell narrowing from other
# changes (it never knows the old type), so both type kinds are compared as one row.
TYPE_CHANGE = "narrowing_type_change + column_type_change"
SQUAWK_TO_KIND = {
    "ban-drop-table": "drop_table",
    "ban-drop-column": "drop_column",
    "changing-column-type": TYPE_CHANGE,
    "adding-not-nullable-field": "set_not_null",
    "adding-required-field": "add_not_null_column_without_default",
    "renaming-table": "rename_table",
    "renaming-column": "rename_column",
    "require-concurrent-index-creation": "create_index_blocking",
    "disallowed-unique-constraint": "create_index_blocking",
    "adding-foreign-key-constraint": "add_foreign_key_validating",
    "ban-truncate-cascade": "truncate_table",
    "ban-drop-database": "drop_schema",
}
KIND_ROW = {k: (TYPE_CHANGE if k in ("narrowing_type_change", "column_type_change") else k)
            for k in OPERATION_KINDS}
ROWS = list(dict.fromkeys(KIND_ROW[k] for k in OPERATION_KINDS))


# --- the generated migration ---------------------------------------------------------------------

HAZARDS = [
    "DROP TABLE legacy_{n};",
    "ALTER TABLE t_{n} DROP COLUMN old_code;",
    "ALTER TABLE t_{n} ADD COLUMN nick varchar(255);\nALTER TABLE t_{n} ALTER COLUMN nick TYPE varchar(40);",
    "ALTER TABLE t_{n} ALTER COLUMN counter TYPE bigint;",
    "ALTER TABLE t_{n}\n    ALTER COLUMN email SET NOT NULL;",
    "ALTER TABLE t_{n} ADD COLUMN tenant_id bigint NOT NULL;",
    "ALTER TABLE t_{n} RENAME TO t_{n}_v2;",
    "ALTER TABLE t_{n} RENAME COLUMN name TO full_name;",
    "CREATE INDEX ix_t_{n}_email ON t_{n} (email);",
    "ALTER TABLE t_{n} ADD CONSTRAINT fk_t_{n}_user FOREIGN KEY (user_id) REFERENCES users (id);",
    "TRUNCATE t_{n};",
    "DELETE FROM t_{n};",
    "DROP SCHEMA s_{n} CASCADE;",
    "DROP SCHEMA r_{n} CASCADE;\nCREATE SCHEMA r_{n};",
]
SAFE = [
    "CREATE TABLE n_{n} (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    name text NOT NULL\n);",
    "CREATE INDEX CONCURRENTLY ix_t_{n}_created ON t_{n} (created_at);",
    "ALTER TABLE t_{n} ADD COLUMN note text;",
    "ALTER TABLE t_{n} ADD COLUMN flag boolean NOT NULL DEFAULT false;",
    "UPDATE t_{n} SET note = '' WHERE note IS NULL;",
    "ALTER TABLE t_{n} ADD CONSTRAINT fk_t_{n}_org FOREIGN KEY (org_id) REFERENCES orgs (id) NOT VALID;",
    "ALTER TABLE t_{n} VALIDATE CONSTRAINT fk_t_{n}_org;",
    "DELETE FROM t_{n} WHERE created_at < now() - interval '90 days';",
    "COMMENT ON TABLE t_{n} IS 'table {n}; see the wiki';",
    "-- schemaguard: ignore drop_table -- retired\nDROP TABLE archive_{n};",
    "INSERT INTO audit (what) VALUES ('migration {n}');",
    "ALTER TABLE t_{n} ALTER COLUMN bio TYPE text;",
    "CREATE TABLE c_{n} (id bigint PRIMARY KEY);\nCREATE INDEX ix_c_{n} ON c_{n} (id);",
    "SELECT pg_sleep(0);",
]


def generate(statements: int, seed: int = 4) -> str:
    """A migration of exactly `statements` statements: about one hazard for every two safe ones."""
    rng = random.Random(seed)
    out: list[str] = [f"-- generated by benchmarks/bench_lint.py (seed {seed})"]
    count = 0
    n = 0
    while count < statements:
        n += 1
        template = HAZARDS[n % len(HAZARDS)] if n % 3 == 0 else rng.choice(SAFE)
        sql = template.format(n=n)
        size = len(statement_lines(sql))
        if count + size > statements:
            sql, size = f"SELECT {n};", 1
        out.append(sql)
        count += size
    return "\n".join(out) + "\n"


# --- running things -------------------------------------------------------------------------------


def find_squawk(given: str | None) -> str | None:
    for candidate in (given, os.environ.get("SQUAWK"), shutil.which("squawk"),
                      "/tmp/squawk/node_modules/@squawk-cli/linux-x64/bin/squawk",
                      "/tmp/squawk/node_modules/.bin/squawk"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def sg_command() -> tuple[list[str], str]:
    script = Path(sys.executable).parent / "schemaguard"
    if script.exists():
        probe = subprocess.run([str(script), "lint", "--help"], capture_output=True, text=True, check=False)
        if probe.returncode == 0:
            return [str(script), "lint"], "schemaguard lint"
    return [sys.executable, "-m", "schemaguard.lint", "lint"], "python -m schemaguard.lint lint"


def timed(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, proc


def squawk_findings(squawk: str, files: list[Path]) -> list[dict[str, Any]]:
    proc = subprocess.run([squawk, "--reporter", "json", *map(str, files)], capture_output=True,
                          text=True, check=False)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"squawk failed ({proc.returncode}): {proc.stderr.strip()}")
    return list(json.loads(proc.stdout or "[]"))


def timing(path: Path, runs: int, squawk: str | None) -> tuple[str, dict[str, Any]]:
    sg_cmd, sg_label = sg_command()
    cmds: dict[str, list[str]] = {
        "sg-process": [*sg_cmd, str(path), "--format", "json", "--fail-on", "never"],
        "python": [sys.executable, "-c", "pass"],
    }
    if squawk:
        cmds["squawk"] = [squawk, "--reporter", "json", str(path)]
    times: dict[str, list[float]] = defaultdict(list)
    lint_paths([path])  # warm-up: imports, first parse
    for cmd in cmds.values():
        timed(cmd)
    names = list(cmds)
    for i in range(runs):
        start = time.perf_counter()
        lint_paths([path])
        times["sg-inproc"].append(time.perf_counter() - start)
        for name in names[i % len(names):] + names[: i % len(names)]:
            elapsed, proc = timed(cmds[name])
            if name == "sg-process" and proc.returncode != 0:
                raise SystemExit(f"{sg_label} failed: {proc.stderr.strip()}")
            times[name].append(elapsed)
    medians = {k: statistics.median(v) for k, v in times.items()}
    sg_count = len(lint_paths([path]).findings)
    info: dict[str, Any] = {"medians": medians, "sg_label": sg_label, "sg_findings": sg_count}
    if squawk:
        info["squawk_findings"] = len(squawk_findings(squawk, [path]))
    return sg_label, info


def compare(squawk: str) -> dict[str, Any]:
    files = sorted(CORPUS.glob("*.sql"))
    spans: dict[str, list[tuple[int, int]]] = {}
    texts: dict[str, list[str]] = {}
    for f in files:
        text = f.read_text(encoding="utf-8")
        spans[f.name] = statement_lines(text)
        texts[f.name] = text.splitlines()

    def statement_of(file: str, line: int) -> int:
        for first, last in spans[file]:
            if first <= line <= last:
                return first
        return line

    sg: set[tuple[str, int, str]] = set()
    sg_findings = Counter()
    for f in lint_paths(files).findings:
        name = Path(f.file or "").name
        row = KIND_ROW.get(f.kind)
        if row is None:
            continue
        sg.add((name, statement_of(name, f.line or 0), row))
        sg_findings[row] += 1
    sq: set[tuple[str, int, str]] = set()
    unmapped: Counter[str] = Counter()
    for item in squawk_findings(squawk, files):
        name = Path(item["file"]).name
        row = SQUAWK_TO_KIND.get(item["rule_name"])
        if row is None:
            unmapped[item["rule_name"]] += 1
            continue
        sq.add((name, statement_of(name, int(item["line"]) + 1), row))
    rows = []
    for row in ROWS:
        a = {x for x in sq if x[2] == row}
        b = {x for x in sg if x[2] == row}
        rows.append((row, len(a), len(b), len(a & b), len(a - b), len(b - a), sg_findings[row]))

    def show(items: set[tuple[str, int, str]]) -> list[str]:
        out = []
        for file, line, row in sorted(items):
            stmt = " ".join(texts[file][line - 1].split())
            out.append(f"`{file}:{line}` {row}: `{stmt[:90]}`")
        return out

    return {
        "rows": rows,
        "squawk_only": show(sq - sg),
        "sg_only": show(sg - sq),
        "unmapped": unmapped,
        "files": len(files),
        "statements": sum(len(v) for v in spans.values()),
    }


def squawk_version(squawk: str) -> str:
    proc = subprocess.run([squawk, "--version"], capture_output=True, text=True, check=False)
    return proc.stdout.strip() or "unknown"


def report(args: argparse.Namespace) -> str:
    squawk = find_squawk(args.squawk)
    import pglast
    import sqlglot

    out = [
        f"Run: {time.strftime('%Y-%m-%d')}, {platform.platform()}, Python {platform.python_version()}, "
        f"pglast {pglast.__version__}, sqlglot {sqlglot.__version__}, "
        f"squawk: {squawk_version(squawk) if squawk else 'not found'}.",
        "",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "migration_1000.sql"
        text = generate(args.statements)
        path.write_text(text, encoding="utf-8")
        if args.keep:
            Path(args.keep).write_text(text, encoding="utf-8")
        n_statements = len(statement_lines(text))
        label, info = timing(path, args.runs, squawk)
    m = info["medians"]
    out += [
        f"### Timing: one file of {n_statements:,} statements ({len(text.splitlines()):,} lines), "
        f"median of {args.runs} runs",
        "",
        "| what | median | vs squawk |",
        "|---|---:|---:|",
    ]

    def ratio(x: float) -> str:
        return f"{x / m['squawk']:.1f}×" if "squawk" in m else "–"

    out.append(f"| schemaguard, in-process (`lint_paths`) | {m['sg-inproc'] * 1000:.0f} ms | {ratio(m['sg-inproc'])} |")
    out.append(f"| schemaguard, whole process (`{label}`) | {m['sg-process'] * 1000:.0f} ms | {ratio(m['sg-process'])} |")
    if "squawk" in m:
        out.append(f"| squawk, whole process (native binary) | {m['squawk'] * 1000:.0f} ms | 1.0× |")
    out.append(f"| `python -c pass` (interpreter start-up alone) | {m['python'] * 1000:.0f} ms | {ratio(m['python'])} |")
    out += ["", f"Findings on that file: schemaguard {info['sg_findings']}"
            + (f", squawk {info['squawk_findings']} (all rules, including style rules)" if squawk else "") + ".", ""]
    if not squawk:
        out.append("squawk was not found: the side-by-side table needs it (npm install squawk-cli).")
        return "\n".join(out) + "\n"
    cmp_ = compare(squawk)
    out += [
        f"### Side by side: {cmp_['files']} files of `benchmarks/lint_corpus/`, {cmp_['statements']} statements",
        "",
        "Statements flagged per kind (a statement counts once per kind; schemaguard's own finding count, "
        "one per table or column, in the last column).",
        "",
        "| kind | squawk | schemaguard | both | squawk only | schemaguard only | schemaguard findings |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    totals = [0] * 6
    for row, *nums in cmp_["rows"]:
        out.append(f"| `{row}` | " + " | ".join(str(n) for n in nums) + " |")
        totals = [t + n for t, n in zip(totals, nums, strict=True)]
    out.append("| **total** | " + " | ".join(f"**{n}**" for n in totals) + " |")
    out += ["", "Flagged by squawk only:", ""]
    out += [f"- {line}" for line in cmp_["squawk_only"]] or ["- (none)"]
    out += ["", "Flagged by schemaguard only:", ""]
    out += [f"- {line}" for line in cmp_["sg_only"]] or ["- (none)"]
    out += ["", "Squawk rules with no schemaguard kind (findings): "
            + ", ".join(f"`{k}` {v}" for k, v in sorted(cmp_["unmapped"].items())), ""]
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--squawk", help="path of the squawk binary")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--statements", type=int, default=1000)
    parser.add_argument("--keep", metavar="FILE", help="also write the generated migration here")
    parser.add_argument("--out", metavar="FILE", help="write the Markdown report here too")
    args = parser.parse_args()
    text = report(args)
    sys.stdout.write(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
