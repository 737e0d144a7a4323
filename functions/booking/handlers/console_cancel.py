"""The console's step before cancelling (a slip of the mouse ended a booking
and emailed its person): the page that says what the cancel will do, in words and pounds, whose
form then posts the cancel itself (``handlers.console``'s ``consoleCancel``, unchanged).
Registered on the console's resolver (``handlers/console_app.py``)."""

from __future__ import annotations

from urllib.parse import quote

from booking.bootstrap import ports
from booking.domain.application import ApplicationStatus
from booking.domain.commands import nobody_to_tell
from booking.domain.course import Course
from booking.domain.errors import InvalidInput
from booking.domain.facilitators_told import (
    CANCELLED_BY_ORGANISERS,
    facilitators_told_it_ended,
)
from booking.domain.off_stripe import kept_off_stripe, nothing_at_stripe_to_refund
from booking.domain.page_seen import Seen, cancel_seen
from booking.domain.wording import money_words, status_named
from booking.handlers import console_application as application_pages
from booking.handlers import http
from booking.handlers.console_app import (
    FORM_OUT_OF_DATE,
    chrome,
    form_seen,
    html_page,
    query_value,
    served,
    typed_value,
)
from booking.handlers.console_application import not_now
from booking.handlers.console_pages import (
    Chrome,
    course_heading,
    lines_confirmation,
    render_confirmation,
    told_lines,
    voided_at_stripe,
)
from booking.handlers.resolver import Response
from booking.handlers.sentences import capitalised
from booking.services import cancel_preview, decline_preview, invoicing, lifecycle, void_preview
from booking.services.acted import Acted
from booking.services.cancel_preview import CancelConfirmation, CancelPreview
from booking.services.console import ApplicationDetail, application_detail
from booking.services.facilitators_copies import facilitators_mailed
from booking.services.void_preview import VoidPreview


def _emailed(detail: ApplicationDetail, preview: CancelPreview | None) -> list[str]:
    """Who the cancel emails, each in a line, as its own decision says (``preview``; None: a
    place the organisers give up for its group, its facilitators by their one rule)."""
    application = detail.application
    lines: list[str] = []
    refusal = nobody_to_tell(application)
    if refusal is not None:
        # Only the person: their billing contact and the facilitators may still be, below
        # ("Nobody is emailed" then a line emailing the billing contact).
        lines.append(f"The person is not emailed: {refusal.message}.")
    elif detail.address_suppressed:
        lines.append(
            "The person is not emailed: emails to their address bounced or were marked as spam."
        )
    elif preview is None or preview.person_emailed:
        who = f"{application.answers.name} ({application.answers.email})"
        lines.append(f"{who} is emailed that it is cancelled.")
    if preview is not None and preview.billing_contact:
        lines.append(
            f"Their billing contact ({preview.billing_contact}) is emailed that it is cancelled, "
            "as the invoice was sent to them."
        )
    told = (
        preview.facilitators_told
        if preview is not None
        else bool(facilitators_told_it_ended(application, CANCELLED_BY_ORGANISERS))
        and bool(facilitators_mailed(ports(), application, detail.course))
    )
    if told:
        facilitators = len(detail.course.definition.facilitators)
        plural = "s are" if facilitators > 1 else " is"
        lines.append(f"The course's facilitator{plural} told the participant has withdrawn.")
    if refusal is not None and len(lines) == 1:
        return [f"Nobody is emailed about it: {refusal.message}."]
    return lines


def _money(confirming: CancelConfirmation) -> str:
    """What happens to the money paid, in pounds: with a refund, what Stripe is asked for, or
    why none can be made while the payer's bank holds the payment in a dispute."""
    detail, preview, refund = confirming.detail, confirming.preview, confirming.refund
    currency = detail.course.definition.price.currency
    given = preview.refunded if refund and preview is not None else detail.refundable
    amount = money_words(given, currency) if given else ""
    if not amount and detail.application.payment_pending:  # a bank debit
        due = f" of {money_words(detail.left_to_pay, currency)}" if detail.left_to_pay else ""
        return f"A payment{due} is going through: if it arrives, it is refunded in full."
    if refund and (held := confirming.held_by_a_dispute):  # charged back
        payment = (
            "the group booking's payment for this place"
            if detail.application.group_place is not None
            else "this payment"
        )
        return (
            f"No refund can be made: the payer's bank has taken back {money_words(held, currency)} "
            f"of {payment} in a dispute, so a refund would pay them twice (Stripe refuses "
            "it, and the cancel is refused with it). Cancel without the refund, or wait for "
            "the dispute's outcome."
        )
    if not amount and nothing_at_stripe_to_refund(detail.application):  # paid off Stripe
        kept = money_words(kept_off_stripe(detail.application), currency)
        return (
            f"Nothing is refunded from here: the {kept} paid was paid outside Stripe (its "
            "invoice marked as paid), so Stripe holds no payment to refund. Give it back by "
            "hand, the way it came, then record it on the booking's page (Record money given "
            "back by hand): the course's money then counts it as refunded."
        )
    if not amount:
        return "Nothing is refunded: nothing was paid that could be given back."
    to = f" to {detail.refund_to}" if detail.refund_to else ""
    if refund:
        return f"{amount} is refunded{to} through Stripe."
    return (
        f"Nothing is refunded: the {amount} paid is kept. You can refund it later from the "
        "application's page."
    )


def _seat(detail: ApplicationDetail, preview: CancelPreview | None = None) -> str:
    """What becomes of the place it holds, and of one held for a move waiting for payment
    (that one went on to its cohort's waiting list unsaid)."""
    own = (
        _place_back(detail.course, "Its place", "the course")
        if detail.application.seat_held
        else "It holds no place on the course, so none goes back."
    )
    move = preview.move_cohort if preview is not None else None
    if move is None:
        return own
    held = "The place held for its move, which waits for its payment, ends with it and"
    return f"{own} {_place_back(move, held, course_heading(move))}"


def _place_back(course: Course, what: str, where: str) -> str:
    """``what`` goes back to ``course`` (called ``where``), its waiting list first."""
    waiting = course.waiting
    if waiting:
        people = "person is" if waiting == 1 else "people are"
        return (
            f"{what} goes back to {where}: {waiting} {people} on the waiting list, and the "
            "first is offered it while places can still be offered."
        )
    return f"{what} goes back to {where}, free for the next person to book."


def cancel_confirmation_page(chrome: Chrome, confirming: CancelConfirmation) -> str:
    detail, preview, refund = confirming.detail, confirming.preview, confirming.refund
    application = detail.application
    return render_confirmation(
        "cancel_confirm.html",
        chrome,
        detail,
        ended="booking" if application.status is ApplicationStatus.CONFIRMED else "application",
        emailed=_emailed(detail, preview),
        money=_money(confirming),
        seat=_seat(detail, preview),
        refund=refund and bool(detail.refundable),
        # What the cancel then acts on, or refuses (``domain.page_seen``).
        seen=detail.seen,
    )


def seen() -> Seen:
    """What the confirmation page showed, posted back with its press (``domain.page_seen``):
    its ``seen``, or the older pair a page shown before it carried (the pence as digits)."""
    status = typed_value("status_seen") or None
    paid = typed_value("paid_seen") or None
    pence = int(paid) if paid is not None and paid.isascii() and paid.isdigit() else paid
    try:
        older = cancel_seen(status, pence)
    except InvalidInput as unclear:  # hidden fields: said above the page, not beside a box
        raise InvalidInput(FORM_OUT_OF_DATE) from unclear
    return form_seen(older)


@served("consoleCancelConfirmation")
def cancel_confirmation(application_id: str) -> Response[str]:
    typed = query_value("refund") or ""
    confirming = cancel_preview.cancel_confirmation(ports(), application_id, typed)
    detail = confirming.detail
    if "cancel" not in detail.actions:
        status = status_named(detail.application.status.value)
        return not_now(detail, f"this application is {status}, so it cannot be cancelled now")
    return html_page(200, cancel_confirmation_page(chrome(), confirming))


def refund_afterwards(application_id: str) -> Acted:
    """The application page's *Refund £X* (a booking cancelled keeping its money), acting on
    what its page showed (``domain.page_seen``)."""
    return lifecycle.refund_afterwards(ports(), application_id, form_seen())


def void_invoice(application_id: str) -> Acted:
    """The void confirmation's *Yes, void the invoice*, acting on what its page showed
    (``domain.page_seen``): compared before Stripe is asked (``invoicing.void_by_organiser``)."""
    return invoicing.void_by_organiser(ports(), application_id, form_seen())


def _void_lines(detail: ApplicationDetail, preview: VoidPreview) -> list[str]:
    """What the void does, each in a line, as its own decision says (``preview``)."""
    application = detail.application
    invoice = application.invoice
    assert invoice is not None  # only an open invoice is offered a void
    lines = [voided_at_stripe(invoice)]
    lines.append(_seat(detail) if preview.seat_freed else "It holds no place, so none goes back.")
    told = "that the invoice was cancelled and the place let go"
    lines += told_lines(detail, preview.person_emailed, preview.billing_contact, told)
    lines.append(
        "The booking is not confirmed: as the email says, they can still pay from their booking "
        "page (by card, or with a new invoice while the course allows one), while places are "
        "available."
    )
    return lines


@served("consoleVoidInvoiceConfirmation")
def void_confirmation(application_id: str) -> Response[str]:
    detail, preview = void_preview.void_confirmation(ports(), application_id)
    if "void_invoice" not in detail.actions:
        return not_now(detail, "this application has no open invoice to void")
    lines = _void_lines(detail, preview)
    return html_page(200, lines_confirmation("void_confirm.html", chrome(), detail, lines))


@served("consoleDeclineConfirmationReopened")
def decline_confirmation_reopened(application_id: str) -> Response[str]:
    """The confirmation's address opened again: it keeps no message (a post, so the message is
    never in an address), so back to the application's page (405 "Something
    went wrong")."""
    return http.see_other(f"/console/applications/{quote(application_id)}")


@served("consoleDeclineConfirmation")
def decline_confirmation(application_id: str) -> Response[str]:
    """The message the decline would email, shown before it goes."""
    typed = typed_value("message")
    try:
        detail, note, message = decline_preview.decline_confirmation(ports(), application_id, typed)
    except InvalidInput as mistake:
        detail = application_detail(ports(), application_id)
        beside = {k: capitalised(v) for k, v in mistake.fields.items()}
        page = application_pages.application_page(
            chrome(), detail, values={"message": typed}, errors=beside
        )
        return html_page(422, page)
    application = detail.application
    if "decline" not in detail.actions:
        status = status_named(application.status.value)
        return not_now(detail, f"this application is {status}, so it cannot be declined now")
    page = render_confirmation(
        "decline_confirm.html",
        chrome(),
        detail,
        email=application.answers.email,
        note=note or "",
        message=message,
        whose=_whose_message(note, detail),
        suppressed=detail.address_suppressed,
    )
    return html_page(200, page)


def _whose_message(note: str | None, detail: ApplicationDetail) -> str:
    if note:
        return "your message"
    if detail.course.definition.decline_message:
        return "the course's decline message (set on Change this course)"
    return "the standard message (the course has no decline message of its own)"
