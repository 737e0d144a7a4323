"""What a person reads, said one way on every page, email, CLI line and CSV cell.

One place for each thing that is written out for people rather than programs:

* money: :func:`money_words` ("£200.00"; it lives beside :class:`Money`, re-exported here);
* time, in the course's own timezone and to the minute: :func:`session_when` ("Monday 7 June
  2027, 15:00-17:00 BST"), :func:`moment_when` ("Monday 7 June 2027 at 15:04 BST"),
  :func:`day_when` ("Friday 9 July 2027", for a due date people keep); 24-hour times, day
  before month, the zone's abbreviation for that date (BST or GMT): a reader never converts;
* a course by name: :func:`course_name` (its title and first day: no two cohorts look alike);
* where an application stands: :func:`status_words` ("Awaiting payment"),
  :func:`status_with_reason` and, inside a sentence, :func:`status_named`, never the code
  ``awaiting_payment``;
* the application's fields: :data:`FIELD_NAMES`, the glossary the form, the emails, the
  console and the roster all use ("Access needs", never "Accessibility needs" elsewhere);
* an application's history: :func:`timeline_text`.

The API's JSON keeps codes, pence and ISO instants for programs; these are for people.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from booking.domain.attendance import MARK_WORDS
from booking.domain.email_words import email_said
from booking.domain.money import money_words
from booking.domain.payment_received import HOW_WORDS, received_words
from booking.domain.statuses import ERASED, ERASED_EMAIL, PAID_WHEN_FULL, address_shown
from booking.domain.time_words import (
    day_when,
    moment_when,
    moved_without_id_warning,
    session_when,
    until_when,
    wall_clock_when,
)
from booking.domain.timeline import EntryKind, TimelineEntry

if TYPE_CHECKING:
    from booking.domain.billing import InvoiceRef
    from booking.domain.course import Course

__all__ = [
    "COURSE_STATUS_WORDS",
    "ENDED_WORDS",
    "FIELD_NAMES",
    "STATUS_WORDS",
    "cohort_name",
    "course_name",
    "course_state_said",
    "day_when",
    "moment_when",
    "money_words",
    "moved_without_id_warning",
    "places_words",
    "refunded_earlier_words",
    "session_when",
    "status_named",
    "status_with_reason",
    "status_words",
    "timeline_text",
    "until_when",
    "wall_clock_when",
]


# -- time: ``domain.time_words`` (re-exported: one module says dates and times) ---------------


def course_name(title: str, first_start: datetime, timezone: str) -> str:
    """ "Compassionate Leadership Training, from Monday 7 June 2027": a course as people tell
    it from its other cohorts (the same title, another start)."""
    return f"{title}, from {day_when(first_start, timezone)}"


def cohort_name(course: Course) -> str:
    """``course_name`` of a course as it is defined now: its title and first day."""
    definition = course.definition
    return course_name(definition.title, course.first_start(), definition.timezone)


# -- where a course and an application stand -------------------------------------------------

COURSE_STATUS_WORDS: Mapping[str, str] = {
    "open": "Open",
    # No place left: who waits is a count beside it (``course_state_said``), never implied.
    "full": "Full",
    "closed": "Closed",
}
# A cohort whose every session is over: said so, rather than "Closed" with places "left".
ENDED_WORDS = "Ended"


def course_state_said(
    status: str, *, ended: bool, waiting: int = 0, free: int = 0, too_late_to_offer: bool = False
) -> str:
    """A course's state in words, one way wherever organisers read it (console, CLI,
        load-course): an ended cohort is "Ended", whatever its status says of applications; a full
        one says how many wait ("Full, 2 waiting"), and is plain "Full" when nobody does; but a full
        one with ``free`` places no seat holds says so and why, beside each view's "1 left"
    : those waiting come first, or it is ``too_late_to_offer``
        (``offer_ends.no_more_offers``)."""
    if ended:
        return ENDED_WORDS
    said = COURSE_STATUS_WORDS.get(status, status)
    if status == "full" and free > 0:
        it = "it" if free == 1 else "them"
        why = f"too late to offer {it} from the waiting list"
        if not too_late_to_offer:
            why = "offered to those waiting first"
        said = f"{places_words(free)} not taken ({why}; nobody new can take {it})"
    return f"{said}, {waiting} waiting" if status == "full" and waiting else said


STATUS_WORDS: Mapping[str, str] = {
    "pending_review": "Awaiting review",
    "declined": "Declined",
    "awaiting_payment": "Awaiting payment",
    "awaiting_invoice_payment": "Awaiting invoice payment",
    "confirmed": "Confirmed",
    "expired": "Payment not completed",
    "waitlisted": "On the waiting list",
    "offered": "Place offered",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
}

# Why a status was reached, where that adds something to the status's own words. A reason the
# status already says (a refund that is "refunded") has no words: it is not said twice.
REASON_WORDS: Mapping[str, str | None] = {
    "expired": "the time to pay ran out",
    "offer_lapsed": "the offer lapsed",
    "offer_declined": "the offer was turned down",
    "withdrawn_by_applicant": "they left the waiting list themselves",
    "applications_closed": "applications closed: the wait has ended",
    "review_ended": "applications closed before it was reviewed",
    "failed": "the bank refused the payment",
    PAID_WHEN_FULL: "paid when the course was full",
    "course_closed": "paid after applications closed",
    "refund_requested": "refund on its way",
    "refund_refused_partway": "a refund Stripe refused partway: the rest is still to refund",
    "refunded": None,
    "cancelled_and_refunded": "after a cancellation",
    "partial_refund": "part of the payment given back",
    "duplicate_payment": "a second payment",
    "not_needed": "a payment not needed: a bursary or a code had already covered the price",
    "refunded_before_recorded": "a refund reached us before its payment",
    "erased": "personal data erased",
    "funded": "funded by a bursary",
    "covered_by_code": "nothing left to pay: a discount code covers the price",
    "code_and_bursary": "nothing left to pay: a discount code and a bursary cover the price",
    "nothing_to_pay": "nothing left to pay",
    "paid_by_group": "booked and paid for by the manager's organisation (a group booking)",
    "invoice_voided": "invoice voided",
    "invoice_uncollectible": "invoice could not be collected",
    "invoice_overdue": "invoice not paid by its due date",
    "invoice_replaced": "paid on a replaced invoice",
    "invoice_not_issued": "a replacement invoice could not be sent",
    "amount_mismatch": "paid an amount not asked for",
    "application_cancelled": "a payment that came afterwards was given back",
    "application_declined": "a payment that came afterwards was given back",
    "application_pending_review": "paid before it was reviewed",
    "application_awaiting_invoice_payment": "paid by card while invoiced",
}


def status_words(status: str) -> str:
    """ "Awaiting payment" for ``awaiting_payment``; an unknown code is shown as words too."""
    return STATUS_WORDS.get(status) or status.replace("_", " ").capitalize()


def status_named(status: str) -> str:
    """ "“Awaiting payment”": a status named inside a sentence (a refusal says what an
    application is), in the words it is shown by, never its code."""
    return f"“{status_words(status)}”"


def shown_named(status: str, reason: str | None) -> str:
    """ "“Offer turned down”": an application named inside a sentence as the console and its
    person's page show it (:func:`status_with_reason`: a refusal said "Payment
    not completed" of an offer turned down)."""
    return f"“{status_with_reason(status, reason)}”"


def refunded_earlier_words(this_refund: int, in_all: int, currency: str) -> str:
    """ "with the £33.34 refunded earlier, £133.34 in all": said beside what one refund gives
    back, when earlier refunds were made ("" when there were none). Every message about a
    refund says its own amount, never the whole payment as if this refund gave it all back."""
    earlier = in_all - this_refund
    if earlier <= 0 or this_refund <= 0:
        return ""
    return (
        f"with the {money_words(earlier, currency)} refunded earlier, "
        f"{money_words(in_all, currency)} in all"
    )


def reason_words(reason: str | None) -> str | None:
    if not reason:
        return None
    return REASON_WORDS.get(reason, reason.replace("_", " "))


# An offer from the waiting list nobody paid for in time is no checkout abandoned (it read "Payment
# not completed", as if someone had left a payment page).
LAPSED_OFFER = ("expired", "offer_lapsed")


def status_shown(status: str, reason: str | None) -> str:
    """A status's own words, as a list's tag says it: "Offer not taken up" for a lapsed offer."""
    if status == "expired" and reason == "offer_declined":
        return "Offer turned down"  # by its person: said as such, once
    return "Offer not taken up" if (status, reason) == LAPSED_OFFER else status_words(status)


def status_with_reason(status: str, reason: str | None) -> str:
    """ "Cancelled (refund on its way)", "Refunded", "Offer not taken up (it lapsed unpaid)":
    the status, and why when that adds to it."""
    if (status, reason) == LAPSED_OFFER:
        return f"{status_shown(status, reason)} (it lapsed unpaid)"
    why = None if status_shown(status, reason) != status_words(status) else reason_words(reason)
    return f"{status_words(status)} ({why})" if why else status_shown(status, reason)


INVOICE_STATUS_WORDS: Mapping[str, str] = {
    "open": "not paid yet",  # Stripe's "open": a word of its own an organiser need not learn
    "paid": "paid",
    "void": "voided",
    "uncollectible": "marked as one that will not be paid",
    "overdue": "not paid by its due date",
}


def invoice_words(
    number: str, amount: int, currency: str, status: str, due_at: datetime, timezone: str
) -> str:
    """ "INV-0042 for £200.00, not paid yet; falls due on Friday 9 July 2027"."""
    state = INVOICE_STATUS_WORDS.get(status, status)
    said = f"{number} for {money_words(amount, currency)}, {state}"
    if status == "open":
        said += f"; falls due on {day_when(due_at, timezone)}"
    return said


def invoice_said(invoice: InvoiceRef, timezone: str) -> str:
    """An application's invoice in words (:func:`invoice_words`), by its number, or by its id
    before Stripe numbered it."""
    said = invoice_words(
        invoice.number or invoice.invoice_id,
        invoice.amount_due,
        invoice.currency,
        invoice.status,
        invoice.due_at,
        timezone,
    )
    # Paid outside Stripe: how and when, as the organiser recorded it.
    received = received_words(invoice.received)
    return f"{said}; {received}" if received else said


# -- the application's fields ----------------------------------------------------------------

FIELD_NAMES: Mapping[str, str] = {
    "name": "Full name",
    "email": "Email address",
    "job_title": "Job title",
    "organisation": "Organisation",
    "leadership_role": "Leadership role",
    "motivation": "Reasons for applying",
    "accessibility_needs": "Access needs",
    "payment_method": "How the place is paid for",
    "billing_name": "Organisation's legal name",
    "billing_email": "Billing email address",
    "billing_address": "Billing address",
    "po_number": "Purchase order number",
    "discount_code": "Discount code",
}
# The applicant's own answers, in the form's order: the glossary's first seven names.
ANSWER_FIELDS = tuple(FIELD_NAMES)[:7]


def answers_said(answers: object, *, empty: str = "(not given)") -> list[dict[str, str]]:
    """The applicant's answers as label and value, in the form's order, by the glossary. An
        erased person's answer left empty (their access needs) reads "[erased]", as every other
        answer of theirs does: not "none given", which would tell facilitators there are none
    ."""
    erased = getattr(answers, "email", None) == ERASED_EMAIL
    said = []
    for key in ANSWER_FIELDS:
        value = str(getattr(answers, key) or "")
        value = address_shown(value) if key == "email" else value
        said.append({"label": FIELD_NAMES[key], "value": value or (ERASED if erased else empty)})
    return said


# -- an application's history ----------------------------------------------------------------


@dataclass(frozen=True)
class _Saying:
    """What an entry's words may need beside the entry: its amount in pounds, the course's
    timezone, what to call its sessions (the register's marks) and cohorts (its moves)."""

    amount: str
    timezone: str
    sessions: Mapping[str, str]
    cohorts: Mapping[str, str]
    currency: str = "gbp"


def timeline_text(
    entry: TimelineEntry,
    currency: str,
    timezone: str,
    sessions: Mapping[str, str] | None = None,
    cohorts: Mapping[str, str] | None = None,
) -> str:
    """One entry of an application's history in plain words. ``sessions``: the course's core
    session keys -> what to call each (its title and day), for the register's marks;
    ``cohorts``: course ids -> what to call each (its title and first day), for its moves."""
    saying = _Saying(
        money_words(entry.amount or 0, currency), timezone, sessions or {}, cohorts or {}, currency
    )
    said = _ENTRY_WORDS.get(entry.kind)
    words = said(entry, saying) if said is not None else None
    # An entry without what its kind needs is one whose details were erased with the person.
    return words if words is not None else "Personal data erased on request"


def _status_said(entry: TimelineEntry, saying: _Saying) -> str | None:
    if entry.status is None:
        return None
    reached = status_with_reason(entry.status.value, entry.reason)
    if entry.previous_status is None:
        return f"Application received: {reached[:1].lower()}{reached[1:]}"
    return f"Status: {status_words(entry.previous_status.value)} → {reached}"


def _discount_said(entry: TimelineEntry, saying: _Saying) -> str:
    off = f": {saying.amount} off" if entry.amount else ""
    return f"Discount code {entry.code} given{off}"


def _invoice_said(entry: TimelineEntry, saying: _Saying) -> str | None:
    if entry.resent:
        return f"Invoice {entry.invoice} sent again to the billing contact"
    if entry.due_at is None:
        return None
    due = day_when(entry.due_at, saying.timezone)
    said = f"Invoice {entry.invoice} for {saying.amount} sent to the billing contact, due {due}"
    if entry.corrected:
        return f"{said}, with corrected billing details: invoice {entry.corrected} voided"
    return said


def _mark_said(entry: TimelineEntry, saying: _Saying) -> str | None:
    if entry.mark is None:
        return None
    named = saying.sessions.get(entry.session or "", f"session {entry.session}")
    return f"Register: {MARK_WORDS[entry.mark].lower()} at {named}"


def _completion_said(entry: TimelineEntry, saying: _Saying) -> str:
    verdict = "completed the course" if entry.completed else "did not complete the course"
    return (
        f"Register closed: {verdict} (attended {entry.attended} core "
        f"session{'s' if entry.attended != 1 else ''}, {entry.required} asked for)"
    )


def _transfer_said(entry: TimelineEntry, saying: _Saying) -> str:
    named = saying.cohorts
    left, joined = (named.get(c or "", c or "") for c in (entry.from_course, entry.to_course))
    if entry.undone:  # refunded at Stripe before its difference was paid: domain.move_undone
        return f"Move to {left} undone (refunded at Stripe before it was paid): ended on {joined}"
    back = f"; {saying.amount} to be refunded" if entry.amount else ""
    if entry.waived:
        waived = money_words(entry.waived, saying.currency)
        back += f"; {waived} more waived (below Stripe's minimum charge)"
    return f"Moved from {left} to {joined}{back}"


_ENTRY_WORDS: dict[EntryKind, Callable[[TimelineEntry, _Saying], str | None]] = {
    EntryKind.STATUS: _status_said,
    EntryKind.PAYMENT: lambda entry, saying: (
        f"Payment received outside Stripe (the invoice marked as paid): {saying.amount}"
        if entry.off_stripe
        else f"Payment received: {saying.amount}"
    ),
    EntryKind.REFUND: lambda entry, saying: (
        f"Given back by hand, outside Stripe ({HOW_WORDS[entry.how]}, on "
        f"{entry.given_on:%A} {entry.given_on.day} {entry.given_on:%B %Y}): {saying.amount}"
        if entry.how is not None and entry.given_on is not None
        else f"Refunded: {saying.amount}"
    ),
    EntryKind.BURSARY: lambda entry, saying: f"Bursary granted: {saying.amount} of the price",
    EntryKind.DISCOUNT: _discount_said,
    EntryKind.INVOICE: _invoice_said,
    EntryKind.EMAIL: lambda entry, saying: email_said(
        entry, saying.sessions, saying.timezone, saying.cohorts
    ),
    EntryKind.ATTENDANCE: _mark_said,
    EntryKind.COMPLETION: _completion_said,
    EntryKind.TRANSFER: _transfer_said,
    EntryKind.REISSUE: lambda entry, saying: "Certificate reissued with a spelling to print",
}


# -- discount codes -------------------------------------------------------------------------


def discount_words(percent_off: float | None, amount_off: int | None, currency: str) -> str:
    """What a code takes off: "50% off", "12.5% off", "£50.00 off"."""
    if percent_off is not None:
        return f"{percent_off:g}% off"
    return f"{money_words(amount_off or 0, currency)} off"


def uses_words(uses: int, max_uses: int | None, *, ended: bool = False) -> str:
    """A code's uses as this system counts them (the count that limits it): "3 of 10 used,
    7 left", or "3 used, no limit"; a code that has ended (expired, past its last day) has no
    uses "left": "3 of 10 used"."""
    if ended:
        return f"{uses} of {max_uses} used" if max_uses is not None else f"{uses} used"
    if max_uses is None:
        return f"{uses} used, no limit"
    left = max(max_uses - uses, 0)
    return f"{uses} of {max_uses} used, {left} left"


def redemptions_words(active: bool | None, times_redeemed: int | None) -> str:
    """What Stripe holds about a code's promotion code, said where the page or line already
    says "at Stripe": "Active, used 2 times".
    Stripe counts a use when a checkout is paid or an invoice is finalised (a voided or unpaid
    invoice still counts), so this is not a count of payments; the uses that limit a code are
    our own count."""
    if active is None or times_redeemed is None:
        return "Stripe did not answer; reload the page to try again"
    state = "Active" if active else "Deactivated"
    return f"{state}, used {times_redeemed} time{'s' if times_redeemed != 1 else ''}"


def places_words(count: int) -> str:
    """ "1 place", "3 places": a number of places as every page, email and line says it."""
    return f"{count} place" if count == 1 else f"{count} places"
