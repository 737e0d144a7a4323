"""Erasing a person while a bank debit of their card checkout (Bacs, SEPA) is settling is
refused as it is while their employer's debit of an invoice settles: one rule
for "a payment is on its way". Erased under it, the booking ended and its place went on, and
the money arriving days later was taken and given back whole. 409 ``payment_settling`` in
words naming the booking, nothing erased; once the bank has said, the erasure goes through.
Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from tests.support.applications import session_id_of
from tests.support.console import signed_in
from tests.support.groups import MANAGER, book, pay_by_debit
from tests.support.invoiced import invoiced_cohort
from tests.support.page_text import text_of
from tests.support.system import System

PERSON = "ada@example.org"  # the applicant application_body names


def test_an_erasure_under_a_card_checkouts_bank_debit_is_refused_in_words(
    system: System,
) -> None:
    booked = system.paying_by_bank_debit()

    refused = system.admin("DELETE", f"/people/{PERSON}").refused(409, "payment_settling")

    reference = system.stored(booked).reference_or_id
    assert f"a payment of £200.00 for {reference}" in refused["message"]
    assert "Nothing was erased: erase this person once the bank" in refused["message"]
    stored = system.stored(booked)
    assert (stored.is_erased, stored.status.value) == (False, "awaiting_payment")
    assert stored.payment_pending
    assert stored.seat_held


def test_once_the_bank_says_the_debit_failed_the_erasure_goes_through(system: System) -> None:
    booked = system.paying_by_bank_debit()
    assert system.settle_session(session_id_of(booked), succeeded=False).status == 200

    assert system.admin("DELETE", f"/people/{PERSON}").status == 200
    assert system.stored(booked).is_erased


def test_once_the_bank_confirms_it_the_booking_is_erased_and_its_payment_kept(
    system: System,
) -> None:
    booked = system.paying_by_bank_debit()
    assert system.settle_session(session_id_of(booked)).status == 200

    assert system.admin("DELETE", f"/people/{PERSON}").status == 200
    stored = system.stored(booked)
    assert stored.is_erased
    assert (stored.amount_paid, stored.amount_refunded) == (20000, 0)


def test_a_managers_erasure_under_the_groups_card_debit_says_it_is_not_paid_yet(
    system: System,
) -> None:
    """The group's card checkout was completed by a bank debit its bank is still confirming:
    the manager's erasure goes through (the booking stands, its places kept), and says the
    payment is still being confirmed and what a failed debit does, where it said the
    checkout "had been paid meanwhile", as if the places were paid for."""
    invoiced_cohort(system)
    group = book(system)
    assert group.status == 201, group.body
    pay_by_debit(system, group.json())

    erased = system.admin("DELETE", f"/people/{MANAGER}")

    assert erased.status == 200, erased.body
    said = " ".join(erased.json()["said"])
    assert "had been paid meanwhile" not in said
    assert "paid by a bank debit its bank is still confirming" in said, said
    assert "if the bank says it failed, the booking ends and its places go back" in said


def test_the_erase_page_says_the_groups_card_debit_is_not_ended(system: System) -> None:
    """Before the press, the console's erase page said the group's "card payment still open
    is ended at Stripe and its places go back", which the erasure then did not do: the
    checkout is complete, its debit being confirmed, and the booking stands."""
    invoiced_cohort(system)
    group = book(system)
    pay_by_debit(system, group.json())

    page = text_of(signed_in(system).get(f"/console/people/erase?email={MANAGER}").body)

    assert "its card payment still open is ended at Stripe" not in page, page
    assert "a bank debit its bank is still confirming, is not ended" in page
