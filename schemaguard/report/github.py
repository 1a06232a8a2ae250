"""GitHub Actions workflow commands: one annotation per finding."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..rules.findings import Finding

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_prop(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def findings_github(findings: Iterable[Finding]) -> str:
    lines = []
    for f in findings:
        props = []
        if f.file:
            props.append(f"file={_escape_prop(f.file)}")
            if f.line:
                props.append(f"line={f.line}")
        where = ".".join(p for p in (f.table, f.column) if p)
        title = f"{f.code} {f.kind}" + (f" ({where})" if where else "") + (f" on {f.database}" if f.database else "")
        props.append(f"title={_escape_prop(title)}")
        lines.append(f"::{_LEVEL[f.severity]} {','.join(props)}::{_escape_data(f.message + '. Hint: ' + f.hint)}")
    return "\n".join(lines) + ("\n" if lines else "")
