"""`python -m schemaguard` runs the command line."""

from .cli.app import main

main()
