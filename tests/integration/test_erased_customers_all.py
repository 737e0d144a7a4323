"""Every customer made at Stripe for a person's invoices is deleted when they are erased: the
ones of a group's replaced invoices, and the one of an invoice whose save failed (it belongs
to nothing, so it is deleted at once). Through the real handlers, moto and the real SDK on
the Stripe stand-in, which answers a deleted customer's retrieve with its deleted shape."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.integration.test_erasure_at_stripe import customer_of, deleted, erase
from tests.support.groups import give_up, invoiced_group, pay_link_id
from tests.support.invoiced import ACCOUNTS, BILLING, INVOICED
from tests.support.system import STRIPE_KEY, System

pytestmark = pytest.mark.usefixtures("invoiced")  # every test here on the invoiced cohort

PERSON = "ada@example.org"


def _created_invoices(
    system: System, monkeypatch: pytest.MonkeyPatch, then: Callable[[], None] = lambda: None
) -> list[str]:
    """The invoices Stripe is asked for from now on, in order; ``then``: what happens once
    each is made, before the request that asked for it goes on."""
    payments = system.ports.payments
    stripes_create = payments.create_invoice
    made: list[str] = []

    def create(request: Any, drafted: Any = None) -> Any:
        invoice = stripes_create(request, drafted)
        made.append(invoice.invoice_id)
        then()
        return invoice

    monkeypatch.setattr(payments, "create_invoice", create)
    return made


def _erasing(system: System, email: str) -> Callable[[], None]:
    """The erasure of ``email``'s data, as one more step of a request under way."""

    def erased() -> None:
        assert erase(system, email).status == 200

    return erased


def test_every_customer_of_a_group_whose_invoice_was_replaced_twice_is_deleted(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = invoiced_group(system)
    first = pay_link_id(group)
    made = _created_invoices(system, monkeypatch)
    for place in (3, 2):
        answer = give_up(system, group, place)
        assert answer.status == 200, answer.body
    invoices = [first, *made]
    assert len(set(invoices)) == 3
    assert [system.stripe_invoice(i)["status"] for i in invoices] == ["void", "void", "open"]
    assert {customer_of(system, i)["email"] for i in invoices} == {ACCOUNTS}

    assert erase(system, ACCOUNTS).status == 200

    assert [deleted(system, i) for i in invoices] == [True, True, True]
    assert system.stripe_invoice(invoices[-1])["status"] == "void"
    assert system.ports.repository.owed_customer_deletions() == []


def test_a_give_up_whose_save_lost_to_an_erasure_leaves_no_customer_behind(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manager gives a place up: its new invoice (and customer) is made at Stripe, then the
    billing contact is erased and the erasure saves first; the give-up's save fails, and the
    invoice it made belongs to nothing: voided, and its customer deleted."""
    group = invoiced_group(system)
    made = _created_invoices(system, monkeypatch, then=_erasing(system, ACCOUNTS))
    answer = give_up(system, group, 3)

    answer.refused(409, "group_changed")
    [orphan] = made
    assert system.stripe_invoice(orphan)["status"] == "void"
    assert deleted(system, orphan)
    assert deleted(system, pay_link_id(group))
    assert system.ports.repository.owed_customer_deletions() == []


def test_a_one_person_invoice_whose_save_lost_to_an_erasure_leaves_no_customer_behind(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An approved applicant asks for their invoice; the invoice and its customer are made at
    Stripe, then the applicant is erased before the request saves it: the save fails, and the
    customer (their billing contact's name, email and address) is deleted at once."""
    definition = system.course_file() | {"invoice_allowed": True, "approval_required": True}
    system.put_course("reviewed", definition)
    application = system.apply("reviewed", email=PERSON, **BILLING).json()
    path = f"/applications/{application['application_id']}"
    assert system.admin("POST", f"{path}/approve").status == 200
    made = _created_invoices(system, monkeypatch, then=_erasing(system, PERSON))
    asked = system.api("POST", f"{path}/invoice?token={application['token']}")

    assert asked.status == 409, asked.body
    [orphan] = made
    assert system.stripe_invoice(orphan)["status"] == "void"
    assert customer_of(system, orphan)["deleted"] is True
    assert system.ports.repository.owed_customer_deletions() == []


def test_an_invoice_replaced_after_the_erasure_read_the_group_has_its_customer_deleted(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The erasure reads the billing contact's groups; the manager gives a place up and its
    save (a new invoice) lands before the erasure's: the erasure, saving the group as it is
    now, deletes the new invoice's customer too."""
    group = invoiced_group(system)
    groups = system.ports.groups
    stripes_read = groups.groups_of_person
    made = _created_invoices(system, monkeypatch)
    given_up: list[Any] = []

    def given_up_after_the_read(email: str) -> Any:
        found = stripes_read(email)
        if not given_up:
            given_up.append(give_up(system, group, 3))
        return found

    monkeypatch.setattr(groups, "groups_of_person", given_up_after_the_read)

    assert erase(system, ACCOUNTS).status == 200

    [answer] = given_up
    assert answer.status == 200, answer.body
    [replacement] = made
    assert system.stripe_invoice(replacement)["status"] == "void"
    assert [deleted(system, i) for i in (pay_link_id(group), replacement)] == [True, True]
    assert system.ports.repository.owed_customer_deletions() == []


def _stripe_fails(system: System, monkeypatch: pytest.MonkeyPatch, *failing: str) -> None:
    """Stripe answers 500 to each request whose method and path begin with one of ``failing``
    (``"post /v1/invoices"``), and as itself to the others."""
    http = system.stripe_http
    answer = http._answer

    def failed(method: str, url: str, headers: Any, post_data: Any) -> Any:
        path = url.split("/_local/stripe", 1)[-1].split("?", 1)[0]
        if any(f"{method.lower()} {path}".startswith(f) for f in failing):
            return '{"error": {"type": "api_error", "message": "simulated outage"}}', 500, {}
        return answer(method, url, headers, post_data)

    monkeypatch.setattr(http, "_answer", failed)


def _customers_made(system: System) -> list[str]:
    return [
        e["data"]["object"]["id"]
        for e in system.standin.events()
        if e["type"] == "customer.created"
    ]


def test_a_customer_made_for_an_invoice_stripe_then_refused_is_deleted_at_once(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe makes the invoice's customer, then fails the invoice itself: the customer (the
    billing contact's name, email and address) is deleted there and then."""
    _stripe_fails(system, monkeypatch, "post /v1/invoices")
    applied = system.apply(INVOICED, email=PERSON, **BILLING)
    assert applied.status == 503, applied.body
    [customer] = _customers_made(system)
    reply = system.stripe_local("GET", f"/v1/customers/{customer}", headers=STRIPE_KEY)
    assert reply.json() == {"id": customer, "object": "customer", "deleted": True}
    assert system.ports.repository.owed_customer_deletions() == []


def test_one_stripe_could_not_delete_then_is_owed_and_the_sweep_deletes_it(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripe fails the invoice, and the customer's deletion too: the deletion is owed (its id,
    no personal data), and the sweep makes it once Stripe answers."""
    _stripe_fails(system, monkeypatch, "post /v1/invoices", "delete /v1/customers/")
    applied = system.apply(INVOICED, email=PERSON, **BILLING)
    assert applied.status == 503, applied.body
    [customer] = _customers_made(system)
    assert system.ports.repository.owed_customer_deletions() == [customer]
    monkeypatch.undo()

    system.scheduled_run(system.now() + timedelta(minutes=15))

    reply = system.stripe_local("GET", f"/v1/customers/{customer}", headers=STRIPE_KEY)
    assert reply.json()["deleted"] is True
    assert system.ports.repository.owed_customer_deletions() == []
