"""The place of a manager's group booking an application fills (a record on the application;
the group and its rules are ``domain.groups``), and what is said of it to the organisers and to
a colleague applying on their own: here, so that deciding a booking's payment or refusal (the
webhook's, ``domain.settlement``) or a person's one place (the API's submission) loads none of
the groups' models, which only a group's requests use."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from pydantic import ConfigDict

from booking.domain.model import Model

if TYPE_CHECKING:
    from booking.domain.application import Application
    from booking.domain.groups import GroupBooking


class GroupStatus(StrEnum):
    """Where a group booking stands (``domain.groups``). Here, with the place an application
    fills, so that the table's condition on a claimed place (the group is paid) names it
    without loading the groups' models, which only group requests use."""

    AWAITING_PAYMENT = "awaiting_payment"  # the checkout is open; seats held until it expires
    AWAITING_INVOICE_PAYMENT = "awaiting_invoice_payment"  # seats held until it falls due
    PAID = "paid"  # places held for the colleagues to apply
    LAPSED = "lapsed"  # ended without being paid: its seats went back


class GroupPlaceRef(Model):
    """The place of a manager's group booking (``domain.groups``) an application fills: the
    group, the place's number in it, and the group's version when the colleague's link was
    checked (the save that claims the place holds the group to it, so a substitution or a
    cancellation in between refuses the claim)."""

    model_config = ConfigDict(frozen=True)

    group_id: str
    place: int
    group_version: int


def fills_a_group_place(application: Application) -> bool:
    """Whether ``application`` is a colleague's booking on a manager's group place now."""
    return application.group_place is not None and not application.enrolment_ended


def the_place_is_the_groups(organisation: str, *, paid_off_stripe: bool = False) -> str:
    """Why the organisers leave a colleague's booking to the manager, and who to ask
    (``paid_off_stripe``: the group was paid outside Stripe, so a place given up refunds
    nothing from here)."""
    by = f" ({organisation})" if organisation else ""
    share = (
        "it was paid outside Stripe, so its share is not refunded from here: the employer "
        "arranges its refund with you"
        if paid_off_stripe
        else "its share is refunded to the employer"
    )
    return (
        f"this booking fills a place of a manager's group booking{by}, paid for by the "
        f"employer, so the manager decides who takes it: on their booking's page they can give "
        f"the place up ({share}) or name someone else (this person's link then stops working). "
        "Ask the manager: they are named on the course's group bookings page"
    )


def booked_for_you(group: GroupBooking) -> str:
    """What someone named on ``group`` is told when they apply on their own, as the booking
    stands: their link is emailed only once the group is paid, so before then none exists."""
    if group.status is GroupStatus.PAID:
        return (
            f"A place on this course has been booked for you by {group.organisation}; apply "
            "through the link in the email we sent you about it"
        )
    return (
        f"A place on this course is being booked for you by {group.organisation}; you will be "
        "emailed a link to apply once it is paid"
    )
