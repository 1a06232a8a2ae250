"""The command line: thin typer commands over the library, with errors mapped to exit codes here.

Heavy modules (SQLAlchemy, the reporters) are imported inside the commands so that `--help` and
`--version` stay fast.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import __version__
from ..errors import UsageError
from . import common
from .common import (
    BaselineOpt,
    ConfigOpt,
    DebugOpt,
    FailOnOpt,
    FormatOpt,
    NoCacheOpt,
    WriteBaselineOpt,
)

if TYPE_CHECKING:
    from .config import Config


app = typer.Typer(
    cls=common.Group,
    name="schemaguard",
    help=(
        "Keep application databases safe from their own ORM.\n\n"
        "check: diff the live database against the declared models, naming every mismatch.\n\n"
        "plan: the ordered DDL a sync would run in a mode, with hazards and what the mode skips.\n\n"
        "sync: apply it under the environment guard, in one transaction.\n\n"
        "stamp: record which environment the database belongs to.\n\n"
        "lint: flag destructive or locking operations in migrations and drop_all() in code.\n\n"
        "snapshot: write either side's normalized schema as JSON, usable wherever a source is.\n\n"
        "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above --fail-on, "
        "2 usage or configuration error, 3 database unreachable or login refused, "
        "4 refused by the safety policy, 5 a sync started and failed (everything undone)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class PlanMode(str, Enum):
    safe = "safe"
    alter = "alter"
    force = "force"


class SyncMode(str, Enum):
    safe = "safe"
    alter = "alter"
    force = "force"
    auto = "auto"


class SyncFormat(str, Enum):
    table = "table"
    json = "json"


class PlanFormat(str, Enum):
    table = "table"
    json = "json"
    sql = "sql"
    alembic = "alembic"
    sarif = "sarif"
    junit = "junit"
    github = "github"
    markdown = "markdown"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"schemaguard {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Keep application databases safe from their own ORM."""


ModelsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--models",
        "-m",
        metavar="TARGET",
        help="Declared models: package.module:attr, path/to/file.py:attr, or a snapshot .json. Repeatable. "
        "attr is a MetaData, a declarative base, or a list of them. Config key: models.",
        show_default=False,
    ),
]
DbOpt = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Live database URL (SQLAlchemy form; postgres:// works) or a snapshot .json. "
        "Default: $DATABASE_URL, then config key database_url.",
        show_default=False,
    ),
]
SchemaOpt = Annotated[
    str | None,
    typer.Option("--schema", metavar="NAME", help="Database schema to compare (PostgreSQL). Default: the connection's default."),
]
IncludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--include", metavar="PATTERN", help="Only tables matching this glob pattern. Repeatable.", show_default=False
    ),
]
ExcludeOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude", metavar="PATTERN", help="Skip tables matching this glob pattern. Repeatable.", show_default=False
    ),
]
TimingsOpt = Annotated[
    bool, typer.Option("--timings", help="Print phase times on stderr (and in --format json).")
]
FleetDbOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Live database URL (SQLAlchemy form; postgres:// works) or a snapshot .json. Repeatable: "
        "several databases are checked in one run. Default: $DATABASE_URL, then config key database_url.",
        show_default=False,
    ),
]
FleetSchemaOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--schema",
        metavar="NAME",
        help="Database schema to compare (PostgreSQL). Repeatable, and a glob (tenant_*) checks every "
        "matching schema: one target per schema. Default: the connection's default.",
        show_default=False,
    ),
]
JobsOpt = Annotated[
    int,
    typer.Option("--jobs", "-j", min=1, metavar="N",
                 help="Check up to N targets at once (N connections per database at most)."),
]
ShardOpt = Annotated[
    str | None,
    typer.Option("--shard", metavar="K/N",
                 help="Check only shard K of N of the targets (stable: a target's shard depends on its "
                 "name only), to split a fleet across CI jobs or machines.", show_default=False),
]


@app.command()
def check(
    models: ModelsOpt = None,
    db: FleetDbOpt = None,
    schema: FleetSchemaOpt = None,
    format: FormatOpt = None,
    fail_on: FailOnOpt = None,
    config: ConfigOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    include_bookkeeping: Annotated[
        bool,
        typer.Option(
            "--include-bookkeeping",
            help="Also compare migration-tool tables (alembic_version) and schemaguard's own.",
        ),
    ] = False,
    jobs: JobsOpt = 1,
    shard: ShardOpt = None,
    baseline: BaselineOpt = None,
    write_baseline: WriteBaselineOpt = None,
    timings: TimingsOpt = False,
    no_cache: NoCacheOpt = False,
    debug: DebugOpt = False,
) -> None:
    """Diff the live database against the declared models and report every difference.

    Read-only: runs in a read-only transaction (PostgreSQL) or read-only connection (SQLite).
    Several --db, a --schema pattern (tenant_*) or --shard make it a fleet check: one combined
    report naming each finding's target, --jobs targets at a time.

    What importing the models found is kept in .schemaguard_cache and reused while no file the
    import read has changed (--no-cache: import them every time).
    """

    def body() -> int:
        import time

        from ..checking.check import check as run_check
        from ..rules.findings import fails

        started = time.perf_counter()
        cfg = common.config(config)
        dbs = list(db or [])
        targets, url = _sources(cfg, models, dbs[0] if dbs else None)
        dbs = dbs or [url]
        schemas = list(schema or ([cfg.schema] if cfg.schema else []))
        from ..checking.fleet import is_pattern, parse_shard

        shard_of = parse_shard(shard)
        fleet = len(dbs) > 1 or len(schemas) > 1 or any(is_pattern(s) for s in schemas) or shard_of is not None
        unreachable = False
        cache = common.models_cache(cfg, no_cache)
        if fleet:
            result, unreachable = _check_fleet(dbs, targets, schemas, jobs, shard_of, cfg, include, exclude,
                                               include_bookkeeping, cache)
        else:
            result = run_check(
                url,
                targets,
                schema=schemas[0] if schemas else None,
                ignore=cfg.ignore,
                include=list(include or cfg.include),
                exclude=list(exclude or cfg.exclude),
                include_bookkeeping=include_bookkeeping or cfg.include_bookkeeping,
                compare_comments=cfg.compare_comments,
                cache=cache,
            )
        fmt = (format.value if format else None) or "table"
        threshold = (fail_on.value if fail_on else None) or cfg.fail_on or "warning"
        recorded = common.baseline(result, "check", baseline, write_baseline)
        for note in result.notes:
            typer.echo(f"schemaguard: note: {note}", err=True)
        report_start = time.perf_counter()
        from ..report import render_check

        text = render_check(result, fmt, timings=None)
        result.timings["report"] = round(time.perf_counter() - report_start, 6)
        result.timings["total"] = round(time.perf_counter() - started, 6)
        if timings and fmt == "json":
            # Rendered again so that the document carries the report time just measured.
            text = render_check(result, fmt, timings=result.timings)
        common.emit(text, fmt)
        if timings:
            common.print_timings(result.timings)
        if debug and cache is not None and cache.reason:
            typer.echo(f"schemaguard: models cache: {cache.status} ({cache.reason}) in {cache.directory}", err=True)
        if unreachable:
            return 3  # a database of the fleet could not be reached (named in the notes above)
        if recorded:
            return 0
        return 1 if fails(result.findings, threshold) else 0

    common.run(debug, body)


def _check_fleet(dbs: list[str], targets: list[str], schemas: list[str], jobs: int, shard: Any, cfg: Config,
                 include: list[str] | None, exclude: list[str] | None, include_bookkeeping: bool,
                 cache: Any) -> tuple[Any, bool]:
    """The fleet check with a progress bar on a terminal; (combined result, any target unreachable)."""
    from ..checking.fleet import check_fleet
    from ..errors import DatabaseError

    progress_bar = None
    task = None
    if sys.stderr.isatty():
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        progress_bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                                TextColumn("{task.description}"), console=Console(stderr=True), transient=True)

    import time

    began = time.perf_counter()

    def progress(done: int, total: int, target: Any) -> None:
        nonlocal task
        # Only on a terminal, and only for work that lasts: a run done within a second stays quiet.
        if progress_bar is None or (task is None and (done == total or time.perf_counter() - began < 1.0)):
            return
        if task is None:
            progress_bar.start()
            task = progress_bar.add_task(target.key, total=total)
        progress_bar.update(task, completed=done, description=target.key)

    try:
        fleet = check_fleet(dbs, targets, schemas=schemas, jobs=jobs, shard=shard, ignore=cfg.ignore,
                            include=list(include or cfg.include), exclude=list(exclude or cfg.exclude),
                            include_bookkeeping=include_bookkeeping or cfg.include_bookkeeping, progress=progress,
                            cache=cache)
    finally:
        if progress_bar is not None:
            progress_bar.stop()
    unreachable = any(isinstance(o.error, DatabaseError) for o in fleet.failed)
    usage = [o for o in fleet.failed if not isinstance(o.error, DatabaseError)]
    if usage and len(usage) == len(fleet.outcomes):
        raise usage[0].error  # type: ignore[misc]
    return fleet.combined(targets), unreachable


@app.command()
def plan(
    mode: Annotated[
        PlanMode,
        typer.Option("--mode", help="safe: only additions; alter: also non-destructive changes; "
                     "force: drop and recreate every declared table.", case_sensitive=False),
    ] = PlanMode.safe,
    models: ModelsOpt = None,
    db: DbOpt = None,
    schema: SchemaOpt = None,
    format: Annotated[
        PlanFormat | None,
        typer.Option("--format", "-f", help="Output format. Default: table.", case_sensitive=False,
                     show_default=False),
    ] = None,
    config: ConfigOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    env: EnvOpt = None,
    revision: Annotated[
        str | None, typer.Option("--revision-id", metavar="ID", help="--format alembic: the revision id (default: a new one).")
    ] = None,
    down_revision: Annotated[
        str | None, typer.Option("--down-revision", metavar="ID", help="--format alembic: the revision it follows.")
    ] = None,
    message: Annotated[
        str | None, typer.Option("--message", metavar="TEXT", help="--format alembic: the revision's message.")
    ] = None,
    debug: DebugOpt = False,
) -> None:
    """Print the ordered DDL that sync would run in a mode, with hazards, skips and the guard's verdict.

    Each step carries its hazards; what the mode skips is listed with the reason, and the
    environment guard says whether sync would be allowed here. `--format sql` is a script an
    operator can read and run; `--format alembic` is an Alembic revision file with upgrade() and
    downgrade() for teams that keep migrations under review.

    Never writes: the database is read as check reads it (read-only).
    """

    def body() -> int:
        from ..plan import make_plan
        from ..report.plan import print_plan, render_plan

        cfg = common.config(config, env)
        targets, url = _sources(cfg, models, db)
        result = make_plan(
            url,
            targets,
            mode=mode.value,
            schema=schema or cfg.schema,
            include=list(include or cfg.include),
            exclude=list(exclude or cfg.exclude),
        )
        from ..apply.guard import decide, environment, force_sync_enabled

        environ = dict(os.environ)
        where = environment(env, environ)
        # Confirmation is sync's business: the plan reports only what the policy allows.
        decision = decide(mode.value, where, force_sync_enabled(environ), yes=True)
        fmt = (format.value if format else None) or "table"
        if fmt == "table":
            print_plan(result, decision=decision)
        elif fmt == "alembic":
            from ..report.alembic import plan_alembic

            common.emit(plan_alembic(result, revision=revision, down_revision=down_revision, message=message), fmt)
        else:
            common.emit(render_plan(result, fmt, decision=decision), fmt)
        return 0

    common.run(debug, body)


@app.command()
def snapshot(
    output: Annotated[
        str, typer.Option("--output", "-o", help="File to write, or - for standard output.", show_default=False)
    ],
    models: ModelsOpt = None,
    db: DbOpt = None,
    dialect: Annotated[
        str | None,
        typer.Option("--dialect", help="Dialect to normalize declared models for. Default: postgresql."),
    ] = None,
    schema: SchemaOpt = None,
    config: ConfigOpt = None,
    include: IncludeOpt = None,
    exclude: ExcludeOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Write the normalized schema of a database (--db) or of models (--models) as JSON.

    A snapshot file is accepted wherever --db or --models is, so CI can check models against
    production's schema without production credentials.
    """

    def body() -> int:
        from ..checking.check import load_declared, load_live
        from ..schema.snapshot import dump_snapshot

        cfg = common.config(config)
        from ..dialects import names

        if dialect is not None and dialect not in names():
            raise UsageError(f"unknown dialect {dialect!r}", hint="use postgresql, sqlite or mysql")
        if bool(models) == bool(db):
            raise UsageError("give exactly one of --db or --models", hint="snapshot one side at a time")
        if db:
            snap = load_live(db, schema=schema or cfg.schema, include=list(include or cfg.include),
                             exclude=list(exclude or cfg.exclude))
        else:
            snap = load_declared(list(models or []), dialect or "postgresql", schema=schema or cfg.schema)
            from ..checking.check import filter_tables

            snap = filter_tables(snap, list(include or cfg.include), list(exclude or cfg.exclude))
        text = dump_snapshot(snap)
        if output == "-":
            sys.stdout.write(text)
        else:
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from exc
            typer.echo(f"schemaguard: wrote {len(snap.tables)} table(s) to {output}", err=True)
        return 0

    common.run(debug, body)


EnvOpt = Annotated[
    str | None,
    typer.Option(
        "--env",
        metavar="NAME",
        help="Environment name. Default: $SCHEMAGUARD_ENV, $APP_ENV, $ENVIRONMENT, $NODE_ENV; unset means production.",
        show_default=False,
    ),
]


@app.command()
def sync(
    mode: Annotated[
        SyncMode,
        typer.Option(
            "--mode",
            help="safe: create what is missing (anywhere); alter: also non-destructive changes "
            "(development only); force: drop and recreate (development with FORCE_SYNC only); "
            "auto: force, alter or safe by those rules.",
            case_sensitive=False,
        ),
    ] = SyncMode.safe,
    models: ModelsOpt = None,
    db: DbOpt = None,
    schema: SchemaOpt = None,
    env: EnvOpt = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the plan and change nothing.")] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Run destructive steps without asking (needed without a terminal).")
    ] = False,
    lock_wait: Annotated[
        str | None,
        typer.Option("--lock-wait", metavar="TIME", show_default=False,
                     help="How long to wait for the database-wide sync lock another sync holds; past it, exit 5. "
                     "Default: 60s (config key lock_wait)."),
    ] = None,
    lock_timeout: Annotated[
        str, typer.Option("--lock-timeout", metavar="TIME",
                          help="How long a step waits for a table's lock (PostgreSQL lock_timeout; SQLite: "
                          "for readers at commit) before the transaction is rolled back and tried again.")
    ] = "5s",
    lock_retries: Annotated[
        int, typer.Option("--lock-retries", metavar="N", min=0,
                          help="How many times to try the transaction again, with back-off, after --lock-timeout.")
    ] = 3,
    statement_timeout: Annotated[
        str,
        typer.Option("--statement-timeout", metavar="TIME", help="PostgreSQL statement_timeout for the transaction."),
    ] = "5min",
    format: Annotated[
        SyncFormat | None,
        typer.Option("--format", "-f", help="Output format. Default: table.", case_sensitive=False, show_default=False),
    ] = None,
    fail_on: FailOnOpt = None,
    config: ConfigOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Apply the plan for a mode under the environment guard, in one transaction.

    One sync at a time per database: it takes the database's sync lock (waiting at most --lock-wait)
    before it reads the live schema. A refusal exits 4 and touches nothing; a sync that fails (a step,
    a lock not had in time) rolls everything back and exits 5. Afterwards the database is reflected
    again and what remains is reported.
    """

    def body() -> int:
        import json

        from ..apply.sync import safe_sync
        from ..report.plan import print_plan
        from ..rules.findings import fails

        cfg = common.config(config, env)
        targets, url = _sources(cfg, models, db)
        interactive = sys.stdin.isatty() and sys.stdout.isatty()

        def confirm(plan: Any, rows: Any) -> bool:
            typer.echo("These steps drop data:", err=True)
            for step in plan.steps:
                if step.destructive:
                    where = ".".join(p for p in (step.table, step.column) if p)
                    count = rows.get(step.table)
                    typer.echo(f"  {step.kind} {where}" + (f" ({count} rows)" if count is not None else ""), err=True)
            return bool(typer.confirm("Run them?", default=False, err=True))

        fmt = (format.value if format else None) or "table"
        from ..apply.guard import environment
        from ..apply.sync import SyncFailed, SyncRefused, sync_document
        from ..live.urls import redact_text

        def document(**kw: Any) -> None:
            doc = {"schemaguard": __version__, **sync_document(
                mode=mode.value, environment=environment(env, os.environ).name, database=redact_text(url),
                dry_run=dry_run, **kw)}
            common.emit(json.dumps(doc, indent=2, ensure_ascii=False), fmt)

        try:
            result = safe_sync(
                url,
                targets,
                mode=mode.value,
                env=env,
                schema=schema or cfg.schema,
                yes=yes,
                confirm=confirm if interactive else None,
                dry_run=dry_run,
                lock_timeout=lock_timeout,
                statement_timeout=statement_timeout,
                lock_wait=lock_wait or cfg.lock_wait or "60s",
                lock_retries=lock_retries,
            )
        except SyncRefused as exc:
            if fmt == "json":  # the document says what was refused; stderr says it too, exit 4
                document(refused=exc)
            raise
        except SyncFailed as exc:
            if fmt == "json":
                document(failed=exc)
            raise
        if fmt == "json":
            document(result=result)
        else:
            print_plan(result.plan)
            if dry_run:
                typer.echo("dry run: nothing was changed", err=True)
            elif not result.applied and result.waited_for_lock:
                typer.echo("schemaguard: nothing to do: another sync applied it (this one waited for its lock); "
                           f"{len(result.remaining)} finding(s) remain", err=True)
            elif not result.applied:
                typer.echo(f"schemaguard: nothing to do; {len(result.remaining)} finding(s) remain", err=True)
            else:
                typer.echo(
                    f"schemaguard: applied {len(result.plan.steps)} step(s) in one transaction; "
                    f"{len(result.remaining)} finding(s) remain",
                    err=True,
                )
        threshold = (fail_on.value if fail_on else None) or cfg.fail_on or "warning"
        # What remains after the sync (what the mode skipped) judged as check judges it; a dry
        # run changed nothing and is judged by nothing.
        return 1 if not dry_run and fails(result.remaining, threshold) else 0

    common.run(debug, body)


@app.command()
def stamp(
    environment_name: Annotated[str, typer.Argument(metavar="ENV", help="The environment to record, e.g. development.")],
    db: DbOpt = None,
    schema: SchemaOpt = None,
    config: ConfigOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Record which environment this database belongs to (table schemaguard_environment).

    A force sync is refused unless the database records development, whatever the shell says.
    """

    def body() -> int:
        from ..apply.stamp import write_stamp
        from ..live.database import Database

        cfg = common.config(config)
        url = db or cfg.resolve_database_url()
        if not url:
            raise UsageError("no database given", hint="pass --db URL or set DATABASE_URL")
        name = environment_name.strip().lower()
        if not name:
            raise UsageError("the environment name is empty", hint="e.g. schemaguard stamp development")
        with Database.open(url, readonly=False) as database:
            conn = database.connect()
            try:
                with conn.begin():
                    previous = write_stamp(conn, name, schema or cfg.schema)
            finally:
                conn.close()
        before = previous.environment if previous else "nothing (never stamped)"
        typer.echo(
            f"schemaguard: {database.url.render_as_string(hide_password=True)} now records environment {name} "
            f"(it recorded {before}); force syncs are allowed only when it records development"
        )
        return 0

    common.run(debug, body)


def _register_lint() -> None:
    from .lint import register

    register(app)


_register_lint()


def _sources(cfg: Config, models: list[str] | None, db: str | None) -> tuple[list[str], str]:
    """The models targets and the database URL from the options, else the config and environment."""
    targets = list(models or cfg.models)
    if not targets:
        raise UsageError(
            "no models given",
            hint="pass --models package.module:Base (or path/to/models.py:Base) or set models in schemaguard.toml",
        )
    url = db or cfg.resolve_database_url()
    if not url:
        raise UsageError(
            "no database given",
            hint="pass --db URL, set DATABASE_URL, or set database_url in schemaguard.toml",
        )
    return targets, url


def main() -> None:
    """Console-script entry point."""
    # Windows consoles and pipes: never crash printing a non-ASCII table name.
    if hasattr(sys.stdout, "reconfigure"):
        try:
            sys.stdout.reconfigure(errors="replace")
        except (ValueError, OSError):
            pass
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    # A short-lived process that builds large object graphs (thousands of Table and Column objects,
    # all in reference cycles): the cyclic collector would run hundreds of times and free little.
    # Collect rarely; the process ends soon after.
    import gc

    gc.set_threshold(200_000, 50, 50)
    code: int = 0
    try:
        app(prog_name="schemaguard")
    except SystemExit as exc:
        if isinstance(exc.code, int):
            code = exc.code
        elif exc.code is not None:
            print(exc.code, file=sys.stderr)
            code = 1
    # Leave without tearing every object down one by one (seconds at thousands of tables): all
    # output is flushed, connections are closed (NullPool) and nothing is left to clean up.
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 1
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
