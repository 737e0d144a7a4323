"""An organiser records a payment received outside Stripe for an open invoice (a bank transfer could
be marked paid only on Stripe's dashboard): from the console (a page that
says what it does first) and the organisers' API. Stripe marks the invoice paid out of band,
and the booking is confirmed by the invoice's ``invoice.paid`` path, once, whichever of the
step and Stripe's own event comes first; a refund of it afterwards is refused in words.
Through the real handlers, moto and the Stripe stand-in (the real ``stripe`` SDK)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

from booking.services.paid_off_stripe import record_group_payment, record_payment
from tests.support import cli
from tests.support.applications import invoice_id_of
from tests.support.console import ConsoleBrowser, asked_first
from tests.support.groups import (
    COLLEAGUES,
    MANAGER,
    OTHERS,
    give_up,
    invoiced_group,
    paid_group,
    pay_link_id,
)
from tests.support.held_events import deliver, held
from tests.support.invoiced import (
    ACCOUNTS,
    INVOICED,
    applied_by_invoice,
    debit_begun,
    invoiced_cohort,
)
from tests.support.page_text import text_of
from tests.support.system import ADMIN_TOKEN, STRIPE_KEY, System

PERSON = "ben@example.org"


Pressed = TypeVar("Pressed")


def _booked(system: System, **changes: Any) -> tuple[dict[str, Any], str]:
    """One person booked by invoice on :data:`INVOICED` (its emails delivered): the
    application and its invoice's id."""
    invoiced_cohort(system, **changes)
    application = applied_by_invoice(system, email=PERSON)
    system.deliver_emails()
    return application, invoice_id_of(application)


def _seen_on(page: str) -> str:
    seen: str
    [seen] = re.findall(r'name="seen" value="([0-9a-f]{16})"', page)
    return seen


def _confirmations(system: System) -> list[str]:
    return [
        address
        for email in system.deliver_emails()
        if "confirmed" in email.subject.lower()
        for address in email.to
    ]


def test_the_console_asks_then_records_a_bank_transfer(
    system: System, browser: ConsoleBrowser
) -> None:
    application, invoice_id = _booked(system, capacity=2)
    path = f"/console/applications/{application['application_id']}"
    asked, words = asked_first(system, browser, application, "invoice/paid")
    number = system.stripe_invoice(invoice_id)["number"]
    assert f"Invoice {number} for £200.00 is marked as paid at Stripe, paid outside Stripe" in words
    assert "The booking is confirmed, and keeps the place it holds." in words
    assert f"Ada Lovelace ({PERSON}) is emailed their booking confirmation" in words
    assert "if it is cancelled later, the £200.00 cannot be refunded through Stripe" in words

    seen = _seen_on(asked)
    assert browser.post(f"{path}/invoice/paid", seen=seen).status == 403  # no CSRF: nothing
    assert system.status_of(application)["status"] == "awaiting_invoice_payment"
    done = browser.act(f"{path}/invoice/paid", seen=seen)
    assert done.status == 303, done.body
    said = browser.words(done.headers["location"])
    assert "Payment recorded: Stripe holds the invoice as paid outside Stripe" in said
    # Who was emailed, as the page before said: the applicant and the billing contact.
    assert (
        "The applicant has been emailed their booking confirmation, and the billing contact "
        "that the payment was received."
    ) in said
    assert "Payment received outside Stripe (the invoice marked as paid): £200.00" in said
    # Its Cancel says, before the press, that nothing of it goes back through Stripe.
    cancelling = browser.words(f"{path}/cancel?refund=on")
    assert "Nothing is refunded from here: the £200.00 paid was paid outside Stripe" in cancelling
    assert "nothing was paid" not in cancelling

    expanded = {"expand[0]": ["amount_paid_off_stripe"]}  # given only when asked for
    read = system.standin.handle("GET", f"/v1/invoices/{invoice_id}", expanded, STRIPE_KEY, b"")
    at_stripe = json.loads(read.body)
    assert (at_stripe["status"], at_stripe["amount_paid_off_stripe"]) == ("paid", 20000)
    assert at_stripe["amount_paid"] == 20000  # counted once: amount_paid includes it
    stored = system.stored(application)
    assert (stored.status.value, stored.amount_paid, stored.payment_intent) == (
        "confirmed",
        20000,
        None,
    )
    # Stripe's own invoice.paid came too (answered 200); the person is told once.
    assert all(reply.status == 200 for reply in system.webhook_replies)
    assert _confirmations(system) == [PERSON]
    assert system.course(INVOICED)["places_left"] == 1

    # Pressed again (a second tab): nothing changes, nobody is emailed again.
    again = browser.act(f"{path}/invoice/paid", seen=seen)
    assert again.status == 303
    assert "recorded as paid already" in browser.words(again.headers["location"])
    assert system.deliver_emails() == []
    # Not offered any more.
    assert browser.get(f"{path}/invoice/paid").status == 409

    # A refund of it is refused in words; nothing changes.
    refused = system.admin(
        "POST", f"/applications/{application['application_id']}/cancel", json_body={"refund": True}
    ).refused(409, "no_payment_to_refund")
    assert "paid outside Stripe" in refused["message"]
    assert system.stored(application).status.value == "confirmed"


def test_the_api_confirms_it_and_stripes_own_event_later_changes_nothing(
    system: System,
) -> None:
    application, _invoice_id = _booked(system)
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"

    answer, events = held(system, lambda: system.admin("POST", path, json_body={}))

    assert answer.status == 200, answer.body
    assert answer.json()["status"] == "confirmed"
    assert [e for e in events if b'"invoice.paid"' in e[0]], "Stripe sent its invoice.paid"
    assert _confirmations(system) == [PERSON]
    version = system.stored(application).version
    deliver(system, events)  # Stripe's own invoice.paid, late
    assert system.stored(application).status.value == "confirmed"
    assert system.deliver_emails() == []
    assert system.stored(application).version == version
    # Asked again: 200, nothing changed.
    assert system.admin("POST", path, json_body={}).status == 200
    assert system.deliver_emails() == []


def test_what_cannot_be_recorded_is_refused_in_words(system: System) -> None:
    application, invoice_id = _booked(system)
    app_id = application["application_id"]
    path = f"/applications/{app_id}/invoice/paid-outside-stripe"

    # Seen as it was before a change: refused, nothing done.
    changed = system.admin("POST", path, json_body={"seen": "0123456789abcdef"}).refused(
        409, "application_changed"
    )
    assert "nothing was changed" in changed["message"]
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    # An unknown field is refused by name.
    assert system.admin("POST", path, json_body={"amount": 1}).status == 422

    # A bank debit going through: refused while it settles.
    debit_begun(system, invoice_id)
    settling = system.admin("POST", path, json_body={}).refused(409, "payment_settling")
    assert settling["message"]
    assert system.stripe_invoice(invoice_id)["status"] == "open"

    # A card application has no invoice.
    card = system.apply(email="card@example.org").json()
    system.deliver_emails()  # its own "we have received your application"
    system.admin(
        "POST", f"/applications/{card['application_id']}/invoice/paid-outside-stripe", json_body={}
    ).refused(409, "no_open_invoice")
    assert system.deliver_emails() == []


def test_an_invoice_voided_at_stripe_meanwhile_is_not_marked_paid(system: System) -> None:
    application, invoice_id = _booked(system)
    system.lose_webhooks = True  # Stripe's void is not heard here yet
    voided = system.stripe_local("POST", f"/invoices/{invoice_id}/void", b"", {})
    assert voided.status == 200, voided.body
    system.lose_webhooks = False
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"

    refused = system.admin("POST", path, json_body={}).refused(409, "invoice_not_payable")

    assert "Stripe holds this invoice as cancelled (void)" in refused["message"]
    assert system.stripe_invoice(invoice_id)["status"] == "void"
    assert system.stored(application).status.value == "awaiting_invoice_payment"
    assert system.deliver_emails() == []


def test_a_groups_invoice_paid_by_bank_transfer_is_recorded_from_its_card(
    system: System, browser: ConsoleBrowser
) -> None:
    group = invoiced_group(invoiced_cohort(system))
    system.deliver_emails()
    invoice_id = pay_link_id(group)
    card = f"/console/courses/{INVOICED}/group-bookings"
    path = f"/console/groups/{group['group_id']}/invoice/paid"
    assert f'href="{path}"' in browser.get(card).body

    asked = browser.get(path)
    assert asked.status == 200, asked.body
    words = text_of(asked.body)
    number = system.stripe_invoice(invoice_id)["number"]
    assert f"Invoice {number} for £600.00 is marked as paid at Stripe" in words
    assert f"({MANAGER}), the manager, is emailed that it is paid and the colleagues" in words
    assert "each colleague named on a place is emailed their own link to apply" in words
    assert "a place given up later is not refunded from here" in words
    assert system.deliver_emails() == []
    seen = _seen_on(asked.body)
    assert browser.post(path, seen=seen).status == 403  # no CSRF: nothing done
    assert system.stored_group(group).status.value == "awaiting_invoice_payment"

    done = browser.act(path, seen=seen)

    assert done.status == 303, done.body
    assert "Payment recorded" in browser.words(done.headers["location"])
    assert system.stripe_invoice(invoice_id)["status"] == "paid"
    stored = system.stored_group(group)
    assert (stored.status.value, stored.amount_paid, stored.payment_intent) == ("paid", 60000, None)
    assert all(reply.status == 200 for reply in system.webhook_replies)
    told = {email.to[0]: email.subject for email in system.deliver_emails()}
    colleagues = {colleague["email"] for colleague in COLLEAGUES}
    assert set(told) == {MANAGER, ACCOUNTS} | colleagues, told
    assert told[MANAGER].startswith("Paid: your colleagues can apply")
    # The accounts team's own message, by its invoice's number.
    assert told[ACCOUNTS].startswith(f"Payment received for invoice {number}: ")
    # Again (a second tab): nothing changes; the API says the same.
    again = browser.act(path, seen=seen)
    assert "recorded as paid already" in browser.words(again.headers["location"])
    api = f"/groups/{group['group_id']}/invoice/paid-outside-stripe"
    assert system.admin("POST", api, json_body={}).status == 200
    assert system.admin("POST", api, json_body={"amount": 1}).status == 422
    assert system.deliver_emails() == []


def test_a_groups_card_seen_before_a_change_is_refused(
    system: System, browser: ConsoleBrowser
) -> None:
    group = invoiced_group(invoiced_cohort(system))
    path = f"/console/groups/{group['group_id']}/invoice/paid"
    refused = browser.act(path, seen="0123456789abcdef")
    assert refused.status == 409
    assert "changed since you last looked" in text_of(refused.body)
    assert system.stored_group(group).status.value == "awaiting_invoice_payment"
    assert browser.get("/console/groups/nope/invoice/paid").status == 404


def test_the_terminal_records_it_for_a_booking_and_a_group(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    application, _invoice_id = _booked(system)
    group = invoiced_group(system)
    system.deliver_emails()
    cli.connect(system, monkeypatch)
    listed = cli.run(capsys, "group-bookings", INVOICED)
    assert f"course-booking record-group-payment {group['group_id']}" in listed.out

    booked = cli.run(capsys, "record-payment", application["reference"])
    paid = cli.run(capsys, "record-group-payment", group["group_id"])

    assert booked.status == 0, booked
    assert booked.out.strip() == (
        "Payment recorded: Stripe holds the invoice for £200.00 as paid outside Stripe. "
        f"{application['reference']}: Confirmed"
    ), booked.out
    assert paid.status == 0, paid
    assert "Payment recorded: Stripe holds the invoice for £600.00 as paid outside" in paid.out
    assert system.stored_group(group).status.value == "paid"
    refused = cli.run(capsys, "record-payment", application["reference"] + "X")
    assert refused.status != 0


def test_the_terminal_says_the_amount_recorded_of_an_invoice_replaced_since_it_was_listed(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The operator lists the group (its invoice for £600.00: three places), the manager gives
    a place up (the invoice replaced by one for £400.00), then the operator records the bank
    transfer: what is recorded as received is said, so a transfer of another amount is seen
    at once; it said only that the invoice was recorded."""
    group = invoiced_group(invoiced_cohort(system))
    cli.connect(system, monkeypatch)
    assert "£600.00" in cli.run(capsys, "group-bookings", INVOICED).out
    assert give_up(system, group, 1).status == 200

    paid = cli.run(capsys, "record-group-payment", group["group_id"])

    assert paid.status == 0, paid
    assert "Stripe holds the invoice for £400.00 as paid outside Stripe" in paid.out, paid.out


def test_a_booking_whose_place_is_gone_is_not_marked_paid(
    system: System, browser: ConsoleBrowser
) -> None:
    """Its place let go (held no more, the only place taken by someone else since): the payment
    would be money it cannot keep, so Stripe is never asked and nothing changes."""
    application, invoice_id = _booked(system, capacity=1)
    stored = system.stored(application)
    system.ports.repository.save(stored.model_copy(update={"seat_held": False}), stored)
    system.booked(INVOICED, email="card@example.org")  # the one place, paid by card
    assert system.course(INVOICED)["places_left"] == 0
    system.deliver_emails()
    app_id = application["application_id"]

    page = browser.get(f"/console/applications/{app_id}/invoice/paid")
    refused = system.admin(
        "POST", f"/applications/{app_id}/invoice/paid-outside-stripe", json_body={}
    ).refused(409, "no_place_for_the_payment")

    assert page.status == 409
    assert "the invoice was not marked as paid" in text_of(page.body)
    assert "the invoice was not marked as paid" in refused["message"]
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    assert system.stored(application).status.value == "awaiting_invoice_payment"
    assert system.deliver_emails() == []


def test_a_press_after_one_stripe_failed_is_asked_anew(system: System) -> None:
    """Stripe replays a key's saved 500 for a day, so one key per invoice made
    every later press fail alike; each press is its own request."""
    application, invoice_id = _booked(system)
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    system.standin._store.failing_once[f"/v1/invoices/{invoice_id}/pay"] = 500

    failed = system.admin("POST", path, json_body={})
    assert failed.status == 503, failed.body
    assert system.stripe_invoice(invoice_id)["status"] == "open"
    assert system.stored(application).status.value == "awaiting_invoice_payment"

    again = system.admin("POST", path, json_body={})

    assert again.status == 200, again.body
    assert again.json()["status"] == "confirmed"
    assert system.stripe_invoice(invoice_id)["status"] == "paid"
    assert _confirmations(system) == [PERSON]


def test_cancelling_after_an_erasure_says_who_is_emailed_as_the_cancel_emails(
    system: System, browser: ConsoleBrowser
) -> None:
    """The cancel confirmation of a booking whose person was erased (paid by
    its employer outside Stripe) said "Nobody is emailed about it" and then that the billing
    contact is emailed; the cancel emailed nobody (of an erased person's booking the billing
    contact hears only of money going back). One true sentence, as the cancel does it."""
    application, _ = _booked(system)
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    assert system.admin("POST", path, json_body={}).status == 200
    assert system.admin("DELETE", f"/people/{PERSON}").status == 200
    system.deliver_emails()

    for asked in ("", "?refund=on"):
        page = f"/console/applications/{application['application_id']}/cancel{asked}"
        words = browser.words(page)
        assert "Nobody is emailed about it: this person's data was erased" in words
        assert ACCOUNTS not in words
    assert system.cancel(application["application_id"], refund=False).status == 200
    assert system.deliver_emails() == []


def test_the_erase_confirmation_says_what_becomes_of_each_booking_by_its_state(
    system: System, browser: ConsoleBrowser
) -> None:
    """Erasing a person whose confirmed booking the employer paid outside
    Stripe, the confirmation gave only the general rule (waiting, held or offered withdrawn):
    their place kept for nobody to email, and the money owed back by hand, unsaid."""
    application, _ = _booked(system)
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    assert system.admin("POST", path, json_body={}).status == 200
    reference = system.stored(application).reference_or_id

    words = browser.words(f"/console/people/erase?email={PERSON}")

    assert f"{reference} is a confirmed booking: it keeps its place" in words
    assert "If they are not coming, cancel it first" in words
    assert "The £200.00 it kept was paid outside Stripe" in words
    assert "give it back by hand" in words
    assert "any still waiting, held or offered is withdrawn" not in words


def test_the_managers_erase_confirmation_says_only_what_applies_to_the_groups_state(
    system: System, browser: ConsoleBrowser
) -> None:
    """A paid group's manager's erase page listed both branches ("an invoice
    still open is voided ...; once it is paid, the organisers cancel its colleagues' bookings
    themselves"), as if erasing her meant cancelling her colleagues."""
    group = invoiced_group(invoiced_cohort(system))
    system.deliver_emails()
    page = f"/console/people/erase?email={MANAGER}"

    unpaid = browser.words(page)
    assert "its open invoice is voided and its places go back to the course" in unpaid
    assert "it is paid" not in unpaid

    record_group_payment(system.ports, group["group_id"])
    paid = browser.words(page)

    assert "it is paid, so its places stay its colleagues' and nothing is cancelled" in paid
    assert "voided" not in paid
    assert "the organisers cancel" not in paid


def _second_tab_said_recorded_already(
    system: System, browser: ConsoleBrowser, form: str, first_press: Callable[[], Pressed]
) -> Pressed:
    """*Yes, record the payment* pressed in two tabs of ``form``: the second tab's press, as
    Stripe is asked to mark the invoice, lets the first tab's (``first_press``, its use case as
    the console's press calls it) run whole first, and must then be said as recorded already:
    what the first press returned."""
    second_tab = _seen_on(browser.get(form).body)
    payments = system.ports.payments
    mark = payments.pay_invoice_off_stripe
    first: list[Pressed] = []
    pressing: list[bool] = []

    def first_tab_done_meanwhile(invoice_id: str) -> str:
        if not pressing:
            pressing.append(True)  # once: the first tab's own press reaches the real Stripe
            first.append(first_press())
        return mark(invoice_id)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(payments, "pay_invoice_off_stripe", first_tab_done_meanwhile)
        again = browser.act(form, seen=second_tab)

    assert again.status == 303, again.body
    said = browser.words(again.headers["location"])
    assert "recorded as paid already" in said, said[:400]
    assert "Payment recorded" not in said
    [done] = first
    return done


def test_a_second_tab_pressed_while_the_first_records_it_says_it_was_recorded_already(
    system: System, browser: ConsoleBrowser
) -> None:
    """*Yes, record the payment* pressed in two tabs at once (on an invoice
    reduced by a bursary): the press that found the booking still waiting, but whose
    ``invoice.paid`` the other press applied first, said "Payment recorded ... has been
    emailed" as if done again. It says it was recorded already; one email went."""
    application, _ = _booked(system, capacity=2)
    assert system.grant_bursary(application, 5000).status == 200
    system.deliver_emails()
    form = f"/console/applications/{application['application_id']}/invoice/paid"

    done = _second_tab_said_recorded_already(
        system, browser, form, lambda: record_payment(system.ports, application["application_id"])
    )

    assert done.changed
    assert _confirmations(system) == [PERSON]


def test_a_groups_second_tab_pressed_while_the_first_records_it_says_recorded_already(
    system: System, browser: ConsoleBrowser
) -> None:
    """The same for a group: the press that found the group still waiting,
    but whose payment the other tab's press recorded first, said "Payment recorded" and asked
    its payer's acknowledgement again, as one person's did before; it says it was recorded
    already, and the manager and the billing contact are each told once."""
    group = invoiced_group(invoiced_cohort(system))
    system.deliver_emails()
    form = f"/console/groups/{group['group_id']}/invoice/paid"

    changed = _second_tab_said_recorded_already(
        system, browser, form, lambda: record_group_payment(system.ports, group["group_id"])[1]
    )

    assert changed is True
    told = [email.to[0] for email in system.deliver_emails()]
    assert told.count(MANAGER) == 1, told
    assert told.count(ACCOUNTS) == 1, told


def test_a_press_after_stripe_marked_it_but_its_answer_was_lost_completes_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe marked the invoice paid out of band and its answer was lost (the
    press: 503); Stripe's own invoice.paid held back (its webhook late). Pressed again, the act
    completes with its own event, confirming the booking now: never refused as "paid at Stripe
    already", which is what its own first half left."""
    from booking.domain.errors import DependencyUnavailable

    application, invoice_id = _booked(system)
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    payments = system.ports.payments
    mark = payments.pay_invoice_off_stripe

    def marked_then_lost(invoice: str) -> str:
        mark(invoice)  # Stripe did it ...
        raise DependencyUnavailable("Stripe did not answer")  # ... and the answer was lost

    with monkeypatch.context() as patch:
        patch.setattr(payments, "pay_invoice_off_stripe", marked_then_lost)
        lost, events = held(system, lambda: system.admin("POST", path, json_body={}))
    assert lost.status == 503, lost.body
    assert system.stripe_invoice(invoice_id)["status"] == "paid"
    assert system.stored(application).status.value == "awaiting_invoice_payment"

    again, later = held(system, lambda: system.admin("POST", path, json_body={}))

    assert again.status == 200, again.body
    assert again.json()["status"] == "confirmed"
    assert _confirmations(system) == [PERSON]
    deliver(system, [*events, *later])  # Stripe's own invoice.paid, late: nothing more
    assert system.stored(application).status.value == "confirmed"
    assert system.deliver_emails() == []


def test_a_groups_press_after_stripe_marked_it_but_its_answer_was_lost_completes_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group's invoice: pressed again after Stripe marked it and its answer was
    lost, the act completes (the group paid now), never refused as paid at Stripe."""
    from booking.domain.errors import DependencyUnavailable

    group = invoiced_group(invoiced_cohort(system))
    system.deliver_emails()
    invoice_id = pay_link_id(group)
    api = f"/groups/{group['group_id']}/invoice/paid-outside-stripe"
    payments = system.ports.payments
    mark = payments.pay_invoice_off_stripe

    def marked_then_lost(invoice: str) -> str:
        mark(invoice)
        raise DependencyUnavailable("Stripe did not answer")

    with monkeypatch.context() as patch:
        patch.setattr(payments, "pay_invoice_off_stripe", marked_then_lost)
        lost, events = held(system, lambda: system.admin("POST", api, json_body={}))
    assert lost.status == 503, lost.body
    assert system.stripe_invoice(invoice_id)["status"] == "paid"

    again, later = held(system, lambda: system.admin("POST", api, json_body={}))

    assert again.status == 200, again.body
    assert system.stored_group(group).status.value == "paid"
    deliver(system, [*events, *later])
    assert system.stored_group(group).status.value == "paid"


def test_recording_a_groups_payment_says_what_this_run_did(
    system: System, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A second run, or a group whose payer paid its invoice at Stripe, recorded
    nothing and was answered as if recorded now ("Payment recorded: ... paid outside Stripe")."""
    invoiced = invoiced_cohort(system)
    recorded = invoiced_group(invoiced)
    at_stripe = paid_group(invoiced, organisation="Other Trust", colleagues=OTHERS)
    cli.connect(system, monkeypatch)

    first = cli.run(capsys, "record-group-payment", recorded["group_id"])
    second = cli.run(capsys, "record-group-payment", recorded["group_id"])
    paid = cli.run(capsys, "record-group-payment", at_stripe["group_id"])
    api = f"/groups/{at_stripe['group_id']}/invoice/paid-outside-stripe"

    assert first.out.startswith("Payment recorded: Stripe holds the invoice for £600.00 as")
    assert second.out.startswith("Nothing recorded: the invoice was recorded as paid outside")
    assert paid.out.startswith("Nothing recorded: its payer paid the invoice at Stripe.")
    assert system.admin("POST", api, json_body={}).json()["recorded"] == "paid_at_stripe"


def test_the_money_says_what_was_received_outside_stripe(
    system: System, browser: ConsoleBrowser
) -> None:
    """ "Paid in" mixed Stripe's payments with bank transfers recorded here;
    finance reconciles each apart (and none of the latter can be refunded from here). One
    booking recorded paid outside Stripe, one group's invoice too, one booking paid at Stripe:
    the money page, the programme's and the totals say which part came outside Stripe."""
    application, _ = _booked(system, capacity=8)
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    assert system.admin("POST", path, json_body={}).status == 200
    group = invoiced_group(system)
    api = f"/groups/{group['group_id']}/invoice/paid-outside-stripe"
    assert system.admin("POST", api, json_body={}).status == 200
    at_stripe = applied_by_invoice(system, email="card@example.org")
    assert system.stripe_local("POST", f"/invoices/{invoice_id_of(at_stripe)}/pay").status == 200

    totals = system.totals(INVOICED)
    said = browser.words(f"/console/courses/{INVOICED}/money")

    assert (totals["paid"], totals["paid_off_stripe"]) == (100000, 80000)
    assert "Paid in £1,000.00" in said
    assert "Of which received outside Stripe (a bank transfer or cheque recorded) £800.00" in said


def test_the_erase_confirmation_says_the_money_a_cancelled_booking_kept(
    system: System, browser: ConsoleBrowser
) -> None:
    """A booking cancelled without a refund keeps its money: the erase confirmation said
    only "has ended already: only its record is anonymised", as if nothing were left to give
    back. It says the money kept and how it can go back, as it does of a confirmed booking."""
    application, _ = _booked(system)
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    assert system.admin("POST", path, json_body={}).status == 200
    assert system.cancel(application["application_id"], refund=False).status == 200
    reference = system.stored(application).reference_or_id
    card = system.booked(email="cara@example.org")
    assert system.cancel(card["application_id"], refund=False).status == 200

    by_hand = browser.words(f"/console/people/erase?email={PERSON}")
    assert f"{reference} (“Cancelled”) has ended already: only its record is anonymised." in (
        by_hand
    )
    assert (
        "The £200.00 it kept was paid outside Stripe: give it back by hand, the way it came, "
        "if it is owed back."
    ) in by_hand
    through_stripe = browser.words("/console/people/erase?email=cara%40example.org")
    assert (
        "The £200.00 it kept can still be refunded through Stripe from the booking's page "
        "(before or after the erasure)."
    ) in through_stripe
    # As it says: erased, the booking's page still offers the refund.
    assert system.admin("DELETE", "/people/cara@example.org").status == 200
    assert "Refund £200.00" in browser.words(f"/console/applications/{card['application_id']}")


def test_a_cancelled_booking_paid_outside_stripe_says_how_its_money_goes_back(
    system: System, browser: ConsoleBrowser
) -> None:
    """Cancelled keeping money its employer paid outside Stripe, the booking's page said only
    "No action fits an application that is cancelled": nothing of the £200.00 still held, nor
    of how it can go back, nor that it can be recorded once given back."""
    application, _ = _booked(system)
    path = f"/applications/{application['application_id']}/invoice/paid-outside-stripe"
    assert system.admin("POST", path, json_body={}).status == 200
    assert system.cancel(application["application_id"], refund=False).status == 200

    words = browser.words(f"/console/applications/{application['application_id']}")

    assert (
        "The £200.00 it kept was paid outside Stripe: give it back by hand, the way it came, "
        "if it is owed back. Once it is given back, record it here: the course's money then "
        "counts it as refunded. Record money given back by hand"
    ) in words


def test_a_payment_recorded_as_the_place_is_taken_is_kept_on_record_to_give_back_by_hand(
    system: System, browser: ConsoleBrowser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its place let go and the last one free when the press checks, taken by someone else
    before the payment is applied: Stripe holds the invoice paid, and the booking, not
    confirmed, ends cancelled keeping the money on record as received outside Stripe, so the
    course's money counts it paid in and it can be recorded given back by hand, after which
    the money nets to nothing. Stripe's own event of the invoice changes nothing more."""
    application, invoice_id = _booked(system, capacity=2)
    stored = system.stored(application)
    system.ports.repository.save(stored.model_copy(update={"seat_held": False}), stored)
    system.booked(INVOICED, email="first@example.org")
    assert system.course(INVOICED)["places_left"] == 1
    system.deliver_emails()
    mark = system.ports.payments.pay_invoice_off_stripe

    def place_taken_meanwhile(invoice: str) -> str:
        system.hold_webhooks = False  # only Stripe's events of the invoice are held
        system.booked(INVOICED, email="card@example.org")  # the last place, paid by card
        system.hold_webhooks = True
        return mark(invoice)

    monkeypatch.setattr(system.ports.payments, "pay_invoice_off_stripe", place_taken_meanwhile)
    app_id = application["application_id"]
    answer, stripes_own = held(
        system,
        lambda: system.admin(
            "POST", f"/applications/{app_id}/invoice/paid-outside-stripe", json_body={}
        ),
    )
    refused = answer.refused(409, "paid_without_a_place")

    assert "keeping the £200.00 received as paid in" in refused["message"]
    assert "Record money given back by hand" in refused["message"]
    assert system.stripe_invoice(invoice_id)["status"] == "paid"
    kept = system.stored(application)
    assert (kept.status.value, kept.amount_paid, kept.payment_intent) == ("cancelled", 20000, None)
    assert not kept.seat_held
    assert system.course(INVOICED)["places_left"] == 0
    totals = system.totals(INVOICED)
    assert (totals["paid"], totals["paid_off_stripe"], totals["refunded"]) == (60000, 20000, 0)
    deliver(system, stripes_own)  # Stripe's own invoice.paid, then delivered again
    deliver(system, stripes_own)
    assert system.stored(application).status.value == "cancelled"
    assert system.totals(INVOICED) == totals
    # The payer and the person are each told once what happened and what becomes of the money
    # (the card booking that took the last place is told of its own, its facilitators too).
    payers = (ACCOUNTS, kept.answers.email)
    sent = [e for e in system.deliver_emails() if e.to[0] in payers]
    told = {email.to[0]: " ".join(email.text.split()) for email in sent}
    assert sorted(told) == sorted(payers), told
    assert len(sent) == 2
    for said in told.values():
        assert "could no longer be held" in said
        assert "the organisers will give the £200.00 back to St Elsewhere NHS" in said
        assert "does not refund" not in said
    assert "to the account it was paid from" in told[ACCOUNTS]
    assert system.deliver_emails() == []

    path = f"/console/applications/{app_id}"
    page = browser.get(path).body
    assert f'href="{path}/given-back"' in page
    day = system.now().date().isoformat()
    given = system.api(
        "POST",
        f"/admin/applications/{app_id}/given-back",
        json_body={"amount": 20000, "given_on": day, "method": "bank_transfer"},
        headers={"authorization": f"Bearer {ADMIN_TOKEN}", "idempotency-key": "gb-1"},
    )
    assert given.status == 200, given.body
    assert given.json()["left_to_give_back"] == 0
    after = system.totals(INVOICED)
    assert (after["paid"], after["refunded"], after["given_back_by_hand"]) == (60000, 20000, 20000)
