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

from booking.domain.disputes import DISPUTE_COPY, DisputeEvent, with_dispute
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.groups import GroupBooking
from booking.services.concurrency import busy_for_stripe, retried
from booking.services.disputes import DISPUTE_KNOWN, DISPUTE_UNKNOWN_AT_STRIPE, as_stripe_holds
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
    first = find_group(ports, group_id)
    if with_dispute(first.disputes, event)[0] == first.disputes:
        # Nothing new (a redelivery, an earlier event come late): nothing read, nothing written.
        return EventOutcome("ignore", DISPUTE_KNOWN, None, first.status.value)
    held = as_stripe_holds(ports, event, group_id=group_id)
    if held is None:
        return EventOutcome("ignore", DISPUTE_UNKNOWN_AT_STRIPE, None, first.status.value)

    def step(current: GroupBooking) -> EventOutcome:
        disputes, first_heard = with_dispute(current.disputes, held)
        if disputes == current.disputes:
            return EventOutcome("ignore", DISPUTE_KNOWN, None, current.status.value)
        new = current.model_copy(update={"disputes": disputes}).with_event(held.event_id)
        if first_heard:
            new = new.with_emails(organisers_told(current, held.dispute_id))
        saved = ports.groups.save_group(new, current)
        logger.info(
            "dispute of a group's payment recorded",
            extra={
                "group_id": group_id,
                "dispute_id": held.dispute_id,
                "dispute_status": held.status,
            },
        )
        return EventOutcome("dispute_recorded", held.status, None, saved.status.value)

    return retried(
        step, lambda: find_group(ports, group_id), first=first, exhausted=busy_for_stripe
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
