"""A request body's text, read strictly (``http.read_body`` answers what is refused as a 400):
bytes that are not UTF-8 (a body sent as latin-1, whatever its charset says, or a form
percent-encoding latin-1: ``%E9``) and a JSON object naming a field twice are refused in words,
never read with U+FFFD put in for the bytes or the last of two values silently kept
(hostile30 A1, A2)."""

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
    """A JSON object whose fields are each given once (``json.loads``' object_pairs_hook):
    JSON allows a name twice, the last winning, but which of two emails was meant is not
    ours to guess."""
    found: dict[str, Any] = {}
    for name, value in pairs:
        if name in found:
            raise UnreadBody(f"the field {name} is given twice: give it once")
        found[name] = value
    return found
