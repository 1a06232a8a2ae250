"""How models targets are imported: state the command line sets at start-up, kept out of
declared.py so that setting it imports nothing heavy (`schemaguard --help` stays fast).

"mapped" (the default): as the application does, every declarative class mapped by the ORM.
"deferred" (SCHEMAGUARD_IMPORT=deferred on the command line): the classes' tables are built but
their ORM mappings are left undone (declared._mapping_deferred) -- about a third less time and
memory for thousands of models. Models whose schema depends on their mappers (mapping-event
listeners, __declare_first__/__declare_last__, tables a Mapper refuses) are detected and
imported plainly instead (declared._needs_mappings); other Mapper errors go unseen. Only for a
process that imports the models for schemaguard alone: an application that calls
schemaguard.check() may use the same modules afterwards and needs them mapped.
"""

from __future__ import annotations

from collections.abc import Callable

MODES = ("mapped", "deferred")
mode = "mapped"
# Called when an import with deferred mappings fails: the command line starts itself again with
# plain imports (a failed import leaves half-imported modules behind; only a fresh interpreter
# imports them exactly as the application would). Must not return.
failure_hook: Callable[[BaseException], None] | None = None


def set_import_mode(new_mode: str, on_failure: Callable[[BaseException], None] | None = None) -> None:
    """Choose how models targets are imported ("mapped" or "deferred"). With "deferred", a models
    module that fails to import while its mappings are deferred calls `on_failure` (which must not
    return); without one, the failure is reported as a ModelsError."""
    global mode, failure_hook
    if new_mode not in MODES:
        raise ValueError(f"unknown import mode {new_mode!r}")
    mode = new_mode
    failure_hook = on_failure
