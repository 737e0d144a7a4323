"""The cohort a message about a moved booking is for: the one its reader was told of."""

from __future__ import annotations

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.emails import EmailJob
from booking.domain.facilitators_told import is_withdrawal, roster_holding
from booking.services.calendars import ends_a_booking, last_invited
from booking.services.emails_gone import went_for
from booking.services.ports import Ports


def cohort_told(
    ports: Ports, job: EmailJob, application: Application, course: Course
) -> Course | None:
    """The cohort a message about a moved booking's end is for: the one its reader was told of.
    A move's emails go only while the booking stands, so one that ended
    before the mailer reached them leaves the person and the facilitators told of the cohort
    before: the facilitators whose list has the person hear the withdrawal
    (``domain.facilitators_told.roster_holding``), and the person's last email names the cohort
    whose sessions it takes out of their calendar (``calendars.last_invited``)."""
    if not application.transfers:
        return course
    if is_withdrawal(job):
        cohort: str | None = roster_holding(application, went_for(ports, application)[0])
    elif ends_a_booking(job, application):
        cohort = last_invited(ports, application)
    else:
        return course
    if cohort is None or cohort == course.course_id:
        return course
    return ports.repository.get_course(cohort)
