"""The message a declined applicant is emailed (the console shows it before
sending): the organiser's own, else the course's decline message, else the standard one. One
rule for the email (``services.email_context``) and the console's page before the decline."""

from __future__ import annotations

STANDARD_DECLINE_MESSAGE = (
    "We are sorry that we are not able to offer you a place on this course. This is not a "
    "judgement of you or your work; places are limited and each cohort is planned carefully. "
    "We would be glad to hear from you for a future course."
)


def decline_message_chosen(note: str | None, course_message: str | None) -> str | None:
    """The message someone wrote for the decline email: ``note`` (the organiser's, typed with
    the decline), else ``course_message`` (the course's); None: neither, the standard words."""
    return note or course_message or None


def decline_message_sent(note: str | None, course_message: str | None) -> str:
    """What the decline email says to the applicant, in so many words."""
    return decline_message_chosen(note, course_message) or STANDARD_DECLINE_MESSAGE
