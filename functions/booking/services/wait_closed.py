"""Telling a course's waiting list that applications have closed (their wait has ended), and
those whose application still awaited review that it ended unreviewed, from the sweep's run
that finds them closed: each person once, in one email.

Exactly once, as reminders are: each application is marked told
(``domain.offer_ends.wait_ended_by_closing``) in the same conditional write that queues its
email, so two runs at once, or a run after a crash, find it told and change nothing; and the
email's job id is the same however often it were queued, so the mailer, which claims each job
by its id before sending, would send it once even then.

And only of the closing the course has: each mark holds only while the course is at the version
the sweep decided from (a save moving the dates later between the sweep's read and
its mark had left people told "closed" while applications were open again, the save's reopen
having found nobody marked yet, and never told at the new closing). A mark that loses to a save
of the course is decided again from the course as saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.course import Course
from booking.domain.errors import StaleWrite
from booking.domain.offer_ends import (
    closing_retold,
    may_be_retold,
    to_tell_wait_ended,
    wait_ended_by_closing,
    wait_reopened,
    waiting_list_closed,
)
from booking.services.closing_news import closing_said_to
from booking.services.concurrency import MAX_ATTEMPTS
from booking.services.ports import Ports

logger = Logger(child=True)


def tell_closed_waiting_lists(ports: Ports, courses: Iterable[Course], now: datetime) -> int:
    """Tell everyone still waiting on ``courses`` (each closed, not begun) that their wait has
    ended; how many this run told."""
    told = 0
    for course in courses:
        told_here = _each_told(ports, course, now, _tell_one)
        if told_here:
            logger.info(
                "waiting list told applications closed",
                extra={"course_id": course.course_id, "told": told_here},
            )
        told += told_here
    return told


# One application told (or not) from the course as read: the course the rest of the list is
# decided from (read again when a save of it won), and 1 if told.
TellOne = Callable[[Ports, Course, Application, datetime], tuple[Course, int]]


def _each_told(ports: Ports, course: Course, now: datetime, tell_one: TellOne) -> int:
    """``tell_one`` each application on ``course`` in turn, each from the course as the one
    before left it; how many were told."""
    told = 0
    for application in ports.repository.list_applications(course.course_id):
        course, was_told = tell_one(ports, course, application, now)
        told += was_told
    return told


def _tell_one(
    ports: Ports, course: Course, application: Application, now: datetime
) -> tuple[Course, int]:
    """Tell ``application`` its wait ended, if the closing of ``course`` as read ended it, in a
    write that holds only while the course is still at that version: the course as the rest of
    the list is decided from (read again when a save of it won), and 1 if told."""
    for _ in range(2):  # as read, then once more from the course a save left
        if not to_tell_wait_ended(application, course, now):
            return course, 0
        marked = wait_ended_by_closing(application, course, now)
        try:
            ports.repository.save(marked, application, course_at=course.version)
        except StaleWrite:
            fresh = ports.repository.get_course(course.course_id)
            if fresh is None or fresh.version == course.version:
                return course, 0  # the application changed meanwhile: the next run reads it
            course = fresh
        else:
            return course, 1
    return course, 0


def reopen_waiting_list(ports: Ports, previous: Course, course: Course, now: datetime) -> int:
    """After a save that moved ``course``'s dates while its applications are open: everyone
    told their wait (or review) had ended at an earlier closing (the old dates', passed or not:
    a run of the schedule may be ahead of the clock) is no longer marked told, is told once
    that it waits again, and is told again at the new closing
    (``domain.offer_ends.wait_reopened``); everyone whose list was open again is told the
    closing that holds from what their last news said (``domain.offer_ends.closing_retold``:
    a reopen queued for a closing moved since, or a closing earlier than their last news
    named). How many were told."""
    if previous.applications_close_at() == course.applications_close_at():
        return 0
    return reopen_told(ports, course, now)


def reopen_told(ports: Ports, course: Course, now: datetime) -> int:
    """The save's telling (:func:`reopen_waiting_list`), done again too in the sweep's runs
    that follow it (``services.dates_followed``: the save's list, a by-course query, may miss a
    mark written a moment before); none while ``course``'s applications are closed, nobody
    told twice. How many were told."""
    if waiting_list_closed(course, now):
        return 0
    return _each_told(ports, course, now, _reopen_one)


def _told_of_the_closing(
    ports: Ports, application: Application, course: Course, now: datetime
) -> Application | None:
    """``application`` told of ``course``'s closing now, or None (nothing to tell)."""
    reopened = wait_reopened(application, course, now)
    if reopened is not None or not may_be_retold(application):
        return reopened
    return closing_retold(application, course, now, closing_said_to(ports, application))


def _reopen_one(
    ports: Ports, course: Course, application: Application, now: datetime
) -> tuple[Course, int]:
    """``application`` told of ``course``'s closing, in a write that holds only while the
    course is at the version it was decided from (a slower save's loop must not
    tell a closing a newer save replaced); decided again from a fresh read after a lost race
    (the course read again when a save of it won). The course as the rest is decided from,
    and 1 if told."""
    current: Application | None = application
    for _ in range(MAX_ATTEMPTS):
        told = None if current is None else _told_of_the_closing(ports, current, course, now)
        if current is None or told is None:
            return course, 0  # gone, or nothing (left) to tell
        try:
            ports.repository.save(told, current, course_at=course.version)
            return course, 1
        except StaleWrite:
            fresh = ports.repository.get_course(course.course_id)
            if fresh is None:
                return course, 0
            course = fresh
            current = ports.repository.get_application(application.application_id)
    return course, 0
