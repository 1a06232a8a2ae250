"""The rule registry against the contract, the docs and the golden cases: no rule is half-made.

Like sqlfluff's docstring test and ruff's registry checks, this walks `schemaguard.rules` and fails
when a rule lacks a unique well-formed code, a kind from the contract, a doc page, a row in the
index, a golden case, or when any severity it really gives falls below the contract's floor.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from golden import (
    CASES_DIR,
    DRIFT_KINDS,
    NAMING_KINDS,
    apply_live,
    expected_file,
    live_sql,
    models_target,
)

from schemaguard.drift.diff import Change, diff
from schemaguard.rules import BY_CODE, BY_KIND, REDIRECTS, RULES
from schemaguard.rules.findings import DOCS_BASE, SEVERITIES, Rule, severity_rank
from schemaguard.schema.snapshot import (
    Check,
    Column,
    ForeignKey,
    Index,
    Schema,
    Table,
    UniqueConstraint,
)

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "rules"
CASES = CASES_DIR

# The finding kinds exactly as CONTRACT.md lists them (tests/golden.py copies them from the
# contract rather than importing them from the code: this is the check that the code matches it).
CONTRACT_DRIFT_KINDS = frozenset(DRIFT_KINDS)
CONTRACT_NAMING_KINDS = frozenset(NAMING_KINDS)
CONTRACT_KINDS = CONTRACT_DRIFT_KINDS | CONTRACT_NAMING_KINDS
# "table_extra, column_extra, table_missing and column_missing are at least warning."
AT_LEAST_WARNING = frozenset({"table_extra", "column_extra", "table_missing", "column_missing"})
# The keys of a finding in the contract's JSON shape.
FINDING_KEYS = frozenset(
    {
        "code",
        "kind",
        "severity",
        "destructive",
        "table",
        "column",
        "declared",
        "live",
        "message",
        "hint",
    }
)
DOC_SECTIONS = (
    "## What it catches",
    "## Why it hurts",
    "## Severity and data loss",
    "## What to do",
    "## Example",
    "## Ignoring it",
    "## See also",
)
CODE_RE = re.compile(r"^SG\d{3}$")


def contract_floor(kind: str) -> str:
    if kind in CONTRACT_NAMING_KINDS:
        return "error"
    if kind in AT_LEAST_WARNING:
        return "warning"
    return "info"


def assert_respects_floors(rule: Rule, severity: str, where: str) -> None:
    assert severity in SEVERITIES, f"{where}: {rule.code} gave severity {severity!r}"
    for name, floor in (
        ("the contract's floor", contract_floor(rule.kind)),
        ("the rule's own floor", rule.floor),
    ):
        assert severity_rank(severity) >= severity_rank(floor), (
            f"{where}: {rule.code} {rule.kind} gave {severity!r}, below {name} {floor!r}"
        )


def rule_id(rule: Rule) -> str:
    return f"{rule.code}-{rule.kind}"


# --- The registry itself ------------------------------------------------------------------------


def test_codes_are_unique_and_well_formed() -> None:
    codes = [r.code for r in RULES]
    assert len(codes) == len(set(codes)), (
        f"duplicate codes: {sorted(c for c in codes if codes.count(c) > 1)}"
    )
    bad = [c for c in codes if not CODE_RE.match(c)]
    assert not bad, f"codes must look like SG123: {bad}"


def test_kinds_are_unique() -> None:
    kinds = [r.kind for r in RULES]
    assert len(kinds) == len(set(kinds)), (
        f"duplicate kinds: {sorted(k for k in kinds if kinds.count(k) > 1)}"
    )


def test_kinds_are_exactly_the_contract_kinds() -> None:
    kinds = {r.kind for r in RULES}
    assert not CONTRACT_KINDS - kinds, (
        f"contract kinds without a rule: {sorted(CONTRACT_KINDS - kinds)}"
    )
    assert not kinds - CONTRACT_KINDS, (
        f"rules for kinds the contract does not list: {sorted(kinds - CONTRACT_KINDS)}"
    )


def test_lookup_tables_cover_every_rule() -> None:
    assert set(BY_KIND) == {r.kind for r in RULES}
    assert set(BY_CODE) == {r.code for r in RULES}
    for r in RULES:
        assert BY_KIND[r.kind] is r and BY_CODE[r.code] is r


@pytest.mark.parametrize("rule", RULES, ids=rule_id)
def test_declared_floor_respects_the_contract(rule: Rule) -> None:
    assert rule.floor in SEVERITIES, f"{rule.code}: floor {rule.floor!r} is not a severity"
    want = contract_floor(rule.kind)
    assert severity_rank(rule.floor) >= severity_rank(want), (
        f"{rule.code} {rule.kind}: floor {rule.floor!r} is below the contract's {want!r}"
    )


@pytest.mark.parametrize("rule", RULES, ids=rule_id)
def test_summary_is_one_sentence(rule: Rule) -> None:
    assert rule.summary and rule.summary.endswith(".") and "\n" not in rule.summary, rule.code


def test_redirects_point_at_existing_codes() -> None:
    for old, new in REDIRECTS.items():
        assert CODE_RE.match(old), f"REDIRECTS key {old!r} is not a code"
        assert new in BY_CODE, f"REDIRECTS[{old!r}] = {new!r}, which is not a registered code"
        assert old not in BY_CODE, (
            f"{old} is redirected but also registered: codes are never reused"
        )


# --- Docs ---------------------------------------------------------------------------------------


def _page(rule: Rule) -> str:
    path = DOCS / f"{rule.code}.md"
    assert path.is_file(), (
        f"{rule.code} {rule.kind} has no doc page: write docs/rules/{rule.code}.md"
    )
    return path.read_text(encoding="utf-8")


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, flags=re.DOTALL | re.MULTILINE)


@pytest.mark.parametrize("rule", RULES, ids=rule_id)
def test_every_rule_has_a_doc_page(rule: Rule) -> None:
    text = _page(rule)
    title = text.splitlines()[0] if text else ""
    assert title == f"# {rule.code} {rule.kind}", (
        f"docs/rules/{rule.code}.md must start with '# {rule.code} {rule.kind}', not {title!r}"
    )
    missing = [
        s for s in DOC_SECTIONS if not re.search(rf"^{re.escape(s)}$", text, flags=re.MULTILINE)
    ]
    assert not missing, f"docs/rules/{rule.code}.md lacks sections {missing}"


@pytest.mark.parametrize("rule", RULES, ids=rule_id)
def test_doc_examples_are_real_findings_of_the_rule(rule: Rule) -> None:
    findings = [json.loads(b) for b in _blocks(_page(rule), "json")]
    findings = [f for f in findings if isinstance(f, dict) and "code" in f]
    assert findings, f"docs/rules/{rule.code}.md has no example finding as a ```json block"
    for f in findings:
        assert FINDING_KEYS <= set(f), (
            f"{rule.code} example lacks keys {sorted(FINDING_KEYS - set(f))}"
        )
        assert (f["code"], f["kind"]) == (rule.code, rule.kind), (
            f"{rule.code} page shows a {f['code']} finding"
        )
        assert isinstance(f["destructive"], bool)
        assert_respects_floors(rule, f["severity"], f"docs/rules/{rule.code}.md example")


@pytest.mark.parametrize("rule", RULES, ids=rule_id)
def test_doc_ignore_examples_name_the_rule(rule: Rule) -> None:
    blocks = _blocks(_page(rule), "toml")
    assert blocks, f"docs/rules/{rule.code}.md has no ```toml ignore example"
    for block in blocks:
        data = tomllib.loads(block)
        entries = data.get("tool", {}).get("schemaguard", {}).get("ignore", data.get("ignore", []))
        assert entries, f"docs/rules/{rule.code}.md: a toml block without an ignore entry"
        for entry in entries:
            assert entry.get("kind", entry.get("code")) in (rule.kind, rule.code), entry


def test_readme_lists_every_code() -> None:
    readme = DOCS / "README.md"
    assert readme.is_file(), "docs/rules/README.md (the index of rules) is missing"
    text = readme.read_text(encoding="utf-8")
    rows = {
        m.group(1): m.group(0)
        for m in re.finditer(r"^\| (SG\d{3}) \|.*$", text, flags=re.MULTILINE)
    }
    from schemaguard.lint.rules import LINT_RULES

    every = [*RULES, *LINT_RULES]  # check's registry and lint's (operations and policies)
    missing = [r.code for r in every if r.code not in rows]
    assert not missing, f"docs/rules/README.md does not list {missing}"
    unknown = sorted(set(rows) - {r.code for r in every})
    assert not unknown, f"docs/rules/README.md lists codes that are not registered: {unknown}"
    for r in every:
        assert f"`{r.kind}`" in rows[r.code], (
            f"README row for {r.code} does not name its kind {r.kind}"
        )
        assert f"({r.code}.md)" in rows[r.code], (
            f"README row for {r.code} does not link {r.code}.md"
        )


# --- Severities the rules really give, on changes produced by the real diff ----------------------


def col(name: str, type_: str = "INTEGER", nullable: bool = True, **kw: Any) -> Column:
    return Column(name=name, type=type_, nullable=nullable, **kw)


def pk_id(**kw: Any) -> Column:
    return col("id", nullable=False, **kw)


def table(name: str, *columns: Column, **kw: Any) -> Table:
    kw.setdefault("primary_key", ("id",))
    return Table(name=name, columns=(pk_id(), *columns), **kw)


def fk(local: str, target: str, ref: str = "id", **kw: Any) -> ForeignKey:
    return ForeignKey(name=None, columns=(local,), ref_table=target, ref_columns=(ref,), **kw)


USERS = table("users")


@dataclass(frozen=True)
class Scenario:
    """Two hand-built snapshots and the kinds their diff must produce."""

    name: str
    declared: tuple[Table, ...]
    live: tuple[Table, ...]
    kinds: frozenset[str]


def _s(name: str, declared: list[Table], live: list[Table], *kinds: str) -> Scenario:
    return Scenario(name, tuple(declared), tuple(live), frozenset(kinds))


# Each severity branch of each rule at least once.
SCENARIOS = [
    _s("table missing", [USERS, table("invoices")], [USERS], "table_missing"),
    _s(
        "table renamed",
        [table("invoices", renamed_from="bills")],
        [table("bills")],
        "table_missing",
    ),
    _s("table extra", [USERS], [USERS, table("legacy_audit")], "table_extra"),
    _s("column missing, nullable", [table("users", col("nick"))], [USERS], "column_missing"),
    _s(
        "column missing, not null",
        [table("users", col("tenant", nullable=False))],
        [USERS],
        "column_missing",
    ),
    _s(
        "column renamed",
        [table("users", col("mail", renamed_from="email"))],
        [table("users", col("email"))],
        "column_missing",
    ),
    _s("column extra, nullable", [USERS], [table("users", col("legacy"))], "column_extra"),
    _s(
        "column extra, blocks inserts",
        [USERS],
        [table("users", col("tenant", nullable=False))],
        "column_extra",
    ),
    _s(
        "column extra, not null with default",
        [USERS],
        [table("users", col("t", nullable=False, default="1"))],
        "column_extra",
    ),
    _s(
        "type widening",
        [table("users", col("bio", "VARCHAR(2000)"))],
        [table("users", col("bio", "VARCHAR(500)"))],
        "type_mismatch",
    ),
    _s(
        "type narrowing",
        [table("users", col("e", "VARCHAR(100)"))],
        [table("users", col("e", "VARCHAR(255)"))],
        "type_mismatch",
    ),
    _s(
        "type across families",
        [table("users", col("age", "VARCHAR(3)"))],
        [table("users", col("age"))],
        "type_mismatch",
    ),
    _s(
        "int width",
        [table("users", col("n"))],
        [table("users", col("n", "BIGINT"))],
        "type_mismatch",
    ),
    _s(
        "database stricter",
        [table("users", col("e"))],
        [table("users", col("e", nullable=False))],
        "nullable_mismatch",
    ),
    _s(
        "model stricter",
        [table("users", col("e", nullable=False))],
        [table("users", col("e"))],
        "nullable_mismatch",
    ),
    _s(
        "defaults differ",
        [table("users", col("s", default="'a'"))],
        [table("users", col("s", default="'b'"))],
        "default_mismatch",
    ),
    _s(
        "autoincrement missing",
        [Table("orders", (col("id", nullable=False, autoincrement=True),), ("id",))],
        [Table("orders", (col("id", nullable=False),), ("id",))],
        "default_mismatch",
    ),
    _s(
        "primary key",
        [table("lines", col("n", nullable=False), primary_key=("id", "n"))],
        [table("lines", col("n", nullable=False))],
        "primary_key_mismatch",
    ),
    _s(
        "index missing",
        [table("users", col("e"), indexes=(Index("ix", ("e",)),))],
        [table("users", col("e"))],
        "index_missing",
    ),
    _s(
        "unique index missing",
        [table("users", col("e"), indexes=(Index("ux", ("e",), unique=True),))],
        [table("users", col("e"))],
        "index_missing",
    ),
    _s(
        "index extra",
        [table("users", col("e"))],
        [table("users", col("e"), indexes=(Index("ix", ("e",)),))],
        "index_extra",
    ),
    _s(
        "unique index extra",
        [table("users", col("e"))],
        [table("users", col("e"), indexes=(Index("ux", ("e",), unique=True),))],
        "index_extra",
    ),
    _s(
        "unique missing",
        [table("users", col("e"), uniques=(UniqueConstraint("uq", ("e",)),))],
        [table("users", col("e"))],
        "unique_missing",
    ),
    _s(
        "unique extra",
        [table("users", col("e"))],
        [table("users", col("e"), uniques=(UniqueConstraint("uq", ("e",)),))],
        "unique_extra",
    ),
    _s(
        "fk missing",
        [USERS, table("payments", col("user_id"), foreign_keys=(fk("user_id", "users"),))],
        [USERS, table("payments", col("user_id"))],
        "foreign_key_missing",
    ),
    _s(
        "fk extra",
        [USERS, table("payments", col("user_id"))],
        [USERS, table("payments", col("user_id"), foreign_keys=(fk("user_id", "users"),))],
        "foreign_key_extra",
    ),
    _s(
        "fk actions",
        [
            USERS,
            table(
                "payments",
                col("user_id"),
                foreign_keys=(fk("user_id", "users", ondelete="CASCADE"),),
            ),
        ],
        [USERS, table("payments", col("user_id"), foreign_keys=(fk("user_id", "users"),))],
        "foreign_key_mismatch",
    ),
    _s(
        "fk target",
        [
            USERS,
            table("admins"),
            table("payments", col("user_id"), foreign_keys=(fk("user_id", "admins"),)),
        ],
        [
            USERS,
            table("admins"),
            table("payments", col("user_id"), foreign_keys=(fk("user_id", "users"),)),
        ],
        "foreign_key_mismatch",
    ),
    _s(
        "fk target case",
        [USERS, table("payments", col("user_id"), foreign_keys=(fk("user_id", "Users"),))],
        [USERS, table("payments", col("user_id"), foreign_keys=(fk("user_id", "users"),))],
        "foreign_key_target_case",
    ),
    _s(
        "fk target case, no constraint",
        [USERS, table("payments", col("user_id"), foreign_keys=(fk("user_id", "Users"),))],
        [USERS, table("payments", col("user_id"))],
        "foreign_key_target_case",
        "foreign_key_missing",
    ),
    _s(
        "fk target table missing",
        [table("payments", col("account_id"), foreign_keys=(fk("account_id", "accounts"),))],
        [table("payments", col("account_id"))],
        "foreign_key_target_missing",
    ),
    _s(
        "fk target column missing",
        [USERS, table("payments", col("user_id"), foreign_keys=(fk("user_id", "users", "uid"),))],
        [USERS, table("payments", col("user_id"))],
        "foreign_key_target_missing",
    ),
    _s(
        "fk type",
        [
            USERS,
            table(
                "payments", col("user_id", "VARCHAR(36)"), foreign_keys=(fk("user_id", "users"),)
            ),
        ],
        [
            USERS,
            table("payments", col("user_id", "INTEGER"), foreign_keys=(fk("user_id", "users"),)),
        ],
        "foreign_key_type_mismatch",
    ),
    _s("table case", [table("Users")], [USERS], "table_name_case"),
    _s("table style", [table("EventCategories")], [table("event_categories")], "table_name_case"),
    _s(
        "column style",
        [
            USERS,
            table(
                "payments",
                col("userId"),
                indexes=(Index("ix", ("userId",)),),
                foreign_keys=(fk("userId", "users"),),
            ),
        ],
        [
            USERS,
            table(
                "payments",
                col("user_id"),
                indexes=(Index("ix", ("user_id",)),),
                foreign_keys=(fk("user_id", "users"),),
            ),
        ],
        "column_name_style",
    ),
    _s(
        "mixed tables",
        [table("user_accounts"), table("order_lines"), table("EventCategories")],
        [table("user_accounts"), table("order_lines"), table("event_categories")],
        "mixed_naming_convention",
    ),
    _s(
        "mixed columns, snake dominant",
        [table("users", col("first_name"), col("last_name"), col("assigneeId"))],
        [table("users", col("first_name"), col("last_name"), col("assignee_id"))],
        "mixed_naming_convention",
    ),
    _s(
        "mixed columns, camel dominant",
        [table("users", col("firstName"), col("lastName"), col("created_at"))],
        [table("users", col("firstName"), col("lastName"), col("createdAt"))],
        "mixed_naming_convention",
    ),
    _s(
        "check missing",
        [table("users", col("age"), checks=(Check("ck_age", "age >= 0"),))],
        [table("users", col("age"), checks=())],
        "check_missing",
    ),
    _s(
        "check extra",
        [table("users", col("age"), checks=())],
        [table("users", col("age"), checks=(Check("ck_age", "age >= 0"),))],
        "check_extra",
    ),
    _s(
        "check changed",
        [table("users", col("age"), checks=(Check("ck_age", "age >= 18"),))],
        [table("users", col("age"), checks=(Check("ck_age", "age >= 0"),))],
        "check_mismatch",
    ),
    _s(
        "enum label missing",
        [table("users", col("s", "ENUM('a', 'b')"))],
        [table("users", col("s", "ENUM('a')"))],
        "enum_label_missing",
    ),
    _s(
        "enum label extra",
        [table("users", col("s", "ENUM('a')"))],
        [table("users", col("s", "ENUM('a', 'b')"))],
        "enum_label_extra",
    ),
    _s(
        "enum labels reordered",
        [table("users", col("s", "ENUM('a', 'b')"))],
        [table("users", col("s", "ENUM('b', 'a')"))],
        "type_mismatch",
    ),
]


def _changes(sc: Scenario, flavor: str = "sqlalchemy") -> list[Change]:
    declared = Schema(dialect="postgresql", tables=sc.declared, origin="declared", flavor=flavor)
    live = Schema(dialect="postgresql", tables=sc.live, origin="live")
    return diff(declared, live)


def _judge_and_check(changes: list[Change], where: str) -> None:
    for change in changes:
        rule = BY_KIND[change.kind]
        finding = rule.judge(change)
        assert (finding.code, finding.kind) == (rule.code, rule.kind)
        assert_respects_floors(
            rule, finding.severity, f"{where}: {change.kind} on {change.table}.{change.column}"
        )
        assert isinstance(finding.destructive, bool), (
            f"{where}: {rule.code} destructive is not a bool"
        )
        assert finding.message.strip() and finding.hint.strip(), (
            f"{where}: {rule.code} without message or hint"
        )
        assert finding.doc_url == f"{DOCS_BASE}/{rule.code}.md"
        assert (DOCS / f"{rule.code}.md").is_file(), (
            f"{finding.doc_url} points at a page that does not exist"
        )


@pytest.mark.parametrize("flavor", ["sqlalchemy", "sequelize"])
@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda sc: sc.name)
def test_judged_severity_never_below_floor(sc: Scenario, flavor: str) -> None:
    changes = _changes(sc, flavor)
    produced = {c.kind for c in changes}
    assert sc.kinds <= produced, (
        f"{sc.name}: expected {sorted(sc.kinds)}, the diff produced {sorted(produced)}"
    )
    _judge_and_check(changes, sc.name)


def test_scenarios_exercise_every_kind() -> None:
    covered = {c.kind for sc in SCENARIOS for c in _changes(sc)}
    assert covered >= CONTRACT_KINDS, (
        f"kinds no scenario above produces: {sorted(CONTRACT_KINDS - covered)}"
    )


# --- Golden cases (tests/cases/<name>/, see tests/test_cases.py for the layout) ---------------


def _case_dirs() -> list[Path]:
    if not CASES.is_dir():
        return []
    return sorted(p for p in CASES.iterdir() if p.is_dir() and (p / "models.py").is_file())


def _expected_files() -> list[Path]:
    return sorted(CASES.glob("*/expected*.json")) if CASES.is_dir() else []


def _read_expected(path: Path) -> tuple[list[dict[str, Any]], str | None]:
    """(findings, xfail reason) from a list of findings, `{"findings": [...]}` or the contract's
    JSON document; a finding that carries only a code gets its kind from the registry."""
    data = json.loads(path.read_text(encoding="utf-8"))
    xfail = data.get("xfail") if isinstance(data, dict) else None
    items = data.get("findings", []) if isinstance(data, dict) else data
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and ("kind" in item or "code" in item):
            item = dict(item)
            if "kind" not in item and item["code"] in BY_CODE:
                item["kind"] = BY_CODE[item["code"]].kind
            out.append(item)
    return out, xfail


def test_every_kind_has_a_golden_case() -> None:
    files = _expected_files()
    covered: set[str] = set()
    for path in files:
        findings, xfail = _read_expected(path)
        if not xfail:  # a case the core gets wrong does not show that the rule works
            covered.update(f["kind"] for f in findings)
    missing = [f"{r.code} {r.kind}" for r in RULES if r.kind not in covered]
    if not files:
        pytest.fail(
            "no golden cases yet: tests/cases/<name>/expected*.json does not exist; every kind needs a case "
            f"that produces it. Kinds without a case: {', '.join(missing)}"
        )
    assert not missing, (
        "kinds that no golden case produces (add a case to tests/cases/ whose expected findings include "
        f"them; xfail cases do not count): {', '.join(missing)}"
    )


def test_golden_findings_respect_floors() -> None:
    files = _expected_files()
    if not files:
        pytest.skip(
            "no tests/cases/*/expected*.json yet (test_every_kind_has_a_golden_case fails for it)"
        )
    for path in files:
        where = str(path.relative_to(ROOT))
        for f in _read_expected(path)[0]:
            assert f["kind"] in BY_KIND, f"{where}: unknown kind {f['kind']!r}"
            rule = BY_KIND[f["kind"]]
            if "code" in f:
                assert f["code"] == rule.code, (
                    f"{where}: {f['kind']} carries code {f['code']}, not {rule.code}"
                )
            if "severity" in f:
                assert_respects_floors(rule, f["severity"], where)


@pytest.mark.parametrize("case", _case_dirs(), ids=lambda p: p.name)
def test_golden_case_changes_judged_at_or_above_floor(case: Path, db_url: str) -> None:
    """Run a golden case's real diff and judge every Change it yields with the registry's rules:
    no severity below a floor, and the case really produces the kinds it promises."""
    from schemaguard.checking.check import load_declared, load_live

    dialect = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    apply_live(db_url, live_sql(case, dialect).read_text(encoding="utf-8"))
    live = load_live(db_url)
    declared = load_declared(models_target(case), live.dialect)
    changes = diff(declared, live)
    _judge_and_check(changes, f"tests/cases/{case.name} on {dialect}")
    expected, xfail = _read_expected(expected_file(case, dialect))
    if not xfail:
        promised = {f["kind"] for f in expected}
        produced = {c.kind for c in changes}
        assert promised <= produced, (
            f"tests/cases/{case.name} on {dialect} promises {sorted(promised - produced)}, "
            f"which its diff does not produce"
        )
