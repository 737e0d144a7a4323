"""A payer's bank disputing a group booking's payment (a manager's card checkout or the
employer's invoice for several places): recorded on the group that recorded the payment,
counted in its money as Stripe's balance counts it, and told to the course's facilitators
once per dispute (``domain.disputes``), as one person's is (``services.disputes``).

Loaded by the first dispute of a payment no application recorded, never at the webhook's
init (its cold start: it loads the groups' models). The group is found by the index its
payment's save wrote (``group_of_object``), never by the charge's metadata; the dispute is
read back at Stripe before it is believed. The places are not taken away: a dispute may be
won, and the organisers decide.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.disputes import DISPUTE_COPY, DisputeEvent
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.groups import GroupBooking
from booking.services.disputes import dispute_applied
from booking.services.event_outcome import EventOutcome
from booking.services.groups import find_group
from booking.services.ports import Ports

logger = Logger(child=True)


def group_dispute_event(ports: Ports, event: DisputeEvent) -> EventOutcome | None:
    """Record ``event``'s dispute on the group that recorded its payment (None: no group
    did)."""
    group_id = ports.groups.group_of_object(event.payment_intent)
    if group_id is None:
        return None
    return dispute_applied(
        ports,
        find_group(ports, group_id),
        event,
        whose={"group_id": group_id},
        read=lambda: find_group(ports, group_id),
        save=ports.groups.save_group,
        told=organisers_told,
        said="dispute of a group's payment recorded",
        log=logger,
    )


def organisers_told(group: GroupBooking, dispute_id: str) -> EmailJob:
    """The facilitators' message about the dispute of the group's payment: one per dispute,
    keyed by its id."""
    return EmailJob.about(
        EmailKind.GROUP_DISPUTED,
        group.group_id,
        group.course_id,
        occasion=f"{DISPUTE_COPY}-{dispute_id}",
    )
