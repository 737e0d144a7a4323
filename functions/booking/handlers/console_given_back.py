"""The console's *Record money given back by hand*: a cancelled booking's payment received
outside Stripe, sent back the way it came (``services.given_back``). The page that says what
recording does, in pounds, with the form, and its press, acting on what that page showed
(``domain.page_seen``) once per press. Registered on the console's resolver."""

from __future__ import annotations

from typing import Any

from booking.bootstrap import ports
from booking.domain.errors import InvalidInput
from booking.domain.given_back import (
    ATTENTION,
    FIELDS,
    GiveBackAsked,
    Holding,
    asked_from,
    given_back_total,
    holding_of,
    may_give_back,
)
from booking.domain.money import typed_amount
from booking.domain.payment_received import HOW_CHOICES
from booking.domain.wording import money_words
from booking.handlers import console_application as application_pages
from booking.handlers.console_app import (
    form_again_on,
    form_confirmation,
    form_seen,
    posted_form,
    press_issued,
    press_required,
    press_row,
    served,
)
from booking.handlers.resolver import Response
from booking.services import given_back
from booking.services.acted import Acted
from booking.services.console import application_detail

LABELS = {
    "amount": "Amount given back",
    "given_on": "Day it was given back",
    "method": "How it was given back",
}
NOTHING_HERE = (
    "this booking holds no money paid outside Stripe to record as given back: only a "
    "cancelled booking whose payment was received outside Stripe has any"
)


def _lines(holding: Holding) -> list[str]:
    left = money_words(holding.left, holding.currency)
    return [
        f"{left} of what was paid outside Stripe for this booking is not yet given back.",
        *recorded_lines(
            given_back_total(holding.records),
            holding.currency,
            "the booking's history and the person's record",
        ),
    ]


def recorded_lines(earlier: int, currency: str, shown_by: str) -> list[str]:
    """What recording does, a person's or a group's: ``earlier`` given back already (pence),
    and where it is ``shown_by`` then."""
    lines: list[str] = []
    if earlier:
        lines.append(f"{money_words(earlier, currency)} of it is recorded as given back already.")
    return [
        *lines,
        "The amount below is recorded as given back by hand: the course's money counts it as "
        f"refunded, and {shown_by} show it.",
        "Nothing is asked of Stripe and nobody is emailed: send the money back yourself, the "
        "way it came.",
    ]


def form_values(
    left: int,
    currency: str,
    press_value: str,
    errors: dict[str, str] | None,
    typed: dict[str, str] | None,
) -> dict[str, Any]:
    """What a confirmation's form needs, a person's or a group's: at most ``left`` (pence),
    offered in full until a press got something wrong (``errors``, with what was ``typed``)."""
    return {
        "press_value": press_value,
        "left": money_words(left, currency),
        "how_choices": [("", "Choose one"), *HOW_CHOICES],
        "errors": errors or {},
        "values": typed or {"amount": f"{left / 100:.2f}", "given_on": "", "method": ""},
        "labels": LABELS,
    }


@served("consoleGiveBackConfirmation")
def give_back_confirmation(application_id: str) -> Response[str]:
    return _confirmation(application_id)


def _confirmation(
    application_id: str,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> Response[str]:
    """The page asking to confirm, with its fields (``errors`` beside those a press got wrong,
    ``typed`` kept in them; 422 then)."""
    detail = application_detail(ports(), application_id)
    if not may_give_back(detail.application):
        return application_pages.not_now(detail, NOTHING_HERE)
    # What is left and its currency as the one rule weighs the record the press makes.
    holding = holding_of(detail.application)
    # One press of this page: sent again (a double press), it records nothing more.
    press = press_issued(press_row("given_back", application_id))
    form = form_values(holding.left, holding.currency, press, errors, typed)
    return form_confirmation("given_back_confirm.html", detail, _lines(holding), form)


def record_given_back(application_id: str) -> Acted:
    """The confirmation's *Yes, record it as given back*, acting on what its page showed."""
    seen = form_seen()
    press = press_required(press_row("given_back", application_id))
    return given_back.record_given_back(ports(), application_id, typed_asked(), press, seen)


def typed_asked() -> GiveBackAsked:
    """What the form says: the amount in pounds, the day and the way; every mistake at once."""
    posted = posted_form()
    values: dict[str, object] = {name: posted.get(name) for name in ("given_on", "method")}
    mistakes: dict[str, str] = {}
    try:
        typed = str(posted.get("amount") or "")
        values["amount"] = typed_amount(typed, "amount", what="the amount given back")
    except InvalidInput as wrong:
        mistakes.update(wrong.fields)
    try:
        asked = asked_from(values)
    except InvalidInput as wrong:
        raise InvalidInput(ATTENTION, {**wrong.fields, **mistakes}) from None
    if mistakes:
        raise InvalidInput(ATTENTION, mistakes)
    return asked


# A mistake in what was typed, said on the confirmation again beside its field, with what was
# typed kept: nothing recorded.
form_again = form_again_on(_confirmation, FIELDS)
