"""The rest of a booking's life: approval, the waiting list, lapsed holds, cancellation, refunds.

Every seat that comes free (an expiry, a cancellation, a refund, a lapsed offer) goes to the
first person on the waiting list, and the scheduled sweep repeats that check, so a crash between
releasing a seat and offering it delays the offer by one sweep at most, never loses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from booking.domain.application import (
    ON_THE_WAY,
    Application,
    ApplicationStatus,
    OptionalLongText,
    PaymentRecord,
)
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import Conflict, CourseFull, DependencyUnavailable, NotFound, StaleWrite
from booking.domain.payments import RefundEvent, after_refund
from booking.domain.validation import parse_value
from booking.domain.wording import status_named
from booking.services.concurrency import (
    MAX_ATTEMPTS,
    busy_for_stripe,
    concurrent_update,
    load_application,
    retried,
)
from booking.services.invoicing import release_lapsed_invoice, void_quietly
from booking.services.outbox import relay_pending_emails
from booking.services.payments import EventOutcome, released_hold
from booking.services.ports import Anomaly, Ports
from booking.services.waitlist import offer, offer_free_places, waitlist

logger = Logger(child=True)
S = ApplicationStatus
_load = load_application
# How long a refund may wait for its payment to be recorded (Stripe reorders events by seconds
# or minutes; it retries a 5xx for three days). After this the refund is kept as an anomaly.
REDELIVERY_BOUND = timedelta(hours=2)


# -- approval -----------------------------------------------------------------------------


def approve(ports: Ports, application_id: str) -> Application:
    """Offer the place (seat held for the course's offer period) or, if full, a waiting place."""

    def attempt() -> Application:
        application = _load(ports, application_id)
        if application.status is not S.PENDING_REVIEW:
            raise Conflict(
                f"only applications awaiting review can be approved; this one is "
                f"{status_named(application.status)}",
                code="not_pending_review",
            )
        course = ports.repository.get_course(application.course_id)
        if course is None:
            raise NotFound("the course of this application no longer exists")
        now = ports.clock()
        if course.seat_free_for_newcomer:
            try:
                return ports.repository.save(
                    offer(application, course.definition.offer_valid_hours, now, reason="approved"),
                    application,
                )
            except CourseFull as exc:
                # The last place went meanwhile: decide again, now for the waiting list.
                raise StaleWrite("course filled meanwhile") from exc
        return ports.repository.save(waitlist(application, now), application)

    return retried(attempt)


def decline(ports: Ports, application_id: str, message: object = None) -> Application:
    """Decline an application; ``message`` (else the course's decline message) is emailed."""
    # A message to the applicant is free text like an answer: as long, as plain.
    note = parse_value(OptionalLongText, message or "", "message", "the message needs attention")
    application = _load(ports, application_id)
    if application.status is S.DECLINED:
        return application
    if application.status is not S.PENDING_REVIEW:
        raise Conflict(
            f"only applications awaiting review can be declined; this one is "
            f"{status_named(application.status)}",
            code="not_pending_review",
        )
    declined = application.moved_to(
        S.DECLINED, ports.clock(), decline_note=note or None
    ).with_emails(
        EmailJob.about(EmailKind.DECLINED, application.application_id, application.course_id)
    )
    try:
        return ports.repository.save(declined, application)
    except StaleWrite as exc:
        raise concurrent_update() from exc


# -- cancellation --------------------------------------------------------------------------


CANCELLABLE = ON_THE_WAY | {S.CONFIRMED}


def cancel(ports: Ports, application_id: str, *, refund: bool) -> Application:
    """Cancel a booking or an application.

    With ``refund``, the money goes back first (Stripe, idempotent per application), then the
    cancellation is recorded: a crash in between leaves a refunded payment whose webhook ends
    the booking ``refunded`` anyway, never a cancelled booking whose money was kept. An open
    checkout is detached in the same write and only then expired at Stripe, so its expiry
    changes nothing and a payment racing the cancellation is refunded by the webhook.
    """
    application = _load(ports, application_id)
    if application.status not in CANCELLABLE | {S.CANCELLED}:
        raise Conflict(
            f"an application that is {status_named(application.status)} cannot be cancelled",
            code="not_cancellable",
        )
    owed = application.amount_paid - application.amount_refunded
    refunding = bool(refund and application.payment_intent and owed > 0)
    if refunding and application.payment_intent:
        ports.payments.refund(
            application.payment_intent,
            amount=None,
            idempotency_key=f"cancel-{application.application_id}",
        )
        application = _load(ports, application_id)  # the refund webhook may have landed
    held_seat = application.seat_held
    open_checkout = application.checkout if application.seat_held else None
    open_invoice = application.invoice if application.has_open_invoice() else None
    first_read = [application]

    def record() -> Application:
        current = first_read.pop() if first_read else _load(ports, application_id)
        if current.status in (S.CANCELLED, S.REFUNDED):
            return current
        if current.status not in CANCELLABLE:
            raise Conflict(
                f"an application that is {status_named(current.status)} cannot be cancelled",
                code="not_cancellable",
            )
        cancelled = current.moved_to(
            S.CANCELLED,
            ports.clock(),
            seat_held=False,
            hold_expires_at=None,
            checkout=None,
            payment_pending=False,
            # Only a refund that was asked of Stripe is promised to the applicant.
            status_reason="refund_requested" if refunding else None,
        ).with_emails(
            EmailJob.about(EmailKind.CANCELLED, current.application_id, current.course_id)
        )
        return ports.repository.save(cancelled, current)

    application = retried(record)
    if open_invoice is not None:
        # Recorded first, so Stripe's invoice.voided finds the booking cancelled already.
        void_quietly(ports, open_invoice.invoice_id)
    if open_checkout is not None and open_checkout.expires_at > ports.clock():
        try:
            ports.payments.expire_checkout(open_checkout.session_id)
        except (DependencyUnavailable, Conflict):
            # Detached already: if it is paid after all, the webhook refunds the payment.
            logger.warning(
                "checkout of a cancelled application left to expire",
                extra={"application_id": application_id},
            )
    if held_seat:
        offer_free_places(ports, application.course_id)
    return application


# -- refunds reported by Stripe ------------------------------------------------------------


def apply_refund_event(ports: Ports, event: RefundEvent) -> EventOutcome:
    """Record a refund Stripe reports (``domain.payments.after_refund`` decides what it means)."""

    def attempt() -> EventOutcome:
        application = ports.repository.application_for_payment(event.payment_intent)
        if application is None:
            owner = ports.payments.application_of_payment(event.payment_intent)
            if not owner:
                return EventOutcome("ignore", "payment of no known application")
            now = ports.clock()
            if event.created is None or now - event.created < REDELIVERY_BOUND:
                # Ours, but its payment event has not been applied yet (Stripe reorders):
                # answer 5xx so Stripe redelivers this refund after the payment.
                raise DependencyUnavailable(
                    "this payment is not recorded yet; retry later", code="payment_not_yet_recorded"
                )
            return _refund_before_payment(ports, event, owner, now)
        if event.event_id in application.recent_event_ids:
            return EventOutcome(
                "ignore",
                "event already applied",
                application.application_id,
                application.status.value,
            )
        outcome = after_refund(application, event, ports.clock())
        saved = ports.repository.save(outcome.application, application)
        if application.seat_held and not saved.seat_held:
            offer_free_places(ports, saved.course_id)
        return EventOutcome(
            "refund_recorded",
            "full" if outcome.full else "partial",
            saved.application_id,
            saved.status.value,
        )

    return retried(attempt, exhausted=busy_for_stripe)


def _refund_before_payment(
    ports: Ports, event: RefundEvent, owner: str, now: datetime
) -> EventOutcome:
    """Long past any reordering, the payment of this refund was never recorded. Stop asking
    Stripe for three more days of redeliveries: record the payment as refunded on its
    application (so its late payment event, if it ever comes, is ignored rather than confirming
    a booking whose money went back), keep an anomaly for the organisers, and alert."""
    logger.error(
        "payment anomaly",
        extra={"anomaly": "refund_of_unrecorded_payment", "event_id": event.event_id},
    )
    ports.repository.record_anomaly(
        Anomaly(
            event_id=event.event_id,
            kind="refund_of_unrecorded_payment",
            at=now,
            details={"application_id": owner, "payment_intent": event.payment_intent},
        )
    )
    refunded = max(event.charge_amount_refunded or 0, event.refund_amount)
    record = PaymentRecord(
        payment_intent=event.payment_intent,
        session_id="",
        amount=refunded,
        currency=event.currency,
        kept=False,
        reason="refunded_before_recorded",
    )

    def attempt() -> EventOutcome:
        application = ports.repository.get_application(owner)
        if application is None:
            return EventOutcome("anomaly_recorded", "refund of an unknown payment")
        if application.payment(event.payment_intent) is not None:
            return EventOutcome("anomaly_recorded", "already recorded", owner)
        noted = application.with_payment(record).with_event(event.event_id)
        saved = ports.repository.save(noted.model_copy(update={"updated_at": now}), application)
        return EventOutcome("anomaly_recorded", "refund before payment", owner, saved.status.value)

    return retried(attempt, exhausted=busy_for_stripe)


# -- the scheduled sweep -------------------------------------------------------------------


@dataclass
class SweepSummary:
    holds_released: int = 0
    emails_relayed: int = 0
    offers_made: int = 0
    skipped: list[str] = field(default_factory=list)


def sweep(ports: Ports, now: datetime) -> SweepSummary:
    """Release holds whose time is up (in case Stripe's expiry event was lost), queue emails
    the stream could not relay, and offer free seats to waiting lists, all as of ``now``
    (the run's time: the offers' deadlines and the emails about them included)."""
    ports = ports.at(now)
    summary = SweepSummary()
    touched: set[str] = set()
    for application in ports.repository.applications_due(now):
        lapses = application.hold_lapses_at()
        if lapses is not None and lapses <= now:
            try:
                if _release_lapsed(ports, application, now):
                    summary.holds_released += 1
                    touched.add(application.course_id)
            except (DependencyUnavailable, Conflict) as exc:
                summary.skipped.append(f"{application.application_id}: {exc.code}")
    summary.emails_relayed = relay_pending_emails(ports, now)
    for course in ports.repository.list_courses():
        if course.course_id in touched or (course.waiting and course.places_left):
            summary.offers_made += len(offer_free_places(ports, course.course_id))
    return summary


def _release_lapsed(ports: Ports, application: Application, now: datetime) -> bool:
    """Release one lapsed hold. Returns True when this run released it."""
    if application.status is S.AWAITING_INVOICE_PAYMENT:
        return release_lapsed_invoice(ports, application.application_id, now)
    expired_at_stripe: set[str] = set()
    for _ in range(MAX_ATTEMPTS):
        current = ports.repository.get_application(application.application_id)
        lapses_at = current.hold_lapses_at() if current is not None else None
        if current is None or lapses_at is None or lapses_at > now:
            # Confirmed or renewed meanwhile; or released by the expiry webhook that this
            # run's expiry call set off, which counts as this run's release.
            return bool(expired_at_stripe) and current is not None and not current.seat_held
        session = current.checkout.session_id if current.checkout else None
        if session is not None and session not in expired_at_stripe:
            # Expire the session the application holds now (not the one the index showed):
            # if it was paid meanwhile, the payment webhook decides.
            try:
                if ports.payments.expire_checkout(session) == "complete":
                    return False
            except Conflict:
                pass  # Stripe cannot find or expire it: it cannot be paid either
            expired_at_stripe.add(session)
            continue  # the expiry webhook may have released it already: read again
        reason = "offer_lapsed" if current.status is S.OFFERED else "expired"
        occasion = session or f"hold{current.version}"
        try:
            ports.repository.save(released_hold(current, now, reason, occasion), current)
            return True
        except StaleWrite:
            continue
    return False
