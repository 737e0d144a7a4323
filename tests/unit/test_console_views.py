"""The console's read models and words, on the fakes: what fits each status, what each history
entry says, and the course form's round trip."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any, cast

import pytest

from booking.domain.course import Course, CourseDefinition
from booking.domain.errors import InvalidInput, NotFound
from booking.handlers.console_pages import course_dates
from booking.handlers.course_form import definition_from_form, form_of, read_form
from booking.handlers.course_saved import saved_said
from booking.services import applications, console, courses, lifecycle
from booking.services.ports import Ports
from infra.local.sample import load_definition
from tests.conftest import COURSES_DIR
from tests.fakes import Clock, fake_ports
from tests.support.console import posted_fields
from tests.support.courses import programme_course
from tests.support.use_case_steps import answers, course_definition, paid

AT = datetime(2027, 5, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def ports() -> Ports:
    the_ports = fake_ports(Clock())
    courses.put_course(the_ports, "c1", course_definition(capacity=1))
    courses.put_course(the_ports, "c2", course_definition(approval=True))
    return the_ports


def test_the_actions_offered_are_those_the_use_cases_accept(ports: Ports) -> None:
    pending = applications.submit_application(ports, "c2", answers("p@example.org"))
    detail = console.application_detail(ports, pending.application_id)
    assert detail.actions == {"approve", "decline", "cancel", "bursary"}
    booked = applications.submit_application(ports, "c1", answers("b@example.org"))
    paid(ports, booked.application_id)
    detail = console.application_detail(ports, booked.application_id)
    assert detail.actions == {"cancel", "resend", "transfer"}
    assert detail.refundable == 20000
    lifecycle.cancel(ports, booked.application_id, refund=False)
    # Cancelled with its money kept: refunding it afterwards is all that is left to do.
    assert console.application_detail(ports, booked.application_id).actions == {"refund"}
    lifecycle.refund_afterwards(ports, booked.application_id)
    assert console.application_detail(ports, booked.application_id).actions == set()
    with pytest.raises(NotFound):
        console.application_detail(ports, "")


def test_the_overview_counts_each_courses_seats_and_money(ports: Ports) -> None:
    booked = applications.submit_application(ports, "c1", answers("b@example.org"))
    paid(ports, booked.application_id)
    applications.submit_application(ports, "c1", answers("w@example.org"))  # full: waits
    applications.submit_application(ports, "c2", answers("p@example.org"))
    by_id = {s.course.course_id: s for s in console.course_summaries(ports)}
    one, two = by_id["c1"], by_id["c2"]
    assert (one.confirmed, one.holds, one.waiting) == (1, 0, 1)
    assert (one.money.paid, one.money.refunded, one.money.confirmed) == (20000, 0, 1)
    assert (two.applications, two.pending_review, two.holds) == (1, 1, 0)


def test_a_search_longer_than_any_address_or_an_unknown_status_filters_nothing_and_says_why(
    ports: Ports,
) -> None:
    every = console.course_applications(ports, "c1")
    too_long = console.course_applications(ports, "c1", query="x" * 255)
    assert too_long.problems == {"q": "at most 254 characters"}
    assert (too_long.query, too_long.applications) == ("", every.applications)
    unknown = console.course_applications(ports, "c1", status="paid")
    assert unknown.problems == {"status": "choose one of the statuses"}
    assert (unknown.status, unknown.applications) == (None, every.applications)
    assert console.course_applications(ports, "c1", status="confirmed").problems == {}
    with pytest.raises(NotFound):
        console.course_applications(ports, "no-such-course")


def test_the_course_form_gives_back_the_definition_it_shows() -> None:
    definition = load_definition(COURSES_DIR / "compassionate-leadership.json")
    form = form_of("cohort", definition)
    assert len(form.sessions) == len(definition.sessions)  # a row a session; "Add" for more
    again = definition_from_form(read_form(posted_fields(form)))
    assert again == definition


def test_the_course_form_without_sessions_says_so() -> None:
    empty = CourseDefinition.model_fields["sessions"]
    assert empty.is_required()
    form = read_form({"course_id": "x1", "title": "T", "price": "10", "capacity": "3"})
    with pytest.raises(InvalidInput) as refused:
        definition_from_form(form)
    assert "sessions" in refused.value.fields


def test_the_course_form_keeps_the_completion_rule_so_a_save_keeps_the_register() -> None:
    stored = load_definition(COURSES_DIR / "compassionate-leadership.json")
    definition = CourseDefinition.model_validate(
        {**stored.model_dump(mode="json", exclude_none=True), "completion_min_sessions": 2}
    )
    again = definition_from_form(read_form(posted_fields(form_of("cohort", definition))))
    assert again.completion_min_sessions == 2
    assert again == definition


def test_a_one_day_cohorts_dates_name_its_day_once() -> None:
    """Two sessions on one day: "Monday 7 June 2027 (2 sessions)", not the day "to" itself."""
    one_day = programme_course(
        [
            {"date": "2027-06-07", "start_time": "10:00", "end_time": "11:00"},
            {"date": "2027-06-07", "start_time": "15:00", "end_time": "17:00"},
        ]
    )
    assert course_dates(Course(course_id="day", definition=one_day)) == (
        "Monday 7 June 2027 (2 sessions)"
    )
    two_days = programme_course(
        [
            {"date": "2027-06-07", "start_time": "10:00", "end_time": "11:00"},
            {"date": "2027-06-14", "start_time": "15:00", "end_time": "17:00"},
        ]
    )
    assert course_dates(Course(course_id="two", definition=two_days)) == (
        "Monday 7 June 2027 to Monday 14 June 2027 (2 sessions)"
    )


def test_a_saves_notice_names_those_offered_and_counts_the_rest() -> None:
    """Those the save offered a place, named as the course's page reads them; one the page no
    longer lists (or beyond those carried) is counted; a code that is none is a plain save."""
    listed = SimpleNamespace(
        applications=[
            SimpleNamespace(
                application_id=i,
                answers=SimpleNamespace(name=n),
                reference=r,
                has_open_invoice=lambda: False,
            )
            for i, n, r in (("a1", "Kim Yoon", "CL-1"), ("a2", "Lee Park", "CL-2"))
        ],
        moving_in=[],
        course=SimpleNamespace(
            definition=SimpleNamespace(price=SimpleNamespace(amount=20000, currency="gbp"))
        ),
    )
    listing = cast(Any, listed)
    assert saved_said("|3|a1,a2,a3", listing) == [
        "Course saved.",
        "Kim Yoon (CL-1), Lee Park (CL-2) and 1 more were offered places from the waiting "
        "list and emailed.",
        "A place costs £200.00.",
    ]
    assert saved_said("|2|x,y", listing)[1].startswith("2 people were offered places")
    assert saved_said("not|a|code", listing) == ["Course saved.", "A place costs £200.00."]
