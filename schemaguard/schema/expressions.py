"""Index expressions folded for comparison, as both sides print them: no casts, quotes, spaces or case."""

from __future__ import annotations

import re

from .defaults import _strip_casts


def normalize_expression(text: str) -> str:
    """Expression-index text folded for comparison: no casts, quotes, spaces or case."""
    out = _strip_casts(text)
    out = out.replace('"', "")
    out = re.sub(r"\s+", "", out).lower()
    # Drop parentheses around bare identifiers that PostgreSQL adds: lower((email)) -> lower(email)
    prev = None
    while prev != out:
        prev = out
        out = re.sub(r"\(\(([a-z0-9_.]+)\)\)", r"(\1)", out)
    return out
