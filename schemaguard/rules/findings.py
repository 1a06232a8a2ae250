"""Findings: a judged change with a stable code, a severity, a message and a hint."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..drift.diff import Change

SEVERITIES = ("info", "warning", "error")
FAIL_ON = ("info", "warning", "error", "never")
DOCS_BASE = "https://github.com/schemaguard/schemaguard/blob/main/docs/rules"


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Finding:
    code: str
    kind: str
    severity: str
    destructive: bool
    table: str | None
    column: str | None
    declared: str | None
    live: str | None
    message: str
    hint: str
    file: str | None = None
    line: int | None = None
    # Which database/schema a finding came from when several are checked at once.
    target: str | None = None
    # lint of several databases at once: the database (postgresql, sqlite, mysql, mssql) whose
    # run of the migration gives the finding.
    database: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "kind": self.kind,
            "severity": self.severity,
            "destructive": self.destructive,
            "table": self.table,
            "column": self.column,
            "declared": self.declared,
            "live": self.live,
            "message": self.message,
            "hint": self.hint,
        }
        if self.file is not None:
            out["file"] = self.file
            out["line"] = self.line
        if self.target is not None:
            out["target"] = self.target
        if self.database is not None:
            out["database"] = self.database
        return out

    @property
    def doc_url(self) -> str:
        return f"{DOCS_BASE}/{self.code}.md"


@dataclass(frozen=True)
class Rule:
    """How one kind of change is judged and explained. One rule per file in schemaguard/rules/."""

    code: str
    kind: str
    summary: str
    severity: Callable[[Change], str]
    destructive: Callable[[Change], bool]
    message: Callable[[Change], str]
    hint: Callable[[Change], str]
    declared: Callable[[Change], str | None] = lambda c: None
    live: Callable[[Change], str | None] = lambda c: None
    # The worst severity this rule can give: the contract's floors are checked against it in tests.
    floor: str = "info"

    def judge(self, change: Change) -> Finding:
        source = _source_of(change)
        return Finding(
            code=self.code,
            kind=self.kind,
            severity=self.severity(change),
            destructive=self.destructive(change),
            table=change.table,
            column=change.column,
            declared=self.declared(change),
            live=self.live(change),
            message=self.message(change),
            hint=self.hint(change),
            file=source[0] if source else None,
            line=source[1] if source else None,
        )


def _source_of(change: Change) -> tuple[str, int | None] | None:
    for obj in (change.declared, change.declared_table):
        src = getattr(obj, "source", None)
        if src is not None:
            return src.file, src.line
    fk = change.details.get("declared_fk") if change.details else None
    src = getattr(fk, "source", None)
    if src is not None:
        return src.file, src.line
    return None


@dataclass(frozen=True)
class IgnoreRule:
    """A config `ignore` entry: kind/code and table/column glob patterns, all optional."""

    kind: str | None = None
    table: str | None = None
    column: str | None = None

    def matches(self, f: Finding) -> bool:
        if self.kind and not (fnmatch.fnmatchcase(f.kind, self.kind) or f.code == self.kind):
            return False
        if self.table and not fnmatch.fnmatchcase(f.table or "", self.table):
            return False
        if self.column and not fnmatch.fnmatchcase(f.column or "", self.column):
            return False
        return True


def apply_ignores(findings: Iterable[Finding], ignores: Sequence[IgnoreRule]) -> list[Finding]:
    return [f for f in findings if not any(i.matches(f) for i in ignores)]


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    out = {"error": 0, "warning": 0, "info": 0}
    for f in findings:
        out[f.severity] += 1
    return out


def fails(findings: Iterable[Finding], fail_on: str) -> bool:
    if fail_on == "never":
        return False
    floor = severity_rank(fail_on)
    return any(severity_rank(f.severity) >= floor for f in findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (
            f.target or "",
            f.table is not None,
            f.table or "",
            -severity_rank(f.severity),
            f.code,
            f.column or "",
        ),
    )


@dataclass
class CheckResult:
    """What `check` produced: findings plus what was compared and how long it took."""

    findings: list[Finding]
    database: str
    models: list[str] = field(default_factory=list)
    timings: dict[str, float | str] = field(default_factory=dict)
    # What the user should know that is not a finding (tables of other schemas not compared...).
    notes: list[str] = field(default_factory=list)
    # The two sides that were compared (for reports that draw them, such as the ER diagram).
    declared: Any = field(default=None, repr=False)
    live: Any = field(default=None, repr=False)
    # A fleet's targets (schemaguard.checking.fleet): one summary per database/schema checked, else None.
    targets: list[dict[str, Any]] | None = None

    @property
    def summary(self) -> dict[str, int]:
        return summarize(self.findings)

    def fails(self, fail_on: str = "warning") -> bool:
        return fails(self.findings, fail_on)


