"""A Mermaid `erDiagram` of the tables a check or a plan touches, for Markdown reports.

GitHub and GitLab render a ```mermaid block as a picture: the affected tables with their columns
(the declared and the live ones together), the foreign keys between them, and the drifting columns
marked with what is wrong. Mermaid's grammar is narrow (entity and attribute names are words; a
type is a word that may hold parentheses; a comment is a double-quoted string), so names are
reduced to what it accepts and the real name goes in the comment when it had to change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..schema.snapshot import Schema, Table

# Above this many tables a diagram stops helping; the report says how many were left out.
MAX_TABLES = 25


def er_diagram(
    tables: Sequence[str],
    declared: Schema | None,
    live: Schema | None,
    marks: Mapping[tuple[str, str | None], Iterable[str]],
) -> str:
    """The ```mermaid block for `tables` (names as the findings give them). `marks` maps
    (table, column) to the finding kinds or step kinds on it; (table, None) marks the table."""
    names = list(dict.fromkeys(tables))
    if not names:
        return ""
    shown, left_out = names[:MAX_TABLES], len(names) - MAX_TABLES
    ids = _Ids()
    lines = ["```mermaid", "erDiagram"]
    by_name: dict[str, tuple[Table | None, Table | None]] = {
        n: (_find(declared, n), _find(live, n)) for n in shown
    }
    for name in shown:
        d, lv = by_name[name]
        ident = ids.of(name)
        table_marks = sorted(set(marks.get((name, None), ())))
        if table_marks:
            lines.append(f"    %% {name}: {', '.join(table_marks)}")
        lines.append(f"    {ident} {{")
        for col, typ, keys, note in _columns(name, d, lv, marks):
            comment = note if col == _word(col) else f"{col}{': ' + note if note else ''}"
            lines.append(
                f"        {_type(typ)} {_word(col)}"
                + (f" {','.join(keys)}" if keys else "")
                + (f' "{_comment(comment)}"' if comment else "")
            )
        lines.append("    }")
    drawn: set[tuple[str, str, str]] = set()
    # The live side's keys first: their names are the database's; a declared key that names its
    # target in the wrong case (Users for users) is the same edge, drawn once.
    known = list(dict.fromkeys(t.name for t in (*(live.tables if live else ()), *(declared.tables if declared else ()))))
    for name in shown:
        d, lv = by_name[name]
        for fk in (*(lv.foreign_keys if lv else ()), *(d.foreign_keys if d else ())):
            target = _resolve(fk.ref_table, [*shown, *known]) or fk.ref_table
            edge = (ids.of(name), ids.of(target), _fold(",".join(fk.columns)))
            if edge in drawn:
                continue
            drawn.add(edge)
            lines.append(f'    {edge[0]} }}o--|| {edge[1]} : "{_comment(",".join(fk.columns))}"')
    if left_out > 0:
        lines.append(f"    %% {left_out} more table(s) left out of the diagram")
    lines.append("```")
    return "\n".join(lines) + "\n"


def _columns(
    name: str, d: Table | None, lv: Table | None, marks: Mapping[tuple[str, str | None], Iterable[str]]
) -> list[tuple[str, str, list[str], str]]:
    """(name, type, keys, note) per column: the declared ones in order, then live-only ones."""
    out: list[tuple[str, str, list[str], str]] = []
    live_cols = {c.name: c for c in (lv.columns if lv else ())}
    declared_cols = {c.name: c for c in (d.columns if d else ())}
    src = d or lv
    pk = set(src.primary_key) if src else set()
    fks = {c for fk in (src.foreign_keys if src else ()) for c in fk.columns}
    uniques = {u.columns[0] for u in (src.uniques if src else ()) if len(u.columns) == 1}
    # A declared column that only its spelling separates from a live one (userId / user_id) is
    # one column, drawn once under the database's name.
    live_only = {_fold(c): c for c in live_cols if c not in declared_cols}
    paired = {col: live_only[_fold(col)] for col in declared_cols
              if col not in live_cols and _fold(col) in live_only}
    order = [paired.get(c, c) for c in declared_cols]
    order += [c for c in live_cols if c not in declared_cols and c not in paired.values()]
    declared_as = {v: k for k, v in paired.items()}
    for col in order:
        c = live_cols.get(col) or declared_cols[col]
        keys = [k for k, on in (("PK", col in pk or declared_as.get(col) in pk),
                                ("FK", col in fks or declared_as.get(col) in fks),
                                ("UK", col in uniques or declared_as.get(col) in uniques)) if on]
        notes = sorted(set(marks.get((name, col), ())))
        if col in declared_as:
            notes.insert(0, f"declared as {declared_as[col]}")
        elif d is not None and lv is not None:
            if col not in live_cols and not notes:
                notes = ["not in the database"]
            elif col not in declared_cols and not notes:
                notes = ["not in the models"]
        out.append((col, c.type or "", keys, ", ".join(notes)))
    return out


def _fold(name: str) -> str:
    return name.replace("_", "").lower()


def _find(schema: Schema | None, name: str) -> Table | None:
    if schema is None:
        return None
    found = schema.table(name)
    if found is not None:
        return found
    folded = [t for t in schema.tables if t.name.lower() == name.lower()]
    return folded[0] if len(folded) == 1 else None


def _resolve(ref: str, shown: Sequence[str]) -> str | None:
    if ref in shown:
        return ref
    folded = list(dict.fromkeys(n for n in shown if n.lower() == ref.lower()))
    return folded[0] if len(folded) == 1 else None


class _Ids:
    """Mermaid entity names: words, unique."""

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def of(self, name: str) -> str:
        if name not in self.ids:
            base = _word(name)
            ident, n = base, 2
            while ident in self.ids.values():
                ident, n = f"{base}_{n}", n + 1
            self.ids[name] = ident
        return self.ids[name]


def _word(text: str) -> str:
    word = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return word if word[:1].isalpha() else f"t_{word}"


def _type(text: str) -> str:
    word = re.sub(r"[^A-Za-z0-9_()\[\]-]", "_", text.replace(", ", "-").replace(",", "-"))
    return word if word[:1].isalpha() else f"t_{word}"


def _comment(text: str) -> str:
    return text.replace('"', "'").replace("\n", " ")
