"""A group booking's invoice falls due before its colleagues must have applied: paid on a
later day, as the invoice allowed, no colleague's link could be used and the places went back,
refunded. Its due day is capped by the apply-by date as well as by the course's start (the
manager's form offers an invoice only while one could fall due in time, by the same rule).
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.support.groups import book, invoiced_group
from tests.support.invoiced import BILLING, INVOICED, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.system import System


def _cohort(system: System, *, days: int, apply_by_days: int) -> None:
    """The invoiced cohort, its one session ``days`` from now, colleagues applying
    ``apply_by_days`` before it."""
    first = (system.now() + timedelta(days=days)).date().isoformat()
    session = {"date": first, "start_time": "15:00", "end_time": "17:00", "title": "Session 1"}
    invoiced_cohort(system, sessions=[session], group_apply_by_days=apply_by_days)


def test_the_invoice_falls_due_before_the_colleagues_must_apply(system: System) -> None:
    _cohort(system, days=35, apply_by_days=21)  # the course's terms alone: due in 28 days

    group = invoiced_group(system)

    stored = system.stored_group(group)
    assert stored.invoice is not None
    due = datetime.fromtimestamp(system.stripe_invoice(stored.invoice.invoice_id)["due_date"], UTC)
    assert due < stored.apply_by
    assert stored.invoice.due_at == due


def test_an_invoice_refused_names_the_apply_by_date_not_the_start(system: System) -> None:
    # Booked on a Friday evening with the course five weeks away and its colleagues to apply
    # within a day: the apply-by date falls on Sunday, so no invoice could fall due on a
    # working day before it, though one could before the course starts.
    _on_a_friday_evening(system)
    _cohort(system, days=35, apply_by_days=34)

    assert _invoice_refused(system) == (
        "it is too close to the colleagues' apply-by date for an invoice",
        "colleagues must apply too soon to pay by invoice; please pay by card",
    )


def _on_a_friday_evening(system: System) -> None:
    """The functions' clock moved on to the coming Friday, 19:00."""
    now = system.now()
    friday = now + timedelta(days=(4 - now.weekday()) % 7)
    system.clock_offset += friday.replace(hour=19, minute=0) - now


def _invoice_refused(system: System) -> tuple[str, str]:
    """A group booked by invoice on :data:`INVOICED`, refused (422) with nothing booked: the
    refusal's message and its words beside ``payment_method``."""
    refused = book(system, **BILLING).refused(422, "validation_failed")
    assert system.ports.groups.groups_of_course(INVOICED) == []
    return refused["message"], refused["fields"]["payment_method"]


def _group_offer_said(system: System, course_id: str) -> str:
    """What the course's application page tells a manager about booking several places."""
    reply = system.api("GET", f"/courses/{course_id}/apply", headers={"accept": "text/html"})
    assert reply.status == 200, reply.body
    page = text_of(reply.body)
    start = page.index("Booking for colleagues?")
    return page[start : page.index("own application", start)]


def test_the_application_page_offers_a_group_invoice_only_when_the_managers_form_does(
    system: System,
) -> None:
    # The same Friday evening: a person's invoice can still fall due before the start, a
    # group's cannot before the colleagues' apply-by date, so the manager's form offers card.
    _on_a_friday_evening(system)
    _cohort(system, days=35, apply_by_days=34)
    form = system.api("GET", f"/courses/{INVOICED}/group-booking", headers={"accept": "text/html"})
    assert 'value="invoice"' not in form.body

    said = _group_offer_said(system, INVOICED)

    assert "pay once, by card;" in said, said
    assert "invoice" not in said
    # A course paid by card alone never promises a manager an invoice either.
    system.put_course("by-card", {**system.course_file(), "invoice_allowed": False})
    assert "invoice" not in _group_offer_said(system, "by-card")


def test_an_invoice_refused_by_the_course_start_names_the_start(system: System) -> None:
    # Five days away: the course's terms want an invoice due a week before it starts, which
    # no day now is, though the colleagues have two days to apply and an invoice could fall
    # due before then. The start refuses it, so the start is named, as for a person's booking.
    _cohort(system, days=5, apply_by_days=7)

    assert _invoice_refused(system) == (
        "it is too close to the start for an invoice",
        "the course starts too soon to pay by invoice; please pay by card",
    )
