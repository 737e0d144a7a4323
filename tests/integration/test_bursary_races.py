"""A bursary granted at the moment the employer pays the invoice it replaces (hostile12a
NEW-11), through the real handlers, moto and the Stripe stand-in, in each order the two can
land: the racing payment of the replaced invoice goes back whole, and the booking stays on the
new invoice for the rest, as a card paid in the same race keeps its booking; or, the payment
first, the booking is paid and the bursary refused in words. The refund's messages name that
payment, its invoice and who paid it, and the billing contact hears of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from booking.domain.emails import OutgoingEmail
from tests.support.applications import invoice_id_of
from tests.support.held_events import deliver, paid_after_its_read, paid_while
from tests.support.invoiced import ACCOUNTS, BILLING, INVOICED, invoiced_cohort
from tests.support.system import Reply, System, application_body

PERSON = "ada@example.org"
BURSARY_TOLD = "A bursary towards your place"
INVOICE_TOLD = "We have invoiced your organisation"


@pytest.fixture
def invoiced(system: System) -> System:
    return invoiced_cohort(system, po_required=True, capacity=2)


def _applied(system: System) -> dict[str, Any]:
    reply = system.api(
        "POST",
        f"/courses/{INVOICED}/applications",
        json_body=application_body(email=PERSON, **BILLING),
    )
    assert reply.status == 201, reply.body
    system.deliver_emails()
    return dict(reply.json())


def _paid_while(system: System, invoice_id: str, act: Callable[[], Reply]) -> Reply:
    """The employer pays ``invoice_id`` while the organiser acts, just after the bursary read
    it at Stripe (paid before that read, the bursary is refused: hostile26 F4): Stripe's
    events about the payment arrive after the act's save."""
    done, events = paid_after_its_read(system, invoice_id, act)
    deliver(system, events)
    return done


def _on_the_new_invoice(system: System, application: dict[str, Any], old: str) -> str:
    """The booking stands on a new invoice for the rest, open at Stripe: its id."""
    seen = system.status_of(application)
    assert (seen["status"], seen["left_to_pay"]) == ("awaiting_invoice_payment", 15000), seen
    new = invoice_id_of(seen)
    assert new != old
    assert system.stripe_invoice(new)["status"] == "open"
    assert system.stripe_invoice(new)["amount_due"] == 15000
    # Every penny of the replaced invoice went back, and the record says what Stripe holds.
    assert system.standin.money_moved()[application["application_id"]] == (20000, 20000)
    record = system.admin("GET", f"/applications/{application['application_id']}").json()
    assert (record["amount_paid"], record["amount_refunded"]) == (20000, 20000)
    return new


def _refund_told(emails: list[OutgoingEmail], number: str) -> None:
    """The person and the billing contact are each told of the employer's £200.00 given back,
    on the invoice it paid."""
    [to_person] = [e for e in emails if e.to == [PERSON] and "refunded" in e.subject]
    assert "the payment St Elsewhere NHS Foundation Trust made by invoice" in to_person.text
    assert "(£200.00)" in to_person.text
    assert "your payment" not in to_person.text.lower()
    assert "The newer invoice is the one to pay." in to_person.text
    [to_accounts] = [e for e in emails if e.to == [ACCOUNTS] and "refunded" in e.subject]
    assert f"made by invoice {number} for Ada Lovelace's place" in to_accounts.text
    assert "(£200.00)" in to_accounts.text


def test_an_invoice_paid_as_the_bursary_replaces_it_goes_back_and_the_new_invoice_stands(
    invoiced: System,
) -> None:
    """Paid at Stripe after the bursary's read and before its save, its event after: Stripe
    refuses to void the paid invoice, and its payment is a late payment of a replaced
    invoice."""
    system = invoiced
    application = _applied(system)
    old = invoice_id_of(application)
    number = system.stripe_invoice(old)["number"]

    granted = _paid_while(system, old, lambda: system.grant_bursary(application, 5000))

    assert granted.status == 200, granted.body
    new = _on_the_new_invoice(system, application, old)
    assert system.stripe_invoice(old)["status"] == "paid"
    _refund_told(system.deliver_emails(), number)
    # The organisers can still void the invoice the booking holds.
    app_id = application["application_id"]
    voided = system.admin("POST", f"/applications/{app_id}/invoice/void")
    assert voided.status == 200, voided.body
    assert system.stripe_invoice(new)["status"] == "void"


def test_a_bursary_asked_while_the_payments_event_is_applied_is_refused_the_booking_paid(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The payment's event reads the booking on its first invoice; the bursary is asked before
    the event's save. Its one read finds the invoice paid at Stripe: refused (409
    ``payment_being_recorded``, hostile26 F4), nothing written; the event confirms the booking
    and nothing goes back (before, the bursary replaced the invoice and the payment went back
    whole, the employer asked to pay again)."""
    system = invoiced
    application = _applied(system)
    old = invoice_id_of(application)
    repository = system.ports.repository
    real_save = repository.save
    granted: list[Reply] = []

    def bursary_first(new: Any, previous: Any, **options: Any) -> Any:
        if not granted and new.status.value == "confirmed":  # the event's save
            granted.append(system.grant_bursary(application, 5000))
        return real_save(new, previous, **options)

    monkeypatch.setattr(repository, "save", bursary_first)
    assert system.stripe_local("POST", f"/invoices/{old}/pay").status == 200
    monkeypatch.undo()

    [reply] = granted
    reply.refused(409, "payment_being_recorded")
    assert system.webhook_replies[-1].status == 200
    seen = system.status_of(application)
    assert (seen["status"], seen["left_to_pay"]) == ("confirmed", 0)
    assert system.standin.money_moved()[application["application_id"]] == (20000, 0)
    assert system.stored(application).bursary == 0
    subjects = [e.subject for e in system.deliver_emails() if e.to == [PERSON]]
    assert not [s for s in subjects if "refunded" in s or "ursary" in s], subjects


def test_a_payment_landing_before_the_bursary_saved_keeps_the_booking_paid_and_refuses_it(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The invoice is paid (and its event applied) while the bursary's new invoice is being
    made: the bursary's save finds the booking confirmed, its invoice is voided, and the
    bursary is refused in words; the booking is paid, nothing is given back."""
    system = invoiced
    application = _applied(system)
    old = invoice_id_of(application)
    payments = system.ports.payments
    real_create = payments.create_invoice
    made: list[str] = []

    def paid_meanwhile(request: Any, drafted: Any = None) -> Any:
        assert system.stripe_local("POST", f"/invoices/{old}/pay").status == 200
        invoice = real_create(request, drafted)
        made.append(invoice.invoice_id)
        return invoice

    monkeypatch.setattr(payments, "create_invoice", paid_meanwhile)
    refused = system.grant_bursary(application, 5000)

    refused.refused(409, "not_fundable")
    seen = system.status_of(application)
    assert (seen["status"], seen["left_to_pay"]) == ("confirmed", 0)
    assert system.standin.money_taken()[application["application_id"]] == 20000
    [orphan] = made
    assert system.stripe_invoice(orphan)["status"] == "void"
    subjects = [e.subject for e in system.deliver_emails() if e.to == [PERSON]]
    assert not [s for s in subjects if "refunded" in s or "ursary" in s], subjects


# -- the same bursary again, and grants at once (hostile12a NEW-12) ------------------------------


def _told(emails: list[OutgoingEmail]) -> list[str]:
    return [e.subject.split(":")[0] for e in emails if e.to == [PERSON]]


def test_the_same_bursary_again_changes_nothing_and_emails_nobody(invoiced: System) -> None:
    system = invoiced
    application = _applied(system)
    first = system.grant_bursary(application, 5000)
    assert first.status == 200, first.body
    invoice = invoice_id_of(first.json())
    assert len(_told(system.deliver_emails())) == 2  # the bursary, and the invoice for the rest
    app_id = application["application_id"]
    before = system.admin("GET", f"/applications/{app_id}").json()

    again = system.grant_bursary(application, 5000)

    assert again.status == 200, again.body
    assert invoice_id_of(again.json()) == invoice
    assert system.stripe_invoice(invoice)["status"] == "open"
    assert system.deliver_emails() == []
    after = system.admin("GET", f"/applications/{app_id}").json()
    assert after == before
    # Another amount is a real change: the invoice is replaced again.
    other = system.grant_bursary(application, 8000)
    assert other.status == 200, other.body
    assert invoice_id_of(other.json()) != invoice


def _two_grants_at_once(
    system: System, monkeypatch: pytest.MonkeyPatch, meanwhile: int, late: int
) -> tuple[dict[str, Any], Reply, Reply, list[str]]:
    """An application's grant of ``late`` while, as its new invoice is being made, another grant
    of ``meanwhile`` is made whole: the application, the other grant's answer (the winner), the
    late grant's, and every invoice made (ids, the first a placeholder for the winner's own)."""
    application = _applied(system)
    payments = system.ports.payments
    real_create = payments.create_invoice
    won: list[Reply] = []
    made: list[str] = []

    def other_first(request: Any, drafted: Any = None) -> Any:
        if not made and not won:
            made.append("")  # the other grant's own invoice is made as usual
            won.append(system.grant_bursary(application, meanwhile))
        invoice = real_create(request, drafted)
        made.append(invoice.invoice_id)
        return invoice

    monkeypatch.setattr(payments, "create_invoice", other_first)
    answer = system.grant_bursary(application, late)
    [winner] = won
    return application, winner, answer, made


def test_two_grants_of_the_same_bursary_at_once_make_one_invoice_and_one_set_of_emails(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = invoiced
    application, won, late, made = _two_grants_at_once(system, monkeypatch, 5000, 5000)

    assert (won.status, late.status) == (200, 200), (won.body, late.body)
    kept = invoice_id_of(system.status_of(application))
    assert invoice_id_of(late.json()) == kept
    emails = system.deliver_emails()
    assert sorted(_told(emails)) == [BURSARY_TOLD, INVOICE_TOLD], emails
    # The first invoice and the losing grant's are void; the winner's is the one to pay.
    made_here = [invoice_id_of(application), *made[1:]]
    statuses = {i: system.stripe_invoice(i)["status"] for i in made_here}
    assert sorted(statuses.values()) == ["open", "void", "void"], statuses
    assert statuses[kept] == "open"


def test_a_grant_finding_another_amount_granted_meanwhile_is_refused_in_words(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = invoiced
    application, won, late, made = _two_grants_at_once(system, monkeypatch, 8000, 5000)

    assert won.status == 200, won.body
    error = late.refused(409, "bursary_changed")
    assert "the bursary was changed meanwhile to £80.00" in error["message"]
    seen = system.status_of(application)
    assert (seen["left_to_pay"], invoice_id_of(seen)) == (12000, invoice_id_of(won.json()))
    emails = system.deliver_emails()
    [invoice_email] = [e for e in emails if e.subject.startswith("We have invoiced")]
    assert "£120.00" in invoice_email.text
    assert [system.stripe_invoice(i)["status"] for i in made[1:]] == ["open", "void"]


def test_an_invoice_replaced_before_its_email_went_is_not_named_as_the_one_to_pay(
    invoiced: System,
) -> None:
    system = invoiced
    application = _applied(system)
    assert system.grant_bursary(application, 5000).status == 200
    assert system.grant_bursary(application, 8000).status == 200

    told = system.deliver_emails()

    [only] = [e for e in told if e.subject.startswith(INVOICE_TOLD)]
    assert "£120.00" in only.text
    assert "£150.00" not in only.text
    [granted] = [e for e in told if e.subject.startswith(BURSARY_TOLD)]
    assert "a bursary of £80.00" in granted.text


def test_a_full_bursary_racing_the_only_payment_says_it_was_not_needed_not_a_second_one(
    invoiced: System,
) -> None:
    system = invoiced
    application = _applied(system)
    old = invoice_id_of(application)

    funded = _paid_while(system, old, lambda: system.grant_bursary(application, 20000))

    assert funded.status == 200, funded.body
    app_id = application["application_id"]
    seen = system.admin("GET", f"/applications/{app_id}").json()
    assert (seen["status"], seen["status_reason"]) == ("confirmed", "funded")
    assert system.standin.money_taken()[app_id] == 0
    emails = system.deliver_emails()
    refunds = [e for e in emails if "refunded" in e.subject]
    assert sorted(e.to[0] for e in refunds) == [ACCOUNTS, PERSON]
    for told in refunds:
        assert "Nothing was left to pay for the place when this payment reached us" in told.text
        assert "second payment" not in told.text
        assert "already paid for" not in told.text


def test_a_card_payment_racing_a_part_bursary_is_confirmed_saying_what_comes_back(
    system: System,
) -> None:
    """The same race by card keeps the booking (the whole price paid, the bursary's share given
    back): its confirmation does not say the bursary "covered the rest" of a payment that was
    the whole price."""
    application = system.apply(email=PERSON).json()
    system.deliver_emails()
    granted, _ = paid_while(
        system,
        lambda: system.pay(application["checkout_url"]),
        lambda: system.grant_bursary(application, 5000),
    )
    assert granted.status == 200, granted.body

    assert system.status_of(application)["status"] == "confirmed"
    assert system.standin.money_taken()[application["application_id"]] == 15000
    emails = system.deliver_emails()
    [granted] = [e for e in emails if e.subject.startswith(BURSARY_TOLD)]
    assert "left to pay" not in granted.text  # the whole price was paid as it was granted
    [confirmed] = [e for e in emails if "confirmed" in e.subject.lower()]
    assert "your payment of £200.00 has been received" in confirmed.text
    assert "A bursary of £50.00 was granted as you paid, so £50.00 of it comes back" in (
        " ".join(confirmed.text.split())
    )
    assert "covered the rest" not in confirmed.text


def test_a_replaced_invoice_paid_after_the_booking_ended_does_not_ask_for_the_newer_one(
    invoiced: System,
) -> None:
    """The employer pays the first invoice as a bursary replaces it and the booking is then
    cancelled: its payment goes back as a replaced invoice's, and the messages say the booking
    had ended by then, not that the newer invoice (voided with the booking) is the one to pay
    (bursary12, left): the words are of the booking as it stood when the payment went back."""
    system = invoiced
    application = _applied(system)
    old = invoice_id_of(application)
    app_id = application["application_id"]

    def bursary_then_cancelled() -> Reply:
        granted = system.grant_bursary(application, 5000)
        assert granted.status == 200, granted.body
        return system.admin("POST", f"/applications/{app_id}/cancel", json_body={})

    cancelled = _paid_while(system, old, bursary_then_cancelled)

    assert cancelled.status == 200, cancelled.body
    assert system.status_of(application)["status"] == "cancelled"
    assert system.standin.money_moved()[app_id] == (20000, 20000)
    refunds = [e for e in system.deliver_emails() if "refunded" in e.subject]
    assert sorted(e.to[0] for e in refunds) == [ACCOUNTS, PERSON]
    for told in refunds:
        said = " ".join(told.text.split())
        assert "This invoice had been replaced by a newer one" in said
        assert "newer invoice is the one to pay" not in said
        assert "The booking had ended by then, so there is nothing more to pay" in said
