"""The console's page of a course's group bookings (registered on the console's resolver,
``handlers/console_app.py``; what it says is ``domain.group_overview``), and its button that
voids a group's open invoice (``services.group_invoice_void``) or sends it again
(``services.group_invoice_resend``). Those two load with the first such button: a group's
invoice (its replacement, the payments' events) is no other page's."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from booking.bootstrap import ports
from booking.domain.errors import BookingError, Conflict, DependencyUnavailable, InvalidInput
from booking.domain.groups import GroupBooking
from booking.domain.page_seen import Seen, group_seen
from booking.domain.payment_received import FIELDS as RECEIVED_FIELDS
from booking.domain.statuses import ERASED_EMAIL
from booking.domain.wording import places_words
from booking.handlers import http
from booking.handlers.console_app import (
    after_action,
    changed_since_shown,
    chrome,
    form_again_on,
    form_seen,
    html_page,
    notice_here,
    served,
)
from booking.handlers.console_pages import (
    Chrome,
    console_page,
    course_console_page,
    course_heading,
    invoice_named,
    marked_paid_off_stripe,
)
from booking.handlers.console_paid_off_stripe import received_form, received_typed
from booking.handlers.resolver import Response
from booking.handlers.routes.group_given_back import GROUP_GIVEN_BACK_BY_HAND
from booking.handlers.routes.group_invoice import GROUP_INVOICE_RESENT, GROUP_INVOICE_VOIDED
from booking.handlers.routes.group_invoice_correction import GROUP_INVOICE_CORRECTED
from booking.handlers.routes.paid_off_stripe import GROUP_INVOICE_PAID_OFF_STRIPE
from booking.handlers.sentences import sentence
from booking.services import paid_off_stripe
from booking.services.groups import find_group
from booking.services.paid_off_stripe import GroupRecordPreview

if TYPE_CHECKING:
    from booking.domain.course import Course
    from booking.services.group_overview import CourseGroupBookings

GROUP_PAID_ALREADY = "group_invoice_paid_already"
GROUP_CORRECTED_ALREADY = "group_invoice_corrected_already"
# What the page says, once, after its button did what it says (``after_action``).
GROUP_DONE_WORDS = {
    GROUP_INVOICE_VOIDED: "Invoice voided. The group's seats have gone back to the course "
    "(offered first to anyone on the waiting list), and the manager has been emailed that the "
    "invoice was cancelled.",
    GROUP_INVOICE_RESENT: "Stripe is sending the invoice to the billing contact again.",
    GROUP_INVOICE_PAID_OFF_STRIPE: "Payment recorded: Stripe holds the invoice as paid outside "
    "Stripe, and the group's places are the colleagues' to apply for.",
    GROUP_PAID_ALREADY: "The invoice was recorded as paid already. Nothing changed this time.",
    GROUP_INVOICE_CORRECTED: "Invoice corrected. The old invoice is voided at Stripe, and "
    "Stripe is emailing the new one, for the same places and due day, to the corrected "
    "billing email.",
    GROUP_CORRECTED_ALREADY: "The invoice already goes to these billing details. Nothing was "
    "sent this time.",
    GROUP_GIVEN_BACK_BY_HAND: "Recorded as given back by hand: the course's money counts it as "
    "refunded. Nothing was asked of Stripe and nobody was emailed.",
    f"{GROUP_GIVEN_BACK_BY_HAND}_already": "That was recorded as given back already. Nothing "
    "changed this time.",
}


def group_bookings_page(
    chrome: Chrome, found: CourseGroupBookings, *, done: str = "", problem: str = ""
) -> str:
    # Loaded with the overview that made ``found`` (see course_group_bookings).
    from booking.domain.group_overview import STILL_TO_APPLY

    course = found.course
    return course_console_page(
        "group_bookings.html",
        chrome,
        course,
        timezone=course.definition.timezone,
        groups=found.groups,
        # An erased manager's placeholder address is nobody's to write to.
        erased_email=ERASED_EMAIL,
        still_to_apply=STILL_TO_APPLY,
        done=GROUP_DONE_WORDS.get(done, ""),
        problem=problem,
    )


def course_group_bookings(course_id: str) -> CourseGroupBookings:
    """The course's group bookings as the page shows them. Their overview (its figures and each
    group's refunds, 4 modules) loads with the first such page: the console's other pages, the
    home page's money included, never read it."""
    from booking.services.group_overview import course_group_bookings as overview

    return overview(ports(), course_id)


@served("consoleCourseGroupBookings")
def group_bookings(course_id: str) -> Response[str]:
    found = course_group_bookings(course_id)
    return html_page(200, group_bookings_page(chrome(), found, done=notice_here().done))


@served("consoleVoidGroupInvoice")
def void_group_invoice(group_id: str) -> Response[str]:
    from booking.services import group_invoice_void  # on its first press (above)

    def void(shown: Seen | None) -> tuple[GroupBooking, str]:
        voided = group_invoice_void.void_group_invoice(ports(), group_id, shown)
        return voided, GROUP_INVOICE_VOIDED

    return acted_on_the_card(group_id, void, seen=True)


@served("consoleResendGroupInvoice")
def resend_group_invoice(group_id: str) -> Response[str]:
    from booking.services import group_invoice_resend  # on its first press (above)

    def resend(_shown: Seen | None) -> tuple[GroupBooking, str]:
        return group_invoice_resend.resend_group_invoice(ports(), group_id), GROUP_INVOICE_RESENT

    return acted_on_the_card(group_id, resend)


def acted_on_the_card(
    group_id: str,
    act: Callable[[Seen | None], tuple[GroupBooking, str]],
    *,
    seen: bool = False,
    again: Callable[[BookingError], Response[str] | None] | None = None,
) -> Response[str]:
    """A button on a group's card: ``act`` on the group (given what its card or confirmation
    showed, when ``seen``: its form's ``seen``, the group changed since, nothing done), then
    its course's group bookings page saying what ``act`` names as done, once, or that page
    again saying why not (a form without ``seen`` too; ``again``: a confirmation's own fields'
    mistakes said on it again, beside each, or the group changed since it was opened: it again
    as the group is now, what was typed kept)."""
    try:
        shown = form_seen(page="the group bookings page") if seen else None
        acted_on, done = act(shown)
    except InvalidInput as mistaken:
        form = again(mistaken) if again is not None else None
        return form if form is not None else refused_on_the_card(group_id, mistaken)
    except (Conflict, DependencyUnavailable) as refused:
        kept = again(refused) if again is not None and changed_since_shown(refused) else None
        return kept if kept is not None else refused_on_the_card(group_id, refused)
    return after_action(f"/console/courses/{quote(acted_on.course_id)}/group-bookings", done)


def refused_on_the_card(
    group_id: str, refused: Conflict | InvalidInput | DependencyUnavailable
) -> Response[str]:
    """The group exists (an unknown one is a 404 before anything is asked): its course's group
    bookings page again, saying why not."""
    found = course_group_bookings(find_group(ports(), group_id).course_id)
    page = group_bookings_page(chrome(), found, problem=sentence(refused.message))
    return html_page(http.status_for(refused), page)


def group_confirmation(
    template: str, group: GroupBooking, course: Course | None, **values: Any
) -> str:
    """A page asking to confirm an act on a group's booking: the group it acts on, named as
    each such page names it (its id for the form, its course's for the way back, the
    organisation and the course: its id when the course is no longer there), with what the act
    will do (``values``)."""
    return console_page(
        template,
        chrome(),
        group_id=group.group_id,
        course_id=group.course_id,
        organisation=group.organisation,
        course_title=course_heading(course) if course is not None else group.course_id,
        **values,
    )


def group_form_confirmation(
    template: str,
    group: GroupBooking,
    course: Course | None,
    lines: list[str],
    form: dict[str, Any],
) -> Response[str]:
    """A group's page asking to confirm an act with a form: ``lines``, what it will do; what
    the press then acts on, or refuses, is what the card showed (``page_seen.group_facts``);
    422 when ``form`` shows a press's mistakes beside their fields."""
    page = group_confirmation(template, group, course, lines=lines, seen=group_seen(group), **form)
    return html_page(422 if form["errors"] else 200, page)


@served("consoleRecordGroupPaymentConfirmation")
def record_group_payment_confirmation(group_id: str) -> Response[str]:
    return _group_paid_confirmation(group_id)


def _group_paid_confirmation(
    group_id: str, errors: dict[str, str] | None = None, typed: dict[str, str] | None = None
) -> Response[str]:
    """What recording the group's invoice as paid outside Stripe does, before the press (with
    a press's ``errors`` beside the fields it got wrong, ``typed`` kept: 422)."""
    try:
        preview = paid_off_stripe.record_group_confirmation(ports(), group_id)
    except Conflict as refused:
        return refused_on_the_card(group_id, refused)
    group, course = preview.group, preview.course
    form = received_form(group.invoice, errors, typed)
    lines = paid_off_stripe_lines(preview)
    return group_form_confirmation("group_paid_confirm.html", group, course, lines, form)


@served("consoleRecordGroupPayment")
def record_group_payment(group_id: str) -> Response[str]:
    def record(shown: Seen | None) -> tuple[GroupBooking, str]:
        received = received_typed()
        paid, changed = paid_off_stripe.record_group_payment(ports(), group_id, shown, received)
        return paid, GROUP_INVOICE_PAID_OFF_STRIPE if changed else GROUP_PAID_ALREADY

    again = partial(form_again_on(_group_paid_confirmation, RECEIVED_FIELDS), group_id)
    return acted_on_the_card(group_id, record, seen=True, again=again)


def paid_off_stripe_lines(preview: GroupRecordPreview) -> list[str]:
    """What recording the group's open invoice as paid outside Stripe does, each in a line,
    as its own decision says (``preview``)."""
    group = preview.group
    invoice = group.invoice
    assert invoice is not None  # only an open invoice is offered it
    _, amount = invoice_named(invoice)
    manager = group.manager
    acknowledged = (
        [
            f"The billing contact ({preview.acknowledged}) is emailed that the payment was "
            "received, with the day and the way given below."
        ]
        if preview.acknowledged
        else []
    )
    return [
        marked_paid_off_stripe(invoice),
        f"The group booking is paid: its {places_words(len(group.places))} are kept, and the "
        "colleagues can apply for them through their links.",
        f"{manager.name} ({manager.email}), the manager, is emailed that it is paid and the "
        "colleagues can apply, and each colleague named on a place is emailed their own link "
        "to apply.",
        *acknowledged,
        f"Stripe then holds no payment for it: a place given up later is not refunded from "
        f"here; its share of the {amount} is owed back to the employer by hand.",
    ]
