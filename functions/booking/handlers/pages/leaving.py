"""The question before leaving the waiting list: what leaving does, a button
that does it, and a way back that changes nothing. Asked again after leaving, it says so."""

from __future__ import annotations

from booking.domain.application import ApplicationStatus
from booking.domain.wording import course_name
from booking.handlers.pages.templates import environment
from booking.services.waiting_list_leaving import LeaveAsked


def leaving_page(asked: LeaveAsked, *, leave_action: str, status_url: str) -> str:
    definition = asked.course.definition
    return (
        environment()
        .get_template("pages/leaving.html")
        .render(
            course_title=course_name(
                definition.title, asked.course.first_start(), definition.timezone
            ),
            organisation=definition.organisation or "",
            offered=asked.application.status is ApplicationStatus.OFFERED,
            left=asked.left,
            leave_action=leave_action,
            status_url=status_url,
        )
    )
