"""Telling a course's waiting list that applications have closed (their wait has ended), from
the sweep's run that finds them closed: each person once, in one email.

Exactly once, as reminders are: each application is marked told
(``domain.offer_ends.wait_ended_by_closing``) in the same conditional write that queues its
email, so two runs at once, or a run after a crash, find it told and change nothing; and the
email's job id is the same however often it were queued, so the mailer, which claims each job
by its id before sending, would send it once even then.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.course import Course
from booking.domain.errors import StaleWrite
from booking.domain.offer_ends import to_tell_wait_ended, wait_ended_by_closing
from booking.services.ports import Ports

logger = Logger(child=True)


def tell_closed_waiting_lists(ports: Ports, courses: Iterable[Course], now: datetime) -> int:
    """Tell everyone still waiting on ``courses`` (each closed, not begun) that their wait has
    ended; how many this run told."""
    told = 0
    for course in courses:
        told_here = _tell_waiting_list(ports, course, now)
        if told_here:
            logger.info(
                "waiting list told applications closed",
                extra={"course_id": course.course_id, "told": told_here},
            )
        told += told_here
    return told


def _tell_waiting_list(ports: Ports, course: Course, now: datetime) -> int:
    """Tell everyone still waiting on ``course`` that their wait has ended; how many were told."""
    told = 0
    for application in ports.repository.list_applications(course.course_id):
        if not to_tell_wait_ended(application, course, now):
            continue
        try:
            ports.repository.save(wait_ended_by_closing(application, now), application)
        except StaleWrite:
            continue  # changed meanwhile (told by another run, say): the next run reads it
        told += 1
    return told
