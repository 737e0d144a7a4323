"""The page a browser is shown for an error: what happened and what to do next."""

from __future__ import annotations

from booking.handlers.pages.templates import environment
from booking.handlers.routes.groups import Reader
from booking.handlers.sentences import sentence

_ERROR_HEADINGS = {
    400: "We could not accept that",
    404: "We could not find that page",
    409: "We could not do that",
    413: "That was too much to send",
    415: "We could not read that",
    422: "Some answers need attention",
    503: "Please try again in a few minutes",
}
# What a person can do next, after what happened.
_NEXT_STEPS = {
    # Sent again as it was, it would be refused again: only a fresh copy of the page helps.
    400: "Nothing has been changed. Open the page again and send the form from there.",
    404: "Check the address you typed. If you followed a link from one of our emails, the "
    "link in our most recent email always leads to your application.",
    409: "Your application's page shows where things stand now: the link is in every email "
    "we have sent you.",
    413: "Go back, shorten your answers and send the form again.",
    415: "Go back and send the form again from its page.",
    422: "Go back, check the answers marked and send the form again.",
    503: "Nothing you sent has been lost. Wait a few minutes, then try again.",
}
# The same for the person who booked places for colleagues, on their own routes: their page
# is the booking's (the statuses not here read alike for them).
_MANAGERS_NEXT_STEPS = {
    404: "Check the address you typed. If you followed a link from one of our emails, the "
    "link in our most recent email about the places you booked always leads to your "
    "booking's page.",
    409: "Your booking's page shows where things stand now: the link is in every email we "
    "have sent you about the places you booked.",
    # Not "nothing you sent has been lost": a give-up may have cancelled the old invoice
    # before Stripe failed (its answer says so).
    503: "Wait a few minutes, then try again. Your booking's page shows where things stand "
    "now: the link is in every email we have sent you about the places you booked.",
}

# The same for a colleague following the link to a place booked for them: until they apply they
# have no application, and no email of ours leads to one.
_COLLEAGUES_NEXT_STEPS = {
    404: "Check the address you typed. A link we sent again replaces the earlier one: use the "
    "one in our most recent email about your place. The person who booked the places can tell "
    "you more.",
    409: "Nothing has been sent or changed: the person who booked the places can tell you more.",
}


_READERS_NEXT_STEPS = {
    Reader.APPLICANT: _NEXT_STEPS,
    Reader.MANAGER: {**_NEXT_STEPS, **_MANAGERS_NEXT_STEPS},
    Reader.COLLEAGUE: {**_NEXT_STEPS, **_COLLEAGUES_NEXT_STEPS},
}

# Refusals a person can act on get a heading that says what happened, not just "could not".
_CODE_HEADINGS = {
    "already_applied": "You have already applied",
    "apply_by_passed": "The time to apply for this place has passed",
    "course_closed": "Applications for this course are closed",
    "idempotency_key_reused": "This form was sent already",
    "offer_lapsed": "This offer has lapsed",
    "place_booked_for_you": "A place has been booked for you",
    "place_cancelled": "This place is no longer booked for you",
}
_CODE_NEXT_STEPS = {
    # The refusal itself says the email was sent: this says only what to do with it.
    "already_applied": "The link in that email opens your application's page.",
    # A colleague's link (or the manager's substitution) past a group's apply-by date: no
    # application exists to point them to.
    "apply_by_passed": "Nothing has been sent or changed. A place nobody applied for by then "
    "is released and its price refunded to whoever paid for it; the person who booked the "
    "places can tell you more.",
    "course_closed": "The courses page lists the courses taking applications now.",
    "idempotency_key_reused": "To book again, open the form afresh from the course's page and "
    "send it from there.",
    "offer_lapsed": "Your application's page says whether a place can still be booked: the "
    "link is in every email we have sent you.",
    "place_booked_for_you": "Nothing has been sent or changed. You need not apply here: the "
    "link to your place comes by email, and the person who booked it can tell you more.",
    # A colleague's link to a place given up (by the manager, or with its refund): they never
    # applied, so no application page of theirs could show it.
    "place_cancelled": "Nothing has been sent or changed: the person who booked the places can "
    "tell you more. If you still want to join, the course's page says whether places are left.",
}


# Refusals whose JSON message is written for a program (it names a header a person never
# sees): the page says what happened in a person's words instead. The same words whatever the
# cause: a booking sent again from a page already used, or one whose first request can no
# longer be compared because a person it named was erased (which the page never reveals).
_CODE_EXPLANATIONS = {
    "idempotency_key_reused": "This booking was sent from this page once already, and what "
    "that made stands. Nothing was changed by sending it again.",
}


def error_page(
    status: int,
    code: str,
    message: str,
    *,
    reader: Reader = Reader.APPLICANT,
    organisation: str = "",
) -> str:
    """A plain page for a browser that hit an error: what happened and what to do next (the
    same facts as the JSON answer, without its code); ``reader``: whose route it is, which
    decides the page they are sent to next (an application's, a manager's booking's, or none
    for a colleague who has not applied); ``organisation``: the centre running the course the
    path names, for its header."""
    heading = _CODE_HEADINGS.get(code) or _ERROR_HEADINGS.get(status, "Something went wrong")
    explanation = _CODE_EXPLANATIONS.get(code) or (sentence(message) if message else "")
    steps = _READERS_NEXT_STEPS[reader]
    specific = None if reader is Reader.MANAGER else _CODE_NEXT_STEPS.get(code)
    next_step = specific or steps.get(
        status, "Nothing has been changed. Please try again in a few minutes."
    )
    return (
        environment()
        .get_template("pages/error.html")
        .render(
            heading=heading,
            explanation=explanation,
            next_step=next_step,
            organisation=organisation,
        )
    )
