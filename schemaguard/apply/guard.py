"""The environment guard: a small pure function from (mode, environment, FORCE_SYNC, the database's
recorded environment, confirmation) to allowed or refused, with the reason in one sentence.

The origin story's fix, made a rule: never force-sync outside development, force only when
FORCE_SYNC is set, alter only in development, create what is missing anywhere. An unset environment
is production: the guard fails closed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

MODES = ("safe", "alter", "force", "auto")
# Where the environment name is read from, in order, after --env.
ENV_VARS = ("SCHEMAGUARD_ENV", "APP_ENV", "ENVIRONMENT", "NODE_ENV")
TRUTHY = frozenset({"1", "true", "yes", "on"})
DEVELOPMENT = "development"
PRODUCTION = "production"

FORCE_SYNC_REFUSED = "force_sync_refused"
ALTER_REFUSED = "alter_refused"


@dataclass(frozen=True)
class Environment:
    """The environment name and where it came from (for messages: say what to change)."""

    name: str
    source: str

    @property
    def is_development(self) -> bool:
        return self.name == DEVELOPMENT


def environment(explicit: str | None, environ: Mapping[str, str]) -> Environment:
    """--env, else SCHEMAGUARD_ENV, APP_ENV, ENVIRONMENT, NODE_ENV; unset (or empty) is production."""
    if explicit is not None and explicit.strip():
        return Environment(explicit.strip().lower(), "--env")
    for var in ENV_VARS:
        value = environ.get(var, "").strip()
        if value:
            return Environment(value.lower(), var)
    return Environment(PRODUCTION, "default: no --env and none of " + ", ".join(ENV_VARS) + " is set")


def force_sync_enabled(environ: Mapping[str, str]) -> bool:
    """FORCE_SYNC is true only for 1, true, yes, on (any case); anything else is false."""
    return environ.get("FORCE_SYNC", "").strip().lower() in TRUTHY


def resolve_mode(mode: str, env: Environment, force_sync: bool) -> str:
    """`auto` is the origin story's start-up logic: force in development with FORCE_SYNC, else
    alter in development, else safe. Other modes are themselves."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    if mode != "auto":
        return mode
    if env.is_development and force_sync:
        return "force"
    if env.is_development:
        return "alter"
    return "safe"


@dataclass(frozen=True)
class Decision:
    """What the guard says about one sync."""

    allowed: bool
    mode: str  # the resolved mode (auto already decided)
    environment: str
    refusal: str | None = None  # force_sync_refused or alter_refused
    reason: str = ""
    # Allowed, but a person at a terminal must confirm the destructive steps first.
    needs_confirmation: bool = False


def decide(
    mode: str,
    env: Environment,
    force_sync: bool,
    *,
    recorded_environment: str | None = None,
    destructive: bool = False,
    interactive: bool = False,
    yes: bool = False,
) -> Decision:
    """Allowed or refused, and why. `destructive` says whether the plan drops anything; without a
    terminal such a plan needs `yes`, with one it needs a confirmation."""
    resolved = resolve_mode(mode, env, force_sync)
    where = f"the environment is {env.name} ({env.source})"

    def refuse(kind: str, reason: str) -> Decision:
        return Decision(False, resolved, env.name, kind, reason)

    if resolved == "alter" and not env.is_development:
        return refuse(
            ALTER_REFUSED,
            f"alter mode runs only in development, and {where}; use --mode safe here, or set "
            f"--env {DEVELOPMENT} on a development database",
        )
    if resolved == "force":
        missing = []
        if not env.is_development:
            missing.append(where)
        if not force_sync:
            missing.append("FORCE_SYNC is not set to 1, true, yes or on")
        if recorded_environment is not None and recorded_environment != DEVELOPMENT:
            missing.append(
                f"the database itself records environment {recorded_environment} "
                "(change that only with `schemaguard stamp`)"
            )
        if missing:
            return refuse(
                FORCE_SYNC_REFUSED,
                "force mode drops and recreates every declared table, which is allowed only in "
                "development with FORCE_SYNC set; refused because " + "; ".join(missing),
            )
    if destructive and not yes:
        if not interactive:
            return refuse(
                FORCE_SYNC_REFUSED if resolved == "force" else ALTER_REFUSED,
                "the plan has destructive steps and there is no terminal to confirm them; "
                "pass --yes to run it unattended",
            )
        return Decision(True, resolved, env.name, reason="destructive steps need confirmation",
                        needs_confirmation=True)
    return Decision(True, resolved, env.name, reason=f"{resolved} mode is allowed: {where}")
