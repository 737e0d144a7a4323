"""Use cases of an applicant: apply, read the status, (re)start payment."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.application import (
    Application,
    ApplicationForm,
    ApplicationStatus,
    CheckoutRef,
)
from booking.domain.billing import PaymentMethod
from booking.domain.course import CHECKOUT_HOLD, Course
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.errors import (
    AlreadyApplied,
    Conflict,
    CourseClosed,
    CourseFull,
    DependencyUnavailable,
    NotFound,
    ReferenceTaken,
    StaleWrite,
)
from booking.domain.money import Money
from booking.domain.references import new_reference, reference_prefix
from booking.domain.validation import parse
from booking.services.access import authorised, refuse_unless_payable
from booking.services.concurrency import retried
from booking.services.discounts import discount_for
from booking.services.invoicing import (
    billing_for,
    invoice_due_or_refuse,
    issue_invoice,
    request_invoice,
    void_quietly,
)
from booking.services.ports import CheckoutRequest, Ports
from booking.services.waitlist import give_back_seat, waitlist, waitlist_position

logger = Logger(child=True)
S = ApplicationStatus
# A fresh code clashes about once in millions of draws; five clashes in a row means the prefix's
# codes are nearly used up, which no cohort-sized centre will ever see.
REFERENCE_DRAWS = 5


@dataclass(frozen=True)
class ApplicationView:
    """What the applicant may see of their application (no answers: they know them)."""

    application_id: str
    course_id: str
    status: str
    token: str
    checkout_url: str | None
    status_url: str
    created_at: str
    reference: str | None = None  # what the applicant quotes on the phone
    status_reason: str | None = None
    waitlist_position: int | None = None
    offer_expires_at: str | None = None
    # Decisions the pages and emails show, made here once (domain rules), never re-derived.
    can_pay: bool = False  # a (new) checkout may be started now
    hold_expires_at: str | None = None  # the place is held until then unless paid
    payment_pending: bool = False  # a delayed payment method is settling
    # Paying by invoice: Stripe's hosted invoice page while the invoice is open, and whether
    # the applicant may ask for one now (they gave a billing contact and may pay).
    invoice_url: str | None = None
    invoice_due_at: str | None = None
    can_request_invoice: bool = False
    payment_method: str = "card"
    # Money: what the place costs, what a bursary and a code take off, what is left to pay.
    price: Money | None = None
    bursary: int = 0
    discount_code: str | None = None
    amount_due: int | None = None
    amount_paid: int = 0  # money received (the wording of a cancellation)
    was_booked: bool = False  # a booking once, paid for or funded


def view_of(
    ports: Ports, application: Application, course: Course | None = None
) -> ApplicationView:
    """What the applicant sees; ``course`` when the caller has it already (saves a read)."""
    now = ports.clock()
    can_pay = False
    if application.payment_refusal(now, course_open=True) is None:
        course = course or ports.repository.get_course(application.course_id)
        course_open = course is not None and course.accepts_applications(now)
        can_pay = application.payment_refusal(now, course_open=course_open) is None
    open_checkout = application.has_open_checkout(now) and not application.payment_pending
    hold_ends = application.hold_lapses_at()
    open_invoice = application.invoice if application.has_open_invoice() else None
    if can_pay or application.payment_method is PaymentMethod.INVOICE:
        course = course or ports.repository.get_course(application.course_id)
    course_price = course.definition.price if course is not None else application.price
    return ApplicationView(
        application_id=application.application_id,
        course_id=application.course_id,
        status=application.status.value,
        token=application.token,
        checkout_url=application.checkout.url if open_checkout and application.checkout else None,
        status_url=ports.status_url(application),
        created_at=_iso(application.created_at),
        reference=application.reference,
        status_reason=application.status_reason,
        waitlist_position=waitlist_position(ports, application),
        offer_expires_at=_iso(application.offer_expires_at)
        if application.status is S.OFFERED and application.offer_expires_at
        else None,
        can_pay=can_pay,
        hold_expires_at=_iso(hold_ends) if hold_ends is not None and hold_ends > now else None,
        payment_pending=application.payment_pending,
        amount_paid=application.amount_paid,
        was_booked=application.was_booked,
        invoice_url=open_invoice.url if open_invoice else None,
        invoice_due_at=_iso(open_invoice.due_at) if open_invoice else None,
        can_request_invoice=can_pay
        and application.billing is not None
        and course is not None
        and course.definition.invoice_allowed,
        payment_method=application.payment_method.value,
        price=application.price or course_price,
        bursary=application.bursary,
        discount_code=application.discount.code if application.discount else None,
        amount_due=application.amount_due(course_price) if course_price else None,
    )


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _application_id_for(course_id: str, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return secrets.token_hex(12)
    # A retried submission maps to the same id, so the conditional create finds the first one.
    return hashlib.sha256(f"{course_id}\x00{idempotency_key}".encode()).hexdigest()[:24]


def reference_for(course: Course) -> str:
    """A fresh reference for an application to ``course``: its programme's prefix (or its
    title's, when it names no programme) and a random code."""
    prefix = reference_prefix(course.definition.programme or course.definition.title)
    return new_reference(prefix, secrets.choice)


def _load_course(ports: Ports, course_id: str) -> Course:
    course = ports.repository.get_course(course_id)
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    return course


def submit_application(
    ports: Ports, course_id: str, payload: Mapping[str, Any], idempotency_key: str | None = None
) -> ApplicationView:
    """Record an application and, when payment is due now, hold a seat and open a checkout.

    Reads the course (and, with an Idempotency-Key, the earlier answer) in one round trip, so
    the happy path costs two DynamoDB calls and one Stripe call before the emails are queued.
    """
    now = ports.clock()
    application_id = _application_id_for(course_id, idempotency_key)
    if idempotency_key is None:
        course, existing = ports.repository.get_course(course_id), None
    else:
        course, existing = ports.repository.get_course_and_application(course_id, application_id)
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    form = parse(ApplicationForm, payload)
    if existing is not None:
        return _replay(ports, course, existing, form)
    if not course.accepts_applications(now):
        raise CourseClosed()
    # Every question answered before anything is written or sent to Stripe: the billing
    # contact, whether an invoice is possible now, and the discount code (one Stripe lookup).
    billing = billing_for(course, form)
    by_invoice = billing is not None
    due_at = (
        invoice_due_or_refuse(course, now, ports.bank_holidays)
        if by_invoice and not course.definition.approval_required and course.places_left
        else None
    )
    discount = discount_for(ports, course, form.discount_code, now)

    fresh = Application(
        application_id=application_id,
        course_id=course_id,
        status=S.PENDING_REVIEW if course.definition.approval_required else S.AWAITING_PAYMENT,
        token=secrets.token_urlsafe(24),
        reference=reference_for(course),
        answers=form.answers(),
        created_at=now,
        updated_at=now,
        request_fingerprint=form.fingerprint() if idempotency_key else None,
        price=course.definition.price,
        payment_method=form.payment_method,
        billing=billing,
        discount=discount,
    ).with_emails(EmailJob.about(EmailKind.APPLICATION_RECEIVED, application_id, course_id))

    if course.definition.approval_required:
        # Facilitators must read the answers to decide, so they get them at once.
        pending = fresh.with_emails(
            EmailJob.about(EmailKind.FACILITATOR_COPY, application_id, course_id)
        )
        return _create(ports, course, pending, form)

    if not course.seat_free_for_newcomer:
        return _create(ports, course, waitlist(fresh, now), form)
    if due_at is not None:
        return _submit_by_invoice(ports, course, fresh, form, due_at)
    try:
        checkout = _open_checkout(ports, course, fresh, attempt=1)
    except DependencyUnavailable as exc:
        # Keep the application (without a seat) so the applicant can pay later from the
        # status link in their acknowledgement, and tell them so.
        kept = _create(ports, course, fresh.model_copy(update={"checkout_attempts": 1}), form)
        exc.details["application"] = kept
        raise
    holding = fresh.with_checkout(checkout).model_copy(
        update={"seat_held": True, "checkout_attempts": 1, "hold_expires_at": checkout.expires_at}
    )
    try:
        return _create(ports, course, holding, form)
    except CourseFull:
        # The last seat went while Stripe answered: the applicant joins the waiting list.
        _expire_quietly(ports, checkout)
        return _create(ports, course, waitlist(fresh, ports.clock()), form)
    except AlreadyApplied:
        _expire_quietly(ports, checkout)
        raise


def _submit_by_invoice(
    ports: Ports, course: Course, fresh: Application, form: ApplicationForm, due_at: datetime
) -> ApplicationView:
    """Invoice the employer and hold the seat until the invoice falls due."""
    try:
        holding = issue_invoice(ports, course, fresh, due_at, attempt=1)
    except DependencyUnavailable as exc:
        # As for a card: the application is kept without a seat, and the applicant can ask for
        # the invoice again from their status page (or retry with the same Idempotency-Key).
        kept = _create(ports, course, fresh.model_copy(update={"invoice_attempts": 1}), form)
        exc.details["application"] = kept
        raise
    assert holding.invoice is not None
    try:
        return _create(ports, course, holding, form)
    except CourseFull:
        void_quietly(ports, holding.invoice.invoice_id)
        return _create(ports, course, waitlist(fresh, ports.clock()), form)
    except AlreadyApplied:
        void_quietly(ports, holding.invoice.invoice_id)
        raise


def _create(
    ports: Ports, course: Course, application: Application, form: ApplicationForm
) -> ApplicationView:
    try:
        saved = _save_new(ports, application)
    except StaleWrite:
        existing = ports.repository.get_application(application.application_id)
        if existing is None:
            raise
        if hmac.compare_digest(existing.token.encode(), application.token.encode()):
            # Our own write: it committed, but its answer was lost and the retry found it.
            return view_of(ports, existing, course)
        # The same Idempotency-Key won a race with this request: answer as the first did.
        return _replay(ports, course, existing, form)
    logger.info(
        "application created",
        extra={
            "application_id": saved.application_id,
            "course_id": saved.course_id,
            "status": saved.status.value,
        },
    )
    return view_of(ports, saved, course)


def _save_new(ports: Ports, application: Application) -> Application:
    """Store a new application, one live application per person per course.

    When the person's earlier application is gone (deleted after its retention period) or
    over (cancelled, refunded), the new one takes its place (its acknowledgement says so: see
    the mailer). When it is still alive, the applicant is refused, and their own inbox (not
    this request) is told where that application stands, with its link: anyone can type an
    address into a form, so the answer here says only that the address has applied.
    """
    try:
        return _insert(ports, application)
    except AlreadyApplied:
        earlier_id = ports.repository.enrolled_application_id(
            application.course_id, application.answers.email
        )
        earlier = ports.repository.get_application(earlier_id) if earlier_id else None
        if earlier is None or earlier.enrolment_ended:
            return _insert(ports, application, replaces=earlier_id)
        _tell_where_it_stands(ports, earlier)
        raise AlreadyApplied(
            "you have already applied for this course with this email address; we have "
            "emailed you where your application stands, with the link to it"
        ) from None


def _insert(ports: Ports, application: Application, replaces: str | None = None) -> Application:
    """Create the application, drawing a new reference while the drawn one is taken."""
    candidate = application
    for _ in range(REFERENCE_DRAWS):
        try:
            return ports.repository.save(candidate, None, replaces=replaces)
        except ReferenceTaken:
            course = ports.repository.get_course(application.course_id)
            if course is None:
                raise NotFound(f"no course {application.course_id!r}") from None
            candidate = candidate.model_copy(update={"reference": reference_for(course)})
    raise DependencyUnavailable(
        "could not give this application a reference; please try again", code="service_busy"
    )


def _tell_where_it_stands(ports: Ports, application: Application) -> None:
    """Email the person about their live application: booked, paying, waiting, declined..."""
    today = ports.clock().date().isoformat()
    told = application.with_emails(
        EmailJob.about(
            EmailKind.ALREADY_APPLIED,
            application.application_id,
            application.course_id,
            occasion=f"again-{today}",
        )
    )
    try:
        ports.repository.save(told, application)
    except StaleWrite:
        logger.info(
            "email about an earlier application skipped",
            extra={"application_id": application.application_id},
        )


def _replay(
    ports: Ports, course: Course, existing: Application, form: ApplicationForm
) -> ApplicationView:
    if existing.request_fingerprint != form.fingerprint():
        raise Conflict(
            "this Idempotency-Key was already used for a different application",
            code="idempotency_key_reused",
        )
    if existing.status is S.AWAITING_PAYMENT and not existing.seat_held:
        # The first attempt could not reach Stripe; a retry is the moment to try again.
        if existing.payment_method is PaymentMethod.INVOICE:
            return view_of(ports, request_invoice(ports, existing.application_id, existing.token))
        return start_checkout(ports, existing.application_id, existing.token)
    return view_of(ports, existing, course)


def get_application(ports: Ports, application_id: str, token: str) -> ApplicationView:
    return view_of(ports, _authorised(ports, application_id, token))


_authorised = authorised


def start_checkout(ports: Ports, application_id: str, token: str) -> ApplicationView:
    """A fresh Checkout Session for an application that may pay now.

    The seat is taken (or kept) and any open session detached in one conditional write first;
    only then is the old session expired at Stripe and a new one opened. So Stripe's expiry
    webhook for the old session finds it no longer current and changes nothing, and two
    concurrent requests cannot both keep a payable session: each detaches what it sees.
    """
    first_read = [_authorised(ports, application_id, token)]
    course = _load_course(ports, first_read[0].course_id)

    def hold_seat() -> tuple[Application, CheckoutRef | None, int]:
        # The first attempt uses what was just read; a retry after a lost race reads again.
        application = first_read.pop() if first_read else _authorised(ports, application_id, token)
        now = ports.clock()
        refuse_unless_payable(application, course, now)
        # Only a session still holding the seat can be open; an expired application's is dead.
        previous = application.checkout if application.seat_held else None
        attempt = application.checkout_attempts + 1
        held = application.moved_to(
            S.OFFERED if application.status is S.OFFERED else S.AWAITING_PAYMENT,
            now,
            seat_held=True,
            checkout=None,
            checkout_attempts=attempt,
            # If this function dies before Stripe answers, the sweep frees the seat after this.
            hold_expires_at=application.offer_expires_at
            if application.status is S.OFFERED
            else now + CHECKOUT_HOLD,
        )
        return ports.repository.save(held, application), previous, attempt

    saved, previous, attempt = retried(hold_seat, attempts=3)
    now = ports.clock()
    try:
        if (
            previous is not None
            and previous.expires_at > now
            and ports.payments.expire_checkout(previous.session_id) == "complete"
        ):
            # Paid a moment ago: the seat is held and the payment webhook will confirm it.
            raise Conflict(
                "this checkout was already paid; confirmation is on its way", code="already_paid"
            )
        checkout = _open_checkout(ports, course, saved, attempt=attempt)
    except DependencyUnavailable:
        give_back_seat(ports, saved)
        raise
    hold_until = saved.hold_expires_at if saved.status is S.OFFERED else checkout.expires_at
    try:
        final = ports.repository.save(
            saved.with_checkout(checkout).model_copy(update={"hold_expires_at": hold_until}), saved
        )
    except StaleWrite as exc:
        # Another request took over meanwhile; its session is the one that counts.
        _expire_quietly(ports, checkout)
        raise Conflict(
            "this application changed meanwhile; please retry", code="concurrent_update"
        ) from exc
    return view_of(ports, final, course)


def _open_checkout(
    ports: Ports, course: Course, application: Application, attempt: int
) -> CheckoutRef:
    status_url = ports.status_url(application)
    price = application.price_or(course.definition.price)
    discount = application.discount
    return ports.payments.create_checkout(
        CheckoutRequest(
            application_id=application.application_id,
            course_id=course.course_id,
            product_name=course.definition.title,
            # A bursary's share never reaches Stripe; the code is Stripe's to apply.
            price=Money(amount=price.amount - application.bursary, currency=price.currency),
            promotion_code_id=discount.promotion_code_id if discount else None,
            customer_email=application.answers.email,
            expires_at=ports.clock() + CHECKOUT_HOLD,
            success_url=f"{status_url}&checkout=success",
            cancel_url=f"{status_url}&checkout=cancelled",
            attempt=attempt,
        )
    )


def _expire_quietly(ports: Ports, checkout: CheckoutRef) -> None:
    """Best effort: an unexpired orphan session is harmless (its URL was never shown)."""
    try:
        ports.payments.expire_checkout(checkout.session_id)
    except (DependencyUnavailable, Conflict):
        logger.warning(
            "could not expire orphan checkout", extra={"session_id": checkout.session_id}
        )
