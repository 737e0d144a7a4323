"""A billing contact named only in the mark of an organiser's act left half done:
a correction of the invoice stopped after Stripe voided the old one, or an invoice to the
employer instead of the card stopped after Stripe expired the checkout (and sent the invoice),
each before its save. Their erasure finds the booking (it was a 404, "no data is held"), is
refused in words while the act may still be running, and then ends the act: the sweep never
completes it, so no invoice is sent to them afterwards, and nothing of theirs is left on the
booking or open at Stripe. Through the real handlers, moto and the Stripe stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from booking.domain.invoice_voiding import LEFT_HALF_DONE_AFTER
from tests.support.console import ConsoleBrowser
from tests.support.invoiced import (
    INVOICED,
    NEW_BILLING,
    NEW_CONTACT,
    invoiced_cohort,
    one_on_an_invoice,
)
from tests.support.page_text import text_of
from tests.support.system import Reply, System


def _stopped(system: System, monkeypatch: pytest.MonkeyPatch, path: str, *, at: str) -> None:
    """The organisers' ``path`` pressed with :data:`NEW_BILLING`, the function stopped (out of
    time) ``at`` the new invoice's asking (after the old one's void, or the checkout's
    expiry) or at the change's save (the new invoice sent by then)."""
    repository, payments = system.ports.repository, system.ports.payments
    real_save, real_create = repository.save, payments.create_invoice

    def out_of_time(*args: Any, **options: Any) -> Any:
        raise TimeoutError("the function ran out of time")

    def saved(new: Any, previous: Any, **options: Any) -> Any:
        # The change's own save (not the mark's, nor the draft invoice's id's).
        expiring = previous.checkout is not None and previous.checkout.expiring
        voiding = previous.invoice is not None and previous.invoice.voiding is not None
        if (expiring or voiding) and new.invoice is not None and new.invoice.voiding is None:
            out_of_time()
        return real_save(new, previous, **options)

    with monkeypatch.context() as patched:
        if at == "invoice":
            patched.setattr(payments, "create_invoice", out_of_time)
        else:
            patched.setattr(repository, "save", saved)
        assert system.admin("POST", path, json_body=dict(NEW_BILLING)).status == 500
    assert (real_save, real_create) == (repository.save, payments.create_invoice)


def _erase(system: System) -> Reply:
    return system.admin("DELETE", f"/people/{NEW_CONTACT}")


def _nothing_of_theirs(system: System, application: dict[str, Any]) -> None:
    """No invoice open at Stripe addressed to :data:`NEW_CONTACT`, and their details nowhere on
    the booking, after the sweep that would have completed the act."""
    system.clock_offset += timedelta(minutes=20)
    system.scheduled_run(system.now())
    system.relay()
    stored = system.stored(application)
    assert NEW_CONTACT not in stored.model_dump_json()
    assert NEW_BILLING["billing_address"].split("\n")[0] not in stored.model_dump_json()
    for invoice_id in stored.invoices_issued:
        at_stripe = system.stripe_invoice(invoice_id)
        if at_stripe["customer_email"] == NEW_CONTACT:
            assert at_stripe["status"] == "void", invoice_id
    assert system.admin("GET", f"/people/{NEW_CONTACT}").status == 404


@pytest.mark.parametrize("at", ["invoice", "save"])
def test_a_correction_whose_new_contact_is_erased_ends_by_the_old_invoices_void(
    system: System, monkeypatch: pytest.MonkeyPatch, at: str
) -> None:
    application, old = one_on_an_invoice(system)
    path = f"/applications/{application['application_id']}/invoice/correct"
    _stopped(system, monkeypatch, path, at=at)
    assert system.stripe_invoice(old)["status"] == "void"

    # Found (it was 404): what is held about them is the mark's details, not the invoice of
    # the contact it replaces; refused in words while the correction may still be running.
    exported = system.admin("GET", f"/people/{NEW_CONTACT}")
    assert exported.status == 200, exported.body
    [theirs] = exported.json()["billing_contact_for"]
    assert theirs["billing"] == NEW_BILLING
    assert theirs["invoice"] is None
    young = _erase(system).refused(409, "act_on_its_way")
    assert "still being finished: nothing was erased" in young["message"]
    assert NEW_CONTACT in system.stored(application).model_dump_json()

    system.clock_offset += LEFT_HALF_DONE_AFTER + timedelta(minutes=1)
    erased = _erase(system)

    assert erased.status == 200, erased.body
    [said] = erased.json()["applications"]
    assert said["application_id"] == application["application_id"]
    ended = system.stored(application)
    assert ended.status.value != "awaiting_invoice_payment"  # ended by the old invoice's void
    # None sent to them is open: the one sent before the stop (recorded first) voided.
    assert ended.invoices_issued[0] == old
    assert len(ended.invoices_issued) == (1 if at == "invoice" else 2)
    assert system.course(INVOICED)["places_left"] == 2
    _nothing_of_theirs(system, application)


def test_an_invoice_instead_whose_contact_is_erased_is_taken_back_and_its_invoice_voided(
    system: System, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoiced_cohort(system, capacity=2)
    reply = system.apply(INVOICED, email="card-payer@example.org")
    assert reply.status == 201, reply.body
    application = dict(reply.json())
    path = f"/applications/{application['application_id']}/invoice/instead-of-card"
    _stopped(system, monkeypatch, path, at="save")
    [sent] = system.stored(application).invoices_issued
    assert system.stripe_invoice(sent)["status"] == "open"

    assert system.admin("GET", f"/people/{NEW_CONTACT}").status == 200
    assert _erase(system).refused(409, "act_on_its_way")
    system.clock_offset += LEFT_HALF_DONE_AFTER + timedelta(minutes=1)
    erased = _erase(system)

    assert erased.status == 200, erased.body
    assert system.stripe_invoice(sent)["status"] == "void"
    left = system.stored(application)
    assert left.payment_method.value == "card"  # never switched to an invoice to them
    assert left.invoice is None
    _nothing_of_theirs(system, application)


def test_the_consoles_erasure_of_the_marked_contact_ends_the_correction(
    system: System, monkeypatch: pytest.MonkeyPatch, browser: ConsoleBrowser
) -> None:
    application, old = one_on_an_invoice(system)
    assert system.stripe_invoice(old)["status"] == "open"
    path = f"/applications/{application['application_id']}/invoice/correct"
    _stopped(system, monkeypatch, path, at="invoice")
    assert system.stripe_invoice(old)["status"] == "void"
    system.clock_offset += LEFT_HALF_DONE_AFTER + timedelta(minutes=1)
    page = f"/console/people/erase?email={NEW_CONTACT.replace('@', '%40')}"

    erased = browser.press(page, "/console/people/erase", confirm="on")

    assert erased.status == 200, text_of(erased.body)[:500]
    assert system.stored(application).status.value != "awaiting_invoice_payment"
    _nothing_of_theirs(system, application)
