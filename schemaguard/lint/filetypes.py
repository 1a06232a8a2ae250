"""Which files lint reads, by suffix: known without loading any reader (the readers and their parsers
are imported only for the files that need them, so linting one .sql file loads no Python or
JavaScript reader)."""

from __future__ import annotations

# File suffix -> the tree-sitter grammar that reads it (the JavaScript grammar includes JSX).
GRAMMARS = {
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "tsx",
}
JS_SUFFIXES = tuple(GRAMMARS)
