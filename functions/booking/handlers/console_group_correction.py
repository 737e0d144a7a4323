"""The group card's *Correct the invoice* on the console (``services.group_invoice_correction``):
the page with the billing details as the group's invoice has them, to correct, saying what
sending the corrected invoice does before the press, and the press, acting on what that page
showed (``domain.page_seen``). A detail that is not one is said beside its field on that page
again, as typed, nothing sent. Registered on the console's resolver; the use case loads with
its first press (a group's invoice is no other page's)."""

from __future__ import annotations

from collections.abc import Mapping

from booking.bootstrap import ports
from booking.domain.billing import InvoiceRef
from booking.domain.errors import BookingError, Conflict, InvalidInput
from booking.domain.group_invoice_correction import (
    as_its_page_showed,
    billing_to_correct,
    correction_offered,
)
from booking.domain.groups import GroupBooking
from booking.domain.page_seen import Seen, group_seen
from booking.domain.read_against import pressed_on
from booking.domain.statuses import ERASED_EMAIL
from booking.domain.wording import money_words, places_words
from booking.handlers.console_app import changed_since_shown, html_page, posted_form
from booking.handlers.console_app import served as console_served
from booking.handlers.console_billing_form import (
    BILLING_LABELS,
    billing_mistakes,
    billing_typed_back,
    old_contact_told,
    with_po_needed,
)
from booking.handlers.console_groups import (
    GROUP_CORRECTED_ALREADY,
    acted_on_the_card,
    group_confirmation,
    refused_on_the_card,
)
from booking.handlers.console_pages import voided_at_stripe
from booking.handlers.resolver import Response
from booking.handlers.routes.group_invoice_correction import GROUP_INVOICE_CORRECTED
from booking.handlers.sentences import sentence
from booking.services.groups import find_group
from booking.services.invoice_correction import billing_typed

NO_INVOICE_TO_CORRECT = "this group booking has no open invoice to correct"


def _lines(group: GroupBooking) -> list[str]:
    """What sending the corrected invoice does, each in a line."""
    invoice = group.invoice
    assert invoice is not None  # only an open invoice is offered a correction
    amount = money_words(invoice.amount_due, invoice.currency)
    manager = group.manager
    return [
        voided_at_stripe(invoice),
        f"A new invoice for the same {places_words(group.places_kept)}, {amount}, due on the "
        "same day, is sent to the billing details below: Stripe emails it to the billing email.",
        "Every place stays held for the group, and each colleague's link and application "
        "stay as they are.",
        f"{manager.name}, the manager, is not emailed: the group's page shows the new invoice.",
        *_old_contact_told(group, invoice),
        "If the employer pays the old invoice before this is done, nothing is changed and the "
        "payment pays for the places.",
    ]


def _old_contact_told(group: GroupBooking, invoice: InvoiceRef) -> list[str]:
    """What the contact the invoice went to is told if the billing email changes
    (``domain.payer.group_replaced_invoice_notice``)."""
    billing = group.billing
    if billing is None or billing.billing_email == ERASED_EMAIL:
        return []
    return [old_contact_told(billing.billing_email, invoice)]


def correction_page(
    group: GroupBooking,
    typed: Mapping[str, object],
    mistakes: dict[str, str] | None,
    seen: str,
    problem: str = "",
) -> str:
    """The confirmation page: ``typed``, the details in its fields; ``mistakes`` (a press's),
    beside them, every one at once (a purchase order number the course needs too);
    ``problem``: why a press was refused, above them."""
    course = ports().repository.get_course(group.course_id)
    po_required = course is not None and course.definition.po_required
    return group_confirmation(
        "group_correct_confirm.html",
        group,
        course,
        lines=_lines(group),
        seen=seen,
        billing=typed,
        po_required=po_required,
        errors=with_po_needed(mistakes, po_required) if mistakes is not None else {},
        labels=BILLING_LABELS,
        problem=problem,
    )


@console_served("consoleCorrectGroupInvoiceConfirmation")
def correct_group_confirmation(group_id: str) -> Response[str]:
    group = find_group(ports(), group_id)
    if not correction_offered(group):
        return refused_on_the_card(group_id, Conflict(NO_INVOICE_TO_CORRECT))
    billing = billing_to_correct(group)
    assert billing is not None  # offered only with billing details
    seen = group_seen(as_its_page_showed(group))
    return html_page(200, correction_page(group, billing.model_dump(), None, seen))


@console_served("consoleCorrectGroupInvoice")
def correct_group_invoice(group_id: str) -> Response[str]:
    """The page's *Yes, send the corrected invoice*: each wrong detail said beside its field
    on the page again (422), nothing sent; any other refusal above the group bookings page."""
    # Loaded by its first press, not the console's init (tests/unit/test_cold_start_imports).
    from booking.services.group_invoice_correction import correct_group_invoice as correct

    group = find_group(ports(), group_id)  # an unknown group: 404 before anything is read
    posted = posted_form()
    typed = billing_typed_back()

    def act(shown: Seen | None) -> tuple[GroupBooking, str]:
        corrected, changed = correct(
            ports(), group_id, billing_typed(typed), read_against=pressed_on(shown)
        )
        return corrected, GROUP_INVOICE_CORRECTED if changed else GROUP_CORRECTED_ALREADY

    def again(wrong: BookingError) -> Response[str] | None:
        if changed_since_shown(wrong):
            return _again_as_it_is_now(group_id, typed, sentence(wrong.message))
        mistakes = billing_mistakes(wrong) if isinstance(wrong, InvalidInput) else None
        if mistakes is None or not correction_offered(group):
            return None
        return html_page(422, correction_page(group, typed, mistakes, _seen_posted(posted)))

    return acted_on_the_card(group_id, act, seen=True, again=again)


def _again_as_it_is_now(
    group_id: str, typed: Mapping[str, object], problem: str
) -> Response[str] | None:
    """The group changed since the page was opened: the page again as it is now (its ``seen``
    too), what was typed kept, ``problem`` above; None when it has no invoice to correct now."""
    group = find_group(ports(), group_id)
    if not correction_offered(group):
        return None
    seen = group_seen(as_its_page_showed(group))
    return html_page(409, correction_page(group, typed, {}, seen, problem))


def _seen_posted(posted: Mapping[str, object]) -> str:
    """The ``seen`` the form posted, carried on its page again (what the page showed is
    what it showed first, not what the group is now)."""
    seen = posted.get("seen")
    return seen if isinstance(seen, str) else ""
