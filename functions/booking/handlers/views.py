"""Public representations: the response models of the public API and the webhook (and of their
OpenAPI document). The organiser API's are in ``admin_views``: the public function does not build
them at its cold start."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from booking.domain.course import Course, Money, SessionKind
from booking.domain.model import Model
from booking.domain.offer_ends import no_more_offers
from booking.services.application_view import PendingMoveView, WaitingMoveView
from booking.services.applications import ApplicationView

# A booking's move to another cohort while it is under way, as the person's application and
# the organiser's record of it both say it.
PendingMove = Annotated[
    PendingMoveView | None,
    Field(description="A move to a dearer cohort waiting for its difference"),
]
WaitingMove = Annotated[
    WaitingMoveView | None,
    Field(description="A move waiting on a full cohort's waiting list"),
]
# A reissued certificate's spelling, as the organiser's record and the register's rows both say it.
PrintedName = Annotated[
    str | None,
    Field(
        description="The spelling of the name an organiser gave the certificate to print "
        "(`reissueCertificate`); null when it prints the name as given, or there is none"
    ),
]


class SessionOut(Model):
    index: int
    kind: SessionKind
    title: str
    start: str = Field(description="ISO 8601 with the UTC offset in force in the course timezone")
    end: str


class FacilitatorOut(Model):
    """A facilitator as the public sees them: never their address."""

    name: str
    bio: str | None = None


class CourseOut(Model):
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
    places_left: int = Field(
        description="Places a newcomer may book now: 0 while the course is full, also when a "
        "place is free but those on the waiting list come first (they are offered it, or, in "
        "the last 15 minutes before applications close, nobody can be: see no_more_offers); "
        "once applications have closed (status closed), the same as places_not_taken"
    )
    places_not_taken: int = Field(
        description="Capacity less the seats taken: booked, or held for someone who has not "
        "paid yet (a checkout, an offer, an invoice, a group's places). A hold whose time has "
        "run out (a lapsed offer) keeps its seat until the sweep releases it, at most 15 "
        "minutes later. What the console calls free; the transfer choices' places_left is this"
    )
    applications_close_at: str | None = Field(
        default=None, description="When applications close by the course's dates"
    )
    no_more_offers: bool = Field(
        default=False,
        description="Applications are open but close in less than 15 minutes: too soon for a "
        "place to be offered from the waiting list, so one who joins it now will not be "
        "offered a place (they are told so, and told again when applications close)",
    )
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


class ApplicationOut(Model):
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
    wait_ended: bool = Field(
        default=False,
        description="On the waiting list when applications closed: no place will be offered",
    )
    review_ended: bool = Field(
        default=False,
        description="Still awaiting review when applications closed: it will not be reviewed "
        "and no place will be offered (told once by email)",
    )
    no_more_offers: bool = Field(
        default=False,
        description="On the waiting list (or awaiting review) while applications close in "
        "less than 15 minutes: too soon for a place to be offered, so none will be before "
        "they close",
    )
    applications_close_at: str | None = Field(
        default=None,
        description="When applications close (on the waiting list or awaiting review only)",
    )
    offer_until_closing: bool = Field(
        default=False,
        description="The offer is (or was) held until applications close: after its deadline "
        "nobody can book the place, so it is not offered to anyone next",
    )
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
        "the application is on its way to a booking; 0 once booked or ended, and 0 on a payment "
        "that lapsed and cannot be started again (can_pay false: an offer past its deadline, "
        "before the sweep and after it while its seat went on or none is free, any lapse "
        "once applications have closed, or a lapse whose discount code was used up since)",
    )
    pending_move: PendingMove = None
    waiting_move: WaitingMove = None


class CheckoutOut(Model):
    checkout_url: str


class OfferDeclinedOut(Model):
    """An offer turned down by its person (``POST /applications/{id}/decline-offer``)."""

    application_id: str
    status: str = Field(description="`expired`: the place went back to the course")
    already_declined: bool = Field(
        description="true when an earlier press turned it down: nothing changed now"
    )
    message: str = Field(description="What happened, in words")
    status_url: str


class LeftWaitingListOut(Model):
    """An application taken off the waiting list by its person (``POST
    /applications/{id}/leave-waiting-list``)."""

    application_id: str
    status: str = Field(description="`cancelled`, its reason `withdrawn_by_applicant`")
    already_left: bool = Field(
        description="true when an earlier press took it off the list: nothing changed now"
    )
    message: str = Field(description="What happened, in words")
    status_url: str


class InvoiceOut(Model):
    invoice_url: str
    invoice_due_at: str


class ErrorDetail(Model):
    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)


class ErrorOut(Model):
    error: ErrorDetail


def course_out(course: Course, now: datetime) -> CourseOut:
    definition = course.definition
    status = course.status(now)
    return CourseOut(
        course_id=course.course_id,
        programme=definition.programme,
        title=definition.title,
        organisation=definition.organisation,
        overview=definition.overview,
        audience=definition.audience,
        location=definition.location,
        status=status.value,
        price=definition.price,
        capacity=definition.capacity,
        places_left=course.places_for_newcomer(now),
        places_not_taken=course.places_left,
        applications_close_at=course.applications_close_at().isoformat().replace("+00:00", "Z"),
        no_more_offers=no_more_offers(course, now),
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


def application_out(view: ApplicationView) -> ApplicationOut:
    # ApplicationOut names the view's fields it shows; the rest (the page's) stay in.
    return ApplicationOut.model_validate(view, from_attributes=True)


# -- the webhook's answer, for the OpenAPI document ---------------------------------------


class WebhookAnswer(Model):
    received: Literal[True]
    action: str = Field(description="What the event did, or 'ignore'")
    status: str | None = Field(default=None, description="The application's status after it")
    reason: str | None = None
