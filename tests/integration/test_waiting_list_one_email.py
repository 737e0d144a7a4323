"""Joining a full course's waiting list is one email that says both: the application was
received, and where it stands in line (it was two, within a second). Through
the handlers on moto and the Stripe stand-in."""

from __future__ import annotations

from tests.support.system import System


def test_a_new_application_to_a_full_course_gets_one_email_that_says_both(
    system: System,
) -> None:
    system.small_course()  # one place
    booked = system.apply(course_id="small", email="booked@example.org").json()
    system.pay(booked["checkout_url"])
    first = system.apply(course_id="small", name="Wendy Wait", email="wendy@example.org")
    second = system.apply(course_id="small", name="Walter Wait", email="walter@example.org")
    assert [first.json()["status"], second.json()["status"]] == ["waitlisted", "waitlisted"]

    sent = [m for m in system.deliver_emails() if m.to == ["walter@example.org"]]
    assert [m.subject.split(":")[0] for m in sent] == ["You are on the waiting list"]
    [told] = sent
    words = " ".join(told.text.split())
    assert "Dear Walter Wait," in words
    assert "We have received your application." in words
    assert "is full at the moment, so we have put you on the waiting list (you are number 2)" in (
        words
    )
    assert "We have received your application." in told.html


def test_a_new_application_after_a_cancellation_says_it_starts_afresh_in_the_one_email(
    system: System,
) -> None:
    system.small_course()
    booked = system.apply(course_id="small", email="booked@example.org").json()
    system.pay(booked["checkout_url"])
    waiting = system.apply(course_id="small", email="again@example.org").json()
    assert system.cancel(waiting["application_id"], refund=None).status == 200
    system.deliver_emails()
    again = system.apply(course_id="small", email="again@example.org")
    assert again.json()["status"] == "waitlisted"
    [told] = [m for m in system.deliver_emails() if m.to == ["again@example.org"]]
    words = " ".join(told.text.split())
    assert "We have received your application." in words
    assert "application for this course was cancelled, so this is a new application" in words
    assert "(you are number 1)" in words
