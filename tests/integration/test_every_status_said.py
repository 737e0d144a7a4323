"""Every status, said for what happened: the status page, the email, and a second application.

Each application is brought to its status through the HTTP API and the Stripe stand-in, as a
person and an organiser would; then its status page (HTML), the email the change sent, and the
answer (and email) to applying again with the same address are read back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest

from booking.domain.emails import OutgoingEmail
from booking.services.lifecycle import sweep
from tests.support.applications import session_id_of
from tests.support.system import COURSE_ID, System, application_body

Made = dict[str, Any]  # the Application answer of the first application
HTML = {"accept": "text/html"}


def _small(system: System, course_id: str, **overrides: Any) -> str:
    definition = system.one_session_file(
        programme="compassionate-leadership",
        enquiries_email="enquiries@example.org",
        **overrides,
    )
    system.put_course(course_id, definition)
    return course_id


def _apply(system: System, course_id: str, email: str) -> Made:
    reply = system.api(
        "POST", f"/courses/{course_id}/applications", json_body=application_body(email=email)
    )
    assert reply.status == 201, reply.body
    return dict(reply.json())


FORM = {"content-type": "application/x-www-form-urlencoded"}


def _at_stripe(system: System, made: Made, action: str, form: bytes = b"") -> None:
    """The application's checkout, acted on at the Stripe stand-in (``action``: pay, expire,
    refund, async)."""
    reply = system.stripe_local(
        "POST", f"/checkout/{session_id_of(made)}/{action}", form, FORM if form else None
    )
    assert reply.status == 200, reply.body


def _by_organiser(system: System, made: Made, action: str) -> None:
    """The organiser's ``action`` on the application (approve, decline, cancel)."""
    reply = system.admin("POST", f"/applications/{made['application_id']}/{action}")
    assert reply.status == 200, reply.body


# -- how each status comes about (returns the course and the application) --------------------

Setup = Callable[[System, str], tuple[str, Made]]
Step = Callable[[System, Made], None]  # one more thing done to the application


def awaiting_payment(system: System, email: str) -> tuple[str, Made]:
    return COURSE_ID, _apply(system, COURSE_ID, email)


def waitlisted(system: System, email: str) -> tuple[str, Made]:
    course = _small(system, "small")
    system.pay(_apply(system, course, "first@example.org")["checkout_url"])
    return course, _apply(system, course, email)


def pending_review(system: System, email: str) -> tuple[str, Made]:
    course = _small(system, "reviewed", approval_required=True)
    return course, _apply(system, course, email)


def _then(name: str, before: Setup, step: Step) -> Setup:
    """The status ``name`` is reached by ``step``, done to an application brought to ``before``."""

    def setup(system: System, email: str) -> tuple[str, Made]:
        course, made = before(system, email)
        step(system, made)
        return course, made

    setup.__name__ = name
    return setup


def _paid(system: System, made: Made) -> None:
    system.pay(made["checkout_url"])


def _two_days_pass(system: System, made: Made) -> None:
    """Past the 48 hours an offer is held, and the sweep has run."""
    system.clock_offset += timedelta(hours=49)
    sweep(system.ports, system.now())


confirmed = _then("confirmed", awaiting_payment, _paid)
payment_pending = _then(
    "payment_pending", awaiting_payment, partial(_at_stripe, action="pay", form=b"async=true")
)
payment_failed = _then(
    "payment_failed", payment_pending, partial(_at_stripe, action="async", form=b"result=failed")
)
expired = _then("expired", awaiting_payment, partial(_at_stripe, action="expire"))
offered = _then("offered", pending_review, partial(_by_organiser, action="approve"))
offer_lapsed = _then("offer_lapsed", offered, _two_days_pass)
declined = _then("declined", pending_review, partial(_by_organiser, action="decline"))
cancelled_unpaid = _then(
    "cancelled_unpaid", awaiting_payment, partial(_by_organiser, action="cancel")
)
cancelled_booking = _then("cancelled_booking", confirmed, partial(_by_organiser, action="cancel"))
refunded = _then("refunded", confirmed, partial(_at_stripe, action="refund"))


# (how, status, page headline, the subject of the email that status change sent)
CASES: list[tuple[Setup, str, str, str]] = [
    (confirmed, "confirmed", "Your place is confirmed", "Your place is confirmed"),
    (awaiting_payment, "awaiting_payment", "Your place is held for you", "We have received"),
    (payment_pending, "awaiting_payment", "Your payment is on its way", "We have received"),
    (payment_failed, "expired", "Your payment did not go through", "Your payment did not go"),
    (expired, "expired", "Your payment was not completed", "Your payment was not completed"),
    (waitlisted, "waitlisted", "You are number 1 on the waiting list", "You are on the waiting"),
    (pending_review, "pending_review", "Application received", "We have received"),
    (offered, "offered", "A place is available for you", "A place is available for you"),
    (offer_lapsed, "expired", "The place we offered you has been released", "The place we"),
    (declined, "declined", "We cannot offer you a place this time", "About your application"),
    (cancelled_unpaid, "cancelled", "Application cancelled", "Your application has been"),
    (cancelled_booking, "cancelled", "Booking cancelled", "Your booking has been cancelled"),
    (refunded, "refunded", "Payment refunded", "Your payment has been refunded"),
]


def _last_to(sent: list[OutgoingEmail], email: str) -> OutgoingEmail:
    return [m for m in sent if m.to == [email]][-1]


def _case_id(value: object) -> str:
    """Name a case by its setup's name (a function's repr holds its address, which differs
    between xdist workers, and then they disagree about which tests there are)."""
    return getattr(value, "__name__", str(value))


@pytest.mark.parametrize(("how", "status", "headline", "subject"), CASES, ids=_case_id)
def test_the_status_page_and_the_email_say_what_happened(
    system: System, how: Setup, status: str, headline: str, subject: str
) -> None:
    email = f"{how.__name__.replace('_', '.')}@example.org"
    _, made = how(system, email)
    page = system.api("GET", f"/applications/{made['application_id']}?token={made['token']}")
    assert page.json()["status"] == status
    html = system.status_page(made)
    assert headline in html
    sent = system.deliver_emails()
    message = _last_to(sent, email)
    assert message.subject.startswith(subject), message.subject
    if status != "confirmed":
        assert "Your place is confirmed" not in html
    if how in (payment_pending, confirmed, refunded, cancelled_booking, declined):
        # Nobody who paid, is paying, or cannot pay is offered a payment button.
        assert "/checkout?token=" not in html
        assert "Pay £200.00" not in html
    if how is offer_lapsed:
        # They never started paying: nothing may say their payment failed.
        assert "payment was not completed" not in message.text + html
        assert "No money was taken" in message.text


# (how, the subject and a phrase of the email about the earlier application)
AGAIN: list[tuple[Setup, str, str]] = [
    (confirmed, "You are already booked", "You are booked and your place is paid for."),
    (awaiting_payment, "You have already applied", "Pay here to confirm your place"),
    (payment_pending, "You have already applied", "Your payment is on its way"),
    (waitlisted, "You have already applied", "You are number 1 on the waiting list."),
    (pending_review, "You have already applied", "Our facilitators read every application"),
    (offered, "You have already applied", "We are holding it for you until"),
    (offer_lapsed, "You have already applied", "The place we offered you has been released"),
    (expired, "You have already applied", "Your payment was not completed"),
    (declined, "You have already applied", "We cannot offer you a place this time"),
]


@pytest.mark.parametrize(("how", "subject", "says"), AGAIN, ids=_case_id)
def test_applying_again_is_answered_for_what_the_first_application_is(
    system: System, how: Setup, subject: str, says: str
) -> None:
    email = f"again.{how.__name__.replace('_', '.')}@example.org"
    course, made = how(system, email)
    system.deliver_emails()
    again = system.api(
        "POST", f"/courses/{course}/applications", json_body=application_body(email=email)
    )
    error = again.refused(409, "already_applied")
    # The answer tells whoever typed the address only that it has applied: the rest goes to
    # the address's own inbox.
    assert "emailed you where your application stands" in error["message"]
    [told] = [m for m in system.deliver_emails() if m.to == [email]]
    assert told.subject == f"{subject}: {system.course(course)['title']} ({made['reference']})"
    assert says in told.text
    assert made["status_url"] in told.text
    if how is confirmed:
        assert "Pay" not in told.text
    page = system.api(
        "POST",
        f"/courses/{course}/applications",
        form={**application_body(email=email), "consent": "on"},
        headers=HTML,
    )
    assert page.status == 409
    assert "You have already applied</h1>" in page.body
    # The cohort named, and the email said once.
    assert f"You have already applied for {system.course(course)['title']}, from " in page.body
    assert page.body.count("emailed") == 1


@pytest.mark.parametrize("how", [cancelled_unpaid, refunded])
def test_after_a_cancellation_or_refund_a_new_application_starts_afresh(
    system: System, how: Setup
) -> None:
    email = f"afresh.{how.__name__.replace('_', '.')}@example.org"
    course, made = how(system, email)
    system.deliver_emails()
    again = system.apply(course_id=course, email=email)
    assert again.status == 201
    assert again.json()["application_id"] != made["application_id"]
    [received] = [m for m in system.deliver_emails() if m.to == [email]]
    assert received.subject.startswith("We have received your application")
    earlier = "booking on this course was refunded" if how is refunded else "was cancelled"
    assert earlier in received.text
    assert "this is a new application" in received.text


def test_a_rebooking_is_never_outranked_by_the_earlier_cancellation(system: System) -> None:
    """Confirm, cancel with a refund, apply again and pay: every calendar file the person got,
    read in the order sent (the autouse mail check holds SEQUENCE per UID across all of them),
    and the new confirmation's entries are live: fresh UIDs for the cohort's own sessions, and
    the follow-ups back with a SEQUENCE above the CANCEL's."""
    from icalendar import Calendar

    email = "rebooked@example.org"
    _, first = confirmed(system, email)
    sent = system.deliver_emails()  # each email goes out as its step happens
    system.cancel(first["application_id"])
    sent += system.deliver_emails()
    second = _apply(system, COURSE_ID, email)
    system.pay(second["checkout_url"])
    mine = [m for m in sent + system.deliver_emails() if m.to == [email]]

    def events(message: OutgoingEmail, method: str) -> dict[str, int]:
        [ics] = [a for a in message.attachments if a.params == {"method": method}]
        calendar = Calendar.from_ical(ics.content)
        return {str(e["UID"]): int(e.decoded("SEQUENCE")) for e in calendar.walk("VEVENT")}

    [booked, rebooked] = [m for m in mine if m.subject.startswith("Your place is confirmed")]
    cancelled: dict[str, int] = {}
    for message in mine:
        if any(a.params == {"method": "CANCEL"} for a in message.attachments):
            cancelled |= events(message, "CANCEL")
    before, after = events(booked, "REQUEST"), events(rebooked, "REQUEST")
    assert set(cancelled) == set(before)  # the cancellation took out all ten
    core_after = {uid for uid in after if second["application_id"] in uid}
    assert len(core_after) == 6
    assert not core_after & set(cancelled)  # new entries, which no CANCEL names
    for uid in set(after) - core_after:  # the follow-ups: the person's, in the programme
        assert after[uid] > cancelled[uid]
