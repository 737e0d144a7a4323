"""An organiser's act that sends an invoice (*Invoice the employer instead*, a bursary that
leaves the rest to pay), stopped after Stripe sent it, a few minutes before the last moment an
invoice can be sent for the course (a day before the latest day one may fall due); the
employer pays it just after that moment: nothing new is made, so the time left refuses
nothing, and the act is completed with it and the booking confirmed, its payment kept, as a
correction's is past its invoice's due time. Through the real handlers, moto and the Stripe
stand-in, the clock moved as the system's time machine moves it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from booking.services.invoice_requests import invoice_due
from tests.integration.test_earlier_invoice_paid import (
    _grant,
    _grant_stopped_after_sending,
    _invoiced_instead_stopped_after_sending,
    _kept_by,
)
from tests.support.card_then_invoice import invoiced_instead
from tests.support.held_events import paid_then_completed
from tests.support.invoiced import INVOICED, invoiced_cohort
from tests.support.system import System


def _last_moment_to_invoice(system: System) -> datetime:
    """The last moment an invoice can be sent for :data:`INVOICED`: a day before the latest
    day one may fall due (a minute later, none can)."""
    invoiced_cohort(system, capacity=2)
    course = system.ports.repository.get_course(INVOICED)
    assert course is not None
    # The latest due day, read from the first day before the start that can still have one
    # (the day the terms name may be a weekend or a bank holiday: an earlier working day).
    start, holidays = course.first_start(), system.ports.bank_holidays
    latest = next(
        due
        for days in range(1, 30)
        if (due := invoice_due(course, start - timedelta(days=days), holidays)) is not None
    )
    last = latest - timedelta(days=1)
    assert invoice_due(course, last - timedelta(minutes=3), holidays) == latest
    assert invoice_due(course, last + timedelta(minutes=1), holidays) is None
    return last


@pytest.mark.parametrize("by", ["event", "sweep", "press_again"])
@pytest.mark.parametrize("act", ["invoice_instead", "bursary"])
def test_an_acts_invoice_paid_once_no_invoice_can_be_sent_confirms_the_booking(
    system: System, monkeypatch: pytest.MonkeyPatch, act: str, by: str
) -> None:
    last = _last_moment_to_invoice(system)
    system.clock_offset += last - timedelta(minutes=3) - system.now()
    stopped = {
        "invoice_instead": _invoiced_instead_stopped_after_sending,
        "bursary": _grant_stopped_after_sending,
    }[act]
    application, sent_first = stopped(system, monkeypatch)
    system.clock_offset += timedelta(minutes=4)  # past the last moment to send an invoice

    def press_again() -> None:
        pressed: dict[str, Any] = {
            "invoice_instead": lambda: invoiced_instead(system, application),
            "bursary": lambda: _grant(system, application),
        }
        pressed[act]().refused(409, "invoice_paid")

    paid_then_completed(system, sent_first, by, timedelta(minutes=6), press_again)

    assert all(reply.status == 200 for reply in system.webhook_replies)
    stored = _kept_by(system, application, sent_first)
    assert stored.payment_intent is not None
