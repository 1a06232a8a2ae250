"""`python -m schemaguard.lint lint PATH...`: the lint command on its own (what `schemaguard lint`
runs once it is registered on the main CLI)."""

from ..cli.lint import standalone_app

standalone_app()(prog_name="schemaguard")
