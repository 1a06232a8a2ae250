"""SARIF 2.1.0: one rule per code with a help URI to its doc page, one result per finding."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .. import __version__

if TYPE_CHECKING:
    from ..rules.findings import Finding

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"


def _default_severity(rule: Any) -> str:
    """A lint rule's severity, or the worst a check rule can give (its contract floor)."""
    severity = getattr(rule, "severity", None)
    if isinstance(severity, str):
        return severity
    return str(getattr(rule, "floor", "warning"))


def findings_sarif(findings: Iterable[Finding], *, tool_command: str) -> str:
    from ..lint.rules import BY_CODE as LINT_CODES
    from ..rules import BY_CODE
    from ..rules.findings import DOCS_BASE

    items = list(findings)
    codes = sorted({f.code for f in items})
    rules = []
    for code in codes:
        # check's rules (SG1xx, SG2xx) and lint's operations and policies (SG3xx, SG4xx)
        rule = BY_CODE.get(code) or LINT_CODES.get(code)
        kind = rule.kind if rule else next(f.kind for f in items if f.code == code)
        rules.append(
            {
                "id": code,
                "name": kind,
                "shortDescription": {"text": rule.summary if rule else kind},
                "helpUri": f"{DOCS_BASE}/{code}.md",
                "defaultConfiguration": {"level": _LEVEL[_default_severity(rule)]},
            }
        )
    index = {code: i for i, code in enumerate(codes)}
    results: list[dict[str, Any]] = []
    for f in items:
        res: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": _LEVEL[f.severity],
            "message": {"text": f"{f.message}. Hint: {f.hint}"},
            "properties": {
                "kind": f.kind,
                "destructive": f.destructive,
                "table": f.table,
                "column": f.column,
                "declared": f.declared,
                "live": f.live,
            },
        }
        if f.database is not None:
            res["properties"]["database"] = f.database
        logical = ".".join(p for p in (f.table, f.column) if p)
        loc: dict[str, Any] = {}
        if f.file:
            phys: dict[str, Any] = {"artifactLocation": {"uri": f.file}}
            if f.line:
                phys["region"] = {"startLine": f.line}
            loc["physicalLocation"] = phys
        if logical:
            loc["logicalLocations"] = [{"fullyQualifiedName": logical, "kind": "table" if not f.column else "column"}]
        if loc:
            res["locations"] = [loc]
        results.append(res)
    doc = {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "schemaguard",
                        "version": __version__,
                        "informationUri": "https://github.com/schemaguard/schemaguard",
                        "rules": rules,
                    }
                },
                "automationDetails": {"id": f"schemaguard/{tool_command}/"},
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
