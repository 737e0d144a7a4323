"""Use cases of an applicant: apply, read the status, (re)start payment."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aws_lambda_powertools import Logger

from booking.domain.addresses import MAX_ADDRESS_LENGTH
from booking.domain.application import (
    Application,
    ApplicationForm,
    ApplicationStatus,
)
from booking.domain.billing import AppliedDiscount, DiscountCode, PaymentMethod
from booking.domain.commands import Situation
from booking.domain.course import Course
from booking.domain.emails import EmailJob, EmailKind
from booking.domain.emails_as_queued import queued_as_saved
from booking.domain.errors import (
    AlreadyApplied,
    BookingError,
    CodeUsedUp,
    CourseClosed,
    CourseFull,
    DependencyUnavailable,
    InvalidInput,
    NotFound,
    ReferenceTaken,
    StaleWrite,
)
from booking.domain.idempotency import fingerprint, refuse_unless_retry
from booking.domain.references import new_reference, reference_prefix
from booking.domain.settlement import booked_with_nothing_to_pay, owes_nothing
from booking.domain.validation import parse_posted
from booking.domain.wording import cohort_name
from booking.services.access import authorised
from booking.services.application_view import ApplicationView as ApplicationView
from booking.services.application_view import view_of as view_of
from booking.services.checkouts import open_checkout
from booking.services.checkouts import start_checkout as start_checkout
from booking.services.discounts import discount_for, refuse_code, typed_code
from booking.services.invoicing import (
    billing_for,
    invoice_due_or_refuse,
    issue_invoice,
    request_invoice,
    with_billing_reasons,
)
from booking.services.one_place_each import refuse_if_booked_by_a_manager
from booking.services.ports import Ports
from booking.services.provider_erasure import disown_invoice
from booking.services.settle import expire_quietly
from booking.services.waitlist import (
    waitlist,
)

logger = Logger(child=True)
S = ApplicationStatus
# A fresh code clashes about once in millions of draws; five clashes in a row means the prefix's
# codes are nearly used up, which no cohort-sized centre will ever see.
REFERENCE_DRAWS = 5


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


def submit_application(
    ports: Ports, course_id: str, payload: Mapping[str, Any], idempotency_key: str | None = None
) -> ApplicationView:
    """Record an application and, when payment is due now, hold a seat and open a checkout.

    Reads the course, the discount code given, which application holds the person's place and
    (with an Idempotency-Key) the earlier answer in one round trip, then whether a manager
    booked the person a place, so the happy path costs three DynamoDB calls and one Stripe
    call before the emails are queued. The code's use
    is claimed in the transaction that creates the application, with its seat.
    """
    now = ports.clock()
    application_id = _application_id_for(course_id, idempotency_key)
    read = ports.repository.read_for_submission(
        course_id,
        application_id if idempotency_key else None,
        _code_to_read(payload),
        _address_to_read(payload),
    )
    course = read.course
    if course is None:
        raise NotFound(f"no course {course_id!r}")
    try:
        form = parse_posted(ApplicationForm, payload)
    except InvalidInput as refused:
        raise with_billing_reasons(refused, course, payload) from None
    if read.application is not None:
        return _replay(ports, course, read.application, form)
    if not course.accepts_applications(now):
        raise CourseClosed()
    refuse_if_booked_by_a_manager(ports, course_id, form.email, read.enrolment)
    # Every question answered before anything is written or sent to Stripe: the billing
    # contact, whether an invoice is possible now, and the discount code.
    billing = billing_for(course, form)
    due_at = (
        invoice_due_or_refuse(course, now, ports.bank_holidays)
        if billing is not None and not course.definition.approval_required and course.places_left
        else None
    )
    fresh = Application(
        application_id=application_id,
        course_id=course_id,
        status=S.PENDING_REVIEW if course.definition.approval_required else S.AWAITING_PAYMENT,
        token=secrets.token_urlsafe(24),
        reference=reference_for(course),
        answers=form.answers(),
        created_at=now,
        updated_at=now,
        request_fingerprint=fingerprint(form) if idempotency_key else None,
        price=course.definition.price,
        payment_method=form.payment_method,
        billing=billing,
        discount=_discount(ports, course, form, read.discount_code, now),
    ).with_emails(EmailJob.about(EmailKind.APPLICATION_RECEIVED, application_id, course_id))
    return _place(ports, course, fresh, form, due_at)


def _discount(
    ports: Ports, course: Course, form: ApplicationForm, found: DiscountCode | None, now: datetime
) -> AppliedDiscount | None:
    """The discount the form's code gives; a person who has applied already hears that first,
    before any limit of the code (its use may be held by their own application)."""
    try:
        return discount_for(course, form.discount_code, found, now)
    except InvalidInput:
        _refuse_if_applied_already(ports, course.course_id, form.answers().email)
        raise


def _code_to_read(payload: Mapping[str, Any]) -> str | None:
    """The discount code a submission gives, if it could be one (read with the course)."""
    typed = payload.get("discount_code")
    if not isinstance(typed, str):
        return None
    try:
        return typed_code(typed)
    except InvalidInput:
        return None  # refused on its field once the form is parsed


def _address_to_read(payload: Mapping[str, Any]) -> str | None:
    """The address a submission gives, read for its enrolment with the course (the form, once
    parsed, may store it otherwise: the enrolment is then read again for the parsed one)."""
    typed = payload.get("email")
    if not isinstance(typed, str) or len(typed) > MAX_ADDRESS_LENGTH:
        return None  # refused on its field once the form is parsed
    return typed.strip() or None


def _place(
    ports: Ports,
    course: Course,
    fresh: Application,
    form: ApplicationForm,
    due_at: datetime | None,
) -> ApplicationView:
    """Where a new application goes: review, the waiting list, or a seat held while it pays."""
    if course.definition.approval_required:
        # Facilitators must read the answers to decide, so they get them at once.
        pending = fresh.with_emails(
            EmailJob.about(EmailKind.FACILITATOR_COPY, fresh.application_id, fresh.course_id)
        )
        return _create(ports, course, pending, form)
    if not course.seat_free_for_newcomer:
        return _create(ports, course, waitlist(fresh, ports.clock()), form)
    situation = Situation(now=ports.clock(), course_price=course.definition.price)
    if owes_nothing(fresh, situation):
        # A code that covers the whole price: booked now, with no checkout or invoice at all.
        try:
            return _create(ports, course, booked_with_nothing_to_pay(fresh, situation), form)
        except CourseFull:
            return _create(ports, course, waitlist(fresh, ports.clock()), form)
    if due_at is not None:
        return _submit_by_invoice(ports, course, fresh, form, due_at)
    return _submit_by_card(ports, course, fresh, form)


def _submit_by_card(
    ports: Ports, course: Course, fresh: Application, form: ApplicationForm
) -> ApplicationView:
    """Open a checkout and hold the seat while it is paid."""
    try:
        checkout = open_checkout(ports, course, fresh, attempt=1)
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
        expire_quietly(ports, checkout.session_id)
        return _create(ports, course, waitlist(fresh, ports.clock()), form)
    except BookingError:
        # Nobody may pay a session that belongs to nothing.
        expire_quietly(ports, checkout.session_id)
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
        disown_invoice(ports, holding.invoice.invoice_id)
        return _create(ports, course, waitlist(fresh, ports.clock()), form)
    except BookingError:
        disown_invoice(ports, holding.invoice.invoice_id)
        raise


def _create(
    ports: Ports, course: Course, application: Application, form: ApplicationForm
) -> ApplicationView:
    # Its acknowledgement says where it stood when made, whenever it is sent.
    application = queued_as_saved(application)
    try:
        saved = _save_new(ports, application)
    except CodeUsedUp:
        # Others claimed the code's last uses since it was read (the person themselves, it may
        # be, with the application they have already): refused on its field.
        _refuse_if_applied_already(ports, application.course_id, application.answers.email)
        raise refuse_code("spent") from None
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
        # A manager's group booking naming them holds their place (its save claimed it since
        # the read before): refused with the same words as that read's.
        refuse_if_booked_by_a_manager(ports, application.course_id, application.answers.email)
        earlier_id = _refuse_if_applied_already(
            ports, application.course_id, application.answers.email
        )
        return _insert(ports, application, replaces=earlier_id)


def _refuse_if_applied_already(ports: Ports, course_id: str, email: str) -> str | None:
    """The one already-applied rule: a person whose application to the course is still alive
    is refused (409), and their own inbox is told where it stands. Otherwise the id of their
    earlier application that is gone or over, which a new one replaces (None: none)."""
    earlier_id = ports.repository.enrolled_application_id(course_id, email)
    earlier = ports.repository.get_application(earlier_id) if earlier_id else None
    if earlier is None or earlier.enrolment_ended:
        return earlier_id
    _tell_where_it_stands(ports, earlier)
    course = ports.repository.get_course(course_id)
    cohort = cohort_name(course) if course is not None else "this course"
    raise AlreadyApplied(
        f"you have already applied for {cohort} with this email address; we have emailed "
        "you where your application stands, with the link to it"
    )


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
        application.email(
            EmailKind.ALREADY_APPLIED,
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
    refuse_unless_retry(
        existing.request_fingerprint, form, "an application", erased=existing.is_erased
    )
    if existing.status is S.AWAITING_PAYMENT and not existing.seat_held:
        # The first attempt could not reach Stripe; a retry is the moment to try again.
        if existing.payment_method is PaymentMethod.INVOICE:
            return view_of(ports, request_invoice(ports, existing.application_id, existing.token))
        return start_checkout(ports, existing.application_id, existing.token)
    return view_of(ports, existing, course)


def get_application(ports: Ports, application_id: str, token: str) -> ApplicationView:
    return view_of(ports, authorised(ports, application_id, token))
