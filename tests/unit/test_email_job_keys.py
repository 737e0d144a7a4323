"""Email job ids are claims kept across deploys: the mailer sends a job whose id it has not
claimed yet, so an id that changed its shape would send a message again. Each follow-up
message's id, written out."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.domain.emails import EmailJob, EmailKind, FollowUpRecipient

START = datetime(2027, 9, 23, 15, 0, tzinfo=UTC)
WAS = datetime(2027, 9, 16, 15, 0, tzinfo=UTC)
TO = FollowUpRecipient(
    person="p-1f2e",
    application_id="app1",
    programme="leading",
    event_key="autumn",
    session_start=START,
    host_course_id="leading-2027",
)


@pytest.mark.parametrize(
    ("kind", "offset_hours", "job_id"),
    [
        (
            EmailKind.FOLLOW_UP_INVITATION,
            None,
            "follow_up_invitation:p-1f2e:leading:autumn:20270923T1500Z",
        ),
        (
            EmailKind.SESSION_REMINDER,
            24,
            "session_reminder:p-1f2e:leading:autumn:20270923T1500Z:h24",
        ),
    ],
)
def test_a_follow_up_invitation_or_reminder_is_keyed_by_person_event_start_and_offset(
    kind: EmailKind, offset_hours: int | None, job_id: str
) -> None:
    job = EmailJob.follow_up(kind, TO, offset_hours=offset_hours, planned_at=WAS)
    assert job.job_id == job_id
    assert (job.kind, job.course_id, job.session_key, job.session_start) == (
        kind,
        "leading-2027",
        "autumn",
        START,
    )
    assert (job.person, job.programme, job.offset_hours, job.planned_at) == (
        "p-1f2e",
        "leading",
        offset_hours,
        WAS,
    )


@pytest.mark.parametrize("removed", [False, True])
def test_a_follow_up_change_is_keyed_by_person_event_and_change(removed: bool) -> None:
    job = EmailJob.follow_up_changed(
        TO,
        change="leading-2027-v3",
        removed=removed,
        what="removed" if removed else "moved",
        was_start=WAS,
        was_title="Autumn",
    )
    assert job.job_id == "follow_up_changed:p-1f2e:leading:autumn:leading-2027-v3"
    assert (job.kind, job.application_id, job.course_id, job.session_start) == (
        EmailKind.FOLLOW_UP_CHANGED,
        "app1",
        "leading-2027",
        START,
    )
    assert job.removed_follow_ups == (("autumn",) if removed else ())
    assert (job.follow_up_change, job.was_start, job.was_title) == (
        "removed" if removed else "moved",
        WAS,
        "Autumn",
    )
