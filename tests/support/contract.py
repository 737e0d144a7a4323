"""The contract's error shape, checked the same way by every test that fuzzes the HTTP API."""

from __future__ import annotations

import json
from typing import Any


def error_shape_problems(status: int, content_type: str, body: bytes) -> list[str]:
    """What is wrong with an error answer (empty: nothing). Pages for browsers are exempt.

    The contract: ``{"error": {"code": "...", "message": "...", "fields": {"field": "why"}}}``.
    """
    read = _error_object(status, content_type, body)
    if isinstance(read, list):
        return read
    parsed, error = read
    problems = []
    if not isinstance(error.get("code"), str) or not error.get("code"):
        problems.append("'error.code' is not a non-empty string")
    if not isinstance(error.get("message"), str):
        problems.append("'error.message' is not a string")
    fields = error.get("fields")
    if not isinstance(fields, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in fields.items()
    ):
        problems.append("'error.fields' is not an object of strings")
    return [f"{status} error not in the contract's shape: {p}: {parsed!r:.300}" for p in problems]


def stripe_error_problems(status: int, content_type: str, body: bytes) -> list[str]:
    """The Stripe stand-in answers errors as Stripe does (the ``stripe`` SDK parses them):
    ``{"error": {"type": "...", "message": "..."}}``; its hosted-page stand-in answers HTML."""
    read = _error_object(status, content_type, body)
    if isinstance(read, list):
        return read
    parsed, error = read
    if not isinstance(error.get("type"), str) or not isinstance(error.get("message"), str):
        return [f"{status} error not in Stripe's shape: {parsed!r:.300}"]
    return []


def _error_object(
    status: int, content_type: str, body: bytes
) -> tuple[Any, dict[str, Any]] | list[str]:
    """The answer and its ``error`` object, or what keeps it from having one (an empty list:
    not an error answer, or a page for a browser, which is exempt)."""
    if status < 400 or content_type.startswith("text/html"):
        return []
    try:
        parsed: Any = json.loads(body or b"")
    except ValueError:
        return [f"{status} answer is not JSON: {body[:200]!r}"]
    error = parsed.get("error") if isinstance(parsed, dict) else None
    if not isinstance(error, dict):
        return [f"{status} answer has no 'error' object: {parsed!r:.200}"]
    return parsed, error
