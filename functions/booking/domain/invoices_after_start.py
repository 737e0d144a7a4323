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
from collections.abc import Iterable, Sequence
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


def falls_due_late(due_at: datetime, needed_by: datetime, timezone: str) -> bool:
    """Whether an open invoice due at ``due_at`` holds its place past ``needed_by`` (the
    module's rule): its day, all of it the payer's, ends after then."""
    return invoice_hold_ends(due_at, timezone) > needed_by


def due_after_start(applications: Iterable[Application], course: Course) -> list[Application]:
    """Of ``applications`` (``course``'s), those holding their place on an open invoice whose
    day ends after the course's first session begins."""
    invoiced = [a for a in applications if a.has_open_invoice() and a.invoice is not None]
    if not invoiced:  # most saves: no course dates read
        return []
    zone, start = course.definition.timezone, course.first_start()
    return [a for a in invoiced if a.invoice and falls_due_late(a.invoice.due_at, start, zone)]


def due_after_start_warning(applications: Iterable[Application], course: Course) -> str | None:
    """What the organiser reads when some of ``applications`` hold their place on an invoice
    falling due after ``course`` now starts (None: none do)."""
    late = due_after_start(applications, course)
    held = [
        HeldOnAnInvoice(a.reference_or_id, a.invoice.due_at, course.first_start())
        for a in late
        if a.invoice is not None
    ]
    return _warning(
        held,
        course.definition.timezone,
        ("booking holds its place", "bookings hold their places"),
        "the course now starts",
        "The place stays held until then; ask the employer to pay before the course starts, "
        "or void the invoice and let the person pay another way.",
    )


def groups_due_after_apply_by_warning(groups: Iterable[GroupBooking], course: Course) -> str | None:
    """What the organiser reads when some of ``course``'s ``groups`` (as their apply-by dates
    now are) hold their places on an open invoice falling due after their colleagues must have
    applied (None: none do): paid on its day, no colleague's link could be used."""
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
    late = [
        HeldOnAnInvoice(_told_apart(g, shared[g.organisation] > 1, zone), i.due_at, g.apply_by)
        for g, i in owing
    ]
    return _warning(
        late,
        zone,
        ("group booking holds its places", "group bookings hold their places"),
        "their colleagues must now apply",
        "Paid on that day, no colleague could use their link any more and the places would go "
        "back; ask the employer to pay before the apply-by date, or void the invoice.",
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
