"""Name folding and naming-style detection: how `Users`/`users` and `userId`/`user_id` pair up."""

from __future__ import annotations

import re
from functools import lru_cache

_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_LOWER_WORD = re.compile(r"^[a-z][a-z0-9]*$")
# lowerCamel or PascalCase, single capitalized words included (`Users`, `userId`, `EventCategories`).
_CAMEL = re.compile(r"^(?=.*[A-Z])[A-Za-z][A-Za-z0-9]*$")


# Pure functions of a name, asked about every table and column name on both sides, several times:
# cached, a schema of thousands of tables repeats its column names over and over.
@lru_cache(maxsize=65536)
def fold(name: str) -> str:
    """The name with case, quoting and underscores removed: `"User_Id"` and `userid` fold alike."""
    return name.strip().strip('"`[]').replace("_", "").lower()


@lru_cache(maxsize=65536)
def style(name: str) -> str:
    """`snake`, `camel`, `word` (one lowercase word: fits either) or `other`."""
    if _LOWER_WORD.match(name):
        return "word"
    if _SNAKE.match(name):
        return "snake"
    if _CAMEL.match(name):
        return "camel"
    return "other"


def to_snake(name: str) -> str:
    """userId -> user_id, EventCategories -> event_categories."""
    out = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    out = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", out)
    return out.lower()
