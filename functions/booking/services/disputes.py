"""A payer's bank disputing a payment (``charge.dispute.*``): recorded on the booking that
recorded the payment, counted in its money as Stripe's balance counts it, and told to the
organisers once per dispute (``domain.disputes``).

A dispute is believed only for the application that recorded its payment intent (the index
the save that first recorded the payment wrote): the metadata of the charge is never read. A
dispute of a payment no application recorded (another integration on the account, a group's:
not yet handled) is acknowledged and changes nothing. The place is not taken away: the
organisers decide (respond on Stripe's dashboard, or cancel in the console).
"""

from __future__ import annotations

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.disputes import DISPUTE_COPY, PAYMENT_DISPUTED, DisputeEvent, with_dispute
from booking.domain.emails import EmailJob, EmailKind
from booking.services.concurrency import busy_for_stripe, load_application, retried
from booking.services.payments import EventOutcome
from booking.services.ports import Ports

logger = Logger(child=True)


def apply_dispute_event(ports: Ports, event: DisputeEvent) -> EventOutcome:
    """Record ``event``'s dispute on the application that recorded its payment."""
    first = ports.repository.application_for_payment(event.payment_intent)
    if first is None:
        logger.warning(
            "dispute of a payment no application recorded",
            extra={"dispute_id": event.dispute_id, "payment_intent": event.payment_intent},
        )
        return EventOutcome("ignore", "payment of no known application")
    application_id = first.application_id

    def step(current: Application) -> EventOutcome:
        disputes, first_heard = with_dispute(current.disputes, event)
        if disputes == current.disputes:
            return EventOutcome(
                "ignore", "dispute known already", application_id, current.status.value
            )
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
