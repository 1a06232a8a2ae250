"""Build legacy.db, the example's SQLite database, from legacy.sql (standard library only).

    python examples/ticketing/build_legacy_db.py [OUTPUT]

OUTPUT defaults to legacy.db next to this file. An existing file is replaced only once the new one
has been built completely, so an error leaves the old database as it was.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SQL_FILE = HERE / "legacy.sql"
DB_FILE = HERE / "legacy.db"


def build(output: Path = DB_FILE, sql_file: Path = SQL_FILE) -> Path:
    """Run sql_file on a new SQLite database and move it to `output`."""
    script = sql_file.read_text(encoding="utf-8")
    output = output.resolve()
    fd, tmp_name = tempfile.mkstemp(prefix=".legacy-", suffix=".db", dir=output.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.executescript(script)
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise SystemExit(f"{sql_file.name}: rows break foreign keys: {problems}")
            # A compact file without free pages, so that rebuilding gives the same bytes.
            conn.execute("VACUUM")
        finally:
            conn.close()
        tmp.chmod(0o644)  # mkstemp makes it private; it is a file to share
        tmp.replace(output)
    finally:
        tmp.unlink(missing_ok=True)
    return output


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else DB_FILE
    path = build(output)
    print(f"built {path} from {SQL_FILE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
