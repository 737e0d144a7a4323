"""The facilitators' message about a payer's bank disputing a group booking's payment
(``EmailKind.GROUP_DISPUTED``, queued once per dispute by ``services.group_disputes``): the
dispute as it stands when the message is composed, in words (``domain.disputes``), and where
the organisers see the group. It names the organisation the manager booked for, never a
person; sent once, leased on the group as it was read, as every group message is
(``services.group_emails``)."""

from __future__ import annotations

from datetime import datetime

from booking.domain.course import Course
from booking.domain.dispute_told import dispute_told_values
from booking.domain.emails import EmailJob, OutgoingEmail
from booking.domain.groups import GroupBooking, group_place_held
from booking.domain.wording import places_words
from booking.services.group_emails import GroupEmailOutcome, send_once
from booking.services.groups import course_said, group_message
from booking.services.ports import Ports
from booking.services.suppression import still_mailed


def tell_group_dispute(ports: Ports, job: EmailJob, now: datetime) -> GroupEmailOutcome:
    """Send the facilitators' message about the group's disputed payment (once)."""
    for _ in range(_READS):
        group = ports.groups.get_group(job.application_id)
        course = ports.repository.get_course(job.course_id) if group else None
        if group is None or course is None:
            return GroupEmailOutcome.SKIPPED_GONE
        message = _message(ports, job, group, course)
        if not isinstance(message, OutgoingEmail):
            return message
        sent = send_once(ports, job, group, message, now)
        if sent is not None:
            return sent
    return GroupEmailOutcome.IN_FLIGHT


def _message(
    ports: Ports, job: EmailJob, group: GroupBooking, course: Course
) -> OutgoingEmail | GroupEmailOutcome:
    """The message to the course's facilitators, as the dispute stands now; or why none is
    sent (the dispute no longer recorded, or nobody to send it to)."""
    definition = course.definition
    told = dispute_told_values(
        job.occasion,
        group.disputes,
        definition.timezone,
        group.payment_refunds,
        place=group_place_held(group),
        # Said of all the places the group keeps, as its own line on the group bookings page.
        many=group.places_kept > 1,
    )
    if not told["dispute_said"]:
        return GroupEmailOutcome.SKIPPED_GONE
    to = still_mailed(ports, definition.facilitator_addresses())
    if not to:
        return GroupEmailOutcome.SKIPPED_NO_RECIPIENT
    values = {
        "course": course_said(course),
        "reference": None,
        "booked_on": None,
        "group_organisation": group.organisation,
        "places": places_words(len(group.places)),
        **told,
        "console_url": f"{ports.public_base_url}/console/courses/{course.course_id}/group-bookings",
    }
    return group_message(course, to, ports.renderer.render(job.kind, values))


# How many times the group is read again when it changed before the send's lease was taken.
_READS = 3
