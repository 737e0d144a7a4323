"""A person leaving the waiting list from their own page (they could only write
to the organisers and wait).

Who may leave, and why not otherwise, in one place: the service
(``services.waiting_list_leaving``) refuses with it, and the status page offers its link only
when it allows it. Leaving is an organiser's cancel without a refund, by the one path for money
(``domain.settlement``), marked as the person's own: the place an offer held goes to the next
in line as every freed seat does, and the facilitators hear of it as of a cancel (not at all:
nobody waiting or offered held a booked place).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from booking.domain.application import Application, ApplicationStatus
from booking.domain.errors import PAYMENT_BEING_RECORDED, PAYMENT_SETTLING
from booking.domain.offer_declines import may_decline
from booking.domain.wording import status_named

S = ApplicationStatus

# The application's ``status_reason`` once its person took it off the waiting list.
WITHDRAWN_BY_APPLICANT = "withdrawn_by_applicant"
# The statuses of someone still in line for a place: waiting, or offered one not yet paid.
IN_LINE = frozenset({S.WAITLISTED, S.OFFERED})


@dataclass(frozen=True)
class LeaveRefusal:
    """Why an application cannot leave the waiting list: a code for programs, words for
    people (completed by the service with whom to write to)."""

    code: str
    words: str


def has_left(application: Application) -> bool:
    """Whether ``application``'s person took it off the waiting list (nothing more to do)."""
    return application.status is S.CANCELLED and application.status_reason == WITHDRAWN_BY_APPLICANT


# A payment for the offer that landed as the person pressed (found by the cancel's expiry or
# void of what asked for it: ``domain.errors.PAYMENT_ON_ITS_WAY``), said to the person in
# their own words, not the organisers'.
PAID_AS_YOU_LEFT = {
    PAYMENT_BEING_RECORDED: "your payment for the place we offered you has arrived as you "
    "pressed, so you have not left the waiting list and nothing was changed: your place is "
    "being booked. Please look at your page again in a minute",
    PAYMENT_SETTLING: "your payment for the place we offered you is going through, so you "
    "have not left the waiting list and nothing was changed. Please look at your page again "
    "once the payment has gone through",
}


def leave_refusal(application: Application) -> LeaveRefusal | None:
    """Why ``application`` cannot leave the waiting list now (None: it may).

    ``booked``: it holds a place, paid or being paid (those ask the organisers, who cancel
    and say what comes back); ``payment_pending``: a payment for its offer is going through;
    ``group_place``: a place a manager booked is theirs to give up; ``not_waiting``: anything
    else (under review, declined, ended)."""
    if application.group_place is not None:
        return LeaveRefusal(
            "group_place",
            "this place was booked for you by a manager at your organisation: please ask them "
            "to give it up or to name someone else",
        )
    if application.status in (S.CONFIRMED, S.AWAITING_PAYMENT, S.AWAITING_INVOICE_PAYMENT) or (
        application.status in IN_LINE and application.amount_kept > 0
    ):
        return LeaveRefusal(
            "booked",
            "you hold a place on this course, so it cannot be given up from this page: "
            "please write to the organisers, quoting your reference, and they will cancel it "
            "and tell you whether any money comes back to you",
        )
    if application.status is S.OFFERED and application.payment_pending:
        return LeaveRefusal(
            "payment_pending",
            "your payment for the place we offered you is going through, so you cannot leave "
            "the waiting list now",
        )
    if application.status not in IN_LINE:
        return LeaveRefusal(
            "not_waiting",
            f"this application is {status_named(application.status)}: "
            "it is not on the waiting list",
        )
    return None


def may_leave(application: Application) -> bool:
    """Whether ``application``'s person may take it off the waiting list now."""
    return leave_refusal(application) is None


def leave_offered(application: Application, now: datetime) -> bool:
    """Whether their page offers *Leave the waiting list*: they may leave, and hold no offer
    to turn down. An offered person once saw both buttons; theirs is *Turn down this
    place*, which ends their wait as well, and the page says so. Leaving stays allowed to them
    (the public API's route): only the page offers the one that is true for them."""
    return may_leave(application) and not may_decline(application, now)
