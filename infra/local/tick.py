"""The body of ``POST /_local/scheduler/tick``: the moment the run is for, and nothing else
(docs/architecture.md, "The local stack"), read and refused in the contract's error shape."""

from __future__ import annotations

import json
from datetime import datetime

from booking.domain.validation import not_a_field, sane_instant
from infra.local.http_server import json_answer
from infra.local.stripe_standin import LocalResponse


class UnreadableTick(ValueError):
    """The tick's body is not a JSON object (400); any other ``ValueError`` is about its
    ``time`` field (422, as every bad date a person gives)."""


class UnknownTickFields(ValueError):
    """The tick's body has fields besides ``time`` (422, each named): refused, never ignored,
    so that ``{"time": ..., "dry_run": true}`` does not run the schedule for real as if nothing
    else had been asked (the organiser API refuses its bodies' unknown fields so too)."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("unknown fields")
        self.fields = fields


# The one field a tick takes.
TICK_FIELDS = ("time",)


def tick_time(body: bytes) -> datetime:
    """The moment a ``POST /_local/scheduler/tick`` names; ``ValueError`` says what is wrong.
    Only the years a course's sessions may fall in (the domain's ``SANE_YEARS``): beyond them
    the dispatcher's arithmetic (now minus the sweep window, plus reminder offsets) would leave
    the years datetime can hold, and nothing could be due anyway."""
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise UnreadableTick("the body must be JSON") from None
    if not isinstance(payload, dict):
        raise UnreadableTick('the body must be a JSON object: {"time": "..."}')
    unknown = sorted(set(payload) - set(TICK_FIELDS))
    if unknown:
        raise UnknownTickFields(dict.fromkeys(unknown, not_a_field(TICK_FIELDS)))
    raw = payload.get("time")
    if not isinstance(raw, str) or not raw:
        raise ValueError("required: an ISO 8601 time such as 2027-06-06T15:10:00Z")
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 time: {raw[:40]!r}") from None
    if moment.tzinfo is None:
        raise ValueError("time needs a UTC offset")
    return sane_instant(moment)


def tick_refused(
    status: int, code: str, field: str | dict[str, str], why: Exception
) -> LocalResponse:
    """A tick whose body cannot be taken: the contract's error, saying what to send (``field``:
    the one field ``why`` is about, or each field and why)."""
    problem = {
        "code": code,
        "fields": field if isinstance(field, dict) else {field: str(why)},
        "message": 'send {"time": "<ISO 8601 with a UTC offset>"}',
    }
    return json_answer(status, {"error": problem})
