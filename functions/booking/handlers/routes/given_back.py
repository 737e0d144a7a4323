"""Money given back by hand (``services.given_back``): a cancelled booking's payment received
outside Stripe, returned the way it came. The console's confirmation page and its press, and the
same act for scripts on the organisers' API (the CLI's ``give-back``)."""

from __future__ import annotations

from booking.handlers.routes import Fragment, Function, Route
from booking.handlers.routes.answers import (
    BODY_ACTION_ERRORS,
    NO_APPLICATION,
    SEEN,
    console_form,
    json_answer,
    page,
    path_parameter,
    see_other,
)

GIVEN_BACK_BY_HAND = "given_back_by_hand"
_APPLICATION = path_parameter("application_id")
METHOD = {
    "type": "string",
    "enum": ["bank_transfer", "cheque", "cash", "other"],
    "description": "How it went back",
}
GIVEN_ON = {
    "type": "string",
    "format": "date",
    "description": "The day it was given back (YYYY-MM-DD): not in the future, and not before "
    "the payment arrived",
}
SAID = (
    "Records that money a cancelled booking kept, received outside Stripe (its invoice marked "
    "paid: a bank transfer, a cheque), was given back by hand, since Stripe holds no payment to "
    "refund. Nothing is asked of Stripe and nobody is emailed. From then on it is counted as "
    "refunded: in the course's money (`refunded`, and less in `net`), in the application's "
    "and the person's export (`amount_refunded`, `given_back_by_hand`), and on the timeline "
    "with its day and way. Several records may give back part each, never more in all than "
    "was paid outside Stripe. 409 `nothing_to_give_back` when the booking is not cancelled or "
    "holds no such money not given back already; 409 `application_changed` when `seen` no "
    "longer holds (another record or change since the page, a second tab); 422 naming the "
    "field for an amount above what is left, a day in the future or before the payment "
    "arrived, or an unknown way: nothing recorded."
)
# The console's form, a person's or a group's: the amount typed in pounds.
CONSOLE_BODY = console_form(
    {
        "seen": SEEN,
        "press": {"type": "string", "description": "The page's one press"},
        "amount": {"type": "string", "description": "In pounds, like 200.00"},
        "given_on": GIVEN_ON,
        "method": METHOD,
    },
    "seen",
    "press",
    "amount",
    "given_on",
    "method",
)
RECORD_GIVEN_BACK: tuple[Route, ...] = (
    Route(
        Function.CONSOLE,
        "GET",
        "/console/applications/{application_id}/given-back",
        "consoleGiveBackConfirmation",
        "Confirm recording money given back by hand: what is left to give back, in pounds, and "
        "the form that records it",
        {
            "200": page("What recording it would do, and the form to confirm it"),
            "404": NO_APPLICATION,
            "409": page("The application's page, saying it holds nothing to give back by hand"),
        },
        description="A cancelled booking's page, while it holds money paid outside Stripe, "
        "links here (*Record money given back by hand*). Nothing changes on this page.",
        parameters=(_APPLICATION,),
        tags=("console",),
    ),
    Route(
        Function.CONSOLE,
        "POST",
        "/console/applications/{application_id}/given-back",
        "consoleGiveBack",
        "Record money given back by hand (its confirmation page's form)",
        {
            "303": see_other(
                f"Done: to the application's page, which says so once (`{GIVEN_BACK_BY_HAND}`;"
                f" `{GIVEN_BACK_BY_HAND}_already` for the same press sent again: one record)",
                notice=True,
            ),
            "404": NO_APPLICATION,
            "409": page("The application's page again, saying why not"),
            "422": page(
                "Its confirmation page again, each mistake beside its field, what was typed "
                "kept: nothing recorded"
            ),
        },
        description=SAID + " `amount` is typed in pounds (`200` or `£200.00`); `press` is the "
        "page's one press: the same press sent again records nothing more (with another amount, "
        "day or way: 409, the application's page saying what it recorded).",
        parameters=(_APPLICATION,),
        body=CONSOLE_BODY,
        tags=("console",),
        done=GIVEN_BACK_BY_HAND,
    ),
)
# The organisers' API's record, a person's or a group's: its key and its body.
KEY_HEADER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes a retry record nothing more: a request with a key an earlier record "
    "was made with answers `recorded: before`, nothing changed; the same key with another "
    "amount, day or way is refused, 409 `idempotency_key_reused`, nothing changed. This or "
    "`seen` is required",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
}
ADMIN_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["amount", "given_on", "method"],
                "additionalProperties": False,
                "properties": {
                    "amount": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "Pence given back, at most what is left",
                    },
                    "given_on": GIVEN_ON,
                    "method": METHOD,
                    "seen": SEEN,
                },
            }
        }
    },
}
ONCE_SAID = (
    " One of `Idempotency-Key` or `seen` is required, so a retried request never records the "
    "money twice: with neither, 400 `bad_request` naming both, nothing recorded. With a key, a "
    "retry answers `recorded: before`, and the same key again with another amount, day or way "
    "is 409 `idempotency_key_reused`, nothing recorded; with `seen` only, a retry after the "
    "record is refused as out of date (409 `application_changed`)."
)


def admin_give_back(
    path: str, operation: str, summary: str, answer: Fragment, said: str, whose: Fragment
) -> Route:
    """The organisers' API's record of money given back by hand, a person's or a group's: the
    same key, body and answers, so a script retries either the same way."""
    return Route(
        Function.ADMIN,
        "POST",
        path,
        operation,
        summary,
        {"200": answer},
        errors=BODY_ACTION_ERRORS,
        parameters=(whose, KEY_HEADER),
        body=ADMIN_BODY,
        description=said + ONCE_SAID,
        tags=("organisers",),
    )


GIVE_BACK_ADMIN: tuple[Route, ...] = (
    admin_give_back(
        "/admin/applications/{application_id}/given-back",
        "recordMoneyGivenBack",
        "Record that money paid outside Stripe was given back by hand (amount in pence)",
        json_answer("GivenBackRecordedOut", "The application after it, and what this did"),
        SAID,
        _APPLICATION,
    ),
)
