"""The one Idempotency-Key rule of a submission (an application, a group booking): the first
request made with a key is kept with a fingerprint of what it asked; the same key again with
the same body gets the first answer, and with another body is refused in words.

Addresses are one person whatever their case, here as everywhere else: the fingerprint
compares them in lower case. A fingerprint stored before that (made of the body as typed) still
matches a retry of its own request, sent as it was first (``matches`` tries both ways); a retry
of such a request with an address's case changed is told it asked otherwise, as it was then.

An erasure forgets the fingerprint (a digest of the people the request named is still about
them): a retry after it cannot be compared, and is told so truly, never that it changed its
answers."""

import hashlib
import json
from typing import Any

from pydantic import BaseModel

from booking.domain.errors import Conflict


def _addresses_in_lower_case(value: Any) -> Any:
    """The form's values with every address (a field named ``...email``) in lower case."""
    if isinstance(value, dict):
        return {
            key: item.lower()
            if key.endswith("email") and isinstance(item, str)
            else _addresses_in_lower_case(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_addresses_in_lower_case(item) for item in value]
    return value


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def fingerprint(form: BaseModel) -> str:
    """A stable digest of what a submission asked (the form as parsed, so the same answers
    posted as JSON or as a form are one request, and its addresses in lower case), to tell a
    retry from a different request."""
    return _digest(_addresses_in_lower_case(form.model_dump(mode="json")))


def matches(first: str, form: BaseModel) -> bool:
    """Whether ``form`` asks what the request with fingerprint ``first`` asked; ``first`` made
    now, or before addresses were compared in lower case (the body as typed)."""
    return first in (fingerprint(form), _digest(form.model_dump(mode="json")))


def refuse_unless_retry(
    first: str | None, form: BaseModel, made: str, *, erased: bool = False
) -> None:
    """Conflict (409 ``idempotency_key_reused``) unless ``form`` asks what the request first
    made with its key asked (``first``: that request's fingerprint; None when it is not known
    any more). ``made``: what the first request made, in words; ``erased``: whether someone it
    named was erased since (which forgot its fingerprint)."""
    if first is not None and matches(first, form):
        return
    if erased:
        why = (
            f"this Idempotency-Key already made {made}, which exists; its answers were partly "
            "erased since, so this request cannot be compared with them and is not answered "
            "again; nothing was changed by this request"
        )
    elif first is None:
        why = (
            f"this Idempotency-Key already made {made}, which exists; what it asked was not "
            "kept, so this request cannot be compared with it and is not answered again; "
            "nothing was changed by this request"
        )
    else:
        why = (
            f"this Idempotency-Key was already used for {made} with other answers; nothing "
            "was changed by this request"
        )
    raise Conflict(why, code="idempotency_key_reused")
