"""What every command of the command line shares: the usage-error handling of the typer group, the
options that check, plan, sync and lint all take, error-to-exit-code mapping, configuration,
baselines and output. `cli/app.py` (check, plan, sync, snapshot, stamp) and `cli/lint.py` both
import it; neither imports the other.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from ..errors import SchemaguardError, UsageError

if TYPE_CHECKING:
    from ..sources.cache import ModelsCache
    from .config import Config


class Group(TyperGroup):
    """Usage errors (bad option, unknown --format value) as one plain sentence, exit 2, instead of
    click's multi-line usage block: CI logs and users get the same shape as every other error."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone_mode = bool(kwargs.pop("standalone_mode", True))
        # Typer has used click and, lately, a vendored copy of it: find its classes either way.
        usage_error: type[Exception] = next(
            c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError"
        )
        no_args: type[Exception] = getattr(sys.modules[usage_error.__module__], "NoArgsIsHelpError", usage_error)
        try:
            rv = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        except no_args as exc:
            if not standalone_mode:
                raise
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        except usage_error as exc:
            if not standalone_mode:
                raise
            ctx = getattr(exc, "ctx", None)
            where = ctx.command_path if ctx is not None else "schemaguard"
            text = exc.format_message()  # type: ignore[attr-defined]
            message = str(text).replace("Value error, ", "").rstrip(".")
            typer.echo(f"schemaguard: error: {message}; run `{where} --help` for the options.", err=True)
            sys.exit(2)
        except typer.Abort:
            if not standalone_mode:
                raise
            typer.echo("schemaguard: aborted", err=True)
            sys.exit(1)
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    markdown = "markdown"


class FailOn(str, Enum):
    info = "info"
    warning = "warning"
    error = "error"
    never = "never"


FormatOpt = Annotated[
    OutputFormat | None,
    typer.Option("--format", "-f", help="Output format. Default: table.", case_sensitive=False, show_default=False),
]
FailOnOpt = Annotated[
    FailOn | None,
    typer.Option(
        "--fail-on",
        help="Exit 1 when any finding is at or above this severity. Default: warning.",
        case_sensitive=False,
        show_default=False,
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        metavar="PATH",
        help="Config file. Default: schemaguard.toml, else \\[tool.schemaguard] in pyproject.toml, searched upward.",
        show_default=False,
    ),
]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")]
BaselineOpt = Annotated[
    Path | None,
    typer.Option("--baseline", metavar="FILE", show_default=False,
                 help="Report only the findings that are not recorded in FILE (see --write-baseline)."),
]
WriteBaselineOpt = Annotated[
    Path | None,
    typer.Option("--write-baseline", metavar="FILE", show_default=False,
                 help="Record today's findings in FILE and exit 0; commit it, then pass --baseline FILE in CI "
                 "so that only new findings fail."),
]
NoCacheOpt = Annotated[
    bool,
    typer.Option("--no-cache", help="Import the models even if .schemaguard_cache holds them; neither read "
                 "nor write the cache (folder: $SCHEMAGUARD_CACHE_DIR, else config key cache_dir)."),
]


def fail(exc: SchemaguardError, debug: bool) -> NoReturn:
    from ..live.urls import redact_text

    if debug:
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    typer.echo(f"schemaguard: error: {redact_text(str(exc))}", err=True)
    raise typer.Exit(exc.exit_code)


def run(debug: bool, body: Callable[[], int]) -> NoReturn:
    """Run a command body; map every error to its exit code with one sentence on stderr."""
    try:
        code = body()
    except SchemaguardError as exc:
        fail(exc, debug)
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        typer.echo("schemaguard: interrupted", err=True)
        raise typer.Exit(130) from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError):
            from ..live.connect import database_error

            url = getattr(getattr(exc, "engine", None), "url", None)
            err = database_error(exc, url) if url is not None else None
            if err is not None:
                fail(err, debug)
        if debug:
            raise
        from ..live.urls import redact_text

        first = redact_text(str(exc).strip().splitlines()[0] if str(exc).strip() else "")
        typer.echo(
            f"schemaguard: error: unexpected {exc.__class__.__name__}: {first}; "
            "run again with --debug for the traceback and report it.",
            err=True,
        )
        raise typer.Exit(2) from None
    raise typer.Exit(code)


def config(path: Path | None, env: str | None = None) -> Config:
    """The configuration, with the section of the environment (--env, else SCHEMAGUARD_ENV,
    APP_ENV, ENVIRONMENT, NODE_ENV; unset means production) applied over the top level."""
    from ..apply.guard import environment
    from .config import load_config

    return load_config(path, environment=environment(env, os.environ).name)


def models_cache(cfg: Config, no_cache: bool) -> ModelsCache | None:
    """The models cache of this run (None with --no-cache): $SCHEMAGUARD_CACHE_DIR, else the config's
    cache_dir, else .schemaguard_cache beside the config file, else in the working directory."""
    if no_cache:
        return None
    from ..sources.cache import ModelsCache

    return ModelsCache.beside(cfg.path, cfg.cache_dir, cfg.cache_env)


def baseline(result: Any, command: str, baseline: Path | None, write: Path | None) -> bool:
    """--write-baseline records the findings (True: the run then exits 0); --baseline keeps only
    the findings it does not record, and says how many it matched and how many it no longer finds."""
    if baseline is None and write is None:
        return False  # the usual run: no need to import the baseline module (start-up time)
    from ..checking.baseline import apply_baseline, load_baseline, stale_entries, write_baseline

    if baseline is not None and write is not None:
        raise UsageError("--baseline and --write-baseline cannot be used together",
                         hint="write the baseline once, then compare against it")
    if write is not None:
        write_baseline(write, result.findings, command=command)
        typer.echo(f"schemaguard: recorded {len(result.findings)} finding(s) in {write}; pass --baseline {write} "
                   "to report only new ones", err=True)
        return True
    if baseline is not None:
        recorded = load_baseline(baseline, command=command)
        new, matched = apply_baseline(result.findings, recorded)
        result.findings = new
        stale = sum(e.count for e in stale_entries(recorded, matched))
        typer.echo(f"schemaguard: note: {len(matched)} finding(s) are in the baseline {baseline} and not reported"
                   + (f"; {stale} recorded finding(s) no longer occur: shrink it with --write-baseline" if stale else ""),
                   err=True)
    return False


def emit(text: str, fmt: str) -> None:
    if fmt == "table":
        # Already printed by the rich console (it needs the terminal's width and colours).
        return
    if not text.endswith("\n"):
        text += "\n"
    # Machine-readable formats are UTF-8 whatever the locale says (JUnit XML even declares it):
    # writing them through an ASCII/latin-1 stdout would turn table names into '?'.
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def print_timings(timings: dict[str, Any]) -> None:
    parts = ", ".join(f"{k} {v:.3f}s" if isinstance(v, (int, float)) else f"{k}: {v}" for k, v in timings.items())
    typer.echo(f"schemaguard: timings: {parts}", err=True)
