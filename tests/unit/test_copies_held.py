"""Which addresses hold a copy of an application (``services.facilitators_copies``): the
addresses recorded for each copy that went, the cohort's list now for one that went with no
record (sent before the records were kept), nothing for a copy that did not go. On the fakes."""

from __future__ import annotations

from datetime import UTC, datetime

from booking.domain.application import Application
from booking.domain.emails import EmailKind
from booking.domain.facilitators_told import CopySent, copies_sent, moved_in_copy, moved_out_copy
from booking.domain.timeline import email_sent
from booking.services.courses import put_course
from booking.services.facilitators_copies import copies_held
from booking.services.ports import Ports
from tests.fakes import fake_ports
from tests.fakes.held import repo
from tests.support.moved_bookings import moved_through
from tests.support.use_case_steps import course_definition

NOW = datetime(2027, 1, 5, tzinfo=UTC)
BOOKED = "facilitator_copy:app1:booked"


def _moved() -> Application:
    """``app1``, booked on spring and moved to summer."""
    return moved_through("spring", "summer", at=NOW)


def _moved_spring_to_summer(ports: Ports) -> None:
    for cohort in ("spring", "summer"):
        put_course(ports, cohort, course_definition())
    repo(ports).applications["app1"] = _moved()


def _went(ports: Ports, *job_ids: str) -> None:
    for job_id in job_ids:
        repo(ports).add_to_timeline("app1", email_sent(NOW, EmailKind.FACILITATOR_COPY, 1, job_id))


def test_every_copy_of_a_move_is_one_that_went_to_its_cohort() -> None:
    moved = _moved()
    out, in_ = moved_out_copy("app1", "spring", 1).job_id, moved_in_copy("app1", "summer", 1).job_id
    went = {BOOKED, out, in_}
    assert copies_sent(moved, went.__contains__) == [
        (BOOKED, "spring"),
        (out, "spring"),
        (in_, "summer"),
    ]


def test_recorded_addresses_are_asked_and_an_unrecorded_copy_asks_the_list_now() -> None:
    ports = fake_ports()
    _moved_spring_to_summer(ports)
    out = moved_out_copy("app1", "spring", 1).job_id
    in_ = moved_in_copy("app1", "summer", 1).job_id
    _went(ports, BOOKED, out, in_)
    # The booking's copy from before the records (none), the move's two recorded.
    repo(ports).record_copy("app1", CopySent(out, "spring", ("new@example.org",)))
    repo(ports).record_copy("app1", CopySent(in_, "summer", ("b@example.org", "a@example.org")))

    application = repo(ports).applications["app1"]
    assert copies_held(ports, application) == {
        # The booking's copy: spring's list as it is now (course_definition's facilitator).
        "spring": ("facilitator@example.org", "new@example.org"),
        "summer": ("a@example.org", "b@example.org"),
    }


def test_a_recorded_copy_that_did_not_go_holds_nothing() -> None:
    """Recorded as SES was about to be called, then refused (``failed``): no list got it."""
    ports = fake_ports()
    _moved_spring_to_summer(ports)
    _went(ports, BOOKED)
    in_ = moved_in_copy("app1", "summer", 1).job_id
    repo(ports).record_copy("app1", CopySent(BOOKED, "spring", ("old@example.org",)))
    repo(ports).record_copy("app1", CopySent(in_, "summer", ("summer@example.org",)))
    repo(ports).finish_email(in_, "failed", NOW)

    assert copies_held(ports, repo(ports).applications["app1"]) == {"spring": ("old@example.org",)}


def test_an_unrecorded_copy_to_a_list_emptied_since_names_nobody() -> None:
    ports = fake_ports()
    _moved_spring_to_summer(ports)
    _went(ports, BOOKED)
    emptied = course_definition().model_copy(update={"facilitators": []})
    put_course(ports, "spring", emptied)
    assert copies_held(ports, repo(ports).applications["app1"]) == {}
