"""The organiser API over HTTP, as the CLI asks it: JSON in and out, the bearer token sent,
and a refusal said in words (:class:`CliError`), never as HTTP's numbers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlsplit

from booking.cli.errors import CliError, UsageError
from booking.domain.identifiers import id_fault, no_such
from booking.domain.money import said_as_typed
from booking.domain.wording import FIELD_NAMES

TIMEOUT_SECONDS = 60


def send(
    method: str, url: str, token: str | None, body: Any = None, key: str | None = None
) -> tuple[int, bytes]:
    """``key``: the request's Idempotency-Key, where the command sends one."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Accept": "application/json"}
    if key is not None:
        headers["Idempotency-Key"] = key
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
        raise CliError(unreachable_words(url, error.reason)) from None
    except OSError as error:  # the connection dropped after it was made
        raise CliError(unreachable_words(url, error)) from None


def base_url(url: str) -> str:
    """The ``--url`` as given, checked: an http(s) address (anything else is a command given
    wrongly, said as such, never urllib's "unknown url type")."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(
            f"--url must be an http:// or https:// address, like http://127.0.0.1:8000, not {url!r}"
        )
    return url


def unreachable_words(url: str, reason: object) -> str:
    """ "could not reach http://127.0.0.1:1: is the local stack running?": why a request did
    not get an answer, as a sentence (never "[Errno 111] Connection refused")."""
    parts = urlsplit(url)
    where = f"{parts.scheme}://{parts.netloc}"
    cause = getattr(reason, "strerror", None) or str(reason)
    if "timed out" in cause.lower():
        return f"could not reach {where}: it did not answer in {TIMEOUT_SECONDS} seconds"
    if "name or service not known" in cause.lower() or "nodename" in cause.lower():
        return f"could not reach {where}: no such host; check --url"
    return (
        f"could not reach {where}: is the local stack running (make run), or is --url "
        "wrong? (" + cause.lower().rstrip(".") + ")"
    )


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
        said += "".join(f"\n  {field_words(name)}: {reason}" for name, reason in fields.items())
    except (ValueError, KeyError, TypeError, RecursionError):
        # Not the API's JSON (a proxy's page, a wrong --url): what the server said, by name.
        try:
            phrase = HTTPStatus(status).phrase.lower()
        except ValueError:
            phrase = "an error"
        said = f"the server answered {phrase} ({status}) without saying why; check --url"
    return said_as_typed(said)


# The API's fields that are the CLI's options of the same name (discount-code's).
OPTION_FIELDS = frozenset({"percent_off", "amount_off", "max_uses", "expires_at"})
# The API's fields that are a CLI option of another name (transfer's --to).
OPTIONS_NAMED_OTHERWISE = {"to_course_id": "--to"}


def field_words(name: str) -> str:
    """A field the API refused, as the person at the terminal knows it: the CLI's option
    (``--amount-off``), else the glossary's name (``domain/wording.py``), else in words."""
    if name in OPTION_FIELDS:
        return "--" + name.replace("_", "-")
    if name in OPTIONS_NAMED_OTHERWISE:
        return OPTIONS_NAMED_OTHERWISE[name]
    return FIELD_NAMES.get(name, name.replace("_", " "))


def read_json(payload: bytes) -> Any:
    try:
        return json.loads(payload)
    except (ValueError, RecursionError):
        raise CliError("the server's answer is not the API's JSON; check --url") from None


def get_json(url: str, token: str | None) -> Any:
    return read_json(checked(*send("GET", url, token)))


def post_json(url: str, token: str | None, body: dict[str, Any], key: str | None = None) -> Any:
    return read_json(checked(*send("POST", url, token, body, key)))


def course_path(url: str, course_id: str) -> str:
    """The organiser API's path of the course ``course_id`` names (:func:`segment`)."""
    return f"{url}/admin/courses/{segment(course_id, 'course')}"


def application_path(url: str, application: str) -> str:
    """The API's path of the application a reference or id names (:func:`segment`)."""
    return f"{url}/admin/applications/{segment(application, 'application')}"


def group_id_as_held(typed: str) -> str:
    """A group's id as the API holds it: lower-case hexadecimal, so an id typed in capitals,
    or pasted with spaces around it (as a reference may be), names the same group (and, keyed
    by it, the same retry)."""
    return typed.strip().lower()


def group_path(url: str, group_id: str) -> str:
    """The API's path of the group booking ``group_id`` names (:func:`group_id_as_held`). One
    no id can be is refused in the words it was typed in (:func:`segment`), not as read."""
    segment(group_id, "group booking")
    return f"{url}/admin/groups/{segment(group_id_as_held(group_id), 'group booking')}"


def segment(value: str, thing: str) -> str:
    """``value`` as one segment of an API path, naming a ``thing`` ("application", "course",
    "group booking", "discount code"). One no reference or id can be (``domain.identifiers``:
    a slash, ``?``, ``#``, a line break, over-long) is refused in words before any request, as
    the API refuses a value that names nothing, never "no such resource"."""
    if id_fault(value) is not None:
        raise CliError(no_such(thing, value))
    return quote(value, safe="")
