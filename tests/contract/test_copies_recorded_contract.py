"""Whom each facilitators' copy of an application went to (``ApplicationHistory.record_copy``),
on the fake and on the table alike: read back by the application, one record per job (a send
again of the same job replaces it), apart from the application's history and from other
applications'."""

from __future__ import annotations

from booking.domain.facilitators_told import CopySent
from booking.services.ports import Repository
from tests.support.repository_records import application, definition

BOOKED = "facilitator_copy:a1:booked"
MOVED_OUT = "facilitator_copy:a1:moved-out-1"


def test_each_copy_is_read_back_with_its_cohort_and_addresses(repo: Repository) -> None:
    repo.put_course("c1", definition())
    stored = repo.save(application("a1"), None)
    first = CopySent(BOOKED, "c1", ("fac@example.org",))
    repo.record_copy("a1", first)
    repo.record_copy("a1", CopySent(MOVED_OUT, "c1", ("new@example.org", "two@example.org")))
    # Sent again (the first send failed): the addresses of the send that went replace it.
    again = CopySent(BOOKED, "c1", ("fac@example.org", "other@example.org"))
    repo.record_copy("a1", again)

    copies = sorted(repo.recorded_copies("a1"), key=lambda c: c.job_id)
    assert copies == [
        again,
        CopySent(MOVED_OUT, "c1", ("new@example.org", "two@example.org")),
    ]
    # Beside the application and its history, not in them.
    assert repo.application_with_timeline("a1")[0] == stored
    assert repo.recorded_copies("a2") == []


def test_a_copy_to_nobody_is_recorded_as_such(repo: Repository) -> None:
    repo.record_copy("a1", CopySent(BOOKED, "c1", ()))
    assert repo.recorded_copies("a1") == [CopySent(BOOKED, "c1", ())]
