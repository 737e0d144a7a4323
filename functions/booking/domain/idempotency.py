"""The one Idempotency-Key rule of a submission (an application, a group booking): the first
request made with a key is kept with a fingerprint of what it asked; the same key again with
the same body gets the first answer, and with another body is refused in words."""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel

from booking.domain.errors import Conflict


def fingerprint(form: BaseModel) -> str:
    """A stable digest of what a submission asked (the form as parsed, so the same answers
    posted as JSON or as a form are one request), to tell a retry from a different request."""
    canonical = json.dumps(form.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def refuse_unless_retry(first: str | None, form: BaseModel, made: str) -> None:
    """Conflict (409 ``idempotency_key_reused``) unless ``form`` asks what the request first
    made with its key asked (``first``: that request's fingerprint; None when it is not known
    any more, as after an erasure). ``made``: what the first request made, in words."""
    if first != fingerprint(form):
        raise Conflict(
            f"this Idempotency-Key was already used for {made} with other answers; nothing "
            "was changed by this request",
            code="idempotency_key_reused",
        )
