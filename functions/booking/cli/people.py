"""The verbs about one application or person (``approve``, ``decline``, ``cancel``,
``resend``, ``bursary``, the invoice verbs, ``application``, ``export``, ``erase``): each asks
the organiser API and says where the application now stands as the console says it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from booking.cli import received
from booking.cli.client import (
    application_path,
    checked,
    get_json,
    post_json,
    read_json,
    send,
)
from booking.cli.errors import CliError
from booking.cli.said import answered, course_named, instant, name_of, status_in_words
from booking.domain.covered import left_to_pay_in_words
from booking.domain.given_back import GivenBack, records_said
from booking.domain.refund_partway import REFUND_ON_ITS_PAGE
from booking.domain.statuses import person_shown
from booking.domain.wording import (
    ANSWER_FIELDS,
    FIELD_NAMES,
    INVOICE_STATUS_WORDS,
    moment_when,
    money_words,
)


def _where(answer: dict[str, Any]) -> str:
    """ "CL-7K3Q9: Awaiting payment, £75.00 to pay": where an application now stands."""
    said = status_in_words(answer)
    # What is left to pay (Application.left_to_pay); amount_due from an API before it said so.
    due = answer.get("left_to_pay", answer.get("amount_due"))
    currency = (answer.get("price") or {}).get("currency", "gbp")
    if answer["status"] in ("awaiting_payment", "offered", "awaiting_invoice_payment"):
        said += f", {money_words(due, currency)} to pay" if due else ", nothing to pay"
    return f"{answer.get('reference') or answer['application_id']}: {said}"


# What a resend did, said first: its status alone is the one it had, so the line would not
# say whether anything was sent (the console's notices say the same).
RESENT_SAID = {
    "resend-confirmation": "The confirmation is on its way to the applicant again.",
    "invoice/resend": "Stripe is sending the invoice to the billing contact again.",
}


def application_action(
    url: str, token: str | None, action: str, application: str, body: dict[str, Any]
) -> str:
    """approve, decline, cancel, resend-confirmation, bursary, invoice/resend, invoice/void:
    one line saying where the application now stands (after what a resend sent). A refusal
    that points to the console's Refund says the CLI's own command instead."""
    path = application_path(url, application)
    try:
        answer = post_json(f"{path}/{action}", token, body)
    except CliError as refused:
        said = str(refused).replace(
            REFUND_ON_ITS_PAGE, f"run 'course-booking refund {application}'"
        )
        raise CliError(said) from None
    if "recorded" in answer:  # a payment outside Stripe: what this run did first
        amount = answer.get("amount_due")
        currency = (answer.get("price") or {}).get("currency", "gbp")
        said = received.recorded_said(answer, money_words(amount, currency) if amount else "")
        return f"{said} {_where(answer)}"
    if action in RESENT_SAID:
        return f"{RESENT_SAID[action]} {_where(answer)}"
    return _where(answer)


def person(url: str, token: str | None, email: str, *, erase: bool) -> str:
    path = f"{url}/admin/people/{quote(email, safe='@')}"
    answer = read_json(checked(*send("DELETE" if erase else "GET", path, token)))
    if erase:
        # What was erased and what that did, in the API's words (``domain.erasure``).
        return "\n".join(answer["said"])
    return answered(answer)


def show_application(
    url: str, token: str | None, application: str, *, as_json: bool = False
) -> str:
    """One application as a person reads it: reference, status, answers and money."""
    found = get_json(application_path(url, application), token)
    if as_json:
        return answered(found)
    currency = found["currency"]

    def said(amount: int) -> str:
        return money_words(amount, currency)

    lines = [
        f"{found['reference'] or found['application_id']}: "
        f"{person_shown(found['name'], found['email'])}",
        f"Course: {course_named(url, found['course_id'])}",
        f"Status: {status_in_words(found)}",
        f"Price {said(found['price'])}, left to pay {left_to_pay_in_words(found)}, "
        f"paid {said(found['amount_paid'])}, refunded {said(found['amount_refunded'])}",
    ]
    if found.get("given_back_by_hand"):
        lines.append(f"Of which given back by hand: {_given_back_said(found)}")
    if found.get("disputed"):
        # The payer's bank's dispute, in the words the console's banner and the API give it.
        lines.append(found["disputed"])
    if found["discount_code"]:
        lines.append(f"{FIELD_NAMES['discount_code']}: {found['discount_code']}")
    if found["bursary"]:
        lines.append(f"Bursary: {said(found['bursary'])}")
    if found["invoice_number"]:
        state = found["invoice_status"]
        lines.append(f"Invoice {found['invoice_number']}: {INVOICE_STATUS_WORDS.get(state, state)}")
    lines.extend(_move_waiting(url, found))
    # Every answer the form asks, as the console's page lists them (access needs too, which
    # an organiser must act on).
    for field in ANSWER_FIELDS:
        if field not in ("name", "email"):
            lines.append(f"{FIELD_NAMES[field]}: {found.get(field) or '(not given)'}")
    return "\n".join(lines)


def _given_back_said(found: dict[str, Any]) -> str:
    """Each record of money given back by hand, in the console's words (the API's records)."""
    records = tuple(
        GivenBack.model_validate({**record, "press": ""}) for record in found["given_back_by_hand"]
    )
    return records_said(records, found["currency"])


def _move_waiting(url: str, found: dict[str, Any]) -> list[str]:
    """The booking's move that waits, as the console says it: for a dearer cohort's
    difference (the link emailed, the seat held until its deadline), or on a full cohort's
    waiting list. Times in the cohort's own zone, to the minute."""
    pending, waiting = found.get("pending_move"), found.get("waiting_move")
    move = pending or waiting
    if not move:
        return []
    status, payload = send("GET", f"{url}/courses/{quote(move['to_course_id'])}", None)
    course = read_json(payload) if status < 400 else None
    name = name_of(course) if course else move["to_course_id"]
    zone = course["timezone"] if course else "Europe/London"
    if pending:
        until = moment_when(instant(pending["expires_at"]), zone)
        more = money_words(int(pending["difference"]), pending["currency"])
        return [
            f"Move waiting for payment: to {name}, {more} more; the person was emailed a link "
            f"to pay it, and a place there is held until {until}"
        ]
    asked = moment_when(instant(move["asked_at"]), zone)
    return [
        f"Move waiting for a place: on the waiting list of {name} since {asked}; the booking "
        f"moves when a place frees there"
    ]
