"""Baselines: record today's findings once, then fail only on findings that are not in the record.

Adopting schemaguard on an existing project usually starts with dozens of findings nobody can fix
this week. `write_baseline` records them in a JSON file committed next to the code;
`apply_baseline` splits a later run's findings into the new ones (reported, and judged by
--fail-on) and the recorded ones (matched, reported as such).

A finding is matched by its *fingerprint*, a hash of what identifies the problem and nothing that
moves when unrelated code changes:

- every finding: the command (`check` or `lint`), the code (through the rules' redirect tables, so
  a renamed code keeps its baseline), the kind, the target (when several databases are checked),
  the table, the column, and the `declared` and `live` values;
- `lint` findings also: the file (relative to the baseline's folder, POSIX separators) and the
  text of the source line the finding points at, whitespace collapsed. The line *number* is left
  out, so inserting lines above a statement moves nothing; the line's *text* tells apart two
  statements of the same kind on the same table (two `CREATE INDEX` on `users`), as GitHub code
  scanning's line hashes do;
- `check` findings leave the model's file and line out: the database object names the problem,
  and moving a model class to another module is not a new problem.

The baseline stores how many findings had each fingerprint: N recorded findings suppress at most
N today, and the (N+1)th is new. Findings are matched in the order given (lint's order is file
then line), so with more findings than recorded, the later ones are the new ones.

The file is stable: the same findings always give the same bytes (entries sorted, keys in a fixed
order, one entry per line, no timestamp, no tool version), so a pull request's diff of a baseline
shows exactly the findings added or fixed.

    {
      "format": "schemaguard-baseline",
      "version": 1,
      "command": "lint",
      "findings": [
        {"code": "SG302", "kind": "drop_column", "table": "users", "column": "email", "file": "migrations/0001.sql", "source": "ALTER TABLE users DROP COLUMN email;", "count": 1, "fingerprint": "1ba7159b760b6eb1"}
      ]
    }

Only `fingerprint` and `count` are read back for matching; the other fields are the summary a
reviewer reads (`source` is cut to 160 characters there; the fingerprint hashes the whole line).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..rules.findings import Finding

FORMAT = "schemaguard-baseline"
VERSION = 1
COMMANDS = ("check", "lint")
# Keys of an entry, in the order they are written (a reviewer reads left to right: what, where).
_ENTRY_KEYS = ("code", "kind", "target", "table", "column", "declared", "live", "file", "source",
               "count", "fingerprint")
# Written even when null, so every entry shows what and where at a glance.
_ALWAYS = frozenset({"code", "kind", "table", "column", "file", "count", "fingerprint"})
_HINT_REWRITE = "write it again with --write-baseline"
_SOURCE_SHOWN = 160


@dataclass(frozen=True)
class BaselineEntry:
    """One fingerprint of a baseline: how many findings had it, and what they were."""

    fingerprint: str
    count: int
    code: str
    kind: str
    table: str | None = None
    column: str | None = None
    file: str | None = None
    declared: str | None = None
    live: str | None = None
    source: str | None = None
    target: str | None = None

    def to_dict(self) -> dict[str, Any]:
        values = {k: getattr(self, k) for k in _ENTRY_KEYS}
        return {k: v for k, v in values.items() if k in _ALWAYS or v is not None}


@dataclass(frozen=True)
class Baseline:
    """A loaded (or just written) baseline. `root` is the folder paths in it are relative to."""

    path: Path
    command: str
    entries: tuple[BaselineEntry, ...]

    @property
    def root(self) -> Path:
        return self.path.resolve().parent

    @property
    def counts(self) -> dict[str, int]:
        """How many findings each fingerprint may suppress."""
        out: dict[str, int] = {}
        for e in self.entries:
            out[e.fingerprint] = out.get(e.fingerprint, 0) + e.count
        return out

    @property
    def total(self) -> int:
        """How many findings the baseline records."""
        return sum(e.count for e in self.entries)


# --------------------------------------------------------------------------------------------
# fingerprints


class _Sources:
    """The text of source lines, each file read at most once (lint reads them again; cheap)."""

    def __init__(self) -> None:
        self._lines: dict[Path, list[str] | None] = {}

    def line(self, path: Path, number: int | None) -> str | None:
        if number is None or number < 1:
            return None
        if path not in self._lines:
            try:
                text = path.read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                self._lines[path] = None
            else:
                self._lines[path] = text.splitlines()
        lines = self._lines[path]
        if lines is None or number > len(lines):
            return None
        return " ".join(lines[number - 1].split()) or None


def _resolved(file: str) -> Path:
    """A finding's file as an absolute path: relative names are relative to the working directory,
    as the commands print them."""
    return (Path.cwd() / file).resolve()


def _relative(path: Path, root: Path) -> str:
    """`path` relative to `root` with POSIX separators; absolute when there is no relative path
    (another drive on Windows)."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:
        return path.as_posix()
    return Path(rel).as_posix()


def _canonical_code(code: str) -> str:
    """A renamed code and its new name are one code (REDIRECTS maps old to new)."""
    from ..lint.rules import REDIRECTS as LINT_REDIRECTS
    from ..rules import REDIRECTS

    return REDIRECTS.get(code) or LINT_REDIRECTS.get(code) or code


def _check_command(command: str) -> None:
    if command not in COMMANDS:
        raise UsageError(f"a baseline records check or lint findings, not {command!r}",
                         hint="pass command='check' or command='lint'")


def _identity(finding: Finding, command: str, root: Path, sources: _Sources) -> BaselineEntry:
    """The fingerprint of a finding, with the fields it was computed from (count 1)."""
    file: str | None = None
    source: str | None = None
    if finding.file is not None:
        absolute = _resolved(finding.file)
        file = _relative(absolute, root)
        if command == "lint":
            source = sources.line(absolute, finding.line)
    code = _canonical_code(finding.code)
    # The model's file is shown in a check entry but is not part of its identity (see above).
    keyed_file = file if command == "lint" else None
    key = [command, code, finding.kind, finding.target, finding.table, finding.column,
           finding.declared, finding.live, keyed_file, source]
    digest = hashlib.sha256(json.dumps(key, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]
    if source is not None and len(source) > _SOURCE_SHOWN:
        source = source[: _SOURCE_SHOWN - 1] + "\u2026"
    return BaselineEntry(
        fingerprint=digest, count=1, code=code, kind=finding.kind, table=finding.table,
        column=finding.column, file=file, declared=finding.declared, live=finding.live,
        source=source, target=finding.target,
    )


def fingerprint(finding: Finding, *, command: str, root: str | Path = ".") -> str:
    """The stable fingerprint of one finding, as a baseline stored in folder `root` records it.

    Also usable as a stable identity elsewhere (SARIF partialFingerprints)."""
    _check_command(command)
    return _identity(finding, command, Path(root).resolve(), _Sources()).fingerprint


# --------------------------------------------------------------------------------------------
# writing


def _entries(findings: Iterable[Finding], command: str, root: Path) -> tuple[BaselineEntry, ...]:
    sources = _Sources()
    counts: Counter[str] = Counter()
    first: dict[str, BaselineEntry] = {}
    for f in findings:
        entry = _identity(f, command, root, sources)
        counts[entry.fingerprint] += 1
        seen = first.get(entry.fingerprint)
        # check findings of one fingerprint may come from models in several files: show the first
        # file by name, so that the choice never depends on the order findings came in.
        if seen is None or (entry.file or "") < (seen.file or ""):
            first[entry.fingerprint] = entry
    out = [replace(e, count=counts[fp]) for fp, e in first.items()]
    # lint entries read file by file; check entries table by table (their file is only shown).
    out.sort(key=lambda e: ((e.file or "") if command == "lint" else "", e.target or "", e.table or "",
                            e.column or "", e.code, e.kind, e.source or "", e.fingerprint))
    return tuple(out)


def dumps_baseline(baseline: Baseline) -> str:
    """The file's text: one entry per line, so a pull request's diff shows one line per finding."""
    head = {"format": FORMAT, "version": VERSION, "command": baseline.command}
    lines = ["{"]
    lines.extend(f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items())
    if baseline.entries:
        lines.append('  "findings": [')
        rows = [json.dumps(e.to_dict(), ensure_ascii=False) for e in baseline.entries]
        lines.extend(f"    {row}," for row in rows[:-1])
        lines.append(f"    {rows[-1]}")
        lines.append("  ]")
    else:
        lines.append('  "findings": []')
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_baseline(path: str | Path, findings: Iterable[Finding], *, command: str) -> Baseline:
    """Record `findings` of `command` (`check` or `lint`) in the baseline file `path`.

    Paths in it are relative to the file's folder. The file is replaced in one step (written
    beside it, then renamed), so an interrupted run never leaves half a baseline.
    Raises UsageError (exit 2) when it cannot be written."""
    _check_command(command)
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"baseline file {target} is a directory", hint="pass the path of a .json file")
    baseline = Baseline(path=target, command=command,
                        entries=_entries(findings, command, target.resolve().parent))
    data = dumps_baseline(baseline).encode("utf-8")
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        temporary.write_bytes(data)
        os.replace(temporary, target)
    except OSError as exc:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
        raise UsageError(f"cannot write baseline file {target}: {exc.strerror or exc}",
                         hint="check that its folder exists and is writable") from None
    return baseline


# --------------------------------------------------------------------------------------------
# reading


def load_baseline(path: str | Path, *, command: str | None = None) -> Baseline:
    """Read a baseline file. With `command`, it must have been written by that command.

    Raises UsageError (exit 2), one sentence naming the file, when it is missing, unreadable, not
    JSON, not a schemaguard baseline, of another format version, of another command, or has a
    malformed entry."""
    p = Path(path)
    if command is not None:
        _check_command(command)
    if p.is_dir():
        raise UsageError(f"baseline file {p} is a directory", hint="pass the path of a .json file")
    if not p.exists():
        raise UsageError(f"baseline file {p} does not exist",
                         hint=f"write it first with --write-baseline {p}")
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read baseline file {p}: {exc.strerror or exc}",
                         hint="check the path and its permissions") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"baseline file {p} is not UTF-8 text (byte {exc.start})",
                         hint=_HINT_REWRITE) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"baseline file {p} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            hint="resolve the merge conflict or " + _HINT_REWRITE,
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise UsageError(f"{p} is not a schemaguard baseline (no \"format\": \"{FORMAT}\")",
                         hint="pass a file written by --write-baseline")
    version = data.get("version")
    if version != VERSION:
        raise UsageError(
            f"baseline file {p} has format version {version!r}, but this schemaguard reads version "
            f"{VERSION}",
            hint="use the schemaguard version that wrote it, or " + _HINT_REWRITE,
        )
    recorded = data.get("command")
    if recorded not in COMMANDS:
        raise UsageError(f"baseline file {p}: command {recorded!r} is not check or lint", hint=_HINT_REWRITE)
    if command is not None and recorded != command:
        raise UsageError(
            f"baseline file {p} records {recorded} findings, not {command} findings",
            hint=f"give `schemaguard {command}` a baseline written by `schemaguard {command} --write-baseline`",
        )
    rows = data.get("findings")
    if not isinstance(rows, list):
        raise UsageError(f"baseline file {p}: \"findings\" must be a list", hint=_HINT_REWRITE)
    entries = tuple(_entry(row, p, i + 1) for i, row in enumerate(rows))
    return Baseline(path=p, command=recorded, entries=entries)


def _entry(row: Any, path: Path, number: int) -> BaselineEntry:
    where = f"baseline file {path}: entry {number}"
    if not isinstance(row, dict):
        raise UsageError(f"{where} is not an object", hint=_HINT_REWRITE)
    fp = row.get("fingerprint")
    if not isinstance(fp, str) or not fp or any(c not in "0123456789abcdef" for c in fp):
        raise UsageError(f"{where} has no valid fingerprint", hint=_HINT_REWRITE)
    count = row.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise UsageError(f"{where}: count must be a positive whole number, not {count!r}",
                         hint=_HINT_REWRITE)
    strings: dict[str, str | None] = {}
    for key in ("code", "kind", "table", "column", "file", "declared", "live", "source", "target"):
        value = row.get(key)
        if value is not None and not isinstance(value, str):
            raise UsageError(f"{where}: {key} must be a string or null, not {value!r}", hint=_HINT_REWRITE)
        strings[key] = value
    return BaselineEntry(
        fingerprint=fp, count=count, code=strings["code"] or "", kind=strings["kind"] or "",
        table=strings["table"], column=strings["column"], file=strings["file"],
        declared=strings["declared"], live=strings["live"], source=strings["source"],
        target=strings["target"],
    )


# --------------------------------------------------------------------------------------------
# applying


def apply_baseline(findings: Sequence[Finding], baseline: Baseline) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (new, matched): matched ones are recorded in the baseline (each recorded
    finding matches at most one today), new ones are not. Both keep the order given."""
    remaining = baseline.counts
    sources = _Sources()
    root = baseline.root
    new: list[Finding] = []
    matched: list[Finding] = []
    for f in findings:
        fp = _identity(f, baseline.command, root, sources).fingerprint
        if remaining.get(fp, 0) > 0:
            remaining[fp] -= 1
            matched.append(f)
        else:
            new.append(f)
    return new, matched


def stale_entries(baseline: Baseline, matched: Sequence[Finding]) -> list[BaselineEntry]:
    """The recorded findings that no longer occur (fixed since), with the count that is left over:
    the baseline can be written again to shrink it."""
    used: Counter[str] = Counter(
        _identity(f, baseline.command, baseline.root, _Sources()).fingerprint for f in matched
    )
    out: list[BaselineEntry] = []
    for e in baseline.entries:
        left = e.count - used[e.fingerprint]
        used[e.fingerprint] = max(0, used[e.fingerprint] - e.count)
        if left > 0:
            out.append(replace(e, count=left))
    return out
