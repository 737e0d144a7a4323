"""Invoices that fall due after their course now starts: an invoice's due day is capped before
the course when it is sent (``billing.invoice_due``), but a course whose dates an organiser
moves earlier afterwards leaves it as Stripe holds it, and its place held until the end of that
day, past the start. Nothing is changed by itself (the employer holds that invoice); the
organiser is told, by reference and day, after the save that caused it. Pure."""

from __future__ import annotations

from collections.abc import Iterable

from booking.domain.application import Application
from booking.domain.billing import invoice_hold_ends
from booking.domain.course import Course
from booking.domain.time_words import day_when

MOST_NAMED = 10  # bookings named in the warning; the rest counted


def due_after_start(applications: Iterable[Application], course: Course) -> list[Application]:
    """Of ``applications`` (``course``'s), those holding their place on an open invoice whose
    day ends after the course's first session begins."""
    invoiced = [a for a in applications if a.has_open_invoice() and a.invoice is not None]
    if not invoiced:  # most saves: no course dates read
        return []
    zone, start = course.definition.timezone, course.first_start()
    return [a for a in invoiced if a.invoice and invoice_hold_ends(a.invoice.due_at, zone) > start]


def due_after_start_warning(applications: Iterable[Application], course: Course) -> str | None:
    """What the organiser reads when some of ``applications`` hold their place on an invoice
    falling due after ``course`` now starts (None: none do)."""
    late = due_after_start(applications, course)
    if not late:
        return None
    zone = course.definition.timezone
    named = [
        f"{a.reference_or_id} (due {day_when(a.invoice.due_at, zone)})"
        for a in late[:MOST_NAMED]
        if a.invoice is not None
    ]
    more = f" and {len(late) - MOST_NAMED} more" if len(late) > MOST_NAMED else ""
    count = (
        "1 booking holds its place" if len(late) == 1 else f"{len(late)} bookings hold their places"
    )
    return (
        f"{count} on an invoice that falls due after the course now starts: "
        f"{', '.join(named)}{more}. The place stays held until then; ask the employer to pay "
        "before the course starts, or void the invoice and let the person pay another way."
    )
