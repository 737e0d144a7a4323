"""A refunded booking's *Paid* in the console's lists says what went back (the
course page read "Refunded ... £200.00" under *Paid*, like money held), as its own page does
with its *Paid* and *Refunded* lines."""

from __future__ import annotations

from booking.domain.covered import paid_back_said
from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import COURSE_ID, System


def test_paid_and_given_back_in_words() -> None:
    assert paid_back_said(20000, 0, "gbp") == "£200.00"
    assert paid_back_said(20000, 20000, "gbp") == "£200.00, refunded"
    assert paid_back_said(20000, 5000, "gbp") == "£200.00, £50.00 refunded"


def test_the_course_list_says_a_refunded_booking_was_refunded(system: System) -> None:
    refunded = system.apply(email="tom@example.org", name="Tom Hughes").json()
    kept = system.apply(email="ann@example.org", name="Ann Kept").json()
    for application in (refunded, kept):
        assert system.pay(application["checkout_url"]).status == 200
    assert system.cancel(refunded["application_id"], refund=True).status == 200
    assert system.status_of(refunded)["status"] == "refunded"
    browser = signed_in(system)

    listed = text_of(browser.get(f"/console/courses/{COURSE_ID}").body)
    assert "£200.00, refunded" in listed
    assert listed.count("£200.00, refunded") == 1  # Ann's place is paid and kept
    page = text_of(browser.get(f"/console/applications/{refunded['application_id']}").body)
    assert "Paid £200.00 Refunded £200.00" in page
    found = text_of(browser.get("/console/search?q=Tom+Hughes").body)
    assert "£200.00, refunded" in found
