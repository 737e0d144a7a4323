"""A request body's text, read strictly (``http.read_body`` answers what is refused as a 400):
bytes that are not UTF-8 (a body sent as latin-1, or a form percent-encoding latin-1: ``%E9``,
or a multipart form's text field) and a field named twice (in a JSON object, a urlencoded form
or a multipart form) are refused in words, never read with U+FFFD put in for the bytes or the
last of two values silently kept (hostile30 A1, A2; hostile32 H9)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl


class UnreadBody(ValueError):
    """A body refused as it was sent, in words (the message)."""


def strict_utf8(body: bytes, what: str) -> str:
    """``body`` decoded as UTF-8, strictly (``what``: "the body", "the form")."""
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadBody(f"{what} is not valid UTF-8: send it encoded as UTF-8") from exc


def form_pairs(body: bytes) -> list[tuple[str, str]]:
    """A form's names and values in order, its percent-encoded bytes UTF-8 too."""
    try:
        return parse_qsl(strict_utf8(body, "the form"), keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        raise UnreadBody("the form is not valid UTF-8 (a percent-encoded byte is not)") from exc


def once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A body's fields, each given once: a JSON object (``json.loads``' object_pairs_hook), a
    urlencoded form's pairs, a multipart form's parts. JSON and forms allow a name twice, the
    last winning in most readers, but which of two emails was meant is not ours to guess. No
    form of ours posts a name twice (a radio group or a row of submit buttons posts the one
    chosen; each box has its own name), so a name given twice came from a script or a proxy."""
    found: dict[str, Any] = {}
    for name, value in pairs:
        if name in found:
            raise UnreadBody(f"the field {name} is given twice: give it once")
        found[name] = value
    return found
