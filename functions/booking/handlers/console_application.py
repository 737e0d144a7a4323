"""The console's page of one application: its facts, money, moves, history and actions, in
words (split from ``console_pages.py``, whose chrome, rows and money words it shares)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from booking.domain.application import Application, ApplicationStatus
from booking.domain.commands import nobody_to_tell
from booking.domain.course import Money, SessionKind
from booking.domain.covered import left_to_pay_said, status_said
from booking.domain.disputes import dispute_words, own_place
from booking.domain.email_words import reminder_key
from booking.domain.erasure_fates import money_kept_said
from booking.domain.form_text import REFUND_KEPT
from booking.domain.given_back import may_give_back
from booking.domain.off_stripe import nothing_at_stripe_to_refund
from booking.domain.refund_failed import failed_and_held
from booking.domain.refund_partway import partway_said, refused_partway
from booking.domain.register import certificate_code, reissued_spelling
from booking.domain.statuses import person_shown
from booking.domain.waiting_moves import waiting_on
from booking.domain.wording import (
    FIELD_NAMES,
    answers_said,
    day_when,
    invoice_said,
    moment_when,
    money_words,
    status_shown,
    timeline_text,
    until_when,
)
from booking.handlers.console_app import chrome, html_page, press_issued, press_row
from booking.handlers.console_notices import done_notice
from booking.handlers.console_pages import (
    Chrome,
    application_named,
    console_page,
    course_heading,
    place_paid_said,
)
from booking.handlers.resolver import Response
from booking.handlers.sentences import capitalised, sentence
from booking.services.console import (
    ApplicationDetail,
)


def _covered_said(application: Application) -> str:
    """A place nothing is left to pay for: "Nothing: the bursary covers the whole price"."""
    by = [
        w for w, kept in (("bursary", application.bursary), ("code", application.discount)) if kept
    ]
    return f"Nothing: the {' and the '.join(by)} cover{'' if len(by) > 1 else 's'} the whole price"


def payment_facts(
    application: Application, price: Money, zone: str, left: int | None
) -> list[tuple[str, str]]:
    """How the place is paid for, beyond the card: the invoice, a bursary, a code (``left``:
    what is left to pay, ``ApplicationDetail.left_to_pay``)."""
    facts: list[tuple[str, str]] = []
    own_price = application.price_or(price)
    currency = own_price.currency
    if application.bursary:
        facts.append(("Bursary", money_words(application.bursary, currency)))
    if application.discount:
        facts.append((FIELD_NAMES["discount_code"], application.discount.code))
    if application.bursary or application.discount:
        due = application.amount_due(price)
        if due:  # what the place costs now, then what of it is still to pay
            facts.append(("Price to pay", money_words(due, currency)))
            facts.append(("Left to pay", left_to_pay_said(application, price, left)))
        else:  # said once: nothing to pay, and why
            facts.append(("Left to pay", _covered_said(application)))
    invoice, billing = application.invoice, application.billing
    if invoice is not None:
        facts.append(("Invoice", capitalised(invoice_said(invoice, zone))))
    if billing is not None and not application.is_erased:
        facts.append(("Billed to", person_shown(billing.billing_name, billing.billing_email)))
        if billing.po_number:
            facts.append((FIELD_NAMES["po_number"], billing.po_number))
    return facts


def _pending_move_facts(
    application: Application, cohort_names: dict[str, str], zone: str
) -> dict[str, str] | None:
    """A move to a dearer cohort waiting for its difference, as the organiser reads it."""
    pending = application.pending_move
    if pending is None:
        return None
    return {
        "to": cohort_names.get(pending.to_course_id, pending.to_course_id),
        "difference": pending.difference_words(),
        "until": moment_when(pending.expires_at, zone),
    }


def _waiting_move_facts(
    application: Application, cohort_names: dict[str, str], zone: str
) -> dict[str, str] | None:
    """A move waiting on a full cohort's waiting list, as the organiser reads it."""
    move = waiting_on(application)
    if move is None:
        return None
    return {
        "to": cohort_names.get(move.to_course_id, move.to_course_id),
        "asked": moment_when(move.asked_at, zone),
        "until": moment_when(move.ends_at, zone),
    }


def _refund_label(detail: ApplicationDetail, currency: str) -> str:
    """The Cancel form's refund choice ("" when nothing would go back): the applicant's
    payment, or a group place's share of the employer's (its manager erased)."""
    if not detail.refundable:
        return ""
    amount = money_words(detail.refundable, currency)
    if detail.refund_to:
        return f"Also refund its {amount} share to {detail.refund_to} through Stripe"
    return f"Also refund {amount} through Stripe"


def _refund_facts(detail: ApplicationDetail, currency: str) -> dict[str, str]:
    """What the page says of refunding: the Cancel form's choice, the value of keeping the
    money, the applicant's own payment refundable afterwards (an employer's share is not
    refunded afterwards here), and a refund Stripe refused partway (what came back, what is
    left)."""
    application = detail.application
    partway = refused_partway(application)
    return {
        "refund_label": _refund_label(detail, currency),
        "refund_kept": REFUND_KEPT,
        "refundable": "" if detail.refund_to else money_words(detail.refundable, currency),
        "refused_partway": partway_said(application, currency) if partway else "",
    }


def _notice(detail: ApplicationDetail, done: str, currency: str) -> str:
    """What the action that led here did, said from the application as it now stands."""
    return done_notice(
        done,
        detail.application,
        currency,
        suppressed=detail.address_suppressed,
        employer=(detail.refund_to, detail.employer_refunded),
    )


def timeline_rows(detail: ApplicationDetail, currency: str, zone: str) -> list[dict[str, str]]:
    """The application's history in words, each at its moment, core sessions by name and day."""
    cores = [s for s in detail.course.schedule if s.kind is SessionKind.CORE]
    names = {s.key: f"{s.title}, {day_when(s.start, zone)}" for s in cores}
    course_id = detail.course.course_id
    # A reminder is named by the session as it was when sent (``email_words.reminder_key``).
    names |= {reminder_key(course_id, s.key, s.start): names[s.key] for s in cores}
    return [
        {
            "iso": entry.at.isoformat(),
            "when": moment_when(entry.at, zone),
            "text": timeline_text(entry, currency, zone, names, detail.cohort_names),
        }
        for entry in detail.timeline
    ]


def _certificate_facts(detail: ApplicationDetail) -> dict[str, Any] | None:
    """The booking's certificate in words and links (never its bare code):
    when it was issued, the spelling it prints if reissued with one, its public check page,
    and whether it may be sent again; a held one says so, with the way to reissue it."""
    application, course_id = detail.application, detail.course.course_id
    code, done = certificate_code(application), application.completion
    if code is None or done is None:
        return None
    zone = detail.course.definition.timezone
    return {
        "held": detail.certificate_held,
        "issued": done.terms.issued if done.terms else day_when(done.closed_at, zone),
        "spelling": reissued_spelling(application) or "",
        "check": f"/certificates/{quote(code)}",
        "register": f"/console/courses/{quote(course_id)}/register",
        "may_send_again": not detail.certificate_held and nobody_to_tell(application) is None,
        # Bound to the session and this booking: another row's is refused.
        "press": press_issued(press_row("certificate", application.application_id)),
    }


def _bursary_said(application: Application, currency: str) -> dict[str, str]:
    """The bursary granted, in words beside the form (the form carries ``seen``: a grant that
    finds another amount granted since the page showed it is refused, 409 ``bursary_changed``)."""
    granted = application.bursary
    return {"bursary_now": money_words(granted, currency) if granted else ""}


def _offer_press(detail: ApplicationDetail) -> str:
    """*Send the offer again*'s one press, bound to the session and the booking (as the
    certificate's); "" when the page does not offer it."""
    row = press_row("offer", detail.application.application_id)
    return press_issued(row) if "resend_offer" in detail.actions else ""


def _money_flags(detail: ApplicationDetail, zone: str) -> dict[str, Any]:
    """What the page flags of the booking's money: a refund that failed at Stripe and still
    holds the money, and each payer's bank's dispute of a payment, in words: the booking's
    own, or, for a colleague's place, the group booking's that paid for it (as the roster);
    and what an ended booking still holds of money paid outside Stripe."""
    application = detail.application
    payments, gone = application.payment_refunds, application.enrolment_ended
    own = [dispute_words(d, zone, payments, place=own_place(gone)) for d in application.disputes]
    currency = detail.course.definition.price.currency
    return {
        "refund_failed": bool(failed_and_held(application)),
        "disputed": own or ([detail.group_disputed] if detail.group_disputed else []),
        "kept_by_hand": _kept_by_hand(application, currency),
        "give_back": may_give_back(application),  # its record, once sent back by hand
    }


def _kept_by_hand(application: Application, currency: str) -> str:
    """What an ended booking still holds of money paid outside Stripe, which no action here
    gives back, and how it goes back ("" for any other)."""
    if application.status is ApplicationStatus.CONFIRMED:
        return ""  # its Cancel says it
    if not nothing_at_stripe_to_refund(application):
        return ""  # Stripe holds it: its Refund gives it back
    return money_kept_said(application, currency, confirmed=False).strip()


def application_page(
    chrome: Chrome,
    detail: ApplicationDetail,
    *,
    done: str = "",
    also: str = "",
    problem: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> str:
    application, course = detail.application, detail.course
    definition = course.definition
    zone, currency = definition.timezone, definition.price.currency
    return console_page(
        "application.html",
        chrome,
        **application_named(application),
        email="" if application.is_erased else application.answers.email,
        status=application.status.value,
        status_said=status_said(application, definition.price),
        **_money_flags(detail, zone),
        status_shown=status_shown(application.status.value, application.status_reason),
        course_id=course.course_id,
        course_title=course_heading(course),
        applied=moment_when(application.created_at, zone),
        paid=place_paid_said(application, course, detail.paid_by_group, refunds=False),
        refunded=money_words(application.money_returned, currency),
        deadline=until_when(held, zone) if (held := application.hold_lapses_at()) else "",
        waitlist_position=detail.waitlist_position,
        pending_move=_pending_move_facts(application, detail.cohort_names, zone),
        waiting_move=_waiting_move_facts(application, detail.cohort_names, zone),
        wait_ended=sentence(detail.wait_ended_said) if detail.wait_ended_said else "",
        payment=payment_facts(application, definition.price, zone, detail.left_to_pay),
        **_bursary_said(application, currency),
        whole_confirms=application.seat_held or course.seat_free_for_newcomer,  # a seat
        # What the forms that say an act's consequences act on (``domain.page_seen``).
        seen=detail.seen,
        certificate=_certificate_facts(detail),
        answers=answers_said(application.answers),
        timeline=timeline_rows(detail, currency, zone),
        actions=detail.actions,
        offer_press=_offer_press(detail),
        # Why the page offers nothing that would tell the person ("" when it may).
        nobody_to_tell=erased.message if (erased := nobody_to_tell(application)) else "",
        address_suppressed=detail.address_suppressed,
        group_place_note=detail.group_place_note,
        **_refund_facts(detail, currency),
        offer_hours=definition.offer_valid_hours,
        # ``also``: said after the action's own notice (whom a move's freed seat was offered).
        done=" ".join(filter(None, (_notice(detail, done, currency), also))),
        problem=problem,
        values=values or {},
        errors=errors or {},
    )


def not_now(detail: ApplicationDetail, why: str) -> Response[str]:
    """A confirmation page asked for an act the application does not offer now: its own page
    again (409), saying why."""
    return html_page(409, application_page(chrome(), detail, problem=sentence(why)))
