"""Who may see or act on an application (whoever holds its id and its token), and whether it may
be paid now."""

from __future__ import annotations

import hmac
from datetime import datetime

from booking.domain.application import Application, ApplicationStatus
from booking.domain.course import Course
from booking.domain.covered import payment_refusal
from booking.domain.errors import Conflict, CourseClosed, NotFound
from booking.domain.offer_ends import OFFER_DECLINED, held_until_closing
from booking.domain.wording import moment_when, status_named
from booking.services.ports import Ports

NO_SUCH_LINK = "this link does not open an application: it may have been cut short or mistyped"


def authorised(ports: Ports, application_id: str, token: str) -> Application:
    application = ports.repository.get_application(application_id) if application_id else None
    # Same answer for a wrong id and a wrong token, compared in constant time; said in the
    # applicant's words, not ours ("no application with this id and token").
    # Bytes, not str: compare_digest raises TypeError for str with non-ASCII characters.
    presented = (token or "").encode("utf-8", "surrogatepass")
    if application is None or not hmac.compare_digest(application.token.encode(), presented):
        raise NotFound(NO_SUCH_LINK)
    return application


def existing_course(ports: Ports, course_id: str) -> Course:
    """The course, or NotFound (the answer for a course id nobody defined)."""
    course = ports.repository.get_course(course_id)
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    return course


def refuse_unless_payable(application: Application, course: Course, now: datetime) -> None:
    """Raise the Conflict that says why this application cannot be paid now (by card or by
    invoice), if it cannot; the reasons are the domain's (``domain.covered.payment_refusal``)."""
    course_open = course.accepts_applications(now)
    refusal = payment_refusal(application, course, now)
    if refusal == "offer_lapsed":
        raise offer_lapsed(application, course, course_open=course_open)
    if refusal == "course_closed":
        raise CourseClosed()
    if refusal == OFFER_DECLINED:
        raise Conflict(
            "you turned down the place we offered you, so it went to the next person and "
            "cannot be booked here now",
            code=OFFER_DECLINED,
        )
    if refusal == "payment_pending":
        # Said as the status page says it (``domain.standing``), never by the status alone
        # ("is “Awaiting payment” and cannot be paid now").
        raise Conflict(
            "the bank is still processing the payment for this place, which can take a few days "
            "for some payment methods: the place is held meanwhile and an email is sent as soon "
            "as it is confirmed; there is nothing more to pay or do now",
            code="not_payable",
        )
    if refusal is not None and _invoice_sent(application):
        # A second tab's press after the first sent the invoice: said as the status page says
        # it, never by the status alone ("is “Awaiting invoice payment” and cannot be paid").
        raise Conflict(INVOICE_SENT_ALREADY, code="not_payable")
    if refusal is not None:
        raise Conflict(
            f"this application is {status_named(application.status)} and cannot be paid now",
            code="not_payable",
        )


INVOICE_SENT_ALREADY = (
    "the invoice for this place has been sent to your employer already, so the place is paid "
    "by that invoice: nothing more was sent or charged now, and the place is held until the "
    "invoice is paid"
)


def _invoice_sent(application: Application) -> bool:
    """Whether the place is held for an invoice sent to the employer."""
    return (
        application.status is ApplicationStatus.AWAITING_INVOICE_PAYMENT
        and application.invoice is not None
    )


def offer_lapsed(application: Application, course: Course, *, course_open: bool = True) -> Conflict:
    """The refusal of paying for an offer that lapsed, in words, with when (in the course's
    time), before the sweep ended it and after (it had answered ``course_full``; ``course_closed``
    after the sweep). Held until applications closed, nobody
    can book its place now, so nobody is said to have it next
    (``domain.offer_ends.held_until_closing``); ``course_open``: the course still takes
    applications."""
    deadline = application.offer_expires_at
    held = (
        "the place was not booked in time"  # an offer stored without a deadline
        if deadline is None
        else f"the place was held for you until {moment_when(deadline, course.definition.timezone)}"
    )
    if deadline is not None and held_until_closing(application, course):
        said = f"{held}, when applications for this course closed, and was not booked by then"
        end = "so it cannot be booked now"
    else:
        said = held if deadline is None else f"{held} and was not booked by then"
        end = (
            "so it went back to the course for the next person, and no place is free for you now"
            if course_open
            else "and applications for this course have closed since, so it cannot be booked now"
        )
    return Conflict(f"this offer has lapsed: {said}, {end}", code="offer_lapsed")


def refuse_if_offer_lapsed(application: Application, course: Course) -> None:
    """Raise :func:`offer_lapsed` when ``application`` is a waiting-list offer that lapsed
    (the sweep ended it): said when its seat could not be taken again, instead of the bare
    ``course_full`` the seat's condition gives."""
    lapsed = (
        application.status is ApplicationStatus.EXPIRED
        and application.status_reason == "offer_lapsed"
    )
    if lapsed:
        raise offer_lapsed(application, course)
