"""The lint registry against its docs: every code has a page with the usual sections and a row in
docs/rules/README.md, every page's example is run through the linter and must give exactly the JSON
the page shows, and every inline suppression a page shows must really suppress its kind.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from schemaguard.lint import LINT_RULES, lint_alembic, lint_javascript, lint_sql, policy_finding
from schemaguard.lint.rules import LintRule
from schemaguard.rules.findings import DOCS_BASE, Finding

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


_LANGS = {".py": "python", ".sql": "sql", ".js": "javascript", ".ts": "typescript"}


def lint_example(file: str, source: str, dialect: str) -> list[Finding]:
    if file.endswith(".py"):
        return lint_alembic(source, file, dialect=dialect)
    if file.endswith((".js", ".ts")):
        return lint_javascript(source, file, dialect=dialect)
    return lint_sql(source, dialect=dialect, file=file)


@pytest.mark.parametrize("rule", [r for r in LINT_RULES if r.reported_by == "lint"], ids=rule_id)
def test_example_is_the_real_output(rule: LintRule) -> None:
    """An example names a file (`path`:), shows its source, the command, and the findings; a page
    may show several such files, each checked on its own."""
    example = section(page(rule), "## Example")
    heads = list(re.finditer(r"^`([^`]+)`:$", example, flags=re.MULTILINE))
    assert heads, f"{rule.code}: the example names no file"
    for i, m in enumerate(heads):
        file = m.group(1)
        part = example[m.start(): heads[i + 1].start() if i + 1 < len(heads) else len(example)]
        console = blocks(part, "console")[0]
        dialect = re.search(r"--dialect (\w+)", console)
        lang = _LANGS[Path(file).suffix]
        (source,) = blocks(part, lang)
        findings = lint_example(file, source, dialect.group(1) if dialect else "postgresql")
        assert f"schemaguard lint {file}" in console
        shown = [json.loads(b) for b in blocks(part, "json")]
        assert shown, f"{rule.code}: the example of {file} shows no finding"
        actual = [f.to_dict() for f in findings if f.code == rule.code]
        assert shown == actual, f"docs/rules/{rule.code}.md shows findings lint does not give for {file} (regenerate the page)"
        others = sorted({f.code for f in findings if f.code != rule.code})
        for code in others:
            assert f"[{code} " in part, f"{rule.code}: the page should mention that {file} also gives {code}"
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
    for text in blocks(ignoring, "javascript") + blocks(ignoring, "typescript"):
        kinds = {f.kind for f in lint_javascript(text, "example.ts")}
        assert rule.kind not in kinds and "unknown_suppression" not in kinds, (rule.code, text)
        unsuppressed = re.sub(r"(//|/\*) schemaguard: ignore [^\n]*", "", text)
        assert rule.kind in {f.kind for f in lint_javascript(unsuppressed, "example.ts")}, (rule.code, text)
