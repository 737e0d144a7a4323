"""Public representations: the response models of the API (and of its OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from booking.domain.course import Course, Money, SessionKind
from booking.services.applications import ApplicationView


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
    timezone: str
    enquiries_email: str | None
    facilitators: list[FacilitatorOut] = Field(
        default_factory=list, description="Named facilitators only; their addresses stay private"
    )
    sessions: list[SessionOut]


class ApplicationOut(BaseModel):
    application_id: str
    course_id: str
    status: Literal[
        "pending_review",
        "declined",
        "awaiting_payment",
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


class CheckoutOut(BaseModel):
    checkout_url: str


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


class AnswersOut(BaseModel):
    name: str
    email: str
    job_title: str
    organisation: str
    leadership_role: str
    motivation: str
    accessibility_needs: str


class PersonApplicationOut(BaseModel):
    application_id: str
    course_id: str
    status: str
    created_at: str
    answers: AnswersOut
    amount_paid: int
    amount_refunded: int


class PersonExport(BaseModel):
    """Everything held about one person (``GET /admin/people/{email}``)."""

    email: str
    applications: list[PersonApplicationOut]


class ErasureOut(BaseModel):
    erased_applications: list[str]


class WebhookAnswer(BaseModel):
    received: Literal[True]
    action: str = Field(description="What the event did, or 'ignore'")
    status: str | None = Field(default=None, description="The application's status after it")
    reason: str | None = None
