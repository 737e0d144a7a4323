"""What Stripe is asked for an employer's invoice, when it falls due, whether a payment of it is
on its way, and voiding one quietly: shared by whoever issues, replaces or ends invoices
(``invoicing``, ``settle``, the groups')."""

from __future__ import annotations

from collections.abc import Callable, Container
from datetime import date, datetime

from aws_lambda_powertools import Logger

from booking.domain.application import Application
from booking.domain.billing import InvoiceRef, billing_contact_of
from booking.domain.billing import invoice_due as due_for
from booking.domain.course import Course
from booking.domain.errors import (
    PAYMENT_BEING_RECORDED,
    PAYMENT_SETTLING,
    Conflict,
    DependencyUnavailable,
    StaleWrite,
    UnknownToProvider,
)
from booking.domain.invoice_voiding import VoidingFor
from booking.domain.invoices import InvoicePaying
from booking.domain.money import Money, money_words
from booking.domain.provider_objects import sent_earlier_may_be_paid
from booking.domain.wording import cohort_name
from booking.services.concurrency import retried
from booking.services.ports import InvoiceAtStripe, InvoiceRequest, Ports

logger = Logger(child=True)


def invoice_due(course: Course, now: datetime, bank_holidays: Container[date]) -> datetime | None:
    """When an invoice issued now for ``course`` falls due (None: too close to the start), on
    a working day by ``bank_holidays`` (the ports' calendar)."""
    definition = course.definition
    return due_for(
        now,
        definition.invoice_due_days,
        course.first_start(),
        definition.invoice_due_before_start_days,
        definition.timezone,
        bank_holidays,
    )


def group_invoice_due(
    course: Course, now: datetime, bank_holidays: Container[date]
) -> datetime | None:
    """When a group booking's invoice issued now falls due: by the course's terms
    (:func:`invoice_due`), and on a day that ends before the colleagues must have applied
    (``groups.apply_by``, reckoned from the same ``now`` as the booking's): paid after that,
    no colleague's link could be used and its places go back, refunded. None: too late."""
    from booking.domain.groups import apply_by  # a group's booking only: no group model at init

    definition = course.definition
    by_course = invoice_due(course, now, bank_holidays)
    cutoff = apply_by(course.first_start(), now, definition.group_apply_by_days)
    by_colleagues = due_for(
        now, definition.invoice_due_days, cutoff, 0, definition.timezone, bank_holidays
    )
    if by_course is None or by_colleagues is None:
        return None
    return min(by_course, by_colleagues)


DueRule = Callable[[Course, datetime, Container[date]], datetime | None]


def invoice_offered(
    ports: Ports, course: Course, now: datetime, rule: DueRule = invoice_due
) -> bool:
    """Whether paying by invoice is offered at ``now``: the course allows it and an invoice
    issued now could fall due in time (``rule``: before the course starts, or for a group
    booking before its colleagues must apply, :func:`group_invoice_due`; the rule
    ``invoice_due_or_refuse`` keeps), so nobody fills in billing details only to be told it
    is too late. The forms, the status page and the console ask it."""
    return course.definition.invoice_allowed and (
        rule(course, now, ports.bank_holidays) is not None
    )


def paid_by_an_earlier_try(
    ports: Ports, application: Application, *, too_late: bool
) -> InvoiceAtStripe | None:
    """The invoice a stopped try of an act on ``application`` sent, as Stripe holds it, when
    the employer paid it or is paying it by a bank debit (``InvoicePaying.on_its_way``: either
    way the booking's, never voided under the payment); read only when time refuses the act
    otherwise (``too_late``: ``provider_objects.sent_earlier_may_be_paid``). None: none paid or
    being paid, or nothing to read."""
    earlier = sent_earlier_may_be_paid(application, too_late=too_late)
    held = invoice_held(ports, earlier) if earlier is not None else None
    return held if paying_of(held).on_its_way else None


def act_invoice_due(
    ports: Ports, application: Application, course: Course, now: datetime
) -> datetime | None:
    """When the invoice an act on ``application`` sends now falls due: by the course's terms
    (:func:`invoice_due`); once they leave too little time before the start, as the invoice a
    stopped try of the act sent holds it, when the employer paid it (nothing new is sent then:
    that one is recorded as the booking's). None: too close to the start for an invoice."""
    due = invoice_due(course, now, ports.bank_holidays)
    if due is not None:
        return due
    paid = paid_by_an_earlier_try(ports, application, too_late=True)
    return paid.due_at if paid is not None else None


def refuse_unless_billable(application: Application) -> None:
    """No invoice is addressed to a billing contact erased on request (nobody would get it)."""
    if application.billing is not None and billing_contact_of(application.billing) is None:
        raise Conflict(
            "this application's billing contact was erased: there is no one to send an "
            "invoice to; the place can be paid by card",
            code="billing_contact_erased",
        )


def invoice_request(
    course: Course, application: Application, due_at: datetime, attempt: int
) -> InvoiceRequest:
    """The invoice for what ``application`` owes: the price less its bursary, its code applied
    by Stripe as the coupon it was promised."""
    billing = application.billing
    assert billing is not None, "an invoice needs a billing contact"
    refuse_unless_billable(application)
    price = application.price_or(course.definition.price)
    return InvoiceRequest(
        application_id=application.application_id,
        course_id=course.course_id,
        # What the employer's accounts need to match it: the course and who attends.
        description=f"{cohort_name(course)}: a place for {application.answers.name}",
        amount=Money(amount=price.amount - application.bursary, currency=price.currency),
        billing=billing,
        due_at=due_at,
        attempt=attempt,
        discount=application.discount,
    )


def void_quietly(ports: Ports, invoice_id: str) -> str | None:
    """Void at Stripe: its status afterwards (``void``, or ``paid`` if it was paid first), or
    None when Stripe could not be asked (it stays open, and a payment of it is refunded)."""
    try:
        return ports.payments.void_invoice(invoice_id)
    except (DependencyUnavailable, Conflict):
        logger.warning("invoice left open", extra={"invoice_id": invoice_id})
        return None


def void_at_stripe(ports: Ports, invoice_id: str) -> InvoicePaying:
    """Stripe asked to void the open invoice ``invoice_id``, its answer deciding
    (``InvoicePaying.after_void``): ``on_its_way`` means refused (paid first, or a bank debit
    of it processing), so nothing that needs it voided may happen; NOT_PAID: void, nothing can
    pay it (unknown to Stripe too). Stripe unreachable: DependencyUnavailable. Done before
    what the void allows is saved (a give-up's replacement, an organiser's void, the end of a
    hold at its due date), so that a payment begun after the read before it is never voided
    under, nor its refusal taken as a void."""
    try:
        held = ports.payments.void_invoice(invoice_id)
    except UnknownToProvider:
        return InvoicePaying.NOT_PAID  # nothing at Stripe to pay it
    return InvoicePaying.after_void(held)


def invoice_paying(ports: Ports, invoice_id: str, *, retried: bool = True) -> InvoicePaying:
    """What Stripe holds of the open invoice ``invoice_id``, read once before it is voided,
    replaced or its hold ended (``InvoicePaying.on_its_way``): a payment of it being confirmed
    by its payer's bank (a bank debit: days), or paid, its event not yet applied
    here, or neither. Read as :func:`invoice_held` reads it."""
    return paying_of(invoice_held(ports, invoice_id, retried=retried))


def paying_of(held: InvoiceAtStripe | None) -> InvoicePaying:
    """What ``held`` (read by :func:`invoice_held`) says of a payment of the invoice."""
    if held is None:
        return InvoicePaying.NOT_PAID  # nothing at Stripe to pay it
    return InvoicePaying.of(paid=held.paid, processing=held.payment_processing)


def invoice_held(ports: Ports, invoice_id: str, *, retried: bool = True) -> InvoiceAtStripe | None:
    """The open invoice ``invoice_id`` as Stripe holds it, read once (None: Stripe holds no
    such invoice, so nothing can pay it), for a step that asks more of it than
    :func:`invoice_paying` says (recording a payment outside Stripe: whether it was marked
    so already). Read through the main client, whose retries spare a throttled or
    failed read (it writes nothing): a manager or an organiser waits for the answer, and the
    sweep's is not redelivered as Stripe's events are (not ``retried``: the webhook's reader,
    whose event Stripe redelivers after a 503). Stripe unreachable, or refusing the read:
    DependencyUnavailable (a 503, or the sweep looks again next run); never guessed as not
    paid, which would void the invoice under a payment."""
    try:
        return ports.payments.invoice_at_stripe(invoice_id, a_person_waits=retried)
    except UnknownToProvider:
        return None
    except Conflict as exc:
        raise DependencyUnavailable(
            "the payment provider would not say whether the invoice is being paid",
            code="payment_provider_unavailable",
        ) from exc


def refuse_while_being_paid(
    ports: Ports,
    application: Application,
    *,
    then: str,
    when_paid: Conflict | None = None,
    whose: str = "this invoice",
) -> None:
    """Refused, nothing written, while a payment of ``application``'s open invoice is on its
    way (one read: ``invoice_paying``; ``InvoicePaying.on_its_way``), before an organiser's
    act voids or replaces it (the void, the cancel, a bursary, as a
    group's void and give-up are refused): done under the payment, the place would go, or the
    invoice be replaced, and the payment be given back whole when it arrived, the billing
    contact told meanwhile that no money was taken. A bank debit processing: 409
    ``payment_settling`` (``then``: what the organiser may do, and when, in words);
    paid, its event not yet here: ``when_paid``, or 409 ``payment_being_recorded``. Nothing is
    read for an application with no open invoice."""
    invoice = application.invoice
    if invoice is None or not application.has_open_invoice():
        return
    paying = invoice_paying(ports, invoice.invoice_id)
    if paying.on_its_way:
        raise being_paid_refused(invoice, paying, then, when_paid, whose=whose)


def being_paid_refused(
    invoice: InvoiceRef,
    paying: InvoicePaying,
    then: str,
    when_paid: Conflict | None = None,
    *,
    whose: str = "this invoice",
) -> Conflict:
    """The refusal of an organiser's act on ``invoice`` while ``paying`` (on its way): a bank
    debit processing, 409 ``payment_settling`` (``then``: what they may do; ``whose``: the
    invoice as the words name it); paid, its event not yet here, ``when_paid`` or 409
    ``payment_being_recorded``."""
    if paying is InvoicePaying.PROCESSING:
        return settling_refused(invoice, then, whose=whose)
    return when_paid or Conflict(
        "the employer's payment of this invoice has arrived and is being recorded: nothing "
        "was changed. Please look again in a minute, when the booking is confirmed",
        code=PAYMENT_BEING_RECORDED,
    )


def void_unanswered(error: DependencyUnavailable) -> DependencyUnavailable:
    """What the organiser or the manager is told when Stripe did not answer the void an act
    asks first (a one-person invoice's, a group's), in one wording: the mark
    stays, and the sweep completes the act or takes the mark back."""
    return DependencyUnavailable(
        "the payment provider did not answer the cancellation of the invoice: nothing was "
        "changed yet. Please try again in a few minutes (if the invoice was cancelled, this "
        "is completed within half an hour in any case)",
        code=error.code,
        retry_after_seconds=error.retry_after_seconds,
    )


def voided_first(ports: Ports, application: Application, act: VoidingFor) -> Application:
    """``application``'s open invoice voided at Stripe for the organiser's ``act`` (its
    cancel, or a bursary replacing the invoice or leaving nothing to pay), before the act is
    saved: the application as saved with the invoice marked (``InvoiceRef.voiding``, so that
    Stripe's ``invoice.voided`` of it ends nothing), the version the act's save expects.
    Stripe's void decides (``void_at_stripe``), as for a group's replacement: refused (paid
    meanwhile, or a bank debit of it begun since the read before it), the act is refused in
    the words of ``refuse_while_being_paid`` and the mark taken back, nothing else changed.
    Stripe unanswering: DependencyUnavailable, in words; the mark stays, and the sweep
    completes the act if Stripe voided it after all, or takes the mark back
    (``services.invoice_void_sweep``), as a retry would. Changed while Stripe was asked (its
    own ``invoice.voided`` recorded): StaleWrite, the act decided again on a fresh read."""
    invoice = application.invoice
    assert invoice is not None
    marked = application
    before = invoice.voiding
    if before is None or before.model_copy(update={"since": act.since}) != act:
        # Left half done by an earlier try: the sweep's clock runs from then.
        since = before.since if before is not None else act.since
        mark = invoice.model_copy(update={"voiding": act.model_copy(update={"since": since})})
        marked = ports.repository.save(
            application.model_copy(update={"invoice": mark}), application
        )
    try:
        held = void_at_stripe(ports, invoice.invoice_id)
    except DependencyUnavailable as error:
        raise void_unanswered(error) from error
    if held.on_its_way:
        unmark_voiding(ports, application.application_id, invoice.invoice_id)
        logger.info(
            "an invoice kept: Stripe refused its void",
            extra={"application_id": application.application_id},
        )
        raise being_paid_refused(invoice, held, act.once_settled)
    fresh = ports.repository.get_application(application.application_id)
    if fresh is None or fresh.version != marked.version:
        raise StaleWrite(application.application_id)
    return marked


def without_voiding(application: Application) -> Application:
    """``application`` with its invoice no longer marked as being voided (the act saved)."""
    invoice = application.invoice
    if invoice is None or invoice.voiding is None:
        return application
    return application.model_copy(update={"invoice": invoice.model_copy(update={"voiding": None})})


def unmark_voiding(ports: Ports, application_id: str, invoice_id: str) -> None:
    """The application no longer marked as voiding ``invoice_id`` (its void refused, or the
    sweep finding it open or paid)."""

    def clear(current: Application | None) -> None:
        held = current.invoice if current is not None else None
        marked = held is not None and held.invoice_id == invoice_id and held.voiding is not None
        if current is not None and marked:
            ports.repository.save(without_voiding(current), current)

    retried(clear, lambda: ports.repository.get_application(application_id))


def settling_refused(invoice: InvoiceRef, then: str, *, whose: str = "this invoice") -> Conflict:
    """The refusal of an organiser's act on ``invoice`` (one person's, or a group's: ``whose``)
    while the employer's bank debit of it is processing (``then``: what they may do, and when,
    in words). One refusal for every such act."""
    paid = money_words(invoice.amount_due, invoice.currency)
    return Conflict(
        f"the employer's bank is confirming a payment of {paid} of {whose}: nothing was "
        f"changed. {then}",
        code=PAYMENT_SETTLING,
    )


INVOICE_BEING_PAID = "a payment of the invoice is on its way"


def overdue_while_paying(ports: Ports, owner: Application, invoice_id: str) -> bool:
    """Whether Stripe's ``invoice.overdue`` about ``owner``'s open invoice ``invoice_id``
    comes while a payment of it is on its way (``invoice_paying``: a bank debit begun in
    time, its bank still confirming it): the place is kept, as the sweep keeps it at the due
    date, and the event changes nothing. Read once, by the webhook's reader
    (a failure: a 503, Stripe delivers the event again); nothing read for an invoice
    ``owner`` does not hold open."""
    invoice = owner.invoice
    if not owner.has_open_invoice() or invoice is None or invoice.invoice_id != invoice_id:
        return False
    return invoice_paying(ports, invoice_id, retried=False).on_its_way
