"""Public representations: the response models of the API (and of its OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from booking.domain.course import Course, Money, SessionKind
from booking.services.applications import ApplicationView
from booking.services.courses import SavedCourse


class SessionOut(BaseModel):
    index: int
    kind: SessionKind
    title: str
    start: str = Field(description="ISO 8601 with the UTC offset in force in the course timezone")
    end: str


class FacilitatorOut(BaseModel):
    """A facilitator as the public sees them: never their address."""

    name: str
    bio: str | None = None


class CourseOut(BaseModel):
    course_id: str
    programme: str
    title: str
    organisation: str | None = Field(default=None, description="Who runs the course")
    overview: str | None = Field(default=None, description="Plain text; blank lines part it")
    audience: str | None = Field(default=None, description="Who the course is for, plain text")
    location: str | None = Field(default=None, description="Where it happens, e.g. 'Online'")
    status: Literal["open", "full", "closed"]
    price: Money
    capacity: int
    places_left: int
    approval_required: bool
    invoice_allowed: bool = Field(
        default=False, description="Applicants may ask for an invoice to their employer"
    )
    po_required: bool = Field(default=False, description="An invoice needs a purchase order number")
    timezone: str
    enquiries_email: str | None
    facilitators: list[FacilitatorOut] = Field(
        default_factory=list, description="Named facilitators only; their addresses stay private"
    )
    sessions: list[SessionOut]


class SavedCourseOut(CourseOut):
    """The answer to ``PUT /admin/courses/{course_id}``: the Course, and what to read."""

    warnings: list[str] = Field(
        default_factory=list,
        description="Sentences for the organiser about this save, e.g. a follow-up without an "
        "id that the file seems to move (it became a new event: give it an id to move it)",
    )


class ApplicationOut(BaseModel):
    application_id: str
    course_id: str
    status: Literal[
        "pending_review",
        "declined",
        "awaiting_payment",
        "awaiting_invoice_payment",
        "confirmed",
        "expired",
        "waitlisted",
        "offered",
        "cancelled",
        "refunded",
    ]
    token: str
    checkout_url: str | None
    status_url: str
    created_at: str
    reference: str | None = Field(
        default=None,
        description="Short code to quote by phone or email, e.g. CL-7K3Q9 (null only for "
        "applications made before references existed)",
    )
    waitlist_position: int | None = Field(default=None, description="1 = next in line")
    offer_expires_at: str | None = Field(default=None, description="Pay before this (offers)")
    invoice_url: str | None = Field(
        default=None,
        description="Stripe's hosted invoice page while the employer's invoice is open",
    )
    invoice_due_at: str | None = Field(
        default=None, description="When the open invoice falls due (the place is held until then)"
    )
    payment_method: Literal["card", "invoice"] = "card"
    price: Money | None = Field(default=None, description="The price of the place")
    bursary: int = Field(default=0, description="Minor units of the price a bursary covers")
    discount_code: str | None = None
    amount_due: int | None = Field(
        default=None, description="Minor units to pay: price less bursary, less discount"
    )
    left_to_pay: int | None = Field(
        default=None,
        description="Minor units still to pay: amount_due less what was paid and kept, while "
        "the application is on its way to a booking; 0 once booked or ended",
    )


class CheckoutOut(BaseModel):
    checkout_url: str


class InvoiceOut(BaseModel):
    invoice_url: str
    invoice_due_at: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)


class ErrorOut(BaseModel):
    error: ErrorDetail


def course_out(course: Course, now: datetime) -> CourseOut:
    definition = course.definition
    return CourseOut(
        course_id=course.course_id,
        programme=definition.programme,
        title=definition.title,
        organisation=definition.organisation,
        overview=definition.overview,
        audience=definition.audience,
        location=definition.location,
        status=course.status(now).value,
        price=definition.price,
        capacity=definition.capacity,
        places_left=course.places_left,
        approval_required=definition.approval_required,
        invoice_allowed=definition.invoice_allowed,
        po_required=definition.po_required,
        timezone=definition.timezone,
        enquiries_email=str(definition.enquiries_email) if definition.enquiries_email else None,
        facilitators=[
            FacilitatorOut(name=name, bio=bio) for name, bio in definition.public_facilitators()
        ],
        sessions=[
            SessionOut(
                index=session.index,
                kind=session.kind,
                title=session.title,
                start=session.local_start(definition.timezone).isoformat(),
                end=session.local_end(definition.timezone).isoformat(),
            )
            for session in course.schedule
        ],
    )


def saved_course_out(saved: SavedCourse, now: datetime) -> SavedCourseOut:
    return SavedCourseOut(**course_out(saved.course, now).model_dump(), warnings=saved.warnings)


def application_out(view: ApplicationView) -> ApplicationOut:
    return ApplicationOut.model_validate(
        {
            "application_id": view.application_id,
            "course_id": view.course_id,
            "status": view.status,
            "token": view.token,
            "checkout_url": view.checkout_url,
            "status_url": view.status_url,
            "created_at": view.created_at,
            "reference": view.reference,
            "waitlist_position": view.waitlist_position,
            "offer_expires_at": view.offer_expires_at,
            "invoice_url": view.invoice_url,
            "invoice_due_at": view.invoice_due_at,
            "payment_method": view.payment_method,
            "price": view.price,
            "bursary": view.bursary,
            "discount_code": view.discount_code,
            "amount_due": view.amount_due,
            "left_to_pay": view.left_to_pay,
        }
    )


# -- organiser API (admin.py) and the webhook's answers, for the OpenAPI document -------------


class AdminApplicationOut(ApplicationOut):
    status_reason: str | None = Field(description="Why the status changed, when recorded")


class RosterRow(BaseModel):
    """One application in a course's roster (``GET /admin/courses/{id}/applications``)."""

    application_id: str
    status: str
    created_at: str
    name: str
    email: str
    job_title: str
    organisation: str
    leadership_role: str
    motivation: str
    accessibility_needs: str
    amount_paid: int = Field(description="Minor units (pence)")
    amount_refunded: int = Field(description="Minor units (pence)")
    currency: str
    payment_method: Literal["card", "invoice"]
    price: int = Field(description="The place's price when applied for (minor units)")
    discount_code: str = Field(description="The discount code given, if any")
    discount: int = Field(description="What the code takes off (minor units)")
    bursary: int = Field(description="What a bursary covers (minor units)")
    amount_due: int = Field(description="Price less bursary, less discount (minor units)")
    left_to_pay: int = Field(
        description="What is still to be paid: amount_due less what was paid and kept, while "
        "the application is on its way to a booking; 0 once booked or ended (minor units)"
    )
    invoice_number: str
    invoice_status: Literal["", "open", "paid", "void", "uncollectible", "overdue"]
    invoice_due_at: str
    po_number: str
    billing_name: str
    billing_email: str


class ApplicationRecordOut(RosterRow):
    """One application (``GET /admin/applications/{id}``): its roster row (amounts in minor
    units), its course and why its status last changed."""

    reference: str = Field(description="The reference people read out (CL-7K3Q9)")
    course_id: str
    status_reason: str | None = Field(description="Why the status changed, when recorded")


class BursaryIn(BaseModel):
    """``POST /admin/applications/{id}/bursary``: how much of the price a fund pays."""

    amount: int = Field(
        gt=0, description="Minor units, at most the price; the whole price: a funded place"
    )


class DiscountCodeOut(BaseModel):
    code: str
    course_id: str
    promotion_code_id: str = Field(description="Stripe's promotion code")
    percent_off: float | None
    amount_off: int | None = Field(description="Minor units")
    currency: str
    max_uses: int | None = Field(
        description="Uses allowed, counted by this system (no limit at Stripe)"
    )
    times_used: int = Field(
        description=(
            "Uses held now: one by each application giving the code, from when it is made "
            "until it ends without ever being a booking"
        )
    )
    uses_left: int | None = Field(
        description="Uses a new application may still claim (null: no limit)"
    )
    active: bool = Field(
        description="False once an organiser expired it: no new application may give it "
        "(those that gave it keep their price)"
    )
    expires_at: str | None
    stripe_active: bool | None = Field(
        description="Whether Stripe still accepts the promotion code (null: Stripe did not answer)"
    )
    stripe_times_redeemed: int | None = Field(
        description="Completed payments that redeemed it, as Stripe counts them (null: Stripe "
        "did not answer)"
    )


class MoneyTotalsOut(BaseModel):
    """A course's money (``GET /admin/courses/{id}/totals``); amounts in minor units. Price,
    discounts, bursaries and due count bookings (confirmed or awaiting invoice payment)."""

    course_id: str
    currency: str
    confirmed: int = Field(description="Confirmed bookings")
    awaiting_invoice_payment: int = Field(description="Bookings whose invoice is open")
    price: int
    discounts: int
    bursaries: int
    due: int = Field(description="What those bookings pay: price less discounts and bursaries")
    paid: int = Field(description="Every payment recorded, by any application")
    refunded: int
    net: int = Field(description="Paid less refunded")
    invoiced_unpaid: int = Field(description="What open invoices still ask for")
    funded_places: int = Field(description="Places a bursary funds in full")


class AnswersOut(BaseModel):
    name: str
    email: str
    job_title: str
    organisation: str
    leadership_role: str
    motivation: str
    accessibility_needs: str


class BillingOut(BaseModel):
    billing_name: str
    billing_email: str
    billing_address: str
    po_number: str | None = None


class PersonInvoiceOut(BaseModel):
    invoice_id: str
    number: str | None = None
    status: str
    due_at: str
    amount_due: int


class PersonApplicationOut(BaseModel):
    application_id: str
    reference: str | None = None
    course_id: str
    status: str
    created_at: str
    answers: AnswersOut
    payment_method: str = Field(description="card or invoice")
    billing: BillingOut | None = Field(
        default=None, description="The employer's billing contact, for an invoice"
    )
    invoice: PersonInvoiceOut | None = None
    discount_code: str | None = None
    bursary: int = 0
    amount_paid: int
    amount_refunded: int


class PersonExport(BaseModel):
    """Everything held about one person (``GET /admin/people/{email}``)."""

    email: str
    applications: list[PersonApplicationOut]
    group_bookings: list[dict[str, str]] = Field(
        default_factory=list,
        description="Places booked by a manager that name this person: as the manager, or "
        "as the colleague on a place (group id, course, name, organisation)",
    )


class ErasureOut(BaseModel):
    erased_applications: list[str]


class WebhookAnswer(BaseModel):
    received: Literal[True]
    action: str = Field(description="What the event did, or 'ignore'")
    status: str | None = Field(default=None, description="The application's status after it")
    reason: str | None = None
