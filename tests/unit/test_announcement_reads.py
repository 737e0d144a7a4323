"""What a cohort's save reads to tell people of its programme's changed follow-ups: nothing at
all while nobody is booked in the programme (every integration test's first save)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from booking.domain.application import ApplicationStatus
from booking.services.courses import put_course
from tests.fakes import Clock, FakeRepository, fake_ports
from tests.support.applications import an_application
from tests.unit.test_follow_up_changes import cohort


class _CountingLedgers(FakeRepository):
    """The fake repository, counting the reads of who was told of or invited to an event."""

    def __init__(self) -> None:
        super().__init__()
        self.ledger_reads = 0

    def told_of(self, about: str) -> dict[str, bool]:
        self.ledger_reads += 1
        return super().told_of(about)

    def told_when(self, about: str) -> Any:
        self.ledger_reads += 1
        return super().told_when(about)

    def invitations_to(self, about: str) -> Any:
        self.ledger_reads += 1
        return super().invitations_to(about)


def test_a_save_with_nobody_booked_in_the_programme_reads_no_ledger_of_who_was_told() -> None:
    # Every integration test saves the sample cohort (follow-ups listed) before anyone books:
    # nobody holds its events, so nobody is asked about (a query per event and ledger each).
    repository = _CountingLedgers()
    ports = fake_ports(Clock(datetime(2027, 1, 5, tzinfo=UTC)), repository)
    put_course(ports, "spring", cohort("2027-03-01", ("2027-09-23", "Reunion")))
    put_course(ports, "summer", cohort("2027-06-07", ("2027-09-23", "Reunion")))
    assert repository.ledger_reads == 0
    # Once someone has booked, a change of the event they hold is read for: one read each.
    repository.save(
        an_application(
            ApplicationStatus.CONFIRMED,
            at=datetime(2027, 2, 1, tzinfo=UTC),
            course_id="spring",
            amount_paid=100,
        ),
        None,
    )
    put_course(ports, "spring", cohort("2027-03-01", ("2027-09-30", "Reunion")))
    assert repository.ledger_reads == 3
