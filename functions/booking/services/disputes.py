"""A payer's bank disputing a payment (``charge.dispute.*``): recorded on the booking that
recorded the payment, counted in its money as Stripe's balance counts it, and told to the
organisers once per dispute (``domain.disputes``).

A dispute is believed only for the application that recorded its payment intent (the index
the save that first recorded the payment wrote): the metadata of the charge is never read.
An event that would change what the booking recorded is read back at Stripe first (one read
of the dispute) and recorded as Stripe holds it, as a refund's is (``services.believed``). A
dispute of a group's payment is the group's (``services.group_disputes``); one of a payment
nobody recorded (another integration on the account) is acknowledged and changes nothing.
The place is not taken away: the organisers decide (respond on Stripe's dashboard, or
cancel in the console).
"""

from __future__ import annotations

from dataclasses import replace

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.disputes import DISPUTE_COPY, PAYMENT_DISPUTED, DisputeEvent, with_dispute
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, DependencyUnavailable, UnknownToProvider
from booking.services.believed import refused
from booking.services.concurrency import busy_for_stripe, load_application, retried
from booking.services.event_outcome import EventOutcome
from booking.services.ports import Ports

logger = Logger(child=True)
DISPUTE_UNKNOWN_AT_STRIPE = "dispute_unknown_at_stripe"
# A redelivered event, or an earlier one come late: nothing new to record (a person's or a
# group's dispute alike).
DISPUTE_KNOWN = "dispute known already"


def apply_dispute_event(ports: Ports, event: DisputeEvent) -> EventOutcome:
    """Record ``event``'s dispute on the application that recorded its payment."""
    first = ports.repository.application_for_payment(event.payment_intent)
    if first is None:
        # A group's payment (a manager's checkout, or the employer's invoice for its places)?
        # Its own module, loaded by the first such event (it loads the groups' models).
        from booking.services.group_disputes import group_dispute_event

        groups = group_dispute_event(ports, event)
        if groups is not None:
            return groups
        logger.warning(
            "dispute of a payment no application recorded",
            extra={"dispute_id": event.dispute_id, "payment_intent": event.payment_intent},
        )
        return EventOutcome("ignore", "payment of no known application")
    application_id = first.application_id
    if with_dispute(first.disputes, event)[0] == first.disputes:
        # Nothing new (a redelivery, an earlier event come late): nothing read, nothing written.
        return EventOutcome("ignore", DISPUTE_KNOWN, application_id, first.status.value)
    held = as_stripe_holds(ports, event, application_id=application_id)
    if held is None:
        return EventOutcome("ignore", DISPUTE_UNKNOWN_AT_STRIPE, application_id, first.status.value)
    event = held

    def step(current: Application) -> EventOutcome:
        disputes, first_heard = with_dispute(current.disputes, event)
        if disputes == current.disputes:
            return EventOutcome("ignore", DISPUTE_KNOWN, application_id, current.status.value)
        new = current.model_copy(update={"disputes": disputes}).with_event(event.event_id)
        if first_heard:
            new = new.with_emails(_organisers_told(current, event.dispute_id))
        saved = ports.repository.save(new, current)
        logger.info(
            "dispute recorded",
            extra={
                "application_id": application_id,
                "dispute_id": event.dispute_id,
                "dispute_status": event.status,
            },
        )
        return EventOutcome("dispute_recorded", event.status, application_id, saved.status.value)

    return retried(
        step,
        lambda: load_application(ports, application_id),
        first=first,
        exhausted=busy_for_stripe,
    )


def _organisers_told(application: Application, dispute_id: str) -> EmailJob:
    """The facilitators' message about the dispute: one per dispute, keyed by its id."""
    return EmailJob.about(
        EmailKind.FACILITATOR_COPY,
        application.application_id,
        application.course_id,
        occasion=f"{DISPUTE_COPY}-{dispute_id}",
        reason=PAYMENT_DISPUTED,
    )


def as_stripe_holds(
    ports: Ports,
    event: DisputeEvent,
    *,
    application_id: str | None = None,
    group_id: str | None = None,
) -> DisputeEvent | None:
    """``event``'s dispute as Stripe holds it (one read of the dispute, its second client), so
    a signed event's word (its status, what was withdrawn) is recorded only as Stripe's own.
    None: Stripe holds no such dispute of that payment, which is refused (logged at ERROR,
    answered 200, nothing written): a real dispute is never unknown to Stripe. Stripe
    unreachable: DependencyUnavailable (503: Stripe delivers the event again)."""
    try:
        held = ports.payments.dispute_at_stripe(event.dispute_id)
    except UnknownToProvider:
        held = None
    except Conflict as exc:
        raise DependencyUnavailable(
            "the payment provider would not say what it holds of the dispute",
            code="payment_provider_unavailable",
        ) from exc
    if held is None or held.payment_intent != event.payment_intent:
        whose = {"application_id": application_id} if application_id else {"group_id": group_id}
        refused(event.event_id, DISPUTE_UNKNOWN_AT_STRIPE, dispute_id=event.dispute_id, **whose)
        return None
    return replace(held, event_id=event.event_id)
