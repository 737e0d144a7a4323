"""Invoice the employer instead of the card: a person who chose to pay by card,
whose employer then says it will pay. The open Checkout Session is expired at Stripe first; an
invoice for the price the application was accepted at (its code and bursary honoured) is sent
to the billing details on the course's terms, the place kept, its id recorded before it is
sent; the person is told their employer is invoiced. A card payment racing the expiry wins:
the booking confirmed by the card, no invoice sent, said in words. Through the real handlers
(organisers' API, console, CLI), moto and the Stripe stand-in; the race made exact by a hook
at the in-process Stripe client, as the expiry reaches it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from booking.domain.invoice_voiding import LEFT_HALF_DONE_AFTER
from tests.support.card_then_invoice import (
    EMPLOYER,
    PERSON,
    by_card,
    invoiced_instead,
    stopped_after_the_expiry,
)
from tests.support.cli import done_with_billing
from tests.support.console import ConsoleBrowser, error_beside
from tests.support.groups import when_stripe_is_asked
from tests.support.held_events import deliver, held
from tests.support.invoiced import INVOICED, held_on_an_open_invoice, invoiced_cohort
from tests.support.page_text import text_of
from tests.support.system import STRIPE_KEY, System


def _session_of(application: dict[str, Any]) -> str:
    return str(application["checkout_url"]).rsplit("/", 1)[-1]


def _invoiced(
    system: System, application: dict[str, Any], amount: int, before: tuple[str, ...] = ()
) -> str:
    """The booking on an open invoice to :data:`EMPLOYER` for ``amount``, its checkout expired
    at Stripe, the place still held: the invoice's id."""
    stored, invoice_id = held_on_an_open_invoice(system, application, EMPLOYER, amount)
    assert stored.payment_method.value == "invoice"
    assert stored.checkout is None
    # Believed for this application only, recorded before it was sent.
    assert stored.invoices_issued == (*before, invoice_id)
    assert system.checkout_session(_session_of(application))["status"] == "expired"
    return invoice_id


def test_the_employer_is_invoiced_for_the_price_accepted_and_the_place_kept(
    system: System,
) -> None:
    invoiced_cohort(system, capacity=2)
    made = system.admin(
        "POST",
        f"/courses/{INVOICED}/discount-codes",
        json_body={"code": "HALF", "percent_off": 50, "max_uses": 3},
    )
    assert made.status in (200, 201), made.body
    application = by_card(system, discount_code="half")
    # £200 less a £50 bursary, half off what is left: £75 owed, by card or by invoice.
    assert system.grant_bursary(application, 5000).status == 200
    # The bursary closed the checkout; the person starts paying again at the new amount.
    path = f"/applications/{application['application_id']}/checkout?token={application['token']}"
    restarted = system.api("POST", path)
    assert restarted.status == 201, restarted.body
    application = {**application, "checkout_url": restarted.json()["checkout_url"]}
    system.deliver_emails()
    assert system.checkout_session(application["checkout_url"])["amount_total"] == 7500

    answer = invoiced_instead(system, application)

    assert answer.status == 200, answer.body
    assert answer.json()["status"] == "awaiting_invoice_payment"
    invoice_id = _invoiced(system, application, 7500)
    told = [e for e in system.deliver_emails() if e.to == [PERSON]]
    assert [e.subject for e in told] == [told[0].subject]
    assert "invoiced" in told[0].subject.lower(), told[0].subject
    again = invoiced_instead(system, application)
    assert again.status == 200, again.body
    assert system.stored(application).invoice.invoice_id == invoice_id  # type: ignore[union-attr]
    assert system.deliver_emails() == []  # nothing sent again


def test_a_card_payment_at_the_expiry_wins_and_no_invoice_is_sent(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    application = by_card(system)
    session = _session_of(application)
    paid = when_stripe_is_asked(
        system,
        monkeypatch,
        f"/v1/checkout/sessions/{session}/expire",
        lambda: system.pay_session(session).status,
    )

    answer, caused = held(system, lambda: invoiced_instead(system, application))
    monkeypatch.undo()

    assert paid == [200]
    error = answer.refused(409, "payment_being_recorded")
    assert "confirmed by the card, and no invoice was sent" in error["message"]
    stored = system.stored(application)
    assert stored.invoices_issued == ()
    assert stored.billing is None
    assert stored.invoice is None
    assert stored.checkout is not None
    assert not stored.checkout.expiring  # the mark taken back
    deliver(system, caused)
    assert all(reply.status == 200 for reply in system.webhook_replies)
    assert system.status_of(application)["status"] == "confirmed"


@pytest.mark.parametrize("why", ["paid", "cancelled", "waiting"])
def test_nothing_open_to_switch_is_refused_in_words(system: System, why: str) -> None:
    if why == "waiting":
        invoiced_cohort(system, capacity=1)
        assert system.apply(INVOICED, email="first@example.org").status == 201
        reply = system.apply(INVOICED, email=PERSON)
        assert reply.status == 201, reply.body
        application = dict(reply.json())
    else:
        application = by_card(system)
    if why == "paid":
        assert system.pay(application["checkout_url"]).status in (200, 303)
    if why == "cancelled":
        assert system.cancel(application["application_id"]).status == 200

    answer = invoiced_instead(system, application)

    error = answer.refused(409, "no_open_card_payment")
    assert "no card payment open to switch to an invoice" in error["message"]
    assert system.stored(application).invoices_issued == ()


def test_a_bank_debit_settling_through_the_checkout_is_refused(system: System) -> None:
    application = by_card(system)
    assert system.pay_session(_session_of(application), delayed=True).status in (200, 303)

    answer = invoiced_instead(system, application)

    assert "bank payment" in answer.refused(409, "payment_settling")["message"]
    assert system.stored(application).invoices_issued == ()


def test_a_course_that_requires_a_po_refuses_a_switch_without_one(system: System) -> None:
    invoiced_cohort(system, capacity=2, po_required=True)
    reply = system.apply(INVOICED, email=PERSON)
    assert reply.status == 201, reply.body

    answer = invoiced_instead(system, dict(reply.json()), **{**EMPLOYER, "po_number": ""})

    fields = answer.refused(422, "validation_failed")["fields"]
    assert "purchase order number" in fields["po_number"]
    assert system.checkout_session(reply.json()["checkout_url"])["status"] == "open"


@pytest.mark.parametrize("by", ["event", "sweep", "press_again"])
def test_a_switch_stopped_after_the_expiry_is_completed_as_pressed(
    system: System, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    application = by_card(system)

    reply, caught = stopped_after_the_expiry(
        system, monkeypatch, lambda: invoiced_instead(system, application)
    )

    assert reply.status == 500, reply.body
    mark = system.stored(application).checkout
    assert mark is not None
    assert mark.expiring_for is not None
    assert mark.expiring_for.invoiced_instead is not None  # the act, on the mark
    # Stripe's checkout.session.expired (and the events of the invoice the stopped save never
    # recorded: see *Invoice the employer instead* in
    # docs/features/paying-by-invoice.md).
    by_type = {json.loads(b)["type"]: json.loads(b)["data"]["object"] for b, _ in caught}
    [expired] = [(b, h) for b, h in caught if json.loads(b)["type"] == "checkout.session.expired"]
    # The invoice Stripe sent before the stop was recorded first, as a draft: known to be
    # this application's, though the change was never saved.
    sent_first = by_type["invoice.sent"]["id"]
    assert system.stored(application).invoices_issued == (sent_first,)
    assert system.stripe_invoice(sent_first)["status"] == "open"
    if by == "press_again":  # the organiser, answered 500, presses again at once
        assert invoiced_instead(system, application).status == 200
    else:
        system.clock_offset += LEFT_HALF_DONE_AFTER + timedelta(minutes=1)
        if by == "event":
            assert system.webhook(*expired).status == 200
        else:
            system.scheduled_run(system.now())
    system.relay()

    _invoiced(system, application, 20000, before=(sent_first,))
    # The invoice the stopped try sent is voided before the next is sent, so the
    # employer has one invoice open to pay, never two.
    assert system.stripe_invoice(sent_first)["status"] == "void"


def test_a_switch_pressed_again_while_the_first_invoice_is_being_debited_sends_no_second(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The employer's bank debit of the invoice a stopped try sent is processing: Stripe
    refuses its void, so pressing again completes the switch with that invoice as the
    booking's, left to its payment (its customer kept), no second invoice sent for the
    employer to pay too (refused instead, the sweep then let the place go under the debit)."""
    application = by_card(system)
    stopped_after_the_expiry(system, monkeypatch, lambda: invoiced_instead(system, application))
    [sent_first] = system.stored(application).invoices_issued
    assert system.debit_invoice(sent_first).status == 200

    answer = invoiced_instead(system, application)

    assert answer.status == 200, answer.body
    stored = system.stored(application)
    assert stored.status.value == "awaiting_invoice_payment", stored.status
    assert stored.invoice is not None
    assert (stored.invoice.invoice_id, stored.invoice.status) == (sent_first, "open")
    assert stored.invoices_issued == (sent_first,)
    first = system.stripe_invoice(sent_first)
    assert first["status"] == "open"
    customer = system.stripe_local("GET", f"/v1/customers/{first['customer']}", headers=STRIPE_KEY)
    assert customer.json().get("deleted") is not True


def test_the_console_asks_for_the_billing_details_and_asks_first(
    system: System, browser: ConsoleBrowser
) -> None:
    application = by_card(system)
    path = f"/console/applications/{application['application_id']}"
    form = f"{path}/invoice/instead-of-card"
    assert f'href="{form}"' in browser.get(path).body
    version = system.stored(application).version

    words = browser.words(form)

    assert "card checkout is closed at Stripe" in words
    assert "An invoice for £200.00, the price this booking was accepted at" in words
    assert "The place stays held" in words
    assert system.stored(application).version == version  # asking changed nothing
    assert browser.post(form, **EMPLOYER).status == 403
    wrong = browser.press(form, form, **{**EMPLOYER, "billing_email": "x"})
    assert wrong.status == 422
    # Said beside its box on this page, what was typed kept.
    assert "Nothing was done" in text_of(wrong.body)
    said = error_beside(wrong.body, "billing_email")
    assert said
    assert "Enter the email address" in text_of(said.group(1))
    assert f'value="{EMPLOYER["billing_name"]}"' in wrong.body
    assert system.checkout_session(_session_of(application))["status"] == "open"

    done = browser.press(form, form, **EMPLOYER)

    assert done.status == 303, done.body
    _invoiced(system, application, 20000)
    shown = text_of(browser.get(path).body)
    assert "Stripe is emailing the invoice to the employer" in shown
    assert f'action="{form}"' not in browser.get(path).body
    refused = browser.get(form)
    assert refused.status == 409
    assert "no card payment open to switch" in text_of(refused.body)


def test_a_console_page_read_before_a_change_is_refused(
    system: System, browser: ConsoleBrowser
) -> None:
    application = by_card(system)
    form = f"/console/applications/{application['application_id']}/invoice/instead-of-card"
    older = browser.form(form, form)
    # Changed meanwhile: a bursary (which closes the checkout), and the person paying again.
    assert system.grant_bursary(application, 5000).status == 200
    path = f"/applications/{application['application_id']}/checkout?token={application['token']}"
    assert system.api("POST", path).status == 201

    refused = browser.post(form, **{**older, **EMPLOYER})

    assert refused.status == 409
    assert "look at it again before invoicing the employer instead" in text_of(refused.body)
    assert system.stored(application).invoices_issued == ()


def test_a_page_whose_due_day_moved_with_the_course_is_refused_and_the_new_day_sent(
    system: System, browser: ConsoleBrowser
) -> None:
    """The page names the day the invoice falls due; the course's dates moved earlier before
    the press bring that day forward: the press is refused in words, nothing sent, and the
    page looked at again names the day the invoice then goes out with."""
    application = by_card(system)
    form = f"/console/applications/{application['application_id']}/invoice/instead-of-card"
    older = browser.form(form, form)
    first_day = (system.now() + timedelta(days=20)).date()
    session = {"date": first_day.isoformat(), "start_time": "15:00", "end_time": "17:00"}
    invoiced_cohort(system, capacity=2, sessions=[{**session, "title": "Session 1"}])
    stripe_asked = len(system.stripe_http.requests)

    refused = browser.post(form, **{**older, **EMPLOYER})

    assert refused.status == 409, refused.body
    said = text_of(refused.body)
    assert "the day an invoice sent now falls due, changed since you last looked" in said
    assert "look at it again before invoicing the employer instead" in said
    assert system.stored(application).invoices_issued == ()
    assert system.stripe_http.requests[stripe_asked:] == []
    assert system.checkout_session(_session_of(application))["status"] == "open"
    done = browser.press(form, form, **EMPLOYER)
    assert done.status == 303, done.body
    due = system.stored(application).invoice
    assert due is not None
    assert due.due_at.date() < first_day - timedelta(days=6)


def test_the_cli_invoices_the_employer_by_reference(system: System, run: Any) -> None:
    application = by_card(system)

    done_with_billing(run, "invoice-instead", application, EMPLOYER)

    _invoiced(system, application, 20000)


def test_an_offered_place_paying_by_card_is_invoiced_and_kept_past_the_offer(
    system: System,
) -> None:
    """A place offered from the waiting list, its card checkout open, switched to the
    employer's invoice: the offer's place is kept on the invoice's terms (never lapsed when the
    offer would have, nor offered on to the next person waiting)."""
    invoiced_cohort(system, capacity=1)
    holder = system.apply(INVOICED, email="holder@example.org").json()
    offered = system.apply(INVOICED, email=PERSON).json()
    waiting = system.apply(INVOICED, email="waiting@example.org").json()
    assert system.stripe_local("POST", f"/checkout/{_session_of(holder)}/expire").status == 200
    assert system.status_of(offered)["status"] == "offered"
    path = f"/applications/{offered['application_id']}/checkout?token={offered['token']}"
    opened = system.api("POST", path)
    assert opened.status == 201, opened.body
    offered = {**offered, "checkout_url": opened.json()["checkout_url"]}
    system.deliver_emails()

    answer = invoiced_instead(system, offered)

    assert answer.status == 200, answer.body
    assert answer.json()["status"] == "awaiting_invoice_payment"
    stored = system.stored(offered)
    assert stored.invoice is not None
    # The invoice holds the place until its due day ends, past the offer's deadline (which
    # stays recorded: the person may still turn the place down, ``invoiced_offer``).
    assert stored.hold_expires_at is not None
    assert stored.offer_expires_at is not None
    assert stored.hold_expires_at > stored.offer_expires_at
    told = [e.subject for e in system.deliver_emails() if e.to == [PERSON]]
    assert len(told) == 1, told
    assert "invoiced" in told[0].lower(), told
    assert system.course(INVOICED)["places_left"] == 0
    at_stripe = system.stripe_invoice(stored.invoice.invoice_id)
    assert (at_stripe["status"], at_stripe["amount_due"]) == ("open", 20000)
    assert system.checkout_session(_session_of(offered))["status"] == "expired"
    # Past the offer's 48 hours (and the checkout's 30 minutes), well before the invoice's
    # due day: the place is the invoice's still, nobody else offered it.
    for hours in (24, 25):  # the day the offer ends, then after it
        system.clock_offset += timedelta(hours=hours)
        system.scheduled_run(system.now())
        system.relay()
    assert system.status_of(offered)["status"] == "awaiting_invoice_payment"
    # Nothing about an offer ending or lapsing is sent to a place its invoice holds.
    assert [e.subject for e in system.deliver_emails() if e.to == [PERSON]] == []
    assert system.status_of(waiting)["status"] == "waitlisted"
    assert system.course(INVOICED)["places_left"] == 0


def test_an_offered_place_whose_switch_stopped_after_the_expiry_is_completed(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same switch on an offered place, stopped after Stripe's expiry and its invoice:
    completed by the sweep on the invoice it sent first's void, the place kept for the
    offered person, never offered on as an offer's checkout that lapsed."""
    invoiced_cohort(system, capacity=1)
    holder = system.apply(INVOICED, email="holder@example.org").json()
    offered = system.apply(INVOICED, email=PERSON).json()
    waiting = system.apply(INVOICED, email="waiting@example.org").json()
    assert system.stripe_local("POST", f"/checkout/{_session_of(holder)}/expire").status == 200
    path = f"/applications/{offered['application_id']}/checkout?token={offered['token']}"
    opened = system.api("POST", path)
    assert opened.status == 201, opened.body
    offered = {**offered, "checkout_url": opened.json()["checkout_url"]}

    reply, caught = stopped_after_the_expiry(
        system, monkeypatch, lambda: invoiced_instead(system, offered)
    )

    assert reply.status == 500, reply.body
    [sent_first] = system.stored(offered).invoices_issued
    deliver(system, caught)  # Stripe's expiry, young: it ends nothing
    assert system.status_of(offered)["status"] == "offered"
    system.clock_offset += LEFT_HALF_DONE_AFTER + timedelta(minutes=1)
    system.scheduled_run(system.now())
    system.relay()

    assert system.status_of(offered)["status"] == "awaiting_invoice_payment"
    assert system.stripe_invoice(sent_first)["status"] == "void"
    stored = system.stored(offered)
    assert stored.invoice is not None
    assert stored.invoice.invoice_id != sent_first
    assert system.stripe_invoice(stored.invoice.invoice_id)["status"] == "open"
    assert system.status_of(waiting)["status"] == "waitlisted"
    assert system.course(INVOICED)["places_left"] == 0
