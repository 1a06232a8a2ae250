"""The contract's JSON document for check."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .. import __version__

if TYPE_CHECKING:
    from ..rules.findings import CheckResult


def check_document(result: CheckResult, *, timings: dict[str, float | str] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schemaguard": __version__,
        "database": result.database,
        "findings": [f.to_dict() for f in result.findings],
        "summary": result.summary,
    }
    if result.targets is not None:
        doc["targets"] = result.targets
    if timings is not None:
        doc["timings"] = timings
    return doc


def check_json(result: CheckResult, *, timings: dict[str, float | str] | None = None) -> str:
    return json.dumps(check_document(result, timings=timings), indent=2, ensure_ascii=False) + "\n"
