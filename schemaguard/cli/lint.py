"""The `schemaguard lint` command, registered on the CLI's typer app by `register(app)`.

It shares the CLI's options, error handling (`common.run`: one sentence on stderr, exit 2 for usage
errors), configuration, baselines and output (`common.emit`) through cli/common.py, and imports
its heavy modules inside the command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import common
from .common import BaselineOpt, ConfigOpt, DebugOpt, FailOnOpt, FormatOpt, WriteBaselineOpt

PathsArg = Annotated[
    list[Path],
    typer.Argument(
        metavar="PATH...",
        help="Migration files and folders: .sql files, Alembic revisions (.py), a versions/ folder "
        "(walked for .sql, .py, .js and .ts files; node_modules skipped). Other .py files and JavaScript/"
        "TypeScript files are read as application code (drop_all(), sync({ force: true }); JS/TS needs "
        "pip install 'schemaguard[js]').",
        show_default=False,
    ),
]
DialectOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--dialect",
        metavar="DATABASE",
        help="The database(s) the migrations run on: postgresql, sqlite, mysql or mssql; several "
        "separated by commas or by repeating the option, or all. An Alembic revision is read as it "
        "runs on each (its dialect branches; op.execute() SQL with that database's parser), .sql "
        "files with each database's parser, and with several every finding names its database. "
        "Default: lint.dialects in the config, else postgresql.",
        show_default=False,
    ),
]


def lint(
    paths: PathsArg,
    dialect: DialectOpt = None,
    format: FormatOpt = None,
    fail_on: FailOnOpt = None,
    config: ConfigOpt = None,
    baseline: BaselineOpt = None,
    write_baseline: WriteBaselineOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Flag destructive or locking operations in migrations, without a database.

    Reads .sql files (PostgreSQL with its own parser; SQLite, MySQL and SQL Server with sqlglot) and Alembic revisions (as syntax trees, never run, each dialect branch for the databases it runs on). Reports drops, narrowing type changes, table rewrites, SET NOT NULL, NOT NULL columns without a default, renames, blocking index builds, validating foreign keys, TRUNCATE, DELETE without WHERE, DROP SCHEMA, and schema resets in application code: drop_all() in Python, sync({ force | alter }) and TypeORM synchronize/dropSchema in JavaScript and TypeScript (warnings behind an environment check).

    Suppress one with a `schemaguard: ignore <kind or code>` comment on its line or the line before.
    """
    def body() -> int:
        from ..lint.engine import lint_paths, resolve_dialects
        from ..report.lint import render_lint
        from ..rules.findings import fails

        cfg = common.config(config)
        if dialect:
            dialects = resolve_dialects(dialect, option="--dialect")
        else:
            dialects = resolve_dialects(cfg.lint_dialects or "postgresql", option="lint.dialects")
        result = lint_paths(list(paths), dialect=dialects, ignore=cfg.ignore)
        recorded = common.baseline(result, "lint", baseline, write_baseline)
        fmt = format.value if format else "table"
        common.emit(render_lint(result, fmt), fmt)
        threshold = (fail_on.value if fail_on else None) or cfg.fail_on or "warning"
        return 0 if recorded else (1 if fails(result.findings, threshold) else 0)

    common.run(debug, body)


def register(app: typer.Typer) -> None:
    """Add the `lint` command to a typer app (schemaguard.cli.app's, or a test's)."""
    app.command(name="lint")(lint)


def standalone_app() -> typer.Typer:
    """A typer app with only `lint` (python -m schemaguard.lint), with the CLI's error handling."""
    app = typer.Typer(cls=common.Group, name="schemaguard", add_completion=False,
                      pretty_exceptions_enable=False,
                      context_settings={"help_option_names": ["-h", "--help"]})

    @app.callback()
    def _root() -> None:
        """schemaguard (lint only)."""

    register(app)
    return app
