"""What the API answers about places booked by a manager (``services.groups``): JSON models,
named in the OpenAPI document."""

from typing import Literal

from pydantic import Field

from booking.domain.employer_share import owed_by_hand_to_the_manager
from booking.domain.group_endings import GroupEnding
from booking.domain.group_figures import group_figures, managers_status, payment_settling
from booking.domain.group_overview import GroupLine
from booking.domain.model import Model
from booking.domain.money import Money
from booking.services.group_overview import CourseGroupBookings
from booking.services.groups import GroupView


class GroupPlaceOut(Model):
    number: int = Field(description="The place's number in the booking (1..N), for good")
    name: str
    email: str
    state: str = Field(
        description="`not_applied`, `released` (given up, released at the apply-by date or by "
        "a refund at Stripe, or with a booking that ended unpaid), or the colleague's "
        "application status (`confirmed`)"
    )
    reference: str | None = Field(default=None, description="The colleague's booking reference")
    apply_url: str | None = Field(
        default=None,
        description="The colleague's own link to the application form, while it can be used "
        "(after payment, before the deadline, until they apply)",
    )


class GroupOut(Model):
    group_id: str
    course_id: str
    status: Literal["awaiting_payment", "awaiting_invoice_payment", "paid", "lapsed"]
    ended_because: GroupEnding | None = Field(
        default=None,
        description="Why it ended unpaid (status `lapsed`), or `refunded_at_stripe` (status "
        "`paid`: its payment refunded in full at Stripe), as the organisers' group bookings "
        "list says it (`GroupLine.ended_because`); null while it has not ended",
    )
    token: str = Field(description="The manager's secret token (their page's link)")
    manager_url: str = Field(description="The manager's page: each place's state")
    pay_url: str | None = Field(
        default=None, description="Stripe's checkout page, or the invoice's page, while unpaid"
    )
    price_per_place: Money
    status_said: str = Field(
        description="Its state in words, as the manager's page says it (one whose payment was "
        "refunded in full at Stripe has ended, though its status is still `paid`)"
    )
    total: Money
    places_kept: int = Field(
        description="The places it holds now: not given up, and none once it ended unpaid"
    )
    amount_paid: int = Field(
        description="Minor units Stripe took for it, every payment (one given back whole too)"
    )
    amount_refunded: int = Field(
        description="Minor units given back: places' shares, refunds made at Stripe and any "
        "payment given back whole (the page's and the organisers' figure)"
    )
    owed_by_hand_said: str = Field(
        default="",
        description="Paid outside Stripe (its invoice marked paid): what of it, paid for the "
        "places given up or released, is owed back to the employer by hand, to arrange with "
        "the organisers (never refunded from here), as the organisers' group bookings list "
        "says it; empty when nothing is owed so",
    )
    hold_expires_at: str | None = Field(
        default=None,
        description="Unpaid: the seats go back then (null once a delayed payment is settling)",
    )
    apply_by: str = Field(description="Colleagues apply through their links before this")
    places: list[GroupPlaceOut]


def group_out(view: GroupView) -> GroupOut:
    group = view.group
    figures = group_figures(group)
    return GroupOut(
        group_id=group.group_id,
        course_id=group.course_id,
        status=group.status.value,
        ended_because=group.ended_because,
        token=group.token,
        manager_url=view.manager_url,
        pay_url=view.pay_url,
        price_per_place=group.price,
        status_said=managers_status(group, view.applying),
        total=group.total,
        places_kept=figures.places_kept,
        amount_paid=figures.amount_paid,
        amount_refunded=figures.amount_refunded,
        owed_by_hand_said=owed_by_hand_to_the_manager(group),
        hold_expires_at=group.hold_expires_at.isoformat()
        if group.hold_expires_at and not payment_settling(group)
        else None,
        apply_by=group.apply_by.isoformat(),
        places=[
            GroupPlaceOut(
                number=place.number,
                name=place.name,
                email=place.email,
                state=place.state,
                reference=place.reference,
                apply_url=place.link,
            )
            for place in view.places
        ],
    )


# -- a course's group bookings, as its organisers see them ------------------------------------


class CourseGroupBookingsOut(Model):
    course_id: str
    course_title: str
    console_url: str = Field(description="The console's page of the same")
    groups: list[GroupLine]


def group_bookings_out(found: CourseGroupBookings, console_base: str) -> CourseGroupBookingsOut:
    course = found.course
    return CourseGroupBookingsOut(
        course_id=course.course_id,
        course_title=course.definition.title,
        console_url=f"{console_base}/console/courses/{course.course_id}/group-bookings",
        groups=list(found.groups),
    )


class GroupPaymentRecordedOut(GroupLine):
    """The answer to recording a group's invoice as paid outside Stripe: the group after it,
    and what this request did (a second run, or an invoice its payer paid at Stripe, records
    nothing, and says so)."""

    recorded: Literal["now", "before", "paid_at_stripe"] = Field(
        description="`now`: this request marked the invoice paid outside Stripe; `before`: an "
        "earlier request had, and this one changed nothing and emailed nobody (a retry, a "
        "second run); `paid_at_stripe`: its payer paid it at Stripe, so nothing was recorded "
        "(its share of any place given up is refunded at Stripe, not by hand)"
    )


class GroupInvoiceCorrectedOut(GroupLine):
    """The answer to correcting a group's invoice: the group after it, and whether this
    request changed it (the same details again, or a second press, send nothing)."""

    corrected: bool = Field(
        description="`true`: this request voided the old invoice and sent the corrected one; "
        "`false`: the invoice was addressed to these details already, nothing was sent"
    )
