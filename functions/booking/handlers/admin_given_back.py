"""The organiser API's record of money given back by hand
(``POST /admin/applications/{application_id}/given-back``, ``services.given_back``), served on
the admin function's resolver (``handlers/admin.py`` calls :func:`serve`)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from booking.bootstrap import ports
from booking.domain.given_back import FIELDS, GiveBackAsked, asked_from, holding_of
from booking.domain.page_seen import OF_THE_APPLICATION, OF_THE_GROUP, Seen, seen_digests
from booking.handlers import http
from booking.handlers.resolver import Response
from booking.handlers.routes import Served
from booking.services import console

# A key a client gave names its record apart from the console's presses.
_KEYED = "key-"


# A retried request with neither would be a record of its own: money recorded twice.
def neither(of: str) -> str:
    """The refusal of a record with neither a key nor ``seen``, of what it was read of."""
    return (
        "give an Idempotency-Key header (a retry with the same key records nothing more) or "
        f"`seen` (what {of} was read as: a retry after the record is refused as out of "
        "date), so a retried request cannot record the money twice: nothing was recorded"
    )


NEITHER = neither(OF_THE_APPLICATION)


def serve(
    served: Served,
    body_of: Callable[..., dict[str, Any]],
    application_json: Callable[[Any], dict[str, Any]],
) -> None:
    """Bind the route; ``body_of``: the request's JSON object, only the fields named;
    ``application_json``: an application as the API answers it."""

    @served("recordMoneyGivenBack")
    def record_given_back(application_id: str) -> Response[str]:
        from booking.handlers.given_back_views import records_out
        from booking.services import given_back

        asked, press, seen = _asked(body_of)
        found = console.application_id_for(ports(), application_id)
        done = given_back.record_given_back(ports(), found, asked, press, seen)
        after = done.application
        holding = holding_of(after)  # what is left, in its currency, by the one rule
        answer = {
            **application_json(after),
            "recorded": "now" if done.changed else "before",
            "left_to_give_back": holding.left,
            "currency": holding.currency,
            "given_back_by_hand": [
                r.model_dump(mode="json") for r in records_out(after.given_back)
            ],
        }
        return http.json_response(200, answer)

    @served("recordGroupMoneyGivenBack")
    def record_group_given_back(group_id: str) -> Response[str]:
        from booking.domain.employer_share import owed_by_hand
        from booking.handlers.given_back_views import GroupGivenBackRecordedOut, records_out
        from booking.services.group_given_back import record_group_given_back
        from booking.services.group_overview import line_of

        asked, press, seen = _asked(body_of, OF_THE_GROUP)
        the_ports = ports()
        after, changed = record_group_given_back(the_ports, group_id, asked, press, seen)
        answer = GroupGivenBackRecordedOut(
            **line_of(the_ports, after).model_dump(),
            recorded="now" if changed else "before",
            left_to_give_back=owed_by_hand(after),
            currency=after.price.currency,
            given_back_by_hand=records_out(after.returned_by_hand),
        )
        return http.json_response(200, answer.model_dump(mode="json"))


def _asked(
    body_of: Callable[..., dict[str, Any]], of: str = OF_THE_APPLICATION
) -> tuple[GiveBackAsked, str, Seen]:
    """The request's record, a person's or a group's (``of``, in its refusals' words): what it
    gives back, its press (its Idempotency-Key's, else one of its own) and what it saw. 400 with
    neither a key nor ``seen`` (a retry would record twice), 422 naming each field that needs
    attention."""
    from booking.handlers.admin import app  # the resolver serving this request

    body = body_of("record of money given back", *FIELDS, "seen")
    # API Gateway's HTTP API lowercases header names.
    key = http.idempotency_key(app.current_event.headers.get("idempotency-key"))
    seen = Seen(seen_digests(body.get("seen"), of))
    if key is None and not seen.digests:
        raise http.BadRequest(neither(of))
    return asked_from(body), _KEYED + (key or secrets.token_urlsafe(16)), seen
