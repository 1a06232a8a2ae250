"""JUnit XML: one test case per finding, failed at error/warning, so CI test tabs list them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

if TYPE_CHECKING:
    from ..rules.findings import Finding


def findings_junit(findings: Iterable[Finding], *, suite: str) -> str:
    items = list(findings)
    failures = [f for f in items if f.severity in ("error", "warning")]
    root = ET.Element("testsuites", name="schemaguard", tests=str(len(items)), failures=str(len(failures)))
    ts = ET.SubElement(root, "testsuite", name=suite, tests=str(len(items)), failures=str(len(failures)),
                       errors="0", skipped="0")
    for f in items:
        where = ".".join(p for p in (f.table, f.column) if p) or "schema"
        on = f" on {f.database}" if f.database else ""
        attrs = {"classname": f"schemaguard.{f.kind}", "name": f"{f.code} {where}{on}"}
        if f.file:
            attrs["file"] = f.file
            if f.line:
                attrs["line"] = str(f.line)
        case = ET.SubElement(ts, "testcase", attrs)
        body = f"{f.message}\nhint: {f.hint}\ndeclared: {f.declared}\nlive: {f.live}"
        if f.severity in ("error", "warning"):
            fail = ET.SubElement(case, "failure", message=f.message, type=f.severity)
            fail.text = body
        else:
            out = ET.SubElement(case, "system-out")
            out.text = body
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
