"""The sweep's part of erasure at the payment provider, on fakes: what is owed is asked again,
what the provider keeps refusing does not keep the others waiting."""

from __future__ import annotations

from typing import Any

import pytest

from booking.domain.errors import Conflict
from booking.services.provider_erasure import (
    OWED_PER_RUN,
    forget_customers,
    forget_owed_customers,
)
from booking.services.provider_searches import make_owed_searches, search_later, searches_owed
from tests.fakes import Clock, fake_ports
from tests.fakes.held import gateway, repo
from tests.support.stripe_requests import invoice_request


def test_an_owed_deletion_voids_a_still_payable_invoice_then_deletes_its_customer() -> None:
    ports = fake_ports(Clock())
    invoice = gateway(ports).create_invoice(invoice_request())
    repo(ports).owe_customer_deletions([invoice.invoice_id], ports.clock())

    assert forget_owed_customers(ports) == 1

    assert gateway(ports).invoices[invoice.invoice_id].status == "void"
    assert gateway(ports).invoices[invoice.invoice_id].customer_deleted
    assert repo(ports).owed_customer_deletions() == []


def _refusing(ports: Any, monkeypatch: pytest.MonkeyPatch, refused: list[str]) -> list[str]:
    """From now on the provider refuses (a Conflict, not an outage) to delete the customers
    of ``refused`` (none: it answers each as it would); the invoices it was asked about, in
    order."""
    asked: list[str] = []
    forget = gateway(ports).forget_invoice_customer

    def refusing(invoice_id: str) -> None:
        asked.append(invoice_id)
        if invoice_id in refused:
            raise Conflict("the customer cannot be deleted", code="payment_state_conflict")
        forget(invoice_id)

    monkeypatch.setattr(gateway(ports), "forget_invoice_customer", refusing)
    return asked


def test_deletions_the_provider_keeps_refusing_go_behind_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = Clock()
    ports = fake_ports(clock)
    refused = [f"in_refused_{n}" for n in range(OWED_PER_RUN)]
    repo(ports).owe_customer_deletions(refused, clock())
    later = gateway(ports).create_invoice(invoice_request())
    gateway(ports).void_invoice(later.invoice_id)
    clock.advance(minutes=1)
    repo(ports).owe_customer_deletions([later.invoice_id], clock())
    _refusing(ports, monkeypatch, refused)
    clock.advance(minutes=15)

    assert forget_owed_customers(ports) == 0  # a run's whole share refused

    monkeypatch.undo()
    # The one no run has asked yet is first in line now, not behind the refused ones.
    assert repo(ports).owed_customer_deletions(limit=1) == [later.invoice_id]
    assert forget_owed_customers(ports) == OWED_PER_RUN
    assert gateway(ports).invoices[later.invoice_id].customer_deleted


def test_owed_deletions_are_not_asked_one_by_one_of_a_provider_that_does_not_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stripe unreachable (or hanging: the schedule's run asks it briefly, each call timing
    out): the run asks once and leaves the rest owed as they were, so an outage costs it one
    call, not one each; the one asked goes behind the others."""
    clock = Clock()
    ports = fake_ports(clock)
    owed = [gateway(ports).create_invoice(invoice_request()).invoice_id for _ in range(3)]
    repo(ports).owe_customer_deletions(owed, clock())
    gateway(ports).down = True
    asked = _refusing(ports, monkeypatch, refused=[])
    clock.advance(minutes=15)

    assert forget_owed_customers(ports) == 0
    assert len(asked) == 1
    assert repo(ports).owed_customer_deletions() == [*owed[1:], asked[0]]

    gateway(ports).down = False
    assert forget_owed_customers(ports) == 3


def test_an_erasures_deletions_stop_at_the_first_the_provider_does_not_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An erasure asks its customers' deletions in turn: the provider not answering one, the
    rest are not asked of it (each is owed already, for the run), so an outage costs the
    organiser's request one call, not one each."""
    ports = fake_ports(Clock())
    invoices = [gateway(ports).create_invoice(invoice_request()).invoice_id for _ in range(3)]
    for invoice_id in invoices:
        gateway(ports).void_invoice(invoice_id)
    gateway(ports).down = True
    asked = _refusing(ports, monkeypatch, refused=[])

    assert forget_customers(ports, invoices) == invoices
    assert asked == invoices[:1]


def test_an_erasures_own_pending_search_is_counted_before_the_index_lists_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The searches owed are counted on an eventually consistent index: read just after this
    erasure's was written, it may not list it yet, and the answer must not say that none
    waits for Stripe while saying this one does."""
    ports = fake_ports(Clock())
    search_later(ports, "ada@example.org")
    monkeypatch.setattr(repo(ports), "provider_searches_owed", list)  # the index behind

    assert searches_owed(ports, one_just_owed=True) == 1
    assert searches_owed(ports) == 0


def test_searches_owed_are_not_asked_one_by_one_of_a_provider_that_does_not_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Stripe unreachable (or hanging, each read timing out): the run asks once and leaves the
    rest it claimed for when their claims end, so an outage costs it one read, not one each."""
    clock = Clock()
    ports = fake_ports(clock)
    for n in range(3):
        search_later(ports, f"person{n}@example.org")
    gateway(ports).down = True
    asked: list[str] = []
    searched = gateway(ports).invoices_no_longer_payable_to

    def counted(email: str, *args: Any, **kwargs: Any) -> tuple[str, ...]:
        asked.append(email)
        return searched(email, *args, **kwargs)

    monkeypatch.setattr(gateway(ports), "invoices_no_longer_payable_to", counted)

    assert make_owed_searches(ports, clock()) == 0
    assert len(asked) == 1
    assert len(repo(ports).provider_searches_owed()) == 3  # none given up

    gateway(ports).down = False
    clock.advance(minutes=11)  # past the claims
    assert make_owed_searches(ports, clock()) == 3
