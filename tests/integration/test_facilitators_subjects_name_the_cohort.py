"""The facilitators' emails name the cohort in their subject, its title with its first day, as
every email's footer does: the same facilitators run every cohort of a programme, and a booking
moved from one to the other reached them as "Booking moved to your cohort: Compassionate
Leadership Training" and "Booking moved away from your cohort: Compassionate Leadership
Training", which could not be told apart without opening them; nor could a new booking on this
year's cohort from one on next year's."""

from __future__ import annotations

from booking.domain.wording import cohort_name
from tests.support.system import COURSE_ID, System


def test_the_facilitators_subjects_name_the_cohort(system: System) -> None:
    applied = system.booked()
    course = system.ports.repository.get_course(COURSE_ID)
    assert course is not None
    cohort = cohort_name(course)  # "Compassionate Leadership Training, from Monday 7 June 2027"
    [booked] = [e for e in system.deliver_emails() if e.subject.startswith("New booking")]
    assert booked.subject == f"New booking: {cohort} ({applied['reference']})"

    path = f"/applications/{applied['application_id']}/cancel"
    assert system.admin("POST", path, json_body={"refund": False}).status == 200
    [told] = [e for e in system.deliver_emails() if e.subject.startswith("Participant withdrawn")]
    assert told.subject == f"Participant withdrawn: {cohort} ({applied['reference']})"
