"""A waiting person's page in the console says how they get a place: the console has no button
that offers one, and an organiser who wanted to take someone off the waiting list found no way
on the page. A place is offered by itself when one comes free, or when the course is given more
places in *Change this course*."""

from __future__ import annotations

from tests.support.console import signed_in
from tests.support.page_text import text_of
from tests.support.system import System

SAID = (
    "Number 1 on the waiting list. A place is offered by email, in turn, as soon as one comes "
    "free; to offer one now, raise Places in Change this course"
)


def test_a_waiting_persons_page_says_how_a_place_is_offered(system: System) -> None:
    browser = signed_in(system)
    system.put_course("one-place", system.course_file() | {"capacity": 1})
    holder = system.apply(course_id="one-place", email="holder@example.org").json()
    system.pay(holder["checkout_url"])
    waiting = system.apply(course_id="one-place", email="waiting@example.org").json()
    assert waiting["status"] == "waitlisted"

    page = browser.get(f"/console/applications/{waiting['application_id']}").body
    booked = browser.get(f"/console/applications/{holder['application_id']}").body

    assert SAID in text_of(page)
    assert 'raise <em>Places</em> in <a href="/console/courses/one-place/edit">' in page
    assert "on the waiting list. A place is offered" not in text_of(booked)
