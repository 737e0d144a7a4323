"""A full course's page lets a person join its waiting list, as the JSON API and the README
say a full course does: the form is there, worded for the waiting list, and posting it from a
browser puts the application on the list."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tests.support.system import COURSE_ID, System, application_body

HTML = {"accept": "text/html"}


def _full_course(system: System) -> str:
    first_day = system.course()["sessions"][0]["start"][:10]
    system.put_course(
        "one-place",
        {
            "programme": "compassionate-leadership",
            "title": "One place",
            "price": {"amount": 20000, "currency": "gbp"},
            "capacity": 1,
            "sessions": [{"date": first_day, "start_time": "15:00", "end_time": "17:00"}],
        },
    )
    holder = system.apply(course_id="one-place").json()
    system.pay(holder["checkout_url"])
    assert system.course("one-place")["status"] == "full"
    return "one-place"


def _form(**overrides: Any) -> dict[str, str]:
    form = {k: str(v) for k, v in application_body(**overrides).items() if k != "consent"}
    form["consent"] = "on"
    return form


def test_the_page_of_a_full_course_has_the_form_to_join_the_waiting_list(system: System) -> None:
    course_id = _full_course(system)
    page = system.api("GET", f"/courses/{course_id}/apply", headers=HTML)
    assert page.status == 200
    assert "<h2>Join the waiting list</h2>" in page.body
    assert page.body.count("<form") == 1
    assert "Join the waiting list</button>" in page.body

    posted = system.api(
        "POST",
        f"/courses/{course_id}/applications",
        form=_form(email="waiting@example.org"),
        headers=HTML,
    )
    assert posted.status == 303, posted.body
    status_page = system.api(
        "GET",
        urlsplit(posted.headers["location"]).path
        + "?"
        + urlsplit(posted.headers["location"]).query,
        headers=HTML,
    )
    assert "You are number 1" in status_page.body


def test_the_json_api_agrees_a_full_course_waitlists(system: System) -> None:
    course_id = _full_course(system)
    reply = system.apply(course_id=course_id, email="waiting@example.org")
    assert reply.status == 201, reply.body
    assert reply.json()["status"] == "waitlisted"
    # The course list says the same: taken, and the waiting list open.
    listing = system.api("GET", "/courses", headers=HTML)
    assert "All places are taken: you can join the waiting list" in listing.body


def test_an_open_course_keeps_its_payment_words(system: System) -> None:
    page = system.api("GET", f"/courses/{COURSE_ID}/apply", headers=HTML)
    assert ">Continue</button>" in page.body
    assert "Join the waiting list" not in page.body
