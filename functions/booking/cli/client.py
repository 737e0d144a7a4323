"""The organiser API over HTTP, as the CLI asks it: JSON in and out, the bearer token sent,
and a refusal said in words (:class:`CliError`), never as HTTP's numbers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from booking.cli.errors import CliError
from booking.domain.money import said_as_typed

TIMEOUT_SECONDS = 60


def send(method: str, url: str, token: str | None, body: Any = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status), response.read()
    except urllib.error.HTTPError as error:
        return int(error.code), error.read()
    except urllib.error.URLError as error:
        raise CliError(f"cannot reach {url}: {error.reason}") from error


def checked(status: int, payload: bytes) -> bytes:
    if status >= 400:
        raise CliError(refusal_words(status, payload))
    return payload


def refusal_words(status: int, payload: bytes) -> str:
    """What the API's refusal says, for the person at the terminal: its message and each
    field's reason, money as they typed it (pounds, never the API's pence), without the
    API's codes or HTTP's numbers (``--json`` is for programs; the codes are in the README)."""
    try:
        detail = json.loads(payload)["error"]
        said = str(detail["message"])
        fields = detail.get("fields") or {}
        said += "".join(f"\n  {name}: {reason}" for name, reason in fields.items())
    except (ValueError, KeyError, TypeError, RecursionError):
        # Not the API's JSON (a proxy's page, a wrong --url): what the server said, by name.
        try:
            phrase = HTTPStatus(status).phrase.lower()
        except ValueError:
            phrase = "an error"
        said = f"the server answered {phrase} ({status}) without saying why; check --url"
    return said_as_typed(said)


def read_json(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except (ValueError, RecursionError):
        raise CliError("the server's answer is not the API's JSON; check --url") from None


def get_json(url: str, token: str | None) -> Any:
    return read_json(checked(*send("GET", url, token)))


def post_json(url: str, token: str | None, body: dict[str, Any]) -> Any:
    return read_json(checked(*send("POST", url, token, body)))


def application_path(url: str, application: str) -> str:
    return f"{url}/admin/applications/{quote(application, safe='')}"
