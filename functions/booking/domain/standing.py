"""Where an application stands, in words that fit what happened to it.

One place for every page and email that has to say it: the applicant's status page, the answer to
a second application from the same address, the acknowledgement. Each status is worded for how it
came about (a lapsed offer is not an unfinished payment; a payment a bank is still settling is not
one that has not started), so nobody is told to pay who has paid, or that they "did not complete"
a payment they never began.

Pure: the caller passes the facts (already worded dates), never an I/O handle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from booking.domain.joining_words import in_a_list, the_link
from booking.domain.statuses import PAID_WHEN_FULL
from booking.domain.waiting_list_leaving import WITHDRAWN_BY_APPLICANT


@dataclass(frozen=True)
class Facts:
    """What an application's standing is told from."""

    status: str
    reason: str | None = None  # the application's status_reason
    payment_pending: bool = False  # a delayed payment method is settling
    paid: int = 0  # minor units received (kept or refunded since)
    booked: bool = False  # it was a booking once, paid for or funded
    nothing_to_pay: bool = False  # a bursary or a code covers the whole price
    can_pay: bool = False  # a (new) checkout may be started now
    # Lapsed, and its discount code used up since: it cannot start again at that price.
    code_used_up: bool = False
    checkout_open: bool = False  # a checkout holding the place can be paid right now
    price: str = ""  # what is left to pay, "£200.00" (less a bursary or a code)
    held_until: str | None = None  # "Monday 7 June 2027 at 15:31 BST"
    offer_until: str | None = None
    # The offer is (was) held until applications close: nobody can book its place after.
    until_closing: bool = False
    wait_ended: bool = False  # on the waiting list when applications closed
    review_ended: bool = False  # still awaiting review when applications closed
    # Applications close too soon for a place to be offered (``offer_ends.no_more_offers``),
    # at ``closes_at`` ("Sunday 6 December 2026 at 07:35 GMT").
    no_more_offers: bool = False
    closes_at: str = ""
    waitlist_position: int | None = None
    invoice_due: str | None = None  # the day it falls due: "Friday 7 May 2027"
    # They chose to have their employer invoiced, and may ask for the invoice now: what they
    # are told to do leads with it, paying by card second.
    invoice_chosen: bool = False
    paid_by: str = ""  # the organisation whose invoice paid (``domain.payer``); "" the person
    # A colleague's place in a manager's group booking: the employer paid for it, not them.
    on_group_place: bool = False
    # The course has a joining link: only then is it said to be sent (``domain.joining_words``).
    joining_link: bool = False


@dataclass(frozen=True)
class Standing:
    """Where an application stands, in words for the person."""

    headline: str
    explanation: str
    tone: str  # success | info | warning | neutral


def standing(facts: Facts) -> Standing:
    worded = _BY_STATUS.get(facts.status)
    if worded is None:
        return Standing("Your application", "Your application is with us.", "info")
    return worded(facts)


def _confirmed(facts: Facts) -> Standing:
    covered = (
        "there is nothing for you to pay"
        if facts.nothing_to_pay and not facts.paid
        else "your place is paid for"
    )
    return Standing(
        "Your place is confirmed",
        f"You are booked and {covered}. We have emailed you "
        f"{in_a_list('the dates', *the_link(facts.joining_link), 'a calendar file')}. There is "
        "nothing more you need to do.",
        "success",
    )


def _awaiting_invoice_payment(facts: Facts) -> Standing:
    due = f" The invoice is due on {facts.invoice_due}." if facts.invoice_due else ""
    return Standing(
        "We have invoiced your organisation",
        "Your place is held for you until the invoice is paid. We will email you as soon as "
        f"it is, with everything you need for the course.{due}",
        "info",
    )


def _pending_review(facts: Facts) -> Standing:
    if facts.review_ended:
        return Standing(
            "Applications have closed",
            "Applications for the course closed before our facilitators could review your "
            "application, so we cannot offer you a place this time. No money was taken.",
            "neutral",
        )
    if facts.no_more_offers:
        return Standing(
            "Application received",
            f"Applications for the course close on {facts.closes_at}, too soon for your "
            "application to be reviewed and a place offered and paid for before then, so we "
            "cannot offer you one this time. No money has been taken.",
            "neutral",
        )
    return Standing(
        "Application received",
        "Our facilitators read every application themselves and will email you once they "
        "have looked at yours. You do not need to pay anything yet.",
        "info",
    )


def _waitlisted(facts: Facts) -> Standing:
    if facts.wait_ended:
        return Standing(
            "Applications have closed",
            "Applications for the course have closed and no place came free for you on its "
            "waiting list, so we cannot offer you one this time. No money was taken.",
            "neutral",
        )
    place = (
        f"You are number {facts.waitlist_position} on the waiting list. "
        if facts.waitlist_position
        else ""
    )
    if facts.no_more_offers:
        return Standing(
            "You are on the waiting list",
            f"{place}Applications for the course close on {facts.closes_at}, too soon for a "
            "place to be offered and paid for before then, so we cannot offer you one from the "
            "waiting list this time. No money has been taken.",
            "neutral",
        )
    return Standing(
        "You are on the waiting list",
        f"{place}The course is full at the moment. If a place comes free we will email you "
        "straight away with a link to book it; places go in the order people joined.",
        "info",
    )


def _offered(facts: Facts) -> Standing:
    if not (facts.can_pay or facts.checkout_open or facts.payment_pending):
        # Its time is up, or the course begins too soon for a payment to go through
        # (``Course.accepts_applications``): the place is not said to be payable.
        return Standing(
            "The offer of a place has ended",
            "The place we offered you can no longer be paid for: the course begins too soon "
            "for a payment to go through, or the time to accept it has passed. No money has "
            "been taken.",
            "neutral",
        )
    until = f" We are holding it for you until {facts.offer_until}." if facts.offer_until else ""
    if until and facts.until_closing:
        until = (
            f" We are holding it for you until {facts.offer_until}, when applications for the "
            "course close: the place cannot be booked after that."
        )
    if facts.reason == "failed":  # its bank refused a payment; the offer holds
        held = f" until {facts.offer_until}" if facts.offer_until else ""
        return Standing(
            "Your payment did not go through",
            "Your bank told us the payment failed, so no money was taken. The place is still "
            f"held for you{held}: pay {facts.price} again to accept it, or turn it down.",
            "warning",
        )
    return Standing(
        "A place is available for you",
        f"{_how_to_pay(facts, 'accept the place we are holding for you')}{until}",
        "warning",
    )


def _how_to_pay(facts: Facts, to: str) -> str:
    """What the person does to take the place: the way they chose first (their employer's
    invoice, when they chose it and may ask for it now), else pay by card."""
    if facts.invoice_chosen:
        return (
            f"Send the invoice for {facts.price} to your employer to {to} (or pay by card if "
            "you prefer)."
        )
    return f"Pay {facts.price} to {to}."


def _declined(facts: Facts) -> Standing:
    return Standing(
        "We cannot offer you a place this time",
        "Thank you for applying. We have emailed you about our decision. If you would like "
        "to be considered for a future course, reply to that email.",
        "neutral",
    )


def _awaiting_payment(facts: Facts) -> Standing:
    if facts.payment_pending:
        return Standing(
            "Your payment is on its way",
            "Your bank is still processing the payment, which can take a few days for some "
            "payment methods. Your place is held for you meanwhile, and we will email you as "
            "soon as it is confirmed. There is nothing more you need to do.",
            "info",
        )
    if facts.held_until or facts.checkout_open:
        until = f" Your place is held for you until {facts.held_until}." if facts.held_until else ""
        return Standing(
            "Your place is held for you",
            f"{_how_to_pay(facts, 'confirm your place')}{until} We will email you as soon as "
            "it is confirmed.",
            "warning",
        )
    return Standing(
        "Your application is waiting for payment",
        f"We could not start the payment when you applied, so no money has been taken. Pay "
        f"{facts.price} to book your place"
        + (" while places are still free." if facts.can_pay else "."),
        "warning",
    )


# Why a lapse cannot start again when its discount code was used up since, and what to do
# (the page offered *Start payment again*, which the checkout refused).
CODE_USED_UP_SAID = (
    " The discount code you applied with has been used up since, so the place cannot be "
    "booked at that price now. If you would still like a place, reply to any of our emails, "
    "quoting your reference, and we will tell you what we can offer."
)


def _again(facts: Facts) -> str:
    """What a lapse may do next, said after why it lapsed: start again, for what it costs; or,
    its code used up since, why it cannot and what to do; else nothing (nothing is owed)."""
    if facts.can_pay:
        return f" If places are still free you can start again below, for {facts.price}."
    return CODE_USED_UP_SAID if facts.code_used_up else ""


def _expired(facts: Facts) -> Standing:
    # Said with what starting again costs; without it, nothing is owed (no line says so).
    again = _again(facts)
    if facts.reason == "offer_declined":
        return Standing(
            "You turned down the place we offered you",
            "Thank you for telling us."
            + (
                ""
                if facts.until_closing
                else " The place has gone back to the course for the next person."
            )
            + " No money was taken. If you change your mind, reply to any of our emails.",
            "neutral",
        )
    if facts.reason == "offer_lapsed" and facts.until_closing:
        return Standing(
            "The place we offered you has been released",
            "We held a place for you until applications for the course closed, but it was not "
            "booked by then, and it cannot be booked now that they are closed. No money was "
            "taken.",
            "neutral",
        )
    if facts.reason == "offer_lapsed":
        return Standing(
            "The place we offered you has been released",
            "We held a place for you, but it was not booked by the deadline, so it has gone "
            f"back to the course for the next person. No money was taken.{again}",
            "neutral",
        )
    if facts.reason and facts.reason.startswith("invoice_"):
        why = {
            "invoice_overdue": "was not paid by its due date",
            "invoice_voided": "was cancelled",
            "invoice_uncollectible": "could not be collected",
            "invoice_not_issued": "could not be sent",
        }.get(facts.reason, "was not paid")
        return Standing(
            "Your place has been released",
            f"The invoice to your organisation {why}, so the place we were holding has gone "
            f"back to the course. Nothing is owed on it.{again}",
            "warning",
        )
    if facts.reason == "failed":
        return Standing(
            "Your payment did not go through",
            "Your bank told us the payment failed, so no money was taken and the place we "
            f"were holding has been released.{again}",
            "warning",
        )
    return Standing(
        "Your payment was not completed",
        "The time to pay ran out before the payment was finished, so no money was taken and "
        f"the place we were holding has been released.{again}",
        "warning",
    )


def _cancelled(facts: Facts) -> Standing:
    if facts.reason == WITHDRAWN_BY_APPLICANT:  # from their own page
        return Standing(
            "You have left the waiting list",
            "You asked to leave the waiting list, so your application has ended and no place "
            "will be offered to you. Nothing was paid, so nothing is owed. You are welcome to "
            "apply again while the course is taking applications.",
            "neutral",
        )
    if facts.reason == "refund_requested":
        return Standing(
            "Booking cancelled",
            f"Your booking has been cancelled and {_refund_going_back(facts)}",
            "neutral",
        )
    if facts.paid:
        return Standing(
            "Booking cancelled",
            "Your booking has been cancelled. We have emailed you about it, including what "
            "happens to your payment.",
            "neutral",
        )
    if facts.booked and facts.on_group_place:
        return Standing(
            "Booking cancelled",
            "Your booking has been cancelled. Your employer's group booking paid for the "
            "place, not you, so nothing is owed by you.",
            "neutral",
        )
    if facts.booked:
        return Standing(
            "Booking cancelled",
            "Your booking has been cancelled. No money was taken for it, so nothing is owed "
            "either way.",
            "neutral",
        )
    return Standing(
        "Application cancelled",
        "Your application has been cancelled and no money was taken. You are welcome to "
        "apply again while places are open.",
        "neutral",
    )


_REFUNDED = {
    "course_closed": (
        "Your payment reached us after the course had begun, so we could not confirm a place "
        "and have refunded you in full."
    ),
    PAID_WHEN_FULL: (
        "The course filled up while your payment was on its way, so we could not confirm a "
        "place and have refunded you in full."
    ),
    "cancelled_and_refunded": "Your booking was cancelled, and your payment refunded in full.",
    # A full refund ends the booking (from Stripe's dashboard, or an organiser's cancel whose
    # refund was reported before the cancellation was saved): to the person, it was cancelled.
    "refunded": "Your booking has been cancelled, and your payment refunded in full.",
}


def _refund_going_back(facts: Facts) -> str:
    """Whose payment is being refunded, and where it goes."""
    if facts.paid_by:
        return (
            f"the payment {facts.paid_by} made by invoice is being refunded in full, to the "
            "account it was paid from (not to you), usually within 5 to 10 working days."
        )
    return (
        "your payment is being refunded in full. Refunds usually reach your account within 5 "
        "to 10 working days."
    )


def _refunded(facts: Facts) -> Standing:
    explanation = _REFUNDED.get(
        facts.reason or "",
        "Your payment has been refunded in full, so there is no booking on this application.",
    )
    if facts.paid_by:
        explanation = explanation.replace(
            "your payment", f"the payment {facts.paid_by} made by invoice"
        )
        goes = (
            "It goes back to the account the invoice was paid from (not to you), usually "
            "within 5 to 10 working days."
        )
    else:
        goes = "Refunds usually reach your account within 5 to 10 working days."
    return Standing(
        "Payment refunded",
        f"{explanation} {goes} You are welcome to apply again while places are open.",
        "neutral",
    )


# Each status worded by its own function: one reads what happened to an application in that
# status, none has to know the others.
_BY_STATUS: dict[str, Callable[[Facts], Standing]] = {
    "confirmed": _confirmed,
    "awaiting_payment": _awaiting_payment,
    "awaiting_invoice_payment": _awaiting_invoice_payment,
    "pending_review": _pending_review,
    "waitlisted": _waitlisted,
    "offered": _offered,
    "expired": _expired,
    "declined": _declined,
    "cancelled": _cancelled,
    "refunded": _refunded,
}
