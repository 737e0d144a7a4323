"""Whom an email job goes to, by role (never by address): decided once, from the job itself,
recorded on the timeline when it is sent and said by the console's timeline (the
billing contact's cancellation read as a second email to the applicant)."""

from __future__ import annotations

from enum import StrEnum

from booking.domain.emails import EmailJob, EmailKind
from booking.domain.facilitators_told import TO_FACILITATORS
from booking.domain.payer import to_billing_contact_alone


class Recipient(StrEnum):
    APPLICANT = "applicant"
    BILLING_CONTACT = "billing_contact"
    FACILITATORS = "facilitators"
    MANAGER = "manager"  # the manager who booked a group's places
    COLLEAGUE = "colleague"  # a colleague named on a group's place


TO_THE_MANAGER = frozenset({EmailKind.GROUP_BOOKED, EmailKind.GROUP_CHANGED})
TO_THE_COLLEAGUE = frozenset({EmailKind.GROUP_PLACE_LINK, EmailKind.GROUP_PLACE_GIVEN_UP})


def recipient_of(job: EmailJob) -> Recipient:
    """The role ``job``'s message goes to: the billing contact's own message (beside the
    person's, or written to them alone), the facilitators' copies, a group's manager or
    colleague, else the applicant."""
    if job.kind in TO_FACILITATORS:
        return Recipient.FACILITATORS
    if to_billing_contact_alone(job):
        return Recipient.BILLING_CONTACT
    if job.kind in TO_THE_MANAGER:
        return Recipient.MANAGER
    if job.kind in TO_THE_COLLEAGUE:
        return Recipient.COLLEAGUE
    return Recipient.APPLICANT
