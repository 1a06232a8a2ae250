"""The command line: thin typer commands over the library, errors mapped to exit codes in one place.

`main` is imported lazily so that `python -m schemaguard.lint` and the library never pay for the
whole command line.
"""

from __future__ import annotations


def main() -> None:
    """The `schemaguard` console script."""
    from .app import main as run

    run()
