"""The employer pays the invoice an organiser's act sent before the function stopped, ahead of
the act's save: that invoice is the booking's (recorded as a draft, sent with the booking's
own key), so its payment confirms the booking, never refunded as nobody's; pressing again
says the invoice was paid, and the sweep completes the act with it. Through the real handlers,
moto and the Stripe stand-in, which pays the invoice on its page."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from booking.domain.application import Application
from booking.domain.invoice_voiding import LEFT_HALF_DONE_AFTER
from tests.integration.test_invoice_correction import correction_stopped_after_the_void
from tests.support.card_then_invoice import (
    by_card,
    invoiced_instead,
    stopped_after_the_expiry,
)
from tests.support.held_events import deliver, held, paid_then_completed
from tests.support.invoiced import CORRECTED, one_on_an_invoice, stopped_after_the_void
from tests.support.system import Reply, System


def _pay(system: System, invoice_id: str) -> Reply:
    """The employer pays ``invoice_id`` on Stripe's page, by card: paid at once."""
    paid = system.stripe_local("POST", f"/invoices/{invoice_id}/pay")
    assert paid.status == 200, paid.body
    return paid


def _confirmed_by(system: System, application: dict[str, Any], invoice_id: str) -> None:
    """The booking confirmed by ``invoice_id``'s payment, recorded as its current invoice as
    Stripe holds it (its page, number and amount), nothing given back."""
    stored = system.stored(application)
    assert stored.status.value == "confirmed", stored.status
    assert stored.invoice is not None
    assert stored.invoice.invoice_id == invoice_id
    assert stored.invoice.status == "paid"
    at_stripe = system.stripe_invoice(invoice_id)
    assert stored.invoice.url == at_stripe["hosted_invoice_url"]
    assert stored.invoice.number == at_stripe["number"]
    assert stored.invoice.amount_due == at_stripe["amount_due"] == 20000
    assert stored.amount_paid == 20000
    assert stored.payment_intent is not None  # kept: nothing given back
    assert not stored.payments or all(payment.kept for payment in stored.payments)
    assert stored.invoices_issued == (invoice_id,)  # nothing more sent
    assert at_stripe["status"] == "paid"


def _kept_by(system: System, application: dict[str, Any], sent_first: str) -> Application:
    """The booking confirmed by ``sent_first``, the invoice an act sent before it stopped, paid,
    and any payment of it kept. The stored application."""
    stored = system.stored(application)
    assert stored.status.value == "confirmed", stored.status
    assert stored.invoice is not None
    assert (stored.invoice.invoice_id, stored.invoice.status) == (sent_first, "paid")
    assert not stored.payments or all(payment.kept for payment in stored.payments)
    return stored


def _sent_first(system: System, application: dict[str, Any], caught: list[Any]) -> str:
    by_type = {json.loads(b)["type"]: json.loads(b)["data"]["object"] for b, _ in caught}
    sent_first = str(by_type["invoice.sent"]["id"])
    assert system.stored(application).invoices_issued == (sent_first,)
    return sent_first


def test_its_payment_confirms_the_booking_when_stripe_says_so(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    application = by_card(system)
    reply, caught = stopped_after_the_expiry(
        system, monkeypatch, lambda: invoiced_instead(system, application)
    )
    assert reply.status == 500, reply.body
    sent_first = _sent_first(system, application, caught)

    _pay(system, sent_first)  # its invoice.paid delivered at once

    _confirmed_by(system, application, sent_first)
    assert system.stored(application).checkout is None  # the act completed, its mark gone
    # Stripe's late events of the stopped try change nothing.
    deliver(system, caught)
    _confirmed_by(system, application, sent_first)


@pytest.mark.parametrize("by", ["press_again", "sweep"])
def test_pressing_again_or_the_sweep_completes_the_act_with_it(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    """The invoice paid before its event came: pressing again says it was paid, and the
    sweep completes the act with it; either way the booking is confirmed by it."""
    application = by_card(system)
    act = lambda: invoiced_instead(system, application)  # noqa: E731
    _, caught = stopped_after_the_expiry(system, monkeypatch, act)
    sent_first = _sent_first(system, application, caught)
    _, paid_events = held(system, lambda: _pay(system, sent_first))  # its event not come yet

    if by == "press_again":
        error = invoiced_instead(system, application).refused(409, "invoice_paid")
        assert "employer has paid the invoice sent when this was first pressed" in error["message"]
        assert "confirmed" in error["message"]
    else:
        system.clock_offset += LEFT_HALF_DONE_AFTER + timedelta(minutes=1)
        system.scheduled_run(system.now())

    _confirmed_by(system, application, sent_first)
    deliver(system, paid_events)  # Stripe's own invoice.paid, late: nothing more
    _confirmed_by(system, application, sent_first)


def _correction_stopped_after_sending(
    system: System, monkeypatch: pytest.MonkeyPatch, *, before_due: timedelta | None = None
) -> tuple[dict[str, Any], str]:
    """A correction of a booking's invoice stopped after its void and after Stripe sent the
    corrected invoice, before its save (``before_due`` its invoice's due time if given): the
    booking, and that invoice's id."""
    application, old = one_on_an_invoice(system)
    if before_due is not None:
        invoice = system.stored(application).invoice
        assert invoice is not None
        system.clock_offset += invoice.due_at - before_due - system.now()
    correction_stopped_after_the_void(system, monkeypatch, application)
    left = system.stored(application)
    [recorded, sent_first] = left.invoices_issued
    assert recorded == old
    assert system.stripe_invoice(sent_first)["status"] == "open"
    return application, sent_first


@pytest.mark.parametrize("by", ["event", "sweep"])
def test_a_corrected_invoice_paid_before_the_save_confirms_the_booking(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    """Never refunded, and never ended by the old invoice's void two hours on: a bank's
    payment of it may take days."""
    application, sent_first = _correction_stopped_after_sending(system, monkeypatch)
    paid_then_completed(system, sent_first, by, timedelta(hours=3))

    stored = system.stored(application)
    assert stored.status.value == "confirmed", stored.status
    assert stored.invoice is not None
    assert stored.invoice.invoice_id == sent_first
    assert stored.invoice.status == "paid"
    assert stored.invoice.voiding is None  # the correction completed
    assert stored.billing is not None
    assert stored.billing.billing_email == CORRECTED["billing_email"]
    assert stored.payment_intent is not None
    assert not stored.payments or all(payment.kept for payment in stored.payments)


def _grant_stopped_after_sending(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], str]:
    """A bursary of £50 on a £200 invoiced booking stopped after the old invoice's void and
    after Stripe sent the invoice for the rest, before its save: the booking, and that
    invoice's id (recorded first, as a draft)."""
    from booking.services.bursaries import grant_bursary

    application, old = one_on_an_invoice(system)
    app_id = application["application_id"]
    stopped_after_the_void(system, monkeypatch, lambda: grant_bursary(system.ports, app_id, 5000))
    [recorded, sent_first] = system.stored(application).invoices_issued
    assert recorded == old
    assert system.stripe_invoice(sent_first)["amount_due"] == 15000
    return application, sent_first


def _grant(system: System, application: dict[str, Any]) -> Reply:
    path = f"/applications/{application['application_id']}/bursary"
    return system.admin("POST", path, json_body={"amount": 5000})


@pytest.mark.parametrize("by", ["event", "sweep", "press_again"])
def test_the_rest_after_a_bursary_paid_before_the_save_confirms_the_booking(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    application, sent_first = _grant_stopped_after_sending(system, monkeypatch)

    def press_again() -> None:
        error = _grant(system, application).refused(409, "invoice_paid")
        assert "confirmed by that payment" in error["message"]

    paid_then_completed(system, sent_first, by, timedelta(hours=3), press_again)

    stored = system.stored(application)
    assert stored.status.value == "confirmed", stored.status
    assert stored.bursary == 5000
    assert stored.invoice is not None
    assert stored.invoice.invoice_id == sent_first
    assert (stored.invoice.status, stored.invoice.amount_due) == ("paid", 15000)
    assert stored.amount_paid == 15000
    assert not stored.payments or all(payment.kept for payment in stored.payments)


def test_a_correction_pressed_again_says_its_invoice_was_paid(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    application, sent_first = _correction_stopped_after_sending(system, monkeypatch)
    _, paid_events = held(system, lambda: _pay(system, sent_first))
    path = f"/applications/{application['application_id']}/invoice/correct"

    answer = system.admin("POST", path, json_body=dict(CORRECTED))

    error = answer.refused(409, "invoice_paid")
    assert "employer has paid the invoice sent when this was first pressed" in error["message"]
    deliver(system, paid_events)
    stored = system.stored(application)
    assert stored.status.value == "confirmed", stored.status
    assert stored.invoice is not None
    assert (stored.invoice.invoice_id, stored.invoice.status) == (sent_first, "paid")


def _invoiced_instead_stopped_after_sending(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> tuple[dict[str, Any], str]:
    """*Invoice the employer instead* stopped after the card checkout's expiry and after Stripe
    sent the invoice, before its save: the booking, and that invoice's id."""
    application = by_card(system)
    act = lambda: invoiced_instead(system, application)  # noqa: E731
    _, caught = stopped_after_the_expiry(system, monkeypatch, act)
    return application, _sent_first(system, application, caught)


STOPPED_AFTER_SENDING = {
    "invoice_instead": _invoiced_instead_stopped_after_sending,
    "correction": _correction_stopped_after_sending,
    "bursary": _grant_stopped_after_sending,
}


@pytest.mark.parametrize("act", sorted(STOPPED_AFTER_SENDING))
def test_one_being_paid_by_bank_debit_keeps_the_place_through_the_sweep(
    system: System, monkeypatch: pytest.MonkeyPatch, act: str
) -> None:
    """The employer starts a bank debit of the invoice sent before the stop: the act's
    completion was refused while the debit was on its way, and the sweep let the place go
    under it (a correction's or a bursary's ended by the old invoice's void two hours on, an
    invoice instead's card hold ended as unpaid), so the debit paid for a place gone. The
    invoice is the booking's, nothing more is sent, and its payment confirms the booking."""
    application, sent_first = STOPPED_AFTER_SENDING[act](system, monkeypatch)
    _debited_through_the_sweep(system, application, sent_first)


def test_a_corrected_invoice_debited_past_the_old_ones_due_time_keeps_the_place(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A correction stopped three minutes before the invoice's due time, after Stripe sent the
    corrected invoice, which the employer pays by bank debit just after it: being paid, it is
    the booking's as a paid one is, so the due time refuses nothing and the sweep keeps the
    place while the bank confirms it; its payment confirms the booking."""
    application, sent_first = _correction_stopped_after_sending(
        system, monkeypatch, before_due=timedelta(minutes=3)
    )
    system.clock_offset += timedelta(minutes=4)
    _debited_through_the_sweep(system, application, sent_first)
    stored = system.stored(application)
    assert stored.billing is not None
    assert stored.billing.billing_email == CORRECTED["billing_email"]


def _debited_through_the_sweep(
    system: System, application: dict[str, Any], sent_first: str
) -> None:
    """The employer debits ``sent_first``; the sweep runs three hours and four days on, the
    booking awaiting that invoice's payment, nothing more sent and it never voided; the bank
    confirms the debit, and the booking is confirmed by it."""
    debited = system.debit_invoice(sent_first)
    assert debited.status == 200, debited.body

    for later in (timedelta(hours=3), timedelta(days=4)):
        system.scheduled_run(system.now() + later)
        stored = system.stored(application)
        assert stored.status.value == "awaiting_invoice_payment", stored.status
        assert stored.invoices_issued[-1] == sent_first  # nothing more sent
        assert system.stripe_invoice(sent_first)["status"] == "open"

    settled = system.settle_invoice(sent_first)
    assert settled.status == 200, settled.body
    _kept_by(system, application, sent_first)


@pytest.mark.parametrize("by", ["event", "sweep"])
@pytest.mark.parametrize("act", sorted(STOPPED_AFTER_SENDING))
def test_an_acts_invoice_paid_after_applications_closed_confirms_the_booking(
    system: System, monkeypatch: pytest.MonkeyPatch, act: str, by: str
) -> None:
    """An organiser's act (invoice instead, a correction, a bursary) stopped after Stripe sent
    its invoice; the course's applications close (the organisers' close) before the employer
    pays it: the act, decided while they were open, is completed with it and the booking
    confirmed, never refused for the close (nor its payment given back)."""
    application, sent_first = STOPPED_AFTER_SENDING[act](system, monkeypatch)
    course_id = system.stored(application).course_id
    system.put_course(course_id, {**system.course_file(course_id), "closed": True})

    paid_then_completed(system, sent_first, by, timedelta(hours=3))

    assert all(reply.status == 200 for reply in system.webhook_replies)
    stored = _kept_by(system, application, sent_first)
    assert stored.payment_intent is not None


@pytest.mark.parametrize("by", ["event", "sweep", "press_again"])
def test_a_corrected_invoice_paid_after_the_old_ones_due_time_confirms_the_booking(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    """A correction stopped three minutes before the invoice's due time, after Stripe sent the
    corrected invoice, which the employer pays just after it: nothing new is made, so the due
    time refuses nothing (the webhook answered 503, the sweep and pressing again were refused
    as too late for a corrected invoice): the correction is completed with it and the booking
    confirmed, its payment kept."""
    application, sent_first = _correction_stopped_after_sending(
        system, monkeypatch, before_due=timedelta(minutes=3)
    )
    system.clock_offset += timedelta(minutes=4)

    def press_again() -> None:
        path = f"/applications/{application['application_id']}/invoice/correct"
        system.admin("POST", path, json_body=dict(CORRECTED)).refused(409, "invoice_paid")

    paid_then_completed(system, sent_first, by, timedelta(minutes=6), press_again)

    assert all(reply.status == 200 for reply in system.webhook_replies)
    stored = _kept_by(system, application, sent_first)
    assert stored.billing is not None
    assert stored.billing.billing_email == CORRECTED["billing_email"]
