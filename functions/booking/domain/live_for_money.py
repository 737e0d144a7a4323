"""Whether an application is still live for money: may it still be paid for, or funded?

An offer its person turned down (``expired``, ``offer_declined``) was once funded by
an organiser's bursary as if it were a checkout left unpaid: a full one booked them anyway
("Your place is confirmed", a seat taken), a part one told them to pay from a page that offered
nothing to pay. An application that ended (an ``expired`` one) is live for money only while its
person could start paying again (``domain.covered.payment_refusal``: not turned down, not an
offer whose seat went on, applications still open); one that is no longer on the way to a
booking (cancelled, refunded, declined; an erased person's, which erasure withdraws) is not live
at all. The one rule, asked by the bursary's service and its decision (so a turning-down that
lands between the two is refused too) and by the console, which offers the form only where it
is live.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from datetime import datetime

from booking.domain.application import FUNDABLE_STATUSES, Application, ApplicationStatus
from booking.domain.commands import Refusal
from booking.domain.course import Course
from booking.domain.covered import payment_refusal
from booking.domain.errors import CodeUsedUp, Conflict, CourseFull
from booking.domain.offer_ends import place_refusal
from booking.domain.wording import shown_named

NOT_FUNDABLE = "not_fundable"


def ended_for_money(application: Application, payment_refused: str | None) -> bool:
    """Whether ``application`` can no longer be paid for or funded; ``payment_refused``: why
    its person could not start a payment now (``domain.covered.payment_refusal``; None: they
    could)."""
    if application.status not in FUNDABLE_STATUSES:
        return True
    # A payment settling is no ending: it is weighed when it lands.
    stopped = payment_refused not in (None, "payment_pending")
    return application.status is ApplicationStatus.EXPIRED and stopped


def not_fundable(application: Application, payment_refused: str | None) -> Refusal | None:
    """Why no bursary may be given to ``application`` (:func:`ended_for_money`), naming its
    ending in the words the console shows it by ("Offer turned down"); None: it is live."""
    if not ended_for_money(application, payment_refused):
        return None
    shown = shown_named(application.status.value, application.status_reason)
    if application.status is ApplicationStatus.CONFIRMED:  # booked, not ended
        return Refusal(
            NOT_FUNDABLE,
            f"a bursary cannot be given to an application that is {shown}: "
            f"{_booked_said(application)}, so nothing was changed and nobody was emailed",
        )
    lapsed_after_closing = application.status is ApplicationStatus.EXPIRED and (
        payment_refused == "course_closed"
    )
    closed = " and applications for this course have closed" if lapsed_after_closing else ""
    return Refusal(
        NOT_FUNDABLE,
        f"a bursary cannot be given to an application that is {shown}{closed}: it has ended, "
        "so nothing was changed and nobody was emailed",
    )


def _booked_said(application: Application) -> str:
    """How a confirmed booking's place is paid for, and how money could go back from it: a
    group's place only by its manager giving it up, a place nothing was paid for not at all."""
    if application.group_place is not None:
        return (
            "its place is paid for by the manager's group booking, and its share goes back to "
            "the employer only when the manager gives the place up on their page"
        )
    if application.amount_paid == 0:
        return "its place is booked already and nothing was paid for it, so none can go back"
    return "its place is paid for already (to give money back, cancel it with its refund)"


def bursary_refusal(application: Application, course: Course, now: datetime) -> Conflict | None:
    """Why no bursary may be given to ``application`` on ``course`` now, as the organiser is
    told it (None: one may): no place may be taken on it (``domain.offer_ends.place_refusal``:
    an offer lapsed, a wait ended by the closing), or it has ended for money
    (:func:`not_fundable`). What the service refuses and the console's form is offered by."""
    refused = place_refusal(application, course, now)
    if refused is not None:
        return refused
    ended = not_fundable(application, payment_refusal(application, course, now))
    if ended is not None:
        return Conflict(ended.message, code=ended.code)
    return restart_refusal(application, course, code_used_up=False)


SEAT_GONE = CourseFull.code
CODE_GONE = CodeUsedUp.code


def restart_refusal(
    application: Application, course: Course, *, code_used_up: bool
) -> Conflict | None:
    """Why the person of an unpaid, lapsed application (``expired``) could not start paying
    again now, as the checkout's own write would refuse it: its seat went
    to someone else (no seat free for a newcomer), or the discount code it was made with is
    used up since (``code_used_up``: its uses all taken; its own use went back at the lapse).
    A bursary, whole or part, is refused then: a part one would tell them to pay from a page
    whose payment is refused. None: they could start again (or it is not lapsed)."""
    if application.status is not ApplicationStatus.EXPIRED:
        return None
    if not course.seat_free_for_newcomer:
        return Conflict(
            "a bursary cannot be given to this application: its payment lapsed and its place "
            "went to someone else, so this course has no place for it to pay for; raise the "
            "capacity first. Nothing was changed and nobody was emailed",
            code=SEAT_GONE,
        )
    if code_used_up:
        return Conflict(
            "a bursary cannot be given to this application: its payment lapsed and its "
            "discount code has been used up since, so the rest could not be paid at the "
            "promised price. Nothing was changed and nobody was emailed",
            code=CODE_GONE,
        )
    return None
