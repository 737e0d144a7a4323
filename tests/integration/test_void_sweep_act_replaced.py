"""The sweep completes an organiser's act left half done after its invoice's void only while
the booking still carries the mark it read: an organiser who replaced the act
meanwhile (a bursary instead of the cancel, another amount) keeps their last act. Before, the
sweep's cancel read the booking again, found the bursary's new invoice and voided it, the
booking cancelled and the person told, though the organiser had funded them.

Through the real handlers, moto and the Stripe stand-in; the race made exact at the sweep's
one read at Stripe: the organiser's press lands just after it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from booking.domain.errors import StaleWrite
from booking.services.bursaries import grant_bursary
from booking.services.lifecycle import cancel, sweep
from tests.support.applications import invoice_id_of
from tests.support.courses import weekly_sessions
from tests.support.invoiced import (
    INVOICED,
    invoiced_cohort,
    one_on_an_invoice,
    stopped_after_the_void,
)
from tests.support.system import System


def _organiser_presses_after_the_sweeps_read(
    system: System, monkeypatch: pytest.MonkeyPatch, press: Callable[[], Any]
) -> list[Any]:
    """``press`` run once, just after the sweep reads the invoice at Stripe: its answers."""
    payments = system.ports.payments
    real = payments.invoice_at_stripe
    answers: list[Any] = []

    def read_then_press(invoice_id: str, **options: Any) -> Any:
        held = real(invoice_id, **options)
        if not answers:
            answers.append(None)
            answers[0] = press()
        return held

    monkeypatch.setattr(payments, "invoice_at_stripe", read_then_press)
    return answers


@pytest.mark.parametrize("left", ["cancel", "bursary"])
def test_the_sweep_does_not_complete_an_act_the_organiser_replaced_by_a_bursary(
    system: System, monkeypatch: pytest.MonkeyPatch, left: str
) -> None:
    application, invoice_id = one_on_an_invoice(system)
    app_id, ports = application["application_id"], system.ports
    act: Callable[[], Any] = (
        (lambda: cancel(ports, app_id, refund=False))
        if left == "cancel"
        else (lambda: grant_bursary(ports, app_id, 5000))
    )
    stopped_after_the_void(system, monkeypatch, act)
    assert system.stripe_invoice(invoice_id)["status"] == "void"
    system.deliver_emails()
    pressed = _organiser_presses_after_the_sweeps_read(
        system, monkeypatch, lambda: system.grant_bursary(application, 8000).status
    )

    sweep(ports, system.now() + timedelta(minutes=6))
    monkeypatch.undo()
    system.relay()

    assert pressed == [200]
    seen = system.status_of(application)
    assert (seen["status"], seen["left_to_pay"]) == ("awaiting_invoice_payment", 12000)
    new = invoice_id_of(seen)
    assert new != invoice_id
    assert system.stripe_invoice(new)["status"] == "open"
    stored = system.stored(application)
    assert (stored.bursary, stored.invoice.voiding) == (8000, None)  # type: ignore[union-attr]
    subjects = [e.subject for e in system.deliver_emails()]
    assert not [s for s in subjects if "ancel" in s], subjects


def test_a_half_done_bursary_refused_for_good_ends_the_booking_by_the_organisers_void(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The course began before the sweep came to the grant stopped after its
    void, so no new invoice can be made for the rest: the booking ends by the void Stripe
    holds, its place let go, not left on a void invoice to lapse later as unpaid."""
    application, invoice_id = one_on_an_invoice(system)
    app_id, ports = application["application_id"], system.ports
    stopped_after_the_void(system, monkeypatch, lambda: grant_bursary(ports, app_id, 5000))
    system.deliver_emails()
    # The course brought forward and begun before the sweep came to it (its invoice not due).
    first = (system.now() + timedelta(days=10)).date()
    sessions = {"sessions": weekly_sessions(first, 6)}
    invoiced_cohort(system, capacity=2, **sessions)
    system.clock_offset = timedelta(days=11)

    sweep(ports, system.now())
    system.relay()

    stored = system.stored(application)
    assert stored.invoice is not None
    assert (stored.status.value, stored.status_reason) == ("expired", "invoice_voided")
    assert (stored.invoice.invoice_id, stored.invoice.status) == (invoice_id, "void")
    assert stored.invoice.voiding is None
    assert system.course(INVOICED)["places_left"] == 2
    subjects = [e.subject for e in system.deliver_emails()]
    assert [s for s in subjects if "no longer held" in s], subjects


def test_a_half_done_cancel_that_loses_its_races_is_left_for_the_next_run(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One rule with a group's (``domain.lasting_refusals``): the sweep's
    completion of a cancel stopped after its void loses every race of its save (the booking
    written under it each time: ``concurrent_update``), a refusal the next run does not meet.
    The booking is not ended by the void for it: it keeps its mark, and the next run completes
    the organiser's cancel, the person told it was cancelled."""
    application, invoice_id = one_on_an_invoice(system)
    app_id, ports = application["application_id"], system.ports
    stopped_after_the_void(system, monkeypatch, lambda: cancel(ports, app_id, refund=False))
    system.deliver_emails()
    lost = _races_lost_in(system, monkeypatch, system.now() + timedelta(minutes=6))

    assert lost == [app_id] * 5
    left = system.stored(application)
    assert left.status.value == "awaiting_invoice_payment"
    assert left.invoice is not None
    assert left.invoice.voiding is not None
    assert system.deliver_emails() == []

    sweep(ports, system.now() + timedelta(minutes=12))
    system.relay()
    done = system.stored(application)
    assert done.status.value == "cancelled"
    assert done.invoice is not None
    assert (done.invoice.invoice_id, done.invoice.status, done.invoice.voiding) == (
        invoice_id,
        "void",
        None,
    )
    subjects = [e.subject for e in system.deliver_emails()]
    assert [s for s in subjects if "ancel" in s], subjects


def _races_lost_in(system: System, monkeypatch: pytest.MonkeyPatch, moment: Any) -> list[str]:
    """A sweep run at ``moment`` whose completion's save loses every race (its five tries):
    the applications those tries were for."""
    repository = system.ports.repository
    real_save = repository.save
    lost: list[str] = []

    def loses_its_races(new: Any, previous: Any, **options: Any) -> Any:
        if len(lost) < 5:  # every try of the completion's one retried save
            lost.append(new.application_id)
            raise StaleWrite("written meanwhile")
        return real_save(new, previous, **options)

    with monkeypatch.context() as patched:
        patched.setattr(repository, "save", loses_its_races)
        sweep(system.ports, moment)
    return lost


def test_a_half_done_cancel_refused_run_after_run_ends_by_its_void_after_two_hours(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refusal that is not lasting but met by every run (``lasting_refusals.PASSING_TRIED_FOR``):
    left for the next runs for two hours from the mark, then the booking ends by the void, as
    a lasting refusal ends it, never held on a void invoice run after run."""
    application, invoice_id = one_on_an_invoice(system)
    app_id, ports = application["application_id"], system.ports
    stopped_after_the_void(system, monkeypatch, lambda: cancel(ports, app_id, refund=False))
    system.deliver_emails()
    for minutes in (6, 60, 115):
        assert _races_lost_in(system, monkeypatch, system.now() + timedelta(minutes=minutes))
        left = system.stored(application)
        assert left.status.value == "awaiting_invoice_payment"
        assert left.invoice is not None
        assert left.invoice.voiding is not None

    assert _races_lost_in(system, monkeypatch, system.now() + timedelta(minutes=121))
    system.relay()

    ended = system.stored(application)
    assert (ended.status.value, ended.status_reason) == ("expired", "invoice_voided")
    assert ended.invoice is not None
    assert (ended.invoice.invoice_id, ended.invoice.status) == (invoice_id, "void")
    assert ended.invoice.voiding is None
