"""Stripe's events about money (a checkout's, an invoice's, a refund's), each applied to the
application that holds the object it is about, through the one path (``services.settle``).

A Stripe object is believed only for the application that recorded its id: a checkout session
or an invoice is looked up by its id (the save that recorded it indexed it), a refund by its
payment's. The metadata an event carries is a hint, never proof: when it names another
application, that one is left alone and the mismatch is kept as an anomaly (logged at ERROR,
alarmed); money that arrived for no application at all goes back to whoever paid it.

A group's money (``services.group_payments``) is imported by the first event that is a group's
or a refund: a booking's own checkout and invoice events never load it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from aws_lambda_powertools import Logger

from booking.domain.application import Application, PaymentRecord
from booking.domain.commands import NoteAnomaly, Refund
from booking.domain.errors import DependencyUnavailable
from booking.domain.invoices import InvoiceEvent, InvoiceEventKind
from booking.domain.paying import course_paid_for
from booking.domain.payments import (
    CheckoutEvent,
    CheckoutEventKind,
    RefundEvent,
    unmatched_refund_key,
)
from booking.domain.provider_objects import invoices_ever_issued
from booking.domain.settlement import MoneyFact
from booking.services.believed import (
    INVOICE_NOT_PAID_AT_STRIPE,
    REFUND_UNKNOWN_AT_STRIPE,
    REFUNDED_BEYOND_PAID,
    checkout_not_paid_with,
    paid_as_stripe_holds,
    payment_not_believed,
    refund_as_stripe_holds,
    refund_beyond_application,
    refund_news_for_application,
    refund_of_a_payment_stripe_never_held,
    refused,
)
from booking.services.checkout_acts import completed_on_expiry
from booking.services.concurrency import busy_for_stripe, retried
from booking.services.earlier_try_paid import act_completed_by_its_payment
from booking.services.event_outcome import EventOutcome, outcome_if_a_group
from booking.services.invoice_requests import INVOICE_BEING_PAID, overdue_while_paying
from booking.services.payment_recorders_port import PaymentRecorders
from booking.services.ports import InvoiceAtStripe, Ports
from booking.services.settle import note_anomaly, refund, settle_money

logger = Logger(child=True)
# How long a refund may wait for its payment to be recorded (Stripe reorders events by seconds
# or minutes; it retries a 5xx for three days). After this the refund is kept as an anomaly.
REDELIVERY_BOUND = timedelta(hours=2)


def apply_checkout_event(ports: Ports, event: CheckoutEvent) -> EventOutcome:
    # An application's own session first (most events): a group's is looked for only when no
    # application recorded the session, so a booking's payment reads no group index.
    owner = owner_of(
        ports,
        event.session_id,
        event.application_id,
        holds=lambda a: a.asked_in(event.session_id) is not None,
    )
    if owner is None:
        from booking.services.group_webhook_events import group_checkout_event

        for_group = outcome_if_a_group(group_checkout_event(ports, event))
        if for_group is not None:
            return for_group
        paid = event.kind is CheckoutEventKind.PAID
        paid_with = event.payment_intent if paid else None
        key = unmatched_refund_key(event.session_id, paid_with or "")
        return _for_nobody(
            ports, event.event_id, event.session_id, paid_with, key, made_by=event.session_id
        )
    done = completed_on_expiry(ports, owner, event)  # an act left half done (checkout_acts)
    if done is not None:
        return EventOutcome("act_completed", "expired for an act", owner.application_id, done)
    paid_with = event.payment_intent if event.kind is CheckoutEventKind.PAID else None
    return _settled(
        ports, owner, event, event.event_id, event.application_id, paid_with, event.session_id
    )


def apply_invoice_event(ports: Ports, event: InvoiceEvent) -> EventOutcome:
    held: InvoiceAtStripe | None = None
    if event.kind is InvoiceEventKind.PAID:
        event, held = paid_as_stripe_holds(ports, event)  # Stripe's word, not the event's
    current = event.invoice_id
    owner = owner_of(
        ports,
        current,
        event.application_id,
        holds=lambda a: current in invoices_ever_issued(a),
    )
    if event.kind is InvoiceEventKind.PAID and (held is None or not held.paid):
        return _invoice_not_paid(ports, event, owner, known_at_stripe=held is not None)
    owner = _its_act_completed(ports, event, owner)
    if (
        event.kind is InvoiceEventKind.OVERDUE
        and owner
        and overdue_while_paying(ports, owner, current)
    ):
        return EventOutcome("ignore", INVOICE_BEING_PAID, owner.application_id, owner.status.value)
    if owner is None:
        from booking.services.group_webhook_events import group_invoice_event

        for_group = outcome_if_a_group(group_invoice_event(ports, event))
        if for_group is not None:
            return for_group
        key = f"refund-{event.invoice_id}"
        return _for_nobody(ports, event.event_id, event.invoice_id, event.payment_intent, key)
    return _settled(ports, owner, event, event.event_id, event.application_id, event.payment_intent)


def _its_act_completed(
    ports: Ports, event: InvoiceEvent, owner: Application | None
) -> Application | None:
    """``owner`` once a paid invoice an act of theirs sent and never saved has completed that
    act (``services.earlier_try_paid``): the invoice is the booking's."""
    if event.kind is not InvoiceEventKind.PAID or owner is None:
        return owner
    return act_completed_by_its_payment(ports, owner, event.invoice_id)


def _invoice_not_paid(
    ports: Ports, event: InvoiceEvent, owner: Application | None, *, known_at_stripe: bool
) -> EventOutcome:
    """A signed ``invoice.paid`` for an invoice Stripe does not hold paid: it confirms nothing
    (``services.believed``). An invoice no booking recorded is nobody's business; one a booking
    recorded that Stripe holds open is refused (logged at ERROR, nothing written), and one
    Stripe does not hold at all is our misconfiguration, a 503 Stripe delivers again."""
    group_id = None if owner is not None else ports.groups.group_of_object(event.invoice_id)
    if owner is None and group_id is None:
        return EventOutcome("ignore", "not an object of any application")
    if not known_at_stripe:
        raise DependencyUnavailable(
            "the payment provider does not hold the invoice an event names",
            code="payment_provider_unavailable",
        )
    invoice = {"invoice_id": event.invoice_id}
    if owner is None:
        refused(event.event_id, INVOICE_NOT_PAID_AT_STRIPE, group_id=str(group_id), **invoice)
        return EventOutcome("ignore", INVOICE_NOT_PAID_AT_STRIPE)
    refused(
        event.event_id, INVOICE_NOT_PAID_AT_STRIPE, application_id=owner.application_id, **invoice
    )
    return EventOutcome(
        "ignore", INVOICE_NOT_PAID_AT_STRIPE, owner.application_id, owner.status.value
    )


def owner_of(
    ports: Ports, object_id: str, named: str, *, holds: Callable[[Application], bool]
) -> Application | None:
    """The application that recorded ``object_id`` (a session, an invoice). The one the event
    names is believed only if it holds the object itself (applications recorded before objects
    were indexed)."""
    owner_id = ports.repository.owner_of(object_id)
    if owner_id is not None:
        return ports.repository.get_application(owner_id)
    named_application = ports.repository.get_application(named) if named else None
    return named_application if named_application is not None and holds(named_application) else None


def _settled(
    ports: Ports,
    owner: Application,
    fact: MoneyFact,
    event_id: str,
    named: str,
    paid_with: str | None = None,
    made_by: str | None = None,
) -> EventOutcome:
    """``fact`` applied to ``owner``, the application that recorded the object it is about;
    the payment it reports (``paid_with``) only if no other booking recorded it and, first
    recorded now, Stripe's checkout session ``made_by`` made it (``services.believed``; None:
    read from Stripe's invoice already)."""
    recorders = _recorders(ports, owner, fact, paid_with)
    if recorders is not None and paid_with is not None:
        not_its_own = payment_not_believed(
            ports,
            paid_with,
            made_by=made_by,
            application_id=owner.application_id,
            recorders=recorders,
        )
        if not_its_own is not None:
            ids = {"application_id": owner.application_id, "payment_intent": paid_with}
            refused(event_id, not_its_own, **ids)
            return EventOutcome("ignore", not_its_own, owner.application_id, owner.status.value)
    if named != owner.application_id:
        # Signed by Stripe, but its metadata names someone else: nobody it names is touched.
        note_anomaly(
            ports,
            NoteAnomaly(
                event_id,
                "event_names_another_application",
                {"application_id": owner.application_id, "named_application_id": named},
            ),
        )
    settled = settle_money(
        ports,
        owner.application_id,
        fact,
        first=owner,
        exhausted=busy_for_stripe,
        course_now=recorders.course if recorders is not None else None,
    )
    saved = settled.saved
    return EventOutcome(
        settled.settlement.action,
        settled.settlement.reason,
        saved.application_id,
        saved.status.value,
    )


def _recorders(
    ports: Ports, owner: Application, fact: MoneyFact, paid_with: str | None
) -> PaymentRecorders | None:
    """Every record of the payment ``paid_with`` an event reports for ``owner``, read with the
    course a checkout's payment is for in the same round trip: whether it came after the
    course began (``domain.paying``), the start as it stands now (an organiser may have
    brought it forward while the checkout was open). None: no payment, or one the owner
    recorded already (weighed then: a redelivered event reads nothing more for it)."""
    if paid_with is None or paid_with == owner.payment_intent:
        return None
    course = course_paid_for(owner, fact) if isinstance(fact, CheckoutEvent) else None
    return ports.repository.recorders_of_payment(paid_with, course)


def _for_nobody(
    ports: Ports,
    event_id: str,
    object_id: str,
    payment_intent: str | None,
    key: str,
    *,
    made_by: str | None = None,
) -> EventOutcome:
    """An object no application recorded: money it brought goes back to whoever paid it (a
    payment some application recorded is that application's, whatever this event says).
    ``made_by``: the checkout session the event says was paid with it, which Stripe must say
    too before anything is given back (None: read from Stripe's invoice already)."""
    if payment_intent is None:
        return EventOutcome("ignore", "not an object of any application")
    details = {"object_id": object_id, "payment_intent": payment_intent}
    # Both records of the payment in one read (an application's, a group's).
    recorders = ports.repository.recorders_of_payment(payment_intent)
    if recorders.application_id is not None or recorders.group_id is not None:
        note_anomaly(ports, NoteAnomaly(event_id, "event_names_a_recorded_payment", details))
        return EventOutcome("ignore", "the payment belongs to the booking that recorded it")
    not_its_own = made_by and checkout_not_paid_with(ports, made_by, payment_intent, recorded=False)
    if not_its_own:  # a signed event's word alone gives back nobody's payment
        refused(event_id, not_its_own, object_id=object_id, payment_intent=payment_intent)
        return EventOutcome("ignore", not_its_own)
    # Remembered before the refund is asked for, so its events find it whenever they come.
    ports.repository.record_given_back_for_nobody(payment_intent)
    if refund(ports, Refund(payment_intent, None, key)) is None:
        ports.repository.forget_given_back_for_nobody(payment_intent)  # Stripe holds none
        return EventOutcome("ignore", "no such payment at Stripe")
    note_anomaly(ports, NoteAnomaly(event_id, "payment_for_no_application", details))
    return EventOutcome("refund_unmatched", "payment_for_no_application")


# -- refunds reported by Stripe ------------------------------------------------------------


def apply_refund_event(ports: Ports, event: RefundEvent) -> EventOutcome:
    """Record a refund Stripe reports, on the application whose payment it gives back."""
    from booking.services.group_payments import group_refund_event

    for_group = outcome_if_a_group(group_refund_event(ports, event))
    if for_group is not None:
        return for_group
    application = ports.repository.application_for_payment(event.payment_intent)
    if application is not None:
        return _applications_refund(ports, application, event)
    if ports.repository.given_back_for_nobody(event.payment_intent):
        return EventOutcome("ignore", "a refund of money for no booking, recorded when made")
    owner = ports.payments.application_of_payment(event.payment_intent)
    if not owner:
        return EventOutcome("ignore", "payment of no known application")
    now = ports.clock()
    if event.created is None or now - event.created < REDELIVERY_BOUND:
        # Ours, but its payment event has not been applied yet (Stripe reorders): answer
        # 5xx so Stripe redelivers this refund after the payment.
        raise DependencyUnavailable(
            "this payment is not recorded yet; retry later", code="payment_not_yet_recorded"
        )
    return _refund_before_payment(ports, event, owner, now)


def _applications_refund(
    ports: Ports, application: Application, event: RefundEvent
) -> EventOutcome:
    """A refund of ``application``'s payment: one that would change what it recorded is read
    back at Stripe first and believed as Stripe holds it (``services.believed``)."""
    said = (application.application_id, application.status.value)
    if event.event_id in application.recent_event_ids:
        return EventOutcome("ignore", "event already applied", *said)
    ids = {"application_id": application.application_id, "payment_intent": event.payment_intent}
    if refund_news_for_application(application, event):
        never_held = refund_of_a_payment_stripe_never_held(application, event)
        held = None if never_held else refund_as_stripe_holds(ports, event)
        if held is None:
            refused(event.event_id, REFUND_UNKNOWN_AT_STRIPE, **ids)
            return EventOutcome("ignore", REFUND_UNKNOWN_AT_STRIPE, *said)
        event = held
    if refund_beyond_application(application, event):
        refused(event.event_id, REFUNDED_BEYOND_PAID, **ids)
        return EventOutcome("ignore", REFUNDED_BEYOND_PAID, *said)
    settled = settle_money(
        ports, application.application_id, event, first=application, exhausted=busy_for_stripe
    )
    return EventOutcome(
        settled.settlement.action,
        settled.settlement.reason,
        settled.saved.application_id,
        settled.saved.status.value,
    )


def _refund_before_payment(
    ports: Ports, event: RefundEvent, owner: str, now: datetime
) -> EventOutcome:
    """Long past any reordering, the payment of this refund was never recorded. Stop asking
    Stripe for three more days of redeliveries: record the payment as refunded on its
    application (so its late payment event, if it ever comes, is ignored rather than confirming
    a booking whose money went back), keep an anomaly for the organisers, and alert. The
    refund is believed as Stripe holds it (``services.believed``), as on a recorded payment:
    one Stripe does not hold records nothing, nor does one that gave nothing back (pending,
    or failed), which would keep the payment's own event from confirming a booking."""
    held = refund_as_stripe_holds(ports, event)
    if held is None:
        ids = {"application_id": owner, "payment_intent": event.payment_intent}
        refused(event.event_id, REFUND_UNKNOWN_AT_STRIPE, **ids)
        return EventOutcome("ignore", REFUND_UNKNOWN_AT_STRIPE, owner)
    if not ((held.refund_id is not None and held.refund_succeeded) or held.charge_amount_refunded):
        return EventOutcome("ignore", "nothing given back at Stripe", owner)
    event = held
    note_anomaly(
        ports,
        NoteAnomaly(
            event.event_id,
            "refund_of_unrecorded_payment",
            {"application_id": owner, "payment_intent": event.payment_intent},
        ),
    )
    record = PaymentRecord(
        payment_intent=event.payment_intent,
        session_id="",
        amount=max(event.charge_amount_refunded or 0, event.refund_amount),
        currency=event.currency,
        kept=False,
        reason="refunded_before_recorded",
        # What this event reports given back, so the money shown is what Stripe holds.
        refunds={event.refund_id: event.refund_amount}
        if event.refund_id is not None and event.refund_succeeded
        else {},
        charge_amount_refunded=event.charge_amount_refunded or 0,
    )

    def attempt(application: Application | None) -> EventOutcome:
        if application is None:
            return EventOutcome("anomaly_recorded", "refund of an unknown payment")
        if application.payment(event.payment_intent) is not None:
            return EventOutcome("anomaly_recorded", "already recorded", owner)
        noted = application.with_payment(record).with_event(event.event_id)
        saved = ports.repository.save(noted.model_copy(update={"updated_at": now}), application)
        return EventOutcome("anomaly_recorded", "refund before payment", owner, saved.status.value)

    return retried(
        attempt, lambda: ports.repository.get_application(owner), exhausted=busy_for_stripe
    )
