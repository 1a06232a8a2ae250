"""Golden cases: every folder in tests/cases/ is one declared schema, one live schema and the exact
findings `check` must give, run on SQLite, PostgreSQL and MariaDB.

A case folder holds:
- `models.py`: the declared side, defining `Base` (a declarative base) or `metadata`.
- `live.sql`: the live schema, portable SQL applied as one script to a fresh database; or
  `live.sqlite.sql` / `live.postgresql.sql` / `live.mysql.sql` when a backend needs its own DDL
  (MariaDB runs `live.sql` with ANSI_QUOTES, so standard double-quoted names work there).
- `expected.json`: the findings, a list of objects with `kind`, `table`, `column`, `severity` and
  optionally `destructive`, `declared`, `live` (left out: not compared). `expected.sqlite.json` /
  `expected.postgresql.json` / `expected.mysql.json` override it for one backend; a case that has any override explains
  why in its README.md. Instead of a list, a file may hold `{"xfail": "<core bug>", "findings": [...]}`
  to mark a case the core currently gets wrong; the findings are still the right ones.
- `skip.<dialect>`: the reason a backend cannot run the case as written (the case is skipped there).

The comparison is exact: a finding that is not expected fails the case just like a missing one.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from golden import (
    CASES,
    CASES_DIR,
    DIALECTS,
    DRIFT_KINDS,
    NAMING_KINDS,
    OPTIONAL,
    REQUIRED,
    apply_live,
    dialect_of,
    expected_file,
    live_sql,
    load_expected,
    models_target,
    unsupported,
)

import schemaguard

# --- reading a case ----------------------------------------------------------------------------


def as_dict(f: schemaguard.Finding) -> dict[str, Any]:
    return {k: getattr(f, k) for k in (*REQUIRED, *OPTIONAL)}


def matches(expected: dict[str, Any], actual: dict[str, Any]) -> bool:
    return all(actual[k] == v for k, v in expected.items())


def unmatched(
    expected: list[dict[str, Any]], actual: list[dict[str, Any]]
) -> tuple[list[Any], list[Any]]:
    """A maximum one-to-one matching (Kuhn's algorithm): what is left over on each side."""
    owner: dict[int, int] = {}  # actual index -> expected index

    def augment(e: int, seen: set[int]) -> bool:
        for a, act in enumerate(actual):
            if a in seen or not matches(expected[e], act):
                continue
            seen.add(a)
            if a not in owner or augment(owner[a], seen):
                owner[a] = e
                return True
        return False

    for e in range(len(expected)):
        augment(e, set())
    matched_e = set(owner.values())
    return (
        [x for i, x in enumerate(expected) if i not in matched_e],
        [x for i, x in enumerate(actual) if i not in owner],
    )


def describe(findings: list[dict[str, Any]]) -> str:
    return "\n".join("  " + json.dumps(f, ensure_ascii=False) for f in findings) or "  (none)"


# --- the golden test ---------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql", pytest.param("mysql", marks=pytest.mark.mysql)])
def case_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A fresh, empty database on each backend the cases run on."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'live.db'}"
    return str(request.getfixturevalue("pg_url" if request.param == "postgresql" else "mysql_url"))


@pytest.mark.parametrize("case", CASES)
def test_case(case: str, case_url: str, request: pytest.FixtureRequest) -> None:
    db_url = case_url
    folder = CASES_DIR / case
    dialect = dialect_of(db_url)
    reason = unsupported(folder, dialect)
    if reason:
        pytest.skip(reason)
    expected, xfail = load_expected(expected_file(folder, dialect))
    if xfail:
        request.applymarker(pytest.mark.xfail(reason=xfail, strict=True))

    apply_live(db_url, live_sql(folder, dialect).read_text(encoding="utf-8"))
    result = schemaguard.check(db_url, models_target(folder))

    actual = [as_dict(f) for f in result.findings]
    missing, extra = unmatched(expected, actual)
    assert not missing and not extra, (
        f"case {case} on {dialect}:\nexpected but not found:\n{describe(missing)}\n"
        f"found but not expected:\n{describe(extra)}\nall findings:\n"
        + "\n".join(f"  {f.kind} {f.table}.{f.column}: {f.message}" for f in result.findings)
    )
    # Every finding is complete enough for a user to act on.
    for f in result.findings:
        assert f.code.startswith("SG") and f.message and f.hint, f


# --- the cases themselves ----------------------------------------------------------------------


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES)
def test_case_folder_is_well_formed(case: str) -> None:
    folder = CASES_DIR / case
    allowed = {"models.py", "live.sql", "expected.json", "README.md", "__pycache__"}
    allowed |= {f"live.{d}.sql" for d in DIALECTS} | {f"expected.{d}.json" for d in DIALECTS}
    allowed |= {f"skip.{d}" for d in DIALECTS}  # why a backend cannot run the case (golden.unsupported)
    names = {p.name for p in folder.iterdir()}
    assert names <= allowed, f"unexpected files in {folder}: {names - allowed}"
    for dialect in DIALECTS:
        assert live_sql(folder, dialect).is_file(), f"{case}: no live SQL for {dialect}"
        assert expected_file(folder, dialect).is_file(), (
            f"{case}: no expected findings for {dialect}"
        )
        load_expected(expected_file(folder, dialect))
    overrides = [n for n in names if n.count(".") == 2]
    if overrides:
        readme = folder / "README.md"
        assert readme.is_file(), (
            f"{case} has per-dialect files {overrides} but no README.md saying why"
        )
        assert len(readme.read_text(encoding="utf-8").strip()) > 80
    models_target(folder)


def test_every_finding_kind_of_the_contract_has_a_case() -> None:
    seen: set[str] = set()
    for case in CASES:
        for dialect in DIALECTS:
            findings, xfail = load_expected(expected_file(CASES_DIR / case, dialect))
            if not xfail:
                seen.update(f["kind"] for f in findings)
    assert DRIFT_KINDS | NAMING_KINDS <= seen, (
        f"no passing case for {sorted(DRIFT_KINDS | NAMING_KINDS - seen)}"
    )


def test_matching_is_exact_in_both_directions() -> None:
    """The comparison itself: an extra or a missing finding is caught, omitted keys are wildcards."""
    a = {
        "kind": "column_extra",
        "table": "t",
        "column": "c",
        "severity": "warning",
        "destructive": True,
        "declared": None,
        "live": "TEXT",
    }
    b = {**a, "column": "d"}
    assert unmatched([a], [a]) == ([], [])
    assert unmatched([a], [a, b]) == ([], [b])
    assert unmatched([a, b], [a]) == ([b], [])
    loose = {k: a[k] for k in REQUIRED}
    assert unmatched([loose, a], [a, a]) == ([], [])
    assert unmatched([loose], [{**a, "severity": "error"}])[0] == [loose]
