"""A Stripe outage on demand (``/_local/stripe/outage``): the stand-in's API hangs or fails, so
what the system does when Stripe is down can be tried over the running stack, not only in tests.

Only the ``/v1`` API the SDK calls is affected. The hosted pages, their buttons, the events they
send and this control go on answering: in a partial outage of Stripe's API, payments already made
on its hosted pages are still told of by webhook.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from infra.local.stripe_standin.wire import LocalResponse, StripeError, json_response

# The longest a request is held: longer, and one applicant's request (which the SDK tries three
# times) would hold the local stack's functions, which run one at a time, for minutes.
MAX_HANG_SECONDS = 60
MODES = ("hang", "error", "none")
FIELDS = ("mode", "seconds")


class Unanswered(LocalResponse):
    """No answer at all: the connection is closed without one, as a caller sees a Stripe that
    never answers once its own patience (or a proxy's) runs out."""

    def __init__(self) -> None:
        super().__init__(0, {}, b"")


@dataclass(frozen=True)
class Mode:
    mode: str = "none"
    seconds: int = 0

    def said(self) -> dict[str, Any]:
        """The mode as the control answers it, with what it does in words."""
        words = {
            "hang": f"each Stripe API request is held {self.seconds} s, then left unanswered",
            "error": "each Stripe API request is answered 500 api_error",
            "none": "Stripe's API answers as usual",
        }[self.mode]
        return {"mode": self.mode, "seconds": self.seconds, "description": words}


class BadOutage(ValueError):
    """A body the control cannot take: each field named with why."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__("bad outage")
        self.fields = fields


def mode_asked(body: bytes) -> Mode:
    """The mode ``{"mode": "hang" | "error" | "none", "seconds": N}`` asks for; ``seconds``
    only, and always, with ``hang``: 1 to ``MAX_HANG_SECONDS``."""
    try:
        asked = json.loads(body or b"{}")
    except (ValueError, RecursionError):
        raise BadOutage({"body": "must be JSON"}) from None
    if not isinstance(asked, dict):
        raise BadOutage({"body": 'must be a JSON object: {"mode": "hang", "seconds": 5}'})
    problems = _problems(asked)
    if problems:
        raise BadOutage(problems)
    return Mode(str(asked["mode"]), _held_seconds(asked.get("seconds")) or 0)


def _problems(asked: dict[str, Any]) -> dict[str, str]:
    """Each field of ``asked`` the control cannot take, with why."""
    problems = {
        name: f"not a field: send {', '.join(FIELDS)}" for name in asked if name not in FIELDS
    }
    mode = asked.get("mode")
    if mode not in MODES:
        problems["mode"] = f"required: one of {', '.join(MODES)}"
    if mode == "hang" and _held_seconds(asked.get("seconds")) is None:
        problems["seconds"] = f"required with hang: whole seconds, 1 to {MAX_HANG_SECONDS}"
    elif mode != "hang" and "seconds" in asked:
        problems["seconds"] = "only with hang"
    return problems


def _held_seconds(given: object) -> int | None:
    """``given`` as a hang's length, or None when it is not one (not whole, out of range)."""
    if isinstance(given, bool) or not isinstance(given, int):
        return None
    return given if 1 <= given <= MAX_HANG_SECONDS else None


class Outage:
    """The mode the API is in, shared by every request's thread. A request held by ``hang``
    waits without any lock of the store, so the pages and this control answer meanwhile; a
    change of mode lets it go at once, to be answered as the new mode says."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._mode = Mode()

    def control(self, method: str, body: bytes) -> LocalResponse | None:
        """``GET``: the mode now; ``POST``: set it. Refusals in the contract's error shape."""
        if method == "GET":
            return json_response(200, self._mode.said())
        if method != "POST":
            return None
        try:
            mode = mode_asked(body)
        except BadOutage as bad:
            message = 'send {"mode": "hang" | "error" | "none", "seconds": N (with hang)}'
            problem = {"code": "validation_failed", "fields": bad.fields, "message": message}
            return json_response(422, {"error": problem})
        with self._changed:
            self._mode = mode
            self._changed.notify_all()
        return json_response(200, mode.said())

    def before_api(self) -> LocalResponse | None:
        """What an API request meets before it is answered: nothing (None: answer it), no
        answer after a hang, or Stripe's 500."""
        with self._changed:
            mode = self._mode
            if mode.mode == "hang":
                deadline = time.monotonic() + mode.seconds
                while self._mode is mode and (left := deadline - time.monotonic()) > 0:
                    self._changed.wait(left)
                if self._mode is mode:
                    return Unanswered()
            mode = self._mode
        if mode.mode == "hang":
            return self.before_api()  # let go by a new hang: held again, as it says
        if mode.mode == "error":
            # As Stripe answers when something went wrong on its side (its api_error type).
            refused = StripeError(500, "An unknown error occurred", type_="api_error")
            return json_response(500, refused.payload())
        return None
