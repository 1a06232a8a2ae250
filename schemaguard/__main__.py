"""`python -m schemaguard` runs the command line."""

from .cli import main

main()
