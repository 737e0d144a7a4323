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

from collections.abc import Callable
from dataclasses import replace
from enum import StrEnum
from typing import Protocol, TypeVar

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.disputes import (
    DISPUTE_COPY,
    PAYMENT_DISPUTED,
    Disputed,
    DisputeEvent,
    dispute_recorded,
    with_dispute,
)
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, DependencyUnavailable, UnknownToProvider
from booking.services.believed import refused
from booking.services.concurrency import busy_for_stripe, load_application, retried
from booking.services.event_outcome import EventOutcome
from booking.services.ports import Ports

logger = Logger(child=True)
DISPUTE_UNKNOWN_AT_STRIPE = "dispute_unknown_at_stripe"
KNOWN = "dispute known already"


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
    return dispute_applied(
        ports,
        first,
        event,
        whose={"application_id": application_id},
        read=lambda: load_application(ports, application_id),
        save=ports.repository.save,
        told=_organisers_told,
        said="dispute recorded",
        log=logger,
    )


class _Recorded(Disputed, Protocol):
    """A record a payment's dispute is recorded on, with the status its answer names."""

    @property
    def status(self) -> StrEnum: ...


R = TypeVar("R", bound=_Recorded)


def dispute_applied(
    ports: Ports,
    first: R,
    event: DisputeEvent,
    *,
    whose: dict[str, str],
    read: Callable[[], R],
    save: Callable[[R, R], R],
    told: Callable[[R, str], EmailJob],
    said: str,
    log: Logger,
) -> EventOutcome:
    """``event``'s dispute recorded on ``first``, the application or group that recorded its
    payment (``whose``: its id, as logged; ``read`` again and ``save``d as its store does),
    as Stripe holds it, the organisers ``told`` the first time it is heard of, ``said`` in
    ``log``. Nothing new (a redelivery, an earlier event come late): nothing read at Stripe,
    nothing written."""
    application_id = whose.get("application_id")
    if with_dispute(first.disputes, event)[0] == first.disputes:
        return EventOutcome("ignore", KNOWN, application_id, first.status.value)
    held = as_stripe_holds(ports, event, **whose)
    if held is None:
        return EventOutcome("ignore", DISPUTE_UNKNOWN_AT_STRIPE, application_id, first.status.value)

    def step(current: R) -> EventOutcome:
        new = dispute_recorded(current, held, told)
        if new is None:
            return EventOutcome("ignore", KNOWN, application_id, current.status.value)
        saved = save(new, current)
        whose_dispute = {**whose, "dispute_id": held.dispute_id, "dispute_status": held.status}
        log.info(said, extra=whose_dispute)
        return EventOutcome("dispute_recorded", held.status, application_id, saved.status.value)

    return retried(step, read, first=first, exhausted=busy_for_stripe)


def _organisers_told(application: Application, dispute_id: str) -> EmailJob:
    """The facilitators' message about the dispute: one per dispute, keyed by its id (and one
    more once the bank's inquiry became a chargeback: ``domain.disputes.dispute_recorded``)."""
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
