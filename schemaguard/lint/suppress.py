"""Inline suppressions: `-- schemaguard: ignore <kind|code>[, ...]` in SQL, `# schemaguard: ignore ...`
in Python, `// schemaguard: ignore ...` or `/* schemaguard: ignore ... */` in JavaScript and TypeScript.

A comment that follows code on its line covers that line; a comment on a line of its own covers the
next line (other comment lines in between are skipped, so a suppression can sit above a comment that
explains it). A finding is suppressed when a covering comment touches any line of its statement or
call. `all` suppresses every kind. A reason may follow ` -- `. A name that is no lint kind or code
is reported as `unknown_suppression` (SG399) instead of being silently ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .operations import Operation

# Only used on the text of a comment the SQL or Python tokenizer has already found.
_DIRECTIVE = re.compile(r"schemaguard:\s*ignore\b(?P<rest>.*)", re.IGNORECASE | re.DOTALL)
ALL = "all"


@dataclass(frozen=True)
class Comment:
    """A comment, the line it starts on, and whether code precedes it on that line."""

    line: int
    text: str
    trailing: bool
    # The last line of a comment that spans several (/* … */); None: the line it starts on.
    end_line: int | None = None


def directive_names(text: str) -> list[str] | None:
    """The names a suppression comment lists, or None when the comment is no suppression."""
    m = _DIRECTIVE.search(text)
    if m is None:
        return None
    rest = m.group("rest").split("*/")[0]
    rest = re.split(r"\s--(?:\s|$)", " " + rest, maxsplit=1)[0]
    return [n for n in re.split(r"[\s,]+", rest.strip()) if n]


@dataclass(frozen=True)
class _Entry:
    line: int
    covers: frozenset[int]
    names: frozenset[str]


@dataclass
class Suppressions:
    entries: list[_Entry] = field(default_factory=list)
    # unknown_suppression operations, one per comment with unknown names.
    unknown: list[Operation] = field(default_factory=list)

    def covers(self, op: Operation, spans: Sequence[tuple[int, int]]) -> bool:
        code = _code_of(op.kind)
        for entry in self.entries:
            if not (ALL in entry.names or op.kind in entry.names or (code and code in entry.names)):
                continue
            if any(lo <= ln <= hi for ln in entry.covers for lo, hi in spans):
                return True
        return False


def _code_of(kind: str) -> str | None:
    from .rules import BY_KIND

    rule = BY_KIND.get(kind)
    return rule.code if rule else None


def collect(
    comments: Iterable[Comment], code_lines: set[int], *, dialect: str, source: str
) -> Suppressions:
    """Read the suppression comments of one text."""
    from .rules import SUPPRESSIBLE

    comments = list(comments)
    comment_only = {c.line for c in comments if not c.trailing} - code_lines
    out = Suppressions()
    for c in comments:
        names = directive_names(c.text)
        if names is None:
            continue
        known: set[str] = set()
        unknown: list[str] = []
        for name in names:
            if name.lower() == ALL:
                known.add(ALL)
            elif name.lower() in SUPPRESSIBLE:
                known.add(name.lower())
            elif name.upper() in SUPPRESSIBLE:
                known.add(name.upper())
            else:
                unknown.append(name)
        if unknown or not names:
            out.unknown.append(
                Operation("unknown_suppression", line=c.line, end_line=c.line, dialect=dialect,
                          source=source, details={"names": tuple(unknown)})
            )
        if not known:
            continue
        covered = {c.line}
        if not c.trailing:
            nxt = (c.end_line or c.line) + 1
            while nxt in comment_only:
                nxt += 1
            covered.add(nxt)
        out.entries.append(_Entry(c.line, frozenset(covered), frozenset(known)))
    return out


def span(op: Operation) -> tuple[int, int]:
    return op.line, op.end_line if op.end_line is not None else op.line


def apply(operations: Iterable[Operation], suppressions: Suppressions) -> list[Operation]:
    """The operations no comment suppresses, plus one operation per unknown suppression."""
    kept = [op for op in operations if op.kind == "unknown_suppression"
            or not suppressions.covers(op, [span(op)])]
    return kept + suppressions.unknown
