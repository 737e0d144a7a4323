"""An organiser's cancel with a refund is one act, told in one email: the cancellation, saying
what is being refunded, with the calendar's cancel. The refund's own events from Stripe, which
follow it, end the booking refunded and send nothing more; the status page says the cause the
right way round (cancelled, and the payment refunded)."""

from __future__ import annotations

import logging

import pytest

from booking.domain.emails import OutgoingEmail
from tests.support.applications import session_id_of
from tests.support.system import COURSE_ID, System, application_body

EMAIL = "cancelled-refunded@example.org"


def _to_the_applicant(sent: list[OutgoingEmail]) -> list[OutgoingEmail]:
    return [m for m in sent if list(m.to) == [EMAIL]]


def test_a_cancel_with_refund_sends_one_email_saying_both(system: System) -> None:
    made = system.api(
        "POST", f"/courses/{COURSE_ID}/applications", json_body=application_body(email=EMAIL)
    ).json()
    system.pay(made["checkout_url"])
    system.deliver_emails()  # the acknowledgement and the confirmation

    with system.standin.webhooks_held():  # as at Stripe: the refund's events follow its answer
        reply = system.cancel(made["application_id"])
    assert reply.status == 200, reply.body
    assert system.status_of(made)["status"] == "refunded"  # the stand-in's refund events came
    [told] = _to_the_applicant(system.deliver_emails())

    assert told.subject.startswith("Your booking has been cancelled")
    assert "the £200.00 you paid is being refunded in full" in told.text
    assert "we will email you" not in told.text
    assert [a.filename for a in told.attachments] == ["cancel.ics"]

    page = system.status_page(made)
    assert "Your booking was cancelled, and your payment refunded in full." in page
    assert "so your booking is no longer active" not in page


def test_the_cancellation_says_the_same_whether_its_refund_was_reported_before_it_was_sent(
    system: System,
) -> None:
    """The email is composed when the mailer runs: whether Stripe's refund events came first
    (the booking ended refunded) or not, it says the cancellation as it was made (the
    first way once added "we have refunded what you paid" before the money paragraph)."""
    said = []
    for events_first in (True, False):
        email = f"cancelled-{events_first}@example.org".lower()
        made = system.api(
            "POST", f"/courses/{COURSE_ID}/applications", json_body=application_body(email=email)
        ).json()
        system.pay(made["checkout_url"])
        system.deliver_emails()
        with system.standin.webhooks_held():
            reply = system.cancel(made["application_id"])
            assert reply.status == 200, reply.body
            if not events_first:
                sent = system.deliver_emails()
        if events_first:
            sent = system.deliver_emails()
        assert system.status_of(made)["status"] == "refunded"
        [told] = [m for m in sent if list(m.to) == [email]]
        said.append(
            [line for line in told.text.splitlines() if "http" not in line and "CL-" not in line]
        )
    assert said[0] == said[1]
    assert "we have refunded what you paid" not in "\n".join(said[0])


def test_a_refund_after_a_cancellation_that_kept_the_money_is_told(system: System) -> None:
    """A refund made later (from Stripe's dashboard) is news the cancellation did not give: it
    has its own email."""
    made = system.api(
        "POST", f"/courses/{COURSE_ID}/applications", json_body=application_body(email=EMAIL)
    ).json()
    system.pay(made["checkout_url"])
    system.cancel(made["application_id"], refund=None)
    [cancelled] = _to_the_applicant(system.deliver_emails())[-1:]
    assert "does not refund the £200.00 you paid" in cancelled.text

    assert system.stripe_local("POST", f"/checkout/{session_id_of(made)}/refund").status == 200
    assert system.status_of(made)["status"] == "refunded"
    [refunded] = _to_the_applicant(system.deliver_emails())
    assert refunded.subject.startswith("Your payment has been refunded")


def test_a_refund_reported_before_the_cancellation_is_saved_is_still_told_once(
    system: System,
) -> None:
    """Stripe's refund events may reach the webhook before the cancellation that asked for the
    refund is saved (here they are delivered during the refund call): the refund then ends
    the booking, the cancellation finds it ended, and one email says both, the cause the right
    way round."""
    made = system.api(
        "POST", f"/courses/{COURSE_ID}/applications", json_body=application_body(email=EMAIL)
    ).json()
    system.pay(made["checkout_url"])
    system.deliver_emails()
    reply = system.cancel(made["application_id"])
    assert reply.status == 200, reply.body
    assert system.status_of(made)["status"] == "refunded"
    [told] = _to_the_applicant(system.deliver_emails())
    flat = " ".join(told.text.split())
    assert "Your booking has been cancelled, and your payment refunded in full." in flat
    assert [a.filename for a in told.attachments] == ["cancel.ics"]
    page = system.status_page(made)
    assert "Your booking has been cancelled, and your payment refunded in full." in page


def test_a_cancel_with_refund_does_not_ask_stripe_to_expire_the_checkout_it_was_paid_through(
    system: System, caplog: pytest.LogCaptureFixture
) -> None:
    """Every cancel with refund asked Stripe to expire the completed checkout
    (refused, 400) and logged a bare "the payment provider refused a request"."""
    made = system.api(
        "POST", f"/courses/{COURSE_ID}/applications", json_body=application_body(email=EMAIL)
    ).json()
    system.pay(made["checkout_url"])
    system.deliver_emails()
    caplog.set_level(logging.INFO)

    reply = system.cancel(made["application_id"])

    assert reply.status == 200, reply.body
    assert system.status_of(made)["status"] == "refunded"
    assert not [r for r in caplog.records if "refused" in r.getMessage()]
    assert not [r for r in caplog.records if "left to expire" in r.getMessage()]
