"""Rich terminal output: findings grouped by table, worst first, with message and hint."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ..findings import CheckResult, Finding

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False)


def print_check(result: CheckResult, console: Console | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    console = console or _console()
    console.print(Text.assemble(("schemaguard check", "bold"), f"  {result.database}  vs  {', '.join(result.models)}"))
    if not result.findings:
        console.print(Text("No differences: the database matches the models.", style="green"))
        return
    for table, group in groupby(result.findings, key=lambda f: f.table):
        items: list[Finding] = list(group)
        title = f"{table}" if table else "schema-wide"
        grid = Table(title=Text(f"{title}  ({len(items)})", style="bold"), title_justify="left",
                     show_lines=True, expand=True, header_style="dim")
        grid.add_column("severity", no_wrap=True)
        grid.add_column("code / kind", no_wrap=True)
        grid.add_column("column", overflow="fold")
        grid.add_column("what and what to do", ratio=1, overflow="fold")
        for f in items:
            sev = Text(f.severity, style=_STYLE[f.severity])
            if f.destructive:
                sev.append("\ndata loss", style="bold magenta")
            body = Text(f.message)
            if f.declared is not None or f.live is not None:
                body.append(f"\ndeclared: {f.declared if f.declared is not None else '-'}   "
                            f"live: {f.live if f.live is not None else '-'}", style="dim")
            body.append("\nhint: ", style="bold")
            body.append(f.hint)
            if f.file:
                body.append(f"\n{f.file}:{f.line}" if f.line else f"\n{f.file}", style="dim underline")
            grid.add_row(sev, f"{f.code}\n{f.kind}", f.column or "", body)
        console.print(grid)
    s = result.summary
    console.print(
        Text.assemble(
            ("summary: ", "bold"),
            (f"{s['error']} error(s)", _STYLE["error"]), ", ",
            (f"{s['warning']} warning(s)", _STYLE["warning"]), ", ",
            (f"{s['info']} info", _STYLE["info"]),
        )
    )
