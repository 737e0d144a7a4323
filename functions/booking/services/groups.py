"""Places booked by a manager (``domain.groups``): finding a group and what its manager sees.

The use cases live beside it, one module each: ``group_booking`` (a manager books places),
``group_applying`` (a colleague applies through their link), ``group_changes`` (a substitution,
a place given up), ``group_sweep`` (holds and deadlines that ran out), ``group_erasure`` (a person
erased), ``group_payments`` (Stripe's events) and ``group_emails`` (what the manager is sent).
Names and addresses stay here and in the table: Stripe is told the group's id and the number of
places, never who they are for.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from aws_lambda_powertools import Logger

from booking.domain.application import CheckoutRef
from booking.domain.billing import BillingDetails, InvoiceRef
from booking.domain.course import Course
from booking.domain.disputes import GroupDisputesSaid
from booking.domain.emails import OutgoingEmail
from booking.domain.errors import Conflict, DependencyUnavailable, NotFound
from booking.domain.group_figures import invoice_being_replaced, payment_settling
from booking.domain.group_overview import managers_place_state
from booking.domain.groups import GroupBooking, GroupPlace, GroupStatus, group_disputes_said
from booking.domain.invoices import InvoicePaying
from booking.domain.links import with_query
from booking.domain.wording import cohort_name, places_words
from booking.services.access import existing_course
from booking.services.invoice_requests import invoice_paying as invoice_paying_at_stripe
from booking.services.ports import CheckoutRequest, InvoiceRequest, Ports, RenderedEmail
from booking.services.provider_erasure import sent_invoice

logger = Logger(child=True)


@dataclass(frozen=True)
class PlaceView:
    """One place of a group booking, as its manager sees it."""

    number: int
    name: str
    email: str
    state: str  # not_applied | an application's status | released
    application_id: str | None
    reference: str | None
    link: str | None  # the colleague's own link while it can be used


@dataclass(frozen=True)
class GroupView:
    """A group booking's page for its manager."""

    group: GroupBooking
    course: Course
    manager_url: str
    places: tuple[PlaceView, ...]
    # The course has begun: its places change no more (``refuse_once_started``), so the
    # manager's page offers no substitution or give-up the API would refuse.
    begun: bool = False
    # Before the apply-by date (never once begun): a colleague's link works, and another
    # colleague may be named for a place (``group_changes.substitute``).
    applying: bool = False
    # The course still takes applications: an unpaid group's place may be given up (a new
    # payment opened for the places kept), else only its last (``domain.group_give_ups``).
    taking_applications: bool = True

    @property
    def pay_url(self) -> str | None:
        """Where the manager pays now (the open checkout, or the invoice's page)."""
        group = self.group
        if payment_settling(group):  # paid already: the bank has yet to confirm it
            return None
        if group.status is GroupStatus.AWAITING_PAYMENT and group.checkout is not None:
            return group.checkout.url
        if invoice_being_replaced(group):
            return None  # voided (or being voided) at Stripe: its page could not be paid
        if group.status is GroupStatus.AWAITING_INVOICE_PAYMENT and group.invoice is not None:
            return group.invoice.url
        return None


def find_group(ports: Ports, group_id: str) -> GroupBooking:
    group = ports.groups.get_group(group_id) if group_id else None
    if group is None:
        raise NotFound(f"no group booking {group_id!r}")
    return group


def managed_group(ports: Ports, group_id: str, token: str) -> GroupBooking:
    """The group whose manager's link this is (NotFound for a wrong id or token alike)."""
    group = find_group(ports, group_id)
    if not token or not group.manager_may_see(token):
        raise NotFound(f"no group booking {group_id!r}")
    return group


def manager_url(ports: Ports, group: GroupBooking) -> str:
    return with_query(f"{ports.public_base_url}/groups/{group.group_id}", {"token": group.token})


def place_url(ports: Ports, group: GroupBooking, place: GroupPlace) -> str:
    return with_query(
        f"{ports.public_base_url}/groups/{group.group_id}/places/{place.number}/apply",
        {"token": place.token},
    )


def course_said(course: Course) -> dict[str, str]:
    """The course as a group's message names it: its title, the cohort as every message names
    it (the footer: its title and first day), its organisation and where to ask."""
    definition = course.definition
    return {
        "title": definition.title,
        "name": cohort_name(course),
        "organisation": definition.organisation or "",
        "enquiries_email": definition.enquiries_email or "",
    }


def group_message(course: Course, to: list[str], rendered: RenderedEmail) -> OutgoingEmail:
    """A group booking's message as its course sends it: from the course by name, a reply
    reaching the centre's enquiries address."""
    definition = course.definition
    return OutgoingEmail(
        to=to,
        reply_to=[definition.enquiries_email] if definition.enquiries_email else [],
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        sender_name=definition.title,
    )


def view_of(ports: Ports, group: GroupBooking) -> GroupView:
    course = existing_course(ports, group.course_id)
    now = ports.clock()
    # A colleague's link works until the apply-by date, never past the first start (the
    # applying path's own refusal, ``services.group_applying``): only a link that works is
    # shown.
    applying = now < group.apply_by and now < course.first_start()
    places: list[PlaceView] = []
    for place in group.places:
        holder_id = ports.groups.place_holder(group.group_id, place.number)
        holder = ports.repository.get_application(holder_id) if holder_id else None
        if holder is not None and holder.enrolment_ended:
            holder = None
        open_link = (
            group.status is GroupStatus.PAID
            and applying
            and not place.released
            and not place.erased
            and holder is None
        )
        places.append(
            PlaceView(
                number=place.number,
                name=place.colleague.name,
                email=place.colleague.email,
                state=managers_place_state(group, place, holder),
                application_id=holder.application_id if holder else None,
                reference=holder.reference if holder else None,
                link=place_url(ports, group, place) if open_link else None,
            )
        )
    begun = now >= course.first_start()
    taking = course.accepts_applications(now)
    return GroupView(
        group, course, manager_url(ports, group), tuple(places), begun, applying, taking
    )


def get_group(ports: Ports, group_id: str, token: str) -> GroupView:
    return view_of(ports, managed_group(ports, group_id, token))


def group_reader(ports: Ports, group_id: str) -> Callable[[], GroupBooking]:
    return lambda: find_group(ports, group_id)


def void_quietly(ports: Ports, group: GroupBooking) -> None:
    """Void a lapsed group's invoice so it cannot be paid for seats no longer held; if it was
    paid first, its payment's event gives the money back."""
    assert group.invoice is not None
    try:
        ports.payments.void_invoice(group.invoice.invoice_id)
    except (Conflict, DependencyUnavailable):
        logger.warning("a lapsed group's invoice left open", extra={"group_id": group.group_id})


def invoice_paying(ports: Ports, group: GroupBooking) -> InvoicePaying:
    """What Stripe holds of unpaid ``group``'s invoice, read once before it is replaced,
    voided or its hold ended (``services.invoice_requests.invoice_paying``); NOT_PAID for a
    group with no open invoice (by card, paid or over)."""
    invoice = group.invoice
    if group.status is not GroupStatus.AWAITING_INVOICE_PAYMENT or invoice is None:
        return InvoicePaying.NOT_PAID
    return invoice_paying_at_stripe(ports, invoice.invoice_id)


def places_line(group: GroupBooking, course: Course) -> str:
    """The invoice's line: how many places, on which course (never who they are for)."""
    # The cohort by title and first day: an accounts team may pay for two cohorts of it.
    return f"{places_words(group.seats_held or len(group.places))}: {cohort_name(course)}"


def invoice_for_places(
    ports: Ports,
    group: GroupBooking,
    course: Course,
    *,
    billing: BillingDetails,
    due_at: datetime,
    attempt: int,
    drafted: Callable[[str], None] | None = None,
) -> InvoiceRef:
    """An invoice to the employer for the places ``group`` holds (the first, or one replacing
    it: ``attempt``), sent to its billing contact; ``drafted``: told its id ahead."""
    return sent_invoice(
        ports,
        InvoiceRequest(
            application_id=group.group_id,
            course_id=group.course_id,
            description=places_line(group, course),
            amount=group.total,
            billing=billing,
            due_at=due_at,
            attempt=attempt,
        ),
        drafted,
    )


def checkout_for_places(
    ports: Ports, group: GroupBooking, course: Course, *, expires_at: datetime, attempt: int
) -> CheckoutRef:
    """A Checkout Session for the places ``group`` holds, paid by its manager, who returns to
    their page either way."""
    back = manager_url(ports, group)
    return ports.payments.create_checkout(
        CheckoutRequest(
            # The manager pays, and comes back to their page whether they paid or not.
            customer_email=group.manager.email,
            success_url=back,
            cancel_url=back,
            product_name=places_line(group, course),
            price=group.total,
            application_id=group.group_id,
            course_id=group.course_id,
            expires_at=expires_at,
            attempt=attempt,
        )
    )


def organisations_of_course(ports: Ports, course_id: str) -> dict[str, str]:
    """Each group booking of the course: the organisation its manager booked for (what a
    roster of the course says beside its colleagues' places)."""
    return {g.group_id: g.organisation for g in ports.groups.groups_of_course(course_id)}


def group_disputes_beside(group: GroupBooking, timezone: str) -> GroupDisputesSaid:
    """``group``'s disputes in words beside a colleague's place: as its places stand, and for
    a colleague whose own booking holds no place any more."""
    return GroupDisputesSaid(
        held=group_disputes_said(group, timezone),
        gone=group_disputes_said(group, timezone, colleague_gone=True),
    )


def groups_disputed(ports: Ports, course_id: str, timezone: str) -> dict[str, GroupDisputesSaid]:
    """Each group booking of the course whose payment a payer's bank disputed: its disputes
    in words (what the roster says beside its colleagues' places, as beside a person's)."""
    return {
        g.group_id: group_disputes_beside(g, timezone)
        for g in ports.groups.groups_of_course(course_id)
        if g.disputes
    }


def organisation_of(
    ports: Ports, group_id: str | None, timezone: str
) -> tuple[dict[str, str], dict[str, GroupDisputesSaid]]:
    """The organisation of one group booking, and its payment's disputes in words (nothing
    when there is none), from one read: what one application's record reads, without every
    group of its course (``organisations_of_course``, ``groups_disputed``)."""
    group = ports.groups.get_group(group_id) if group_id is not None else None
    if group is None:
        return {}, {}
    said = group_disputes_beside(group, timezone) if group.disputes else None
    return {group.group_id: group.organisation}, ({group.group_id: said} if said else {})
