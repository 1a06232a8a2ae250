"""Database URLs: parsing with driver defaults, and redaction so that passwords never leak."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def parse_url(raw: str) -> URL:
    """Parse a database URL; a URL without a driver gets the one its database's module names
    (`postgres://` and `postgresql://` get psycopg 3)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = raw.strip()
    if not _SCHEME.match(text):
        raise UsageError(
            f"malformed database URL {redact_text(text)!r}",
            hint="use a SQLAlchemy URL such as postgresql://user@host/db or sqlite:///app.db",
        )
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    try:
        url = make_url(text)
    except (ArgumentError, ValueError) as exc:
        raise UsageError(
            f"malformed database URL {redact_text(text)!r}",
            hint="use a SQLAlchemy URL such as postgresql://user@host/db or sqlite:///app.db",
        ) from exc
    if url.host is not None and (_BAD_HOST.search(url.host) or not url.host.strip()):
        # make_url accepts `postgresql://[bad` with host "[bad"; the driver would then fail with a
        # DNS error (exit 3) for what is a typo in the URL (exit 2).
        raise UsageError(
            f"malformed database URL {redact_text(text)!r}: invalid host {url.host!r}",
            hint="use a SQLAlchemy URL such as postgresql://user@host/db or sqlite:///app.db",
        )
    from ..dialects import dialect_of

    # The driver schemaguard uses where none is written (postgresql:// gets psycopg 3).
    return dialect_of(url).with_default_driver(url)


_BAD_HOST = re.compile(r"[\[\]\s/@]")


# Query parameters that carry secrets: libpq takes `?password=`, drivers take tokens and keys.
SECRET_PARAMS = frozenset(
    {"password", "passwd", "pwd", "pass", "sslpassword", "secret", "token", "access_token", "api_key", "apikey"}
)


def redact(url: URL) -> str:
    """The URL as text with its password replaced by ***, in the form the user wrote it: the
    psycopg driver that parse_url adds to `postgresql://` is not shown (`postgresql://u:***@h/db`).
    A password given as a query parameter (`?password=...`) is hidden too."""
    from ..dialects import dialect_of

    url = dialect_of(url).as_written(url)
    return redact_text(url.render_as_string(hide_password=True))


_USERINFO = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*):(?P<pw>[^@\s]*)@")
_QUERY_SECRET = re.compile(
    r"(?P<head>[?&;\s](?:" + "|".join(sorted(SECRET_PARAMS)) + r")=)(?P<value>[^&\s'\"]*)", re.IGNORECASE
)


def redact_text(text: str) -> str:
    """Hide the password of any URL-looking substring of free text (error messages)."""
    text = _USERINFO.sub(lambda m: f"{m.group('head')}:***@", text)
    return _QUERY_SECRET.sub(lambda m: f"{m.group('head')}***", text)


def scrub(text: str, url: URL | None) -> str:
    """Remove a URL's password from text a driver produced, wherever it appears."""
    out = redact_text(text)
    if url is not None:
        secrets = [str(url.password)] if url.password else []
        for k, v in url.query.items():
            if k.lower() in SECRET_PARAMS:
                secrets.extend([v] if isinstance(v, str) else list(v))
        for secret in secrets:
            if secret:
                out = out.replace(secret, "***")
    return out
