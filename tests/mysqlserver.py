"""A throwaway MariaDB server on 127.0.0.1 for the test suite, from Debian's mariadb-server package.

mariadbd refuses to run as root, so when the suite runs as root (CI does) the server runs as the
unprivileged `mysql` user through `runuser`, with a data directory that user owns. It listens on its
own free port and its own socket in the temporary directory, never on the machine's default ones,
and has one password user (`sg`) with every privilege, made by a bootstrap script at start-up (the
grant tables stay on: the suite needs a password login and a SELECT-only user).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def find_server() -> tuple[Path, Path] | None:
    """(mariadbd, mariadb-install-db), or None when MariaDB is not installed."""
    explicit = os.environ.get("SCHEMAGUARD_MARIADB_BINDIR")
    dirs = [Path(explicit)] if explicit else [Path("/usr/sbin"), Path("/usr/bin"), Path("/usr/local/bin")]
    found_path = shutil.which("mariadbd")
    if found_path and not explicit:
        dirs.insert(0, Path(found_path).parent)
    for d in dirs:
        server = d / "mariadbd"
        install = shutil.which("mariadb-install-db", path=f"{d}:{d.parent / 'bin'}:/usr/bin")
        if server.is_file() and install:
            return server, Path(install)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class MariaDBServer:
    server: Path
    install_db: Path
    root: Path
    port: int
    # fixed at initialisation: 0 (Linux), 1 (Windows) or 2 (macOS)
    lower_case_table_names: int = 0
    user: str = "sg"
    password: str = "sg-test-secret"
    _as_user: str | None = None
    _process: subprocess.Popen[bytes] | None = None

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    @property
    def socket(self) -> Path:
        return self.root / "mysqld.sock"

    def url(self, database: str = "", user: str | None = None, password: str | None = None) -> str:
        user = user or self.user
        pw = self.password if password is None and user == self.user else password
        auth = f"{user}:{pw}" if pw else user
        return f"mysql://{auth}@127.0.0.1:{self.port}/{database}"

    def _cmd(self, args: list[str]) -> list[str]:
        if self._as_user:
            return ["runuser", "-u", self._as_user, "--", *args]
        return args

    def _options(self) -> list[str]:
        # Small and fast: no name lookups, a small buffer pool and log, no durability (a test
        # server is thrown away), no networking beyond the loopback port.
        return [
            "--no-defaults",
            f"--datadir={self.datadir}",
            f"--socket={self.socket}",
            f"--pid-file={self.root / 'mysqld.pid'}",
            f"--lower-case-table-names={self.lower_case_table_names}",
            "--skip-name-resolve",
            "--innodb-buffer-pool-size=32M",
            "--innodb-log-file-size=16M",
            "--innodb-flush-log-at-trx-commit=0",
            "--innodb-doublewrite=0",
            "--sync-binlog=0",
            "--skip-log-bin",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_general_ci",
            "--max-connections=300",
        ]

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            self._as_user = "mysql"
            shutil.chown(self.root, user="mysql", group=None)
        subprocess.run(
            self._cmd(
                [
                    str(self.install_db),
                    *self._options()[:1],
                    f"--datadir={self.datadir}",
                    f"--lower-case-table-names={self.lower_case_table_names}",
                    "--auth-root-authentication-method=normal",
                    "--skip-test-db",
                    "--skip-name-resolve",
                    *(["--user=mysql"] if self._as_user else []),
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        # The password user, made before the server opens its port: an init file runs as the
        # server starts, with the grant tables already loaded.
        init = self.root / "init.sql"
        init.write_text(
            f"CREATE USER '{self.user}'@'%' IDENTIFIED BY '{self.password}';\n"
            f"GRANT ALL PRIVILEGES ON *.* TO '{self.user}'@'%' WITH GRANT OPTION;\n"
        )
        if self._as_user:
            shutil.chown(init, user="mysql", group=None)
        log = open(self.root / "server.log", "wb")  # noqa: SIM115 - kept open for the server's life
        self._process = subprocess.Popen(
            self._cmd(
                [
                    str(self.server),
                    *self._options(),
                    "--bind-address=127.0.0.1",
                    f"--port={self.port}",
                    f"--init-file={init}",
                    f"--log-error={self.root / 'error.log'}",
                ]
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                break
            try:
                import pymysql

                pymysql.connect(host="127.0.0.1", port=self.port, user=self.user, password=self.password).close()
                return
            except Exception:
                time.sleep(0.1)
        error_log = self.root / "error.log"
        tail = error_log.read_text(errors="replace")[-2000:] if error_log.exists() else ""
        raise RuntimeError(f"MariaDB did not start:\n{tail}")

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            # SIGTERM is a clean shutdown; runuser passes it on to mariadbd.
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        # the whole temporary directory start_server made
        shutil.rmtree(self.root.parent, ignore_errors=True)


def start_server(lower_case_table_names: int = 0) -> MariaDBServer:
    found = find_server()
    if found is None:
        raise RuntimeError(
            "MariaDB is not installed: run `apt-get install -y mariadb-server` (bash .ci/run does it)"
        )
    base = Path(tempfile.mkdtemp(prefix="schemaguard-mariadb-"))
    os.chmod(base, 0o755)
    server = MariaDBServer(
        server=found[0], install_db=found[1], root=base / "db", port=_free_port(),
        lower_case_table_names=lower_case_table_names,
    )
    try:
        server.start()
    except BaseException:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)
        raise
    return server


if __name__ == "__main__":  # pragma: no cover - a developer's convenience
    import sys

    srv = start_server(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(srv.url(), flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        srv.stop()
