"""The one rule for when the facilitators hear that someone left (``domain.facilitators_told``):
a confirmed place, and nothing else, whichever act ends it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.domain.application import ApplicationStatus
from booking.domain.emails import EmailKind
from booking.domain.facilitators_told import facilitators_told_it_ended
from tests.support.applications import an_application

AT = datetime(2027, 5, 1, 9, tzinfo=UTC)


def test_a_confirmed_place_that_ends_is_told_once_with_its_reason() -> None:
    booked = an_application(ApplicationStatus.CONFIRMED, at=AT)
    [job] = facilitators_told_it_ended(booked, "substituted")
    assert job.kind is EmailKind.FACILITATOR_COPY
    assert job.reason == "substituted"
    assert "withdrawn" in job.job_id
    # Whichever act tells them, it is the same job: the mailer sends it once.
    [again] = facilitators_told_it_ended(booked, "booking_refunded")
    assert again.job_id == job.job_id


@pytest.mark.parametrize(
    "status", [s for s in ApplicationStatus if s is not ApplicationStatus.CONFIRMED]
)
def test_nothing_else_was_on_their_list(status: ApplicationStatus) -> None:
    assert facilitators_told_it_ended(an_application(status, at=AT), "substituted") == ()
