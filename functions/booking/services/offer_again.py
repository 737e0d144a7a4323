"""*Send the offer again* ("I never got the email" about a place offered): the
offer's email once more, to the person whose place is offered and still held, with the same
time to pay by (the email says the held place's end as stored; nothing about the offer changes).

Once per press: the console's button carries a press its page issued (``CookieSigner.press``,
as *Send the invitation again* does); the email's job is named by it, so the same press posted
twice (a double click, a form resubmitted) queues one email, and the mailer's claim sends it
once."""

from __future__ import annotations

import re

from booking.domain.application import Application, ApplicationStatus
from booking.domain.commands import nobody_to_tell
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, InvalidInput
from booking.domain.offer_ends import may_offer
from booking.domain.timeline import EntryKind
from booking.services.acted import Acted
from booking.services.concurrency import load_application, retried
from booking.services.ports import Ports
from booking.services.reading import application_as_read

_PRESS = re.compile(r"[A-Za-z0-9_-]{8,64}")
_NOT_OFFERED = "only a place offered and still held has an offer to send again"
_CLOSED = (
    "applications for this course have closed, or close too soon for the place to be paid for, "
    "so the offer could not be taken: nothing was sent"
)


def send_offer_again(ports: Ports, application_id: str, press: str) -> Acted:
    """Queue the offer's email again for ``application_id``, once per ``press``. Refused in
    words (409) when no place is offered and held now (paid, turned down, lapsed: as every view
    reads it) or nothing can be sent to its person (erased)."""
    if not _PRESS.fullmatch(press):
        raise InvalidInput("Press the button on the page again.")
    first = load_application(ports, application_id)
    job = EmailJob.about(
        EmailKind.OFFER,
        application_id,
        first.course_id,
        occasion=f"offer-again-{press}",
        reason=_offer_reason(ports, first),
    )

    def write(current: Application) -> Acted:
        if any(j.job_id == job.job_id for j in current.outbox):
            return Acted(current, changed=False)  # this press was written already
        now = ports.clock()
        course = ports.repository.get_course(current.course_id)
        if application_as_read(current, course, now).status is not ApplicationStatus.OFFERED:
            raise Conflict(_NOT_OFFERED, code="not_offered")
        if course is not None and not may_offer(course, now):
            # The rule an approval's offer keeps: an offer nobody could take
            # (applications closed since, or closing too soon to pay) is not sent again.
            raise Conflict(_CLOSED, code="course_closed")
        if (refused := nobody_to_tell(current)) is not None:
            raise Conflict(refused.message, code=refused.code)
        again = current.model_copy(update={"updated_at": now}).with_emails(job)
        return Acted(ports.repository.save(again, current), changed=True)

    return retried(write, lambda: load_application(ports, application_id), first=first)


def _offer_reason(ports: Ports, application: Application) -> str:
    """Why the place was offered, as the last offer's email said it (approved, or a place
    freed for the next on the waiting list), so the email sent again says the same."""
    _, timeline = ports.repository.application_with_timeline(application.application_id)
    offers = [e for e in timeline if e.kind is EntryKind.EMAIL and e.email is EmailKind.OFFER]
    if offers and offers[-1].reason:
        return offers[-1].reason
    return "place_freed" if application.waitlisted_at is not None else "approved"
