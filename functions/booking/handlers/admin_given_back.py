"""The organiser API's record of money given back by hand
(``POST /admin/applications/{application_id}/given-back``, ``services.given_back``), served on
the admin function's resolver (``handlers/admin.py`` calls :func:`serve`)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from booking.bootstrap import ports
from booking.domain.given_back import FIELDS, asked_from, left_to_give_back
from booking.domain.page_seen import Seen, seen_digests
from booking.handlers import http
from booking.handlers.resolver import Response
from booking.handlers.routes import Served
from booking.services import console

# A key a client gave names its record apart from the console's presses.
_KEYED = "key-"


def serve(
    served: Served,
    body_of: Callable[..., dict[str, Any]],
    application_json: Callable[[Any], dict[str, Any]],
) -> None:
    """Bind the route; ``body_of``: the request's JSON object, only the fields named;
    ``application_json``: an application as the API answers it."""

    @served("recordMoneyGivenBack")
    def record_given_back(application_id: str) -> Response[str]:
        from booking.handlers.admin import app  # the resolver serving this request
        from booking.handlers.admin_views import GivenBackOut
        from booking.services import given_back

        body = body_of("record of money given back", *FIELDS, "seen")
        asked = asked_from(body)
        # API Gateway's HTTP API lowercases header names.
        key = http.idempotency_key(app.current_event.headers.get("idempotency-key"))
        press = _KEYED + (key or secrets.token_urlsafe(16))
        found = console.application_id_for(ports(), application_id)
        seen = Seen(seen_digests(body.get("seen")))
        done = given_back.record_given_back(ports(), found, asked, press, seen)
        after = done.application
        answer = {
            **application_json(after),
            "recorded": "now" if done.changed else "before",
            "left_to_give_back": left_to_give_back(after),
            "currency": after.invoice.currency if after.invoice else "gbp",
            "given_back_by_hand": [
                GivenBackOut.model_validate(r, from_attributes=True).model_dump(mode="json")
                for r in after.given_back
            ],
        }
        return http.json_response(200, answer)
