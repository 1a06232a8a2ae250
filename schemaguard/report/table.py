"""Rich terminal output: findings grouped by table, worst first, each with its message and hint.

One block per finding rather than a grid: messages are sentences, and a grid squeezes them into
unreadable columns on an 80-column terminal (squawk and ruff print findings the same way).
"""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.padding import Padding
    from rich.text import Text

    from ..rules.findings import CheckResult, Finding

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_MARK = {"error": "✖", "warning": "▲", "info": "●"}


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def finding_block(f: Finding) -> tuple[Text, Padding]:
    from rich.padding import Padding
    from rich.text import Text

    head = Text.assemble(
        (f"{_MARK[f.severity]} {f.severity:<7}", _STYLE[f.severity]),
        " ",
        (f.code, "bold"),
        " ",
        (f.kind, "bold"),
    )
    if f.column:
        head.append(f"  {f.table}.{f.column}" if f.table else f"  {f.column}")
    if f.destructive:
        head.append("  data loss", style="bold magenta")
    body = Text(f.message)
    if f.declared is not None or f.live is not None:
        body.append("\ndeclared: ", style="dim")
        body.append(f.declared if f.declared is not None else "-")
        body.append("   live: ", style="dim")
        body.append(f.live if f.live is not None else "-")
    body.append("\nhint: ", style="bold green")
    body.append(f.hint)
    if f.file:
        body.append(f"\nat {f.file}" + (f":{f.line}" if f.line else ""), style="dim")
    return Text.assemble(head, "\n"), Padding(body, (0, 0, 1, 4), expand=False)


def print_check(result: CheckResult, console: Console | None = None) -> None:
    from rich.text import Text

    console = console or _console()
    console.print(
        Text.assemble(("schemaguard check", "bold"), "  ", (result.database, "cyan"), "  vs  ",
                      (", ".join(result.models), "cyan"))
    )
    if not result.findings:
        console.print(Text("✔ No differences: the database matches the models.", style="bold green"))
        return
    for (target, table), group in groupby(result.findings, key=lambda f: (f.target, f.table)):
        items = list(group)
        console.print()
        title = f"{table or 'whole schema'} ({len(items)})"
        console.rule(Text(f"{target}  ·  {title}" if target else title, style="bold"), align="left")
        for f in items:
            head, body = finding_block(f)
            console.print(head, end="")
            console.print(body)
    s = result.summary
    if result.targets is not None:
        with_findings = len({f.target for f in result.findings})
        failed = sum(1 for t in result.targets if t["error"])
        console.print(Text(f"targets: {len(result.targets)} checked, {with_findings} with findings"
                           + (f", {failed} not checked (see the notes above)" if failed else ""), style="bold"))
    console.print(
        Text.assemble(
            ("summary: ", "bold"),
            (f"{s['error']} error(s)", _STYLE["error"]), ", ",
            (f"{s['warning']} warning(s)", _STYLE["warning"]), ", ",
            (f"{s['info']} info", _STYLE["info"]),
        )
    )
