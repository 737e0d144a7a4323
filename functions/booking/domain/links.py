"""Addresses with a query: one way to build them, so none ends in a bare ``?`` or ``&``.

A page's link, a redirect's ``Location`` and a "come back here" address all add their query
through ``with_query``: the values left empty are dropped, and a path with nothing to add is
given back as it was, never followed by a ``?`` that reads as a mistake in the address bar.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit, urlunsplit


def with_query(address: str, query: Mapping[str, str] | str = "") -> str:
    """``address`` with ``query`` added to the query it may already hold: pairs (empty values
    dropped, encoded here) or a query already encoded (as a request's raw query string).
    Nothing to add and nothing held: the address alone, no ``?``; the ``#`` part kept last."""
    parts = urlsplit(address)
    added = query if isinstance(query, str) else urlencode({k: v for k, v in query.items() if v})
    kept = "&".join(part for part in (*parts.query.split("&"), *added.split("&")) if part)
    return urlunsplit(parts._replace(query=kept))
