"""Invoices that fall due after the day they must be paid by: an invoice's due day is capped
when it is sent (``billing.invoice_due``: a person's before the course starts; a group's before
its colleagues must have applied, ``invoice_requests.group_invoice_due``), but a course whose
dates an organiser moves earlier afterwards (and with them a group's apply-by date) leaves it
as Stripe holds it, its places held until the end of that day, past the day that mattered.
Nothing is changed by itself (the employer holds that invoice); the organiser is told, by
reference or organisation and day, after the save that caused it. One rule for both: an open
invoice whose day ends after what it pays for needs it. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from booking.domain.application import Application
from booking.domain.billing import invoice_hold_ends
from booking.domain.course import Course
from booking.domain.time_words import day_when

if TYPE_CHECKING:  # a course's save reads its groups; the api's reads load no group model
    from booking.domain.groups import GroupBooking

MOST_NAMED = 10  # bookings named in the warning; the rest counted


@dataclass(frozen=True)
class HeldOnAnInvoice:
    """A place (or a group's places) held on an open invoice: how the organiser tells it
    apart, the invoice's due day, and when it must be paid by to be of use."""

    named: str
    due_at: datetime
    needed_by: datetime
    invoice_id: str


def falls_due_late(due_at: datetime, needed_by: datetime, timezone: str) -> bool:
    """Whether an open invoice due at ``due_at`` holds its place past ``needed_by`` (the
    module's rule): its day, all of it the payer's, ends after then."""
    return invoice_hold_ends(due_at, timezone) > needed_by


def bookings_due_late(applications: Iterable[Application], course: Course) -> list[HeldOnAnInvoice]:
    """Of ``applications`` (``course``'s), those holding their place on an open invoice whose
    day ends after the course's first session begins, by reference."""
    invoiced = [(a, a.invoice) for a in applications if a.has_open_invoice() and a.invoice]
    if not invoiced:  # most saves: no course dates read
        return []
    zone, start = course.definition.timezone, course.first_start()
    return [
        HeldOnAnInvoice(a.reference_or_id, i.due_at, start, i.invoice_id)
        for a, i in invoiced
        if falls_due_late(i.due_at, start, zone)
    ]


def groups_due_late(groups: Iterable[GroupBooking], course: Course) -> list[HeldOnAnInvoice]:
    """Of ``course``'s ``groups`` (as their apply-by dates now are), those holding their places
    on an open invoice falling due after their colleagues must have applied: paid on its day,
    no colleague's link could be used."""
    # A course's save only: the api's reads of courses load no group model.
    from booking.domain.groups import GroupStatus

    zone = course.definition.timezone
    owing = [
        (g, g.invoice)
        for g in groups
        if g.status is GroupStatus.AWAITING_INVOICE_PAYMENT
        and g.invoice is not None
        and g.invoice.still_owed
        and falls_due_late(g.invoice.due_at, g.apply_by, zone)
    ]
    shared = Counter(g.organisation for g, _ in owing)
    return [
        HeldOnAnInvoice(
            _told_apart(g, shared[g.organisation] > 1, zone), i.due_at, g.apply_by, i.invoice_id
        )
        for g, i in owing
    ]


BEING_DEBITED = "being paid by a bank debit the bank is still confirming"
_BOOKINGS = ("booking holds its place", "bookings hold their places")
_GROUPS = ("group booking holds its places", "group bookings hold their places")
_AFTER_START, _AFTER_APPLY_BY = "the course now starts", "their colleagues must now apply"


def late_said(
    bookings: Sequence[HeldOnAnInvoice],
    groups: Sequence[HeldOnAnInvoice],
    zone: str,
    being_debited: Container[str] = frozenset(),
) -> list[str]:
    """What the organiser reads of ``bookings`` and ``groups`` falling due late: a sentence for
    each kind, and one more for those whose invoices the employer is paying by a bank debit
    its bank is still confirming (``being_debited``: their invoices' ids), which nobody can
    hurry and whose invoices cannot be voided meanwhile, so no such advice is given."""
    people, people_paying = _apart(bookings, being_debited)
    placed, placed_paying = _apart(groups, being_debited)
    said = [
        _warning(
            people,
            zone,
            _BOOKINGS,
            _AFTER_START,
            "The place stays held until then; ask the employer to pay before the course "
            "starts, or void the invoice and let the person pay another way.",
        ),
        _warning(
            people_paying,
            zone,
            _BOOKINGS,
            f"{_AFTER_START}, {BEING_DEBITED}",
            "The place stays held while the bank confirms it, after the start if it takes "
            "that long; nothing needs doing unless the debit fails.",
        ),
        _warning(
            placed,
            zone,
            _GROUPS,
            _AFTER_APPLY_BY,
            "Paid on that day, no colleague could use their link any more and the places would "
            "go back; ask the employer to pay before the apply-by date, or void the invoice.",
        ),
        _warning(
            placed_paying,
            zone,
            _GROUPS,
            f"{_AFTER_APPLY_BY}, {BEING_DEBITED}",
            "Confirmed after the apply-by date, no colleague could use their link any more and "
            "the places would go back, refunded; the invoice cannot be voided meanwhile.",
        ),
    ]
    return [sentence for sentence in said if sentence]


def _apart(
    late: Sequence[HeldOnAnInvoice], being_debited: Container[str]
) -> tuple[list[HeldOnAnInvoice], list[HeldOnAnInvoice]]:
    """``late`` in two: those whose invoices are not being paid, and those being debited."""
    return (
        [h for h in late if h.invoice_id not in being_debited],
        [h for h in late if h.invoice_id in being_debited],
    )


def _told_apart(group: GroupBooking, shared: bool, zone: str) -> str:
    """A group as the warning names it: by the organisation it is for, and by its manager too
    when another group named is for the same organisation (``shared``); an erased manager is
    never named: the day it was booked tells it apart then."""
    from booking.domain.erasure import group_named

    named = group_named(group.organisation)
    if not shared:
        return named
    if group.manager_erased:
        return f"{named} booked {day_when(group.created_at, zone)}"
    return f"{named} by {group.manager.name}"


def _warning(
    late: Sequence[HeldOnAnInvoice],
    zone: str,
    counted: tuple[str, str],
    needed: str,
    advice: str,
) -> str | None:
    """The words of a warning of ``late`` (None: nothing late): how many (``counted``: one,
    many) hold their places on an invoice falling due after ``needed``, each named with its
    due day (the first few), and what the organiser can do (``advice``)."""
    if not late:
        return None
    named = [f"{h.named} (due {day_when(h.due_at, zone)})" for h in late[:MOST_NAMED]]
    more = f" and {len(late) - MOST_NAMED} more" if len(late) > MOST_NAMED else ""
    count = f"1 {counted[0]}" if len(late) == 1 else f"{len(late)} {counted[1]}"
    return (
        f"{count} on an invoice that falls due after {needed}: {', '.join(named)}{more}. {advice}"
    )
