"""The lint registry against its docs: every code has a page with the usual sections and a row in
docs/rules/README.md, every page's example is run through the linter and must give exactly the JSON
the page shows, and every inline suppression a page shows must really suppress its kind.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from schemaguard.findings import DOCS_BASE
from schemaguard.lint import LINT_RULES, lint_alembic, lint_sql, policy_finding
from schemaguard.lint.rules import LintRule

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules"
SECTIONS = (
    "## What it catches",
    "## Why it hurts",
    "## Severity and data loss",
    "## What to do",
    "## Example",
    "## Ignoring it",
    "## See also",
)


def rule_id(rule: LintRule) -> str:
    return f"{rule.code}-{rule.kind}"


def page(rule: LintRule) -> str:
    path = DOCS / f"{rule.code}.md"
    assert path.is_file(), f"{rule.code} {rule.kind} has no page: write docs/rules/{rule.code}.md"
    return path.read_text(encoding="utf-8")


def section(text: str, title: str) -> str:
    m = re.search(rf"^{re.escape(title)}$(.*?)(?=^## |\Z)", text, flags=re.DOTALL | re.MULTILINE)
    assert m, title
    return m.group(1)


def blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```$", text, flags=re.DOTALL | re.MULTILINE)


@pytest.mark.parametrize("rule", LINT_RULES, ids=rule_id)
def test_page_has_title_and_sections(rule: LintRule) -> None:
    text = page(rule)
    assert text.splitlines()[0] == f"# {rule.code} {rule.kind}"
    missing = [s for s in SECTIONS if not re.search(rf"^{re.escape(s)}$", text, flags=re.MULTILINE)]
    assert not missing, f"docs/rules/{rule.code}.md lacks {missing}"
    assert f"Severity **{rule.severity}**" in text.splitlines()[2]


@pytest.mark.parametrize("rule", LINT_RULES, ids=rule_id)
def test_readme_row(rule: LintRule) -> None:
    readme = (DOCS / "README.md").read_text(encoding="utf-8")
    rows = [ln for ln in readme.splitlines() if ln.startswith(f"| {rule.code} |")]
    assert len(rows) == 1, f"docs/rules/README.md needs one row for {rule.code}"
    assert f"`{rule.kind}`" in rows[0] and rule.summary in rows[0]
    assert rows[0].endswith(f"| [{rule.code}]({rule.code}.md) |")


@pytest.mark.parametrize("rule", [r for r in LINT_RULES if r.reported_by == "lint"], ids=rule_id)
def test_example_is_the_real_output(rule: LintRule) -> None:
    example = section(page(rule), "## Example")
    m = re.search(r"^`([^`]+)`:$", example, flags=re.MULTILINE)
    assert m, f"{rule.code}: the example names no file"
    file = m.group(1)
    console = blocks(example, "console")[0]
    dialect = re.search(r"--dialect (\w+)", console)
    if file.endswith(".py"):
        (source,) = blocks(example, "python")
        findings = lint_alembic(source, file, dialect=dialect.group(1) if dialect else "postgresql")
    else:
        (source,) = blocks(example, "sql")
        findings = lint_sql(source, dialect=dialect.group(1) if dialect else "postgresql", file=file)
    assert f"schemaguard lint {file}" in console
    shown = [json.loads(b) for b in blocks(example, "json")]
    assert shown, f"{rule.code}: the example shows no finding"
    actual = [f.to_dict() for f in findings if f.code == rule.code]
    assert shown == actual, f"docs/rules/{rule.code}.md shows findings lint does not give (regenerate the page)"
    others = sorted({f.code for f in findings if f.code != rule.code})
    for code in others:
        assert f"[{code} " in example, f"{rule.code}: the page should mention that the file also gives {code}"
    for f in findings:
        assert f.doc_url == f"{DOCS_BASE}/{f.code}.md"


@pytest.mark.parametrize("rule", [r for r in LINT_RULES if r.reported_by == "sync"], ids=rule_id)
def test_policy_example_is_what_policy_finding_builds(rule: LintRule) -> None:
    example = section(page(rule), "## Example")
    (shown,) = [json.loads(b) for b in blocks(example, "json")]
    reason = shown["message"].split(": ", 1)[1]
    assert policy_finding(rule.kind, reason).to_dict() == shown
    assert f"sync refused ({rule.kind})" in blocks(example, "console")[0]


@pytest.mark.parametrize(
    "rule", [r for r in LINT_RULES if r.reported_by == "lint" and r.kind != "unknown_suppression"], ids=rule_id
)
def test_suppression_examples_suppress(rule: LintRule) -> None:
    ignoring = section(page(rule), "## Ignoring it")
    sql = blocks(ignoring, "sql")
    assert sql, f"{rule.code}: Ignoring it shows no SQL comment"
    for text in sql:
        assert "schemaguard: ignore" in text
        kinds = {f.kind for f in lint_sql(text)}
        assert rule.kind not in kinds and "unknown_suppression" not in kinds, (rule.code, text)
        unsuppressed = re.sub(r"(--|#) schemaguard: ignore [^\n]*", "", text)
        assert rule.kind in {f.kind for f in lint_sql(unsuppressed)}, (
            f"{rule.code}: the suppression example has nothing to suppress"
        )
    for text in blocks(ignoring, "python"):
        source = "from alembic import op\nimport sqlalchemy as sa\n\n\ndef upgrade():\n" + "".join(
            f"    {line}\n" for line in text.splitlines()
        )
        if "def db(" in text:
            source = text  # application code (a test fixture)
        kinds = {f.kind for f in lint_alembic(source)}
        assert rule.kind not in kinds and "unknown_suppression" not in kinds, (rule.code, text)
        unsuppressed = re.sub(r"# schemaguard: ignore [^\n]*", "", source)
        assert rule.kind in {f.kind for f in lint_alembic(unsuppressed)}, (rule.code, text)
