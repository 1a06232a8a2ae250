"""Helpers shared by test_cli.py, test_config.py and test_readonly.py."""

from __future__ import annotations

import os
import re
import runpy
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from conftest import engine_for
from typer.testing import CliRunner

from schemaguard.cli.app import app

SECRET = "s3cr3t-XYZ"

MODELS = '''\
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200), nullable=False, unique=True)
    name = Column(String(100))


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    body = Column(Text)
'''

runner = CliRunner()


# --------------------------------------------------------------------------------------------
# helpers


def write_models(folder: Path, text: str = MODELS, name: str = "models.py") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def create_db(url: str, models_file: Path, *extra_sql: str) -> None:
    """create_all from the models file (read-write setup engine), then any extra raw SQL."""
    base = runpy.run_path(str(models_file))["Base"]
    eng = engine_for(url)
    try:
        base.metadata.create_all(eng)
        if extra_sql:
            with eng.begin() as conn:
                for stmt in extra_sql:
                    conn.exec_driver_sql(stmt)
    finally:
        eng.dispose()


def sg(*args: str, env: dict[str, str | None] | None = None):  # type: ignore[no-untyped-def]
    """Invoke the typer app in-process; stdout and stderr come back separately (click >= 8.2)."""
    result = runner.invoke(app, list(args), env=env)
    # Every outcome must be an orderly exit, never an exception escaping the app.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def script() -> str:
    candidate = Path(sys.executable).parent / "schemaguard"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("schemaguard")
    assert found, "the schemaguard console script is not installed (pip install -e .)"
    return found


def run_script(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    full_env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    full_env.update(env or {})
    return subprocess.run(  # noqa: PLW1510 - the exit code is what is tested
        [script(), *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def assert_one_sentence(stderr: str, *needles: str) -> None:
    """An error is one `schemaguard: error:` line naming the problem; never a traceback."""
    assert "Traceback" not in stderr
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("schemaguard: error: "), stderr
    for needle in needles:
        assert needle.lower() in lines[0].lower(), (needle, stderr)


def flatten(text: str) -> str:
    """Click/rich usage errors come in a box wrapped at the terminal width: unwrap them."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
