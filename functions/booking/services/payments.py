"""Apply a Stripe Checkout event to the application it concerns.

Re-read, decide (pure), write conditionally, retry on a concurrent write. The decision depends
only on the application's current state, so duplicates, reordering and concurrent deliveries of
the same event all converge on one outcome, and each outcome's emails are decided exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.application import Application, ApplicationStatus
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, CourseFull
from booking.domain.payments import Action, CheckoutEvent, Decision, decide, payment_record
from booking.services.concurrency import busy_for_stripe, retried
from booking.services.ports import Anomaly, Ports
from booking.services.waitlist import offer_free_places

logger = Logger(child=True)
S = ApplicationStatus


@dataclass(frozen=True)
class EventOutcome:
    action: str
    reason: str
    application_id: str | None = None
    status: str | None = None


def apply_checkout_event(ports: Ports, event: CheckoutEvent) -> EventOutcome:
    return apply_stripe_event(
        ports,
        "checkout",
        event.event_id,
        event.application_id,
        decide=lambda application: decide(application, event),
        apply=lambda application, decision: _apply(ports, application, event, decision),
    )


def apply_stripe_event(
    ports: Ports,
    what: str,
    event_id: str,
    application_id: str,
    *,
    decide: Callable[[Application], Decision],
    apply: Callable[[Application, Decision], Application],
) -> EventOutcome:
    """One Stripe event (a checkout's, an invoice's) applied to its application: the pure
    decision from the stored state, then its write; a seat it frees goes to the waiting list."""

    def attempt() -> EventOutcome:
        application = ports.repository.get_application(application_id)
        if application is None:
            return EventOutcome("ignore", "unknown application")
        decision = decide(application)
        if decision.action is Action.IGNORE:
            return outcome_of(decision, application)
        saved = apply(application, decision)
        if application.seat_held and not saved.seat_held:
            offer_free_places(ports, saved.course_id)
        logger.info(
            f"{what} event applied",
            extra={
                "event_id": event_id,
                "application_id": saved.application_id,
                "action": decision.action.value,
                "status": saved.status.value,
            },
        )
        return outcome_of(decision, saved)

    # Persistent contention: answer 5xx so Stripe redelivers later.
    return retried(attempt, exhausted=busy_for_stripe)


def _apply(
    ports: Ports, application: Application, event: CheckoutEvent, decision: Decision
) -> Application:
    now = ports.clock()
    app_id, course_id = application.application_id, application.course_id
    repo = ports.repository
    if decision.action in (Action.CONFIRM, Action.CONFIRM_IF_SEAT_FREE):
        confirmed = (
            application.moved_to(
                S.CONFIRMED,
                now,
                seat_held=True,
                hold_expires_at=None,
                payment_pending=False,
                payment_intent=event.payment_intent,
                amount_paid=event.amount_total,
                status_reason=None,
            )
            .with_event(event.event_id)
            .with_emails(
                EmailJob.about(EmailKind.BOOKING_CONFIRMED, app_id, course_id),
                # Facilitators of pay-now courses hear of an applicant once they have paid:
                # an abandoned checkout is not someone they will meet.
                EmailJob.about(EmailKind.FACILITATOR_COPY, app_id, course_id, occasion="booked"),
            )
        )
        if event.payment_intent:  # a fully discounted session takes no payment to record
            confirmed = confirmed.with_payment(payment_record(event, kept=True))
        excess = _paid_beyond_due(application, event)
        if excess and event.payment_intent:
            # A bursary granted while this checkout was open: nobody pays more than is due.
            # Stripe first, keyed by the session, so a retry is the same partial refund (its
            # events record it, and the booking stands).
            ports.payments.refund(
                event.payment_intent, amount=excess, idempotency_key=f"excess-{event.session_id}"
            )
        try:
            return repo.save(confirmed, application)
        except CourseFull:
            return _refund(ports, application, event, "course_full")
    if decision.action is Action.REFUND:
        return _refund(ports, application, event, decision.reason)
    if decision.action is Action.REFUND_UNMATCHED:
        return _refund_unmatched(ports, application, event, decision.reason)
    if decision.action is Action.KEEP_HOLD:
        pending = application.model_copy(
            update={"payment_pending": True, "updated_at": now}
        ).with_event(event.event_id)
        return repo.save(pending, application)
    if decision.action is Action.DETACH_CHECKOUT:
        detached = application.model_copy(
            update={"checkout": None, "payment_pending": False, "updated_at": now}
        ).with_event(event.event_id)
        return repo.save(detached, application)
    # RELEASE_HOLD: expired or failed checkout.
    released = released_hold(application, now, decision.reason, event.session_id)
    return repo.save(released.with_event(event.event_id), application)


def _paid_beyond_due(application: Application, event: CheckoutEvent) -> int:
    """What a payment brings beyond what the place now costs (a bursary given after the
    checkout asked for more); 0 when it is exactly what was asked."""
    if application.price is None or not application.bursary:
        return 0
    return max(event.amount_total - application.amount_due(application.price), 0)


def released_hold(
    application: Application, now: datetime, reason: str, occasion: str
) -> Application:
    """The application after its unpaid hold ends (checkout expired or failed, offer lapsed).

    One function for the webhook and the sweep, with the same email job id for the same
    checkout, so whichever notices first tells the applicant and the other changes nothing.
    """
    return application.moved_to(
        S.EXPIRED,
        now,
        seat_held=False,
        hold_expires_at=None,
        payment_pending=False,
        status_reason=reason,
    ).with_emails(
        EmailJob.about(
            EmailKind.CHECKOUT_EXPIRED,
            application.application_id,
            application.course_id,
            occasion=occasion,
            reason=reason,
        )
    )


def _refund(
    ports: Ports, application: Application, event: CheckoutEvent, reason: str
) -> Application:
    """Give back a payment the system cannot honour. Stripe first (idempotent per session),
    then the record: a crash in between repeats the same refund call, never a second refund."""
    _give_back(ports, event)
    app_id, course_id = application.application_id, application.course_id
    email = EmailJob.about(
        EmailKind.PAYMENT_REFUNDED, app_id, course_id, occasion=event.session_id, reason=reason
    )
    if not event.payment_intent:
        # A fully discounted session that found the course full: no money to give back, so
        # the place simply is not confirmed (the applicant is told).
        email = email.model_copy(update={"reason": "course_full_no_payment"})
    given_back = application
    if event.payment_intent:
        given_back = application.with_payment(payment_record(event, kept=False, reason=reason))
    if application.status in (S.CONFIRMED, S.REFUNDED):
        # A second payment on a settled application: its state stands, the extra money goes back.
        kept = (
            given_back.model_copy(update={"updated_at": ports.clock()})
            .with_event(event.event_id)
            .with_emails(email)
        )
        return ports.repository.save(kept, application)
    refunded = (
        given_back.moved_to(
            S.REFUNDED,
            ports.clock(),
            seat_held=False,
            hold_expires_at=None,
            payment_pending=False,
            payment_intent=event.payment_intent,
            amount_paid=event.amount_total,
            amount_refunded=event.amount_total,
            status_reason=reason,
        )
        .with_event(event.event_id)
        .with_emails(email)
    )
    return ports.repository.save(refunded, application)


def _refund_unmatched(
    ports: Ports, application: Application, event: CheckoutEvent, reason: str
) -> Application:
    """A payment that is not what was asked of Stripe for this application: it never confirms.

    It is refunded (Stripe first, idempotent per session), recorded on the application so its
    refund events are acknowledged, and reported at ERROR for the organisers' alarm; the
    application itself stays as it was, so its own checkout can still be paid.
    """
    logger.error(
        "payment anomaly",
        extra={
            "anomaly": reason,
            "event_id": event.event_id,
            "application_id": application.application_id,
            "session_id": event.session_id,
            "payment_intent": event.payment_intent,
            "amount": event.amount_total,
            "currency": event.currency,
        },
    )
    ports.repository.record_anomaly(
        Anomaly(
            event_id=event.event_id,
            kind=reason,
            at=ports.clock(),
            details={
                "application_id": application.application_id,
                "session_id": event.session_id,
                "payment_intent": event.payment_intent or "",
                "amount": str(event.amount_total),
                "currency": event.currency,
            },
        )
    )
    if not event.payment_intent:
        # Nothing to give back and nothing to record: Stripe reported no payment at all.
        return ports.repository.save(application.with_event(event.event_id), application)
    _give_back(ports, event)
    noted = (
        application.model_copy(update={"updated_at": ports.clock()})
        .with_payment(payment_record(event, kept=False, reason=reason))
        .with_event(event.event_id)
    )
    return ports.repository.save(noted, application)


def outcome_of(decision: Decision, application: Application) -> EventOutcome:
    return EventOutcome(
        decision.action.value, decision.reason, application.application_id, application.status.value
    )


def _give_back(ports: Ports, event: CheckoutEvent) -> None:
    """Refund the payment an event reports (idempotent per session). When Stripe refuses (no
    such payment, or nothing left to refund) there is nothing to give back: the event is still
    recorded, so it is acknowledged instead of failing on every redelivery."""
    if not event.payment_intent:
        return
    try:
        ports.payments.refund(
            event.payment_intent, amount=None, idempotency_key=f"refund-{event.session_id}"
        )
    except Conflict as refused:
        logger.warning(
            "refund refused by the payment provider",
            extra={"event_id": event.event_id, "code": refused.code},
        )
