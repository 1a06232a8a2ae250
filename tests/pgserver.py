"""A throwaway PostgreSQL server on 127.0.0.1 for the test suite, from Debian's postgresql package.

initdb and postgres refuse to run as root, so when the suite runs as root (CI does) the server runs
as the unprivileged `postgres` user through `runuser`, with a data directory that user owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> Path | None:
    """The directory holding initdb/pg_ctl/postgres, or None when PostgreSQL is not installed."""
    explicit = os.environ.get("SCHEMAGUARD_PG_BINDIR")
    if explicit:
        return Path(explicit)
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0,
        reverse=True,
    )
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    bindir: Path
    root: Path
    port: int
    superuser: str = "postgres"
    password: str = "sg-test-secret"
    _as_user: str | None = None

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres", user: str | None = None, password: str | None = None) -> str:
        user = user or self.superuser
        pw = self.password if password is None and user == self.superuser else password
        auth = f"{user}:{pw}" if pw else user
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{database}"

    def _cmd(self, args: list[str]) -> list[str]:
        if self._as_user:
            return ["runuser", "-u", self._as_user, "--", *args]
        return args

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self._as_user = "postgres"
            shutil.chown(self.root, user="postgres", group=None)
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self._as_user:
            shutil.chown(pwfile, user="postgres", group=None)
        subprocess.run(
            self._cmd(
                [
                    str(self.bindir / "initdb"),
                    "-D", str(self.datadir),
                    "-U", self.superuser,
                    "--pwfile", str(pwfile),
                    "--auth", "scram-sha-256",
                    "--encoding", "UTF8",
                    "--locale", "C",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        opts = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200 -c shared_buffers=64MB"
        )
        subprocess.run(
            self._cmd(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D", str(self.datadir),
                    "-o", opts,
                    "-l", str(self.root / "server.log"),
                    "-w", "-t", "60",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not start; see {self.root / 'server.log'}")

    def stop(self) -> None:
        if self.datadir.exists():
            subprocess.run(
                self._cmd([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "immediate", "-w", "stop"]),
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PgServer:
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL is not installed: run `apt-get install -y postgresql` (bash .ci/run does it)"
        )
    base = Path(tempfile.mkdtemp(prefix="schemaguard-pg-"))
    os.chmod(base, 0o755)
    server = PgServer(bindir=bindir, root=base / "pg", port=_free_port())
    try:
        server.start()
    except BaseException:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
        raise
    return server


if __name__ == "__main__":  # pragma: no cover - a developer's convenience
    srv = start_server()
    print(srv.url(), flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        srv.stop()
