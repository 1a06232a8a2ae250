"""Golden case folders (tests/cases/<name>/): reading a case and loading its live schema.

Shared by the case runner (test_cases.py) and the rule registry's checks (test_rules_registry.py).
"""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path
from typing import Any

from conftest import engine_for

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if p.is_dir() and (p / "models.py").is_file())
DIALECTS = ("sqlite", "postgresql", "mysql")

# Copied from CONTRACT.md, not imported from the code: the tests check the code against these.
DRIFT_KINDS = {
    "table_missing",
    "table_extra",
    "column_missing",
    "column_extra",
    "type_mismatch",
    "nullable_mismatch",
    "default_mismatch",
    "primary_key_mismatch",
    "index_missing",
    "index_extra",
    "unique_missing",
    "unique_extra",
    "foreign_key_missing",
    "foreign_key_extra",
    "foreign_key_mismatch",
    "check_missing",
    "check_extra",
    "check_mismatch",
    "enum_label_missing",
    "enum_label_extra",
}
NAMING_KINDS = {
    "table_name_case",
    "column_name_style",
    "foreign_key_target_case",
    "foreign_key_target_missing",
    "foreign_key_type_mismatch",
    "mixed_naming_convention",
}
REQUIRED = ("kind", "table", "column", "severity")
OPTIONAL = ("destructive", "declared", "live")



def case_dirs() -> list[Path]:
    return [CASES_DIR / name for name in CASES]


def dialect_of(url: str) -> str:
    if url.startswith("mysql"):
        return "mysql"
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def unsupported(case: Path, dialect: str) -> str | None:
    """Why a case cannot run on a backend (`skip.<dialect>` in its folder holds the reason), or None."""
    marker = case / f"skip.{dialect}"
    return marker.read_text(encoding="utf-8").strip() or "no reason given" if marker.is_file() else None


def live_sql(case: Path, dialect: str) -> Path:
    specific = case / f"live.{dialect}.sql"
    return specific if specific.is_file() else case / "live.sql"


def expected_file(case: Path, dialect: str) -> Path:
    specific = case / f"expected.{dialect}.json"
    return specific if specific.is_file() else case / "expected.json"


def load_expected(path: Path) -> tuple[list[dict[str, Any]], str | None]:
    """(findings, xfail reason or None), validated so that a typo cannot make a case pass."""
    data = json.loads(path.read_text(encoding="utf-8"))
    xfail = None
    if isinstance(data, dict):
        assert set(data) <= {"findings", "xfail"}, (
            f"{path}: unknown keys {set(data) - {'findings', 'xfail'}}"
        )
        xfail = data.get("xfail")
        assert xfail is None or (isinstance(xfail, str) and xfail.strip()), (
            f"{path}: xfail needs a reason"
        )
        data = data.get("findings")
    assert isinstance(data, list), f"{path}: expected a list of findings"
    for entry in data:
        assert isinstance(entry, dict), f"{path}: {entry!r} is not an object"
        missing = [k for k in REQUIRED if k not in entry]
        assert not missing, f"{path}: {entry} lacks {missing}"
        unknown = set(entry) - set(REQUIRED) - set(OPTIONAL)
        assert not unknown, f"{path}: {entry} has unknown keys {unknown}"
        assert entry["kind"] in DRIFT_KINDS | NAMING_KINDS, (
            f"{path}: unknown kind {entry['kind']!r}"
        )
        assert entry["severity"] in ("error", "warning", "info"), f"{path}: bad severity in {entry}"
    return data, xfail


def models_target(case: Path) -> str:
    """`path/to/models.py:Base`, or `:metadata` when the file declares no Base."""
    tree = ast.parse((case / "models.py").read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    attr = "Base" if "Base" in names else "metadata"
    assert attr in names, f"{case}/models.py defines neither Base nor metadata"
    return f"{case / 'models.py'}:{attr}"


def apply_live(url: str, script: str) -> None:
    """Run the live schema script on a fresh database, as one script (names may hold `;`)."""
    if dialect_of(url) == "sqlite":
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            conn.executescript(script)
        finally:
            conn.close()
        return
    if dialect_of(url) == "mysql":
        _apply_mysql(url, script)
        return
    eng = engine_for(url)
    try:
        raw = eng.raw_connection()
        try:
            with raw.cursor() as cur:
                cur.execute(script)
            raw.commit()
        finally:
            raw.close()
    finally:
        eng.dispose()


def _apply_mysql(url: str, script: str) -> None:
    """The script in one go (names may hold `;`), standard SQL's double-quoted names understood."""
    import pymysql
    from pymysql.constants import CLIENT
    from sqlalchemy.engine import make_url

    u = make_url(url)
    conn = pymysql.connect(host=u.host, port=u.port, user=u.username, password=u.password,
                           database=u.database, client_flag=CLIENT.MULTI_STATEMENTS, autocommit=True)
    try:
        with conn.cursor() as cur:
            cur.execute("SET SESSION sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES')")
            cur.execute(script)
            while cur.nextset():
                pass
    finally:
        conn.close()


# --- comparing ---------------------------------------------------------------------------------
