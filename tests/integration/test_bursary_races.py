"""A bursary granted at the moment the employer pays the invoice it replaces, through the real
handlers, moto and the Stripe stand-in, in each order the two can
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
from tests.support.groups import invoices_made
from tests.support.held_events import deliver, paid_after_its_read, paid_while
from tests.support.invoiced import ACCOUNTS, applied_by_invoice, invoiced_cohort
from tests.support.races import at_the_first
from tests.support.system import Reply, System

PERSON = "ada@example.org"
BURSARY_TOLD = "A bursary towards your place"
INVOICE_TOLD = "We have invoiced your organisation"


@pytest.fixture
def invoiced(system: System) -> System:
    return invoiced_cohort(system, po_required=True, capacity=2)


def _applied(system: System) -> dict[str, Any]:
    application = applied_by_invoice(system, email=PERSON)
    system.deliver_emails()
    return application


def _applied_with_its_invoice(system: System) -> tuple[dict[str, Any], str]:
    """:func:`_applied`, and the id of the invoice it was sent."""
    application = _applied(system)
    return application, invoice_id_of(application)


def _paid_while(system: System, invoice_id: str, act: Callable[[], Reply]) -> Reply:
    """The employer pays ``invoice_id`` while the organiser acts, just after the bursary read
    it at Stripe (paid before that read, the bursary is refused): Stripe's
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


def _paid_nothing_given_back(system: System, application: dict[str, Any]) -> None:
    """The booking confirmed on the employer's whole payment, none of it given back, and the
    person told of no refund and no bursary."""
    seen = system.status_of(application)
    assert (seen["status"], seen["left_to_pay"]) == ("confirmed", 0)
    assert system.standin.money_moved()[application["application_id"]] == (20000, 0)
    subjects = [e.subject for e in system.deliver_emails() if e.to == [PERSON]]
    assert not [s for s in subjects if "refunded" in s or "ursary" in s], subjects


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


def test_an_invoice_paid_as_the_bursary_replaces_it_refuses_the_bursary_and_keeps_the_payment(
    invoiced: System,
) -> None:
    """Paid at Stripe after the bursary's read and before its void, its event after: the old
    invoice is voided before the bursary is saved (``invoice_requests.voided_first``), Stripe
    refuses to void a paid invoice, and the bursary is refused (409 ``payment_being_recorded``),
    nothing written, no invoice made. The payment's event confirms the booking and nothing goes
    back (before, the bursary replaced the invoice and the payment went back whole)."""
    system = invoiced
    application, old = _applied_with_its_invoice(system)
    invoices = invoices_made(system)

    granted = _paid_while(system, old, lambda: system.grant_bursary(application, 5000))

    granted.refused(409, "payment_being_recorded")
    seen = system.status_of(application)
    assert (seen["status"], seen["left_to_pay"]) == ("confirmed", 0), seen
    assert system.stripe_invoice(old)["status"] == "paid"
    assert invoices_made(system) == invoices  # no invoice for the rest was made
    assert system.standin.money_moved()[application["application_id"]] == (20000, 0)
    stored = system.stored(application)
    assert (stored.bursary, stored.invoice.voiding if stored.invoice else None) == (0, None)
    subjects = [e.subject for e in system.deliver_emails() if e.to == [PERSON]]
    assert not [s for s in subjects if "refunded" in s or "ursary" in s], subjects


def test_a_bursary_asked_while_the_payments_event_is_applied_is_refused_the_booking_paid(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The payment's event reads the booking on its first invoice; the bursary is asked before
    the event's save. Its one read finds the invoice paid at Stripe: refused (409
    ``payment_being_recorded``), nothing written; the event confirms the booking
    and nothing goes back (before, the bursary replaced the invoice and the payment went back
    whole, the employer asked to pay again)."""
    system = invoiced
    application, old = _applied_with_its_invoice(system)
    granted = at_the_first(
        monkeypatch,
        system.ports.repository,
        "save",
        lambda: system.grant_bursary(application, 5000),
        lambda new, *previous, **options: new.status.value == "confirmed",  # the event's save
    )
    assert system.stripe_local("POST", f"/invoices/{old}/pay").status == 200
    monkeypatch.undo()

    [reply] = granted
    reply.refused(409, "payment_being_recorded")
    assert system.webhook_replies[-1].status == 200
    assert system.stored(application).bursary == 0
    _paid_nothing_given_back(system, application)


def test_the_old_invoice_is_void_before_the_new_one_is_made_so_it_cannot_be_paid_meanwhile(
    invoiced: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The employer tries to pay the old invoice while the bursary's new invoice is being
    made: it was voided at Stripe before (``invoice_requests.voided_first``), so Stripe
    refuses the payment, and the bursary stands on the new invoice for the rest; nothing is
    taken, nothing given back (before, the payment landed and the bursary was refused)."""
    system = invoiced
    application, old = _applied_with_its_invoice(system)
    payments = system.ports.payments
    real_create = payments.create_invoice
    tried: list[int] = []

    def paid_meanwhile(request: Any, drafted: Any = None) -> Any:
        tried.append(system.stripe_local("POST", f"/invoices/{old}/pay").status)
        return real_create(request, drafted)

    monkeypatch.setattr(payments, "create_invoice", paid_meanwhile)
    granted = system.grant_bursary(application, 5000)

    assert granted.status == 200, granted.body
    assert tried == [400]
    assert system.stripe_invoice(old)["status"] == "void"
    seen = system.status_of(application)
    assert (seen["status"], seen["left_to_pay"]) == ("awaiting_invoice_payment", 15000), seen
    assert system.stripe_invoice(invoice_id_of(seen))["status"] == "open"
    assert system.standin.money_moved().get(application["application_id"], (0, 0)) == (0, 0)
    stored = system.stored(application)
    assert stored.invoice is not None
    assert stored.invoice.voiding is None


# -- the same bursary again, and grants at once ------------------------------


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
    # The first invoice is void; the winner's is the one to pay. The losing grant's never
    # went out: its draft's id, recorded before it is sent, lost the race, so Stripe deleted
    # the draft and the grant was decided again (granted already: nothing more made).
    made_here = [invoice_id_of(application), *made[1:]]
    statuses = {i: system.stripe_invoice(i)["status"] for i in made_here}
    assert sorted(statuses.values()) == ["open", "void"], statuses
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
    # The late grant's invoice never went out (its draft deleted as its id's save lost).
    assert [system.stripe_invoice(i)["status"] for i in made[1:]] == ["open"]


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


def test_a_full_bursary_racing_the_only_payment_is_refused_the_payment_kept(
    invoiced: System,
) -> None:
    system = invoiced
    application, old = _applied_with_its_invoice(system)

    funded = _paid_while(system, old, lambda: system.grant_bursary(application, 20000))

    # Its void asked first, refused by Stripe: the bursary is refused, the payment kept.
    funded.refused(409, "payment_being_recorded")
    app_id = application["application_id"]
    seen = system.admin("GET", f"/applications/{app_id}").json()
    assert (seen["status"], seen["bursary"]) == ("confirmed", 0), seen
    assert system.standin.money_moved()[app_id] == (20000, 0)
    emails = system.deliver_emails()
    assert not [e for e in emails if "refunded" in e.subject or "ursary" in e.subject]


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
    [granted_email] = [e for e in emails if e.subject.startswith(BURSARY_TOLD)]
    assert "left to pay" not in granted_email.text  # the whole price was paid as it was granted
    [confirmed] = [e for e in emails if "confirmed" in e.subject.lower()]
    assert "your payment of £200.00 has been received" in confirmed.text
    assert "A bursary of £50.00 was granted as you paid, so £50.00 of it comes back" in (
        " ".join(confirmed.text.split())
    )
    assert "covered the rest" not in confirmed.text
