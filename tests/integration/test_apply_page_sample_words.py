"""The application page says only what is true of our form and the course:
no "about 5 minutes" nobody measured, no "come to every session" where completing needs
fewer; a course that keeps a register says how many sessions completing needs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.page_text import text_of
from tests.support.system import System


def _apply_page(system: System, course_id: str) -> str:
    reply = system.api("GET", f"/courses/{course_id}/apply", headers={"accept": "text/html"})
    assert reply.status == 200, reply.body
    return text_of(reply.body)


def test_the_sample_page_promises_nothing_of_its_own(system: System) -> None:
    said = _apply_page(system, "compassionate-leadership-test")
    assert "about 5 minutes" not in said
    assert "every session" not in said.replace("Every session is online", "")


def test_a_course_with_a_register_says_how_many_sessions_complete_it(system: System) -> None:
    first = (datetime.now(UTC) + timedelta(days=10)).date()
    system.put_course(
        "register-words",
        {
            "title": "Compassionate Leadership Training",
            "price": {"amount": 20000, "currency": "gbp"},
            "capacity": 10,
            "completion_min_sessions": 2,
            "sessions": [
                {
                    "date": (first + timedelta(days=7 * n)).isoformat(),
                    "start_time": "10:00",
                    "end_time": "12:00",
                }
                for n in range(3)
            ],
        },
    )
    said = _apply_page(system, "register-words")
    assert (
        "Completing the course, and its certificate, needs at least 2 of its 3 sessions "
        "attended: please check you can come before you apply." in said
    )


def _card_choice(system: System, course_id: str) -> str:
    """The words of the form's choice to pay by card (the course allows invoices)."""
    reply = system.api("GET", f"/courses/{course_id}/apply", headers={"accept": "text/html"})
    assert reply.status == 200, reply.body
    said = text_of(reply.body)
    start = said.index("I will pay by card")
    return said[start : said.index("My employer will pay by invoice", start)].strip()


def test_the_card_choice_says_now_only_where_the_card_is_paid_on_continuing(
    system: System,
) -> None:
    """Applications that are reviewed first, or that join a full course's waiting list, pay
    nothing on sending the form: the choice of a card is for later, when a place is offered."""
    invoices = {"invoice_allowed": True}
    system.put_course("open-cohort", {**system.course_file(), **invoices})
    assert _card_choice(system, "open-cohort") == "I will pay by card now"

    reviewed = system.approval_course()
    system.put_course(reviewed, {**system.course_file(reviewed), **invoices})
    assert _card_choice(system, reviewed) == "I will pay by card when a place is offered"

    system.put_course("full-cohort", {**system.course_file(), **invoices, "capacity": 1})
    system.booked("full-cohort")
    assert _card_choice(system, "full-cohort") == "I will pay by card when a place is offered"
